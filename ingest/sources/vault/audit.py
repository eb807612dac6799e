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
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.redact import Redactor

SOURCE = "vault"

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
    "message": "VARCHAR",
    "event": {"original": "VARCHAR"},
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


@cache
def entries_sql() -> str:
    text = Path(__file__).with_name("entries.sql").read_text(encoding="utf-8")
    shape = json.dumps(SHAPE).replace("'", "''")
    return text.replace("$shape", f"'{shape}'")


def looks_like_audit(record: Any) -> bool:
    """True for a Vault/OpenBao audit entry (used by source detection)."""
    return (
        isinstance(record, dict)
        and record.get("type") in ("request", "response", "kmip-request", "kmip-response")
        and isinstance(record.get("request", record.get("auth")), dict)
    )


class VaultAudit:
    """Stateful over one ingest run: feed blocks of lines, then ``finish`` for leftovers.

    After ``feed`` or ``finish`` the connection holds the temp table ``decided``: one row per
    entry whose fate is settled, with a ``disposition`` of ``event`` (becomes a row unless the
    lake already has it), ``merged`` (a request folded into its response's event) or
    ``duplicate`` (a repeated entry). Requests still waiting for their response stay in the temp
    table ``pending``; everything stays inside DuckDB so the raw text is copied out only once.
    """

    source = SOURCE

    def __init__(self, con: duckdb.DuckDBPyConnection, store: str, redactor: Redactor) -> None:
        self.con = con
        self.store = store
        self.redactor = redactor
        self._has_pending = False

    def feed(self, file_idx: int, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
        """Parse one block into ``decided``; returns the quarantine rows of the block."""
        batch = pa.table(
            {
                "file_idx": pa.array(np.full(len(lines), file_idx, dtype=np.int32)),
                "line": line_numbers,
                "text": lines,
            }
        )
        self.con.register("batch", batch)
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE entries AS {entries_sql()}", {"store": self.store}
            )
        finally:
            self.con.unregister("batch")
        bad = self.con.sql(
            "SELECT file_idx, line, quarantine_reason AS reason, original AS raw "
            "FROM entries WHERE quarantine_reason IS NOT NULL"
        ).to_arrow_table()
        if self._has_pending:
            self.con.execute("INSERT INTO entries BY NAME SELECT * FROM pending")
        # Pairing looks only at narrow key columns; the wide rows are touched once, below.
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE disp AS {_PAIRING_SQL}")
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE pending AS SELECT e.* FROM entries e "
            "SEMI JOIN disp d ON e.rowid = d.r AND d.disposition = 'pending'"
        )
        self._has_pending = True
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE decided AS "
            f"SELECT e.* EXCLUDE (quarantine_reason, original), d.disposition, {_OUTCOME} "
            "FROM entries e JOIN disp d ON e.rowid = d.r WHERE d.disposition <> 'pending'"
        )
        self.con.execute("DROP TABLE disp")
        self.con.execute("DROP TABLE entries")
        return bad

    def finish(self) -> bool:
        """Requests that never met their response become events of their own (into ``decided``)."""
        if not self._has_pending:
            return False
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE decided AS "
            "SELECT * EXCLUDE (quarantine_reason, original), "
            f"'event' AS disposition, {_OUTCOME} FROM pending"
        )
        self.con.execute("DROP TABLE pending")
        self._has_pending = False
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


_OUTCOME = """
    CASE
        WHEN etype = 'response' AND error IS NULL THEN 'success'
        WHEN error ILIKE '%permission denied%' THEN 'denied'
        WHEN etype = 'response' THEN 'failure'
        ELSE 'unknown'
    END AS outcome"""

_PAIRING_SQL = """
SELECT r,
    CASE
        WHEN rid IS NULL THEN CASE WHEN nth = 1 THEN 'event' ELSE 'duplicate' END
        WHEN has_response AND etype = 'response' AND nth_of_type = 1 THEN 'event'
        WHEN has_response AND etype = 'request' AND nth_of_type = 1 THEN 'merged'
        WHEN NOT has_response AND nth_of_type = 1 THEN 'pending'
        ELSE 'duplicate'
    END AS disposition
FROM (
    SELECT rowid AS r, rid, etype,
        bool_or(etype = 'response') OVER (PARTITION BY event_id) AS has_response,
        row_number() OVER (PARTITION BY event_id, etype ORDER BY file_idx, line) AS nth_of_type,
        row_number() OVER (PARTITION BY event_id ORDER BY file_idx, line) AS nth
    FROM entries
    WHERE quarantine_reason IS NULL
)
"""


def redact_raw_entry(text: str, redactor: Redactor) -> str:
    """Replace every string leaf under the secret-bearing fields of one log_raw entry."""
    try:
        doc = json.loads(text)
    except ValueError:
        return redactor.redact_text(text)
    if not isinstance(doc, dict):
        return redactor.redact_text(text)
    for path in RAW_SECRET_FIELDS:
        parent: Any = doc
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            parent[path[-1]] = _redact_leaves(parent[path[-1]], redactor, path[-1])
    return redactor.redact_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


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
