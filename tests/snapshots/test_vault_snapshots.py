"""Golden cases for the Vault snapshot importer: every folder under ingest/snapshots/vault/cases.

To accept an intended change: ``python -m ingest.snapshots.vault.cases_regen [NAME]``, then
review the diff of expected.json like any other code change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.schema import load
from ingest.snapshots.vault import build
from ingest.snapshots.vault.cases_regen import (
    EXPECTED,
    STORE,
    case_dirs,
    case_docs,
    expected_text,
    render,
)

CASES = case_dirs()
TABLES = ("grants", "principals", "secrets")


def test_cases_exist() -> None:
    assert len(CASES) >= 10
    for case in CASES:
        assert (case / EXPECTED).is_file(), f"{case.name} has no {EXPECTED}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path) -> None:
    expected = json.loads((case / EXPECTED).read_text(encoding="utf-8"))
    actual = render(build(case_docs(case), store=STORE), case)
    assert actual == expected, (
        f"{case.name}: output differs from {EXPECTED}; if intended, run "
        f"`python -m ingest.snapshots.vault.cases_regen {case.name}` and review the diff"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_file_is_canonical(case: Path) -> None:
    """expected.json is pretty-printed with sorted keys, exactly as the regen script writes it."""
    assert (case / EXPECTED).read_text(encoding="utf-8") == expected_text(case)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rows_fit_the_lake_schema(case: Path) -> None:
    schema = load()
    result = build(case_docs(case), store=STORE)
    for name in TABLES:
        table = schema[name]
        rows: list[dict[str, Any]] = getattr(result, name)
        for row in rows:
            assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
            assert row["source"] == "vault"
        arrow = pa.Table.from_pylist(
            [{**row, "ingest_id": "test"} for row in rows], schema=table.arrow_schema()
        )
        assert arrow.num_rows == len(rows)
        for col in table.columns:
            if not col.nullable:
                assert arrow.column(col.name).null_count == 0, f"{name}.{col.name} has nulls"


def test_every_required_shape_is_covered() -> None:
    """The brief's checklist of shapes, each present in at least one case."""
    kinds = set()
    names: list[str] = []
    for case in CASES:
        result = build(case_docs(case), store=STORE)
        kinds |= {o.kind for o in result.per_file.values()}
        names += [str(p.relative_to(case)) for p in case.rglob("*.json")]
    assert {
        "acl_policy",
        "approle_role",
        "kubernetes_role",
        "jwt_role",
        "token_role",
        "entity",
        "group",
        "mounts",
        "auth_mounts",
        "kv_metadata",
        "kv_list",
        "policy_list",
    } <= kinds
    assert any("__" in n for n in names)
    assert any("%2F" in n for n in names)
    assert any(n.startswith("v1/") for n in names)
