"""What the Azure golden cases must cover, beyond the checks every case gets in
test_cloud_snapshot_goldens.py."""

from __future__ import annotations

import json
from typing import Any

from ingest.snapshots.azure import KINDS
from ingest.snapshots.goldens import for_source, render

_GOLDENS = for_source("azure")
case_dirs = _GOLDENS.case_dirs
case_result = _GOLDENS.case_result

CASES = case_dirs()


def test_every_required_shape_is_covered() -> None:
    """The brief's checklist, each present in at least one case."""
    kinds: set[str | None] = set()
    grants: list[dict[str, Any]] = []
    secrets: list[dict[str, Any]] = []
    for case in CASES:
        result = case_result(case)
        kinds |= {o.kind for o in result.per_file.values()}
        grants += result.grants
        secrets += result.secrets
    assert set(KINDS) - {"vault_list"} <= kinds
    vias = [g["via"] for g in grants]
    for level in ("subscription:", "resource-group:", "vault:", "secret:", "access-policy:"):
        assert any(v.startswith(level) for v in vias), level
    conditions = [g["condition"] or "" for g in grants]
    assert any("enableRbacAuthorization=true" in c for c in conditions)
    assert any("enableRbacAuthorization=false" in c for c in conditions)
    assert any(s["tags"].get("azure:enabled") == "false" for s in secrets)
    assert any(s["tags"].get("azure:expired") == "true" for s in secrets)
    assert any(s["deleted"] for s in secrets)


def test_a_secret_value_is_never_in_the_rows() -> None:
    for case in CASES:
        rendered = json.dumps(render(case_result(case), case))
        assert "fake-value-never-stored" not in rendered
