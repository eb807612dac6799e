"""Reading one saved ``az ... -o json`` file (gzip, BOMs and UTF-16 handled)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ingest.snapshots.azure.model import SnapshotDoc
from ingest.snapshots.vault.paths import read_snapshot as _read_json


def read_snapshot(path: Path, *, snapshot_time: datetime | None = None) -> SnapshotDoc:
    """Read one export; the snapshot time defaults to the file's modification time.

    Raises ``UnreadableInput`` when the file is not JSON. Azure needs no API path: every
    export says what it is.
    """
    return replace(_read_json(path, snapshot_time=snapshot_time), api_path=None)
