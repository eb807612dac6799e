-- denied-bursts: runs of denied requests by one identity, each denial within $gap of the previous
-- one, with at least $min_denials denials; and whether the identity succeeded during the run.
WITH ev AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.principal_id,
        e.credential_id,
        e.secret_id,
        e.source_ip,
        e.outcome,
        e.event_time
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from
        AND e.event_time < $to
        AND e.outcome IN ('denied', 'success')
),
marked AS (
    SELECT
        *,
        CASE
            WHEN event_time - lag(event_time) OVER w <= $gap THEN 0
            ELSE 1
        END AS starts_burst
    FROM ev
    WHERE outcome = 'denied'
    WINDOW w AS (PARTITION BY identity_id ORDER BY event_time)
),
numbered AS (
    SELECT
        *,
        sum(starts_burst) OVER (
            PARTITION BY identity_id ORDER BY event_time ROWS UNBOUNDED PRECEDING
        ) AS burst
    FROM marked
),
bursts AS (
    SELECT
        identity_id,
        burst,
        min(event_time) AS burst_start,
        max(event_time) AS burst_end,
        count(*) AS denials,
        count(DISTINCT secret_id) AS distinct_secrets,
        list(DISTINCT secret_id ORDER BY secret_id) FILTER (WHERE secret_id IS NOT NULL)
            AS secrets,
        list(DISTINCT credential_id ORDER BY credential_id)
            FILTER (WHERE credential_id IS NOT NULL) AS credential_ids,
        list(DISTINCT source_ip ORDER BY source_ip) FILTER (WHERE source_ip IS NOT NULL)
            AS source_ips,
        list(DISTINCT principal_id ORDER BY principal_id) AS principal_ids
    FROM numbered
    GROUP BY identity_id, burst
    HAVING count(*) >= $min_denials
),
successes AS (
    SELECT b.identity_id, b.burst, count(s.event_time) AS successes_during
    FROM bursts AS b
    LEFT JOIN ev AS s
        ON
            s.identity_id = b.identity_id
            AND s.outcome = 'success'
            AND s.event_time BETWEEN b.burst_start AND b.burst_end + $gap
    GROUP BY b.identity_id, b.burst
)
SELECT
    b.identity_id,
    b.burst_start,
    b.burst_end,
    b.denials,
    b.distinct_secrets,
    b.secrets,
    b.credential_ids,
    b.source_ips,
    b.principal_ids,
    s.successes_during
FROM bursts AS b
INNER JOIN successes AS s USING (identity_id, burst)
ORDER BY b.burst_start, b.identity_id
