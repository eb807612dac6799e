-- access-pairs: every (identity, principal, secret) pair that ever read a secret, with first and
-- last read and counts, over the whole lake. Reads the ingest-time rollup (rollup_pairs), which
-- holds one row per ingest run and group: the partial rows are summed here, never the events.
WITH pairs AS (
    SELECT
        r.source,
        r.principal_id,
        max(r.principal_name) AS principal_name,
        r.secret_id,
        sum(r.events) FILTER (WHERE r.outcome = 'success')::BIGINT AS reads,
        sum(r.events) FILTER (WHERE r.outcome <> 'success')::BIGINT AS failed_or_denied,
        min(r.first_seen) AS first_seen,
        max(r.last_seen) AS last_seen
    FROM rollup_pairs AS r
    WHERE r.action = 'read' AND r.secret_id IS NOT NULL
        AND ($secret_prefix IS NULL OR starts_with(r.secret_id, $secret_prefix))
    GROUP BY r.source, r.principal_id, r.secret_id
)
SELECT
    coalesce(i.identity_id, p.source || ':' || p.principal_id) AS identity_id,
    p.source,
    p.principal_id,
    p.principal_name,
    p.secret_id,
    p.reads,
    p.failed_or_denied,
    p.first_seen,
    p.last_seen
FROM pairs AS p
LEFT JOIN identities AS i USING (source, principal_id)
ORDER BY p.secret_id, p.first_seen, identity_id
LIMIT $limit
