"""Types shared by every snapshot importer (entitlements and inventories saved from APIs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SnapshotDoc:
    """One saved API response."""

    origin_file: str  # absolute path
    api_path: str | None  # the API path the file was saved under, when its name tells; else None
    payload: Any  # the parsed JSON document
    snapshot_time: datetime  # UTC; the caller passes the file mtime unless the doc carries a time


@dataclass(frozen=True)
class FileOutcome:
    kind: str | None
    rows_written: int
    problem: str | None


@dataclass
class SnapshotResult:
    """Rows for the grants, principals and secrets tables (without ``ingest_id``)."""

    grants: list[dict[str, Any]] = field(default_factory=list)
    principals: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[dict[str, Any]] = field(default_factory=list)
    per_file: dict[str, FileOutcome] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
