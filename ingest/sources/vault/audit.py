"""Vault / OpenBao audit-device adapter.

Every request produces a ``request`` entry and a ``response`` entry with the same ``request.id``;
they become one event whose outcome comes from the response. Entries are parsed column-wise by
``entries.sql``; pairing is a window over ``event_id`` (a hash of store, namespace and request id),
so it works across blocks and files of one ingest run: an unpaired request waits in a pending
table until its response shows up, and at the end of the run it becomes an event on its own with
outcome ``unknown`` (``denied`` when the request entry already says ``permission denied``, since
Vault writes that entry after the ACL check).
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
    AuditSource,
    carry_pending,
    chunked_batch,
    load_sql,
    quarantined,
)

SOURCE = "vault"
# A Vault audit file does not name its cluster: --store does, else this (never a temp path).
DEFAULT_STORE = "default"

_AUTH = {
    "accessor": "VARCHAR",
    "client_token": "VARCHAR",
    "display_name": "VARCHAR",
    "entity_id": "VARCHAR",
    "policies": ["VARCHAR"],
}
SHAPE: dict[str, Any] = {
    "time": "VARCHAR",
    "type": "VARCHAR",
    "error": "VARCHAR",
    "auth": _AUTH,
    "request": {
        "id": "VARCHAR",
        "operation": "VARCHAR",
        "path": "VARCHAR",
        "mount_point": "VARCHAR",
        "mount_type": "VARCHAR",
        "mount_class": "VARCHAR",
        "namespace": {"id": "VARCHAR", "path": "VARCHAR"},
        "remote_address": "VARCHAR",
        "client_token": "VARCHAR",
        "headers": {"user-agent": ["VARCHAR"]},
    },
    "response": {
        "mount_type": "VARCHAR",
        "mount_point": "VARCHAR",
        "mount_class": "VARCHAR",
        "auth": _AUTH,
        "secret": {"lease_id": "VARCHAR"},
        "data": {"version": "BIGINT", "metadata": {"version": "BIGINT"}},
    },
}

# Columns of an entry row that become event columns (the rest is bookkeeping).
EVENT_COLUMNS = (
    "event_id", "event_time", "store", "action", "delete_kind", "source_action", "error",
    "principal_id", "principal_name", "principal_type", "credential_id", "auth_method",
    "secret_id", "secret_version", "secret_name", "lease_id", "policies", "source_ip",
    "user_agent", "request_id", "session_id", "raw",
)  # fmt: skip

# Fields whose string leaves hold secret material in a log_raw=true audit device.
RAW_SECRET_FIELDS: tuple[tuple[str, ...], ...] = (
    ("auth", "client_token"),
    ("request", "client_token"),
    ("request", "data"),
    ("request", "headers"),
    ("response", "data"),
    ("response", "auth", "client_token"),
    ("response", "wrap_info", "token"),
)


KEY_SHAPE: dict[str, Any] = {
    "time": "VARCHAR",
    "type": "VARCHAR",
    "request": {"id": "VARCHAR", "namespace": {"id": "VARCHAR"}},
}


@cache
def keys_sql() -> str:
    return load_sql(Path(__file__).with_name("keys.sql"), {"$keyshape": KEY_SHAPE})


@cache
def entries_sql() -> str:
    return load_sql(Path(__file__).with_name("entries.sql"), {"$shape": SHAPE})


def looks_like_audit(record: Any) -> bool:
    """True for a Vault/OpenBao audit entry (used by source detection)."""
    return (
        isinstance(record, dict)
        and record.get("type") in ("request", "response", "kmip-request", "kmip-response")
        and isinstance(record.get("request", record.get("auth")), dict)
    )


class VaultAudit:
    """Stateful over one ingest run: feed blocks of lines, then ``finish`` for leftovers.

    After ``feed`` or ``finish`` the connection holds two temp tables for the pipeline:
    ``disp`` (narrow: row, file, event id, date and ``disposition`` of ``event``, ``merged`` (a
    request folded into its response's event) or ``duplicate``) and ``entries`` (the event rows,
    typed, keyed by event id, without the raw text, which stays in the Arrow block and is taken
    by ``bidx`` when written).
    Requests still waiting for their response move to the temp table ``pending``, raw included.
    """

    source = SOURCE
    entries: pa.Table | None = None  # ``entries`` is always a temp table here

    def __init__(
        self, con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
    ) -> None:
        self.con = con
        self.store = store or DEFAULT_STORE
        self.redactor = redactor
        self._has_pending = False
        self.text: pa.Array = pa.array([], pa.string())

    def feed(self, file_idx: int | pa.Array, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
        """Parse one block into ``entries``/``disp``; returns the quarantine rows of the block.

        Every line gets the narrow key parse; only responses (which become the events) get the
        full one, so the request folded into its response is never parsed in full.
        """
        batch = chunked_batch(file_idx, lines, line_numbers)
        self.text = lines
        con = self.con
        con.register("batch", batch)
        try:
            self._parse("(" + keys_sql() + ")", parse_all=False)
        finally:
            con.unregister("batch")
        bad = quarantined(con)
        con.execute("DELETE FROM entries WHERE quarantine_reason IS NOT NULL")
        if self._has_pending:
            con.execute("INSERT INTO entries BY NAME SELECT * FROM pending")
        con.execute(f"CREATE OR REPLACE TEMP TABLE disp AS {_PAIRING_SQL}")
        carry_pending(con, lines)
        self._has_pending = True
        return bad

    def _parse(self, full_src: str, *, parse_all: bool) -> None:
        sql = entries_sql().replace(
            "WITH parsed AS (", f"WITH full_src AS (SELECT * FROM {full_src}),\nparsed AS (", 1
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE entries AS {sql}",
            {"store": self.store, "parse_all": parse_all},
        )

    def finish(self) -> bool:
        """Requests that never met their response become events of their own."""
        if not self._has_pending:
            return False
        self._parse(
            "(SELECT file_idx, line, bidx, original, quarantine_reason, raw_override, "
            "raw_override AS body, etype, rid, event_time, event_id FROM pending)",
            parse_all=True,
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE disp AS SELECT rowid AS r, file_idx, event_id, "
            "CAST(event_time AS DATE) AS event_date, 'event' AS disposition, "
            "CAST(NULL AS VARCHAR) AS skip_reason FROM entries"
        )
        self.con.execute("DROP TABLE pending")
        self._has_pending = False
        self.text = pa.array([], pa.string())
        return True

    def postprocess(self, events: pa.Table) -> pa.Table:
        """Structural redaction of rows from log_raw=true devices; drops the helper column."""
        flags = events.column("log_raw")
        if not pc.any(flags).as_py():
            return events.drop_columns(["log_raw"])
        raw = events.column("raw").to_pylist()
        # Only rows from log_raw=true devices take this per-record path; HMAC'd logs skip it.
        fixed = [
            redact_raw_entry(text, self.redactor) if flag and text is not None else text
            for text, flag in zip(raw, flags.to_pylist(), strict=True)
        ]
        idx = events.schema.get_field_index("raw")
        events = events.set_column(idx, "raw", pa.array(fixed, pa.string()))
        return events.drop_columns(["log_raw"])


_PAIRING_SQL = """
SELECT r, file_idx, event_id, CAST(event_time AS DATE) AS event_date,
    CASE
        WHEN rid IS NULL THEN CASE WHEN nth = 1 THEN 'event' ELSE 'duplicate' END
        WHEN has_response AND etype = 'response' AND nth_of_type = 1 THEN 'event'
        WHEN has_response AND etype = 'request' AND nth_of_type = 1 THEN 'merged'
        WHEN NOT has_response AND nth_of_type = 1 THEN 'pending'
        ELSE 'duplicate'
    END AS disposition,
    CAST(NULL AS VARCHAR) AS skip_reason
FROM (
    SELECT rowid AS r, file_idx, event_id, event_time, rid, etype,
        bool_or(etype = 'response') OVER (PARTITION BY event_id) AS has_response,
        row_number() OVER (PARTITION BY event_id, etype ORDER BY file_idx, line) AS nth_of_type,
        row_number() OVER (PARTITION BY event_id ORDER BY file_idx, line) AS nth
    FROM entries
)
"""


def redact_raw_entry(text: str, redactor: Redactor) -> str:
    """Replace every string leaf under the secret-bearing fields of one log_raw entry."""
    try:
        doc = json.loads(text)
    except ValueError:
        return text  # the column-wide pattern pass still runs over it
    if not isinstance(doc, dict):
        return text
    for path in RAW_SECRET_FIELDS:
        parent: Any = doc
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            parent[path[-1]] = _redact_leaves(parent[path[-1]], redactor, path[-1])
    # Pattern-based redaction of the rest happens once, column-wise, in the pipeline.
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _redact_leaves(value: Any, redactor: Redactor, key: str) -> Any:
    if isinstance(value, str):
        if value.startswith("hmac-sha256:") or value == "":
            return value
        return redactor.token(f"vault-{key}", value)
    if isinstance(value, dict):
        return {k: _redact_leaves(v, redactor, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_leaves(v, redactor, key) for v in value]
    return value


AUDIT = AuditSource(
    name=SOURCE, looks_like=looks_like_audit, make=VaultAudit, default_store=DEFAULT_STORE
)
