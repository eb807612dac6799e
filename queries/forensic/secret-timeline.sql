-- secret-timeline: everything known about one secret in time order: every event, the inventory's
-- created / changed / rotated times, leak detections, and the days its store has no logs.
WITH bounds AS (
    SELECT
        coalesce(CAST($from AS TIMESTAMPTZ), CAST('1970-01-01 00:00:00+00' AS TIMESTAMPTZ)) AS lo,
        CAST($to AS TIMESTAMPTZ) AS hi
),
ev AS (
    SELECT
        e.event_time AS time,
        'event' AS kind,
        e.source,
        e.store,
        e.action,
        e.outcome,
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.principal_id,
        e.principal_name,
        e.credential_id,
        e.source_ip,
        coalesce(e.error, e.source_action) AS detail
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.secret_id = $secret
        AND e.event_date >= (SELECT CAST(b.lo AS DATE) FROM bounds AS b)
        AND e.event_date <= CAST($to AS DATE)
        AND e.event_time >= (SELECT b.lo FROM bounds AS b)
        AND e.event_time < $to
),
inventory AS (
    SELECT DISTINCT s.source, s.store, s.created_time, s.last_changed_time, s.last_rotated_time
    FROM secrets AS s
    WHERE s.secret_id = $secret
),
facts AS (
    SELECT created_time AS time, 'created' AS kind, source, store FROM inventory
    UNION
    SELECT last_changed_time, 'changed', source, store FROM inventory
    UNION
    SELECT last_rotated_time, 'rotated', source, store FROM inventory
),
stores AS (
    SELECT DISTINCT source, store FROM ev
    UNION
    SELECT source, store FROM inventory
),
gaps AS (
    SELECT CAST(c.day AS TIMESTAMPTZ) AS time, c.source, c.store, c.coverage
    FROM log_coverage AS c
    INNER JOIN stores AS st ON c.source = st.source AND c.store = st.store
    WHERE c.coverage <> 'logged'
),
everything AS (
    SELECT * FROM ev
    UNION ALL
    SELECT
        time, kind, source, store, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM facts
    WHERE time IS NOT NULL
    UNION ALL
    SELECT
        l.detected_time, 'leak_detected', l.source, NULL, NULL, NULL, NULL, NULL, NULL,
        l.credential_id, NULL, l.leak_id || ' ' || coalesce(l.rule, '') || ' ' || coalesce(l.location, '')
    FROM leaks AS l
    WHERE l.secret_id = $secret
    UNION ALL
    SELECT time, 'log_gap', source, store, NULL, NULL, NULL, NULL, NULL, NULL, NULL, coverage
    FROM gaps
)
SELECT x.*
FROM everything AS x, bounds AS b
WHERE x.time >= b.lo AND x.time < b.hi
ORDER BY x.time, x.kind, x.principal_id
