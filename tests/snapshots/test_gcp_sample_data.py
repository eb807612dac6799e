"""The Acme Widgets GCP sample snapshots import cleanly and match what their README says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.snapshots.gcp import build, read_snapshot
from ingest.snapshots.model import SnapshotResult

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "gcp" / "snapshots"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
PREFIX = "gcp://projects/acme-prod-1234/"


@pytest.fixture(scope="module")
def result() -> SnapshotResult:
    docs = [read_snapshot(p, snapshot_time=AS_OF) for p in sorted(SAMPLE.rglob("*.json"))]
    return build(docs)


def test_imports_without_problems(result: SnapshotResult) -> None:
    assert [f for f, o in result.per_file.items() if o.problem or o.kind is None] == []
    assert result.warnings == [
        "secret:status-page-token grants roles/secretmanager.secretAccessor to "
        "allAuthenticatedUsers (public: anyone with a Google account): anyone may use it"
    ]
    assert len(result.secrets) == 6
    assert {s["store"] for s in result.secrets} == {"acme-prod-1234"}
    assert all(s["secret_id"].startswith(PREFIX) for s in result.secrets)


def test_ci_deployer_reads_every_secret(result: SnapshotResult) -> None:
    readable = {
        g["resource"]
        for g in result.grants
        if g["principal_id"] == "ci-deployer@acme-prod-1234.iam.gserviceaccount.com"
        and "read" in g["actions"]
    }
    assert readable == {s["secret_id"] for s in result.secrets}


def test_conditions_and_basic_roles(result: SnapshotResult) -> None:
    carol = [
        g
        for g in result.grants
        if g["principal_id"] == "carol@acme.example" and "read" in g["actions"]
    ]
    assert [(g["resource"], g["condition"]) for g in carol] == [
        (
            PREFIX + "secrets/payments-db-password",
            'break-glass-until-december: request.time < timestamp("2026-12-01T00:00:00Z")',
        )
    ]
    editors = {g["principal_id"] for g in result.grants if g["capabilities"] == ["roles/editor"]}
    assert editors == {
        "group:platform-oncall@acme.example",
        "terraform@acme-prod-1234.iam.gserviceaccount.com",
    }
    assert not any("read" in g["actions"] for g in result.grants if g["principal_id"] in editors)


def test_the_never_rotated_secret(result: SnapshotResult) -> None:
    stale = [
        s["secret_name"]
        for s in result.secrets
        if s["last_rotated_time"] and (AS_OF - s["last_rotated_time"]).days > 365
    ]
    assert stale == ["web-session-key"]
