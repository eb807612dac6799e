"""Every given/expect test of every sidecar, run against a real lake on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries import catalogue
from tests.queries.given import build, normal

CASES = [
    pytest.param(q, i, id=f"{q.id}:{case.name}")
    for q in catalogue.load().values()
    for i, case in enumerate(q.tests)
]


@pytest.mark.parametrize(("query", "index"), CASES)
def test_sidecar_case(query: catalogue.Query, index: int, tmp_path: Path) -> None:
    case = query.tests[index]
    con = build(tmp_path / "lake", case.given)
    rel = catalogue.run(con, query, case.params)
    assert list(rel.columns) == [name for name, _ in query.columns], "sidecar columns drift"
    rows = [dict(zip(rel.columns, map(normal, r), strict=True)) for r in rel.fetchall()]
    assert len(rows) == len(case.expect), rows
    for got, want in zip(rows, case.expect, strict=True):
        assert {k: got[k] for k in want} == {k: normal(v) for k, v in want.items()}, got
