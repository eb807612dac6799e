-- Vault / OpenBao audit lines -> the narrow keys every line needs, column-wise in DuckDB.
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store.
-- Output: per line its pairing key (event_id), type, time and, when it cannot be used, a
--         quarantine reason. Only the entries that become events are parsed in full (entries.sql).
WITH cut AS (
    SELECT
        file_idx,
        line,
        bidx,
        text AS original,
        -- prefix= devices and syslog framing put text before the JSON: cut at the first '{'.
        CASE
            WHEN starts_with(text, '{') THEN text
            WHEN strpos(text, '{') > 0 THEN substr(text, strpos(text, '{'))
        END AS body0
    FROM batch
),
src AS (
    -- SIEM re-exports carry the entry as a JSON string in `message` or `event.original`; such a
    -- line has no bare "type": key (inside the string the quotes are escaped).
    SELECT * EXCLUDE (body0),
        CASE
            WHEN NOT contains(body0, '"type":')
                 AND (contains(body0, '"message"') OR contains(body0, '"original"'))
            THEN coalesce(try(json_extract_string(body0, '$.message')),
                          try(json_extract_string(body0, '$.event.original')), body0)
            ELSE body0
        END AS body
    FROM cut
),
parsed AS (
    SELECT *, try(from_json(body, $keyshape)) AS k FROM src
),
typed AS (
    SELECT *,
        CASE WHEN k.type IN ('request', 'kmip-request') THEN 'request'
             WHEN k.type IN ('response', 'kmip-response') THEN 'response' END AS etype,
        try_cast(k.time AS TIMESTAMPTZ) AS event_time,
        nullif(k.request.id, '') AS rid,
        coalesce(nullif(k.request.namespace.id, ''), 'root') AS ns_id
    FROM parsed
)
SELECT
    file_idx,
    line,
    bidx,
    CASE WHEN body IS NULL OR k IS NULL OR etype IS NULL OR event_time IS NULL THEN original END
        AS original,
    -- The raw record stays in the Arrow batch (taken by bidx when written); only a record that
    -- differs from its line (prefix cut, unwrapped from a SIEM envelope) is carried here.
    CASE WHEN body IS DISTINCT FROM original THEN body END AS raw_override,
    body,
    etype,
    rid,
    event_time,
    CASE
        WHEN body IS NULL AND json_valid(original) THEN 'JSON value is not an object'
        WHEN body IS NULL THEN 'not JSON: no "{" on the line (a server log line mixed into the audit stream?)'
        WHEN k IS NULL THEN 'invalid JSON (truncated or corrupted line)'
        WHEN etype IS NULL THEN 'JSON object is not a Vault audit entry (no "type" of request/response)'
        WHEN event_time IS NULL THEN 'unparseable or missing "time": ' || coalesce(k.time, 'null')
    END AS quarantine_reason,
    CASE WHEN rid IS NOT NULL
         THEN substr(sha256(concat_ws('|', 'vault', $store, ns_id, rid)), 1, 32)
         ELSE substr(sha256(concat_ws('|', 'vault', $store, coalesce(body, original))), 1, 32)
    END AS event_id
FROM typed
