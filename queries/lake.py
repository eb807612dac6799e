"""Read-only DuckDB over the lake: one view per declared table, then the sandbox is locked.

Views read committed ``*.parquet`` files only (temporaries end in ``.parquet.tmp``). After the
views exist, file access is limited to the lake directory, external access is switched off and the
configuration is locked, so ad-hoc SQL cannot read or write anything else on the machine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest import schema as lake_schema
from ingest.lake import Lake

VIEWS = Path(__file__).with_name("views")


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_sql(lake: Lake, table: str) -> str:
    spec = lake_schema.load()[table]
    cols = ", ".join(
        f"CAST({c.name} AS {lake_schema.DUCKDB_TYPES[c.type]}) AS {c.name}" for c in spec.columns
    )
    files = lake.files(table)
    if not files:
        empty = ", ".join(
            f"CAST(NULL AS {lake_schema.DUCKDB_TYPES[c.type]}) AS {c.name}" for c in spec.columns
        )
        return f"SELECT {empty} WHERE false"  # typed and empty
    hive_types = ", ".join(
        f"'{k}': {lake_schema.DUCKDB_TYPES[spec.column(k).type]}" for k in spec.partition
    )
    # The files committed when the connection opened, listed (no glob per query); by name only
    # when files of older schemas are among them (union_by_name reads every footer at bind).
    listed = "[" + ", ".join(_sql_literal(str(f)) for f in files) + "]"
    opts = "union_by_name = false" if lake.uniform_schema(table) else "union_by_name = true"
    if spec.partition:
        opts += f", hive_partitioning = true, hive_types = {{{hive_types}}}"
    return f"SELECT {cols} FROM read_parquet({listed}, {opts})"


def connect(root: Path, *, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the lake at ``root`` read-only; raises ``LakeError`` when it is not a lake."""
    lake = Lake.open(root)
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"SET memory_limit = {_sql_literal(memory_limit)}")
    for table in lake_schema.load().tables:
        con.execute(f"CREATE VIEW {table} AS {view_sql(lake, table)}")
    for view in sorted(VIEWS.glob("*.sql")):  # derived views, e.g. log_coverage
        con.execute(f"CREATE VIEW {view.stem} AS {view.read_text(encoding='utf-8')}")
    # Only the table directories: never _keytrail/ (it holds the redaction key).
    tables = [str(lake.table_dir(t)) for t in lake_schema.load().tables]
    con.execute(f"SET allowed_directories = [{', '.join(map(_sql_literal, tables))}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def read_only_query(con: duckdb.DuckDBPyConnection, query: str) -> duckdb.DuckDBPyRelation:
    """Run one SELECT (or WITH ... SELECT); anything else is refused before it runs."""
    statements = duckdb.extract_statements(query)
    if len(statements) != 1:
        raise duckdb.InvalidInputException(
            f"expected one statement, got {len(statements)}; run one SELECT at a time"
        )
    if statements[0].type != duckdb.StatementType.SELECT:
        raise duckdb.InvalidInputException(
            f"only SELECT queries are allowed here, not {statements[0].type.name}"
        )
    return con.sql(query)
