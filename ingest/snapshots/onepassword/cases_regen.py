"""Golden cases of the onepassword snapshot importer (see ingest/snapshots/goldens.py).

python -m ingest.snapshots.onepassword.cases_regen [NAME ...]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ingest.snapshots.goldens import EXPECTED, SNAPSHOT_TIME, Goldens, render
from ingest.snapshots.model import SnapshotDoc, SnapshotResult
from ingest.snapshots.onepassword.build import build
from ingest.snapshots.onepassword.paths import read_snapshot


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


def _read(path: Path, when: datetime) -> SnapshotDoc:
    return read_snapshot(path, snapshot_time=when)


GOLDENS = Goldens(Path(__file__).with_name("cases"), build=_build, read=_read)
case_dirs = GOLDENS.case_dirs
case_docs = GOLDENS.case_docs
case_store = GOLDENS.case_store
case_result = GOLDENS.case_result
expected_text = GOLDENS.expected_text

__all__ = ["EXPECTED", "SNAPSHOT_TIME", "case_dirs", "case_docs", "case_result", "expected_text",
           "render"]  # fmt: skip

if __name__ == "__main__":
    raise SystemExit(GOLDENS.main(sys.argv[1:]))
