"""Secret-scanner reports → ``leaks`` rows (FORMATS.md §8).

One module per scanner (``trufflehog``, ``gitleaks``, ``github``, ``gitguardian``,
``git_secrets``) says how its reports are recognised, cut into records and mapped; what is common
(fingerprint, credential id, redaction, leak id) lives in ``model``. The pipeline asks
:func:`recognise` which scanner wrote a file and :func:`parse_report` for its rows; every record
becomes a row, a quarantine entry or a skipped line (log output around the findings).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import sniff
from ingest.scanners import git_secrets, gitguardian, github, gitleaks, trufflehog
from ingest.scanners.base import Head, Scanner
from ingest.scanners.credentials import VAULT_KEY_ENV
from ingest.scanners.model import Context, Finding, json_unescape, redacted_json, to_row

__all__ = [
    "NAMES",
    "SCANNERS",
    "VAULT_KEY_ENV",
    "Context",
    "Problem",
    "ReportResult",
    "Scanner",
    "parse_report",
    "recognise",
]

SCANNERS: tuple[Scanner, ...] = (
    trufflehog.SCANNER,
    gitleaks.SCANNER,
    github.SCANNER,
    gitguardian.SCANNER,
    git_secrets.SCANNER,
)
NAMES = tuple(s.name for s in SCANNERS)
# Fields that hold the secret in some format: scrubbed from a record sent to quarantine too.
_SECRET_FIELDS = ("Raw", "RawV2", "Redacted", "Secret", "Match", "secret", "stringsFound")
_SECRET_FIELD_TEXT = re.compile(r'"(' + "|".join(_SECRET_FIELDS) + r')"\s*:\s*"((?:[^"\\]|\\.)+)')


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str
    text: str  # already redacted where the record could be read


@dataclass
class ReportResult:
    """The rows of one report file (without ``origin_file``/``ingest_id``) and what was not."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    records: int = 0


def recognise(path: Path, sniffed: sniff.Sniffed, forced: str | None = None) -> str | None:
    """The scanner that wrote ``path``, or None."""
    head = Head(path, sniffed)
    for scanner in SCANNERS:
        if forced in (None, scanner.name) and scanner.recognise(head):
            return scanner.name
    return None


def parse_report(name: str, path: Path, ctx: Context) -> ReportResult:
    scanner = next(s for s in SCANNERS if s.name == name)
    result = ReportResult()
    for rec in scanner.records(path):
        result.records += 1
        if rec.skip:
            result.skipped[rec.skip] = result.skipped.get(rec.skip, 0) + 1
            continue
        if rec.problem:
            result.problems.append(Problem(rec.line, rec.problem, _scrub_text(ctx, rec.text)))
            continue
        found = scanner.parse(rec.value, ctx)
        if isinstance(found, Finding):
            result.rows.append(to_row(name, found, ctx, rec.line))
        else:
            shown = redacted_json(ctx, rec.value, _secret_values(rec.value))
            result.problems.append(Problem(rec.line, found, shown))
    return result


def _scrub_text(ctx: Context, text: str) -> str:
    """A record that could not be decoded: the values of the known secret fields that can still
    be read in it (and their base64 forms) are replaced, then the Redactor runs over the rest."""
    secrets = [json_unescape(m.group(2)) for m in _SECRET_FIELD_TEXT.finditer(text)]
    shown = json.loads(redacted_json(ctx, text, secrets)) if secrets else text
    return ctx.redactor.redact_text(str(shown))


def _secret_values(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return []
    out: list[str] = []
    for key in _SECRET_FIELDS:
        v = value.get(key)
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, list):
            out += [x for x in v if isinstance(x, str)]
    return out
