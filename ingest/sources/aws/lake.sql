-- CloudTrail Lake rows (aws cloudtrail get-query-results ... --query QueryResultRows) -> one
-- object per row, nested columns as JSON. Planned only for blocks that hold a row starting with
-- "[" (see audit.py). Input: CTE `cut`; output: CTE `level0` (cut + lake_obj, body0).
lake AS (
    -- CloudTrail Lake: a row is a list of single-key maps; merge it into one object.
    SELECT *, CASE WHEN left(t, 1) = '[' THEN aws_lake_row(t) END AS lake_obj
    FROM cut
),
lake_nested AS (
    SELECT *,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.userIdentity')) END AS l_ui,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.requestParameters')) END AS l_rp,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.responseElements')) END AS l_re,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.additionalEventData')) END AS l_ad,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.serviceEventDetails')) END AS l_sd,
        CASE WHEN lake_obj IS NOT NULL THEN aws_lake_struct(json_extract_string(lake_obj, '$.insightDetails')) END AS l_id
    FROM lake
),
level0 AS (
    SELECT * EXCLUDE (l_ui, l_rp, l_re, l_ad, l_sd, l_id),
        CASE WHEN lake_obj IS NOT NULL THEN CAST(json_merge_patch(lake_obj, json_object(
                 'userIdentity', CASE WHEN json_valid(l_ui) THEN CAST(l_ui AS JSON) END,
                 'requestParameters', CASE WHEN json_valid(l_rp) THEN CAST(l_rp AS JSON) END,
                 'responseElements', CASE WHEN json_valid(l_re) THEN CAST(l_re AS JSON) END,
                 'additionalEventData', CASE WHEN json_valid(l_ad) THEN CAST(l_ad AS JSON) END,
                 'serviceEventDetails', CASE WHEN json_valid(l_sd) THEN CAST(l_sd AS JSON) END,
                 'insightDetails', CASE WHEN json_valid(l_id) THEN CAST(l_id AS JSON) END)) AS VARCHAR)
             ELSE t END AS body0
    FROM lake_nested
),
