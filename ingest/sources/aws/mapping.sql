-- AWS CloudTrail records (Secrets Manager and what ties credentials to identities) -> events.
-- Assembled by audit.py: WITH cut AS (...), [lake.sql], [envelopes.sql | plain unwrapped], this.
-- Input:  CTE `unwrapped` (file_idx, line, bidx, text, t, lake_obj, body0, k0, k1, rec_text,
--         env_time, env_account, env_region), parameter $store (--store or NULL) and the aws_*
--         macros of macros.sql.
-- Output: one row per record (the SqlAdapter contract) plus link_* columns for links.sql.
-- Every record is parsed once: one json_extract_string over a list of paths (much cheaper than
-- from_json into a struct).
parsed AS (
    -- The one full parse of the CloudTrail record, wherever it came from.
    SELECT *,
        CASE WHEN left(ltrim(rec_text), 1) = '{' AND json_valid(rec_text) THEN json_extract_string(rec_text, [
            '$.eventVersion', '$.eventSource', '$.eventName', '$.eventType', '$.eventID', '$.eventTime',
            '$.awsRegion', '$.recipientAccountId', '$.sourceIPAddress', '$.userAgent', '$.errorCode',
            '$.errorMessage', '$.requestID', '$.sessionCredentialFromConsole',
            '$.userIdentity.type', '$.userIdentity.principalId', '$.userIdentity.arn',
            '$.userIdentity.accountId', '$.userIdentity.accessKeyId', '$.userIdentity.userName',
            '$.userIdentity.invokedBy', '$.userIdentity.credentialId', '$.userIdentity.sourceIdentity',
            '$.userIdentity.sessionContext.sessionIssuer.arn', '$.userIdentity.sessionContext.sessionIssuer.userName',
            '$.userIdentity.sessionContext.attributes.mfaAuthenticated',
            '$.userIdentity.sessionContext.webIdFederationData.federatedProvider',
            '$.userIdentity.sessionContext.sourceIdentity', '$.userIdentity.onBehalfOf.userId',
            '$.requestParameters.secretId', '$.requestParameters.name', '$.requestParameters.versionId',
            '$.requestParameters.versionStage', '$.requestParameters.moveToVersionId',
            '$.requestParameters.forceDeleteWithoutRecovery', '$.requestParameters.secretIdList',
            '$.requestParameters.filters', '$.requestParameters.secretString', '$.requestParameters.secretBinary',
            '$.requestParameters.roleSessionName', '$.requestParameters.encryptionContext.SecretARN',
            '$.requestParameters.encryptionContext.SecretVersionId',
            '$.responseElements', '$.additionalEventData', '$.serviceEventDetails', '$.resources',
            '$.insightDetails', '$.insightDetails.eventSource', '$.insightDetails.eventName',
            '$.insightDetails.insightType', '$.insightDetails.state', '$.insightDetails.errorCode']) END AS v
    FROM unwrapped
),
fields AS (
    SELECT * EXCLUDE (v),
        coalesce(v[1] IS NOT NULL OR v[2] IS NOT NULL OR v[3] IS NOT NULL OR v[47] IS NOT NULL, false) AS is_rec,
        nullif(v[2], '') AS es,
        nullif(v[3], '') AS en,
        v[4] AS etype,
        nullif(v[5], '') AS event_id0,
        v[6] AS event_time0,
        coalesce(nullif(v[7], ''), nullif(env_region, '')) AS region,
        coalesce(nullif(v[8], ''), nullif(env_account, ''), nullif(v[18], '')) AS account,
        v[9] AS source_ip0,
        nullif(v[10], '') AS user_agent0,
        nullif(v[11], '') AS error_code,
        nullif(v[12], '') AS error_message,
        nullif(v[13], '') AS request_id0,
        coalesce(v[14] = 'true', false) AS console,
        nullif(v[15], '') AS ut,
        nullif(v[16], '') AS ui_principal,
        nullif(v[17], '') AS ui_arn,
        nullif(v[18], '') AS ui_account,
        nullif(v[19], '') AS access_key,
        nullif(v[20], '') AS ui_user,
        nullif(v[21], '') AS invoked_by,
        nullif(v[22], '') AS ui_credential,
        nullif(coalesce(v[28], v[23]), '') AS source_identity,
        nullif(v[24], '') AS issuer_arn,
        nullif(v[25], '') AS issuer_name,
        v[26] AS mfa,
        nullif(v[27], '') AS web_provider,
        nullif(v[29], '') AS obo_user,
        aws_str(v[30]) AS rp_secret_id,
        aws_str(v[31]) AS rp_name,
        aws_str(v[32]) AS rp_version_id,
        aws_str(v[33]) AS rp_version_stage,
        aws_str(v[34]) AS rp_move_to,
        v[35] AS rp_force,
        CASE WHEN left(v[36], 1) = '[' THEN try(from_json(v[36], '["VARCHAR"]')) END AS rp_id_list,
        v[37] AS rp_filters,
        coalesce(v[38], v[39]) AS rp_value,
        aws_str(v[40]) AS rp_session,
        aws_str(v[41]) AS ec_secret_arn,
        aws_str(v[42]) AS ec_version,
        -- responseElements as JSON text when it is an object (it may be null, "", a string...)
        CASE WHEN left(v[43], 1) = '{' AND json_valid(v[43]) THEN v[43] END AS re_text,
        v[44] AS aed_text,
        v[45] AS sed_text,
        v[46] AS res_text,
        v[47] AS ins_text,
        coalesce(nullif(v[2], ''), nullif(v[48], '')) AS scope_source,
        v[49] AS ins_name,
        v[50] AS ins_type,
        v[51] AS ins_state,
        nullif(v[52], '') AS ins_error
    FROM parsed
),
timed0 AS (
    SELECT *,
        coalesce(aws_time(event_time0), aws_time(env_time),
                 CASE WHEN k0 = 'lookup' THEN aws_time(json_extract_string(body0, '$.EventTime')) END) AS t_event0
    FROM fields
),
timed AS (
    -- CloudTrail started in 2013; 'infinity' and years past 9999 are not times of events.
    SELECT * EXCLUDE (t_event0),
        CASE WHEN t_event0 BETWEEN TIMESTAMPTZ '1970-01-01 00:00:00+00' AND TIMESTAMPTZ '9999-12-31 00:00:00+00'
             THEN t_event0 END AS t_event
    FROM timed0
),
scoped AS (
    SELECT *,
        CASE
            WHEN NOT is_rec THEN NULL
            WHEN etype = 'AwsCloudTrailInsight' OR ins_text IS NOT NULL THEN
                CASE WHEN scope_source = 'secretsmanager.amazonaws.com' THEN 'insight' END
            WHEN es = 'secretsmanager.amazonaws.com' THEN 'secretsmanager'
            WHEN es = 'sts.amazonaws.com'
                 AND (starts_with(en, 'AssumeRole') OR en IN ('AssumeRoot', 'GetSessionToken', 'GetFederationToken'))
                THEN 'sts'
            WHEN es = 'signin.amazonaws.com' AND en = 'ConsoleLogin' THEN 'signin'
            WHEN es = 'iam.amazonaws.com'
                 AND regexp_full_match(en, '(Put|Attach|Detach|Delete)(User|Role|Group)Policy|CreatePolicy|CreatePolicyVersion|SetDefaultPolicyVersion|Put(User|Role)PermissionsBoundary')
                 AND contains(lower(json_extract_string(rec_text, '$.requestParameters')), 'secretsmanager')
                THEN 'iam'
            WHEN es = 'kms.amazonaws.com'
                 AND (invoked_by = 'secretsmanager.amazonaws.com' OR ec_secret_arn IS NOT NULL)
                THEN 'kms'
        END AS scope
    FROM timed
),
secret_refs AS (
    SELECT *,
        -- The secret as the request names it (name, partial ARN or full ARN).
        CASE scope
            WHEN 'secretsmanager' THEN coalesce(rp_secret_id, rp_name)
            WHEN 'kms' THEN ec_secret_arn
        END AS requested,
        -- Full ARNs the service itself wrote: responseElements.arn (aRN before ~2024),
        -- additionalEventData / serviceEventDetails of service events, resources[].ARN.
        CASE WHEN scope = 'secretsmanager' THEN coalesce(
            nullif(regexp_extract(re_text, '"(?i:arn)"\s*:\s*"(arn:[^"]*:secretsmanager:[^"]*:secret:[^"]+)"', 1), ''),
            nullif(regexp_extract(aed_text, '"(?i:secretid|secretarn|arn)"\s*:\s*"(arn:[^"]*:secretsmanager:[^"]*:secret:[^"]+)"', 1), ''),
            nullif(regexp_extract(sed_text, '"(?i:secretid|secretarn|arn)"\s*:\s*"(arn:[^"]*:secretsmanager:[^"]*:secret:[^"]+)"', 1), ''),
            nullif(regexp_extract(res_text, '"(?i:arn)"\s*:\s*"(arn:[^"]*:secretsmanager:[^"]*:secret:[^"]+)"', 1), '')
        ) END AS written_arn
    FROM scoped
),
classified AS (
    SELECT *,
        CASE scope
            WHEN 'secretsmanager' THEN CASE
                WHEN en = 'GetSecretValue' THEN 'read'
                WHEN en IN ('ListSecrets', 'ListSecretVersionIds') THEN 'list'
                WHEN en IN ('DescribeSecret', 'GetResourcePolicy', 'ValidateResourcePolicy') THEN 'describe'
                WHEN en = 'CreateSecret' THEN 'create'
                WHEN en = 'PutSecretValue' THEN 'write'
                WHEN en = 'UpdateSecret'
                     AND (rp_value IS NOT NULL OR json_extract_string(re_text, '$.versionId') IS NOT NULL) THEN 'write'
                WHEN en = 'UpdateSecretVersionStage' AND rp_version_stage = 'AWSCURRENT' THEN 'write'
                WHEN en IN ('DeleteSecret', 'StartSecretVersionDelete', 'EndSecretVersionDelete') THEN 'delete'
                WHEN en IN ('RestoreSecret', 'CancelSecretVersionDelete') THEN 'restore'
                WHEN en IN ('RotateSecret', 'CancelRotateSecret', 'RotationStarted', 'RotationSucceeded',
                            'RotationFailed', 'RotationAbandoned', 'TestRotationStarted',
                            'TestRotationSucceeded', 'TestRotationFailed') THEN 'rotate'
                WHEN en IN ('PutResourcePolicy', 'DeleteResourcePolicy') THEN 'permission_change'
                -- BatchGetSecretValue is the parent of the per-secret GetSecretValue records
                -- CloudTrail also writes; those are the reads (counting both double counts).
                ELSE 'other' END
            WHEN 'sts' THEN 'login'
            WHEN 'signin' THEN 'login'
            WHEN 'iam' THEN 'permission_change'
            ELSE 'other'
        END AS action,
        -- The secret: what the service wrote, else what the request named.
        coalesce(written_arn, requested) AS secret_ref,
        -- Identity Center / SSO permission-set roles are people.
        coalesce(issuer_name LIKE 'AWSReservedSSO\_%' ESCAPE '\', false) AS via_sso,
        CASE WHEN ut IN ('AssumedRole', 'FederatedUser')
             THEN coalesce(nullif(split_part(ui_principal, ':', 2), ''),
                           nullif(regexp_extract(ui_arn, '^arn:[^:]*:sts::[^:]*:[^/]+/(?:[^/]+/)?([^/]+)$', 1), ''))
        END AS role_session
    FROM secret_refs
),
named AS (
    SELECT *, aws_sm_tail(secret_ref) AS ref_tail
    FROM classified
)
SELECT
    file_idx,
    line,
    bidx,
    CASE WHEN NOT is_rec OR (scope IS NOT NULL AND t_event IS NULL) THEN text END AS original,
    -- The raw record is the CloudTrail record itself, whatever envelope carried it.
    CASE WHEN rec_text IS DISTINCT FROM text THEN coalesce(rec_text, lake_obj) END AS raw_override,
    CASE
        WHEN is_rec THEN
            CASE WHEN scope IS NOT NULL AND t_event IS NULL
                 THEN 'missing or unparseable eventTime: ' || coalesce(event_time0, 'null') END
        WHEN k0 IN ('digest', 'cw_control') THEN NULL
        WHEN k0 = 'lookup_page' THEN 'CloudTrail LookupEvents page {"Events": [...]} not split into its events: '
             || 'export with `aws cloudtrail lookup-events ... --query Events` (or `jq .Events`)'
        WHEN k0 = 'lake_page' THEN 'CloudTrail Lake result page {"QueryResultRows": [...]} not split into rows: '
             || 'export with `aws cloudtrail get-query-results ... --query QueryResultRows`'
        WHEN k0 = 'cw_page' THEN 'CloudWatch Logs subscription message {"logEvents": [...]} not split into its events: '
             || 'extract them with `jq -c ''.logEvents[]''`'
        WHEN k0 = 'lookup' THEN 'CloudTrailEvent is not a CloudTrail record in JSON'
        WHEN k0 IN ('eventbridge', 'sns') THEN 'envelope does not carry a CloudTrail record'
        WHEN k0 = 'message' THEN 'message is not a CloudTrail record in JSON'
        WHEN k0 = 'record' THEN 'invalid JSON (truncated or corrupted record)'
        WHEN left(t, 1) = '[' AND lake_obj IS NULL AND json_valid(t)
            THEN 'JSON array is not a CloudTrail Lake row (a list of single-key maps)'
        WHEN k0 = 'object' OR lake_obj IS NOT NULL
            THEN 'JSON object is not a CloudTrail record (no eventSource, eventName or eventVersion)'
        WHEN json_valid(t) THEN 'JSON value is not an object'
        WHEN left(t, 1) NOT IN ('{', '[')
            THEN 'not JSON: the record does not start with "{" (a log line mixed into the export?)'
        ELSE 'invalid JSON (truncated or corrupted record)'
    END AS quarantine_reason,
    CASE
        WHEN k0 = 'digest' THEN 'CloudTrail digest file'
        WHEN k0 = 'cw_control' THEN 'CloudWatch Logs control message'
        WHEN is_rec AND scope IS NULL
            THEN 'out of scope: ' || coalesce(scope_source, 'no eventSource')
    END AS skip_reason,
    substr(sha256('aws|' || coalesce(
        event_id0,
        CASE WHEN k0 = 'lookup' THEN nullif(json_extract_string(body0, '$.EventId'), '') END,
        coalesce(rec_text, text))), 1, 32) AS event_id,
    t_event AS event_time,
    CASE WHEN coalesce(account, '') <> '' THEN account || '/' || coalesce(region, 'unknown')
         ELSE coalesce($store, 'default') END AS store,
    action,
    CASE
        WHEN action <> 'delete' THEN NULL
        WHEN en = 'DeleteSecret' AND lower(rp_force) = 'true' THEN 'purge'
        WHEN en = 'EndSecretVersionDelete' THEN 'destroy_version'
        ELSE 'schedule'
    END AS delete_kind,
    CASE WHEN scope = 'insight'
         THEN concat_ws(' ', 'Insight', ins_type, ins_name, ins_state)
         ELSE en END AS source_action,
    CASE
        WHEN scope = 'signin' AND json_extract_string(re_text, '$.ConsoleLogin') = 'Failure' THEN 'failure'
        WHEN error_code ILIKE '%AccessDenied%' THEN 'denied'
        WHEN error_code IS NOT NULL THEN 'failure'
        WHEN en IN ('RotationFailed', 'TestRotationFailed') THEN 'failure'
        ELSE 'success'
    END AS outcome,
    nullif(concat_ws(': ', error_code, error_message,
                     CASE WHEN scope = 'insight' THEN ins_error END), '')
        AS error,
    -- An assumed role is one principal (the role); the session name goes to session_id.
    CASE
        WHEN ut = 'AssumedRole' THEN coalesce(
            issuer_arn,
            nullif(regexp_replace(ui_arn, '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$',
                                  'arn:\1:iam::\2:role/\3'), ui_arn),
            nullif(split_part(ui_principal, ':', 1), ''))
        WHEN ut = 'IdentityCenterUser' THEN coalesce(obo_user, ui_principal)
        WHEN ut = 'AWSService' OR (ut IS NULL AND invoked_by IS NOT NULL) THEN invoked_by
        -- a failed console sign-in may name the user without an ARN (path unknown: none)
        WHEN ut = 'IAMUser' AND ui_arn IS NULL AND ui_account IS NOT NULL
             AND coalesce(ui_user, '') NOT IN ('', 'HIDDEN_DUE_TO_SECURITY_REASONS')
            THEN 'arn:' || aws_partition(region) || ':iam::' || ui_account || ':user/' || ui_user
        ELSE coalesce(ui_arn, ui_principal, invoked_by, ui_account)
    END AS principal_id,
    CASE
        WHEN ut IN ('AssumedRole', 'FederatedUser') THEN coalesce(ui_arn, issuer_name)
        WHEN ut = 'Root' THEN coalesce(ui_user, 'root')
        WHEN ut = 'AWSService' OR (ut IS NULL AND invoked_by IS NOT NULL) THEN invoked_by
        ELSE coalesce(ui_user, ui_arn, obo_user, ui_principal)
    END AS principal_name,
    CASE
        -- people first: root, Identity Center, SAML, SSO permission sets, console sessions
        WHEN ut IN ('Root', 'IdentityCenterUser', 'SAMLUser') THEN 'human'
        WHEN ut = 'AssumedRole' AND via_sso THEN 'human'
        WHEN ut = 'IAMUser' AND (console OR en = 'ConsoleLogin'
             OR mfa = 'true') THEN 'human'
        -- then machines: AWS services, calls a service made, EC2 instances, Lambda, web identity
        WHEN ut = 'AWSService' OR (ut IS NULL AND invoked_by IS NOT NULL) THEN 'service'
        WHEN web_provider IS NOT NULL OR ut = 'WebIdentityUser' THEN 'service'
        WHEN ut = 'AssumedRole' AND (regexp_full_match(role_session, 'i-[0-9a-f]{8,17}')
             OR contains(user_agent0, 'exec-env/AWS_Lambda')) THEN 'service'
        WHEN ut = 'AssumedRole' AND source_identity IS NOT NULL THEN 'human'
        ELSE 'unknown'
    END AS principal_type,
    CASE
        -- a login hands out a credential: that one is the join key for what follows
        WHEN scope = 'sts' THEN coalesce(nullif(json_extract_string(re_text, '$.credentials.accessKeyId'), ''),
                                         access_key)
        ELSE coalesce(access_key, ui_credential)
    END AS credential_id,
    CASE
        WHEN scope = 'sts' AND en = 'AssumeRoleWithSAML' THEN 'saml'
        WHEN scope = 'sts' AND en = 'AssumeRoleWithWebIdentity' THEN 'web-identity'
        WHEN en = 'ConsoleLogin' THEN 'console'
        WHEN ut = 'AWSService' OR (ut IS NULL AND invoked_by IS NOT NULL) THEN 'aws-service'
        WHEN web_provider IS NOT NULL THEN 'web-identity'
        WHEN ut = 'AssumedRole' AND via_sso THEN 'sso'
        WHEN ut = 'AssumedRole' THEN 'assumed-role'
        WHEN ut = 'IAMUser' AND console THEN 'console'
        WHEN ut = 'IAMUser' AND starts_with(access_key, 'AKIA') THEN 'access-key'
        WHEN ut = 'IAMUser' THEN 'iam-user'
        WHEN ut = 'Root' THEN 'root'
        WHEN ut = 'IdentityCenterUser' THEN 'identity-center'
        WHEN ut = 'WebIdentityUser' THEN 'web-identity'
        WHEN ut = 'SAMLUser' THEN 'saml'
        WHEN ut = 'FederatedUser' THEN 'federation'
        ELSE lower(ut)
    END AS auth_method,
    CASE WHEN en = 'BatchGetSecretValue' THEN NULL
         ELSE aws_sm_id_of(secret_ref, ref_tail, region, account) END AS secret_id,
    CASE
        WHEN scope = 'kms' THEN ec_version
        WHEN scope <> 'secretsmanager' THEN NULL
        WHEN en = 'UpdateSecretVersionStage' THEN coalesce(rp_move_to, rp_version_stage)
        ELSE coalesce(rp_version_id, rp_version_stage, aws_str(json_extract_string(re_text, '$.versionId')),
                      CASE WHEN en = 'GetSecretValue' THEN 'AWSCURRENT' END)
    END AS secret_version,
    CASE
        -- a batch names its secrets (or its filters) compactly: it is one event, not one per secret
        WHEN en = 'BatchGetSecretValue' AND len(rp_id_list) > 0
            THEN array_to_string(list_transform(rp_id_list, lambda x: aws_sm_name(x)), ',')
        WHEN en = 'BatchGetSecretValue' AND rp_filters IS NOT NULL
            THEN 'filters: ' || coalesce(array_to_string(list_transform(
                     try(from_json(rp_filters, '[{"key": "VARCHAR", "values": ["VARCHAR"]}]')),
                     lambda f: f.key || '=' || array_to_string(f.values, '|')), '; '), rp_filters)
        ELSE aws_sm_name_of(secret_ref, ref_tail)
    END AS secret_name,
    CAST(NULL AS VARCHAR) AS lease_id,
    CAST(NULL AS VARCHAR[]) AS policies,
    aws_ip(source_ip0) AS source_ip,
    user_agent0 AS user_agent,
    request_id0 AS request_id,
    -- a login names the session its credential will carry (later events' session_id)
    CASE WHEN scope = 'sts' THEN coalesce(
             rp_session,
             CASE WHEN en = 'GetFederationToken' THEN rp_name END,
             nullif(regexp_extract(json_extract_string(re_text, '$.assumedRoleUser.arn'), '/([^/]+)$', 1), ''))
         ELSE role_session END AS session_id,
    -- for batch linking (below); dropped before the lake
    scope = 'secretsmanager' AND en = 'BatchGetSecretValue' AS link_is_batch,
    CASE WHEN en = 'BatchGetSecretValue'
         THEN list_transform(coalesce(rp_id_list, []), lambda x: aws_sm_name(x)) END AS link_names,
    en = 'BatchGetSecretValue' AND rp_filters IS NOT NULL AS link_filters,
    scope = 'secretsmanager' AND en = 'GetSecretValue' AS link_is_child,
    CAST(NULL AS VARCHAR) AS parent_id,
    false AS log_raw
FROM named
