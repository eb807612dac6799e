"""Registered audit-log sources, found by discovery: every package ``ingest/sources/<name>/``
whose ``__init__`` exports ``AUDIT`` (an :class:`~ingest.sources.base.AuditSource`). Detection
tries them in ``(priority, name)`` order; the first whose ``looks_like`` accepts a record wins."""

from __future__ import annotations

import importlib
import pkgutil

from ingest.sources.base import AuditSource


def _discover() -> tuple[AuditSource, ...]:
    found: list[AuditSource] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        audit = getattr(module, "AUDIT", None)
        if isinstance(audit, AuditSource):
            found.append(audit)
    return tuple(sorted(found, key=lambda a: (a.priority, a.name)))


AUDIT_SOURCES: tuple[AuditSource, ...] = _discover()


def audit_source(name: str) -> AuditSource | None:
    return next((s for s in AUDIT_SOURCES if s.name == name), None)
