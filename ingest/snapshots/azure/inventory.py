"""Secret inventory rows from ``az keyvault secret list`` / ``list-versions`` / ``list-deleted``:
metadata only (those commands never return values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.snapshots.azure.model import (
    SOURCE,
    ObjectRef,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    compact_json,
    parse_rfc3339,
    stable_id,
)
from ingest.snapshots.azure.scopes import VaultInfo

_OWNER_KEYS = ("owner", "team")
_ATTRIBUTE_TAGS = (
    ("enabled", "azure:enabled"),
    ("expires", "azure:expires"),
    ("notBefore", "azure:not_before"),
    ("recoveryLevel", "azure:recovery_level"),
)
_ITEM_TAGS = (
    ("contentType", "azure:content_type"),
    ("managed", "azure:managed"),
    ("deletedDate", "azure:deleted_date"),
    ("scheduledPurgeDate", "azure:scheduled_purge_date"),
)


@dataclass
class SecretEntry:
    """One secret: its ``secret list`` (or ``list-deleted``) item plus its versions."""

    ref: ObjectRef
    doc: SnapshotDoc  # the file the row comes from
    item: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    versions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def store(self) -> str:
        return self.ref.host.split(".", 1)[0]


def az_time(value: Any) -> datetime | None:
    """``az`` prints ISO 8601 (``2024-05-03T10:21:07+00:00``); the REST API, epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_rfc3339(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else compact_json(value)


def attributes(item: dict[str, Any]) -> dict[str, Any]:
    """``attributes``, with the REST names ``exp``/``nbf`` read as ``expires``/``notBefore``."""
    attrs = dict(as_dict(item.get("attributes")))
    for rest, cli in (("exp", "expires"), ("nbf", "notBefore")):
        if attrs.get(cli) is None and attrs.get(rest) is not None:
            attrs[cli] = attrs[rest]
    return attrs


def _tags(entry: SecretEntry, vault: VaultInfo | None, when: datetime) -> dict[str, str]:
    tags = {str(k): _text(v) for k, v in as_dict(entry.item.get("tags")).items()}
    attrs = attributes(entry.item)
    for key, tag in _ATTRIBUTE_TAGS:
        if attrs.get(key) is not None:
            stamp = az_time(attrs[key]) if key in ("expires", "notBefore") else None
            tags[tag] = stamp.isoformat() if stamp else _text(attrs[key])
    for key, tag in _ITEM_TAGS:
        if entry.item.get(key) is not None:
            tags[tag] = _text(entry.item[key])
    expires = az_time(attrs.get("expires"))
    if expires is not None and expires <= when:
        tags["azure:expired"] = "true"
    tags.update(vault.tags if vault else ())
    return tags


def _owner(tags: dict[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items() if v}
    return next((lowered[k] for k in _OWNER_KEYS if k in lowered), None)


def _versions(entry: SecretEntry) -> tuple[str | None, datetime | None, datetime | None]:
    """(current version, first creation, newest creation) from ``list-versions`` items."""
    dated = []
    for version, item in entry.versions:
        attrs = as_dict(item.get("attributes"))
        created = az_time(attrs.get("created"))
        if created is not None:
            dated.append((created, version, attrs.get("enabled") is not False))
    if not dated:
        return None, None, None
    dated.sort()
    enabled = [v for _, v, on in dated if on]
    return (enabled[-1] if enabled else None), dated[0][0], dated[-1][0]


def secret_row(entry: SecretEntry, vault: VaultInfo | None) -> dict[str, Any]:
    attrs = attributes(entry.item)
    when = as_utc(entry.doc.snapshot_time)
    tags = _tags(entry, vault, when)
    current, first, newest = _versions(entry)
    created = az_time(attrs.get("created"))  # of the current version, in list output
    updated = az_time(attrs.get("updated"))
    store = entry.store
    sid = entry.ref.secret_id(store)
    return {
        "secret_row_id": stable_id(SOURCE, store, sid, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "secret_id": sid,
        "secret_name": as_str(entry.item.get("name")) or entry.ref.name,
        # `secret list` shows the current version's attributes; list-versions has the first.
        "created_time": min(t for t in (first, created) if t) if first or created else None,
        "last_changed_time": max(t for t in (updated, newest) if t) if updated or newest else None,
        "last_rotated_time": newest or created,  # a new value is a new version
        "rotation_enabled": False,  # Key Vault has no rotation schedule for secrets
        "rotation_period_days": None,
        "last_accessed_time": None,  # not tracked; the AuditEvent log has reads
        "current_version": current,
        "owner": _owner(tags),
        "tags": tags,
        "deleted": entry.deleted,
        "origin_file": entry.doc.origin_file,
    }
