-- daily-volume: events per UTC day and source, split by outcome, with distinct principals, from
-- the ingest-time rollup (rollup_daily).
SELECT
    event_date,
    source,
    sum(events)::BIGINT AS events,
    sum(events) FILTER (WHERE action = 'read')::BIGINT AS reads,
    sum(events) FILTER (WHERE outcome = 'denied')::BIGINT AS denied,
    sum(events) FILTER (WHERE outcome = 'failure')::BIGINT AS failed,
    count(DISTINCT principal_id) AS principals
FROM rollup_daily
WHERE event_date BETWEEN $from AND $to
GROUP BY ALL
ORDER BY event_date, source
