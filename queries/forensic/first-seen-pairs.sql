-- first-seen-pairs: an identity reading a secret for the first time inside the window, when its
-- history over the lookback before the window never showed that pair.
-- Whole days strictly inside the lookback or the window come from the daily read rollup; the
-- three days a boundary cuts (start of the lookback, `from`, `to`) from the events themselves.
-- Either way reads are folded per (principal, secret) before the identity join.
WITH folded AS (
    SELECT
        r.source,
        r.principal_id,
        r.secret_id,
        max(r.secret_name) AS secret_name,
        min(r.first_seen) AS first_read,
        CAST(sum(r.events) FILTER (WHERE r.event_date > CAST($from AS DATE)) AS BIGINT) AS reads_in_window
    FROM rollup_reads_daily AS r
    WHERE
        r.outcome = 'success'
        AND r.secret_id IS NOT NULL
        AND r.event_date > CAST($from - $lookback AS DATE)
        AND r.event_date < CAST($to AS DATE)
        AND r.event_date <> CAST($from AS DATE)
    GROUP BY ALL
    UNION ALL
    SELECT
        e.source,
        e.principal_id,
        e.secret_id,
        max(e.secret_name) AS secret_name,
        min(e.event_time) AS first_read,
        count(*) FILTER (WHERE e.event_time >= $from) AS reads_in_window
    FROM events AS e
    WHERE
        e.action = 'read'
        AND e.outcome = 'success'
        AND e.secret_id IS NOT NULL
        AND e.event_date IN (
            CAST($from - $lookback AS DATE), CAST($from AS DATE), CAST($to AS DATE)
        )
        AND e.event_time >= $from - $lookback
        AND e.event_time < $to
    GROUP BY ALL
),
reads AS (
    SELECT coalesce(i.identity_id, f.source || ':' || f.principal_id) AS identity_id, f.*
    FROM folded AS f
    LEFT JOIN identities AS i USING (source, principal_id)
),
history AS (
    SELECT identity_id, count(DISTINCT secret_id) AS secrets_read_before
    FROM reads
    WHERE first_read < $from
    GROUP BY identity_id
),
pairs AS (
    SELECT
        identity_id,
        secret_id,
        max(secret_name) AS secret_name,
        min(first_read) AS first_read,
        CAST(coalesce(sum(reads_in_window), 0) AS BIGINT) AS reads_in_window,
        -- one list aggregate (cheaper than list(DISTINCT ... ORDER BY)); NULL kept, last
        list_sort(list_distinct(list(principal_id)))
            || CASE WHEN bool_or(principal_id IS NULL) THEN [NULL] ELSE [] END AS principal_ids
    FROM reads
    GROUP BY identity_id, secret_id
    HAVING min(first_read) >= $from
)
SELECT
    p.identity_id,
    p.secret_id,
    p.secret_name,
    p.first_read,
    p.reads_in_window,
    p.principal_ids,
    coalesce(h.secrets_read_before, 0) AS secrets_read_before,
    h.identity_id IS NULL AS identity_new
FROM pairs AS p
LEFT JOIN history AS h USING (identity_id)
ORDER BY p.first_read, p.identity_id, p.secret_id
