-- Azure Key Vault diagnostic logs (category AuditEvent) -> events, column-wise in DuckDB.
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store
--         (--store, else 'default'), used only for records that name no vault.
-- Output: one row per record, the columns SqlAdapter expects (ingest/sources/base.py).
-- Three shapes of one record (see audit.py): `resource` (storage blob / Event Hubs), `azkv`
-- (Log Analytics AZKVAuditLogs), `diag` (legacy AzureDiagnostics). Each is parsed with its own
-- JSON shape, normalized into one set of columns (`norm`), then mapped once.
WITH src AS (
    SELECT file_idx, line, bidx, text,
        -- SIEM re-exports carry the record as a JSON string in "message" (its keys are escaped).
        CASE WHEN NOT contains(text, '"operationName"') AND NOT contains(text, '"OperationName"')
                  AND contains(text, '"message"')
             THEN coalesce(try(json_extract_string(text, '$.message')), text)
             ELSE text
        END AS body
    FROM batch
),
kinded AS (
    -- An unescaped `"key"` can only be a key: told apart by key names, no parse needed.
    SELECT *,
        CASE WHEN contains(body, '"operationName"') THEN 'resource'
             WHEN contains(body, '"CallerIPAddress"') OR contains(body, '"ResourceProvider"')
                  OR contains(body, '"AdditionalFields"') THEN 'diag'
             WHEN contains(body, '"OperationName"') THEN 'azkv'
        END AS kind
    FROM src
),
parsed AS (
    SELECT *,
        CASE WHEN kind = 'resource' THEN try(from_json(body, $resource_shape)) END AS r,
        CASE WHEN kind = 'azkv' THEN try(from_json(body, $azkv_shape)) END AS z,
        CASE WHEN kind = 'diag' THEN try(from_json(body, $diag_shape)) END AS d
    FROM kinded
),
dynamic AS (
    -- KQL exports may write dynamic columns as JSON strings: decode those once more.
    SELECT *,
        CASE WHEN z.Identity IS NOT NULL THEN try(from_json(
            CASE WHEN json_type(z.Identity) = 'VARCHAR' THEN z.Identity ->> '$' ELSE z.Identity END,
            $identity_shape)) END AS i,
        CASE WHEN d.AdditionalFields IS NOT NULL THEN try(from_json(
            CASE WHEN json_type(d.AdditionalFields) = 'VARCHAR' THEN d.AdditionalFields ->> '$'
                 ELSE d.AdditionalFields END,
            $overflow_shape)) END AS x
    FROM parsed
),
norm AS (
    SELECT file_idx, line, bidx, text, body, kind,
        r IS NOT NULL OR z IS NOT NULL OR d IS NOT NULL AS parsed_ok,
        nullif(trim(coalesce(r.operationName, z.OperationName, d.OperationName)), '') AS op,
        coalesce(r.time, z.TimeGenerated, d.TimeGenerated) AS time_text,
        coalesce(r.category, d.Category) AS category,
        coalesce(z.Type, d.Type) AS la_table,
        d.ResourceProvider AS provider,
        coalesce(r.resourceId, z._ResourceId, z.ResourceId, d.ResourceId, d._ResourceId) AS resource_id,
        nullif(coalesce(r.properties.id, z.Id, d.id_s, x.id_s), '') AS object_uri,
        nullif(coalesce(r.properties.requestUri, z.RequestUri, d.requestUri_s, x.requestUri_s), '')
            AS request_uri,
        coalesce(r.properties.httpStatusCode, z.HttpStatusCode, d.httpStatusCode_d, x.httpStatusCode_d,
                 d.httpStatusCode_s, x.httpStatusCode_s) AS status_text,
        nullif(coalesce(r.resultSignature, z.ResultSignature, d.ResultSignature), '') AS signature,
        nullif(coalesce(r.resultDescription, z.ResultDescription, d.ResultDescription), '') AS description,
        nullif(coalesce(r.resultType, z.ResultType, d.ResultType), '') AS result_type,
        nullif(coalesce(r.callerIpAddress, z.CallerIpAddress, d.CallerIPAddress), '') AS caller_ip,
        nullif(coalesce(r.correlationId, z.CorrelationId, d.CorrelationId), '') AS correlation_id,
        nullif(coalesce(r.properties.clientInfo, z.ClientInfo, d.clientInfo_s, x.clientInfo_s), '')
            AS client_info,
        nullif(coalesce(r.properties.appliedAssignmentId, z.AppliedAssignmentId, d.appliedAssignmentId_s,
                        d.appliedAssignmentId_g, x.appliedAssignmentId_s, x.appliedAssignmentId_g), '')
            AS assignment,
        $claims
    FROM dynamic
),
timed AS (
    SELECT *,
        try_cast(time_text AS TIMESTAMPTZ) AS ts0,
        coalesce(
            try_cast(try_cast(status_text AS DOUBLE) AS INTEGER),
            CASE lower(replace(signature, ' ', ''))
                WHEN 'ok' THEN 200 WHEN 'created' THEN 201 WHEN 'accepted' THEN 202
                WHEN 'nocontent' THEN 204 WHEN 'badrequest' THEN 400 WHEN 'unauthorized' THEN 401
                WHEN 'forbidden' THEN 403 WHEN 'notfound' THEN 404 WHEN 'conflict' THEN 409
                WHEN 'toomanyrequests' THEN 429 WHEN 'internalservererror' THEN 500
                WHEN 'serviceunavailable' THEN 503
                ELSE try_cast(try_cast(signature AS DOUBLE) AS INTEGER)
            END
        ) AS http_status
    FROM norm
),
checked AS (
    SELECT *,
        -- Out of range (infinity, year 99999) is unparseable: it would not survive as a date.
        CASE WHEN isfinite(ts0) AND year(ts0) BETWEEN 1 AND 9999 THEN ts0 END AS ts
    FROM timed
),
-- Read twice below (distinct tuples, join back), so it is computed once and kept; without the
-- record text, which is only needed for envelopes (raw_override) and quarantined lines.
rows AS MATERIALIZED (
    SELECT * EXCLUDE (text, body, kind, ts0, status_text),
        CASE WHEN body IS DISTINCT FROM text THEN body END AS raw_override,
        -- Why the record cannot be used, unless it is skipped as out of scope (decided below).
        CASE
            WHEN kind IS NULL AND NOT json_valid(body) AND NOT regexp_matches(body, '^\s*[\[{]')
                THEN 'not JSON (a text line mixed into the export?)'
            WHEN kind IS NULL AND NOT json_valid(body)
                THEN 'invalid JSON: truncated or corrupted record (an hourly PT1H.json blob copied '
                     || 'while Azure was still appending to it ends in a partial line)'
            WHEN kind IS NULL AND NOT starts_with(ltrim(body), '{') THEN 'JSON value is not an object'
            WHEN kind IS NULL
                THEN 'JSON object is not an Azure Key Vault audit record (no operationName / OperationName)'
            WHEN NOT parsed_ok THEN 'invalid JSON: truncated or corrupted record'
            WHEN op IS NULL AND contains(body, '"records"')
                THEN 'a {"records": [...]} batch on a line of a JSON-lines file (mixed formats): '
                     || 'ingest it as a file of its own'
            WHEN op IS NULL THEN 'empty or missing operationName'
            WHEN ts IS NULL THEN 'unparseable or missing time: ' || coalesce(time_text, 'null')
        END AS problem,
        CASE WHEN kind IS NULL OR NOT parsed_ok OR op IS NULL OR ts IS NULL THEN text END AS bad_text
    FROM checked
),
-- The URI and resource-id analysis below depends on four values only, which repeat across rows
-- (one tuple per object version and operation): it runs once per distinct tuple of a block and
-- is joined back, instead of once per row.
uris AS (
    SELECT DISTINCT op, resource_id, object_uri, request_uri FROM rows
),
located AS (
    SELECT *,
        lower(op) AS opl,
        -- .../providers/<namespace>/<type>/<name>, upper-case in resource logs.
        split_part(lower(resource_id), '/providers/', 2) AS rid_tail,
        -- https://<host>[:port]/<collection>/<name>[/<version or sub-resource>][?query], cut with
        -- string functions (several times faster than a regex here); ids.py has the same rule in
        -- Python and tests/sources/test_azure_ids.py checks that both agree.
        CASE WHEN starts_with(lower(object_uri), 'https://') OR starts_with(lower(object_uri), 'http://')
             THEN substr(object_uri, strpos(object_uri, '://') + 3) END AS id_rest,
        CASE WHEN starts_with(lower(request_uri), 'https://') OR starts_with(lower(request_uri), 'http://')
             THEN substr(request_uri, strpos(request_uri, '://') + 3) END AS req_rest
    FROM uris
),
authority AS (
    SELECT *,
        split_part(id_rest, '/', 1) AS id_auth,
        split_part(req_rest, '/', 1) AS req_auth
    FROM located
),
paths AS (
    SELECT *,
        lower(split_part(split_part(split_part(id_auth, ':', 1), '?', 1), '#', 1)) AS id_host,
        lower(split_part(split_part(split_part(req_auth, ':', 1), '?', 1), '#', 1)) AS req_host,
        CASE WHEN NOT (contains(id_auth, '?') OR contains(id_auth, '#'))
             THEN ltrim(replace(split_part(split_part(substr(id_rest, length(id_auth) + 1), '?', 1), '#', 1),
                                '//', '/'), '/') END AS id_path,
        CASE WHEN NOT (contains(req_auth, '?') OR contains(req_auth, '#'))
             THEN ltrim(replace(split_part(split_part(substr(req_rest, length(req_auth) + 1), '?', 1), '#', 1),
                                '//', '/'), '/') END AS req_path
    FROM authority
),
segments AS (
    SELECT *,
        lower(split_part(id_path, '/', 1)) AS id_coll,
        split_part(id_path, '/', 2) AS id_name,
        lower(split_part(req_path, '/', 1)) AS req_coll,
        split_part(req_path, '/', 2) AS req_name
    FROM paths
),
picked AS (
    SELECT *,
        -- properties.id first (absent for list operations), else requestUri. A name segment that
        -- is the operation's verb or sub-resource (POST /secrets/restore, /certificates/issuers/x,
        -- /certificates/contacts) names no object.
        CASE
            WHEN id_coll IN ('secrets', 'deletedsecrets', 'keys', 'deletedkeys', 'certificates', 'deletedcertificates')
                 AND id_name <> ''
                 AND NOT (lower(id_name) = 'restore' AND suffix(opl, 'restore'))
                 AND NOT (id_coll LIKE '%certificates' AND lower(id_name) IN ('issuers', 'contacts')
                          AND (starts_with(opl, 'certificateissuer') OR starts_with(opl, 'certificatecontacts')))
                THEN 'id'
            WHEN req_coll IN ('secrets', 'deletedsecrets', 'keys', 'deletedkeys', 'certificates', 'deletedcertificates')
                 AND req_name <> ''
                 AND NOT (lower(req_name) = 'restore' AND suffix(opl, 'restore'))
                 AND NOT (req_coll LIKE '%certificates' AND lower(req_name) IN ('issuers', 'contacts')
                          AND (starts_with(opl, 'certificateissuer') OR starts_with(opl, 'certificatecontacts')))
                THEN 'req'
        END AS named_by,
        CASE WHEN split_part(rid_tail, '/', 1) = 'microsoft.keyvault'
                  AND split_part(rid_tail, '/', 2) IN ('vaults', 'managedhsms')
             THEN nullif(split_part(rid_tail, '/', 3), '') END AS rid_vault,
        CASE WHEN rid_tail <> ''
             THEN upper(split_part(rid_tail, '/', 1) || '/' || split_part(rid_tail, '/', 2)) END AS rid_type,
        -- <name>.vault.<cloud suffix> or <name>.managedhsm.<cloud suffix>
        split_part(id_host, '.', 2) IN ('vault', 'managedhsm') AND split_part(id_host, '.', 1) <> ''
            AND split_part(id_host, '.', 3) <> '' AS id_host_is_vault,
        split_part(req_host, '.', 2) IN ('vault', 'managedhsm') AND split_part(req_host, '.', 1) <> ''
            AND split_part(req_host, '.', 3) <> '' AS req_host_is_vault
    FROM segments
),
objects AS (
    SELECT op, resource_id, object_uri, request_uri, opl, rid_type,
        coalesce(rid_vault,
                 CASE WHEN id_host_is_vault THEN split_part(id_host, '.', 1) END,
                 CASE WHEN req_host_is_vault THEN split_part(req_host, '.', 1) END,
                 $store) AS store_name,
        CASE named_by WHEN 'id' THEN id_host WHEN 'req' THEN req_host END AS o_host,
        CASE named_by WHEN 'id' THEN id_host_is_vault WHEN 'req' THEN req_host_is_vault END AS o_host_is_vault,
        CASE named_by WHEN 'id' THEN id_coll WHEN 'req' THEN req_coll END AS o_coll,
        CASE named_by WHEN 'id' THEN id_name WHEN 'req' THEN req_name END AS o_name,
        lower(CASE named_by WHEN 'id' THEN split_part(id_path, '/', 3)
                            WHEN 'req' THEN split_part(req_path, '/', 3) END) AS o_tail
    FROM picked
),
-- FORMATS.md §4(c), plus the keys and certificates operations of Key Vault's logging page.
-- Operation names are matched case-insensitively; anything not listed is `other`.
ops(opl, mapped_action, mapped_delete_kind) AS (
    VALUES
    ('secretget', 'read', NULL), ('secretbackup', 'read', NULL),
    ('secretlist', 'list', NULL), ('secretlistversions', 'list', NULL), ('secretlistdeleted', 'list', NULL),
    ('secretgetdeleted', 'describe', NULL),
    ('secretset', 'write', NULL),
    ('secretdelete', 'delete', 'soft'), ('secretpurge', 'delete', 'purge'),
    ('secretrecover', 'restore', NULL), ('secretrestore', 'restore', NULL),
    ('authentication', 'login', NULL),
    ('vaultget', 'describe', NULL), ('vaultlist', 'list', NULL),
    ('vaultput', 'permission_change', NULL), ('vaultpatch', 'permission_change', NULL),
    ('vaultcreate', 'permission_change', NULL),
    ('vaultaccesspolicychangedeventgridnotification', 'permission_change', NULL),
    ('vaultdelete', 'delete', 'soft'), ('vaultpurge', 'delete', 'purge'),
    ('vaultrecover', 'restore', NULL),
    -- keys: KeyGet returns the public part only; KeyRelease exports the private key, KeyBackup
    -- an encrypted blob of it. Crypto operations use the key without revealing it: other.
    ('keyget', 'describe', NULL), ('keygetdeleted', 'describe', NULL), ('keyrotationpolicyget', 'describe', NULL),
    ('keyrelease', 'read', NULL), ('keybackup', 'read', NULL),
    ('keylist', 'list', NULL), ('keylistversions', 'list', NULL), ('keylistdeleted', 'list', NULL),
    ('keycreate', 'create', NULL), ('keyimport', 'create', NULL),
    ('keyrotate', 'rotate', NULL), ('keyrotateifdue', 'rotate', NULL),
    ('keydelete', 'delete', 'soft'), ('keypurge', 'delete', 'purge'),
    ('keyrecover', 'restore', NULL), ('keyrestore', 'restore', NULL),
    -- certificates: CertificateGet returns the public certificate; its private key is read with
    -- SecretGet on the same name. CertificateBackup exports the whole (encrypted) certificate.
    ('certificateget', 'describe', NULL), ('certificategetdeleted', 'describe', NULL),
    ('certificatepolicyget', 'describe', NULL), ('certificatependingget', 'describe', NULL),
    ('certificatebackup', 'read', NULL),
    ('certificatelist', 'list', NULL), ('certificatelistversions', 'list', NULL),
    ('certificatelistdeleted', 'list', NULL),
    ('certificatecreate', 'create', NULL), ('certificateimport', 'create', NULL),
    ('certificatependingmerge', 'write', NULL), ('certificaterenew', 'rotate', NULL),
    ('certificatedelete', 'delete', 'soft'), ('certificatepurge', 'delete', 'purge'),
    ('certificaterecover', 'restore', NULL), ('certificaterestore', 'restore', NULL)
),
named AS (
    SELECT o.*,
        coalesce(ops.mapped_action, 'other') AS action,
        ops.mapped_delete_kind AS delete_kind,
        CASE WHEN starts_with(o.o_coll, 'deleted') THEN substr(o.o_coll, 8) ELSE o.o_coll END
            AS collection
    FROM objects o LEFT JOIN ops ON ops.opl = o.opl
),
resolved AS (
    SELECT op, resource_id, object_uri, request_uri, opl, rid_type, store_name, action, delete_kind,
        -- The event id's part that comes from these values.
        concat_ws('|', coalesce(opl, ''), lower(coalesce(request_uri, '')), lower(coalesce(object_uri, '')))
            AS id_key,
        CASE WHEN collection IS NOT NULL
             THEN 'azure://' || CASE WHEN o_host_is_vault THEN o_host ELSE store_name || '.vault.azure.net' END
                  || '/' || collection || '/' || lower(o_name)
        END AS secret_id,
        CASE WHEN length(o_tail) = 32 AND regexp_full_match(o_tail, '[0-9a-f]{32}') THEN o_tail END
            AS secret_version,
        CASE WHEN collection IS NOT NULL THEN o_name END AS secret_name
    FROM named
),
joined AS (
    SELECT n.*, u.* EXCLUDE (op, resource_id, object_uri, request_uri)
    FROM rows n JOIN resolved u
        ON n.op IS NOT DISTINCT FROM u.op AND n.resource_id IS NOT DISTINCT FROM u.resource_id
        AND n.object_uri IS NOT DISTINCT FROM u.object_uri AND n.request_uri IS NOT DISTINCT FROM u.request_uri
),
classified AS (
    SELECT *,
        CASE WHEN http_status IN (401, 403) THEN 'denied'
             WHEN http_status >= 400 THEN 'failure'
             WHEN http_status BETWEEN 100 AND 399 THEN 'success'
             -- No status at all: resultType "Success" only says the call was logged (it is on
             -- 403s too), so it proves nothing; an explicit failure word still counts.
             WHEN lower(result_type) IN ('failure', 'failed', 'fail', 'error') THEN 'failure'
             ELSE 'unknown'
        END AS outcome,
        CASE
            WHEN NOT parsed_ok OR op IS NULL THEN NULL
            WHEN rid_type IS NOT NULL AND rid_type NOT IN ('MICROSOFT.KEYVAULT/VAULTS', 'MICROSOFT.KEYVAULT/MANAGEDHSMS')
                THEN 'Azure record of ' || rid_type || ', not Key Vault'
            WHEN provider IS NOT NULL AND upper(provider) <> 'MICROSOFT.KEYVAULT'
                THEN 'Azure record of ' || upper(provider) || ', not Key Vault'
            WHEN category IS NOT NULL AND lower(category) <> 'auditevent'
                THEN 'Key Vault log category ' || category || ' (only AuditEvent records accesses)'
            WHEN la_table IS NOT NULL AND lower(la_table) NOT IN ('azkvauditlogs', 'azurediagnostics')
                THEN 'Log Analytics table ' || la_table || ' (only AZKVAuditLogs records accesses)'
        END AS skip_reason
    FROM joined
),
final AS (
    SELECT *,
        CASE WHEN skip_reason IS NULL THEN problem END AS quarantine_reason
    FROM classified
)
SELECT
    file_idx,
    line,
    bidx,
    CASE WHEN quarantine_reason IS NOT NULL THEN bad_text END AS original,
    raw_override,
    quarantine_reason,
    skip_reason,
    -- The dedupe tuple of FORMATS.md §0.2/§4(e)/§9 (correlationId may be empty): hourly blobs are
    -- appended, so a blob read twice repeats its records; the same record exported through
    -- storage and through Log Analytics gets the same id too.
    -- The time at full precision: microseconds plus Azure's 7th digit (trailing zeros dropped).
    substr(sha256(concat_ws('|', 'azure', store_name, coalesce(CAST(epoch_us(ts) AS VARCHAR), ''),
        rtrim(regexp_extract(time_text, '\.[0-9]{6}([0-9]+)', 1), '0'),
        lower(coalesce(correlation_id, '')), id_key, coalesce(caller_ip, ''))), 1, 32) AS event_id,
    ts AS event_time,
    store_name AS store,
    action,
    delete_kind,
    op AS source_action,
    outcome,
    CASE WHEN outcome <> 'success' THEN nullif(concat_ws(': ',
        coalesce(signature, 'HTTP ' || http_status, CASE WHEN outcome = 'failure' THEN result_type END),
        description), '') END AS error,
    lower(coalesce(c_oid, c_uri_oid)) AS principal_id,
    coalesce(c_upn, c_uri_upn, c_unique_name, c_uri_name,
             nullif(regexp_extract(c_xms_mirid, '([^/]+)/*$', 1), ''),
             lower(coalesce(c_appid, c_azp)), c_name) AS principal_name,
    CASE WHEN c_xms_mirid IS NOT NULL OR lower(c_idtyp) = 'app' THEN 'service'
         WHEN lower(c_idtyp) = 'user' OR coalesce(c_upn, c_uri_upn, c_unique_name, c_uri_name) IS NOT NULL
             THEN 'human'
         WHEN coalesce(c_appid, c_azp) IS NOT NULL THEN 'service'
         ELSE 'unknown'
    END AS principal_type,
    lower(coalesce(c_appid, c_azp)) AS credential_id,
    CASE WHEN c_xms_mirid IS NOT NULL THEN 'managed_identity'
         WHEN coalesce(c_appidacr, c_azpacr) = '2' THEN 'client_certificate'
         WHEN coalesce(c_appidacr, c_azpacr) = '1' THEN 'client_secret'
         WHEN coalesce(c_appidacr, c_azpacr) = '0' THEN 'public_client'
    END AS auth_method,
    secret_id,
    secret_version,
    secret_name,
    CAST(NULL AS VARCHAR) AS lease_id,
    CASE WHEN assignment IS NOT NULL THEN [assignment] END AS policies,
    CASE
        WHEN caller_ip LIKE '[%]%' THEN regexp_extract(caller_ip, '^\[([^\]]+)\]', 1)
        -- IPv4 with a port: exactly one colon and a dot.
        WHEN contains(caller_ip, '.') AND length(caller_ip) - length(replace(caller_ip, ':', '')) = 1
            THEN split_part(caller_ip, ':', 1)
        ELSE caller_ip
    END AS source_ip,
    client_info AS user_agent,
    correlation_id AS request_id,
    CAST(NULL AS VARCHAR) AS session_id,
    CAST(NULL AS VARCHAR) AS parent_id,
    false AS log_raw
FROM final
