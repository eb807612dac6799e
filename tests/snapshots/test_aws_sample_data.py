"""The Acme Widgets AWS sample snapshots import cleanly and tell the story their README tells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.snapshots.aws import build
from ingest.snapshots.aws.cases_regen import read_doc
from ingest.snapshots.model import SnapshotResult

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "aws" / "snapshots"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
ACCT = "111122223333"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:"
DB = f"{SECRET}prod/payments/db-AbCdEf"
STRIPE = f"{SECRET}prod/payments/stripe-api-key-Gh1jKl"


@pytest.fixture(scope="module")
def result() -> SnapshotResult:
    return build([read_doc(p, AS_OF) for p in sorted(SAMPLE.rglob("*.json"))])


def _readers(result: SnapshotResult, secret: str) -> set[str]:
    return {
        g["principal_id"].rsplit("/", 1)[-1]
        for g in result.grants
        if g["resource"] == secret and g["effect"] == "allow" and "read" in g["actions"]
    }


def test_imports_without_problems_or_warnings(result: SnapshotResult) -> None:
    assert result.warnings == []
    assert [f for f, o in result.per_file.items() if o.problem or o.kind is None] == []
    assert len(result.secrets) == 9
    assert sum(s["deleted"] for s in result.secrets) == 1
    types = [p["principal_type"] for p in result.principals]
    assert (types.count("human"), types.count("service"), types.count("role")) == (5, 1, 5)
    assert types.count("group") == 4


def test_who_may_read_the_payments_database(result: SnapshotResult) -> None:
    assert _readers(result, DB) == {
        "alice", "bob", "dave", "erin", "svc-legacy-backup", "payments-api",
        "payments-db-rotation", "github-actions-deploy",
        "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f0001",
    }  # fmt: skip


def test_ci_role_is_over_scoped(result: SnapshotResult) -> None:
    assert {s["secret_id"] for s in result.secrets} == {
        g["resource"]
        for g in result.grants
        if g["principal_id"].endswith(":role/github-actions-deploy") and "read" in g["actions"]
    }


def test_auditor_sees_metadata_but_no_value(result: SnapshotResult) -> None:
    carol = [g for g in result.grants if g["principal_id"].endswith(":user/carol")]
    allowed = {a for g in carol if g["effect"] == "allow" for a in g["actions"]}
    assert allowed == {"describe", "list"}
    assert all("read" in g["actions"] for g in carol if g["effect"] == "deny")


def test_payments_secrets_cannot_be_deleted_by_platform_admins(result: SnapshotResult) -> None:
    for secret in (DB, STRIPE):
        for who in ("bob", "erin"):
            rows = [
                g
                for g in result.grants
                if g["resource"] == secret
                and g["principal_id"].endswith(f":user/{who}")
                and g["effect"] == "allow"
            ]
            assert rows and all("delete" not in g["actions"] for g in rows)


def test_partner_account_reads_stripe_key_through_the_resource_policy(
    result: SnapshotResult,
) -> None:
    partner = [g for g in result.grants if g["principal_id"].startswith("arn:aws:iam::4444")]
    assert [(g["resource"], g["actions"], g["via"]) for g in partner] == [
        (STRIPE, ["read"], "resource-policy:prod/payments/stripe-api-key")
    ]


def test_vpc_only_deny_is_kept_as_a_conditional_row(result: SnapshotResult) -> None:
    [row] = [g for g in result.grants if g["principal_id"] == "*" and g["resource"] == DB]
    assert row["effect"] == "deny" and row["condition"] and "aws:SourceVpce" in row["condition"]
