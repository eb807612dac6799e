-- dormant-principals: principals known from snapshots (principals, or holders of allow grants)
-- with no event in the idle period before $as_of, with how well that period is logged.
WITH known AS (
    SELECT
        p.source, p.store, p.principal_id, p.name, p.principal_type, p.disabled,
        'principals' AS known_from
    FROM principals AS p
    WHERE p.principal_type <> 'group'
    UNION ALL
    SELECT
        g.source, g.store, g.principal_id, NULL, g.principal_type, NULL, 'grants'
    FROM grants AS g
    WHERE g.principal_type <> 'group' AND g.effect = 'allow'
),
k AS (
    SELECT
        source,
        store,
        principal_id,
        max(name) AS name,
        max(principal_type) AS principal_type,
        bool_or(disabled) AS disabled,
        list(DISTINCT known_from ORDER BY known_from) AS known_from
    FROM known
    GROUP BY source, store, principal_id
),
held AS (
    SELECT g.source, g.store, g.principal_id, count(DISTINCT g.resource) AS grants
    FROM grants AS g
    WHERE g.effect = 'allow'
    GROUP BY ALL
),
last_seen AS (
    SELECT e.source, e.principal_id, max(e.event_time) AS last_event
    FROM events AS e
    WHERE
        e.event_date <= CAST($as_of AS DATE)
        AND e.event_time < $as_of
        AND e.principal_id IN (SELECT k.principal_id FROM k)
    GROUP BY ALL
),
coverage AS (
    SELECT c.source, c.store, count(*) FILTER (WHERE c.coverage = 'logged') AS logged_days
    FROM log_coverage AS c
    WHERE c.day > CAST($as_of - $idle AS DATE) AND c.day <= CAST($as_of AS DATE)
    GROUP BY ALL
)
SELECT
    k.source,
    k.store,
    k.principal_id,
    k.name,
    k.principal_type,
    coalesce(i.identity_id, k.source || ':' || k.principal_id) AS identity_id,
    k.known_from,
    k.disabled,
    coalesce(h.grants, 0) AS grants,
    l.last_event,
    date_diff('day', l.last_event, CAST($as_of AS TIMESTAMPTZ)) AS days_since_last_event,
    coalesce(c.logged_days, 0) AS logged_days_in_idle_period
FROM k
LEFT JOIN identities AS i ON i.source = k.source AND i.principal_id = k.principal_id
LEFT JOIN held AS h ON h.source = k.source AND h.store = k.store AND h.principal_id = k.principal_id
LEFT JOIN last_seen AS l ON l.source = k.source AND l.principal_id = k.principal_id
LEFT JOIN coverage AS c ON c.source = k.source AND c.store = k.store
WHERE l.last_event IS NULL OR l.last_event < $as_of - $idle
ORDER BY k.source, k.store, k.principal_id
