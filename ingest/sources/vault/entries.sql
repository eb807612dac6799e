-- Vault / OpenBao audit entries that become events -> normalized event columns, in DuckDB.
-- Input:  relation `full_src`, the output of keys.sql; parameters $store and $parse_all.
-- Responses are parsed in full (they become the events); requests only when $parse_all, i.e.
-- for requests whose response never came. Quarantined lines pass through untouched.
WITH parsed AS (
    SELECT *,
        CASE WHEN quarantine_reason IS NULL AND (etype = 'response' OR rid IS NULL OR $parse_all)
             THEN from_json(body, $shape) END AS p
    FROM full_src
),
fields AS (
    SELECT
        file_idx, line, bidx, original, quarantine_reason, raw_override, etype, rid, event_time,
        event_id, p,
        p.type AS entry_type,
        coalesce(p.request.namespace.path, '') AS ns,
        ltrim(coalesce(p.request.path, ''), '/') AS path,
        coalesce(p.request.operation, '') AS op,
        coalesce(p.request.mount_type, p.response.mount_type, '') AS mount_type,
        coalesce(p.request.mount_class, p.response.mount_class, '') AS mount_class,
        nullif(coalesce(p.request.mount_point, p.response.mount_point), '') AS mount_point0,
        nullif(p.error, '') AS error,
        p.auth AS a,
        p.response.auth AS ra,
        p.response.data.version AS written_version,
        p.response.data.metadata.version AS read_version
    FROM parsed
),
mounted AS (
    SELECT *,
        coalesce(
            mount_point0,
            CASE
                WHEN starts_with(path, 'auth/') THEN 'auth/' || split_part(path, '/', 2) || '/'
                WHEN strpos(path, '/') > 0 THEN split_part(path, '/', 1) || '/'
                ELSE path || '/'
            END
        ) AS mount
    FROM fields
),
relative AS (
    SELECT *,
        CASE WHEN starts_with(path, mount) THEN substr(path, length(mount) + 1)
             WHEN path || '/' = mount THEN ''
             ELSE path END AS rel
    FROM mounted
),
kv AS (
    SELECT *,
        split_part(rel, '/', 1) AS seg1,
        mount_type IN ('kv', 'generic') AS is_kv,
        mount_type = 'kv' AND split_part(rel, '/', 1) IN ('data', 'metadata', 'delete', 'undelete', 'destroy')
            AND strpos(rel, '/') > 0 AS kv2,
        NOT (starts_with(path, 'auth/') OR starts_with(path, 'sys/') OR starts_with(path, 'identity/')
             OR mount_type IN ('token', 'system', 'identity', 'ns_token', 'ns_system', 'ns_identity', ''))
            AS is_secret_engine
    FROM relative
),
classified AS (
    SELECT *,
        CASE
            WHEN starts_with(entry_type, 'kmip') THEN 'other'
            WHEN op = 'help' THEN 'other'
            -- KV first: by far the most frequent entries.
            WHEN kv2 AND seg1 = 'data' THEN
                CASE WHEN op = 'read' THEN 'read'
                     WHEN op = 'delete' THEN 'delete'
                     WHEN op IN ('create', 'update', 'patch') AND written_version = 1 THEN 'create'
                     WHEN op IN ('create', 'update', 'patch') THEN 'write'
                     ELSE 'other' END
            WHEN kv2 AND seg1 = 'metadata' THEN
                CASE op WHEN 'list' THEN 'list' WHEN 'read' THEN 'describe' WHEN 'delete' THEN 'delete'
                        ELSE 'other' END
            WHEN kv2 AND seg1 IN ('delete', 'destroy') AND op IN ('create', 'update') THEN 'delete'
            WHEN kv2 AND seg1 = 'undelete' AND op IN ('create', 'update') THEN 'restore'
            WHEN is_kv AND NOT kv2 THEN
                CASE WHEN op = 'read' THEN 'read' WHEN op = 'list' THEN 'list'
                     WHEN op IN ('create', 'update', 'patch') THEN 'write'
                     WHEN op = 'delete' THEN 'delete' ELSE 'other' END
            WHEN starts_with(path, 'auth/')
                 AND (starts_with(rel, 'login') OR rel LIKE '%callback' OR starts_with(path, 'auth/token/create'))
                THEN 'login'
            WHEN (starts_with(path, 'sys/policies/') OR starts_with(path, 'sys/policy/'))
                 AND op IN ('create', 'update', 'patch', 'delete') THEN 'permission_change'
            WHEN (regexp_matches(path, '^auth/.+/roles?/.+') OR starts_with(path, 'identity/entity')
                  OR starts_with(path, 'identity/group') OR starts_with(path, 'identity/entity-alias'))
                 AND op IN ('create', 'update', 'patch', 'delete') THEN 'permission_change'
            WHEN op IN ('create', 'update')
                 AND (starts_with(rel, 'rotate-root') OR starts_with(rel, 'rotate-role/')
                      OR regexp_matches(rel, '^keys/[^/]+/rotate$') OR starts_with(path, 'sys/rotate'))
                THEN 'rotate'
            WHEN is_secret_engine AND op IN ('read', 'update', 'create')
                 AND regexp_matches(rel, '^(creds|static-creds|issue|sts|sign|token|key|roleset/[^/]+/(token|key))(/|$)')
                THEN 'read'
            WHEN is_secret_engine AND op = 'list' THEN 'list'
            ELSE 'other'
        END AS action
    FROM kv
),
authed AS (
    SELECT *,
        CASE WHEN action = 'login' AND starts_with(path, 'auth/') AND coalesce(a.display_name, '') = ''
             THEN coalesce(nullif(mount_type, ''), split_part(path, '/', 2))
             WHEN split_part(coalesce(nullif(a.display_name, ''), ra.display_name), '-', 1) IN (
                  'oidc', 'ldap', 'userpass', 'okta', 'github', 'radius', 'saml', 'kubernetes',
                  'approle', 'aws', 'gcp', 'azure', 'jwt', 'cert', 'token', 'root')
             THEN split_part(coalesce(nullif(a.display_name, ''), ra.display_name), '-', 1)
        END AS auth_method
    FROM classified
)
SELECT
    file_idx,
    line,
    bidx,
    original,
    quarantine_reason,
    raw_override,
    etype,
    rid,
    event_id,
    -- Outcome of this entry as the event: the response decides; a request alone is unknown
    -- unless Vault already wrote the ACL refusal on it (the request entry follows the ACL check).
    CASE
        WHEN etype = 'response' AND error IS NULL THEN 'success'
        WHEN error ILIKE '%permission denied%' THEN 'denied'
        WHEN etype = 'response' THEN 'failure'
        ELSE 'unknown'
    END AS outcome,
    event_time,
    $store AS store,
    action,
    CASE
        WHEN action <> 'delete' THEN NULL
        WHEN kv2 AND seg1 = 'destroy' THEN 'destroy_version'
        WHEN kv2 AND seg1 = 'metadata' THEN 'purge'
        WHEN kv2 THEN 'soft'
        ELSE 'purge'
    END AS delete_kind,
    CASE WHEN starts_with(entry_type, 'kmip') THEN entry_type || ' ' || op
         ELSE concat_ws(' ', nullif(op, ''),
                        mount || CASE WHEN is_kv AND NOT kv2 THEN '' ELSE seg1 END)
    END AS source_action,
    error,
    coalesce(nullif(a.entity_id, ''), nullif(ra.entity_id, ''), nullif(a.accessor, ''), nullif(ra.accessor, ''))
        AS principal_id,
    coalesce(nullif(a.display_name, ''), nullif(ra.display_name, '')) AS principal_name,
    coalesce(nullif(a.accessor, ''), nullif(ra.accessor, '')) AS credential_id,
    auth_method,
    -- Principal kind from the auth method that issued the token (tune per site).
    CASE WHEN auth_method IN ('oidc', 'ldap', 'userpass', 'okta', 'github', 'radius', 'saml') THEN 'human'
         WHEN auth_method IN ('kubernetes', 'approle', 'aws', 'gcp', 'azure', 'jwt', 'cert', 'token') THEN 'service'
         ELSE 'unknown' END AS principal_type,
    CASE WHEN is_secret_engine AND path <> ''
         THEN 'vault://' || $store || '/' || ns || rtrim(mount, '/')
              || CASE WHEN (CASE WHEN kv2 THEN substr(rel, length(seg1) + 2) ELSE rel END) <> ''
                      THEN '/' || rtrim(CASE WHEN kv2 THEN substr(rel, length(seg1) + 2) ELSE rel END, '/')
                      ELSE '' END
    END AS secret_id,
    CAST(coalesce(read_version, CASE WHEN action IN ('write', 'create') THEN written_version END) AS VARCHAR)
        AS secret_version,
    CASE WHEN is_secret_engine AND path <> ''
         THEN nullif(split_part(rtrim(path, '/'), '/', -1), '') END AS secret_name,
    nullif(p.response.secret.lease_id, '') AS lease_id,
    coalesce(a.policies, ra.policies) AS policies,
    CASE
        WHEN p.request.remote_address LIKE '[%]%' THEN regexp_extract(p.request.remote_address, '^\[([^\]]+)\]', 1)
        -- IPv4 with a port (KMIP): exactly one colon and a dot.
        WHEN contains(p.request.remote_address, '.')
             AND length(p.request.remote_address) - length(replace(p.request.remote_address, ':', '')) = 1
            THEN split_part(p.request.remote_address, ':', 1)
        ELSE nullif(p.request.remote_address, '')
    END AS source_ip,
    p.request.headers."user-agent"[1] AS user_agent,
    rid AS request_id,
    -- The token used (a login: the token it issued), as its audit HMAC: a leaked token hashed with
    -- the audit device's key (sys/audit-hash) finds its events here. Never a log_raw clear token.
    CASE WHEN starts_with(a.client_token, 'hmac-sha256:') THEN a.client_token
         WHEN starts_with(ra.client_token, 'hmac-sha256:') THEN ra.client_token END AS session_id,
    CAST(NULL AS VARCHAR) AS parent_id,
    -- log_raw=true devices write tokens (and secret values) in clear: such rows get structural redaction.
    (coalesce(a.client_token, '') <> '' AND NOT starts_with(a.client_token, 'hmac-sha256:'))
        OR (coalesce(p.request.client_token, '') <> '' AND NOT starts_with(p.request.client_token, 'hmac-sha256:'))
        OR (coalesce(ra.client_token, '') <> '' AND NOT starts_with(ra.client_token, 'hmac-sha256:'))
        AS log_raw
FROM authed
