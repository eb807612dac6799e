-- Records inside envelopes -> the CloudTrail record text. Planned only for blocks with a record
-- that does not start with {"eventVersion": (see audit.py). Input: CTE `level0` (cut + lake_obj,
-- body0); output: CTE `unwrapped`. Each level is a narrow parse (one json_extract_string over a
-- few paths) that decodes each known nested field once: LookupEvents `CloudTrailEvent`,
-- EventBridge `detail`, CloudWatch / SIEM `message`, SNS `Message` (which may hold an
-- EventBridge envelope: one level more).
env0 AS (
    SELECT *,
        CASE WHEN NOT plain AND left(body0, 1) = '{' AND json_valid(body0) THEN json_extract_string(body0, [
            '$.eventVersion', '$.eventSource', '$.eventName', '$.insightDetails', '$.CloudTrailEvent',
            '$."detail-type"', '$.detail', '$.Type', '$.messageType', '$.logEvents', '$.message',
            '$.digestS3Object', '$.logFiles', '$.digestStartTime', '$.Events', '$.QueryResultRows',
            '$.time', '$.account', '$.region', '$.timestamp', '$.Message']) END AS e0
    FROM level0
),
kind0 AS (
    SELECT *,
        CASE
            WHEN plain THEN 'record'
            WHEN e0 IS NULL THEN NULL
            WHEN e0[1] IS NOT NULL OR e0[2] IS NOT NULL OR e0[3] IS NOT NULL OR e0[4] IS NOT NULL THEN 'record'
            WHEN e0[5] IS NOT NULL THEN 'lookup'
            WHEN e0[6] IS NOT NULL AND e0[7] IS NOT NULL THEN 'eventbridge'
            WHEN e0[8] = 'Notification' THEN 'sns'
            WHEN e0[9] = 'CONTROL_MESSAGE' THEN 'cw_control'
            WHEN e0[10] IS NOT NULL THEN 'cw_page'
            WHEN e0[11] IS NOT NULL THEN 'message'
            WHEN e0[12] IS NOT NULL OR (e0[13] IS NOT NULL AND e0[14] IS NOT NULL) THEN 'digest'
            WHEN e0[15] IS NOT NULL THEN 'lookup_page'
            WHEN e0[16] IS NOT NULL THEN 'lake_page'
            ELSE 'object'
        END AS k0
    FROM env0
),
level1 AS (
    -- json_extract_string decodes a string-valued field (CloudTrailEvent, message, an
    -- EventBridge detail sent as a string) and renders an object-valued one as its JSON text.
    SELECT *,
        CASE k0 WHEN 'lookup' THEN e0[5] WHEN 'eventbridge' THEN e0[7] WHEN 'message' THEN e0[11]
                WHEN 'sns' THEN e0[21] END AS body1
    FROM kind0
),
env1 AS (
    SELECT *,
        CASE WHEN left(ltrim(body1), 1) = '{' AND json_valid(body1) THEN json_extract_string(body1, [
            '$.eventVersion', '$.eventSource', '$.eventName', '$.insightDetails',
            '$."detail-type"', '$.detail', '$.time', '$.account', '$.region']) END AS e1
    FROM level1
),
kind1 AS (
    SELECT *,
        CASE
            WHEN e1 IS NULL THEN NULL
            WHEN e1[1] IS NOT NULL OR e1[2] IS NOT NULL OR e1[3] IS NOT NULL OR e1[4] IS NOT NULL THEN 'record'
            WHEN e1[5] IS NOT NULL AND e1[6] IS NOT NULL THEN 'eventbridge'
        END AS k1
    FROM env1
),
unwrapped AS (
    -- Only an EventBridge envelope inside a string envelope (SNS, a SIEM `message`) goes deeper.
    SELECT file_idx, line, bidx, text, t, lake_obj, body0, k0, k1,
        CASE WHEN k0 = 'record' THEN body0 WHEN k1 = 'record' THEN body1 WHEN k1 = 'eventbridge' THEN e1[6]
        END AS rec_text,
        -- What the envelopes say, for records that lack it themselves.
        CASE WHEN k0 = 'eventbridge' THEN e0[17] WHEN k1 = 'eventbridge' THEN e1[7]
             WHEN k0 = 'message' THEN e0[20] END AS env_time,
        CASE WHEN k0 = 'eventbridge' THEN e0[18] WHEN k1 = 'eventbridge' THEN e1[8] END AS env_account,
        CASE WHEN k0 = 'eventbridge' THEN e0[19] WHEN k1 = 'eventbridge' THEN e1[9] END AS env_region
    FROM kind1
),
