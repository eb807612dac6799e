-- Kubernetes audit Events on Secrets -> events, column-wise in DuckDB (FORMATS.md §7).
-- Input:  relation `batch(file_idx INTEGER, line BIGINT, bidx BIGINT, text VARCHAR)`; $store (the
--         --store value, else 'default'), used when a record does not name its cluster.
-- Output: one row per line, the SqlAdapter columns (ingest/sources/base.py) plus `stage_rank`
--         (1 RequestReceived, 2 ResponseStarted, 3 ResponseComplete, 4 Panic): audit.py folds
--         the stages of one request (one auditID) into one event.
-- Three carriers of one Event (audit.py): `event` (API server log backend, JSON lines), `gke`
-- (Cloud Audit Logs LogEntry, service k8s.io) and `aks` (Azure resource log, category kube-audit,
-- the Event in properties.log as an object or as a JSON string). Each is normalized into one set
-- of columns (`norm`), then mapped once.
WITH src AS (
    SELECT file_idx, line, bidx, text,
        -- SIEM / CloudWatch re-exports carry the record as a JSON string in "message".
        CASE WHEN NOT contains(text, '"auditID"') AND NOT contains(text, '"protoPayload"')
                  AND NOT contains(text, '"properties"') AND contains(text, '"message"')
             THEN coalesce(try(json_extract_string(text, '$.message')), text)
             ELSE text
        END AS body
    FROM batch
),
parsed AS (
    -- One shape for all three carriers (their top-level keys do not collide).
    SELECT *, try(from_json(body, $shape)) AS o FROM src
),
kinded AS (
    SELECT *,
        CASE WHEN o.protoPayload IS NOT NULL THEN 'gke'
             WHEN o.properties IS NOT NULL OR o.category IS NOT NULL THEN 'aks'
             WHEN o.auditID IS NOT NULL OR o.kind = 'Event' THEN 'event'
        END AS kind,
        CASE WHEN o.properties.log IS NOT NULL AND json_type(o.properties.log) = 'VARCHAR'
             THEN o.properties.log ->> '$'
             ELSE CAST(o.properties.log AS VARCHAR)
        END AS aks_log
    FROM parsed
),
inner_parsed AS (
    SELECT *,
        CASE WHEN kind = 'event' THEN o
             WHEN kind = 'aks' THEN try(from_json(aks_log, $shape))
        END AS e
    FROM kinded
),
norm AS (
    SELECT file_idx, line, bidx, text, body, kind, o, e, aks_log,
        o IS NOT NULL AS parsed_ok,
        o.protoPayload AS p,
        -- GKE: io.k8s.<group>.<version>.<resource>.<verb>
        CASE WHEN kind = 'gke' THEN string_split(o.protoPayload.methodName, '.') END AS m,
        CASE WHEN kind = 'gke' THEN string_split(regexp_replace(coalesce(o.protoPayload.resourceName, ''),
                                                                '^/+', ''), '/') END AS rn
    FROM inner_parsed
),
fields AS (
    SELECT *,
        CASE WHEN kind = 'gke' THEN coalesce(nullif(o.operation.id, ''), nullif(o.insertId, ''))
             ELSE nullif(e.auditID, '') END AS audit_id,
        CASE WHEN kind = 'gke' THEN 'ResponseComplete' ELSE e.stage END AS stage,
        CASE WHEN kind = 'gke' THEN lower(m[-1]) ELSE lower(e.verb) END AS verb,
        CASE WHEN kind = 'gke' THEN CASE WHEN len(m) >= 6 THEN m[-2] END
             ELSE nullif(e.objectRef.resource, '') END AS resource,
        CASE WHEN kind = 'gke' THEN CASE WHEN m[3] = 'core' THEN '' ELSE m[3] END
             ELSE coalesce(e.objectRef.apiGroup, '') END AS api_group,
        CASE WHEN kind = 'gke' THEN CASE WHEN rn[3] = 'namespaces' THEN nullif(rn[4], '') END
             ELSE nullif(e.objectRef.namespace, '') END AS namespace,
        CASE WHEN kind = 'gke' THEN CASE WHEN rn[3] = 'namespaces' AND len(rn) >= 6 THEN nullif(rn[6], '')
                                         WHEN rn[3] <> 'namespaces' AND len(rn) >= 4 THEN nullif(rn[4], '') END
             ELSE coalesce(nullif(e.objectRef.name, ''), nullif(e.requestObject.metadata.name, ''))
        END AS name,
        -- GKE: principalEmail; callers federated without an email (workload identity
        -- federation) are named by principalSubject only.
        CASE WHEN kind = 'gke' THEN coalesce(nullif(o.protoPayload.authenticationInfo.principalEmail, ''),
                                             nullif(o.protoPayload.authenticationInfo.principalSubject, ''))
             ELSE e.user.username END AS username,
        CASE WHEN kind = 'gke' THEN o.protoPayload.requestMetadata.callerIp
             ELSE e.sourceIPs[1] END AS ip,
        CASE WHEN kind = 'gke' THEN o.protoPayload.requestMetadata.callerSuppliedUserAgent
             ELSE e.userAgent END AS ua,
        CASE WHEN kind = 'gke' THEN o."timestamp"
             ELSE coalesce(e.requestReceivedTimestamp, e.stageTimestamp, o."time") END AS time_text,
        CASE WHEN kind = 'gke' THEN o.labels ELSE e.annotations END AS notes,
        e.responseStatus.code AS http_code,
        e.responseStatus.reason AS status_reason,
        e.responseStatus.message AS status_message,
        o.protoPayload.status.code AS rpc_code,
        o.protoPayload.status.message AS rpc_message,
        e.impersonatedUser.username AS impersonated,
        e.user.extra AS extra,
        CASE WHEN kind = 'gke' THEN nullif(o.resource.labels.cluster_name, '')
             WHEN kind = 'aks' THEN nullif(lower(regexp_extract(o.resourceId,
                                    '/managedclusters/([^/]+)', 1, 'i')), '')
        END AS named_cluster
    FROM norm
),
classified AS (
    SELECT *,
        coalesce(named_cluster, $store) AS cluster,
        try_cast(time_text AS TIMESTAMPTZ) AS ts0,
        CASE stage WHEN 'RequestReceived' THEN 1 WHEN 'ResponseStarted' THEN 2
                   WHEN 'ResponseComplete' THEN 3 WHEN 'Panic' THEN 4
                   ELSE CASE WHEN http_code IS NOT NULL THEN 3 ELSE 1 END
        END AS stage_rank,
        lower(notes['authorization.k8s.io/decision']) AS decision,
        nullif(notes['authorization.k8s.io/reason'], '') AS authz_reason,
        CASE verb WHEN 'get' THEN 'read' WHEN 'list' THEN 'list' WHEN 'watch' THEN 'list'
                  WHEN 'create' THEN 'create' WHEN 'update' THEN 'write' WHEN 'patch' THEN 'write'
                  WHEN 'delete' THEN 'delete' WHEN 'deletecollection' THEN 'delete'
                  ELSE 'other' END AS action
    FROM fields
),
judged AS (
    SELECT *,
        -- Out of range (infinity, year 99999) would not survive as a date.
        CASE WHEN isfinite(ts0) AND year(ts0) BETWEEN 1 AND 9999 THEN ts0 END AS ts,
        CASE
            WHEN decision = 'forbid' OR http_code IN (401, 403) OR rpc_code IN (7, 16) THEN 'denied'
            WHEN http_code >= 400 OR stage = 'Panic' THEN 'failure'
            WHEN http_code BETWEEN 100 AND 399 THEN 'success'
            WHEN kind = 'gke' AND coalesce(rpc_code, 0) = 0 THEN 'success'
            WHEN kind = 'gke' THEN 'failure'
            ELSE 'unknown'
        END AS outcome,
        CASE
            WHEN NOT parsed_ok THEN NULL
            WHEN kind = 'gke' AND coalesce(p.serviceName, '') <> 'k8s.io'
                THEN 'Cloud Audit Logs entry of ' || coalesce(nullif(p.serviceName, ''), 'no service')
                     || ' (not k8s.io): ingest it as gcp'
            WHEN kind = 'aks' AND lower(coalesce(o.category, '')) NOT IN ('kube-audit', 'kube-audit-admin')
                THEN 'AKS log category ' || coalesce(o.category, 'null')
                     || ' (only kube-audit / kube-audit-admin record API requests)'
            WHEN kind IS NULL OR (kind <> 'gke' AND e IS NULL) THEN NULL
            WHEN resource IS NULL THEN 'Kubernetes request without a resource (non-resource URL)'
            WHEN resource <> 'secrets' THEN 'Kubernetes audit event on '
                 || CASE WHEN api_group <> '' THEN api_group || '/' ELSE '' END || resource
                 || ' (only Secrets are in scope)'
            WHEN api_group <> '' THEN 'Kubernetes audit event on ' || api_group
                 || '/secrets (not the core Secret)'
        END AS skip_reason
    FROM classified
),
checked AS (
    SELECT *,
        CASE
            WHEN skip_reason IS NOT NULL THEN NULL
            WHEN NOT json_valid(body) AND NOT regexp_matches(body, '^\s*[\[{]')
                THEN 'not JSON (a text line mixed into the audit log?)'
            WHEN NOT json_valid(body) THEN 'invalid JSON: truncated or corrupted record'
            WHEN NOT starts_with(ltrim(body), '{') THEN 'JSON value is not an object'
            WHEN NOT parsed_ok THEN 'invalid JSON: truncated or corrupted record'
            WHEN o.kind = 'EventList'
                THEN 'an audit webhook EventList batch on one line: keytrail reads the Events '
                     || 'of the log backend; save the items as JSON lines (jq -c ''.items[]'')'
            WHEN kind IS NULL AND o.records IS NOT NULL
                THEN 'a {"records": [...]} batch on a line of a JSON-lines file (mixed formats): '
                     || 'ingest it as a file of its own'
            WHEN kind IS NULL THEN 'JSON object is not a Kubernetes audit Event (no auditID)'
            WHEN kind = 'aks' AND aks_log IS NULL THEN 'AKS kube-audit record without properties.log'
            WHEN kind = 'aks' AND e IS NULL
                THEN 'AKS kube-audit record whose properties.log is not a Kubernetes audit Event'
            WHEN audit_id IS NULL THEN 'Kubernetes audit Event without an auditID'
            WHEN verb IS NULL THEN 'Kubernetes audit Event without a verb'
            WHEN ts IS NULL THEN 'unparseable or missing requestReceivedTimestamp/stageTimestamp: '
                                 || coalesce(time_text, 'null')
        END AS quarantine_reason
    FROM judged
),
stripped AS (
    -- Secret values live in the request and response bodies (RequestResponse level): they are
    -- removed here, before anything is written or redacted (FORMATS.md §7(e), §0.2 rule 7).
    SELECT *,
        CASE
            WHEN kind = 'event' AND (contains(body, '"requestObject"') OR contains(body, '"responseObject"'))
                THEN CAST(json_merge_patch(body, '{"requestObject":null,"responseObject":null}') AS VARCHAR)
            WHEN kind = 'gke' AND (contains(body, '"request"') OR contains(body, '"response"'))
                THEN CAST(json_merge_patch(body, '{"protoPayload":{"request":null,"response":null}}') AS VARCHAR)
            WHEN kind = 'aks' AND e IS NOT NULL AND json_type(o.properties.log) = 'VARCHAR'
                 AND (contains(aks_log, '"requestObject"') OR contains(aks_log, '"responseObject"'))
                THEN CAST(json_merge_patch(body, json_object('properties', json_object('log',
                         CAST(json_merge_patch(aks_log, '{"requestObject":null,"responseObject":null}')
                              AS VARCHAR)))) AS VARCHAR)
            WHEN kind = 'aks' AND e IS NOT NULL
                 AND (contains(aks_log, '"requestObject"') OR contains(aks_log, '"responseObject"'))
                THEN CAST(json_merge_patch(body,
                         '{"properties":{"log":{"requestObject":null,"responseObject":null}}}') AS VARCHAR)
            WHEN body IS DISTINCT FROM text THEN body
        END AS clean
    FROM checked
)
SELECT
    file_idx,
    line,
    bidx,
    -- A quarantined line is kept cut before any request/response body it may carry.
    CASE WHEN quarantine_reason IS NOT NULL THEN regexp_replace(coalesce(clean, text),
        '"(requestObject|responseObject|request|response)"\s*:.*$', '[body removed by keytrail]', 's')
    END AS original,
    CAST(clean AS VARCHAR) AS raw_override,
    quarantine_reason,
    skip_reason,
    stage_rank,
    substr(sha256(concat_ws('|', 'k8s', cluster, coalesce(audit_id, body))), 1, 32) AS event_id,
    ts AS event_time,
    cluster AS store,
    action,
    CASE WHEN action = 'delete' THEN 'purge' END AS delete_kind,
    verb AS source_action,
    outcome,
    CASE WHEN outcome IN ('denied', 'failure') THEN nullif(concat_ws(': ',
        coalesce(status_reason, rpc_message, CASE WHEN http_code IS NOT NULL THEN 'HTTP ' || http_code END,
                 CASE WHEN decision = 'forbid' THEN 'forbid' END),
        coalesce(status_message, CASE WHEN decision = 'forbid' THEN authz_reason END)), '') END AS error,
    nullif(username, '') AS principal_id,
    nullif(username, '') AS principal_name,
    CASE
        WHEN nullif(username, '') IS NULL OR username = 'system:anonymous' THEN 'unknown'
        WHEN starts_with(username, 'system:') OR starts_with(username, 'eks:')
             OR starts_with(username, 'aksService') OR suffix(username, '.gserviceaccount.com')
            THEN 'service'
        ELSE 'human'
    END AS principal_type,
    coalesce(extra['authentication.kubernetes.io/credential-id'][1], extra['accessKeyId'][1])
        AS credential_id,
    CASE
        WHEN impersonated IS NOT NULL THEN 'impersonation'
        WHEN starts_with(username, 'system:serviceaccount:') THEN 'serviceaccount_token'
        WHEN starts_with(username, 'system:node:') THEN 'node'
        WHEN extra['arn'][1] IS NOT NULL OR extra['canonicalArn'][1] IS NOT NULL THEN 'aws_iam'
    END AS auth_method,
    CASE
        WHEN action = 'other' AND name IS NULL THEN NULL
        WHEN name IS NOT NULL AND verb NOT IN ('list', 'watch', 'deletecollection')
            THEN 'k8s://' || cluster || '/' || coalesce(namespace, '*') || '/' || name
        WHEN verb IN ('list', 'watch', 'deletecollection')
            THEN 'k8s://' || cluster || '/' || coalesce(namespace, '*') || '/*'
    END AS secret_id,
    CAST(NULL AS VARCHAR) AS secret_version,
    CASE
        WHEN name IS NOT NULL AND verb NOT IN ('list', 'watch', 'deletecollection')
            THEN coalesce(namespace, '*') || '/' || name
        WHEN verb IN ('list', 'watch', 'deletecollection') THEN coalesce(namespace, '*') || '/*'
    END AS secret_name,
    -- get, list and watch return Secret data (list/watch: every Secret in scope).
    CASE WHEN verb IN ('get', 'list', 'watch') THEN
        CASE outcome WHEN 'success' THEN true WHEN 'unknown' THEN NULL ELSE false END
    END AS value_returned,
    CAST(NULL AS VARCHAR) AS lease_id,
    CASE WHEN authz_reason IS NOT NULL THEN [authz_reason] END AS policies,
    CASE
        WHEN ip LIKE '[%]%' THEN regexp_extract(ip, '^\[([^\]]+)\]', 1)
        WHEN contains(ip, '.') AND length(ip) - length(replace(ip, ':', '')) = 1 THEN split_part(ip, ':', 1)
        ELSE nullif(ip, '')
    END AS source_ip,
    nullif(ua, '') AS user_agent,
    audit_id AS request_id,
    CAST(NULL AS VARCHAR) AS session_id,
    CAST(NULL AS VARCHAR) AS parent_id,
    false AS log_raw
FROM stripped
