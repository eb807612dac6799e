-- The mapping variant for blocks whose every record starts with {"eventVersion": (S3 trail
-- delivery, CloudWatch exports of raw records): the record is the line.
unwrapped AS (
    SELECT file_idx, line, bidx, text, t, CAST(NULL AS VARCHAR) AS lake_obj, t AS body0,
        'record' AS k0, CAST(NULL AS VARCHAR) AS k1, t AS rec_text, CAST(NULL AS VARCHAR) AS env_time,
        CAST(NULL AS VARCHAR) AS env_account, CAST(NULL AS VARCHAR) AS env_region
    FROM cut
)
