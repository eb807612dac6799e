"""HashiCorp Vault / OpenBao audit devices."""

from ingest.sources.vault.audit import AUDIT

__all__ = ["AUDIT"]
