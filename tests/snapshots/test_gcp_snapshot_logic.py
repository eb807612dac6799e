"""Unit tests: file-name convention, members, roles, recognition, project ids, doctests."""

from __future__ import annotations

import doctest
import gzip
import importlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import UnreadableInput
from ingest.snapshots.gcp import api_path_from_filename, build, read_snapshot, recognise
from ingest.snapshots.gcp.members import parse_member
from ingest.snapshots.gcp.roles import resolve_role
from ingest.snapshots.model import SnapshotDoc

T0 = datetime(2026, 11, 20, tzinfo=UTC)
POLICY = {
    "bindings": [
        {"role": "roles/secretmanager.secretAccessor", "members": ["user:a@acme.example"]}
    ],
    "etag": "BwY=",
    "version": 1,
}


def _doc(name: str, payload: Any, api_path: str | None = None) -> SnapshotDoc:
    return SnapshotDoc(f"/snap/{name}", api_path, payload, T0)


@pytest.mark.parametrize("module", ["paths", "members", "roles", "model"])
def test_doctests(module: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(f"ingest.snapshots.gcp.{module}"))
    assert failed == 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/x/projects/acme-prod-1234.json", "projects/acme-prod-1234"),
        ("/x/projects/acme-prod-1234.iam-policy.json.gz", "projects/acme-prod-1234"),
        ("/x/projects/acme-prod-1234/secrets/db.json", "projects/acme-prod-1234/secrets/db"),
        ("projects__123__secrets__db.json", "projects/123/secrets/db"),
        (
            "projects%2F123%2Flocations%2Feu%2Fsecrets%2Fdb.json",
            "projects/123/locations/eu/secrets/db",
        ),
        ("/x/secrets/db.json", "secrets/db"),
        ("/home/me/projects/acme/gcp/policy.json", None),
        ("/x/iam-policy.json", None),
    ],
)
def test_api_path_from_filename(path: str, expected: str | None) -> None:
    assert api_path_from_filename(Path(path)) == expected


def test_read_snapshot_json_lines_gzip_and_bom(tmp_path: Path) -> None:
    lines = tmp_path / "export.json"
    lines.write_text('{"a": 1}\n\n{"b": 2}\n', encoding="utf-8")
    assert read_snapshot(lines).payload == [{"a": 1}, {"b": 2}]
    packed = tmp_path / "projects__p.json"
    packed.write_bytes(gzip.compress(b"\xef\xbb\xbf" + json.dumps(POLICY).encode()))
    doc = read_snapshot(packed, snapshot_time=T0)
    assert (doc.payload, doc.api_path, doc.snapshot_time) == (POLICY, "projects/p", T0)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UnreadableInput):
        read_snapshot(bad)


@pytest.mark.parametrize(
    ("raw", "principal_id", "kind"),
    [
        ("user:Alice@Acme.Example", "alice@acme.example", "human"),
        ("serviceAccount:ci@p.iam.gserviceaccount.com", "ci@p.iam.gserviceaccount.com", "service"),
        ("group:sre@acme.example", "group:sre@acme.example", "group"),
        ("domain:acme.example", "domain:acme.example", "group"),
        ("allUsers", "allUsers", "group"),
        ("principalSet://iam.googleapis.com/x", "principalSet://iam.googleapis.com/x", "group"),
        (
            "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/s",
            "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/s",
            "human",
        ),
        (
            "deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1",
            "deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1",
            "service",
        ),
        ("projectOwner:acme-p", "projectOwner:acme-p", "group"),
        ("somethingNew:x", "somethingNew:x", "unknown"),
    ],
)
def test_parse_member(raw: str, principal_id: str, kind: str) -> None:
    member = parse_member(raw)
    assert member is not None
    assert (member.principal_id, member.principal_type) == (principal_id, kind)
    assert member.deleted == raw.startswith("deleted:")


@pytest.mark.parametrize("raw", ["", "user:", "group:  ", 42, None])
def test_parse_member_rejects_nobody(raw: object) -> None:
    assert parse_member(raw) is None


def test_roles_map_to_actions() -> None:
    viewer = resolve_role("roles/secretmanager.viewer", {})
    assert viewer is not None
    assert viewer.actions == ("describe", "list")
    admin = resolve_role("roles/secretmanager.admin", {})
    assert admin is not None
    assert {"read", "write", "permission_change", "delete"} <= set(admin.actions)
    editor = resolve_role("roles/editor", {})
    assert editor is not None
    assert "read" not in editor.actions and "permission_change" not in editor.actions
    custom = resolve_role(
        "projects/p/roles/r", {"projects/p/roles/r": ["secretmanager.versions.access"]}
    )
    assert custom is not None
    assert custom.actions == ("read",)
    assert custom.capabilities == ("projects/p/roles/r", "secretmanager.versions.access")
    assert resolve_role("projects/p/roles/r", {"projects/p/roles/r": ["compute.x"]}) is None
    unknown = resolve_role("projects/p/roles/q", {})
    assert unknown is not None
    assert unknown.actions == ("other",)
    assert unknown.problem


def test_recognise_kinds_and_non_gcp_documents() -> None:
    assert recognise(POLICY, "projects/p") == "project_iam_policy"
    assert recognise(POLICY, "projects/p/secrets/s") == "secret_iam_policy"
    assert recognise(POLICY, None) == "iam_policy"
    assert recognise({"etag": "ACAB"}, None) == "iam_policy"
    assert recognise({"projectId": "p", "projectNumber": "1"}, None) == "project"
    audit_entry = {"insertId": "x", "logName": "projects/p/logs/x", "protoPayload": {}}
    for other in (None, [], {}, [1, 2], {"Records": []}, [audit_entry], {"etag": 3}):
        assert recognise(other, None) is None


def test_project_number_is_replaced_by_its_id_when_known() -> None:
    secrets = [{"name": "projects/123/secrets/db", "createTime": "2026-01-01T00:00:00Z"}]
    alone = build([_doc("list.json", secrets)])
    assert [s["secret_id"] for s in alone.secrets] == ["gcp://projects/123/secrets/db"]
    assert any("only its number is known" in w for w in alone.warnings)
    project = {"projectId": "acme-p", "projectNumber": "123"}
    both = build([_doc("list.json", secrets), _doc("project.json", project)])
    assert [(s["secret_id"], s["store"]) for s in both.secrets] == [
        ("gcp://projects/acme-p/secrets/db", "acme-p")
    ]
    assert both.warnings == []


def test_project_bindings_expand_against_the_inventory() -> None:
    secrets = [
        {"name": f"projects/acme-p/secrets/{n}", "createTime": "2026-01-01T00:00:00Z"}
        for n in ("a", "b")
    ]
    policy = {
        "bindings": [{"role": "roles/owner", "members": ["user:o@acme.example"]}],
        "auditConfigs": [{"service": "allServices", "auditLogConfigs": [{"logType": "DATA_READ"}]}],
    }
    result = build([_doc("list.json", secrets), _doc("p.json", policy, "projects/acme-p")])
    assert [g["resource"] for g in result.grants] == [
        "gcp://projects/acme-p/secrets/a",
        "gcp://projects/acme-p/secrets/b",
    ]
    assert result.warnings == []
    alone = build([_doc("p.json", policy, "projects/acme-p")])
    assert [g["resource"] for g in alone.grants] == ["gcp://projects/acme-p/secrets/*"]


def test_grant_ids_are_stable_and_distinct() -> None:
    docs = [_doc("s.json", POLICY, "projects/p/secrets/s")]
    first, again = build(docs), build(docs)
    assert [g["grant_id"] for g in first.grants] == [g["grant_id"] for g in again.grants]
    conditional = {
        "bindings": [
            dict(POLICY["bindings"][0]),  # type: ignore[index]
            {
                **POLICY["bindings"][0],  # type: ignore[index]
                "condition": {"expression": "request.time < timestamp('2027-01-01T00:00:00Z')"},
            },
        ]
    }
    rows = build([_doc("s.json", conditional, "projects/p/secrets/s")]).grants
    assert len({g["grant_id"] for g in rows}) == 2
