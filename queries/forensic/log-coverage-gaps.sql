-- log-coverage-gaps: runs of whole UTC hours in the window in which a store logged nothing.
WITH seen AS (
    -- Hours with at least one event in the window (and the week before, to know the stores),
    -- from the hourly rollup written at ingest instead of the events themselves.
    SELECT DISTINCT r.source, r.store, CAST(r.event_date AS TIMESTAMPTZ) + to_hours(r.hour) AS hour
    FROM rollup_hours AS r
    WHERE
        r.event_date BETWEEN CAST($from - INTERVAL 7 DAY AS DATE) AND CAST($to AS DATE)
        AND r.last_seen >= $from - INTERVAL 7 DAY
        AND r.first_seen < $to
        AND (CAST($source AS VARCHAR) IS NULL OR r.source = $source)
),
stores AS (
    SELECT DISTINCT source, store FROM seen
),
calendar AS (
    SELECT
        s.source,
        s.store,
        unnest(
            generate_series(
                date_trunc('hour', CAST($from AS TIMESTAMPTZ)),
                CAST($to AS TIMESTAMPTZ) - INTERVAL 1 HOUR,
                INTERVAL 1 HOUR
            )
        ) AS hour
    FROM stores AS s
),
missing AS (
    SELECT c.source, c.store, c.hour
    FROM calendar AS c
    ANTI JOIN seen AS s USING (source, store, hour)
),
islands AS (
    SELECT
        source,
        store,
        hour,
        hour - to_hours(CAST(row_number() OVER (PARTITION BY source, store ORDER BY hour) AS BIGINT))
            AS grp
    FROM missing
)
SELECT
    source,
    store,
    min(hour) AS gap_start,
    max(hour) + INTERVAL 1 HOUR AS gap_end,
    count(*) AS hours
FROM islands
GROUP BY source, store, grp
HAVING count(*) >= $min_hours
ORDER BY source, store, gap_start
