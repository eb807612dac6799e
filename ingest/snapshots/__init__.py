"""Registered snapshot importers (entitlements and inventories), in detection order."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult

__all__ = ["SNAPSHOT_SOURCES", "FileOutcome", "SnapshotDoc", "SnapshotResult", "SnapshotSource"]


def _no_api_path(path: Path) -> str | None:
    del path
    return None


@dataclass(frozen=True)
class SnapshotSource:
    name: str  # the ``source`` partition value of the rows it writes
    recognise: Callable[[Any, str | None], str | None]  # (payload, api_path) -> kind or None
    build: Callable[[Sequence[SnapshotDoc], str | None], SnapshotResult]  # (docs, --store)
    api_path: Callable[[Path], str | None] = _no_api_path


def _vault() -> SnapshotSource:
    from ingest.snapshots import vault  # noqa: PLC0415  (keeps the registry import-light)

    def build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
        return vault.build(docs, store=store or "default")

    return SnapshotSource(
        name="vault", recognise=vault.recognise, build=build, api_path=vault.api_path_from_filename
    )


def _discover() -> tuple[SnapshotSource, ...]:
    """Vault, plus every package ``ingest/snapshots/<name>/`` that exports ``SNAPSHOT``."""
    found = [_vault()]
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg or info.name == "vault":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        snap = getattr(module, "SNAPSHOT", None)
        if isinstance(snap, SnapshotSource):
            found.append(snap)
    return tuple(found)


SNAPSHOT_SOURCES: tuple[SnapshotSource, ...] = _discover()
