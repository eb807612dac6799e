"""Given rows → a real lake on disk, written the way the pipeline writes it.

Sidecar tests list only the columns that matter; every other required column gets a valid
default here, so a test reads as the story it tells.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingest import schema as lake_schema
from ingest.lake import Lake, rows_to_table
from ingest.rollups import ROLLUPS, update_rollups
from queries import catalogue
from queries.lake import connect

BASE_TIME = datetime(2026, 3, 1, tzinfo=UTC)
_BY_NAME: dict[str, object] = {
    "store": "default",
    "action": "read",
    "outcome": "success",
    "principal_type": "unknown",
    "raw": "{}",
    "ingest_id": "given",
    "effect": "allow",
    "via": "given",
    "severity": "info",
    "status": "open",
    "kind": "audit",
}
_BY_TYPE: dict[str, object] = {
    "string": "given",
    "int64": 0,
    "bool": False,
    "float64": 0.0,
    "timestamp": BASE_TIME,
    "date": BASE_TIME.date(),
    "list<string>": [],
}


def _value(kind: str, value: Any) -> Any:
    if kind == "timestamp":
        return catalogue.parse_value("timestamp", value)
    if kind == "date" and not isinstance(value, date):
        return date.fromisoformat(str(value))
    if kind == "string" and value is not None:
        return str(value)
    return value


def fill(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete ``rows`` of ``table`` with valid defaults; unknown columns fail loudly."""
    spec = lake_schema.load()[table]
    names = set(spec.column_names)
    out = []
    for n, row in enumerate(rows):
        unknown = set(row) - names
        assert not unknown, f"given {table} row {n}: unknown columns {sorted(unknown)}"
        full: dict[str, Any] = {}
        for col in spec.columns:
            if col.name in row:
                full[col.name] = _value(col.type, row[col.name])
            elif col.name == "source":
                full[col.name] = "gitleaks" if table == "leaks" else "vault"
            elif col.name in spec.key or col.name == "event_id":
                full[col.name] = f"{table}-{n}"
            elif col.vocabulary:
                allowed = lake_schema.load().vocabularies[col.vocabulary]
                full[col.name] = _BY_NAME.get(
                    col.name, "unknown" if "unknown" in allowed else allowed[0]
                )
            elif col.name == "origin_line":
                full[col.name] = n + 1
            elif col.name == "origin_file":
                full[col.name] = f"/given/{table}"
            elif not col.nullable:
                full[col.name] = _BY_NAME.get(col.name, _BY_TYPE.get(col.type))
        if table == "events" and "event_date" not in row:
            full["event_date"] = full["event_time"].date()
        out.append(full)
    return out


def build(root: Path, given: dict[str, list[dict[str, Any]]]) -> duckdb.DuckDBPyConnection:
    """Write ``given`` to a new lake at ``root`` and open it read-only."""
    lake = Lake.open(root, create=True)
    declared = lake_schema.load().tables
    for table, rows in given.items():
        assert table in declared, f"given: unknown table {table!r}"
        lake.write(table, rows_to_table(table, fill(table, rows)), "given")
    # As ingest does: the rollups of the given events, unless a case gives rollup rows itself.
    derived = tuple(t for t in ROLLUPS if t not in given)
    if given.get("events") and derived:
        update_rollups(duckdb.connect(), lake, "given", derived)
    return connect(root)


def normal(value: Any) -> Any:
    """Comparable form of a result or expected value (times as ISO 8601 with Z)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return round(float(value), 4)
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    if isinstance(value, str) and value[:2] == "20" and "T" in value and value.endswith("Z"):
        return normal(catalogue.parse_timestamp(value))
    return value
