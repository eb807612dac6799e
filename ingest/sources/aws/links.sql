-- BatchGetSecretValue: CloudTrail writes the batch call AND one GetSecretValue record per secret
-- it returned. The per-secret records are the reads; each gets parent_id = the batch's event_id.
-- Input: the temp table `entries` of the current block (mapping.sql) and `aws_batches`, the
-- batch calls of earlier blocks of this run. Run as one UPDATE of entries.parent_id.
-- A per-secret record belongs to a batch with the same requestID; failing that (FORMATS does
-- not say they share it), to a batch of the same caller (store, credential or principal, source
-- IP, user agent) 0-2 s earlier that named its secret, or used filters. The closest one wins.
WITH batches AS (
    SELECT event_id AS bid, request_id, store, coalesce(credential_id, principal_id) AS who,
        source_ip, user_agent, event_time, link_names AS names, link_filters AS filters
    FROM entries
    WHERE link_is_batch AND quarantine_reason IS NULL AND event_time IS NOT NULL
    UNION ALL
    SELECT bid, request_id, store, who, source_ip, user_agent, event_time, names, filters
    FROM aws_batches
),
children AS (
    SELECT file_idx, bidx, request_id, store, coalesce(credential_id, principal_id) AS who, source_ip,
        user_agent, event_time, secret_name
    FROM entries
    WHERE link_is_child AND quarantine_reason IS NULL
),
candidates AS (
    SELECT c.file_idx, c.bidx, b.bid, 0 AS score
    FROM children c JOIN batches b ON c.request_id = b.request_id
    UNION ALL
    SELECT c.file_idx, c.bidx, b.bid, 1 + abs(epoch(c.event_time) - epoch(b.event_time)) AS score
    FROM children c JOIN batches b ON c.store = b.store AND c.who = b.who
    WHERE c.request_id IS DISTINCT FROM b.request_id
      AND c.source_ip IS NOT DISTINCT FROM b.source_ip
      AND c.user_agent IS NOT DISTINCT FROM b.user_agent
      AND c.event_time BETWEEN b.event_time AND b.event_time + INTERVAL 2 SECOND
      AND (b.filters OR list_contains(b.names, c.secret_name))
)
UPDATE entries SET parent_id = l.parent_id
FROM (SELECT file_idx, bidx, arg_min(bid, score) AS parent_id FROM candidates GROUP BY ALL) l
WHERE entries.file_idx = l.file_idx AND entries.bidx = l.bidx
