"""GitGuardian secret incidents API (FORMATS.md §8.4).

Read: pages of ``GET /v1/incidents/secrets`` (``occurrences`` null), one incident from
``GET /v1/incidents/secrets/{id}`` (``occurrences`` filled in), and pages of
``GET /v1/occurrences/secrets`` (one location of an incident each).

The API never returns the secret: no fingerprint and no credential id; the leak id is built from
the incident's ``secret_hash`` (GitGuardian's own hash of the secret) or its id. An incident row
is placed at its first occurrence when the incident carries them; an occurrence row at its own
file and commit, with the incident id as identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.scanners.base import Head, Scanner
from ingest.scanners.model import Context, Finding, parse_time, text
from ingest.scanners.reading import Record, json_document

NAME = "gitguardian"
_VALIDITY = {"valid": True, "invalid": False}


def _is_incident(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("detector"), dict)
        and ("secret_hash" in value or "gitguardian_url" in value)
    )


def _is_occurrence(value: Any) -> bool:
    return isinstance(value, dict) and "incident_id" in value and "matches" in value


def recognise(head: Head) -> bool:
    first = head.first_record if head.sniffed.shape == "document" else None
    if first is None and head.line_objects:
        first = head.line_objects[0]
    return _is_incident(first) or _is_occurrence(first)


def records(path: Path) -> Iterator[Record]:
    return json_document(path)


def _where(occurrence: Any) -> dict[str, Any]:
    if not isinstance(occurrence, dict):
        return {}
    source = occurrence.get("source")
    source = source if isinstance(source, dict) else {}
    return {
        "repo": text(source.get("full_name")),
        "source": text(source.get("type")),
        "file": text(occurrence.get("filepath")),
        "commit": text(occurrence.get("sha")),
        "url": text(occurrence.get("url")),
    }


def _incident(value: dict[str, Any]) -> Finding:
    occurrences = value.get("occurrences")
    first = occurrences[0] if isinstance(occurrences, list) and occurrences else None
    identity = text(value.get("secret_hash")) or f"incident:{value.get('id')}"
    location = {**_where(first), "incident": text(value.get("gitguardian_url"))}
    return Finding(
        record=value,
        rule=text(value["detector"].get("name")),
        detected_time=parse_time(value.get("date")),
        location=location,
        verified=_VALIDITY.get(str(value.get("validity"))),
        status=text(value.get("status")),
        identity=identity,
        key=(text(value["detector"].get("name")), identity),
    )


def _occurrence(value: dict[str, Any]) -> Finding:
    identity = f"incident:{value.get('incident_id')}"
    location = _where(value)
    return Finding(
        record=value,
        detected_time=parse_time(value.get("date")),
        location=location,
        status=text(value.get("presence")),
        identity=identity,
        key=(identity, f"occurrence:{value.get('id')}"),
    )


def parse(value: Any, ctx: Context) -> Finding | str:
    del ctx  # this format needs nothing besides the record
    if _is_incident(value):
        return _incident(value)
    if _is_occurrence(value):
        return _occurrence(value)
    return "not a GitGuardian incident (no detector and secret_hash) or occurrence"


SCANNER = Scanner(NAME, recognise, records, parse)
