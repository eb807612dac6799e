"""Secrets rows from ``list-secrets`` entries and ``describe-secret`` outputs (metadata only)."""

from __future__ import annotations

import re
from typing import Any

from ingest.snapshots.aws.iam import tags_of
from ingest.snapshots.aws.model import (
    SOURCE,
    SecretArn,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    parse_aws_time,
    stable_id,
)

# Tag keys that name an owner, in order of preference (compared case-insensitively).
OWNER_TAGS = ("owner", "team", "owner-team", "owning-team", "owner_team", "contact")
# AWS tags a managed secret with this key itself; it is added when only OwningService says it.
OWNING_SERVICE_TAG = "aws:secretsmanager:owningService"
_RATE = re.compile(r"rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)", re.IGNORECASE)


def rotation_days(rules: Any) -> int | None:
    """``AutomaticallyAfterDays``, else a ``rate(N days)`` schedule; cron schedules give None.

    >>> rotation_days({"ScheduleExpression": "rate(10 days)"})
    10
    """
    rules = as_dict(rules)
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int) and not isinstance(days, bool) and 0 < days < 100_000:
        return days
    m = _RATE.fullmatch(str(rules.get("ScheduleExpression", "")).strip())
    if m is None:
        return None
    n = int(m.group(1))
    return n if m.group(2).lower().startswith("day") else max(1, n // 24)


def current_version(entry: dict[str, Any]) -> str | None:
    stages = entry.get("SecretVersionsToStages") or entry.get("VersionIdsToStages")
    for version, labels in as_dict(stages).items():
        if isinstance(labels, list) and "AWSCURRENT" in labels:
            return str(version)
    return None


def owner_of(tags: dict[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items() if v}
    return next((lowered[k] for k in OWNER_TAGS if k in lowered), None)


def secret_row(entry: dict[str, Any], secret: SecretArn, doc: SnapshotDoc) -> dict[str, Any]:
    tags = tags_of(entry.get("Tags"))
    service = as_str(entry.get("OwningService"))
    if service and OWNING_SERVICE_TAG not in tags:
        tags[OWNING_SERVICE_TAG] = service
    when = as_utc(doc.snapshot_time)
    rotation = entry.get("RotationEnabled")
    return {
        "secret_row_id": stable_id(SOURCE, secret.store, secret.arn, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": secret.store,
        "secret_id": secret.arn,
        "secret_name": secret.name,
        "created_time": parse_aws_time(entry.get("CreatedDate")),
        "last_changed_time": parse_aws_time(entry.get("LastChangedDate")),
        "last_rotated_time": parse_aws_time(entry.get("LastRotatedDate")),
        # AWS leaves the field out when rotation was never configured
        "rotation_enabled": rotation if isinstance(rotation, bool) else False,
        "rotation_period_days": rotation_days(entry.get("RotationRules")),
        "last_accessed_time": parse_aws_time(entry.get("LastAccessedDate")),
        "current_version": current_version(entry),
        "owner": owner_of(tags),
        "tags": dict(sorted(tags.items())),
        "deleted": entry.get("DeletedDate") not in (None, ""),
        "origin_file": doc.origin_file,
    }
