"""Data types of the Vault snapshot importer, and the small helpers every row builder uses."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

SOURCE = "vault"

# Every kind `recognise` can return. LIST outputs end in "_list" and never produce rows.
KINDS: tuple[str, ...] = (
    "acl_policy",
    "policy_list",
    "policy_list_detailed",
    "sentinel_policy",
    "approle_role",
    "approle_role_id",
    "kubernetes_role",
    "jwt_role",
    "token_role",
    "auth_role",
    "role_list",
    "entity",
    "entity_alias",
    "entity_list",
    "group",
    "group_list",
    "mounts",
    "auth_mounts",
    "kv_metadata",
    "kv_data",
    "kv_list",
    "key_list",
)

ROLE_KINDS = frozenset({"approle_role", "kubernetes_role", "jwt_role", "token_role", "auth_role"})


# The document/result types are shared by every snapshot importer.
from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult  # noqa: E402

__all__ = ["FileOutcome", "SnapshotDoc", "SnapshotResult"]


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stable_id(*parts: str | datetime | None) -> str:
    """sha256 hex (first 32 chars) of the identifying fields, unit-separated."""
    text = "\x1f".join(
        as_utc(p).isoformat(timespec="microseconds") if isinstance(p, datetime) else (p or "")
        for p in parts
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def compact_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


def str_list(value: Any) -> list[str]:
    """Vault returns lists, sometimes comma-separated strings; anything else counts as empty."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def as_bool(value: Any) -> bool:
    """True for JSON true and for the string "true" (some tools write booleans as text)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
