"""Reading one saved API or CLI export: gzip, byte-order marks and UTF-16 by content."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.errors import UnreadableInput
from ingest.snapshots.model import SnapshotDoc


def decode_export(raw: bytes) -> str:
    """The text of a saved export (gzip by magic bytes; UTF-16 and UTF-8 byte-order marks)."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def json_or_empty(text: str) -> Any:
    """One JSON document; an empty file is an empty export (None)."""
    return json.loads(text) if text.strip() else None


def read_export(
    path: Path,
    *,
    snapshot_time: datetime | None,
    api_path: str | None,
    hint: str,
    parse: Callable[[str], Any] = json.loads,
) -> SnapshotDoc:
    """Read and parse one export; the snapshot time defaults to the file's modification time.

    Raises ``UnreadableInput`` (naming the file, with ``hint``) when it cannot be read or parsed.
    """
    absolute = path.resolve()
    try:
        payload = parse(decode_export(absolute.read_bytes()))
        mtime = absolute.stat().st_mtime
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        raise UnreadableInput(f"not a JSON document: {exc}", file=str(absolute), hint=hint) from exc
    return SnapshotDoc(
        origin_file=str(absolute),
        api_path=api_path,
        payload=payload,
        snapshot_time=snapshot_time or datetime.fromtimestamp(mtime, tz=UTC),
    )
