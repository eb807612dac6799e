"""Golden cases for the Azure snapshot importer: every folder under ingest/snapshots/azure/cases.

To accept an intended change: ``python -m ingest.snapshots.azure.cases_regen [NAME]``, then
review the diff of expected.json like any other code change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.schema import load
from ingest.snapshots import SNAPSHOT_SOURCES
from ingest.snapshots.azure import KINDS, recognise
from ingest.snapshots.azure.cases_regen import (
    EXPECTED,
    case_dirs,
    case_docs,
    case_result,
    expected_text,
    render,
)

CASES = case_dirs()
TABLES = ("grants", "principals", "secrets")


def test_cases_exist() -> None:
    assert len(CASES) >= 6
    for case in CASES:
        assert (case / EXPECTED).is_file(), f"{case.name} has no {EXPECTED}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path) -> None:
    expected = json.loads((case / EXPECTED).read_text(encoding="utf-8"))
    actual = render(case_result(case), case)
    assert actual == expected, (
        f"{case.name}: output differs from {EXPECTED}; if intended, run "
        f"`python -m ingest.snapshots.azure.cases_regen {case.name}` and review the diff"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_file_is_canonical(case: Path) -> None:
    """expected.json is pretty-printed with sorted keys, exactly as the regen script writes it."""
    assert (case / EXPECTED).read_text(encoding="utf-8") == expected_text(case)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rows_fit_the_lake_schema(case: Path) -> None:
    schema = load()
    result = case_result(case)
    for name in TABLES:
        table = schema[name]
        rows: list[dict[str, Any]] = getattr(result, name)
        assert set().union(*(set(r) for r in rows)) <= set(table.column_names)
        for row in rows:
            assert set(row) == set(table.column_names) - {"ingest_id"}
            assert row["source"] == "azure"
        arrow = pa.Table.from_pylist(
            [{**row, "ingest_id": "test"} for row in rows], schema=table.arrow_schema()
        )
        for col in table.columns:
            if not col.nullable:
                assert arrow.column(col.name).null_count == 0, f"{name}.{col.name} has nulls"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_registry_hands_these_files_to_azure(case: Path) -> None:
    """In registry order, the first snapshot source that claims a recognised file is azure."""
    for doc in case_docs(case):
        kind = recognise(doc.payload, doc.api_path)
        if kind is None:
            continue
        path = Path(doc.origin_file)
        claimed = [s.name for s in SNAPSHOT_SOURCES if s.recognise(doc.payload, s.api_path(path))]
        assert claimed[:1] == ["azure"], f"{path.name}: claimed by {claimed}"


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
