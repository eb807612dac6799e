"""The CLI as a user runs it: a real subprocess, real files, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

CASES = Path(__file__).resolve().parents[1] / "ingest" / "sources" / "vault" / "cases"


def kt(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keytrail.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "lake"
    res = kt(
        "ingest",
        str(CASES / "kv_v2_actions" / "input"),
        str(CASES / "server_log_lines" / "input"),
        "--lake",
        str(root),
        "--store",
        "acme",
    )
    assert res.returncode == 0, res.stderr
    return root


def _one_line_error(res: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_ingest_prints_summary_with_counts(tmp_path: Path) -> None:
    res = kt("ingest", str(CASES / "logins" / "input"), "--lake", str(tmp_path / "lake"), "-q")
    assert res.returncode == 0, res.stderr
    assert "vault_audit.log" in res.stdout and "vault-audit" in res.stdout
    assert "10" in res.stdout and "5" in res.stdout  # 10 records, 5 events


def test_sql_json_is_one_array_of_objects(lake: Path) -> None:
    res = kt(
        "sql",
        "SELECT action, count(*) AS n FROM events GROUP BY 1 ORDER BY 1",
        "--lake",
        str(lake),
        "--format",
        "json",
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, list) and {"action": "read", "n": 2} in data


def test_sql_csv_and_parquet_out(lake: Path, tmp_path: Path) -> None:
    res = kt(
        "sql",
        "SELECT reason, origin_line FROM quarantine ORDER BY origin_line",
        "--lake",
        str(lake),
        "--format",
        "csv",
    )
    assert res.returncode == 0, res.stderr
    rows = res.stdout.strip().splitlines()
    assert rows[0] == "reason,origin_line" and len(rows) == 6
    out = tmp_path / "q.parquet"
    res = kt(
        "sql", "SELECT * FROM events", "--lake", str(lake), "--format", "parquet", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall() == [(14,)]


def test_bad_sql_is_one_line(lake: Path) -> None:
    _one_line_error(kt("sql", "SELEC nope", "--lake", str(lake)), "SQL error")
    _one_line_error(kt("sql", "SELECT no_such_col FROM events", "--lake", str(lake)), "no_such_col")


def test_sql_cannot_touch_files_outside_the_lake(lake: Path) -> None:
    _one_line_error(
        kt("sql", "SELECT * FROM read_csv('/etc/passwd')", "--lake", str(lake)), "SQL error"
    )
    _one_line_error(
        kt("sql", "COPY (SELECT 1) TO '/tmp/kt-escape.csv'", "--lake", str(lake)), "SQL error"
    )


def test_missing_lake(tmp_path: Path) -> None:
    _one_line_error(
        kt("sql", "SELECT 1", "--lake", str(tmp_path / "nowhere")), "no keytrail lake", "ingest"
    )


def test_unknown_format_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("just some text\nnot a log\n")
    _one_line_error(kt("ingest", str(bad), "--lake", str(tmp_path / "l")), "notes.txt", "no source")


def test_missing_input_and_unreadable_input(tmp_path: Path) -> None:
    _one_line_error(
        kt("ingest", str(tmp_path / "missing.log"), "--lake", str(tmp_path / "l")),
        "missing.log",
        "no such file",
    )
    cut = tmp_path / "cut.log.gz"
    import gzip

    body = b"".join(
        b'{"time":"2026-11-02T10:00:00Z","type":"request","request":{"id":"%d"}}\n' % i
        for i in range(20000)
    )
    cut.write_bytes(gzip.compress(body)[:3000])
    _one_line_error(kt("ingest", str(cut), "--lake", str(tmp_path / "l2")), "cut.log.gz")


def test_unknown_source_option(tmp_path: Path) -> None:
    _one_line_error(
        kt(
            "ingest",
            str(CASES / "all_fields" / "input"),
            "--source",
            "nope",
            "--lake",
            str(tmp_path / "l"),
        ),
        "unknown --source",
    )


def test_non_lake_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "precious.txt").write_text("keep me")
    _one_line_error(
        kt("ingest", str(CASES / "all_fields" / "input"), "--lake", str(tmp_path / "home")),
        "not a keytrail lake",
    )
    assert (tmp_path / "home" / "precious.txt").read_text() == "keep me"


def test_sql_refuses_writes_and_the_key_file(lake: Path) -> None:
    forged = lake / "events" / "source=vault" / "event_date=2026-11-17" / "forged.parquet"
    _one_line_error(
        kt("sql", f"COPY (SELECT * FROM events LIMIT 1) TO '{forged}'", "--lake", str(lake)),
        "only SELECT",
    )
    assert not forged.exists()
    _one_line_error(
        kt("sql", f"SELECT * FROM read_text('{lake}/_keytrail/config.json')", "--lake", str(lake)),
        "SQL error",
    )
    _one_line_error(kt("sql", "SELECT 1; SELECT 2", "--lake", str(lake)), "one statement")


def test_sql_json_handles_intervals_and_bad_out_path(lake: Path, tmp_path: Path) -> None:
    query = "SELECT max(event_time) - min(event_time) AS span, uuid() AS u FROM events"
    res = kt("sql", query, "--lake", str(lake), "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["span"]
    missing = str(tmp_path / "missing" / "x.csv")
    res = kt("sql", "SELECT 1", "--lake", str(lake), "--format", "csv", "--out", missing)
    _one_line_error(res, "cannot write")


def test_ingest_dot_skips_the_default_lake(tmp_path: Path) -> None:
    work = tmp_path / "w"
    work.mkdir()
    (work / "vault_audit.log").write_bytes(
        (CASES / "all_fields" / "input" / "vault_audit.log").read_bytes()
    )
    first = kt("ingest", ".", "-q", cwd=work)
    assert first.returncode == 0, first.stderr
    again = kt("ingest", ".", "-q", cwd=work)  # keytrail-lake/ now exists under "."
    assert again.returncode == 0, again.stderr
    assert "config.json" not in again.stdout


def test_many_log_files_are_summarised_but_problems_stay_listed(tmp_path: Path) -> None:
    """A bucket prefix of hundreds of objects is one row per kind; a file with quarantined
    records is still shown on its own, and the total counts every file."""
    src = (CASES / "logins" / "input" / "vault_audit.log").read_text(encoding="utf-8")
    lines = [ln for ln in src.splitlines() if ln.strip()]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(45):
        (inputs / f"part-{i:03d}.log").write_text(lines[i % len(lines)] + "\n", encoding="utf-8")
    (inputs / "part-broken.log").write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    res = kt("ingest", str(inputs), "--lake", str(tmp_path / "lake"), "--store", "s", "-q")
    assert res.returncode == 0, res.stderr
    assert "(45 files)" in res.stdout
    assert "part-broken.log" in res.stdout
    assert "part-007.log" not in res.stdout
    total = next(ln for ln in res.stdout.splitlines() if "total" in ln)
    assert "47" in total  # 45 + 2 records read
