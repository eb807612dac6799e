"""Types shared by every snapshot importer (entitlements and inventories saved from APIs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


Row = dict[str, Any]


def _default_grant_order(row: Row) -> tuple[str, ...]:
    return (row["principal_id"], row["resource"], row["via"], row["effect"], row["condition"] or "")


def finish_result(
    *,
    kinds: dict[str, str | None],
    problems: dict[str, list[str]],
    warnings: Iterable[str],
    grants: list[Row],
    principals: list[Row],
    secrets: list[Row],
    grant_order: Callable[[Row], Any] = _default_grant_order,
    principal_order: Callable[[Row], Any] = lambda r: r["principal_id"],
) -> SnapshotResult:
    """Every importer's last step: rows sorted for stable output, one outcome per file (its kind,
    how many rows came from it, its problems)."""
    counts: dict[str, int] = {}
    for row in (*grants, *principals, *secrets):
        counts[row["origin_file"]] = counts.get(row["origin_file"], 0) + 1
    per_file = {
        f: FileOutcome(kind, counts.get(f, 0), "; ".join(problems.get(f, [])) or None)
        for f, kind in sorted(kinds.items())
    }
    return SnapshotResult(
        grants=sorted(grants, key=grant_order),
        principals=sorted(principals, key=principal_order),
        secrets=sorted(secrets, key=lambda r: r["secret_id"]),
        per_file=per_file,
        warnings=sorted(warnings),
    )
