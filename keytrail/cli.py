"""The ``keytrail`` command line: a thin front door over ingest/ and queries/."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ingest.errors import IngestError
from ingest.pipeline import RunReport, run_ingest
from keytrail.config import lake_path
from keytrail.report import console_for, ingest_table
from queries import catalogue
from queries import lake as lake_sql

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="keytrail: who read which secret, when, from where, with which credential.",
    pretty_exceptions_enable=False,
)
out = console_for("stdout")
err = console_for("stderr")

LakeOpt = Annotated[
    Path | None,
    typer.Option("--lake", help="Lake directory (default: $KEYTRAIL_LAKE or ./keytrail-lake)."),
]


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


@app.command()
def ingest(  # noqa: PLR0917  (typer: one parameter per command-line option)
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (recursed).")],
    lake: LakeOpt = None,
    source: Annotated[
        str | None, typer.Option(help="Force the source (vault); detected from content otherwise.")
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(help="Manager instance name when the logs do not carry one (Vault cluster)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    vault_hmac_key: Annotated[
        str | None,
        typer.Option(
            "--vault-hmac-key",
            envvar="KEYTRAIL_VAULT_HMAC_KEY",
            show_envvar=True,
            help="HMAC key of the Vault audit device: a Vault token leaked in a scanner report "
            "then gets the hmac-sha256 id its audit entries carry (never stored).",
        ),
    ] = None,
) -> None:
    """Normalize audit logs, snapshots and secret-scanner reports into the lake."""
    root = lake_path(lake)
    progress = Progress(
        TextColumn("[bold]ingest[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )
    task = progress.add_task("", total=None)

    def tick(label: str, done: int, total: int) -> None:
        progress.update(task, description=label, completed=done, total=total)

    try:
        with progress:
            report = run_ingest(
                paths,
                root,
                source=source,
                store=store,
                progress=tick,
                vault_hmac_key=vault_hmac_key,
            )
    except IngestError as exc:
        raise fail(exc.describe()) from None
    except OSError as exc:
        raise fail(f"{exc.filename or root}: {exc.strerror or exc}") from None
    _print_report(report)


def _print_report(report: RunReport) -> None:
    out.print(ingest_table(report))
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    q = sum(f.quarantined for f in report.files)
    if q:
        err.print(
            f"{q:,} record(s) quarantined; see them with: keytrail sql "
            f'"SELECT origin_file, origin_line, reason FROM quarantine '
            f"WHERE ingest_id = '{report.ingest_id}'\""
            f" --lake {report.lake}",
            highlight=False,
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, timedelta | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv, json or parquet.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to FILE.")]


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A SELECT over the lake's tables.")],
    lake: LakeOpt = None,
    fmt: FormatOpt = "table",
    out_file: OutOpt = None,
) -> None:
    """Run SQL over the lake (read-only)."""
    _check_output(fmt, out_file)
    con = _connect(lake)
    _write_result(lambda: lake_sql.read_only_query(con, query), fmt, out_file, "SQL error")


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="Query id (see --list).")] = None,
    *,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="key=value; repeat for each parameter."),
    ] = None,
    lake: LakeOpt = None,
    fmt: FormatOpt = "table",
    out_file: OutOpt = None,
    list_: Annotated[bool, typer.Option("--list", help="List the queries.")] = False,
    describe: Annotated[
        bool, typer.Option("--describe", help="What the query answers, its parameters, columns.")
    ] = False,
) -> None:
    """Run a named forensic query from the catalogue."""
    _check_output(fmt, out_file)
    try:
        if list_:
            rows = [
                (q.id, q.title, " ".join(_param_usage(p) for p in q.params))
                for q in catalogue.load().values()
            ]
            _write_rows(["id", "title", "params"], rows, fmt, out_file)
            return
        if name is None:
            raise fail("name a query (see `keytrail query --list`)")
        q = catalogue.get(name)
        if describe:
            _describe(q)
            return
        given = catalogue.parse_assignments(q, param or [])
        catalogue.bind(q, given)  # parameter errors before the lake is opened
    except catalogue.CatalogueError as exc:
        raise fail(str(exc)) from None
    con = _connect(lake)

    def relation() -> duckdb.DuckDBPyRelation:
        try:
            return catalogue.run(con, q, given)
        except catalogue.CatalogueError as exc:
            raise fail(str(exc)) from None

    _write_result(relation, fmt, out_file, f"query {q.id} failed")


def _param_usage(p: catalogue.Param) -> str:
    text = f"{p.name}:{p.type}"
    if p.required:
        return text + "*"
    return text if p.default is None else f"{text}={p.default}"


def _describe(q: catalogue.Query) -> None:
    out.print(Text(f"{q.id}: {q.title}", style="bold"))
    out.print(Text(q.description))
    out.print(Text("parameters (* required):", style="bold"))
    for p in q.params:
        out.print(Text(f"  {_param_usage(p)}  {p.doc}"))
    out.print(Text("columns:", style="bold"))
    for col, doc in q.columns:
        out.print(Text(f"  {col}  {doc}"))


def _check_output(fmt: str, out_file: Path | None) -> None:
    if fmt not in ("table", "csv", "json", "parquet"):
        raise fail(f"unknown --format {fmt!r}; use table, csv, json or parquet")
    if fmt == "parquet" and out_file is None:
        raise fail("--format parquet needs --out FILE")


def _connect(lake: Path | None) -> duckdb.DuckDBPyConnection:
    try:
        return lake_sql.connect(lake_path(lake))
    except IngestError as exc:
        raise fail(exc.describe()) from None


def _write_result(
    relation: Callable[[], duckdb.DuckDBPyRelation], fmt: str, out_file: Path | None, what: str
) -> None:
    """Run ``relation`` and write it as ``fmt``; DuckDB errors become one line."""
    try:
        rel = relation()
        if fmt == "parquet":
            assert out_file is not None
            try:
                pq.write_table(rel.to_arrow_table(), out_file, compression="zstd")
            except OSError as exc:
                raise fail(f"{out_file}: cannot write: {exc.strerror or exc}") from None
            err.print(f"wrote {out_file}")
            return
        columns = list(rel.columns)
        rows = rel.fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise fail(f"{what}: {first}") from None
    _write_rows(columns, rows, fmt, out_file)


def _write_rows(
    columns: list[str], rows: list[tuple[Any, ...]], fmt: str, out_file: Path | None
) -> None:
    if fmt == "parquet":
        assert out_file is not None
        table = pa.Table.from_pylist([dict(zip(columns, r, strict=True)) for r in rows])
        try:
            pq.write_table(table, out_file, compression="zstd")
        except OSError as exc:
            raise fail(f"{out_file}: cannot write: {exc.strerror or exc}") from None
        return
    try:
        _emit(columns, rows, fmt, out_file)
    except OSError as exc:
        raise fail(f"{out_file}: cannot write: {exc.strerror or exc}") from None


def _emit(columns: list[str], rows: list[tuple[Any, ...]], fmt: str, out_file: Path | None) -> None:
    if fmt == "table":
        table = Table(*columns, show_lines=False)
        for row in rows:
            # Text cells: data such as "[REDACTED:...]" or ":secret:" is not markup or emoji.
            table.add_row(*(Text("" if v is None else str(v)) for v in row))
        if out_file:
            with out_file.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=200, emoji=False).print(table)
        else:
            out.print(table)
            err.print(f"{len(rows):,} row(s)")
        return
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [json.dumps(_jsonable(v)) if isinstance(v, list | dict) else v for v in row]
            )
    else:
        json.dump(
            [dict(zip(columns, map(_jsonable, row), strict=True)) for row in rows],
            buf,
            ensure_ascii=False,
        )
        buf.write("\n")
    if out_file:
        out_file.write_text(buf.getvalue(), encoding="utf-8")
    else:
        sys.stdout.write(buf.getvalue())


@app.command()
def demo(lake: LakeOpt = None) -> None:
    """Build a lake from sample_data/ and walk through what it holds."""
    from keytrail import demo as demo_mod  # noqa: PLC0415  (only the demo needs it)

    demo_mod.run(lake_path(lake))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
