-- dynamic-credential-holders: who received which dynamic credential (a Vault lease) and when.
SELECT
    e.event_time AS issued_time,
    coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
    e.source,
    e.store,
    e.principal_id,
    e.principal_name,
    e.credential_id,
    e.secret_id,
    e.action,
    e.lease_id,
    e.source_ip
FROM events AS e
LEFT JOIN identities AS i USING (source, principal_id)
WHERE
    e.lease_id IS NOT NULL
    AND e.outcome = 'success'
    AND e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
    AND e.event_time >= $from
    AND e.event_time < $to
    AND (CAST($secret AS VARCHAR) IS NULL OR e.secret_id = $secret)
ORDER BY e.event_time, e.lease_id
