"""log_coverage tells a day without logs apart from a day without reads."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.pipeline import run_ingest
from queries.lake import connect


def _entry(t: str, rid: str, kind: str, path: str, op: str = "read") -> str:
    e = {
        "time": t,
        "type": kind,
        "auth": {
            "accessor": "hmac-sha256:" + "a" * 64,
            "display_name": "approle",
            "entity_id": "e1",
        },
        "request": {
            "id": rid,
            "operation": op,
            "mount_type": "kv",
            "mount_point": "secret/",
            "path": path,
            "namespace": {"id": "root"},
        },
    }
    if kind == "response":
        e["response"] = {"mount_type": "kv"}
    return json.dumps(e)


def test_gap_days_are_no_logs_and_observed_days_are_logged(tmp_path: Path) -> None:
    log = tmp_path / "in" / "vault_audit.log"
    log.parent.mkdir()
    lines = []
    for i, day in enumerate(("2026-11-01", "2026-11-02", "2026-11-05")):
        for kind in ("request", "response"):
            lines.append(_entry(f"{day}T10:00:00Z", f"r{i}", kind, "secret/data/app/db"))
    log.write_text("\n".join(lines) + "\n")
    run_ingest([log], tmp_path / "lake", store="s1")
    rows = (
        connect(tmp_path / "lake")
        .sql("SELECT CAST(day AS VARCHAR), coverage, events FROM log_coverage ORDER BY day")
        .fetchall()
    )
    assert rows == [
        ("2026-11-01", "logged", 1),
        ("2026-11-02", "logged", 1),
        ("2026-11-03", "no_logs", 0),
        ("2026-11-04", "no_logs", 0),
        ("2026-11-05", "logged", 1),
    ]


def test_empty_lake_has_no_coverage_rows(tmp_path: Path) -> None:
    log = tmp_path / "empty.log"
    log.write_text("\n")
    run_ingest([log], tmp_path / "lake", source="vault")
    assert connect(tmp_path / "lake").sql("SELECT count(*) FROM log_coverage").fetchall() == [(0,)]
