-- First step of every mapping variant: the record text, trimmed. Records as CloudTrail writes
-- them start with {"eventVersion": ("plain": no envelope to look for).
cut AS (
    SELECT file_idx, line, bidx, text,
        starts_with(text, '{"eventVersion":') AS plain,
        CASE WHEN starts_with(text, '{"eventVersion":') THEN text ELSE ltrim(text) END AS t
    FROM batch
)
