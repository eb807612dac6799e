"""gitleaks reports in its three data formats (FORMATS.md §8.2).

* JSON (default): an array of findings; ``Secret`` and ``Match`` hold the secret.
* CSV (``--report-format csv``): the same fields, header ``RuleID,Commit,File,SymlinkFile,Secret,
  Match,...``; ``Tags`` space-separated in newer versions; gitleaks writes nothing at all when
  clean, other tools leave the header alone.
* SARIF (``--report-format sarif``): ``runs[].results[]``; the secret is in
  ``locations[].physicalLocation.region.snippet.text``, the commit and author in
  ``partialFingerprints``. A SARIF result has no line of its own in the file: its ``origin_line``
  is its ordinal in the report.

``--redact`` replaces secrets by ``REDACTED`` (``--redact=<n>``: a head and ``...``): such
findings keep no fingerprint, and an AWS key id is still taken from ``Match`` when it shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.scanners.base import Head, Scanner
from ingest.scanners.model import Context, Finding, as_int, parse_time, text
from ingest.scanners.reading import Record, csv_rows, json_document
from ingest.sniff import read_text

NAME = "gitleaks"
CSV_HEADER = "RuleID,Commit,File,SymlinkFile,Secret,Match"


def _is_finding(value: Any) -> bool:
    return isinstance(value, dict) and "RuleID" in value and ("Secret" in value or "Match" in value)


def _is_sarif(doc: Any) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list):
        return False
    for run in doc["runs"]:
        driver = ((run or {}).get("tool") or {}).get("driver") if isinstance(run, dict) else None
        if isinstance(driver, dict) and str(driver.get("name", "")).lower() == "gitleaks":
            return True
    return False


def recognise(head: Head) -> bool:
    if head.text.lstrip().startswith(CSV_HEADER):
        return True
    if head.sniffed.shape != "document":
        return False
    if head.text.lstrip().startswith("["):
        return _is_finding(head.first_record)
    return '"runs"' in head.text and "gitleaks" in head.text.lower() and _is_sarif(head.document)


def records(path: Path) -> Iterator[Record]:
    content = read_text(path)
    if content.lstrip().startswith(CSV_HEADER):
        yield from csv_rows(content.lstrip())
        return
    stripped = content.lstrip()
    if stripped.startswith("{") and '"runs"' in stripped:
        try:
            doc = json.loads(content)
        except ValueError as exc:
            yield Record(1, None, content[:2048], problem=f"invalid SARIF JSON: {exc}")
            return
        if _is_sarif(doc):
            yield from _sarif_results(doc)
            return
    yield from json_document(path)


def _sarif_results(doc: dict[str, Any]) -> Iterator[Record]:
    ordinal = 0
    for run in doc["runs"]:
        results = run.get("results") if isinstance(run, dict) else None
        for result in results if isinstance(results, list) else []:
            ordinal += 1
            yield Record(ordinal, {"sarif_result": result}, json.dumps(result)[:2048])


def _finding(value: dict[str, Any]) -> Finding | str:
    rule = text(value.get("RuleID"))
    if not rule:
        return "gitleaks finding without RuleID"
    secret, match = text(value.get("Secret")), text(value.get("Match"))
    tags = value.get("Tags")
    record = dict(value)
    if isinstance(tags, str):  # CSV: space-separated; numbers stay text
        record["Tags"] = tags.split()
    return Finding(
        record=record,
        secrets=[s for s in (secret,) if s],
        rule=rule,
        detected_time=parse_time(value.get("Date")),
        location={
            "commit": text(value.get("Commit")),
            "file": text(value.get("File")),
            "line": as_int(value.get("StartLine")),
            "url": text(value.get("Link")),
        },
        hints=[match or ""],
        key=None,
    )


def _sarif(result: Any) -> Finding | str:
    if not isinstance(result, dict):
        return "SARIF result is not an object"
    locations = result.get("locations")
    first = locations[0] if isinstance(locations, list) and locations else {}
    physical = first.get("physicalLocation", {}) if isinstance(first, dict) else {}
    region = physical.get("region") or {}
    snippet = (region.get("snippet") or {}).get("text")
    prints = result.get("partialFingerprints") or {}
    rule = text(result.get("ruleId"))
    if not rule:
        return "SARIF result without ruleId"
    return Finding(
        record=result,
        secrets=[snippet] if isinstance(snippet, str) and snippet else [],
        rule=rule,
        detected_time=parse_time(prints.get("date")),
        location={
            "commit": text(prints.get("commitSha")),
            "file": text((physical.get("artifactLocation") or {}).get("uri")),
            "line": as_int(region.get("startLine")),
        },
        hints=[text((result.get("message") or {}).get("text")) or ""],
    )


def parse(value: Any, ctx: Context) -> Finding | str:
    del ctx  # this format needs nothing besides the record
    if isinstance(value, dict) and "sarif_result" in value:
        return _sarif(value["sarif_result"])
    if _is_finding(value):
        return _finding(value)
    return "not a gitleaks finding (no RuleID with Secret/Match)"


SCANNER = Scanner(NAME, recognise, records, parse)
