-- off-hours-reads: reads in hours of the day (UTC) that the identity itself rarely uses, judged
-- against its own activity over the lookback before the window.
-- The rhythm (events per hour of day over the lookback) comes from the hourly principal rollup
-- for whole days, and from the events for the two days the lookback's ends cut; the reads
-- judged are the window's events.
WITH history AS (
    SELECT r.source, r.principal_id, r.hour AS hour_utc, sum(r.events) AS n
    FROM rollup_principal_hours AS r
    WHERE
        r.event_date > CAST($from - $lookback AS DATE)
        AND r.event_date < CAST($from AS DATE)
    GROUP BY ALL
    UNION ALL
    SELECT e.source, e.principal_id, hour(e.event_time), count(*)
    FROM events AS e
    WHERE
        e.event_date IN (CAST($from - $lookback AS DATE), CAST($from AS DATE))
        AND e.event_time >= $from - $lookback
        AND e.event_time < $from
    GROUP BY ALL
),
per_hour AS (
    SELECT
        coalesce(i.identity_id, h.source || ':' || h.principal_id) AS identity_id,
        h.hour_utc,
        CAST(sum(h.n) AS BIGINT) AS n
    FROM history AS h
    LEFT JOIN identities AS i USING (source, principal_id)
    GROUP BY ALL
),
totals AS (
    SELECT identity_id, sum(n) AS baseline_events
    FROM per_hour
    GROUP BY identity_id
    HAVING sum(n) >= $min_baseline
),
-- Every principal of a judged identity, also one with no history of its own: the window's
-- reads then join on plain columns, with no identity worked out per event.
judged AS (
    SELECT i.source, i.principal_id, t.identity_id, t.baseline_events
    FROM identities AS i
    INNER JOIN totals AS t USING (identity_id)
    UNION ALL
    SELECT h.source, h.principal_id, t.identity_id, t.baseline_events
    FROM (SELECT DISTINCT source, principal_id FROM history) AS h
    ANTI JOIN identities AS i USING (source, principal_id)
    INNER JOIN totals AS t ON t.identity_id = h.source || ':' || h.principal_id
),
-- Hours of the identity's rhythm (at least max_share of its baseline): a read outside them is
-- flagged. An anti join on these few cells keeps the window's reads on the probe side.
usual AS (
    SELECT p.identity_id, p.hour_utc
    FROM per_hour AS p
    INNER JOIN totals AS t USING (identity_id)
    WHERE p.n / t.baseline_events >= $max_share
),
flagged AS (
    SELECT
        e.event_time,
        j.identity_id,
        e.principal_id,
        e.secret_id,
        e.outcome,
        e.source_ip,
        hour(e.event_time) AS hour_utc,
        j.baseline_events
    FROM events AS e
    INNER JOIN judged AS j USING (source, principal_id)
    ANTI JOIN usual AS u ON u.identity_id = j.identity_id AND u.hour_utc = hour(e.event_time)
    WHERE
        e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from
        AND e.event_time < $to
        AND e.action = 'read'
)
SELECT
    f.event_time,
    f.identity_id,
    f.principal_id,
    f.secret_id,
    f.outcome,
    f.source_ip,
    f.hour_utc,
    coalesce(h.n, 0) AS baseline_events_in_hour,
    f.baseline_events,
    round(coalesce(h.n, 0) / f.baseline_events, 4) AS hour_share
FROM flagged AS f
LEFT JOIN per_hour AS h USING (identity_id, hour_utc)
ORDER BY f.event_time, f.identity_id, f.principal_id, f.secret_id, f.outcome, f.source_ip
