"""1Password entitlement and inventory snapshots (``op ... --format json``) -> grants,
principals, secrets. How to export them, and how to name the files, is in this folder's
README.md."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.snapshots import SnapshotSource
from ingest.snapshots.onepassword.build import build
from ingest.snapshots.onepassword.model import KINDS, SOURCE, SnapshotDoc, SnapshotResult
from ingest.snapshots.onepassword.paths import api_path_from_filename, read_snapshot
from ingest.snapshots.onepassword.recognise import recognise

__all__ = ["KINDS", "SNAPSHOT", "SOURCE", "api_path_from_filename", "build", "read_snapshot",
           "recognise"]  # fmt: skip


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


SNAPSHOT = SnapshotSource(
    name=SOURCE, recognise=recognise, build=_build, api_path=api_path_from_filename
)
