"""What the GCP golden cases must cover, beyond the checks every case gets in
test_cloud_snapshot_goldens.py."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.gcp import KINDS
from ingest.snapshots.goldens import for_source

_GOLDENS = for_source("gcp")
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
    assert set(KINDS) - {"project_list"} <= kinds | {"project_list"}
    assert {"project_list", "secret_versions", "asset_export", "asset_iam_search"} <= kinds
    assert any(g["condition"] and g["via"].startswith("secret:") for g in grants)
    assert any(g["condition"] and g["via"].startswith("project:") for g in grants)
    assert {"roles/owner", "roles/editor", "roles/viewer"} <= {g["capabilities"][0] for g in grants}
    assert {"allUsers", "allAuthenticatedUsers"} <= {g["principal_id"] for g in grants}
    assert any(s["rotation_enabled"] and s["tags"] for s in secrets)
    assert any(g["resource"].endswith("/secrets/*") for g in grants)
