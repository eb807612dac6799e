"""AWS Secrets Manager audit events from AWS CloudTrail."""

from ingest.sources.aws.audit import AUDIT

__all__ = ["AUDIT"]
