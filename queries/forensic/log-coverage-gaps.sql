-- log-coverage-gaps: runs of whole UTC hours in the window in which a store logged nothing.
WITH seen AS (
    SELECT e.source, e.store, date_trunc('hour', e.event_time) AS hour
    FROM events AS e
    WHERE
        e.event_date BETWEEN CAST($from - INTERVAL 7 DAY AS DATE) AND CAST($to AS DATE)
        AND e.event_time >= $from - INTERVAL 7 DAY
        AND e.event_time < $to
        AND (CAST($source AS VARCHAR) IS NULL OR e.source = $source)
    GROUP BY ALL
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
