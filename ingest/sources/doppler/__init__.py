"""Doppler activity: log streams (incl. ``security.secret_read``), Activity and Config Logs API."""

from ingest.sources.doppler.audit import AUDIT

__all__ = ["AUDIT"]
