"""AWS Secrets Manager through AWS CloudTrail (FORMATS.md §2).

Records map 1:1 to events (or to skipped / quarantined rows), declared by ``mapping.sql`` over the
helpers of ``macros.sql``. The only cross-record logic is batch linking (``links.sql``):
``BatchGetSecretValue`` stays one event and CloudTrail's per-secret ``GetSecretValue`` records
(the reads) get ``parent_id`` = the batch's ``event_id``. Batches are remembered for the rest of
the run (``aws_batches``), so per-secret records in later blocks or files link too; a per-secret
record read *before* its batch (an earlier block of the run, or an earlier run) stays unlinked.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingest.redact import Redactor
from ingest.sources.base import (
    DISPOSITION_SQL,
    AuditSource,
    SqlAdapter,
    map_block,
    quarantined,
)

SOURCE = "aws"
HERE = Path(__file__).parent

# Helper columns of the mapping output that never reach the lake.
LINK_COLUMNS = ("link_is_batch", "link_names", "link_filters", "link_is_child")

BATCHES_DDL = """
CREATE OR REPLACE TEMP TABLE aws_batches (
    bid VARCHAR, request_id VARCHAR, store VARCHAR, who VARCHAR, source_ip VARCHAR,
    user_agent VARCHAR, event_time TIMESTAMPTZ, names VARCHAR[], filters BOOLEAN
)
"""

REMEMBER_BATCHES = """
INSERT INTO aws_batches
SELECT DISTINCT event_id, request_id, store, coalesce(credential_id, principal_id), source_ip,
    user_agent, event_time, link_names, link_filters
FROM entries
WHERE link_is_batch AND quarantine_reason IS NULL AND event_time IS NOT NULL
  AND event_id NOT IN (SELECT bid FROM aws_batches)
"""


# Mapping variants: planning the full SQL costs more than running it on a 1-5k record S3
# object, so a block gets only the steps its records need.
PLAIN, ENVELOPES, LAKE = "plain", "envelopes", "lake"
_NO_LAKE = "level0 AS (SELECT *, CAST(NULL AS VARCHAR) AS lake_obj, t AS body0 FROM cut)"


def _part(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8").strip().rstrip(",")


@cache
def mapping_sql(variant: str = LAKE) -> str:
    """``cut.sql``, ``plain.sql`` or ([``lake.sql``] + ``envelopes.sql``), ``mapping.sql``."""
    parts = [_part("cut.sql")]
    if variant == PLAIN:
        parts.append(_part("plain.sql"))
    else:
        parts.append(_part("lake.sql") if variant == LAKE else _NO_LAKE)
        parts.append(_part("envelopes.sql"))
    parts.append(_part("mapping.sql"))
    return "WITH " + ",\n".join(parts)


def _mentions(lines: pa.Array, word: str) -> bool:
    return bool(len(lines)) and bool(pc.any(pc.match_substring(lines, word)).as_py())


def variant_for(lines: pa.Array) -> str:
    """The cheapest mapping variant that handles every record of the block (column-wise)."""
    if (
        len(lines) == 0
        or pc.all(pc.fill_null(pc.starts_with(lines, '{"eventVersion":'), False)).as_py()
    ):
        return PLAIN
    if pc.any(pc.fill_null(pc.starts_with(pc.utf8_ltrim_whitespace(lines), "["), False)).as_py():
        return LAKE
    return ENVELOPES


@cache
def links_sql() -> str:
    return (HERE / "links.sql").read_text(encoding="utf-8")


@cache
def macro_statements() -> tuple[str, ...]:
    """The ``CREATE MACRO`` statements of macros.sql (each ends with ``;`` at a line end)."""
    text = (HERE / "macros.sql").read_text(encoding="utf-8")
    out = []
    for chunk in text.split(";\n"):
        code = "\n".join(ln for ln in chunk.splitlines() if not ln.lstrip().startswith("--"))
        if code.strip():
            out.append(code)
    return tuple(out)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the ``aws_*`` macros on ``con`` (idempotent)."""
    for statement in macro_statements():
        con.execute(statement)


# --- detection -------------------------------------------------------------------------------
_RECORD_TYPES = frozenset(
    {"AwsApiCall", "AwsServiceEvent", "AwsConsoleSignIn", "AwsCloudTrailInsight", "AwsVpceEvent"}
)
_LAKE_KEYS = frozenset({"eventID", "eventTime", "eventSource", "eventName", "eventVersion"})


def _is_record(rec: dict[str, Any]) -> bool:
    source = rec.get("eventSource")
    if isinstance(source, str) and source.endswith(".amazonaws.com"):
        return True
    version, kind = rec.get("eventVersion"), rec.get("eventType")
    if isinstance(version, str) and version[:2] == "1." and isinstance(kind, str):
        return kind in _RECORD_TYPES
    return rec.get("eventType") == "AwsCloudTrailInsight" and isinstance(
        rec.get("insightDetails"), dict
    )


def _json_object(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def looks_like_cloudtrail(record: Any, _depth: int = 0) -> bool:
    """True for anything a CloudTrail export starts with (used by source detection).

    A CloudTrail record; a LookupEvents item (``CloudTrailEvent`` JSON string) or page; an
    EventBridge envelope of a CloudTrail event; a CloudWatch Logs / SIEM / SNS line whose
    ``message`` is one; a CloudTrail Lake row (a list of single-key maps) or result page; a
    CloudTrail-Digest file (it becomes one skipped record).
    """
    if isinstance(record, list):
        if not record or not all(isinstance(x, dict) and len(x) == 1 for x in record):
            return False
        keys = {k for x in record for k in x}
        return len(keys & _LAKE_KEYS) >= 2
    if not isinstance(record, dict):
        return False
    if _is_record(record):
        return True
    if isinstance(record.get("CloudTrailEvent"), str) and "EventId" in record:
        return True
    detail = record.get("detail")
    if "detail-type" in record and str(record.get("source", "")).startswith("aws."):
        if isinstance(detail, str):
            detail = _json_object(detail)
        if isinstance(detail, dict) and _is_record(detail):
            return True
    if "digestS3Object" in record and "logFiles" in record:
        return True
    events = record.get("Events")
    if isinstance(events, list) and events and looks_like_cloudtrail(events[0], _depth + 1):
        return True
    rows = record.get("QueryResultRows")
    if isinstance(rows, list) and rows and looks_like_cloudtrail(rows[0], _depth + 1):
        return True
    if record.get("messageType") in ("DATA_MESSAGE", "CONTROL_MESSAGE") and "logEvents" in record:
        return True
    if _depth < 2:
        for key in ("message", "Message"):
            inner = _json_object(record.get(key))
            if inner is not None and looks_like_cloudtrail(inner, _depth + 1):
                return True
    return False


# --- the adapter -----------------------------------------------------------------------------
class CloudTrailAudit(SqlAdapter):
    """The SqlAdapter over ``mapping.sql``, plus the run's memory of batch calls."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
    ) -> None:
        super().__init__(con, store, redactor, source=SOURCE, mapping_sql=mapping_sql(LAKE))
        install_macros(con)
        con.execute(BATCHES_DDL)
        self._batches_seen = False

    def feed(self, file_idx: int | pa.Array, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
        """The SqlAdapter steps, with batch linking between the mapping and the dispositions."""
        self.text = lines
        con = self.con
        sql = mapping_sql(variant_for(lines))
        map_block(con, sql, file_idx, lines, line_numbers, store=self.store)
        # Gates on the raw text (C++ substring scans, no statement to plan): a false positive
        # only costs a no-op UPDATE.
        has_batch = _mentions(lines, "BatchGetSecretValue")
        if has_batch or (self._batches_seen and _mentions(lines, "GetSecretValue")):
            con.execute(links_sql())
        if has_batch:
            con.execute(REMEMBER_BATCHES)
            self._batches_seen = True
        bad = quarantined(con)
        # One disposition per record: no fan-out rows here (the placeholder is for SqlAdapter's).
        disp = DISPOSITION_SQL.replace("$heads_only", "").replace("$row", "rowid")
        con.execute(f"CREATE OR REPLACE TEMP TABLE disp AS {disp}")
        return bad

    def postprocess(self, events: pa.Table) -> pa.Table:
        drop = [c for c in (*LINK_COLUMNS, "log_raw") if c in events.column_names]
        return events.drop_columns(drop)


AUDIT = AuditSource(
    name=SOURCE, looks_like=looks_like_cloudtrail, make=CloudTrailAudit, priority=50
)
