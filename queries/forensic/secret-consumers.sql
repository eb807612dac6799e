-- secret-consumers: which identities (people and workloads) read one secret's value in a window:
-- who breaks, or must be updated, when it is rotated.
SELECT
    coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
    max(i.identity_name) AS identity_name,
    coalesce(max(i.identity_type), max(e.principal_type)) AS identity_type,
    list(DISTINCT e.principal_id ORDER BY e.principal_id) AS principal_ids,
    list(DISTINCT e.principal_name ORDER BY e.principal_name)
        FILTER (WHERE e.principal_name IS NOT NULL) AS principal_names,
    list(DISTINCT e.auth_method ORDER BY e.auth_method) FILTER (WHERE e.auth_method IS NOT NULL)
        AS auth_methods,
    count(DISTINCT e.credential_id) AS credentials,
    list(DISTINCT e.source_ip ORDER BY e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL)
        AS source_ips,
    list(DISTINCT e.user_agent ORDER BY e.user_agent) FILTER (WHERE e.user_agent IS NOT NULL)
        AS user_agents,
    count(*) FILTER (WHERE e.outcome = 'success') AS reads,
    count(*) FILTER (WHERE e.outcome = 'denied') AS denied,
    count(DISTINCT e.event_date) FILTER (WHERE e.outcome = 'success') AS days_read,
    min(e.event_time) FILTER (WHERE e.outcome = 'success') AS first_read,
    max(e.event_time) FILTER (WHERE e.outcome = 'success') AS last_read
FROM events AS e
LEFT JOIN identities AS i USING (source, principal_id)
WHERE
    e.secret_id = $secret
    AND e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
    AND e.event_time >= $from
    AND e.event_time < $to
    AND e.action = 'read'
GROUP BY 1
ORDER BY reads DESC, identity_id
