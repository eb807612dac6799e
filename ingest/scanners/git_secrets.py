"""git-secrets (awslabs) text output (FORMATS.md §8.5).

``git secrets --scan`` prints ``<path>:<line>:<matching line>``; ``--scan-history`` prefixes the
commit, ``<sha>:<path>:<line>:<text>``; hook scans of stdin show ``(standard input)``. Then a
blank line, ``[ERROR] Matched one or more prohibited patterns`` and a ``Possible mitigations:``
block: those lines are counted as skipped. The ``[ERROR]`` line is how a report is recognised
(``--source git-secrets`` reads a file of match lines without it).

git-secrets does not say which pattern matched nor which part of the line is the secret, so the
whole matched text is replaced by one token in ``raw``. The fingerprint is the one redaction gives
the first secret it finds in the line (what events would carry), else an AWS key id in it, else
the fingerprint of the whole line. ``rule`` stays null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.scanners.base import Head, Scanner
from ingest.scanners.model import FALLBACK_KIND, Context, Finding
from ingest.scanners.reading import Record, text_lines
from ingest.sniff import read_text

NAME = "git-secrets"
MARKER = "[ERROR] Matched one or more prohibited patterns"
_MATCH = re.compile(r"(?:(?P<commit>[0-9a-f]{40}):)?(?P<path>[^\r\n]+?):(?P<line>\d+):(?P<text>.*)")
_TRAILER = re.compile(r"\[ERROR\].*|Possible mitigations:.*|- .*|\s*")
_TOKEN = re.compile(r"\[REDACTED:([a-z0-9-]+):([0-9a-f]{16})\]")
_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")


def recognise(head: Head) -> bool:
    if MARKER not in head.text:
        return False
    before = head.text.split(MARKER, 1)[0]
    lines = [x for x in before.splitlines() if x.strip()]
    return all(_MATCH.fullmatch(x) for x in lines)


def records(path: Path) -> Iterator[Record]:
    for rec in text_lines(read_text(path)):
        if _TRAILER.fullmatch(rec.value):
            yield Record(rec.line, None, rec.text, skip="git-secrets message (not a match)")
        else:
            yield rec


def parse(value: Any, ctx: Context) -> Finding | str:
    m = _MATCH.fullmatch(value) if isinstance(value, str) else None
    if not m:
        return "not a git-secrets match line (<path>:<line>:<text>)"
    matched = m.group("text")
    found = _TOKEN.search(ctx.redactor.redact_text(matched))
    key_id = _AWS_KEY_ID.search(matched)
    fingerprint: str | None
    if found:
        kind, fingerprint = found.group(1), found.group(2)
    elif key_id:
        kind, fingerprint = "aws-access-key-id", ctx.redactor.fingerprint(key_id.group(0))
    else:
        kind, fingerprint = FALLBACK_KIND, ctx.redactor.fingerprint(matched.strip())
    path = m.group("path")
    record = {
        "commit": m.group("commit"),
        "path": path,
        "line": int(m.group("line")),
        "text": matched,
    }
    return Finding(
        record=record,
        secrets=[matched],  # the whole text goes: which part is the secret is not known
        location={
            "commit": m.group("commit"),
            "file": None if path == "(standard input)" else path,
            "line": int(m.group("line")),
            "source": "stdin" if path == "(standard input)" else None,
        },
        hints=[matched],
        fingerprint=fingerprint,
        kind=kind,
    )


SCANNER = Scanner(NAME, recognise, records, parse)
