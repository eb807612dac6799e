-- Doppler activity (log streams, /v3/logs pages, config logs) -> events, column-wise in DuckDB.
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store
--         (--store, else 'default'), used only for records that do not name their workplace.
-- Output: one row per EVENT (SqlAdapter with fan_out=True, ingest/sources/base.py): a record
--         fans out into items (the entries of a /v3/logs page, the messages of an SQS receive
--         batch, else the record itself), and an item into children (one per secret of a
--         `security.secret_read`, one per name in the diff of a secrets update, else one).
--         `fan_head` marks the row that stands for the record (its first item's first child).
WITH src AS (
    SELECT file_idx, line, bidx, text,
        json_valid(text) AS is_json,
        CASE WHEN json_valid(text) THEN json_type(text) END AS doc_type
    FROM batch
),
containers AS (
    SELECT *,
        CASE WHEN doc_type = 'OBJECT' AND json_type(text, '$.logs') = 'ARRAY' THEN 'page'
             WHEN doc_type = 'OBJECT' AND json_type(text, '$.Messages') = 'ARRAY' THEN 'sqs_batch'
             WHEN doc_type = 'OBJECT' THEN 'record'
        END AS container
    FROM src
),
listed AS (
    SELECT *,
        CASE container
            WHEN 'page' THEN json_extract(text, '$.logs[*]')
            WHEN 'sqs_batch' THEN json_extract(text, '$.Messages[*]')
            WHEN 'record' THEN [text::JSON]
        END AS item_list
    FROM containers
),
items AS (
    -- An empty page keeps one row (item NULL) so that the record is still accounted for.
    SELECT file_idx, line, bidx, text, is_json, doc_type, container,
        coalesce(len(item_list), 0) AS n_items,
        unnest(CASE WHEN len(item_list) > 0 THEN item_list ELSE [NULL::JSON] END) AS item,
        generate_subscripts(CASE WHEN len(item_list) > 0 THEN item_list ELSE [NULL::JSON] END, 1)
            AS item_idx
    FROM listed
),
unwrapped AS (
    -- Envelopes around one Doppler record: an SQS message (`Body`, a string), a Datadog log
    -- whose attributes are the record (Logs API v2 `attributes.attributes`, `content.attributes`,
    -- a log archive's `attributes`), or a SIEM re-export carrying it as a JSON string in `message`.
    SELECT *,
        CASE
            WHEN item IS NULL OR json_type(item) <> 'OBJECT' THEN NULL
            WHEN json_type(item, '$.Body') = 'VARCHAR' THEN item ->> '$.Body'
            WHEN json_type(item, '$.attributes.attributes.type') = 'VARCHAR'
                THEN (item -> '$.attributes.attributes')::VARCHAR
            WHEN json_type(item, '$.content.attributes.type') = 'VARCHAR'
                THEN (item -> '$.content.attributes')::VARCHAR
            WHEN json_exists(item, '$.type') OR json_exists(item, '$.created_at')
                THEN item::VARCHAR
            WHEN json_type(item, '$.attributes.type') = 'VARCHAR'
                THEN (item -> '$.attributes')::VARCHAR
            WHEN json_type(item, '$.message') = 'VARCHAR'
                 AND starts_with(ltrim(item ->> '$.message'), '{') THEN item ->> '$.message'
            ELSE item::VARCHAR
        END AS body
    FROM items
),
parsed AS (
    SELECT *,
        CASE WHEN json_valid(body) AND json_type(body) = 'OBJECT'
             THEN try(from_json(body, $shape)) END AS r
    FROM unwrapped
),
fields AS (
    SELECT *,
        nullif(trim(r.type), '') AS etype,
        coalesce(nullif(r.slug, ''), nullif(r.id, '')) AS log_id,
        coalesce(r.createdAt, r.created_at) AS time_json,
        coalesce(nullif(r.workplace.id, ''), $store) AS store_name,
        nullif(r.user.slug, '') AS user_slug,
        lower(nullif(r.user.kind, '')) AS user_kind,
        CASE WHEN json_type(r.user.type) = 'OBJECT' THEN r.user.type ->> '$.name' END AS token_type,
        CASE WHEN json_type(r.user.type) = 'VARCHAR' THEN r.user.type ->> '$' END AS bot_type,
        nullif(r.user.email, '') AS user_email,
        coalesce(nullif(r.user.name, ''), nullif(r.user.username, '')) AS user_display,
        -- REST entries (/v3/logs, config logs) have no `type`; config logs carry `rollback`.
        CASE WHEN r IS NOT NULL THEN r.type IS NULL AND json_exists(body, '$.created_at')
             ELSE false END AS rest,
        CASE WHEN r IS NOT NULL THEN json_exists(body, '$.rollback') ELSE false END AS config_log,
        CASE WHEN json_type(r.config) = 'VARCHAR' THEN r.config ->> '$'
             WHEN json_type(r.config) = 'OBJECT' THEN r.config ->> '$.name' END AS rest_config
    FROM parsed
),
timed AS (
    SELECT *,
        CASE
            WHEN json_type(time_json) = 'VARCHAR' THEN try_cast(time_json ->> '$' AS TIMESTAMPTZ)
            -- Epoch numbers (a SIEM re-export): milliseconds when large, else seconds.
            WHEN json_type(time_json) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN
                CASE WHEN abs(CAST(time_json AS DOUBLE)) >= 1e11
                     THEN try(to_timestamp(CAST(time_json AS DOUBLE) / 1000.0))
                     ELSE try(to_timestamp(CAST(time_json AS DOUBLE))) END
        END AS ts0
    FROM fields
),
item_checked AS (
    SELECT *,
        CASE WHEN isfinite(ts0) AND year(ts0) BETWEEN 1970 AND 9999 THEN ts0 END AS ts,
        CASE
            WHEN item IS NULL THEN NULL
            WHEN json_type(item) <> 'OBJECT' THEN 'JSON value is not an object'
            WHEN NOT json_valid(body) THEN 'envelope carries invalid JSON (Body / message)'
            WHEN r IS NULL THEN 'JSON value in the envelope is not an object'
            WHEN etype IS NULL AND NOT rest
                THEN 'JSON object is not a Doppler activity record (no type, no created_at)'
        END AS item_problem
    FROM timed
),
item_checked2 AS (
    SELECT *,
        coalesce(item_problem, CASE WHEN item IS NOT NULL AND ts IS NULL
            THEN 'unparseable or missing time: ' || coalesce(time_json::VARCHAR, 'null') END)
            AS item_reason
    FROM item_checked
),
-- A record is quarantined as a whole when any of its items is bad (a page is one record): the
-- first bad entry of each multi-item record, found by a GROUP BY over those records only.
bad_items AS (
    SELECT bidx, min({'i': item_idx, 'reason': item_reason}) AS first_bad
    FROM item_checked2
    WHERE container IN ('page', 'sqs_batch') AND item_reason IS NOT NULL
    GROUP BY bidx
),
record_checked AS (
    SELECT c.*,
        CASE
            WHEN NOT c.is_json AND NOT regexp_matches(c.text, '^\s*[\[{]')
                THEN 'not JSON (a text line mixed into the export?)'
            WHEN NOT c.is_json THEN 'invalid JSON: truncated or corrupted record'
            WHEN c.doc_type <> 'OBJECT' THEN 'JSON value is not an object'
            WHEN c.container = 'record' THEN c.item_reason
            WHEN b.first_bad IS NOT NULL
                THEN c.container || ' entry ' || b.first_bad.i || ': ' || b.first_bad.reason
        END AS quarantine_reason,
        CASE WHEN c.n_items = 0 AND c.container = 'page' THEN '/v3/logs page without entries'
             WHEN c.n_items = 0 AND c.container = 'sqs_batch'
                 THEN 'SQS receive batch without messages'
        END AS skip_reason
    FROM item_checked2 c LEFT JOIN bad_items b ON b.bidx = c.bidx
),
children AS (
    -- One child per secret read, one per name of a secrets-update diff, else one (NULL).
    SELECT *,
        CASE
            WHEN etype = 'security.secret_read' AND len(r.metadata.secrets) > 0
                THEN list_transform(r.metadata.secrets, lambda x: {
                    'kind': 'read', 'p': x.p, 'e': x.e, 'c': x.c, 's': x.s, 'v': x.v,
                    'rp': x.r.p, 'rc': x.r.c})
            WHEN etype = 'enclave.project.config.secrets.update'
                 AND len(coalesce(r.metadata.diff.added, [])) + len(coalesce(r.metadata.diff.updated, []))
                     + len(coalesce(r.metadata.diff.removed, [])) > 0
                THEN
                    list_transform(coalesce(r.metadata.diff.added, []), lambda n: {
                        'kind': 'added', 'p': NULL::VARCHAR, 'e': NULL::VARCHAR, 'c': NULL::VARCHAR,
                        's': n, 'v': NULL::VARCHAR, 'rp': NULL::VARCHAR, 'rc': NULL::VARCHAR})
                    || list_transform(coalesce(r.metadata.diff.updated, []), lambda n: {
                        'kind': 'updated', 'p': NULL::VARCHAR, 'e': NULL::VARCHAR, 'c': NULL::VARCHAR,
                        's': n, 'v': NULL::VARCHAR, 'rp': NULL::VARCHAR, 'rc': NULL::VARCHAR})
                    || list_transform(coalesce(r.metadata.diff.removed, []), lambda n: {
                        'kind': 'removed', 'p': NULL::VARCHAR, 'e': NULL::VARCHAR, 'c': NULL::VARCHAR,
                        's': n, 'v': NULL::VARCHAR, 'rp': NULL::VARCHAR, 'rc': NULL::VARCHAR})
        END AS child_list
    FROM record_checked
),
fanned AS (
    SELECT * EXCLUDE (child_list),
        coalesce(len(child_list), 0) AS n_children,
        unnest(coalesce(child_list, [NULL])) AS ch,
        generate_subscripts(coalesce(child_list, [NULL]), 1) AS child_idx
    FROM children
),
-- Event types of FORMATS.md §5(c); anything else is `other` with its type kept.
mapped AS (
    SELECT *,
        CASE
            WHEN etype = 'security.secret_read' THEN 'read'
            WHEN etype = 'enclave.project.config.secrets.update' THEN
                CASE ch.kind WHEN 'added' THEN 'create' WHEN 'removed' THEN 'delete' ELSE 'write' END
            WHEN etype = 'team.seat.token.cli.revoke' THEN 'other'
            WHEN starts_with(etype, 'enclave.project.access.')
              OR contains(etype, '.service_token.')
              OR starts_with(etype, 'team.service_account.')
              OR etype IN ('team.seat.update', 'team.seat.join')
              OR starts_with(etype, 'team.group.')
              OR starts_with(etype, 'custom_roles.') THEN 'permission_change'
            WHEN etype IS NOT NULL THEN 'other'
            WHEN config_log AND r.rollback THEN 'restore'
            WHEN config_log THEN 'write'
            WHEN rest AND rest_config IS NOT NULL AND r.text ILIKE 'modified secrets%' THEN 'write'
            ELSE 'other'
        END AS action,
        coalesce(ch.p, r.metadata.projectName, r.metadata.projectId, r.project) AS proj,
        coalesce(ch.c, r.metadata.configName, rest_config) AS conf,
        -- The dedupe key of the item (FORMATS.md §5(d)): its log id, else a composite.
        coalesce('id:' || log_id, concat_ws('|', 'read', time_json::VARCHAR, user_slug,
            r.session.ip, md5(CASE WHEN r IS NOT NULL
                THEN coalesce(json_extract(body, '$.metadata.secrets')::VARCHAR, '') END)))
            AS item_key
    FROM fanned
)
SELECT
    file_idx,
    line,
    bidx,
    item_idx = 1 AND child_idx = 1 AS fan_head,
    CASE WHEN quarantine_reason IS NOT NULL THEN text END AS original,
    -- The raw text of an event: the line, or the item it came from when the line held several
    -- items or an envelope, narrowed to the one secret / name it is about when fanned out (the
    -- siblings share parent_id, so nothing is lost and raw stays linear in the input).
    CASE
        WHEN quarantine_reason IS NOT NULL OR skip_reason IS NOT NULL THEN NULL
        WHEN n_children > 1 AND etype = 'security.secret_read' THEN json_merge_patch(body,
            json_object('metadata', json_object('secrets',
                json_array(json_extract(body, '$.metadata.secrets[' || (child_idx - 1) || ']')))))::VARCHAR
        WHEN n_children > 1 THEN json_merge_patch(body, json_object('metadata', json_object('diff',
            json_object('added', CASE WHEN ch.kind = 'added' THEN [ch.s] ELSE [] END,
                        'updated', CASE WHEN ch.kind = 'updated' THEN [ch.s] ELSE [] END,
                        'removed', CASE WHEN ch.kind = 'removed' THEN [ch.s] ELSE [] END))))::VARCHAR
        WHEN body IS DISTINCT FROM text THEN body
    END AS raw_override,
    quarantine_reason,
    skip_reason,
    substr(sha256(concat_ws('|', 'doppler', store_name, item_key,
        CASE WHEN child_idx > 1 THEN child_idx::VARCHAR END)), 1, 32) AS event_id,
    ts AS event_time,
    store_name AS store,
    action,
    CASE WHEN action = 'delete' THEN 'soft' END AS delete_kind,
    coalesce(etype || CASE WHEN ch.rp IS NOT NULL OR ch.rc IS NOT NULL
                           THEN ' (referenced: ' || coalesce(ch.rp, '?') || '/' || coalesce(ch.rc, '?') || ')'
                           ELSE '' END,
             CASE WHEN config_log AND r.rollback THEN 'config_log.rollback'
                  WHEN config_log THEN 'config_log'
                  ELSE 'activity_log' END) AS source_action,
    'success' AS outcome,
    CAST(NULL AS VARCHAR) AS error,
    coalesce(user_slug, lower(user_email)) AS principal_id,
    coalesce(user_email, user_display) AS principal_name,
    CASE WHEN user_kind = 'user' THEN 'human'
         WHEN user_kind IN ('apitoken', 'serviceaccount', 'bot') THEN 'service'
         WHEN user_kind IS NULL AND r.user.is_bot THEN 'service'
         WHEN user_kind IS NULL AND user_email IS NOT NULL THEN 'human'
         ELSE 'unknown'
    END AS principal_type,
    CASE WHEN user_kind = 'apitoken' THEN user_slug END AS credential_id,
    coalesce(token_type, CASE WHEN bot_type IS NOT NULL THEN 'bot:' || bot_type END,
             lower(nullif(r.session.method, ''))) AS auth_method,
    CASE WHEN ch.s IS NOT NULL AND proj IS NOT NULL AND conf IS NOT NULL
         THEN 'doppler://' || store_name || '/' || proj || '/' || conf || '/' || ch.s END AS secret_id,
    ch.v AS secret_version,
    ch.s AS secret_name,
    CAST(NULL AS VARCHAR) AS lease_id,
    CAST(NULL AS VARCHAR[]) AS policies,
    nullif(r.session.ip, '') AS source_ip,
    nullif(concat_ws('; ', nullif(r.session.browser, ''), nullif(r.session.os, '')), '') AS user_agent,
    log_id AS request_id,
    CAST(NULL AS VARCHAR) AS session_id,
    CASE WHEN etype IN ('security.secret_read', 'enclave.project.config.secrets.update')
         THEN substr(sha256(concat_ws('|', 'doppler', store_name, item_key, 'record')), 1, 32)
    END AS parent_id,
    false AS log_raw
FROM mapped
