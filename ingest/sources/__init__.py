"""Registered audit-log sources, in detection order."""

from __future__ import annotations

from ingest.sources.base import AuditSource
from ingest.sources.vault.audit import AUDIT as VAULT

AUDIT_SOURCES: tuple[AuditSource, ...] = (VAULT,)


def audit_source(name: str) -> AuditSource | None:
    return next((s for s in AUDIT_SOURCES if s.name == name), None)
