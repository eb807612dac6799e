"""TruffleHog: v3 ``--json`` (JSON lines, FORMATS.md §8.1) and the older v2 ``--json`` lines.

v3: ``Raw`` is the secret (for AWS: the key id), ``RawV2`` the secret with context (AWS:
``<key id>:<secret key>``); both, and any other field holding them (``Redacted``,
``StructuredData``), are replaced by the redaction token. The location comes from
``SourceMetadata.Data.<kind>``; the git timestamp reads ``2024-05-03 10:21:07 +0000``.
v2: ``stringsFound`` are the secrets; ``diff``/``printDiff`` hold them too; ``date`` has no zone
(taken as UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.scanners.base import Head, Scanner
from ingest.scanners.model import Context, Finding, as_int, parse_time, text
from ingest.scanners.reading import Record, json_lines
from ingest.sniff import read_text

NAME = "trufflehog"
_BANNER = "TruffleHog. Unearth your secrets."


def _is_v3(value: Any) -> bool:
    return isinstance(value, dict) and "DetectorName" in value and "SourceMetadata" in value


def _is_v2(value: Any) -> bool:
    return isinstance(value, dict) and "stringsFound" in value and "reason" in value


def _is_own_log(value: dict[str, Any]) -> bool:
    return str(value.get("logger", "")).startswith("trufflehog") and "msg" in value


def recognise(head: Head) -> bool:
    """Findings among the first lines, or only TruffleHog's own log output (a clean scan whose
    stdout and stderr were captured together)."""
    if head.sniffed.shape != "lines":
        return False
    if any(_is_v3(v) or _is_v2(v) for v in head.line_objects):
        return True
    return (
        _BANNER in head.text
        or "\ttrufflehog\t" in head.text
        or any(_is_own_log(v) for v in head.line_objects)
    )


def records(path: Path) -> Iterator[Record]:
    return json_lines(read_text(path))


def _metadata(value: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    source = value.get("SourceMetadata")
    data = source.get("Data") if isinstance(source, dict) else None
    if not isinstance(data, dict) or not data:
        return None, {}
    kind = sorted(data)[0]
    inner = data[kind]
    return kind, inner if isinstance(inner, dict) else {}


def _v3(value: dict[str, Any]) -> Finding | str:
    raw, raw_v2 = text(value.get("Raw")), text(value.get("RawV2"))
    if not raw and not raw_v2:
        return "TruffleHog finding without Raw or RawV2"
    kind, meta = _metadata(value)
    location = {
        "source": kind.lower() if kind else text(value.get("SourceName")),
        "repo": text(meta.get("repository")) or text(meta.get("image")) or text(meta.get("bucket")),
        "commit": text(meta.get("commit")),
        "file": text(meta.get("file")),
        "line": as_int(meta.get("line")),
        "url": text(meta.get("link")),
        "layer": text(meta.get("layer")),
        "tag": text(meta.get("tag")),
    }
    extra = value.get("ExtraData")
    hints = [text(value.get("Redacted")) or ""]
    if isinstance(extra, dict):
        hints += [v for v in extra.values() if isinstance(v, str)]
    verified = value.get("Verified")
    if text(value.get("VerificationError")):
        verified = None  # the check did not complete: neither live nor dead
    return Finding(
        record=value,
        secrets=[s for s in (raw_v2, raw) if s],
        rule=text(value.get("DetectorName")),
        detected_time=parse_time(meta.get("timestamp")),
        location=location,
        verified=verified if isinstance(verified, bool) else None,
        hints=hints,
    )


def _v2(value: dict[str, Any]) -> Finding | str:
    found = value.get("stringsFound")
    strings = [s for s in found if isinstance(s, str) and s] if isinstance(found, list) else []
    if not strings:
        return "TruffleHog v2 finding with no stringsFound"
    return Finding(
        record=value,
        secrets=strings,
        rule=text(value.get("reason")),
        detected_time=parse_time(value.get("date")),
        location={
            "commit": text(value.get("commitHash")),
            "file": text(value.get("path")),
            "branch": text(value.get("branch")),
        },
    )


def parse(value: Any, ctx: Context) -> Finding | str:
    del ctx  # this format needs nothing besides the record
    if _is_v3(value):
        return _v3(value)
    if _is_v2(value):
        return _v2(value)
    return "not a TruffleHog finding (no DetectorName/SourceMetadata, no stringsFound/reason)"


SCANNER = Scanner(NAME, recognise, records, parse)
