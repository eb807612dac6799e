"""Terminal rendering shared by the CLI and the demo."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ingest.pipeline import RunReport

SNAPSHOT_ROWS_MAX = 8  # more snapshot files than this are summarised per source
FILE_ROWS_MAX = 40  # more files of one kind than this (a CloudTrail prefix) are summarised


def ingest_table(report: RunReport) -> Table:
    """One row per input file with the counts that must balance, plus a total.

    Snapshot exports often come as dozens of small files (one per policy, role, secret); past
    ``SNAPSHOT_ROWS_MAX`` they are shown as one row per source with the row counts summed, and
    every file that had a problem is still listed on its own.
    """
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
    snapshots = [f for f in report.files if f.kind.endswith("-snapshot") and not f.quarantined]
    folded = len(snapshots) > SNAPSHOT_ROWS_MAX
    # Many clean files of one kind (log objects of a bucket prefix): one summary row per kind;
    # a file with quarantined records or that was not ingested is always listed on its own.
    clean = [
        f
        for f in report.files
        if f.status == "ingested" and not f.quarantined and not f.kind.endswith("-snapshot")
    ]
    many = {k for k in {f.kind for f in clean} if sum(f.kind == k for f in clean) > FILE_ROWS_MAX}
    for f in report.files:
        counts = _counts(f)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        if (folded and f in snapshots) or (f.kind in many and f in clean):
            continue
        note = f.note if f.status == "ingested" else f"{f.status}: {f.note}"
        table.add_row(
            str(f.path.relative_to(base)), f.kind or "-", *(f"{n:,}" for n in counts), note
        )
    if folded:
        for kind in sorted({f.kind for f in snapshots}):
            group = [f for f in snapshots if f.kind == kind]
            sums = [sum(c) for c in zip(*(_counts(f) for f in group), strict=True)]
            rows = sum(_rows_in_note(f.note) for f in group)
            table.add_row(
                f"({len(group)} snapshot files)", kind, *(f"{n:,}" for n in sums), f"{rows:,} rows"
            )
    for kind in sorted(many):
        group = [f for f in clean if f.kind == kind]
        sums = [sum(c) for c in zip(*(_counts(f) for f in group), strict=True)]
        table.add_row(f"({len(group):,} files)", kind, *(f"{n:,}" for n in sums), "")
    table.add_section()
    seconds = (report.finished - report.started).total_seconds()
    table.add_row("total", "", *(f"{n:,}" for n in totals), f"{seconds:.1f} s")
    return table


def _counts(f: Any) -> list[int]:
    return [f.records_read, f.events_written, f.merged, f.duplicates, f.quarantined, f.skipped]


def _rows_in_note(note: str) -> int:
    """Snapshot notes read '<kind>: <n> rows'."""
    tail = note.rsplit(": ", 1)[-1]
    number = tail.removesuffix(" rows")
    return int(number) if tail.endswith(" rows") and number.isdigit() else 0


def rows_table(columns: list[str], rows: list[tuple[Any, ...]], title: str | None = None) -> Table:
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        table.add_row(*(Text(_cell(v)) for v in row))  # data is never markup or emoji
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
    return Console(stderr=stderr, width=None if tty else 200, emoji=False)
