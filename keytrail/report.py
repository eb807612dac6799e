"""Terminal rendering shared by the CLI and the demo."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ingest.pipeline import RunReport


def ingest_table(report: RunReport) -> Table:
    """One row per input file with the counts that must balance, plus a total."""
    table = Table(title=f"ingest {report.ingest_id} → {report.lake}", title_justify="left")
    numeric = ("records", "events", "merged", "duplicates", "quarantined", "skipped")
    table.add_column("file")
    table.add_column("source")
    for col in numeric:
        table.add_column(col, justify="right")
    table.add_column("note")
    totals = [0] * len(numeric)
    parents = [f.path.parent for f in report.files]
    base = Path(os.path.commonpath(parents)) if parents else Path()
    for f in report.files:
        counts = [
            f.records_read,
            f.events_written,
            f.merged,
            f.duplicates,
            f.quarantined,
            f.skipped,
        ]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        note = f.note if f.status == "ingested" else f"{f.status}: {f.note}"
        table.add_row(
            str(f.path.relative_to(base)), f.kind or "-", *(f"{n:,}" for n in counts), note
        )
    table.add_section()
    seconds = (report.finished - report.started).total_seconds()
    table.add_row("total", "", *(f"{n:,}" for n in totals), f"{seconds:.1f} s")
    return table


def rows_table(columns: list[str], rows: list[tuple[Any, ...]], title: str | None = None) -> Table:
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def console_for(stream: str = "stdout") -> Console:
    """Wide, unwrapped output for pipes and files; terminals use their own width."""
    stderr = stream == "stderr"
    tty = os.isatty(2) if stderr else os.isatty(1)
    return Console(stderr=stderr, width=None if tty else 200)
