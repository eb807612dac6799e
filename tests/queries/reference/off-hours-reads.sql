-- off-hours-reads: reads in hours of the day (UTC) that the identity itself rarely uses, judged
-- against its own activity over the lookback before the window.
WITH ev AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.principal_id,
        e.action,
        e.outcome,
        e.secret_id,
        e.source_ip,
        e.event_time,
        hour(e.event_time) AS hour_utc
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.event_date BETWEEN CAST($from - $lookback AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from - $lookback
        AND e.event_time < $to
),
per_hour AS (
    SELECT identity_id, hour_utc, count(*) AS n
    FROM ev
    WHERE event_time < $from
    GROUP BY ALL
),
totals AS (
    SELECT identity_id, sum(n) AS baseline_events
    FROM per_hour
    GROUP BY identity_id
    HAVING sum(n) >= $min_baseline
)
SELECT
    r.event_time,
    r.identity_id,
    r.principal_id,
    r.secret_id,
    r.outcome,
    r.source_ip,
    r.hour_utc,
    coalesce(h.n, 0) AS baseline_events_in_hour,
    t.baseline_events,
    round(coalesce(h.n, 0) / t.baseline_events, 4) AS hour_share
FROM ev AS r
INNER JOIN totals AS t USING (identity_id)
LEFT JOIN per_hour AS h USING (identity_id, hour_utc)
WHERE
    r.event_time >= $from
    AND r.action = 'read'
    AND coalesce(h.n, 0) / t.baseline_events < $max_share
ORDER BY r.event_time, r.identity_id
