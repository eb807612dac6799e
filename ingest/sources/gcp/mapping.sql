-- Google Secret Manager via Cloud Audit Logs: LogEntry lines -> normalized event columns, in DuckDB.
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store (the
--         --store value or NULL). $shape is inlined by audit.py (ingest/sources/gcp/audit.py).
-- Output: one row per line, the SqlAdapter contract (ingest/sources/base.py). FORMATS.md §3.
WITH cut AS (
    SELECT
        file_idx,
        line,
        bidx,
        text AS original,
        -- Text before the JSON (syslog forwarding): cut at the first '{'.
        CASE
            WHEN starts_with(text, '{') THEN text
            WHEN strpos(text, '{') > 0 THEN substr(text, strpos(text, '{'))
        END AS body0
    FROM batch
),
src AS (
    -- Envelopes: a Pub/Sub message (`message.data` or `data`, base64 of one LogEntry) and SIEM
    -- re-exports (`{"message": "<LogEntry as a JSON string>"}`). A bare LogEntry names its log.
    SELECT * EXCLUDE (body0),
        CASE
            WHEN body0 IS NULL OR contains(body0, '"logName"') OR contains(body0, '"protoPayload"')
                 OR contains(body0, '"protopayload_auditlog"') THEN body0
            WHEN contains(body0, '"data"') THEN coalesce(
                try(CASE WHEN json_type(body0, '$.message.data') = 'VARCHAR'
                         THEN decode(from_base64(json_extract_string(body0, '$.message.data'))) END),
                try(CASE WHEN json_type(body0, '$.data') = 'VARCHAR'
                         THEN decode(from_base64(json_extract_string(body0, '$.data'))) END),
                try(CASE WHEN json_type(body0, '$.message.data') = 'OBJECT'
                         THEN json_extract(body0, '$.message.data')::VARCHAR END),
                body0)
            WHEN contains(body0, '"message"') THEN coalesce(
                try(CASE WHEN json_type(body0, '$.message') = 'VARCHAR'
                              AND starts_with(ltrim(json_extract_string(body0, '$.message')), '{')
                         THEN ltrim(json_extract_string(body0, '$.message')) END),
                body0)
            ELSE body0
        END AS body
    FROM cut
),
parsed0 AS (
    SELECT *, try(from_json(body, $shape)) AS j0 FROM src
),
parsed AS (
    -- BigQuery sink rows name the payload `protopayload_auditlog` (same fields inside): parsed
    -- again under the LogEntry name, so the shape (and the parse cost) is not doubled, and only
    -- rows without a protoPayload are searched for it.
    SELECT * EXCLUDE (j0),
        CASE WHEN j0.protoPayload IS NULL AND contains(body, '"protopayload_auditlog"')
             THEN try(from_json(replace(body, '"protopayload_auditlog"', '"protoPayload"'), $shape))
             ELSE j0 END AS j
    FROM parsed0
),
fields AS (
    SELECT *,
        j.protoPayload AS p,
        url_decode(nullif(j.logName, '')) AS log_name,
        nullif(j.insertId, '') AS insert_id,
        j."timestamp" AS ts_text
    FROM parsed
),
timed AS (
    SELECT *,
        coalesce(
            try_cast(ts_text AS TIMESTAMPTZ),
            -- BigQuery exports may render TIMESTAMP as epoch seconds (1.714731667412335E9).
            CASE WHEN try_cast(ts_text AS DOUBLE) BETWEEN 1e9 AND 1e11
                 THEN to_timestamp(try_cast(ts_text AS DOUBLE)) END
        ) AS ts0,
        regexp_extract(coalesce(p.methodName, ''), '([^.]+)$', 1) AS method,
        nullif(p.serviceName, '') AS service,
        p.authenticationInfo AS ai,
        coalesce(p.policyDelta.bindingDeltas, p.serviceData.policyDelta.bindingDeltas) AS deltas,
        coalesce(p.metadata.violationReason,
                 try(json_extract_string(p.metadataJson, '$.violationReason'))) AS violation,
        -- The secret the call is about: resourceName, else the request (CreateSecret: parent +
        -- secretId; VPC-SC denials name the project in resourceName and the secret in the request).
        regexp_replace(coalesce(p.resourceName, ''), '^(//secretmanager\.googleapis\.com)?/*', '') AS rn0,
        coalesce(p.request.name, try(json_extract_string(p.requestJson, '$.name'))) AS req_name,
        coalesce(p.request.parent, try(json_extract_string(p.requestJson, '$.parent'))) AS req_parent,
        coalesce(p.request.secretId, try(json_extract_string(p.requestJson, '$.secretId'))) AS req_secret,
        coalesce(p.response.name, try(json_extract_string(p.responseJson, '$.name'))) AS resp_name
    FROM fields
),
named AS (
    SELECT *,
        CASE WHEN ts0 BETWEEN TIMESTAMPTZ '1970-01-01 00:00:00+00' AND TIMESTAMPTZ '9999-12-31 23:59:59+00'
             THEN ts0 END AS event_time,
        CASE
            WHEN regexp_matches(rn0, '^projects/[^/]+/(locations/[^/]+/)?secrets/[^/:]+') THEN rn0
            WHEN regexp_matches(coalesce(req_name, ''), '^projects/[^/]+/(locations/[^/]+/)?secrets/[^/:]+') THEN req_name
            WHEN regexp_matches(coalesce(req_parent, ''), '^projects/[^/]+(/locations/[^/]+)?$')
                 AND coalesce(req_secret, '') <> '' THEN req_parent || '/secrets/' || req_secret
            ELSE rn0
        END AS rn,
        -- The project the entry was written to: the log's project is the resource's project.
        coalesce(nullif(j.resource.labels.project_id, ''),
                 nullif(regexp_extract(coalesce(log_name, ''), '^projects/([^/]+)/logs/', 1), ''))
            AS log_project,
        nullif(trim(ai.principalEmail), '') AS email0,
        nullif(trim(ai.principalSubject), '') AS subject0,
        list_filter(
            list_transform(ai.serviceAccountDelegationInfo, lambda d: coalesce(
                nullif(d.firstPartyPrincipal.principalEmail, ''),
                nullif(d.principalSubject, ''),
                CASE WHEN d.thirdPartyPrincipal IS NOT NULL THEN 'third-party principal' END)),
            lambda x: x IS NOT NULL) AS chain
    FROM timed
),
resolved AS (
    SELECT *,
        nullif(regexp_extract(rn, '^projects/([^/]+)/', 1), '') AS rn_project,
        nullif(regexp_extract(rn, '^projects/[^/]+/locations/([^/]+)/secrets/', 1), '') AS rn_location,
        nullif(regexp_extract(rn, '^projects/[^/]+/(?:locations/[^/]+/)?secrets/([^/:]+)', 1), '') AS rn_secret,
        nullif(regexp_extract(coalesce(resp_name, ''), '/secrets/[^/]+/versions/([^/:]+)', 1), '')
            AS resp_version,
        nullif(regexp_extract(rn, '^projects/[^/]+/(?:locations/[^/]+/)?secrets/[^/:]+/versions/([^/:]+)', 1), '')
            AS rn_version,
        -- A redacted or empty principalEmail is no identity: never a shared placeholder value.
        CASE WHEN contains(email0, '@') THEN email0 END AS email,
        CASE WHEN coalesce(len(chain), 0) > 0 THEN array_to_string(chain, ' > ') END AS chain_text,
        coalesce(p.status.code, 0) AS code,
        list_bool_or(list_transform(p.authorizationInfo, lambda a: a.granted IS NOT TRUE)) AS not_granted,
        list_filter(p.authorizationInfo, lambda a: a.granted IS NOT TRUE)[1].permission AS refused_permission,
        ends_with(coalesce(log_name, ''), '/cloudaudit.googleapis.com/policy') AS policy_log
    FROM named
),
scoped AS (
    SELECT *,
        coalesce(log_project, rn_project,
                 nullif(regexp_extract(coalesce(log_name, ''), '^((organizations|folders|billingAccounts)/[^/]+)/logs/', 1), ''),
                 $store, 'default') AS store,
        CASE
            WHEN service = 'secretmanager.googleapis.com' THEN NULL
            -- Project / folder / organization IAM changes that grant or revoke Secret Manager roles
            -- (or owner) change who can read secrets: in scope as permission_change.
            WHEN service = 'cloudresourcemanager.googleapis.com' AND method = 'SetIamPolicy'
                 AND list_bool_or(list_transform(deltas, lambda d: starts_with(coalesce(d.role, ''), 'roles/secretmanager.')
                                                        OR d.role = 'roles/owner')) THEN NULL
            ELSE 'out of scope: ' || service
        END AS scope_skip
    FROM resolved
)
SELECT
    file_idx,
    line,
    bidx,
    CASE WHEN quarantine_reason IS NOT NULL THEN original END AS original,
    CASE WHEN body IS DISTINCT FROM original THEN body END AS raw_override,
    quarantine_reason,
    CASE WHEN quarantine_reason IS NULL THEN skip_reason END AS skip_reason,
    CASE WHEN insert_id IS NOT NULL AND event_time IS NOT NULL
         THEN substr(sha256(concat_ws('|', 'gcp', coalesce(log_name, ''), insert_id,
                                      CAST(epoch_us(event_time) AS VARCHAR))), 1, 32)
         ELSE substr(sha256(concat_ws('|', 'gcp', coalesce(CAST(try(json(body)) AS VARCHAR), body, original))), 1, 32)
    END AS event_id,
    event_time,
    store,
    action,
    CASE method WHEN 'DestroySecretVersion' THEN 'destroy_version' WHEN 'DeleteSecret' THEN 'purge' END
        AS delete_kind,
    nullif(method, '') AS source_action,
    CASE
        WHEN policy_log OR violation IS NOT NULL OR code IN (7, 16) OR not_granted THEN 'denied'
        WHEN code <> 0 THEN 'failure'
        ELSE 'success'
    END AS outcome,
    nullif(concat_ws(' ', concat_ws(': ',
        CASE WHEN code <> 0 THEN CASE code
            WHEN 1 THEN 'CANCELLED' WHEN 2 THEN 'UNKNOWN' WHEN 3 THEN 'INVALID_ARGUMENT'
            WHEN 4 THEN 'DEADLINE_EXCEEDED' WHEN 5 THEN 'NOT_FOUND' WHEN 6 THEN 'ALREADY_EXISTS'
            WHEN 7 THEN 'PERMISSION_DENIED' WHEN 8 THEN 'RESOURCE_EXHAUSTED'
            WHEN 9 THEN 'FAILED_PRECONDITION' WHEN 10 THEN 'ABORTED' WHEN 11 THEN 'OUT_OF_RANGE'
            WHEN 12 THEN 'UNIMPLEMENTED' WHEN 13 THEN 'INTERNAL' WHEN 14 THEN 'UNAVAILABLE'
            WHEN 15 THEN 'DATA_LOSS' WHEN 16 THEN 'UNAUTHENTICATED'
            ELSE 'code ' || code END END,
        nullif(p.status.message, ''),
        CASE WHEN code = 0 AND not_granted
             THEN 'not granted: ' || coalesce(refused_permission, 'permission') END),
        '[VPC Service Controls: ' || violation || ']'), '') AS error,
    principal_id,
    coalesce(email, subject0) AS principal_name,
    CASE
        WHEN email IS NOT NULL AND ends_with(email, 'gserviceaccount.com') THEN 'service'
        WHEN email IS NOT NULL THEN 'human'
        WHEN starts_with(subject0, 'serviceAccount:') THEN 'service'
        WHEN contains(subject0, '/workloadIdentityPools/') THEN 'service'
        WHEN contains(subject0, '/workforcePools/') THEN 'human'
        WHEN starts_with(subject0, 'user:') THEN 'human'
        ELSE 'unknown'
    END AS principal_type,
    -- The service-account key id, the `private_key_id` of a leaked JSON key (FORMATS §9).
    nullif(regexp_extract(coalesce(ai.serviceAccountKeyName, ''), '/keys/([^/]+)$', 1), '') AS credential_id,
    CASE
        WHEN contains(coalesce(chain_text, '') || coalesce(subject0, ''), '/workloadIdentityPools/')
            THEN 'workload_identity_federation'
        WHEN contains(coalesce(chain_text, '') || coalesce(subject0, ''), '/workforcePools/')
            THEN 'workforce_identity_federation'
        WHEN chain_text IS NOT NULL THEN 'impersonation'
        WHEN nullif(ai.serviceAccountKeyName, '') IS NOT NULL THEN 'service_account_key'
    END AS auth_method,
    CASE WHEN rn_secret IS NOT NULL THEN
        'gcp://projects/'
        -- Project number or id, whichever the caller sent: the number becomes the log's project id.
        || CASE WHEN regexp_full_match(rn_project, '[0-9]+') AND log_project IS NOT NULL
                THEN log_project ELSE rn_project END
        || coalesce('/locations/' || rn_location, '') || '/secrets/' || rn_secret
    END AS secret_id,
    CASE WHEN rn_secret IS NOT NULL THEN coalesce(resp_version, rn_version) END AS secret_version,
    rn_secret AS secret_name,
    CAST(NULL AS VARCHAR) AS lease_id,
    CAST(NULL AS VARCHAR[]) AS policies,
    nullif(trim(p.requestMetadata.callerIp), '') AS source_ip,
    nullif(regexp_replace(coalesce(p.requestMetadata.callerSuppliedUserAgent, ''), '(,\s*gzip\(gfe\))+$', ''), '')
        AS user_agent,
    insert_id AS request_id,
    -- The delegation chain, original caller first (serviceAccountDelegationInfo); the principal
    -- is the identity the call ran as (principalEmail).
    chain_text AS session_id,
    CAST(NULL AS VARCHAR) AS parent_id,
    -- Secret Manager never logs payloads; a record that carries one anyway gets structural redaction.
    p.request.payload.data IS NOT NULL OR p.response.payload.data IS NOT NULL
        OR contains(coalesce(p.requestJson, '') || coalesce(p.responseJson, ''), '"payload"') AS log_raw
FROM (
    SELECT *,
        CASE
            WHEN body IS NULL AND json_valid(original) THEN 'JSON value is not an object'
            WHEN body IS NULL THEN 'not JSON: no "{" on the line'
            WHEN j IS NULL THEN 'invalid JSON (truncated or corrupted line)'
            WHEN log_name IS NULL AND insert_id IS NULL AND p IS NULL
                THEN 'JSON object is not a Cloud Logging LogEntry (no logName, insertId or protoPayload)'
            WHEN event_time IS NULL
                THEN 'unparseable or missing "timestamp": ' || coalesce(ts_text, 'null')
            WHEN p IS NOT NULL AND service IS NULL AND coalesce(p."@type", '') LIKE '%google.cloud.audit.AuditLog'
                THEN 'AuditLog payload without serviceName'
        END AS quarantine_reason,
        CASE
            WHEN p IS NULL OR service IS NULL THEN 'out of scope: not an audit log entry'
            ELSE scope_skip
        END AS skip_reason,
        CASE
            WHEN email IS NOT NULL THEN email
            WHEN subject0 IS NOT NULL THEN regexp_replace(subject0, '^(serviceAccount|user):', '')
        END AS principal_id,
        CASE
            WHEN service = 'cloudresourcemanager.googleapis.com' THEN 'permission_change'
            WHEN method = 'AccessSecretVersion' THEN 'read'
            WHEN method IN ('ListSecrets', 'ListSecretVersions') THEN 'list'
            WHEN method IN ('GetSecret', 'GetSecretVersion', 'GetIamPolicy') THEN 'describe'
            WHEN method = 'CreateSecret' THEN 'create'
            WHEN method = 'AddSecretVersion' THEN 'write'
            WHEN method = 'EnableSecretVersion' THEN 'restore'
            WHEN method IN ('DestroySecretVersion', 'DeleteSecret') THEN 'delete'
            WHEN method = 'SetIamPolicy' THEN 'permission_change'
            ELSE 'other'
        END AS action
    FROM scoped
)
