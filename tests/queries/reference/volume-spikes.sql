-- volume-spikes: days on which an identity read far more than its own baseline, by robust
-- z-score = (x - median) / (1.4826 * MAD) over zero-filled daily counts.
WITH daily AS (
    SELECT
        coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id,
        e.event_date AS day,
        count(*) AS reads
    FROM events AS e
    LEFT JOIN identities AS i USING (source, principal_id)
    WHERE
        e.action = 'read'
        AND e.event_date BETWEEN $from - CAST($lookback_days AS INTEGER) AND $to
    GROUP BY ALL
),
firsts AS (
    SELECT identity_id, min(day) AS first_day FROM daily GROUP BY identity_id
),
calendar AS (
    SELECT
        f.identity_id,
        CAST(
            unnest(
                generate_series(
                    CAST(greatest(f.first_day, $from - CAST($lookback_days AS INTEGER)) AS TIMESTAMP),
                    CAST($from - 1 AS TIMESTAMP),
                    INTERVAL 1 DAY
                )
            ) AS DATE
        ) AS day
    FROM firsts AS f
),
baseline AS (
    SELECT c.identity_id, coalesce(d.reads, 0) AS reads
    FROM calendar AS c
    LEFT JOIN daily AS d USING (identity_id, day)
),
centre AS (
    SELECT identity_id, median(reads) AS med, count(*) AS baseline_days
    FROM baseline
    GROUP BY identity_id
    HAVING count(*) >= $min_baseline_days
),
spread AS (
    SELECT
        b.identity_id,
        median(abs(b.reads - c.med)) AS mad,
        avg(abs(b.reads - c.med)) AS mean_ad
    FROM baseline AS b
    INNER JOIN centre AS c USING (identity_id)
    GROUP BY b.identity_id
),
scored AS (
    SELECT
        d.day,
        d.identity_id,
        d.reads,
        c.med AS baseline_median,
        s.mad AS baseline_mad,
        c.baseline_days,
        round(
            (d.reads - c.med) / CASE
                WHEN s.mad > 0 THEN 1.4826 * s.mad
                WHEN s.mean_ad > 0 THEN 1.253314 * s.mean_ad
                ELSE 1
            END,
            2
        ) AS robust_z
    FROM daily AS d
    INNER JOIN centre AS c USING (identity_id)
    INNER JOIN spread AS s USING (identity_id)
    WHERE d.day >= $from
)
SELECT * FROM scored
WHERE robust_z >= $threshold
ORDER BY day, robust_z DESC, identity_id
