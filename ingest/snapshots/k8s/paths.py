"""Reading one saved ``kubectl ... -o json`` file (gzip and BOMs by content)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ingest.snapshots.model import SnapshotDoc
from ingest.snapshots.reading import read_export


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """One export; the snapshot time defaults to the file's modification time."""
    return read_export(
        path, snapshot_time=snapshot_time, api_path=None, hint="save it with kubectl -o json"
    )
