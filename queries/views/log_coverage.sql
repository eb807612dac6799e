-- log_coverage: per source, store and UTC day, whether access logs exist.
--
-- "Nobody read it" and "we have no logs of reads" look the same in `events`; every later query
-- and rule must tell them apart. A day inside a store's observed span with no event at all is a
-- gap (`no_logs`: audit device disabled, export missing, outage). A GCP project-day with admin
-- activity but no data-access record means Data Access logging is off (it is off by default),
-- so reads are `unknown` for that day (`no_access_logs`). Vault, AWS (read-only management events)
-- and Azure (AuditEvent) log reads in the same stream as everything else.
-- What it cannot tell: days before a store's first or after its last event, and logs dropped
-- by a filter (Vault Enterprise audit filters, CloudTrail event selectors) on days that still
-- have other events.
WITH days AS (
    -- From the hourly rollup written at ingest (exact: counts add up, min/max of partials).
    SELECT
        source,
        store,
        event_date AS day,
        CAST(sum(events) AS BIGINT) AS events,
        CAST(sum(access_events) AS BIGINT) AS access_events,
        count(DISTINCT hour) AS hours_with_events,
        min(first_seen) AS first_event,
        max(last_seen) AS last_event
    FROM rollup_hours
    GROUP BY ALL
),
spans AS (
    SELECT source, store, min(day) AS first_day, max(day) AS last_day
    FROM days
    GROUP BY ALL
),
calendar AS (
    SELECT
        source,
        store,
        CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day
    FROM spans
)
SELECT
    c.source,
    c.store,
    c.day,
    coalesce(d.events, 0) AS events,
    coalesce(d.access_events, 0) AS access_events,
    coalesce(d.hours_with_events, 0) AS hours_with_events,
    d.first_event,
    d.last_event,
    CASE
        WHEN d.events IS NULL THEN 'no_logs'
        WHEN c.source = 'gcp' AND d.access_events = 0 THEN 'no_access_logs'
        ELSE 'logged'
    END AS coverage
FROM calendar AS c
LEFT JOIN days AS d USING (source, store, day)
