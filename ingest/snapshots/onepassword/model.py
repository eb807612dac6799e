"""Kinds, canonical ids and small helpers of the 1Password snapshot importer."""

from __future__ import annotations

import re
from typing import Any

from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, stable_id
from ingest.snapshots.vault.timeparse import parse_rfc3339

__all__ = [
    "KINDS",
    "SOURCE",
    "FileOutcome",
    "SnapshotDoc",
    "SnapshotResult",
    "as_dict",
    "as_str",
    "as_utc",
    "item_id",
    "looks_like_uuid",
    "parse_rfc3339",
    "principal_key",
    "stable_id",
    "vault_pattern",
]

SOURCE = "onepassword"
DEFAULT_STORE = "default"  # the audit source's default too: ids agree without --store
SERVICE_ACCOUNT_DOMAIN = "@1passwordserviceaccounts.com"

# Every kind `recognise` can return, plus "empty" (null, [] or {}), which only `build` reports.
KINDS: tuple[str, ...] = (
    "item_list",  # op item list --format json
    "item",  # op item get <item> --format json (metadata only is read; never field values)
    "vault_list",  # op vault list --format json
    "vault_users",  # op vault user list <vault> --format json
    "vault_groups",  # op vault group list <vault> --format json
    "group_users",  # op group user list <group> --format json
    "user_list",  # op user list --format json
    "group_list",  # op group list --format json
    "empty",
)

_UUID = re.compile(r"[A-Za-z0-9]{26}")


def looks_like_uuid(value: Any) -> bool:
    """1Password's 26-character ids (base32; upper-case for users, lower for vaults/items)."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def principal_key(value: Any) -> str | None:
    """Users, groups and service accounts: upper-case, as the audit mapping writes them."""
    text = as_str(value)
    return text.strip().upper() if text else None


def item_id(store: str, vault: str, item: str) -> str:
    """Canonical ``op://<account>/<vault_uuid>/<item_uuid>``, uuids lower-cased (as in events)."""
    return f"op://{store}/{vault.lower()}/{item.lower()}"


def vault_pattern(store: str, vault: str) -> str:
    return f"op://{store}/{vault.lower()}/*"
