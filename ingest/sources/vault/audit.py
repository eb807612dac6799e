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
    """Stateful over one ingest run: feed blocks of lines, then ``finish`` for leftovers."""

    source = SOURCE

    def __init__(self, con: duckdb.DuckDBPyConnection, store: str, redactor: Redactor) -> None:
        self.con = con
        self.store = store
        self.redactor = redactor
        self._pending: pa.Table | None = None

    def feed(self, file_idx: int, lines: pa.Array, line_numbers: pa.Array) -> tuple[pa.Table, pa.Table]:
        """Parse one block. Returns (rows with a ``disposition``, quarantine rows).

        Dispositions: ``event`` (becomes a row unless already in the lake), ``merged`` (a request
        folded into its response's event), ``duplicate`` (a repeated entry); pending requests are
        kept back and resolved by a later block or by ``finish``.
        """
        batch = pa.table(
            {
                "file_idx": pa.array([file_idx] * len(lines), pa.int32()),
                "line": line_numbers,
                "text": lines,
            }
        )
        self.con.register("batch", batch)
        try:
            entries = self.con.sql(entries_sql(), params={"store": self.store}).to_arrow_table()
        finally:
            self.con.unregister("batch")
        self.con.register("entries", entries)
        try:
            bad = self.con.sql(
                "SELECT file_idx, line, quarantine_reason AS reason, original AS raw "
                "FROM entries WHERE quarantine_reason IS NOT NULL"
            ).to_arrow_table()
            good = self.con.sql(
                "SELECT * EXCLUDE (quarantine_reason, original) FROM entries "
                "WHERE quarantine_reason IS NULL"
            ).to_arrow_table()
        finally:
            self.con.unregister("entries")
        return self._pair(good), bad

    def _pair(self, good: pa.Table) -> pa.Table:
        if self._pending is not None and self._pending.num_rows:
            good = pa.concat_tables([self._pending, good], promote_options="permissive")
        self.con.register("u", good)
        try:
            decided = self.con.sql(_PAIRING_SQL).to_arrow_table()
        finally:
            self.con.unregister("u")
        self.con.register("decided", decided)
        try:
            self._pending = self.con.sql(
                "SELECT * EXCLUDE (disposition) FROM decided WHERE disposition = 'pending'"
            ).to_arrow_table()
            out = self.con.sql(
                "SELECT * FROM decided WHERE disposition <> 'pending'"
            ).to_arrow_table()
        finally:
            self.con.unregister("decided")
        return self._finalize(out)

    def finish(self) -> pa.Table:
        """Requests that never met their response become events of their own."""
        if self._pending is None or not self._pending.num_rows:
            return pa.table({"disposition": pa.array([], pa.string())})
        self.con.register("pend", self._pending)
        try:
            out = self.con.sql(
                "SELECT *, 'event' AS disposition FROM pend"
            ).to_arrow_table()
        finally:
            self.con.unregister("pend")
        self._pending = None
        return self._finalize(out)

    def _finalize(self, rows: pa.Table) -> pa.Table:
        """Outcome from the chosen entry; structural redaction of log_raw rows."""
        self.con.register("rows_in", rows)
        try:
            rows = self.con.sql(
                """
                SELECT * EXCLUDE (log_raw),
                    CASE
                        WHEN etype = 'response' AND error IS NULL THEN 'success'
                        WHEN error ILIKE '%permission denied%' THEN 'denied'
                        WHEN etype = 'response' THEN 'failure'
                        ELSE 'unknown'
                    END AS outcome,
                    log_raw
                FROM rows_in
                """
            ).to_arrow_table()
        finally:
            self.con.unregister("rows_in")
        return self._redact_log_raw(rows)

    def _redact_log_raw(self, rows: pa.Table) -> pa.Table:
        flags = rows.column("log_raw").to_pylist()
        if not any(flags):
            return rows.drop_columns(["log_raw"])
        raw = rows.column("raw").to_pylist()
        # Only rows from log_raw=true devices take this per-record path; normal HMAC'd logs skip it.
        fixed = [
            redact_raw_entry(text, self.redactor) if flag and text is not None else text
            for text, flag in zip(raw, flags, strict=True)
        ]
        idx = rows.schema.get_field_index("raw")
        rows = rows.set_column(idx, "raw", pa.array(fixed, pa.string()))
        return rows.drop_columns(["log_raw"])


_PAIRING_SQL = """
WITH ranked AS (
    SELECT *,
        bool_or(etype = 'response') OVER (PARTITION BY event_id) AS has_response,
        row_number() OVER (PARTITION BY event_id, etype ORDER BY file_idx, line) AS nth_of_type,
        row_number() OVER (PARTITION BY event_id ORDER BY file_idx, line) AS nth
    FROM u
)
SELECT * EXCLUDE (has_response, nth_of_type, nth),
    CASE
        WHEN rid IS NULL THEN CASE WHEN nth = 1 THEN 'event' ELSE 'duplicate' END
        WHEN has_response AND etype = 'response' AND nth_of_type = 1 THEN 'event'
        WHEN has_response AND etype = 'request' AND nth_of_type = 1 THEN 'merged'
        WHEN NOT has_response AND nth_of_type = 1 THEN 'pending'
        ELSE 'duplicate'
    END AS disposition
FROM ranked
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
