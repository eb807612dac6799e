"""Azure Key Vault diagnostic logs (category ``AuditEvent``)."""

from ingest.sources.azure.audit import AUDIT

__all__ = ["AUDIT"]
