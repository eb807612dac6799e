"""Golden cases of every audit-log source: each folder ``ingest/sources/<source>/cases/<case>/``
holds ``input/`` (files exactly as the vendor and the tools around it leave them) and
``expected.json`` (the rows they must become). Options for ``keytrail ingest`` come from
``case.json`` in the case folder, else in the cases folder: ``{"store": ..., "source": ...}``.

``pytest --update-goldens`` rewrites expected.json from the current output; review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from queries.lake import connect

SOURCES = Path(__file__).resolve().parents[2] / "ingest" / "sources"
EVENT_COLUMNS = (
    "event_time", "source", "store", "action", "delete_kind", "source_action", "outcome", "error",
    "principal_id", "principal_name", "principal_type", "credential_id", "auth_method", "secret_id",
    "secret_version", "secret_name", "value_returned", "lease_id", "policies", "source_ip",
    "user_agent", "request_id", "session_id", "parent_id", "origin_line",
)  # fmt: skip


def _cases() -> list[str]:
    return sorted(
        str(p.relative_to(SOURCES)) for p in SOURCES.glob("*/cases/*") if (p / "input").is_dir()
    )


def _options(case_dir: Path) -> dict[str, str]:
    for candidate in (case_dir / "case.json", case_dir.parent / "case.json"):
        if candidate.is_file():
            data: dict[str, str] = json.loads(candidate.read_text(encoding="utf-8"))
            return data
    return {}


def _result(lake: Path, inputs: Path) -> dict[str, Any]:
    con = connect(lake)
    cols = ", ".join(EVENT_COLUMNS)
    events = (
        con.sql(
            f"SELECT {cols}, origin_file, raw FROM events "
            "ORDER BY event_time, request_id, origin_line"
        )
        .to_arrow_table()
        .to_pylist()
    )
    for e in events:
        e["event_time"] = e["event_time"].isoformat()
        e["origin_file"] = str(Path(e["origin_file"]).relative_to(inputs))
        e["raw_is_json_object"] = e.pop("raw").startswith("{")
    quarantine = (
        con.sql(
            "SELECT origin_file, origin_line, reason FROM quarantine "
            "ORDER BY origin_file, origin_line"
        )
        .to_arrow_table()
        .to_pylist()
    )
    for q in quarantine:
        q["origin_file"] = str(Path(q["origin_file"]).relative_to(inputs))
    log = (
        con.sql(
            "SELECT origin_file, records_read, events_written, merged, duplicates, "
            "quarantined, skipped "
            "FROM ingest_log ORDER BY origin_file"
        )
        .to_arrow_table()
        .to_pylist()
    )
    for row in log:
        row["origin_file"] = str(Path(row["origin_file"]).relative_to(inputs))
    return {"events": events, "quarantine": quarantine, "ingest_log": log}


@pytest.mark.parametrize("case", _cases())
def test_golden(case: str, tmp_path: Path, update_goldens: bool) -> None:
    case_dir = SOURCES / case
    inputs = case_dir / "input"
    opts = _options(case_dir)
    run_ingest([inputs], tmp_path / "lake", store=opts.get("store"), source=opts.get("source"))
    got = _result(tmp_path / "lake", inputs.resolve())
    expected_path = case_dir / "expected.json"
    if update_goldens or not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"{expected_path} did not exist; written now, review it and re-run")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got, sort_keys=True)) == expected
