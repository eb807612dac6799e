"""Constants and small helpers of the AWS snapshot importer (ARNs, times, stable ids)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, compact_json, stable_id
from ingest.snapshots.vault.timeparse import parse_rfc3339

__all__ = [
    "KINDS",
    "SOURCE",
    "FileOutcome",
    "SecretArn",
    "SnapshotDoc",
    "SnapshotResult",
    "account_of",
    "as_dict",
    "as_list",
    "as_str",
    "as_utc",
    "compact_json",
    "parse_aws_time",
    "parse_secret_arn",
    "stable_id",
]

SOURCE = "aws"

# Every kind ``recognise`` can return.
KINDS: tuple[str, ...] = (
    "iam_authorization_details",  # aws iam get-account-authorization-details
    "secret_resource_policy",  # aws secretsmanager get-resource-policy (one, or a JSON array)
    "secret_list",  # aws secretsmanager list-secrets (or its SecretList array alone)
    "secret_description",  # aws secretsmanager describe-secret
    "secret_value",  # aws secretsmanager get-secret-value: holds a value, never imported
)

_SECRET_ARN = re.compile(
    r"arn:(?P<partition>[\w-]+):secretsmanager:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":secret:(?P<rest>.+)"
)
_IAM_ARN = re.compile(r"arn:[\w-]+:(?:iam|sts)::(?P<account>\d{12}):.*")
_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}")


@dataclass(frozen=True)
class SecretArn:
    arn: str
    partition: str
    region: str
    account: str
    name: str  # the ARN's name part without the random 6-character suffix (when it has one)

    @property
    def store(self) -> str:
        return f"{self.account}/{self.region}"


def parse_secret_arn(value: Any, name: str | None = None) -> SecretArn | None:
    """A full secret ARN, or None. The name is ``name`` when given, else the ARN minus ``-XXXXXX``.

    >>> parse_secret_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf").name
    'prod/db'
    """
    if not isinstance(value, str):
        return None
    m = _SECRET_ARN.fullmatch(value.strip())
    if m is None:
        return None
    rest = m.group("rest")
    if not name:
        name = rest[:-7] if len(rest) > 7 and _SUFFIX.fullmatch(rest[-7:]) else rest
    return SecretArn(value.strip(), m.group("partition"), m.group("region"), m["account"], name)


def account_of(arn: str) -> str | None:
    """The account of an IAM/STS ARN (``arn:aws:iam::111122223333:role/x``) or a bare account id."""
    if re.fullmatch(r"\d{12}", arn):
        return arn
    m = _IAM_ARN.fullmatch(arn)
    return m.group("account") if m else None


def as_list(value: Any) -> list[Any]:
    """A JSON list as is, a lone value as a one-item list, null/absent as empty."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_aws_time(value: Any) -> datetime | None:
    """Epoch seconds (raw API JSON, boto3 dumps) or ISO 8601 with an offset (CLI); else None.

    >>> parse_aws_time(1714731667.5).isoformat()
    '2024-05-03T10:21:07.500000+00:00'
    >>> parse_aws_time("2024-05-03T03:21:07.123000-07:00").isoformat()
    '2024-05-03T10:21:07.123000+00:00'
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, int | float):
        if not math.isfinite(value) or not 0 < value < 32503680000:  # up to the year 3000
            return None
        return datetime.fromtimestamp(value, tz=UTC)
    return parse_rfc3339(value)
