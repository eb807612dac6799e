"""What a snapshot file names, from its file name, and reading one file (JSON or JSON lines).

``gcloud projects get-iam-policy`` and ``gcloud secrets get-iam-policy`` print a bare policy
(``bindings``, ``etag``, ``version``) that does not say whose it is, so the file name must. The
resource name, as gcloud writes it, is recovered from:

* a flat name with ``__`` or ``%2F`` as separator:
  ``projects__acme-prod-1234__secrets__db-password.json``,
  ``projects%2Facme-prod-1234.json``;
* a directory layout ending in the resource name: ``.../projects/acme-prod-1234.json`` (the
  project policy), ``.../projects/acme-prod-1234/secrets/db-password.json`` (a secret policy),
  ``.../secrets/db-password.json`` (a secret of the project named by ``--store`` or by the
  only project in the ingest).

Project ids, locations and secret names never contain a dot, so anything after the first dot
of the file name is ignored: ``db-password.iam-policy.json`` names the secret ``db-password``.

>>> from pathlib import Path
>>> api_path_from_filename(Path("/x/projects/acme-prod-1234/secrets/db-password.iam.json"))
'projects/acme-prod-1234/secrets/db-password'
>>> api_path_from_filename(Path("projects__acme-prod-1234__secrets__db__old.json"))
'projects/acme-prod-1234/secrets/db__old'
>>> api_path_from_filename(Path("/home/me/projects/acme/secrets-list.json")) is None
True
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ingest.snapshots.gcp.model import SnapshotDoc
from ingest.snapshots.reading import read_export

_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz", ".txt", ".out")
_SEP = r"(?:/|__)"
_RESOURCE = re.compile(
    rf"(?:^|(?<=/)|(?<=__))"
    rf"(?:projects{_SEP}(?P<p>[a-z0-9][a-z0-9:-]*)"
    rf"(?:{_SEP}locations{_SEP}(?P<l>[A-Za-z0-9-]+))?)?"
    rf"(?:(?(p){_SEP}|)secrets{_SEP}(?P<s>[A-Za-z0-9_-]+))?$"
)

# Folder and organization policies (``gcloud resource-manager folders get-iam-policy``): named so
# that they are recognised and left out, never taken for a project's.
_HIERARCHY = re.compile(rf"(?:^|(?<=/)|(?<=__))(folders|organizations){_SEP}(\d+)$")


def file_stem(name: str) -> str:
    """The name up to its first dot (GCP names have none), without known suffixes."""
    lowered = name
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if lowered.lower().endswith(suffix) and len(lowered) > len(suffix):
                lowered = lowered[: -len(suffix)]
                changed = True
    return lowered.split(".", 1)[0]


def _match(text: str) -> str | None:
    if h := _HIERARCHY.search(text):
        return f"{h.group(1)}/{h.group(2)}"
    m = _RESOURCE.search(text)
    if m is None or not (m.group("p") or m.group("s")):
        return None
    out = f"projects/{m.group('p')}" if m.group("p") else ""
    if m.group("l"):
        out += f"/locations/{m.group('l')}"
    if m.group("s"):
        out = f"{out}/secrets/{m.group('s')}".lstrip("/")
    return out


def api_path_from_filename(path: Path) -> str | None:
    """``projects/<p>``, ``projects/<p>[/locations/<l>]/secrets/<s>``, ``secrets/<s>``,
    ``folders/<id>``, ``organizations/<id>`` or None."""
    stem = unquote(file_stem(path.name))
    if "/" in stem or "__" in stem:
        return _match(stem)
    dirs = [d for d in path.parent.parts if d not in ("/", "\\") and not d.endswith(":\\")]
    return _match("/".join([*dirs[-5:], stem]))


def parse_text(text: str) -> Any:
    """One JSON document, or JSON lines (``gcloud asset export``) as a list of records."""
    try:
        return json.loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise
        return [json.loads(line) for line in lines]


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """Read one saved export (JSON, or JSON lines); the time defaults to the file's mtime."""
    return read_export(
        path,
        snapshot_time=snapshot_time,
        api_path=api_path_from_filename(path.resolve()),
        hint="save gcloud output with --format=json",
        parse=parse_text,
    )
