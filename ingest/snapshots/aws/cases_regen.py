"""Golden cases of the AWS snapshot importer (see ingest/snapshots/goldens.py).

python -m ingest.snapshots.aws.cases_regen [NAME ...]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ingest.snapshots.aws.build import build
from ingest.snapshots.goldens import EXPECTED, SNAPSHOT_TIME, Goldens, render
from ingest.snapshots.model import SnapshotDoc, SnapshotResult
from ingest.snapshots.reading import decode_export


def read_doc(path: Path, snapshot_time: datetime = SNAPSHOT_TIME) -> SnapshotDoc:
    """One saved CLI output (gzip and byte-order marks handled); not JSON -> payload None."""
    text = decode_export(path.read_bytes())
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    return SnapshotDoc(str(path.resolve()), None, payload, snapshot_time)


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


def _read(path: Path, when: datetime) -> SnapshotDoc:
    return read_doc(path, when)


GOLDENS = Goldens(Path(__file__).with_name("cases"), build=_build, read=_read)
case_dirs = GOLDENS.case_dirs
case_docs = GOLDENS.case_docs
case_result = GOLDENS.case_result
expected_text = GOLDENS.expected_text

__all__ = ["EXPECTED", "case_dirs", "case_docs", "case_result", "expected_text", "read_doc",
           "render"]  # fmt: skip

if __name__ == "__main__":
    raise SystemExit(GOLDENS.main(sys.argv[1:]))
