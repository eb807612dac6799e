-- new-source-ip: addresses an identity used inside the window and never in the lookback before.
WITH ev AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.principal_id,
        e.source_ip,
        e.secret_id,
        e.outcome,
        e.event_time
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.source_ip IS NOT NULL
        AND e.event_date BETWEEN CAST($from - $lookback AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from - $lookback
        AND e.event_time < $to
),
known AS (
    SELECT identity_id, count(DISTINCT source_ip) AS known_ips_before
    FROM ev
    WHERE event_time < $from
    GROUP BY identity_id
),
per_ip AS (
    SELECT
        identity_id,
        source_ip,
        min(event_time) AS first_seen,
        count(*) AS events,
        count(*) FILTER (WHERE outcome = 'success') AS successes,
        count(*) FILTER (WHERE outcome = 'denied') AS denied,
        count(DISTINCT secret_id) AS secrets,
        list(DISTINCT principal_id ORDER BY principal_id) AS principal_ids
    FROM ev
    GROUP BY identity_id, source_ip
    HAVING min(event_time) >= $from
)
SELECT
    p.identity_id,
    p.source_ip,
    p.first_seen,
    p.events,
    p.successes,
    p.denied,
    p.secrets,
    p.principal_ids,
    coalesce(k.known_ips_before, 0) AS known_ips_before,
    k.identity_id IS NULL AS identity_new
FROM per_ip AS p
LEFT JOIN known AS k USING (identity_id)
ORDER BY p.first_seen, p.identity_id, p.source_ip
