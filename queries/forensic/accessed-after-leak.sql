-- accessed-after-leak: for every leak, was the leaked secret or credential used after the scanner
-- found it, and do the logs cover that period well enough to say "not used"?
WITH l AS (
    SELECT k.leak_id, k.source AS scanner, k.rule, k.detected_time, k.credential_id, k.secret_id
    FROM leaks AS k
    WHERE
        k.detected_time IS NOT NULL
        AND k.detected_time >= coalesce(
            CAST($since AS TIMESTAMPTZ), CAST('1970-01-01 00:00:00+00' AS TIMESTAMPTZ)
        )
),
targets AS (
    SELECT leak_id, detected_time, 'secret' AS matched_by, secret_id AS value
    FROM l WHERE secret_id IS NOT NULL
    UNION ALL
    SELECT leak_id, detected_time, 'credential', credential_id
    FROM l WHERE credential_id IS NOT NULL
),
hits AS (
    SELECT t.leak_id, t.matched_by, t.detected_time, e.source, e.store, e.event_time, e.outcome,
        e.source_ip, coalesce(i.identity_id, e.source || ':' || e.principal_id) AS identity_id
    FROM targets AS t
    INNER JOIN events AS e ON t.matched_by = 'secret' AND e.secret_id = t.value
    LEFT JOIN identities AS i ON i.source = e.source AND i.principal_id = e.principal_id
    UNION ALL
    SELECT t.leak_id, t.matched_by, t.detected_time, e.source, e.store, e.event_time, e.outcome,
        e.source_ip, coalesce(i.identity_id, e.source || ':' || e.principal_id)
    FROM targets AS t
    INNER JOIN events AS e ON t.matched_by = 'credential' AND e.credential_id = t.value
    LEFT JOIN identities AS i ON i.source = e.source AND i.principal_id = e.principal_id
    UNION ALL
    -- A leaked Vault token: its audit HMAC is the session_id of the events it made.
    SELECT t.leak_id, t.matched_by, t.detected_time, e.source, e.store, e.event_time, e.outcome,
        e.source_ip, coalesce(i.identity_id, e.source || ':' || e.principal_id)
    FROM targets AS t
    INNER JOIN events AS e ON t.matched_by = 'credential' AND e.session_id = t.value
        AND e.credential_id IS DISTINCT FROM t.value
    LEFT JOIN identities AS i ON i.source = e.source AND i.principal_id = e.principal_id
),
stores AS (
    SELECT DISTINCT leak_id, matched_by, detected_time, source, store FROM hits
    UNION
    SELECT t.leak_id, t.matched_by, t.detected_time, s.source, s.store
    FROM targets AS t
    INNER JOIN secrets AS s ON t.matched_by = 'secret' AND s.secret_id = t.value
),
coverage AS (
    SELECT
        st.leak_id,
        st.matched_by,
        count(*) FILTER (WHERE c.coverage = 'logged') AS logged_days_after,
        count(*) FILTER (WHERE c.coverage <> 'logged') AS unlogged_days_after
    FROM stores AS st
    INNER JOIN log_coverage AS c
        ON c.source = st.source AND c.store = st.store AND c.day >= CAST(st.detected_time AS DATE)
    GROUP BY ALL
),
uses AS (
    SELECT
        leak_id,
        matched_by,
        count(*) FILTER (WHERE outcome = 'success') AS successes,
        count(*) FILTER (WHERE outcome = 'denied') AS denied,
        min(event_time) AS first_use,
        max(event_time) AS last_use,
        list(DISTINCT identity_id ORDER BY identity_id) AS identities,
        list(DISTINCT source_ip ORDER BY source_ip) FILTER (WHERE source_ip IS NOT NULL)
            AS source_ips
    FROM hits
    WHERE event_time >= detected_time
    GROUP BY ALL
)
SELECT
    t.leak_id,
    l.scanner,
    l.rule,
    t.detected_time,
    t.matched_by,
    t.value AS matched_value,
    coalesce(u.successes, 0) AS successes,
    coalesce(u.denied, 0) AS denied,
    u.first_use,
    u.last_use,
    u.identities,
    u.source_ips,
    coalesce(c.logged_days_after, 0) AS logged_days_after,
    coalesce(c.unlogged_days_after, 0) AS unlogged_days_after,
    CASE
        WHEN coalesce(u.successes, 0) > 0 THEN 'used'
        WHEN coalesce(u.denied, 0) > 0 THEN 'tried, denied'
        WHEN coalesce(c.logged_days_after, 0) = 0 THEN 'unknown: no logs after detection'
        WHEN c.unlogged_days_after > 0 THEN 'not seen, but some days have no logs'
        ELSE 'not seen in logged days'
    END AS conclusion
FROM targets AS t
INNER JOIN l USING (leak_id)
LEFT JOIN uses AS u USING (leak_id, matched_by)
LEFT JOIN coverage AS c USING (leak_id, matched_by)
ORDER BY t.detected_time, t.leak_id, t.matched_by
