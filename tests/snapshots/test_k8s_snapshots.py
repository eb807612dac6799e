"""The Kubernetes RBAC / Secret snapshot importer through the real pipeline, plus recognise on
odd documents. Golden cases: tests/snapshots/test_cloud_snapshot_goldens.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.snapshots.k8s.recognise import recognise
from queries.lake import connect

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "k8s"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("k8s") / "lake"
    run_ingest([SAMPLE], root, store="acme-prod-eks")
    return root


def test_sample_story_grants(lake: Path) -> None:
    con = connect(lake)
    got = con.sql(
        "SELECT principal_id, resource, actions FROM grants WHERE source = 'k8s' ORDER BY 1, 2"
    ).fetchall()
    assert (
        "system:serviceaccount:ci:runner",
        "k8s://acme-prod-eks/*/*",
        ["create", "delete", "list", "read", "write"],
    ) in got
    api = [r for r in got if r[0] == "system:serviceaccount:payments:payments-api"]
    assert [r[1] for r in api] == [
        "k8s://acme-prod-eks/payments/payments-db",
        "k8s://acme-prod-eks/payments/stripe-api",
    ]


def test_sample_incident_reads_are_outside_the_workload_grants(lake: Path) -> None:
    """The runner's night-time reads are allowed only by its over-scoped cluster-wide grant."""
    con = connect(lake)
    reads = con.sql(
        "SELECT e.secret_id, g.resource FROM events e JOIN grants g "
        "ON g.principal_id = e.principal_id AND g.source = 'k8s' "
        "WHERE e.source_ip = '203.0.113.77' AND e.outcome = 'success' ORDER BY 1"
    ).fetchall()
    assert len(reads) == 4
    assert {r[1] for r in reads} == {"k8s://acme-prod-eks/*/*"}


@pytest.mark.parametrize(
    "doc",
    [
        None,
        [],
        {},
        {"kind": "List"},
        {"kind": "List", "items": "x"},
        {"kind": "List", "items": [1]},
        {"kind": "Role", "apiVersion": 3},
        {"kind": "RoleList", "items": [{"metadata": None}]},
        {"kind": "List", "apiVersion": "v1", "items": [{"kind": "Pod", "apiVersion": "v1"}]},
    ],
)
def test_recognise_never_raises(doc: Any) -> None:
    assert recognise(doc, None) in (None, "rbac_list", "empty_list")


def test_recognise_kinds() -> None:
    role = {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "r"}}
    assert recognise(role, None) == "rbac_object"
    assert recognise({"kind": "List", "apiVersion": "v1", "items": [role]}, None) == "rbac_list"
    assert (
        recognise({"kind": "SecretList", "apiVersion": "v1", "items": [{"metadata": {}}]}, None)
        == "secrets_list"
    )
    assert recognise({"kind": "List", "apiVersion": "v1", "items": []}, None) == "empty_list"
