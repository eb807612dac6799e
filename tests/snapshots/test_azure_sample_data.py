"""The Acme Widgets Azure sample snapshots import cleanly and match what their README says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.snapshots.azure import build, read_snapshot
from ingest.snapshots.model import SnapshotResult

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "azure" / "snapshots"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
VAULT = "azure://acme-prod-kv.vault.azure.net/secrets/"


@pytest.fixture(scope="module")
def result() -> SnapshotResult:
    docs = [read_snapshot(p, snapshot_time=AS_OF) for p in sorted(SAMPLE.rglob("*.json"))]
    return build(docs)


def test_imports_without_problems(result: SnapshotResult) -> None:
    assert [f for f, o in result.per_file.items() if o.problem or o.kind is None] == []
    assert result.warnings == [
        "vault acme-prod-kv uses Azure RBAC: its 1 access policies with secret permissions "
        "are not in force (rows kept, with a condition saying so)"
    ]
    assert len(result.secrets) == 7
    assert [s["secret_name"] for s in result.secrets if s["deleted"]] == ["old-github-token"]


def test_who_may_read_payments_db_password(result: SnapshotResult) -> None:
    readers = {
        g["principal_id"][-4:]
        for g in result.grants
        if g["resource"] == VAULT + "payments-db-password"
        and "read" in g["actions"]
        and not (g["condition"] or "").startswith("not in force")
    }
    assert readers == {"0031", "0051"}


def test_single_secret_scope_and_management_plane(result: SnapshotResult) -> None:
    ci = [g for g in result.grants if g["principal_id"].endswith("0061")]
    assert [g["resource"] for g in ci] == [VAULT + "ci-registry-token"]
    assert ci[0]["condition"]
    managers = {
        g["principal_id"][-4:] for g in result.grants if g["actions"] == ["permission_change"]
    }
    assert managers == {"0001", "0041"}


def test_hygiene_tags(result: SnapshotResult) -> None:
    tags = {s["secret_name"]: s["tags"] for s in result.secrets}
    assert tags["legacy-ftp-password"]["azure:enabled"] == "false"
    assert tags["partner-api-key"]["azure:expired"] == "true"
    assert tags["www-acme-example-tls"]["azure:managed"] == "true"
    db = next(s for s in result.secrets if s["secret_name"] == "payments-db-password")
    assert db["current_version"] == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
