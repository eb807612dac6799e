"""Reading one saved ``kubectl ... -o json`` file (gzip and BOMs by content)."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

from ingest import sniff
from ingest.errors import UnreadableInput
from ingest.snapshots.model import SnapshotDoc


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """One export; the snapshot time defaults to the file's modification time."""
    absolute = path.resolve()
    stream, _, _ = sniff.open_bytes(absolute)
    try:
        payload = json.loads(stream.read().decode("utf-8"))
        mtime = absolute.stat().st_mtime
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        raise UnreadableInput(
            f"not a JSON document: {exc}", file=str(absolute), hint="save it with kubectl -o json"
        ) from exc
    finally:
        stream.close()
    return SnapshotDoc(
        origin_file=str(absolute),
        api_path=None,
        payload=payload,
        snapshot_time=snapshot_time or datetime.fromtimestamp(mtime, tz=UTC),
    )
