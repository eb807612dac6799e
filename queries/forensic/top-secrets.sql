-- top-secrets: secrets ranked by how many distinct principals read them, over the whole lake,
-- from the ingest-time rollup (rollup_pairs).
SELECT
    secret_id,
    count(DISTINCT source || ':' || principal_id) FILTER (WHERE outcome = 'success') AS readers,
    count(DISTINCT source || ':' || principal_id) FILTER (WHERE outcome <> 'success')
        AS refused_principals,
    sum(events) FILTER (WHERE outcome = 'success')::BIGINT AS reads,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen
FROM rollup_pairs
WHERE action = 'read' AND secret_id IS NOT NULL
GROUP BY secret_id
ORDER BY readers DESC, reads DESC, secret_id
LIMIT $limit
