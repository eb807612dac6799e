-- 1Password Events API (item usages, audit events, sign-in attempts) and Connect activity
-- -> events, column-wise in DuckDB.
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store
--         (--store, else 'default'): the records never name their account.
-- Output: one row per record, the columns SqlAdapter expects (ingest/sources/base.py).
-- The kind of a record is told by its keys (audit.py); the mapping tables follow FORMATS.md §6(c).
WITH src AS (
    SELECT file_idx, line, bidx, text,
        -- SIEM re-exports carry the record in "message": as a JSON string (the usual case) or,
        -- after some pipelines, as an object. Only lines that mention "message" are looked at.
        CASE WHEN contains(text, '"message"') THEN coalesce(try(CASE
                 WHEN json_exists(text, '$.uuid') OR json_exists(text, '$.requestId') THEN NULL
                 WHEN json_type(text, '$.message') = 'VARCHAR' THEN json_extract_string(text, '$.message')
                 WHEN json_type(text, '$.message') = 'OBJECT' THEN CAST(json_extract(text, '$.message') AS VARCHAR)
             END), text)
             ELSE text
        END AS body
    FROM batch
),
parsed AS (
    SELECT *, try(from_json(body, $record_shape)) AS r
    FROM src
),
norm AS (
    SELECT file_idx, line, bidx, text, body, r,
        CASE WHEN r.item_uuid IS NOT NULL OR r.vault_uuid IS NOT NULL THEN 'item_usage'
             WHEN r.actor_uuid IS NOT NULL OR r.object_type IS NOT NULL THEN 'audit_event'
             WHEN r.category IS NOT NULL THEN 'signin_attempt'
             WHEN r.requestId IS NOT NULL THEN 'connect_activity'
             WHEN r.items IS NOT NULL AND (r.cursor IS NOT NULL OR r.has_more IS NOT NULL) THEN 'page'
             WHEN r."Error".Message IS NOT NULL THEN 'api_error'
        END AS kind,
        lower(trim(r.action)) AS act,
        lower(trim(r.object_type)) AS obj,
        lower(trim(r.category)) AS cat,
        nullif(trim(r.uuid), '') AS uuid,
        try_cast(r.timestamp AS TIMESTAMPTZ) AS ts0,
        coalesce(r.user, r.actor_details, r.target_user) AS who,
        lower(nullif(trim(r.vault_uuid), '')) AS vault,
        lower(nullif(trim(r.item_uuid), '')) AS item,
        lower(nullif(trim(r.resource.vault.id), '')) AS c_vault,
        lower(nullif(trim(r.resource.item.id), '')) AS c_item,
        upper(trim(r.resource.type)) AS c_type,
        upper(trim(r.result)) AS c_result
    FROM parsed
),
-- Item usage actions (FORMATS.md §6(c)); copy and sso-fill come from third-party schemas.
-- `value` marks the actions that put the item's secret fields in front of the user or client.
usage_ops(act, mapped_action, value) AS (
    VALUES ('reveal', 'read', true), ('secure-copy', 'read', true), ('copy', 'read', true),
        ('fill', 'read', true), ('sso-fill', 'read', true), ('server-fetch', 'read', true),
        ('export', 'read', true), ('share', 'read', NULL),
        ('enter-item-edit-mode', 'describe', NULL), ('server-create', 'create', NULL),
        ('server-update', 'write', NULL), ('select-sso-provider', 'other', NULL)
),
-- Audit events: (object type, action) pairs that touch secrets or who may read them.
audit_ops(obj, act, mapped_action, delete_kind) AS (
    VALUES ('item', 'create', 'create', NULL), ('items', 'create', 'create', NULL),
        ('item', 'update', 'write', NULL), ('items', 'update', 'write', NULL),
        ('item', 'patch', 'write', NULL), ('items', 'patch', 'write', NULL),
        ('item', 'delete', 'delete', 'soft'), ('items', 'delete', 'delete', 'soft'),
        ('item', 'purge', 'delete', 'purge'), ('items', 'purge', 'delete', 'purge'),
        ('vault', 'export', 'read', NULL), ('itemhist', 'view', 'read', NULL),
        ('uva', 'grant', 'permission_change', NULL), ('uva', 'revoke', 'permission_change', NULL),
        ('uva', 'update', 'permission_change', NULL), ('gva', 'grant', 'permission_change', NULL),
        ('gva', 'revoke', 'permission_change', NULL), ('gva', 'update', 'permission_change', NULL),
        ('gm', 'grant', 'permission_change', NULL), ('gm', 'revoke', 'permission_change', NULL),
        ('gm', 'update', 'permission_change', NULL), ('gm', 'join', 'permission_change', NULL),
        ('gm', 'leave', 'permission_change', NULL), ('gm', 'role', 'permission_change', NULL),
        ('vault', 'grant', 'permission_change', NULL), ('vault', 'revoke', 'permission_change', NULL),
        ('vault', 'update', 'permission_change', NULL),
        ('sa', 'create', 'permission_change', NULL), ('sa', 'revoke', 'permission_change', NULL),
        ('sa', 'delete', 'permission_change', NULL),
        ('satoken', 'create', 'permission_change', NULL), ('satoken', 'revoke', 'permission_change', NULL),
        ('satoken', 'trevoke', 'permission_change', NULL),
        ('user', 'role', 'permission_change', NULL), ('user', 'suspend', 'permission_change', NULL),
        ('user', 'reactive', 'permission_change', NULL)
),
classified AS (
    SELECT n.*,
        CASE n.kind
            WHEN 'item_usage' THEN coalesce(u.mapped_action, 'other')
            WHEN 'audit_event' THEN coalesce(a.mapped_action, 'other')
            WHEN 'signin_attempt' THEN 'login'
            WHEN 'connect_activity' THEN CASE upper(n.act)
                WHEN 'READ' THEN CASE WHEN n.c_item IS NULL THEN 'list' ELSE 'read' END
                WHEN 'CREATE' THEN 'create' WHEN 'UPDATE' THEN 'write' WHEN 'DELETE' THEN 'delete'
                ELSE 'other' END
        END AS action,
        CASE WHEN n.kind = 'audit_event' THEN a.delete_kind
             WHEN n.kind = 'connect_activity' AND upper(n.act) = 'DELETE' THEN 'soft'
        END AS delete_kind,
        CASE WHEN n.kind = 'item_usage' THEN u.value
             WHEN n.kind = 'connect_activity' AND upper(n.act) = 'READ' AND n.c_item IS NOT NULL
                  AND n.c_result = 'SUCCESS' THEN true
        END AS value_returned,
        -- Item usages and audit events record successful actions only (FORMATS.md §6(c)).
        CASE n.kind
            WHEN 'signin_attempt' THEN CASE
                WHEN n.cat IN ('success', 'firewall_reported_success') THEN 'success'
                WHEN n.cat = 'firewall_failed' THEN 'denied'
                WHEN suffix(n.cat, '_failed') THEN 'failure'
                ELSE 'unknown' END
            WHEN 'connect_activity' THEN CASE n.c_result
                WHEN 'SUCCESS' THEN 'success' WHEN 'DENY' THEN 'denied' WHEN 'DENIED' THEN 'denied'
                ELSE 'unknown' END
            ELSE 'success'
        END AS outcome
    FROM norm n
    LEFT JOIN usage_ops u ON n.kind = 'item_usage' AND u.act = n.act
    LEFT JOIN audit_ops a ON n.kind = 'audit_event' AND a.obj = n.obj AND a.act = n.act
),
checked AS (
    SELECT *,
        CASE WHEN isfinite(ts0) AND year(ts0) BETWEEN 1 AND 9999 THEN ts0 END AS ts,
        CASE WHEN kind = 'page' AND json_array_length(r.items) = 0
             THEN 'empty Events API page (no items)' END AS skip_reason
    FROM classified
),
reasoned AS (
    SELECT *,
        CASE
            WHEN skip_reason IS NOT NULL THEN NULL
            WHEN r IS NULL AND NOT json_valid(body) AND NOT regexp_matches(body, '^\s*[\[{]')
                THEN 'not JSON (a text line mixed into the export?)'
            WHEN r IS NULL AND NOT json_valid(body) THEN 'invalid JSON: truncated or corrupted record'
            WHEN r IS NULL OR NOT starts_with(ltrim(body), '{') THEN 'JSON value is not an object'
            WHEN kind = 'page'
                THEN 'an Events API response page ({"cursor", "has_more", "items"}) read as one '
                     || 'record; split it into its items, e.g. jq -c ''.items[]'''
            WHEN kind = 'api_error'
                THEN 'Events API error response instead of events: ' || r."Error".Message
            WHEN kind IS NULL
                THEN 'JSON object is not a 1Password event (no item_uuid, actor_uuid, category or requestId)'
            WHEN kind = 'item_usage' AND (vault IS NULL OR item IS NULL)
                THEN 'item usage without vault_uuid or item_uuid'
            WHEN kind <> 'connect_activity' AND uuid IS NULL THEN 'missing event uuid'
            WHEN kind = 'connect_activity' AND nullif(trim(r.requestId), '') IS NULL
                THEN 'missing requestId'
            WHEN ts IS NULL THEN 'unparseable or missing timestamp: ' || coalesce(r.timestamp, 'null')
        END AS quarantine_reason,
        CASE WHEN kind = 'connect_activity' THEN upper(nullif(trim(r.actor.id), ''))
             ELSE upper(nullif(trim(coalesce(who.uuid, r.actor_uuid)), ''))
        END AS principal,
        lower(nullif(trim(who.email), '')) AS email,
        r.client AS c
    FROM checked
)
SELECT
    file_idx,
    line,
    bidx,
    CASE WHEN quarantine_reason IS NOT NULL THEN text END AS original,
    CASE WHEN body IS DISTINCT FROM text THEN body END AS raw_override,
    quarantine_reason,
    skip_reason,
    -- The dedupe key is the event uuid (FORMATS.md §6(e)), case-folded: overlapping cursor
    -- windows and re-exports deliver the same record again.
    substr(sha256(concat_ws('|', 'onepassword', $store, kind,
        upper(coalesce(uuid, trim(r.requestId), '')))), 1, 32) AS event_id,
    ts AS event_time,
    $store AS store,
    action,
    delete_kind,
    CASE kind
        WHEN 'item_usage' THEN act
        WHEN 'audit_event' THEN concat_ws(' ', act, obj)
        WHEN 'signin_attempt' THEN 'signin ' || coalesce(cat, '')
        WHEN 'connect_activity' THEN 'connect ' || concat_ws(' ', upper(act), c_type)
    END AS source_action,
    outcome,
    CASE WHEN outcome <> 'success' AND kind = 'signin_attempt'
             THEN nullif(concat_ws(': ', coalesce(nullif(r.type, ''), cat),
                                   CASE json_type(r.details)
                                       WHEN 'OBJECT' THEN r.details ->> '$.value'
                                       WHEN 'VARCHAR' THEN r.details ->> '$' END), '')
         WHEN outcome <> 'success' AND kind = 'connect_activity' THEN nullif(r.result, '')
    END AS error,
    principal AS principal_id,
    coalesce(email, nullif(trim(who.name), ''), principal) AS principal_name,
    CASE WHEN suffix(email, '@1passwordserviceaccounts.com') THEN 'service'
         WHEN kind = 'connect_activity' THEN 'service'
         WHEN upper(coalesce(who.type, who.user_type, '')) LIKE '%SERVICE%' THEN 'service'
         WHEN starts_with(act, 'server-') THEN 'service'
         WHEN lower(c.app_name) LIKE '%connect%' OR lower(c.app_name) LIKE '%sdk%' THEN 'service'
         WHEN email IS NOT NULL THEN 'human'
         ELSE 'unknown'
    END AS principal_type,
    CASE WHEN kind = 'connect_activity' THEN nullif(trim(r.actor.jti), '') END AS credential_id,
    CASE WHEN suffix(email, '@1passwordserviceaccounts.com') THEN 'service_account'
         WHEN kind = 'connect_activity' THEN 'connect_token'
    END AS auth_method,
    CASE WHEN kind = 'item_usage' THEN 'op://' || $store || '/' || vault || '/' || item
         WHEN kind = 'connect_activity' AND c_vault IS NOT NULL AND c_item IS NOT NULL
             THEN 'op://' || $store || '/' || c_vault || '/' || c_item
    END AS secret_id,
    CASE WHEN kind = 'item_usage' THEN nullif(trim(r.used_version), '')
         WHEN kind = 'connect_activity' THEN nullif(trim(r.resource.itemVersion), '')
    END AS secret_version,
    -- Events carry no titles (secrets.secret_name from `op item list` has them): the item uuid
    -- stands in. Audit events on an item do not say its vault: no secret_id, only the item.
    CASE WHEN kind = 'item_usage' THEN item
         WHEN kind = 'connect_activity' THEN c_item
         WHEN kind = 'audit_event' AND obj IN ('item', 'itemhist')
             THEN lower(nullif(trim(r.object_uuid), ''))
    END AS secret_name,
    value_returned,
    CAST(NULL AS VARCHAR) AS lease_id,
    CAST(NULL AS VARCHAR[]) AS policies,
    CASE
        WHEN ip LIKE '[%]%' THEN regexp_extract(ip, '^\[([^\]]+)\]', 1)
        WHEN contains(ip, '.') AND length(ip) - length(replace(ip, ':', '')) = 1
            THEN split_part(ip, ':', 1)
        ELSE ip
    END AS source_ip,
    CASE WHEN kind = 'connect_activity' THEN nullif(trim(r.actor.userAgent), '')
         ELSE nullif(trim(concat_ws(' ',
             nullif(concat_ws('/', nullif(c.app_name, ''), nullif(c.app_version, '')), ''),
             '(' || nullif(concat_ws('; ',
                 nullif(trim(concat_ws(' ', nullif(c.platform_name, ''), nullif(c.platform_version, ''))), ''),
                 nullif(trim(concat_ws(' ', nullif(c.os_name, ''), nullif(c.os_version, ''))), '')), '') || ')')),
             '')
    END AS user_agent,
    coalesce(uuid, nullif(trim(r.requestId), '')) AS request_id,
    nullif(trim(coalesce(r.session.uuid, r.session_uuid)), '') AS session_id,
    CAST(NULL AS VARCHAR) AS parent_id,
    false AS log_raw
FROM (
    SELECT *, nullif(trim(coalesce(c.ip_address, r.session.ip, r.actor.requestIp)), '') AS ip
    FROM reasoned
)
