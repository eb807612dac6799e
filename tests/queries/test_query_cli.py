"""`keytrail query` as a user runs it: a real subprocess over a real lake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from queries import catalogue
from tests.queries.given import build

SECRET = ["-p", "secret=payments/db", "-p", "from=2026-03-01", "-p", "to=2026-03-08"]


def kt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keytrail.cli", "query", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query-cli") / "lake"
    given = catalogue.get("who-read-secret").tests[0].given
    other = {
        "event_time": "2026-03-02T10:00:00Z",
        "secret_name": "payments/api",
        "secret_id": "vault://stage/secret/payments/api",
    }  # a second payments/api
    build(root, {**given, "events": [*given["events"], other]})
    return root


def test_list_shows_every_query_with_params() -> None:
    res = kt("--list", "--format", "json")
    assert res.returncode == 0, res.stderr
    listed = {q["id"]: q for q in json.loads(res.stdout)}
    assert set(listed) == set(catalogue.load())
    assert listed["who-read-secret"]["params"] == "secret:secret* from:timestamp* to:timestamp=now"


def test_a_query_as_json_and_parquet(lake: Path, tmp_path: Path) -> None:
    res = kt("who-read-secret", *SECRET, "--lake", str(lake), "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [(r["identity_id"], r["outcome"], r["reads"]) for r in rows] == [
        ("alice", "success", 2),
        ("vault:ent-mallory", "denied", 1),
    ]
    out = tmp_path / "r.parquet"
    res = kt("who-read-secret", *SECRET, "--lake", str(lake), "-f", "parquet", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert pq.read_table(out).num_rows == 2


def test_describe_says_what_it_cannot_conclude() -> None:
    res = kt("who-read-secret", "--describe")
    assert res.returncode == 0, res.stderr
    assert "Cannot conclude" in res.stdout and "first_read" in res.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["who-reads-secret"], "did you mean who-read-secret"),
        (["who-read-secret", "-p", "from=2026-03-01"], "missing required parameter secret"),
        (["who-read-secret", *SECRET, "-p", "to=tomorrow"], "given twice"),
        (["who-read-secret", "-p", "secret=x", "-p", "from=last week"], "expected an ISO 8601"),
        (["who-read-secret", "-p", "secrt=x"], "did you mean secret?"),
        (
            [
                "volume-spikes",
                "-p",
                "from=2026-03-01",
                "-p",
                "to=2026-03-02",
                "-p",
                "threshold=high",
            ],
            "expected a number",
        ),
        (["who-read-secret", *SECRET, "--lake", "/nonexistent/lake"], "no keytrail lake"),
        (["who-read-secret", *SECRET, "--format", "xml"], "unknown --format"),
        (["who-read-secret", "-p", "from=2026-03-01"], None),
        ([], "name a query"),
    ],
)
def test_user_errors_are_one_line(lake: Path, args: list[str], needle: str | None) -> None:
    if needle is None:  # an ambiguous secret is only found so in the lake
        args = [*args, "-p", "secret=payments/api", "--lake", str(lake)]
        needle = "is ambiguous (vault://prod/secret/payments/api, vault://stage/secret/"
    res = kt(*args)
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr + res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert needle in lines[0], lines[0]
