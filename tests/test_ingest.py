"""End-to-end ingest properties on real files and a real lake."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingest.lake import Lake
from ingest.pipeline import rotation_key, run_ingest
from ingest.synth import generate_vault
from queries.lake import connect

CASES = Path(__file__).resolve().parents[1] / "ingest" / "sources" / "vault" / "cases"


def _count(lake: Path, sql: str) -> int:
    (row,) = connect(lake).sql(sql).fetchall()
    return int(row[0])


def test_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    src = CASES / "all_fields" / "input"
    lake = tmp_path / "lake"
    first = run_ingest([src], lake)
    assert sum(f.events_written for f in first.files) == 2
    second = run_ingest([src], lake)
    assert [f.status for f in second.files] == ["already ingested"]
    assert _count(lake, "SELECT count(*) FROM events") == 2
    assert _count(lake, "SELECT count(*) FROM ingest_log") == 1


def test_same_records_in_another_file_are_duplicates(tmp_path: Path) -> None:
    src = CASES / "all_fields" / "input" / "vault_audit.log"
    copy = tmp_path / "copy" / "audit-node-b.log"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes() + b"\n")  # different sha256, same records
    lake = tmp_path / "lake"
    run_ingest([src], lake)
    report = run_ingest([copy], lake)
    (f,) = report.files
    assert (f.records_read, f.events_written, f.merged, f.duplicates) == (4, 0, 2, 2)
    assert _count(lake, "SELECT count(DISTINCT event_id) FROM events") == 2
    assert _count(lake, "SELECT count(*) FROM events") == 2


def test_rotation_order_oldest_first() -> None:
    names = [
        "vault_audit.log",
        "vault_audit.log.1",
        "vault_audit.log.2.gz",
        "vault_audit.log.10.gz",
    ]
    ordered = sorted((Path("/x") / n for n in names), key=rotation_key)
    assert [p.name for p in ordered] == [
        "vault_audit.log.10.gz",
        "vault_audit.log.2.gz",
        "vault_audit.log.1",
        "vault_audit.log",
    ]


def test_counts_balance_and_store_keeps_ids_stable(tmp_path: Path) -> None:
    gen = tmp_path / "gen"
    generate_vault(gen, lines=20_000, seed=3)
    a = run_ingest([gen], tmp_path / "a", store="acme-prod")
    run_ingest([gen], tmp_path / "b", store="acme-prod")
    for f in a.files:
        assert f.balanced(), f
    q = "SELECT count(*) FROM events WHERE secret_id LIKE 'vault://acme-prod/%'"
    assert _count(tmp_path / "a", q) == _count(tmp_path / "b", q) > 0
    ids_a = connect(tmp_path / "a").sql("SELECT event_id FROM events ORDER BY 1").fetchall()
    ids_b = connect(tmp_path / "b").sql("SELECT event_id FROM events ORDER BY 1").fetchall()
    assert ids_a == ids_b


def test_results_do_not_depend_on_file_split(tmp_path: Path) -> None:
    """One file or the same lines cut into three files: the same events."""
    gen = tmp_path / "gen"
    files = generate_vault(gen, lines=6_000, seed=5)
    whole = tmp_path / "whole" / "vault_audit.log"
    whole.parent.mkdir()
    import gzip

    with whole.open("wb") as out:
        for f in sorted(files, key=rotation_key):
            data = f.read_bytes()
            out.write(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    run_ingest([whole], tmp_path / "l1")
    run_ingest([gen], tmp_path / "l2")
    q = "SELECT event_id, action, outcome, secret_id, principal_id FROM events ORDER BY 1"
    assert connect(tmp_path / "l1").sql(q).fetchall() == connect(tmp_path / "l2").sql(q).fetchall()


def test_parquet_files_follow_the_contract(tmp_path: Path) -> None:
    gen = tmp_path / "gen"
    generate_vault(gen, lines=5_000, seed=9)
    lake = tmp_path / "lake"
    run_ingest([gen], lake)
    files = Lake.open(lake).files("events")
    assert files
    con = duckdb.connect()
    for f in files:
        rel = f.relative_to(lake)
        assert rel.parts[1] == "source=vault" and rel.parts[2].startswith("event_date=")
        meta = con.sql(f"SELECT DISTINCT compression FROM parquet_metadata('{f}')").fetchall()
        assert meta == [("ZSTD",)]
        rows = con.sql(f"SELECT secret_id, event_time FROM read_parquet('{f}')").fetchall()
        keyed = [((s is not None, s or ""), t) for s, t in rows]
        # nulls first or last, but sorted by (secret_id, event_time) within the file
        assert keyed == sorted(keyed, key=lambda k: (k[0], k[1])) or rows == sorted(
            rows, key=lambda r: (r[0] is None, r[0] or "", r[1])
        )
    tz = connect(lake).sql("SELECT DISTINCT typeof(event_time) FROM events").fetchall()
    assert tz == [("TIMESTAMP WITH TIME ZONE",)]


@pytest.mark.slow
def test_sigkill_mid_file_leaves_no_partial_file_and_rerun_is_exact(tmp_path: Path) -> None:
    gen = tmp_path / "gen"
    generate_vault(gen, lines=200_000, seed=11, rotate_lines=10**9)
    reference = tmp_path / "reference"
    run_ingest([gen], reference)
    expected = _count(reference, "SELECT count(*) FROM events")

    lake = tmp_path / "lake"
    env = dict(os.environ, KEYTRAIL_BLOCK_BYTES=str(1 << 20))
    cmd = [sys.executable, "-m", "keytrail.cli", "ingest", str(gen), "--lake", str(lake), "-q"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    events_dir = lake / "events"
    while time.monotonic() < deadline and proc.poll() is None:
        if events_dir.exists() and len(list(events_dir.rglob("*.parquet"))) >= 2:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "ingest finished before it could be killed; make the input larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    # Every visible file is a complete Parquet file; the run left no ingest_log row.
    con = duckdb.connect()
    visible = list(events_dir.rglob("*.parquet"))
    assert visible
    for f in visible:
        assert con.sql(f"SELECT count(*) FROM read_parquet('{f}')").fetchall()[0][0] > 0
    assert not Lake.open(lake).files("ingest_log")
    partial = _count(lake, "SELECT count(*) FROM events")
    assert 0 < partial < expected

    report = run_ingest([gen], lake)
    assert all(f.balanced() for f in report.files)
    assert _count(lake, "SELECT count(*) FROM events") == expected
    assert _count(lake, "SELECT count(DISTINCT event_id) FROM events") == expected
    assert sum(f.duplicates for f in report.files) >= partial
    assert not list(lake.rglob("*.parquet.tmp"))
    shutil.rmtree(reference)


def test_log_raw_plaintext_reaches_no_byte_of_the_lake(tmp_path: Path) -> None:
    """A log_raw=true device writes the token and the secret value in clear: after ingest no file
    under the lake holds them, decompressed Parquet pages included."""
    import pyarrow.parquet as pq

    lake = tmp_path / "lake"
    run_ingest([CASES / "log_raw" / "input"], lake)
    canaries = ["CanaryPlaintextPassw0rd!", "Fake0Token0Value"]
    source = (CASES / "log_raw" / "input" / "vault_audit.log").read_text()
    assert all(c in source for c in canaries)  # the input really carries them
    files = [p for p in lake.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        blob = path.read_bytes()
        if path.suffix == ".parquet":
            blob = str(pq.read_table(path).to_pylist()).encode()
        for canary in canaries:
            assert canary.encode() not in blob, f"{canary} found in {path}"
    raw = connect(lake).sql("SELECT raw FROM events").fetchall()[0][0]
    assert "[REDACTED:vault-password:" in raw
    assert "[REDACTED:vault-client_token:" in raw


def test_pair_across_midnight_in_two_runs_is_one_event(tmp_path: Path) -> None:
    """The request (23:59:59.999, written as `unknown` by the first run) and its response
    (00:00:00.002, next day) ingested in separate runs: still one event_id in the lake."""
    src = CASES / "pair_across_files" / "input"
    lake = tmp_path / "lake"
    run_ingest([src / "vault_audit.log.1"], lake)
    run_ingest([src / "vault_audit.log"], lake)
    assert _count(lake, "SELECT count(*) FROM events") == 1


def test_long_first_line_is_still_json_lines(tmp_path: Path) -> None:
    """A first line longer than the sniffing window (a big list response) is still read line by
    line: a truncated line later on loses nothing after it."""
    base = (CASES / "all_fields" / "input" / "vault_audit.log").read_text().splitlines()
    import json as _json

    big = _json.loads(base[1])
    big["response"]["data"] = {"keys": ["k" * 40] * 4000}  # ~170 KB line
    lines = [_json.dumps(big), base[0][:100], *base]
    path = tmp_path / "in" / "vault_audit.log"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n")
    (f,) = run_ingest([path], tmp_path / "lake").files
    assert f.records_read == 6
    assert f.quarantined == 1
    assert f.balanced()
