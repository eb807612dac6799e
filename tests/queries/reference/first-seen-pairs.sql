-- first-seen-pairs: an identity reading a secret for the first time inside the window, when its
-- history over the lookback before the window never showed that pair.
WITH reads AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.principal_id,
        e.secret_id,
        e.secret_name,
        e.event_time
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.action = 'read'
        AND e.outcome = 'success'
        AND e.secret_id IS NOT NULL
        AND e.event_date BETWEEN CAST($from - $lookback AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from - $lookback
        AND e.event_time < $to
),
history AS (
    SELECT identity_id, count(DISTINCT secret_id) AS secrets_read_before
    FROM reads
    WHERE event_time < $from
    GROUP BY identity_id
),
pairs AS (
    SELECT
        identity_id,
        secret_id,
        max(secret_name) AS secret_name,
        min(event_time) AS first_read,
        count(*) AS reads_in_window,
        list(DISTINCT principal_id ORDER BY principal_id) AS principal_ids
    FROM reads
    GROUP BY identity_id, secret_id
    HAVING min(event_time) >= $from
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
