"""GitHub secret scanning alerts (REST, FORMATS.md §8.3).

Read: pages of ``GET /repos/{o}/{r}/secret-scanning/alerts`` (and the org / enterprise lists,
which add ``repository``), concatenated pages from ``gh api --paginate`` (``[...][...]``), one
alert from ``GET .../alerts/{number}``, and webhook deliveries ``secret_scanning_alert`` /
``secret_scanning_alert_location`` (``{"action", "alert", "location", "repository"}``).

One row per alert. Its location: the webhook's ``location``, else ``first_location_detected``
(newer API versions), else the first of a ``locations`` array merged into the alert (the output
of ``.../alerts/{n}/locations``, e.g. ``jq '.locations = $locs'``), else the repository alone.
The leak id is the alert's ``html_url`` (stable across pages and exports). ``secret`` is
plaintext; ``validity`` active → verified, inactive → not, unknown → null.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.scanners.base import Head, Scanner
from ingest.scanners.model import Context, Finding, as_int, parse_time, text
from ingest.scanners.reading import Record, json_document

NAME = "github"
_VALIDITY = {"active": True, "inactive": False}


def _is_alert(value: Any) -> bool:
    return isinstance(value, dict) and "secret_type" in value and "number" in value


def _unwrap(value: Any) -> tuple[Any, Any, Any]:
    """(alert, webhook location or None, repository or None)."""
    if isinstance(value, dict) and _is_alert(value.get("alert")):
        return value["alert"], value.get("location"), value.get("repository")
    repo = value.get("repository") if isinstance(value, dict) else None
    return value, None, repo


def recognise(head: Head) -> bool:
    if head.sniffed.shape == "document":
        return _is_alert(_unwrap(head.first_record)[0])
    return any(_is_alert(_unwrap(v)[0]) for v in head.line_objects[:1])


def records(path: Path) -> Iterator[Record]:
    return json_document(path)


def _location_details(alert: dict[str, Any], hook_location: Any) -> tuple[str | None, Any]:
    if isinstance(hook_location, dict):
        return text(hook_location.get("type")), hook_location.get("details")
    first = alert.get("first_location_detected")
    if isinstance(first, dict):
        return None, first
    locations = alert.get("locations")
    if isinstance(locations, list) and locations and isinstance(locations[0], dict):
        return text(locations[0].get("type")), locations[0].get("details")
    return None, None


def parse(value: Any, ctx: Context) -> Finding | str:
    del ctx  # this format needs nothing besides the record
    alert, hook_location, repository = _unwrap(value)
    if not _is_alert(alert):
        return "not a GitHub secret scanning alert (no secret_type and number)"
    kind, details = _location_details(alert, hook_location)
    details = details if isinstance(details, dict) else {}
    repo = text(repository.get("full_name")) if isinstance(repository, dict) else None
    url = text(alert.get("html_url")) or text(alert.get("url"))
    secret = text(alert.get("secret"))
    resolution = text(alert.get("resolution"))
    state = text(alert.get("state"))
    return Finding(
        record=value,
        secrets=[secret] if secret else [],
        rule=text(alert.get("secret_type")),
        detected_time=parse_time(alert.get("created_at")),
        location={
            "repo": repo or _repo_from_url(url),
            "file": text(details.get("path")),
            "line": as_int(details.get("start_line")),
            "commit": text(details.get("commit_sha")),
            "kind": kind,
            "url": url,
        },
        verified=_VALIDITY.get(str(alert.get("validity"))),
        status=f"{state}:{resolution}" if state and resolution else state,
        key=(text(alert.get("secret_type")), url or str(alert.get("number"))),
    )


def _repo_from_url(url: str | None) -> str | None:
    """``owner/name`` from ``https://github.com/<owner>/<name>/security/secret-scanning/<n>``."""
    if not url or "://" not in url:
        return None
    parts = url.split("://", 1)[1].split("/")
    if "repos" in parts:  # API url: https://api.github.com/repos/<owner>/<name>/...
        i = parts.index("repos")
        parts = parts[i:]
    return "/".join(parts[1:3]) if len(parts) >= 3 else None


SCANNER = Scanner(NAME, recognise, records, parse)
