"""Azure Key Vault entitlement and inventory snapshots -> grants, principals, secrets.

Input: ``az ... -o json`` output: ``keyvault show`` / ``keyvault list`` (access policies and
the permission model), ``role assignment list`` (Azure RBAC at every scope) and ``keyvault
secret list`` / ``list-versions`` / ``list-deleted`` (inventory). How to export them is in this
folder's README.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.snapshots import SnapshotSource
from ingest.snapshots.azure.build import build
from ingest.snapshots.azure.model import KINDS, SOURCE, SnapshotDoc, SnapshotResult
from ingest.snapshots.azure.paths import read_snapshot
from ingest.snapshots.azure.recognise import recognise

__all__ = ["KINDS", "SNAPSHOT", "SOURCE", "build", "read_snapshot", "recognise"]


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


SNAPSHOT = SnapshotSource(name=SOURCE, recognise=recognise, build=_build)
