"""Where a snapshot came from: the API path recovered from the file name, and reading one file.

Users save ``vault read -format=json <path>`` output under names that carry the API path:

* a directory layout mirroring the path: ``.../v1/auth/approle/role/ci.json``,
  ``.../sys/policies/acl/payments-read.json``, ``.../secret/metadata/payments/db.json``;
* a flat name with ``__`` or ``%2F`` as separator: ``auth__approle__role__ci.json``,
  ``secret%2Fmetadata%2Fpayments%2Fdb.json``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from ingest.snapshots.reading import read_export
from ingest.snapshots.vault.model import SnapshotDoc

# First segments of API paths that are not secrets-engine mounts.
API_ROOTS = frozenset({"sys", "auth", "identity"})
_SUFFIXES = (".json", ".gz", ".txt", ".out")


def normalise_api_path(text: str) -> str | None:
    """``/v1/auth/approle/role/ci?list=true`` -> ``auth/approle/role/ci``; '' -> None."""
    p = text.strip().split("?", 1)[0]
    if "://" in p:  # a whole URL pasted as the name
        p = p.split("://", 1)[1]
        p = p.split("/", 1)[1] if "/" in p else ""
    segs = [s for s in p.split("/") if s and s != "."]
    if "v1" in segs:
        segs = segs[len(segs) - segs[::-1].index("v1") :]
    return "/".join(segs) or None


def file_stem(name: str) -> str:
    """The name without .json/.gz/.txt/.out suffixes."""
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                changed = True
    return name


def api_path_from_filename(path: Path) -> str | None:
    """The Vault API path a snapshot file was saved under, or None when the name does not say.

    A flat name (``__`` or ``%2F`` separators) is read literally, after an optional ``v1``.
    Otherwise the directories count: everything after the last ``v1`` directory; without one,
    from the last ``sys``/``auth``/``identity`` directory, or from the directory before the
    first ``metadata`` directory (a KV v2 mount with a one-segment name).
    """
    stem = file_stem(path.name)
    decoded = unquote(stem)
    if "/" in decoded or "__" in decoded:
        flat = decoded.replace("__", "/")
        return normalise_api_path(flat)
    dirs = [p for p in path.parent.parts if p not in ("/", "\\") and not p.endswith(":\\")]
    if "v1" in dirs:
        tail = dirs[len(dirs) - dirs[::-1].index("v1") :]
        return normalise_api_path("/".join([*tail, decoded]))
    roots = [i for i, d in enumerate(dirs) if d in API_ROOTS]
    if roots:
        return normalise_api_path("/".join([*dirs[roots[-1] :], decoded]))
    meta = [i for i, d in enumerate(dirs) if d == "metadata" and i >= 1]
    if meta:
        return normalise_api_path("/".join([*dirs[meta[0] - 1 :], decoded]))
    return None


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """Read one saved response; the snapshot time defaults to the file's modification time."""
    return read_export(
        path,
        snapshot_time=snapshot_time,
        api_path=api_path_from_filename(path.resolve()),
        hint="save Vault responses with -format=json",
    )
