"""AWS entitlement and inventory snapshots -> grants, principals, secrets rows.

Inputs are AWS CLI outputs saved with ``--output json`` (see README.md for the exact commands):
``aws iam get-account-authorization-details``, ``aws secretsmanager list-secrets``,
``describe-secret`` and ``get-resource-policy``. They are recognised by shape, never by name.
"""

from __future__ import annotations

from ingest.snapshots import SnapshotSource
from ingest.snapshots.aws.build import build
from ingest.snapshots.aws.model import KINDS, SOURCE
from ingest.snapshots.aws.recognise import recognise

SNAPSHOT = SnapshotSource(name=SOURCE, recognise=recognise, build=build)

__all__ = ["KINDS", "SNAPSHOT", "SOURCE", "build", "recognise"]
