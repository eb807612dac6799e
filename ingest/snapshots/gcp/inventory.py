"""Secret inventory rows from ``gcloud secrets list/describe``, ``versions list`` and Cloud Asset
resource records: metadata only (Secret Manager never returns values in these calls)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingest.snapshots.gcp.model import (
    SOURCE,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    compact_json,
    parse_rfc3339,
    secret_id,
    stable_id,
)

_OWNER_KEYS = ("owner", "team")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)s")
_DAY = 86400


@dataclass
class SecretMeta:
    """One secret as a ``secrets list`` item (``body``) plus what its versions tell."""

    project: str  # as written in the name (usually the project number)
    location: str | None
    name: str
    doc: SnapshotDoc  # the file the row comes from
    body: dict[str, Any] = field(default_factory=dict)
    versions: list[tuple[str, dict[str, Any], SnapshotDoc]] = field(default_factory=list)


def duration_seconds(value: Any) -> float | None:
    """``"2592000s"`` (proto3 JSON duration) -> 2592000.0; None when absent or malformed."""
    if isinstance(value, str) and (m := _DURATION.fullmatch(value.strip())):
        return float(m.group(1))
    return None


def _tags(body: dict[str, Any]) -> dict[str, str]:
    tags = {
        str(k): v if isinstance(v, str) else compact_json(v)
        for k, v in as_dict(body.get("labels")).items()
    }
    for k, v in as_dict(body.get("annotations")).items():
        tags[f"annotation:{k}"] = v if isinstance(v, str) else compact_json(v)
    replication = as_dict(body.get("replication"))
    if "automatic" in replication:
        tags["gcp:replication"] = "automatic"
    elif "userManaged" in replication:
        replicas = as_dict(replication["userManaged"]).get("replicas")
        where = [as_str(as_dict(r).get("location")) or "?" for r in replicas or []]
        tags["gcp:replication"] = "user_managed:" + ",".join(where)
    rotation = as_dict(body.get("rotation"))
    for key, tag in (
        ("rotationPeriod", "gcp:rotation_period"),
        ("nextRotationTime", "gcp:next_rotation_time"),
    ):
        if as_str(rotation.get(key)):
            tags[tag] = rotation[key]
    for key, tag in (
        ("expireTime", "gcp:expire_time"),
        ("ttl", "gcp:ttl"),
        ("versionDestroyTtl", "gcp:version_destroy_ttl"),
    ):
        if as_str(body.get(key)):
            tags[tag] = body[key]
    raw_topics = body.get("topics")
    topics = (
        [as_str(as_dict(t).get("name")) for t in raw_topics] if isinstance(raw_topics, list) else []
    )
    if any(topics):
        tags["gcp:topics"] = ",".join(t for t in topics if t)
    if as_dict(body.get("versionAliases")):
        tags["gcp:version_aliases"] = compact_json(body["versionAliases"])
    return tags


def _owner(tags: dict[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items() if v}
    return next((lowered[k] for k in _OWNER_KEYS if k in lowered), None)


def _version_facts(meta: SecretMeta) -> tuple[str | None, datetime | None, datetime | None]:
    """(current version, newest version's creation, last version change) from versions lists."""
    numbered: list[tuple[int, dict[str, Any]]] = []
    for number, body, _ in meta.versions:
        if number.isdigit():
            numbered.append((int(number), body))
    if not numbered:
        return None, None, None
    numbered.sort(key=lambda nb: nb[0])
    enabled = [n for n, b in numbered if str(b.get("state", "")).upper() == "ENABLED"]
    newest = parse_rfc3339(numbered[-1][1].get("createTime"))
    times = [
        t
        for _, b in numbered
        for t in (parse_rfc3339(b.get("createTime")), parse_rfc3339(b.get("destroyTime")))
        if t is not None
    ]
    return (str(max(enabled)) if enabled else None), newest, (max(times) if times else None)


def secret_row(meta: SecretMeta, project_key: str) -> dict[str, Any]:
    """One ``secrets`` row; ``project_key`` is the project as canonical ids and store write it."""
    store = project_key
    body = meta.body
    tags = _tags(body)
    rotation = as_dict(body.get("rotation"))
    period = duration_seconds(rotation.get("rotationPeriod"))
    current, newest, changed = _version_facts(meta)
    enabled_count = sum(
        1 for _, b, _ in meta.versions if str(b.get("state", "")).upper() == "ENABLED"
    )
    if meta.versions:
        tags["gcp:enabled_versions"] = str(enabled_count)
    when = as_utc(meta.doc.snapshot_time)
    sid = secret_id(project_key, meta.location, meta.name)
    return {
        "secret_row_id": stable_id(SOURCE, store, sid, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "secret_id": sid,
        "secret_name": meta.name,
        "created_time": parse_rfc3339(body.get("createTime")),
        "last_changed_time": changed,
        "last_rotated_time": newest,  # the newest version: rotation adds a version
        # GCP rotation is a schedule that publishes SECRET_ROTATE to Pub/Sub; a user function
        # then adds the version. "Enabled" means the schedule is set.
        "rotation_enabled": period is not None
        or parse_rfc3339(rotation.get("nextRotationTime")) is not None,
        "rotation_period_days": max(1, round(period / _DAY)) if period else None,
        "last_accessed_time": None,  # not tracked by Secret Manager; the audit log has reads
        "current_version": current,
        "owner": _owner(tags),
        "tags": tags,
        "deleted": False,  # listed secrets exist; DeleteSecret removes them at once
        "origin_file": meta.doc.origin_file,
    }
