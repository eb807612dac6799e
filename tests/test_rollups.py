"""Rollups maintained at ingest agree with the events they summarise; identities link people."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.lake import Lake, rows_to_table
from ingest.pipeline import run_ingest
from ingest.rollups import rebuild_identities
from queries.lake import connect

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _two_runs(tmp_path: Path) -> Path:
    """The Vault sample in two ingest runs (older rotated file first), plus the GCP snapshots."""
    audit = SAMPLE / "vault" / "audit"
    first, second = tmp_path / "in1", tmp_path / "in2"
    first.mkdir()
    second.mkdir()
    shutil.copy(audit / "vault_audit.log.1.gz", first)
    shutil.copy(audit / "vault_audit.log", second)
    lake = tmp_path / "lake"
    run_ingest([first], lake, store="acme-prod")
    run_ingest([second, SAMPLE / "vault" / "snapshots", SAMPLE / "gcp"], lake, store="acme-prod")
    return lake


def test_rollups_sum_to_the_events_across_runs(tmp_path: Path) -> None:
    con = connect(_two_runs(tmp_path))
    runs = con.sql("SELECT count(DISTINCT ingest_id) FROM rollup_pairs").fetchall()[0][0]
    assert runs == 2
    direct = con.sql(
        "SELECT principal_id, secret_id, action, outcome, count(*), min(event_time), "
        "max(event_time) FROM events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    rolled = con.sql(
        "SELECT principal_id, secret_id, action, outcome, sum(events)::BIGINT, min(first_seen), "
        "max(last_seen) FROM rollup_pairs GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rolled == direct
    assert len(direct) > 10
    daily_direct = con.sql(
        "SELECT event_date, principal_id, action, count(*) FROM events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    daily_rolled = con.sql(
        "SELECT event_date, principal_id, action, sum(events)::BIGINT FROM rollup_daily "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert daily_rolled == daily_direct
    hours_direct = con.sql(
        "SELECT source, store, event_date, hour(event_time), count(*), "
        "count(*) FILTER (WHERE action IN ('read', 'list', 'describe')), min(event_time), "
        "max(event_time) FROM events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    hours_rolled = con.sql(
        "SELECT source, store, event_date, hour, sum(events)::BIGINT, sum(access_events)::BIGINT, "
        "min(first_seen), max(last_seen) FROM rollup_hours GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert hours_rolled == hours_direct
    assert len(hours_direct) > 5


def test_reingesting_the_same_files_adds_no_rollup_rows(tmp_path: Path) -> None:
    lake = _two_runs(tmp_path)
    before = connect(lake).sql("SELECT sum(events) FROM rollup_pairs").fetchall()
    run_ingest([tmp_path / "in1", tmp_path / "in2"], lake, store="acme-prod")
    assert connect(lake).sql("SELECT sum(events) FROM rollup_pairs").fetchall() == before


def test_identities_link_one_person_across_managers(tmp_path: Path) -> None:
    con = connect(_two_runs(tmp_path))
    alice = con.sql(
        "SELECT source, evidence FROM identities WHERE identity_id = 'email:alice@acme.example' "
        "ORDER BY source"
    ).fetchall()
    sources = [s for s, _ in alice]
    assert "vault" in sources and "gcp" in sources
    assert all(e == "e-mail address alice@acme.example" for _, e in alice)
    # One row per (source, principal) however many runs saw it: the table is rebuilt, not appended.
    dupes = con.sql(
        "SELECT count(*) FROM (SELECT source, principal_id FROM identities GROUP BY ALL "
        "HAVING count(*) > 1)"
    ).fetchall()[0][0]
    assert dupes == 0
    # Every principal in the events has an identity.
    missing = con.sql(
        "SELECT count(*) FROM (SELECT DISTINCT source, principal_id FROM events "
        "WHERE principal_id IS NOT NULL) e ANTI JOIN identities i USING (source, principal_id)"
    ).fetchall()[0][0]
    assert missing == 0


def test_a_principal_with_two_addresses_is_not_one_person(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = Lake.open(root, create=True)
    now = datetime(2026, 11, 20, tzinfo=UTC)

    def row(pid: str, name: str, email: str | None, ptype: str) -> dict[str, object]:
        return {
            "principal_row_id": pid + name,
            "snapshot_time": now,
            "source": "aws",
            "store": "111122223333",
            "principal_id": pid,
            "principal_type": ptype,
            "name": name,
            "email": email,
            "origin_file": "/x.json",
            "ingest_id": "t",
        }

    shared = "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin"
    rows = [
        row(shared, "alice@acme.example", None, "role"),
        row(shared, "bob@acme.example", None, "role"),
        row("system:serviceaccount:ci:runner", "runner", None, "service"),
    ]
    lake.write("principals", rows_to_table("principals", rows), "t")
    assert rebuild_identities(duckdb.connect(), lake, "t") == 2
    got = dict(
        connect(root)
        .sql("SELECT principal_id, identity_id || ' | ' || evidence FROM identities")
        .fetchall()
    )
    assert got[shared] == (
        f"aws:{shared} | not resolved: 2 addresses (alice@acme.example, bob@acme.example)"
    )
    assert got["system:serviceaccount:ci:runner"] == (
        "k8s-sa:ci/runner | Kubernetes service account name"
    )


def test_a_lake_of_an_older_version_gets_its_missing_rollups(tmp_path: Path) -> None:
    """Runs written before a rollup table existed are rolled up by the next ingest, once."""
    lake_dir = _two_runs(tmp_path)
    lake = Lake.open(lake_dir)
    for path in lake.files("rollup_reads_daily"):  # as if written before the table existed
        path.unlink()
    shutil.rmtree(lake.meta_dir / "rollups")
    assert connect(lake_dir).sql("SELECT count(*) FROM rollup_reads_daily").fetchall() == [(0,)]
    run_ingest([tmp_path / "in1"], lake_dir, store="acme-prod")  # nothing new in it
    con = connect(lake_dir)
    direct = con.sql(
        "SELECT event_date, principal_id, secret_id, outcome, count(*) FROM events "
        "WHERE action = 'read' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    rolled = con.sql(
        "SELECT event_date, principal_id, secret_id, outcome, sum(events)::BIGINT "
        "FROM rollup_reads_daily GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rolled == direct and direct
    pairs = con.sql("SELECT sum(events) FROM rollup_pairs").fetchall()
    assert pairs == con.sql("SELECT count(*) FROM events").fetchall()  # nothing doubled
