"""Golden cases of the doppler snapshot importer (see ingest/snapshots/goldens.py).

python -m ingest.snapshots.doppler.cases_regen [NAME ...]
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from ingest.snapshots.doppler.build import build
from ingest.snapshots.doppler.paths import read_snapshot
from ingest.snapshots.goldens import EXPECTED, SNAPSHOT_TIME, Goldens, render
from ingest.snapshots.model import SnapshotDoc


def _read(path: Path, when: datetime) -> SnapshotDoc:
    return read_snapshot(path, snapshot_time=when)


GOLDENS = Goldens(Path(__file__).with_name("cases"), build=build, read=_read)
case_dirs = GOLDENS.case_dirs
case_docs = GOLDENS.case_docs
case_store = GOLDENS.case_store
case_result = GOLDENS.case_result
expected_text = GOLDENS.expected_text

__all__ = [
    "EXPECTED",
    "SNAPSHOT_TIME",
    "case_dirs",
    "case_docs",
    "case_result",
    "expected_text",
    "render",
]

if __name__ == "__main__":
    raise SystemExit(GOLDENS.main(sys.argv[1:]))
