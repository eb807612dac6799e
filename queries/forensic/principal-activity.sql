-- principal-activity: everything one principal (or every principal of one identity) did in a
-- window, across managers, oldest first. The principal is resolved to ids first (identities,
-- principals snapshot) so the big scan filters on plain columns before any join.
WITH who AS (
    SELECT i.principal_id
    FROM identities AS i
    WHERE $principal IN (i.identity_id, i.identity_name, i.principal_id, i.principal_name)
    UNION
    SELECT p.principal_id
    FROM principals AS p
    WHERE $principal IN (p.principal_id, p.name, p.email)
    UNION
    SELECT CAST($principal AS VARCHAR)
),
-- Two scans, not one OR across columns: each keeps its filter in the Parquet scan (the id
-- branch prunes row groups with the principal_id bloom filters), and UNION drops an event
-- that both match.
hits AS (
    SELECT
        e.event_time, e.event_id, e.source, e.store, e.principal_id, e.principal_name,
        e.credential_id, e.auth_method, e.action, e.outcome, e.secret_id, e.secret_name,
        e.source_ip, e.user_agent, e.error
    FROM events AS e
    WHERE
        e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from
        AND e.event_time < $to
        AND e.principal_id IN (SELECT w.principal_id FROM who AS w)
    UNION
    SELECT
        e.event_time, e.event_id, e.source, e.store, e.principal_id, e.principal_name,
        e.credential_id, e.auth_method, e.action, e.outcome, e.secret_id, e.secret_name,
        e.source_ip, e.user_agent, e.error
    FROM events AS e
    WHERE
        e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from
        AND e.event_time < $to
        AND e.principal_name = $principal
)
SELECT
    e.event_time,
    coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
    e.source,
    e.store,
    e.principal_id,
    e.principal_name,
    e.credential_id,
    e.auth_method,
    e.action,
    e.outcome,
    e.secret_id,
    e.secret_name,
    e.source_ip,
    e.user_agent,
    e.error,
    e.event_id
FROM hits AS e
LEFT JOIN identities AS i USING (source, principal_id)
ORDER BY e.event_time, e.event_id
LIMIT $max_rows
