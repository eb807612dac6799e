"""The Acme Widgets sample snapshots import cleanly and match what their README promises."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.snapshots.vault import SnapshotResult, build, read_snapshot

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "vault" / "snapshots"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def result() -> SnapshotResult:
    docs = [read_snapshot(p, snapshot_time=AS_OF) for p in sorted(SAMPLE.rglob("*.json"))]
    return build(docs, store="acme-prod")


def test_imports_without_problems_or_warnings(result: SnapshotResult) -> None:
    assert result.warnings == []
    assert [f for f, o in result.per_file.items() if o.problem or o.kind is None] == []
    assert len(result.secrets) == 10
    assert sum(p["principal_type"] == "group" for p in result.principals) == 3


def test_readme_entity_table_matches_the_snapshots(result: SnapshotResult) -> None:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    row_pattern = (
        r"^\| `([0-9a-f-]{36})` \| ([\w-]+)[^|]* \| (human|service) "
        r"\| `(auth/\w+)/` [^|]* \| `([^`]+)`"
    )
    table = re.findall(row_pattern, readme, flags=re.MULTILINE)
    rows = {p["principal_id"]: p for p in result.principals}
    assert len(table) == 9
    for entity_id, name, kind, mount, alias in table:
        row = rows[entity_id]
        assert (row["name"], row["principal_type"]) == (name, kind)
        assert row["aliases"] == [f"{mount}:{alias}"]


def test_over_scoped_ci_policy_reaches_every_secret(result: SnapshotResult) -> None:
    wide = {
        g["principal_id"]
        for g in result.grants
        if g["resource"] == "vault://acme-prod/secret/*"
        and g["effect"] == "allow"
        and "read" in g["actions"]
    }
    assert wide == {"vault-role:auth/approle/ci", "vault-role:auth/jwt/github-actions"}


def test_one_secret_is_400_days_stale(result: SnapshotResult) -> None:
    stale = [s["secret_id"] for s in result.secrets if (AS_OF - s["last_changed_time"]).days >= 400]
    assert stale == ["vault://acme-prod/secret/web/session-secret"]
