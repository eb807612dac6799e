-- who-read-secret: every principal that read, or tried to read, one secret's value in a window.
-- One row per (identity, principal, credential, outcome). $secret is already an exact secret_id
-- (the catalogue resolves names and suffixes first), so the scan prunes on the sort key.
SELECT
    coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
    e.source,
    e.store,
    e.principal_id,
    max(e.principal_name) AS principal_name,
    max(e.principal_type) AS principal_type,
    e.credential_id,
    e.outcome,
    count(*) AS reads,
    min(e.event_time) AS first_read,
    max(e.event_time) AS last_read,
    list(DISTINCT e.source_ip ORDER BY e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL)
        AS source_ips,
    list(DISTINCT e.secret_version ORDER BY e.secret_version)
        FILTER (WHERE e.secret_version IS NOT NULL) AS versions
FROM events AS e
LEFT JOIN identities AS i USING (source, principal_id)
WHERE
    e.secret_id = $secret
    AND e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
    AND e.event_time >= $from
    AND e.event_time < $to
    AND e.action = 'read'
GROUP BY ALL
ORDER BY first_read, identity_id, e.credential_id, e.outcome
