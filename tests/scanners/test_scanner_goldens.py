"""Golden cases of the secret-scanner reports: each folder ``ingest/scanners/cases/<case>/`` holds
``input/`` (reports exactly as the scanners and the tools around them write them) and
``expected.json`` (the leaks, quarantine and ingest_log rows they must become). ``case.json``
gives options: ``source`` (forced), ``vault_hmac_key``, and ``cleartext``: secret values that
must appear in no byte and no Parquet value of the lake.

The lake gets a fixed redaction key, so fingerprints are stable.
``pytest tests/scanners --update-goldens`` rewrites expected.json; review the diff.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.lake import Lake
from ingest.pipeline import run_ingest
from queries.lake import connect
from tests.scanners.lake_search import lake_contains

CASES = Path(__file__).resolve().parents[2] / "ingest" / "scanners" / "cases"
FIXED_KEY = "00" * 31 + "2a"
LEAK_COLUMNS = (
    "leak_id", "detected_time", "source", "rule", "secret_kind", "credential_id", "fingerprint",
    "secret_id", "location", "verified", "status", "raw", "origin_file", "origin_line",
)  # fmt: skip


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "input").is_dir())


def fixed_key_lake(root: Path) -> Path:
    """A new lake whose redaction key is known (fingerprints stay the same between runs)."""
    lake = Lake.open(root, create=True)
    (lake.meta_dir / "config.json").write_text(
        json.dumps({"redaction_key": FIXED_KEY}), encoding="utf-8"
    )
    return root


def _relative(row: dict[str, Any], inputs: Path) -> None:
    row["origin_file"] = str(Path(row["origin_file"]).relative_to(inputs))


def lake_result(lake: Path, inputs: Path) -> dict[str, Any]:
    con = connect(lake)
    leaks = (
        con.sql(
            f"SELECT {', '.join(LEAK_COLUMNS)} FROM leaks "
            "ORDER BY origin_file, origin_line, leak_id"
        )
        .to_arrow_table()
        .to_pylist()
    )
    for row in leaks:
        _relative(row, inputs)
        if row["detected_time"] is not None:
            row["detected_time"] = row["detected_time"].isoformat()
        row["raw"] = json.loads(row["raw"])
        row["location"] = json.loads(row["location"]) if row["location"] else None
    quarantine = (
        con.sql(
            "SELECT source, origin_file, origin_line, reason, raw FROM quarantine "
            "ORDER BY origin_file, origin_line"
        )
        .to_arrow_table()
        .to_pylist()
    )
    log = (
        con.sql(
            "SELECT origin_file, source, records_read, events_written, duplicates, quarantined, "
            "skipped, skipped_reasons FROM ingest_log ORDER BY origin_file"
        )
        .to_arrow_table()
        .to_pylist()
    )
    for row in (*quarantine, *log):
        _relative(row, inputs)
    for row in log:
        row["skipped_reasons"] = dict(sorted(row["skipped_reasons"] or []))
    return {"leaks": leaks, "quarantine": quarantine, "ingest_log": log}


def _options(case_dir: Path) -> dict[str, Any]:
    path = case_dir / "case.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@pytest.mark.parametrize("case", _cases())
def test_golden(case: str, tmp_path: Path, update_goldens: bool) -> None:
    case_dir = CASES / case
    inputs = (case_dir / "input").resolve()
    opts = _options(case_dir)
    lake = fixed_key_lake(tmp_path / "lake")
    run_ingest([inputs], lake, source=opts.get("source"), vault_hmac_key=opts.get("vault_hmac_key"))
    got = json.loads(json.dumps(lake_result(lake, inputs), sort_keys=True))
    expected_path = case_dir / "expected.json"
    if update_goldens or not expected_path.exists():
        expected_path.write_text(
            json.dumps(got, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if not update_goldens:
            pytest.fail(f"{expected_path} did not exist; written now, review it and re-run")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))
    for secret in opts.get("cleartext", []):
        assert not lake_contains(lake, secret), f"{case}: a cleartext secret reached the lake"


@pytest.mark.parametrize("case", _cases())
def test_every_record_is_accounted_for(case: str, tmp_path: Path) -> None:
    """Ingesting the case twice: the second run finds every file already ingested, and a copy
    of the inputs under other names makes every finding a duplicate, none a new row."""
    case_dir = CASES / case
    opts = _options(case_dir)
    lake = fixed_key_lake(tmp_path / "lake")
    kwargs = {"source": opts.get("source"), "vault_hmac_key": opts.get("vault_hmac_key")}
    first = run_ingest([case_dir / "input"], lake, **kwargs)
    again = run_ingest([case_dir / "input"], lake, **kwargs)
    assert all(f.status == "already ingested" for f in again.files)
    copy = tmp_path / "copy"
    for f in (case_dir / "input").rglob("*"):
        if f.is_file():
            target = copy / f.relative_to(case_dir / "input")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = f.read_bytes()
            # Other bytes, same records: a new name and sha256, so the file is read again.
            if data[:2] == b"\x1f\x8b":
                data = gzip.compress(gzip.decompress(data), mtime=1)
            else:
                data += b"\n"
            target.write_bytes(data)
    third = run_ingest([copy], lake, **kwargs)
    written = sum(f.events_written for f in first.files)
    assert sum(f.events_written for f in third.files) == 0
    assert sum(f.duplicates for f in third.files) >= written
    for f in (*first.files, *third.files):
        assert f.balanced()
