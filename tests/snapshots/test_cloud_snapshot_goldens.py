"""Golden cases of the GCP and Azure snapshot importers: every folder under
ingest/snapshots/<source>/cases, checked the same way for both.

To accept an intended change: ``python -m ingest.snapshots.goldens <source> [NAME]``, then
review the diff of expected.json like any other code change.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingest.schema import load
from ingest.snapshots import SNAPSHOT_SOURCES
from ingest.snapshots.goldens import EXPECTED, Goldens, for_source, render

TABLES = ("grants", "principals", "secrets")
MIN_CASES = {"gcp": 8, "azure": 6, "onepassword": 5, "k8s": 7, "doppler": 3}


@cache
def _regen(source: str) -> Goldens:
    return for_source(source)


CASES = [(source, case) for source in MIN_CASES for case in _regen(source).case_dirs()]
IDS = [f"{source}/{case.name}" for source, case in CASES]


@pytest.mark.parametrize("source", sorted(MIN_CASES))
def test_cases_exist(source: str) -> None:
    cases = _regen(source).case_dirs()
    assert len(cases) >= MIN_CASES[source]
    for case in cases:
        assert (case / EXPECTED).is_file(), f"{case.name} has no {EXPECTED}"


@pytest.mark.parametrize(("source", "case"), CASES, ids=IDS)
def test_golden_case(source: str, case: Path) -> None:
    expected = json.loads((case / EXPECTED).read_text(encoding="utf-8"))
    actual = render(_regen(source).case_result(case), case)
    assert actual == expected, (
        f"{case.name}: output differs from {EXPECTED}; if intended, run "
        f"`python -m ingest.snapshots.goldens {source} {case.name}` and review the diff"
    )


@pytest.mark.parametrize(("source", "case"), CASES, ids=IDS)
def test_expected_file_is_canonical(source: str, case: Path) -> None:
    """expected.json is pretty-printed with sorted keys, exactly as the regen script writes it."""
    assert (case / EXPECTED).read_text(encoding="utf-8") == _regen(source).expected_text(case)


@pytest.mark.parametrize(("source", "case"), CASES, ids=IDS)
def test_rows_fit_the_lake_schema(source: str, case: Path) -> None:
    schema = load()
    result = _regen(source).case_result(case)
    for name in TABLES:
        table = schema[name]
        rows: list[dict[str, Any]] = getattr(result, name)
        for row in rows:
            assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
            assert row["source"] == source
        arrow = pa.Table.from_pylist(
            [{**row, "ingest_id": "test"} for row in rows], schema=table.arrow_schema()
        )
        for col in table.columns:
            if not col.nullable:
                assert arrow.column(col.name).null_count == 0, f"{name}.{col.name} has nulls"


@pytest.mark.parametrize(("source", "case"), CASES, ids=IDS)
def test_the_registry_hands_these_files_to_their_source(source: str, case: Path) -> None:
    """In registry order, the first snapshot source that claims a recognised file is its own."""
    mine = next(s for s in SNAPSHOT_SOURCES if s.name == source)
    for doc in _regen(source).case_docs(case):
        if mine.recognise(doc.payload, doc.api_path) is None:
            continue
        path = Path(doc.origin_file)
        claimed = [s.name for s in SNAPSHOT_SOURCES if s.recognise(doc.payload, s.api_path(path))]
        assert claimed[:1] == [source], f"{path.name}: claimed by {claimed}"
