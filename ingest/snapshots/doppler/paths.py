"""Reading one saved Doppler API response (JSON; gzip and byte-order marks by content)."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

from ingest import sniff
from ingest.errors import UnreadableInput
from ingest.snapshots.doppler.recognise import api_path_from_filename
from ingest.snapshots.model import SnapshotDoc


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """One saved response; the snapshot time defaults to the file's modification time."""
    absolute = path.resolve()
    stream, _, _ = sniff.open_bytes(absolute)
    try:
        text = stream.read().decode("utf-8")
        payload = json.loads(text) if text.strip() else None
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        raise UnreadableInput(
            f"not a JSON document: {exc}", file=str(absolute), hint="save the API response as is"
        ) from exc
    finally:
        stream.close()
    mtime = datetime.fromtimestamp(absolute.stat().st_mtime, tz=UTC)
    return SnapshotDoc(
        origin_file=str(absolute),
        api_path=api_path_from_filename(absolute),
        payload=payload,
        snapshot_time=snapshot_time or mtime,
    )
