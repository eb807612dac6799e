"""The Kubernetes audit adapter: stage folding across blocks and runs, value_returned, skip
reasons, detection of the three carriers, and the seeded generator's stream end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.sources import AUDIT_SOURCES
from ingest.sources.k8s.audit import looks_like
from ingest.synth.k8s import audit_event, generate_k8s, line, sa_user
from queries.lake import connect

CASES = Path(__file__).resolve().parents[2] / "ingest" / "sources" / "k8s" / "cases"
T0 = datetime(2026, 11, 18, 2, 19, 4, 123456, tzinfo=UTC)
API = sa_user("payments", "payments-api", "5a0e0000-0000-4000-8000-0000000000a1")


def rows(lake: Path, sql: str) -> list[dict[str, Any]]:
    return connect(lake).sql(sql).to_arrow_table().to_pylist()


def log_counts(lake: Path) -> list[dict[str, Any]]:
    return rows(
        lake,
        "SELECT records_read, events_written, merged, duplicates, quarantined, "
        "skipped FROM ingest_log ORDER BY started, origin_file",
    )


def test_stages_fold_the_same_in_tiny_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of a few lines cut requests apart: the pending table carries them over."""
    src = CASES / "stages_folded" / "input"
    run_ingest([src], tmp_path / "one", store="c")
    monkeypatch.setenv("KEYTRAIL_BLOCK_BYTES", "600")
    run_ingest([src], tmp_path / "many", store="c")
    cols = "request_id, outcome, origin_line, value_returned, raw"
    sql = f"SELECT {cols} FROM events ORDER BY request_id"
    assert rows(tmp_path / "one", sql) == rows(tmp_path / "many", sql)
    assert log_counts(tmp_path / "one") == log_counts(tmp_path / "many")


def test_a_late_stage_in_a_later_run_is_a_duplicate(tmp_path: Path) -> None:
    ev: dict[str, Any] = {
        "audit_id": "late-1",
        "verb": "get",
        "user": API,
        "received": T0,
        "namespace": "payments",
        "name": "payments-db",
    }
    (tmp_path / "a.log").write_text(
        line(audit_event(stage="RequestReceived", code=None, **ev)) + "\n"
    )
    (tmp_path / "b.log").write_text(line(audit_event(stage="ResponseComplete", **ev)) + "\n")
    lake = tmp_path / "lake"
    run_ingest([tmp_path / "a.log"], lake, store="c")
    run_ingest([tmp_path / "b.log"], lake, store="c")
    assert [r["outcome"] for r in rows(lake, "SELECT outcome FROM events")] == ["unknown"]
    assert log_counts(lake)[1]["duplicates"] == 1  # ingest rotated files together instead


def test_value_returned_by_verb_and_outcome() -> None:
    expected = json.loads((CASES / "verbs_and_outcomes" / "expected.json").read_text())
    got = {(e["source_action"], e["outcome"], e["value_returned"]) for e in expected["events"]}
    assert ("get", "success", True) in got
    assert ("list", "success", True) in got and ("watch", "success", True) in got
    assert ("list", "denied", False) in got and ("get", "failure", False) in got
    assert all(v is None for a, _, v in got if a not in ("get", "list", "watch"))


def test_skip_reasons_are_recorded(tmp_path: Path) -> None:
    run_ingest([CASES / "other_resources_skipped" / "input"], tmp_path / "lake")
    (log,) = rows(tmp_path / "lake", "SELECT skipped_reasons FROM ingest_log")
    assert dict(log["skipped_reasons"]) == {
        "Kubernetes audit event on configmaps (only Secrets are in scope)": 1,
        "Kubernetes audit event on rbac.authorization.k8s.io/roles (only Secrets are in scope)": 1,
        "Kubernetes audit event on secrets-store.csi.x-k8s.io/secrets (not the core Secret)": 1,
        "Kubernetes request without a resource (non-resource URL)": 1,
    }


def test_detection_of_carriers() -> None:
    ev = audit_event(
        audit_id="x",
        stage="ResponseComplete",
        verb="get",
        user=API,
        received=T0,
        namespace="payments",
        name="db",
    )
    assert looks_like(ev)
    assert looks_like({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": []})
    assert looks_like({"category": "kube-audit", "properties": {"log": line(ev)}})
    assert looks_like({"protoPayload": {"serviceName": "k8s.io"}, "logName": "x"})
    assert not looks_like({"protoPayload": {"serviceName": "secretmanager.googleapis.com"}})
    assert not looks_like({"category": "AuditEvent", "properties": {"id": "x"}})
    assert not looks_like({"type": "response", "request": {}})
    first = [a.name for a in AUDIT_SOURCES if a.looks_like(ev)]
    assert first[:1] == ["k8s"]


def test_generated_stream_balances(tmp_path: Path) -> None:
    paths = generate_k8s(tmp_path / "gen", events=3000, seed=3)
    generate_k8s(tmp_path / "gen2", events=3000, seed=3)
    assert [p.read_bytes() for p in paths] == [
        (tmp_path / "gen2" / p.name).read_bytes() for p in paths
    ]
    report = run_ingest([tmp_path / "gen"], tmp_path / "lake", store="bench")
    assert sum(f.records_read for f in report.files) == 3000
    assert all(f.balanced() for f in report.files)
    merged = sum(f.merged for f in report.files)
    skipped = sum(f.skipped for f in report.files)
    assert merged > 0 and skipped > 1000
    n = rows(tmp_path / "lake", "SELECT count(DISTINCT request_id) AS n, count(*) AS m FROM events")
    assert n[0]["n"] == n[0]["m"]  # one event per auditID
