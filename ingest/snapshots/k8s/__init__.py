"""Kubernetes RBAC and Secret inventory snapshots -> grants, principals, secrets.

Input: ``kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json`` (one
``List``, or one file per kind) and, optionally, ``kubectl get secrets -A -o json`` (metadata
only is kept). How to export them is in this folder's README.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.snapshots import SnapshotSource
from ingest.snapshots.k8s.build import build
from ingest.snapshots.k8s.rbac import SOURCE
from ingest.snapshots.k8s.recognise import recognise
from ingest.snapshots.model import SnapshotDoc, SnapshotResult

__all__ = ["SNAPSHOT", "SOURCE", "build", "recognise"]


def _build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    return build(docs, store=store)


SNAPSHOT = SnapshotSource(name=SOURCE, recognise=recognise, build=_build)
