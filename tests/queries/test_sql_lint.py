"""sqlglot lints every catalogue query against the lake contract and the derived views."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify

from ingest import schema as lake_schema
from ingest.lake import Lake
from queries import catalogue
from queries.lake import connect

QUERIES = list(catalogue.load().values())


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Every table of tables.yml, plus every view the connection derives (log_coverage, ...)."""
    tables = {
        name: {c.name: lake_schema.DUCKDB_TYPES[c.type] for c in spec.columns}
        for name, spec in lake_schema.load().tables.items()
    }
    root = tmp_path_factory.mktemp("lint") / "lake"
    Lake.open(root, create=True)
    con = connect(root)
    views = [
        r[0] for r in con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    ]
    for view in views:
        if view not in tables:
            tables[view] = {r[0]: r[1] for r in con.sql(f"DESCRIBE {view}").fetchall()}
    return tables


def lint(sql: str, schema: dict[str, dict[str, str]]) -> None:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    unknown = {
        t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes | set(schema)
    }
    if unknown:
        raise OptimizeError(f"unknown table(s) {sorted(unknown)}")
    qualify(tree, schema=schema, dialect="duckdb", validate_qualify_columns=True)


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_query_lints_against_the_schema(
    query: catalogue.Query, schema: dict[str, dict[str, str]]
) -> None:
    lint(query.sql, schema)


def test_lint_catches_an_unknown_column(schema: dict[str, dict[str, str]]) -> None:
    with pytest.raises(OptimizeError):
        lint("SELECT e.no_such_column FROM events AS e", schema)


def test_lint_catches_an_unknown_table(schema: dict[str, dict[str, str]]) -> None:
    with pytest.raises(OptimizeError, match="no_such_table"):
        lint("WITH x AS (SELECT 1 AS a) SELECT a FROM x, no_such_table", schema)


def test_every_sql_file_has_a_sidecar() -> None:
    ids = {p.stem for p in catalogue.FORENSIC.glob("*.sql")}
    assert ids == {q.id for q in QUERIES}
    assert len(ids) >= 14
    assert all(isinstance(q.path, Path) for q in QUERIES)
