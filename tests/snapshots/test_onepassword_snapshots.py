"""What the 1Password golden cases must cover, beyond the checks every case gets in
test_cloud_snapshot_goldens.py, and the file-naming rules."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest

from ingest import sniff
from ingest.pipeline import detect
from ingest.snapshots.goldens import for_source
from ingest.snapshots.onepassword import KINDS, paths, recognise
from ingest.snapshots.onepassword.build import PERMISSIONS, actions_of

_GOLDENS = for_source("onepassword")
case_dirs = _GOLDENS.case_dirs
case_result = _GOLDENS.case_result

REPO = Path(__file__).resolve().parents[2]


def test_every_kind_and_shape_is_covered() -> None:
    kinds: set[str | None] = set()
    grants: list[dict[str, Any]] = []
    principals: list[dict[str, Any]] = []
    secrets: list[dict[str, Any]] = []
    problems: list[str] = []
    for case in case_dirs():
        result = case_result(case)
        kinds |= {o.kind for o in result.per_file.values()}
        problems += [o.problem for o in result.per_file.values() if o.problem]
        grants += result.grants
        principals += result.principals
        secrets += result.secrets
    assert set(KINDS) <= kinds
    assert any(" > vault:" in g["via"] for g in grants)  # expanded through a group
    assert {"human", "service", "group"} <= {p["principal_type"] for p in principals}
    assert any(p["disabled"] for p in principals)
    assert any(s["deleted"] for s in secrets) and all(s["secret_name"] for s in secrets)
    assert len(problems) >= 4  # unowned lists, unknown vault/group, foreign document


def test_permission_table() -> None:
    warnings: set[str] = set()
    assert actions_of(["view_items"], warnings) == ["list", "describe"]
    assert actions_of(["view_and_copy_passwords", "view_items"], warnings) == [
        "read",
        "list",
        "describe",
    ]
    assert actions_of(["allow_managing"], warnings) == ["permission_change"]
    assert not warnings
    assert actions_of(["Print_Items", "brand_new"], warnings) == ["read"]
    assert warnings == {"unknown 1Password permission 'brand_new': kept in capabilities, no action"}
    assert all(
        set(a)
        <= set(
            PERMISSIONS["allow_viewing"]
            + PERMISSIONS["allow_editing"]
            + PERMISSIONS["allow_managing"]
        )
        for a in PERMISSIONS.values()
    )


def test_file_naming_doctests() -> None:
    assert doctest.testmod(paths).failed == 0


@pytest.mark.parametrize(
    "payload",
    [
        [{"id": "payments", "name": "payments"}],
        {"bindings": [], "etag": "x"},
        [{"apiVersion": "v1", "kind": "Secret"}],
        {"cursor": "c", "has_more": True, "items": []},
        [
            {
                "uuid": "Q7ZK4M2XLP3RVT6WNB5YHC8DJA",
                "timestamp": "2026-11-16T10:00:00Z",
                "vault_uuid": "a" * 26,
                "item_uuid": "b" * 26,
                "action": "reveal",
            }
        ],
    ],
)
def test_recognise_leaves_other_documents_alone(payload: Any) -> None:
    assert recognise(payload, None) is None


def test_sample_snapshots_are_detected_as_snapshots() -> None:
    folder = REPO / "sample_data" / "onepassword" / "snapshots"
    files = sorted(p for p in folder.rglob("*.json"))
    assert len(files) >= 10
    for path in files:
        source, kind = detect(path, sniff.sniff(path), None)
        assert (source, kind) == ("onepassword", "snapshot"), path
        assert json.loads(path.read_text(encoding="utf-8"))
