"""Google Secret Manager via Cloud Audit Logs (source name ``gcp``)."""

from ingest.sources.gcp.audit import AUDIT

__all__ = ["AUDIT"]
