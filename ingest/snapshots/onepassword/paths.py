"""What a snapshot file names, from its path, and reading one file.

``op vault user list <vault>``, ``op vault group list <vault>`` and ``op group user list
<group>`` print member lists that do not say whose they are, so the path must. Accepted::

    .../vaults/<vault>/users.json     .../vaults/<vault>/groups.json
    .../groups/<group>/users.json     vaults__<vault>__users.json
    vaults__<vault>__groups.json      groups__<group>__users.json

``<vault>`` / ``<group>`` is the uuid or the name as ``op`` shows it. Plain ``vaults.json``,
``groups.json``, ``users.json`` and ``items.json`` name the lists themselves.

>>> from pathlib import Path
>>> api_path_from_filename(Path("/x/op/vaults/Sales-Shared/users.json"))
'vaults/Sales-Shared/users'
>>> api_path_from_filename(Path("groups__Sales__users.json.gz"))
'groups/Sales/users'
>>> api_path_from_filename(Path("/x/op/vaults.json"))
'vaults'
>>> api_path_from_filename(Path("/x/op/item-list.json")) is None
True
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ingest.snapshots.onepassword.model import SnapshotDoc
from ingest.snapshots.reading import json_or_empty, read_export

_SUFFIXES = (".json", ".jsonl", ".gz", ".txt", ".out")
_FLAT = re.compile(r"^(?P<kind>vaults|groups)__(?P<ref>.+?)__(?P<what>users|groups)$")
_LISTS = frozenset({"vaults", "groups", "users", "items"})


def _stem(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def _valid(kind: str, what: str) -> bool:
    return (kind, what) in {("vaults", "users"), ("vaults", "groups"), ("groups", "users")}


def api_path_from_filename(path: Path) -> str | None:
    """``vaults/<ref>/users``, ``vaults/<ref>/groups``, ``groups/<ref>/users``, one of the
    list names (``vaults``, ``groups``, ``users``, ``items``), or None."""
    stem = _stem(path.name)
    if m := _FLAT.match(stem):
        return f"{m['kind']}/{m['ref']}/{m['what']}" if _valid(m["kind"], m["what"]) else None
    parts = path.parent.parts
    if len(parts) >= 2 and _valid(parts[-2], stem.lower()):
        return f"{parts[-2]}/{parts[-1]}/{stem.lower()}"
    return stem.lower() if stem.lower() in _LISTS else None


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """Read one saved ``op ... --format json`` output; the time defaults to the file's mtime."""
    return read_export(
        path,
        snapshot_time=snapshot_time,
        api_path=api_path_from_filename(path.resolve()),
        hint="save op output with --format json",
        parse=json_or_empty,
    )
