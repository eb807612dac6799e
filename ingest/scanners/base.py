"""The shape of a scanner module: how it recognises its reports, cuts them, maps one record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ingest import sniff
from ingest.scanners.model import Context, Finding
from ingest.scanners.reading import Record

HEAD_LINES = 50
WHOLE_READ_MAX = 64 << 20  # detection reads a whole document only below this size


@dataclass
class Head:
    """What detection looks at: the sniffed head, and (lazily) its JSON values or the document."""

    path: Path
    sniffed: sniff.Sniffed
    _loaded: list[Any] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.sniffed.head

    @cached_property
    def line_objects(self) -> list[dict[str, Any]]:
        """JSON objects found one per line among the first lines of the head."""
        found = []
        for raw in self.text.splitlines()[:HEAD_LINES]:
            line = raw.strip()
            if not line.startswith("{"):
                continue
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                found.append(value)
        return found

    @cached_property
    def first_record(self) -> Any:
        """The first item of an array document (decoded from the head when it fits)."""
        ok, value = sniff.first_record_in_head(self.text)
        if ok:
            return value
        if self.sniffed.shape != "document" or self.path.stat().st_size > WHOLE_READ_MAX:
            return None  # reports this big are JSON lines or arrays whose head decodes
        for rec in sniff.iter_document_records(self.path):
            if rec.problem:
                return None
            return json.loads(rec.text)
        return None

    @cached_property
    def document(self) -> Any:
        """The whole file as one JSON value (None when it is not one)."""
        try:
            return json.loads(sniff.read_text(self.path))
        except (ValueError, RecursionError):
            return None


@dataclass(frozen=True)
class Scanner:
    """One scanner's report format(s)."""

    name: str  # the ``source`` partition value of its rows
    recognise: Callable[[Head], bool]
    records: Callable[[Path], Iterator[Record]]
    parse: Callable[[Any, Context], Finding | str]  # a Finding, or why it is quarantined
