-- Helpers of the AWS CloudTrail mapping, installed once per adapter as temporary macros.
-- Every statement ends with ';' on its own line end (the adapter splits on that).

-- A request parameter that must be a string: NULL when empty or when the record holds an
-- object or a list there (from_json hands those over as their JSON text).
CREATE OR REPLACE TEMP MACRO aws_str(x) AS
    CASE WHEN x IS NULL OR x = '' OR left(x, 1) IN ('[', '{') THEN NULL ELSE x END;

-- AWS partition of a region: aws-cn / aws-us-gov / aws-iso* / aws.
CREATE OR REPLACE TEMP MACRO aws_partition(region) AS
    CASE WHEN starts_with(region, 'cn-') THEN 'aws-cn'
         WHEN starts_with(region, 'us-gov-') THEN 'aws-us-gov'
         WHEN starts_with(region, 'us-isob-') THEN 'aws-iso-b'
         WHEN starts_with(region, 'us-iso-') THEN 'aws-iso'
         ELSE 'aws' END;

-- Text after ':secret:' of a Secrets Manager ARN (full or partial), else NULL.
CREATE OR REPLACE TEMP MACRO aws_sm_tail(x) AS
    CASE WHEN starts_with(x, 'arn:') AND contains(x, ':secretsmanager:') AND strpos(x, ':secret:') > 0
              AND length(x) > strpos(x, ':secret:') + 7
         THEN substr(x, strpos(x, ':secret:') + 8) END;

-- A full ARN ends in '-' + the 6 random characters Secrets Manager appends to the name.
-- (A partial ARN whose name itself ends like that is read as a full ARN, as AWS does.)
-- The *_of forms take aws_sm_tail(x) computed once by the caller.
CREATE OR REPLACE TEMP MACRO aws_sm_full_of(x, tail) AS
    coalesce(length(tail) > 7 AND substr(x, -7, 1) = '-' AND regexp_full_match(right(x, 6), '[A-Za-z0-9]{6}'),
             false);

-- Secret name from a name, a partial ARN or a full ARN: for a full ARN strip exactly the last
-- 7 characters ('-' + 6): names may contain hyphens (DdApiKeySecret-aUFEgO4SmSGN-xqgqXR is
-- name DdApiKeySecret-aUFEgO4SmSGN).
CREATE OR REPLACE TEMP MACRO aws_sm_name_of(x, tail) AS
    CASE WHEN x IS NULL OR x = '' THEN NULL
         WHEN aws_sm_full_of(x, tail) THEN left(tail, length(tail) - 7)
         WHEN tail IS NOT NULL THEN tail
         ELSE x END;

CREATE OR REPLACE TEMP MACRO aws_sm_name(x) AS aws_sm_name_of(x, aws_sm_tail(x));

-- Canonical secret id: an ARN as given (full ARN, suffix kept; partial ARN = the name form);
-- a bare name becomes arn:<partition>:secretsmanager:<region>:<account>:secret:<name>
-- (NULL when the record names no region or account, or for another service's ARN).
CREATE OR REPLACE TEMP MACRO aws_sm_id_of(x, tail, region, account) AS
    CASE WHEN x IS NULL OR x = '' THEN NULL
         WHEN tail IS NOT NULL THEN x
         WHEN starts_with(x, 'arn:') THEN NULL
         WHEN coalesce(region, '') = '' OR coalesce(account, '') = '' THEN NULL
         ELSE 'arn:' || aws_partition(region) || ':secretsmanager:' || region || ':' || account
              || ':secret:' || x END;

CREATE OR REPLACE TEMP MACRO aws_sm_id(x, region, account) AS aws_sm_id_of(x, aws_sm_tail(x), region, account);

-- Only an IP address is a source IP; CloudTrail also writes service names there
-- (secretsmanager.amazonaws.com, AWS Internal).
CREATE OR REPLACE TEMP MACRO aws_ip(x) AS
    CASE WHEN regexp_full_match(x, '[0-9]{1,3}(\.[0-9]{1,3}){3}') THEN x
         WHEN regexp_full_match(x, '[0-9A-Fa-f:.]+') AND contains(x, ':') THEN x END;

-- A time as CloudTrail and the tools around it write it: RFC 3339 (any fraction, Z or an
-- offset), CloudTrail Lake's 'YYYY-MM-DD HH:MM:SS.fff' (UTC), epoch seconds (LookupEvents
-- EventTime in the raw API) or epoch milliseconds (CloudWatch Logs timestamp).
CREATE OR REPLACE TEMP MACRO aws_time(s) AS
    CASE WHEN s IS NULL OR s = '' THEN NULL
         WHEN regexp_full_match(s, '[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?') THEN
             CASE WHEN try_cast(s AS DOUBLE) >= 1e11 THEN try(to_timestamp(try_cast(s AS DOUBLE) / 1000))
                  ELSE try(to_timestamp(try_cast(s AS DOUBLE))) END
         ELSE try_cast(s AS TIMESTAMPTZ) END;

-- CloudTrail Lake returns a row as a list of single-key maps: [{"eventID":"..."},{...}].
-- Merge them into one object text (NULL when the list holds anything else).
CREATE OR REPLACE TEMP MACRO aws_lake_row(t) AS
    CASE WHEN json_valid(t) AND json_type(t) = 'ARRAY' AND json_array_length(t) > 0
              AND len(list_filter(CAST(json_extract(t, '$[*]') AS VARCHAR[]),
                                  lambda x: json_type(x) <> 'OBJECT')) = 0
         THEN '{' || array_to_string(
                  list_transform(
                      list_filter(CAST(json_extract(t, '$[*]') AS VARCHAR[]), lambda x: x <> '{}'),
                      lambda x: substr(x, 2, length(x) - 2)),
                  ',') || '}' END;

-- A nested value of a CloudTrail Lake row as JSON text: JSON text as is, or the engine's struct
-- rendering {type=AssumedRole, principalid=AROA...:s, sessioncontext={attributes={...}}} turned
-- into JSON with CloudTrail's own key names (Lake lower-cases struct keys). The caller checks
-- json_valid() on the result (a value with ',' or '}' inside it does not survive the rewrite).
CREATE OR REPLACE TEMP MACRO aws_lake_struct(s) AS
    CASE WHEN s IS NULL OR s IN ('', 'null') THEN NULL
         WHEN json_valid(s) AND left(ltrim(s), 1) IN ('{', '[') THEN s
         WHEN left(s, 1) = '{' THEN
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(regexp_replace(regexp_replace(regexp_replace(s, '([{,]\s*)([A-Za-z0-9_.-]+)=', '\1"\2":', 'g'),
                 ':\s*([^{}\[\],"\s][^,}\]]*)', ':"\1"', 'g'),
             ':"null"', ':null', 'g'),
             '"principalid":', '"principalId":'),
             '"accountid":', '"accountId":'),
             '"accesskeyid":', '"accessKeyId":'),
             '"username":', '"userName":'),
             '"invokedby":', '"invokedBy":'),
             '"sessioncontext":', '"sessionContext":'),
             '"sessionissuer":', '"sessionIssuer":'),
             '"mfaauthenticated":', '"mfaAuthenticated":'),
             '"creationdate":', '"creationDate":'),
             '"webidfederationdata":', '"webIdFederationData":'),
             '"federatedprovider":', '"federatedProvider":'),
             '"sourceidentity":', '"sourceIdentity":'),
             '"onbehalfof":', '"onBehalfOf":'),
             '"userid":', '"userId":'),
             '"identitystorearn":', '"identityStoreArn":'),
             '"credentialid":', '"credentialId":'),
             '"identityprovider":', '"identityProvider":')
    END;
