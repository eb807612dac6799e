-- new-source-ip: addresses an identity used inside the window and never in the lookback before.
-- Whole days strictly inside the lookback or the window come from the daily address rollup; the
-- three days a boundary cuts (start of the lookback, `from`, `to`) from the events themselves.
-- Either way events are folded per (principal, address) before the identity join.
WITH folded AS (
    SELECT
        r.source,
        r.principal_id,
        r.source_ip,
        min(r.first_seen) AS first_seen,
        sum(r.events) FILTER (WHERE r.event_date > CAST($from AS DATE)) AS events,
        sum(r.events) FILTER (
            WHERE r.event_date > CAST($from AS DATE) AND r.outcome = 'success'
        ) AS successes,
        sum(r.events) FILTER (
            WHERE r.event_date > CAST($from AS DATE) AND r.outcome = 'denied'
        ) AS denied
    FROM rollup_ips_daily AS r
    WHERE
        r.event_date > CAST($from - $lookback AS DATE)
        AND r.event_date < CAST($to AS DATE)
        AND r.event_date <> CAST($from AS DATE)
    GROUP BY ALL
    UNION ALL
    SELECT
        e.source,
        e.principal_id,
        e.source_ip,
        min(e.event_time) AS first_seen,
        count(*) FILTER (WHERE e.event_time >= $from) AS events,
        count(*) FILTER (WHERE e.event_time >= $from AND e.outcome = 'success') AS successes,
        count(*) FILTER (WHERE e.event_time >= $from AND e.outcome = 'denied') AS denied
    FROM events AS e
    WHERE
        e.source_ip IS NOT NULL
        AND e.event_date IN (
            CAST($from - $lookback AS DATE), CAST($from AS DATE), CAST($to AS DATE)
        )
        AND e.event_time >= $from - $lookback
        AND e.event_time < $to
    GROUP BY ALL
),
ev AS (
    SELECT coalesce(i.identity_id, f.source || ':' || f.principal_id) AS identity_id, f.*
    FROM folded AS f
    LEFT JOIN identities AS i USING (source, principal_id)
),
known AS (
    SELECT identity_id, count(DISTINCT source_ip) AS known_ips_before
    FROM ev
    WHERE first_seen < $from
    GROUP BY identity_id
),
per_ip AS (
    SELECT
        identity_id,
        source_ip,
        min(first_seen) AS first_seen,
        CAST(coalesce(sum(events), 0) AS BIGINT) AS events,
        CAST(coalesce(sum(successes), 0) AS BIGINT) AS successes,
        CAST(coalesce(sum(denied), 0) AS BIGINT) AS denied,
        -- one list aggregate (cheaper than list(DISTINCT ... ORDER BY)); NULL kept, last
        list_sort(list_distinct(list(principal_id)))
            || CASE WHEN bool_or(principal_id IS NULL) THEN [NULL] ELSE [] END AS principal_ids
    FROM ev
    GROUP BY identity_id, source_ip
    HAVING min(first_seen) >= $from
),
-- Distinct secrets do not add up across days: counted from the window's events, for the new
-- addresses only.
secrets AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.source_ip,
        count(DISTINCT e.secret_id) AS secrets
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from
        AND e.event_time < $to
        AND e.source_ip IN (SELECT p.source_ip FROM per_ip AS p)
    GROUP BY ALL
)
SELECT
    p.identity_id,
    p.source_ip,
    p.first_seen,
    p.events,
    p.successes,
    p.denied,
    coalesce(s.secrets, 0) AS secrets,
    p.principal_ids,
    coalesce(k.known_ips_before, 0) AS known_ips_before,
    k.identity_id IS NULL AS identity_new
FROM per_ip AS p
LEFT JOIN secrets AS s
    ON s.identity_id IS NOT DISTINCT FROM p.identity_id AND s.source_ip = p.source_ip
LEFT JOIN known AS k ON k.identity_id = p.identity_id
ORDER BY p.first_seen, p.identity_id, p.source_ip
