"""Google Secret Manager entitlement and inventory snapshots -> grants, principals, secrets.

Input: gcloud ``--format=json`` output (IAM policies of projects and secrets, ``secrets list``,
``secrets versions list``, ``projects describe``, ``iam roles describe``) and Cloud Asset
Inventory records (``asset search-all-iam-policies``, ``asset export`` / ``asset list``).
How to export them, and how to name the files, is in this folder's README.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.snapshots import SnapshotSource
from ingest.snapshots.gcp.build import build
from ingest.snapshots.gcp.model import KINDS, SOURCE, SnapshotDoc, SnapshotResult
from ingest.snapshots.gcp.paths import api_path_from_filename, read_snapshot
from ingest.snapshots.gcp.recognise import recognise

__all__ = [
    "KINDS",
    "SNAPSHOT",
    "SOURCE",
    "api_path_from_filename",
    "build",
    "read_snapshot",
    "recognise",
]


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


SNAPSHOT = SnapshotSource(
    name=SOURCE, recognise=recognise, build=_build, api_path=api_path_from_filename
)
