"""1Password Events API (item usages, audit events, sign-in attempts) and Connect activity."""

from ingest.sources.onepassword.audit import AUDIT

__all__ = ["AUDIT"]
