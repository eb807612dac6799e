"""Golden cases for the AWS snapshot importer: every folder under ingest/snapshots/aws/cases.

To accept an intended change: ``python -m ingest.snapshots.aws.cases_regen [NAME]`` (or
``pytest --update-goldens``), then review the diff of expected.json like any other code change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.schema import load
from ingest.snapshots import SNAPSHOT_SOURCES
from ingest.snapshots.aws import SNAPSHOT, build
from ingest.snapshots.aws.cases_regen import EXPECTED, case_dirs, case_docs, expected_text, render

CASES = case_dirs()
TABLES = ("grants", "principals", "secrets")


def test_cases_exist() -> None:
    assert len(CASES) >= 12
    for case in CASES:
        assert (case / EXPECTED).is_file(), f"{case.name} has no {EXPECTED}"


def test_registered_as_a_snapshot_source() -> None:
    assert SNAPSHOT in SNAPSHOT_SOURCES
    assert SNAPSHOT.name == "aws"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, update_goldens: bool) -> None:
    if update_goldens:
        (case / EXPECTED).write_text(expected_text(case), encoding="utf-8")
    expected = json.loads((case / EXPECTED).read_text(encoding="utf-8"))
    actual = render(build(case_docs(case)), case)
    assert actual == expected, (
        f"{case.name}: output differs from {EXPECTED}; if intended, run "
        f"`python -m ingest.snapshots.aws.cases_regen {case.name}` and review the diff"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_file_is_canonical(case: Path) -> None:
    """expected.json is pretty-printed with sorted keys, exactly as the regen script writes it."""
    assert (case / EXPECTED).read_text(encoding="utf-8") == expected_text(case)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rows_fit_the_lake_schema(case: Path) -> None:
    schema = load()
    result = build(case_docs(case))
    for name in TABLES:
        table = schema[name]
        rows: list[dict[str, Any]] = getattr(result, name)
        for row in rows:
            assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
            assert row["source"] == "aws"
        arrow = pa.Table.from_pylist(
            [{**row, "ingest_id": "test"} for row in rows], schema=table.arrow_schema()
        )
        assert arrow.num_rows == len(rows)
        for col in table.columns:
            if not col.nullable:
                assert arrow.column(col.name).null_count == 0, f"{name}.{col.name} has nulls"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_secret_value_reaches_any_row(case: Path) -> None:
    text = json.dumps(render(build(case_docs(case)), case))
    assert "EXAMPLE-NOT-A-REAL-VALUE" not in text


def test_every_required_shape_is_covered() -> None:
    """The brief's checklist, each present in at least one case."""
    kinds: set[str | None] = set()
    grants: list[dict[str, Any]] = []
    for case in CASES:
        result = build(case_docs(case))
        kinds |= {o.kind for o in result.per_file.values()}
        grants += result.grants
    assert {
        "iam_authorization_details",
        "secret_resource_policy",
        "secret_list",
        "secret_description",
        "secret_value",
        None,
    } <= kinds
    assert any(g["effect"] == "deny" for g in grants)
    assert any(g["condition"] and "NotResource" in g["condition"] for g in grants)
    assert any(g["condition"] and "NotPrincipal" in g["condition"] for g in grants)
    assert any(g["via"].startswith("resource-policy:") for g in grants)
    assert any(" > group:" in g["via"] for g in grants)
    assert {"human", "service", "role", "unknown"} <= {g["principal_type"] for g in grants}
    names = [p.name for case in CASES for p in case.iterdir()]
    assert "null.json" in names
