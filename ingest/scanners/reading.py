"""Cutting a report file into records with their line numbers, whatever the container.

Reports are small next to audit logs (one line per finding), so they are read whole. Four shapes:
JSON lines (TruffleHog, with log lines mixed in when stderr was captured too), JSON documents
(gitleaks, GitHub and GitGuardian pages, concatenated ``gh api --paginate`` pages, SARIF), CSV
(gitleaks ``--report-format csv``) and plain text (git-secrets).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import sniff


@dataclass(frozen=True)
class Record:
    """One record: its 1-based line, its value (parsed JSON, a CSV row dict or a text line)."""

    line: int
    value: Any
    text: str  # as read, for quarantine
    problem: str | None = None  # set: quarantine with this reason
    skip: str | None = None  # set: out of scope (a log line), counted as skipped


def json_lines(text: str) -> Iterator[Record]:
    """One JSON object per line. Lines that are not JSON objects are the scanner's own log output
    (banner, ``info`` lines) or structured log records with a ``level`` key: skipped, counted."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("{"):
            yield Record(number, None, raw, skip="scanner log line (not JSON)")
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield Record(number, None, raw, problem=f"invalid JSON: {exc}")
            continue
        if isinstance(value, dict) and "level" in value and "msg" in value:
            yield Record(number, None, raw, skip="scanner log line (structured log)")
            continue
        yield Record(number, value, raw)


def json_document(path: Path) -> Iterator[Record]:
    """Records of a JSON document: array items (several arrays back to back too), or the object."""
    for rec in sniff.iter_document_records(path):
        if rec.problem:
            yield Record(rec.line, None, rec.text, problem=rec.problem)
            continue
        yield Record(rec.line, json.loads(rec.text), rec.text)


def csv_rows(text: str) -> Iterator[Record]:
    """Rows of a CSV file with a header, as dicts, with the line each row starts on (gitleaks
    quotes commit messages that span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield Record(1, None, text[:2048], problem=f"invalid CSV header: {exc}")
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(start, None, "", problem=f"invalid CSV: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        shown = ",".join(row)
        if len(row) != len(header):
            yield Record(
                line, None, shown, problem=f"{len(row)} fields where the header has {len(header)}"
            )
            continue
        yield Record(line, dict(zip(header, row, strict=True)), shown)


def text_lines(text: str) -> Iterator[Record]:
    """Non-empty lines of a text report."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield Record(number, raw, raw)
