-- credential-blast-radius: what one credential touched since a point in time, per manager,
-- secret and action, with successes and denials counted apart.
WITH creds AS (
    SELECT
        CAST($credential AS VARCHAR) AS credential_id,
        CAST(NULL AS TIMESTAMPTZ) AS detected_time
    WHERE CAST($credential AS VARCHAR) IS NOT NULL
    UNION ALL
    SELECT l.credential_id, l.detected_time
    FROM leaks AS l
    WHERE l.leak_id = $leak AND l.credential_id IS NOT NULL
),
start AS (
    SELECT
        coalesce(
            CAST($since AS TIMESTAMPTZ),
            min(c.detected_time),
            CAST('1970-01-01 00:00:00+00' AS TIMESTAMPTZ)
        ) AS t
    FROM creds AS c
),
-- A credential given: constant filters, so the Parquet scans prune on the bloom filters of
-- credential_id and session_id. A leak given: its credential is looked up first.
hits AS (
    SELECT e.*
    FROM events AS e
    WHERE
        e.credential_id = CAST($credential AS VARCHAR)
        AND e.event_date >= CAST(coalesce(CAST($since AS TIMESTAMPTZ), '1970-01-01') AS DATE)
        AND e.event_time >= coalesce(CAST($since AS TIMESTAMPTZ), '1970-01-01')
    UNION ALL
    -- a leaked Vault token: its audit HMAC is the session_id of every event it made
    SELECT e.*
    FROM events AS e
    WHERE
        e.session_id = CAST($credential AS VARCHAR)
        AND e.credential_id IS DISTINCT FROM CAST($credential AS VARCHAR)
        AND e.event_date >= CAST(coalesce(CAST($since AS TIMESTAMPTZ), '1970-01-01') AS DATE)
        AND e.event_time >= coalesce(CAST($since AS TIMESTAMPTZ), '1970-01-01')
    UNION ALL
    SELECT e.*
    FROM events AS e
    WHERE
        CAST($leak AS VARCHAR) IS NOT NULL
        AND (e.credential_id IN (SELECT c.credential_id FROM creds AS c)
            OR e.session_id IN (SELECT c.credential_id FROM creds AS c))
        AND e.event_date >= (SELECT CAST(s.t AS DATE) FROM start AS s)
        AND e.event_time >= (SELECT s.t FROM start AS s)
)
SELECT
    e.credential_id,
    e.source,
    e.store,
    e.secret_id,
    max(e.secret_name) AS secret_name,
    e.action,
    count(*) FILTER (WHERE e.outcome = 'success') AS successes,
    count(*) FILTER (WHERE e.outcome = 'denied') AS denied,
    count(*) FILTER (WHERE e.outcome NOT IN ('success', 'denied')) AS other_outcomes,
    min(e.event_time) AS first_time,
    max(e.event_time) AS last_time,
    list(DISTINCT coalesce(i.identity_id, e.source || ':' || e.principal_id)
        ORDER BY coalesce(i.identity_id, e.source || ':' || e.principal_id)) AS identities,
    list(DISTINCT e.source_ip ORDER BY e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL)
        AS source_ips
FROM hits AS e
LEFT JOIN identities AS i USING (source, principal_id)
GROUP BY ALL
ORDER BY first_time, e.source, e.store, e.secret_id, e.action
