"""Reading one saved Doppler API response (JSON; gzip and byte-order marks by content)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ingest.snapshots.doppler.recognise import api_path_from_filename
from ingest.snapshots.model import SnapshotDoc
from ingest.snapshots.reading import json_or_empty, read_export


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """One saved response; the snapshot time defaults to the file's modification time."""
    return read_export(
        path,
        snapshot_time=snapshot_time,
        api_path=api_path_from_filename(path.resolve()),
        hint="save the API response as is",
        parse=json_or_empty,
    )
