"""Secret inventory rows from KV v2 metadata (``GET <mount>/metadata/<path>``): never values."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.vault.actions import MountTable
from ingest.snapshots.vault.model import (
    SOURCE,
    SnapshotDoc,
    as_bool,
    as_dict,
    as_str,
    as_utc,
    compact_json,
    stable_id,
)
from ingest.snapshots.vault.paths import API_ROOTS
from ingest.snapshots.vault.timeparse import parse_rfc3339
from ingest.sources.vault.ids import secret_id

_OWNER_KEYS = ("owner", "team")


def kv_location(api_path: str | None, mounts: MountTable) -> tuple[str, str] | None:
    """``<mount>/metadata/<path>`` -> (mount, path); a known mount wins over the first match.

    A path without ``metadata/`` is read as the CLI form ``<mount>/<path>`` (files named after
    ``vault kv metadata get secret/payments/db``).
    """
    segs = api_path.split("/") if api_path else []
    found = mounts.find(segs, auth=False)
    if found is not None and found[1] < len(segs) and segs[found[1]] == "metadata":
        k = found[1]
        return found[0].path, "/".join(segs[k + 1 :])
    for i in range(1, len(segs)):
        if segs[i] == "metadata":
            return "/".join(segs[:i]), "/".join(segs[i + 1 :])
    if found is not None and found[1] < len(segs):
        return found[0].path, "/".join(segs[found[1] :])
    if len(segs) > 1 and segs[0] not in API_ROOTS:
        return segs[0], "/".join(segs[1:])
    return None


def _tags(data: dict[str, Any]) -> dict[str, str]:
    tags = {
        str(k): v if isinstance(v, str) else compact_json(v)
        for k, v in as_dict(data.get("custom_metadata")).items()
    }
    after = as_str(data.get("delete_version_after"))
    if after and after not in ("0s", "0"):
        tags["vault:delete_version_after"] = after
    return tags


def _owner(tags: dict[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items() if v}
    return next((lowered[k] for k in _OWNER_KEYS if k in lowered), None)


def _version(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return str(int(value))
    return None


def secret_row(
    data: Any, doc: SnapshotDoc, api_path: str | None, store: str, mounts: MountTable
) -> dict[str, Any] | str:
    """One ``secrets`` row, or the reason there is none."""
    where = kv_location(api_path, mounts)
    if where is None or not where[1].strip("/"):
        return (
            "KV metadata without its secret path; save it under its API path, "
            "e.g. v1/<mount>/metadata/<path>.json or <mount>__metadata__<path>.json"
        )
    body = as_dict(data)
    mount, logical = where[0], where[1].strip("/")
    current = _version(body.get("current_version"))
    version = as_dict(as_dict(body.get("versions")).get(current or ""))
    deletion = version.get("deletion_time")
    tags = _tags(body)
    when = as_utc(doc.snapshot_time)
    sid = secret_id(store, "", mount, logical)
    return {
        "secret_row_id": stable_id(SOURCE, store, sid, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "secret_id": sid,
        "secret_name": logical,
        "created_time": parse_rfc3339(body.get("created_time")),
        "last_changed_time": parse_rfc3339(body.get("updated_time")),
        "last_rotated_time": parse_rfc3339(version.get("created_time")),
        "rotation_enabled": False,  # KV has no automatic rotation
        "rotation_period_days": None,
        "last_accessed_time": None,  # Vault does not track reads; the audit log does
        "current_version": current,
        "owner": _owner(tags),
        "tags": tags,
        "deleted": (isinstance(deletion, str) and bool(deletion.strip()))
        or as_bool(version.get("destroyed")),
        "origin_file": doc.origin_file,
    }
