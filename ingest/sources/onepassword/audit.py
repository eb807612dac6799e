"""1Password Events API records (item usages, audit events, sign-in attempts) and Connect server
activity: detection and the column-wise mapping.

Records map 1:1 to events, so the generic :class:`~ingest.sources.base.SqlAdapter` runs
``mapping.sql``; this module declares what differs: the JSON shape read from every record kind
(FORMATS.md §6(b)), the store, and detection. The record kind is told by its keys:

* item usage: ``item_uuid`` + ``vault_uuid`` (``reveal``, ``secure-copy``, ``fill``, ...);
* audit event: ``actor_uuid`` + ``object_type``;
* sign-in attempt: ``category`` + ``target_user`` / ``session_uuid``;
* Connect activity (``GET /v1/activity``): ``requestId`` + ``resource``.

SIEM re-exports wrap each of them as a JSON string in ``message``. Events do not name the
account, so the store comes from ``--store`` (e.g. ``acme.1password.com``), else ``default``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ingest.redact import Redactor
from ingest.sources.base import AuditAdapter, AuditSource, SqlAdapter, load_sql

SOURCE = "onepassword"
DEFAULT_STORE = "default"
SERVICE_ACCOUNT_DOMAIN = "@1passwordserviceaccounts.com"

_USER: dict[str, Any] = dict.fromkeys(["uuid", "name", "email", "type", "user_type"], "VARCHAR")
_CLIENT: dict[str, Any] = dict.fromkeys(
    ["app_name", "app_version", "platform_name", "platform_version", "os_name", "os_version",
     "ip_address"],
    "VARCHAR",
)  # fmt: skip
# One shape for every kind: keys a record does not have come out NULL.
RECORD_SHAPE: dict[str, Any] = {
    **dict.fromkeys(
        [
            "uuid",
            "timestamp",
            "action",
            "used_version",
            "vault_uuid",
            "item_uuid",
            "actor_uuid",
            "object_type",
            "object_uuid",
            "aux_uuid",
            "aux_info",
            "session_uuid",
            "category",
            "type",
            "requestId",
            "result",
        ],
        "VARCHAR",
    ),
    "user": _USER,
    "client": _CLIENT,
    "actor_details": _USER,
    "target_user": _USER,
    "session": dict.fromkeys(["uuid", "ip"], "VARCHAR"),
    "details": "JSON",
    "actor": dict.fromkeys(["id", "account", "jti", "userAgent", "requestIp"], "VARCHAR"),
    "resource": {
        "type": "VARCHAR",
        "vault": {"id": "VARCHAR"},
        "item": {"id": "VARCHAR"},
        "itemVersion": "VARCHAR",
    },
    # An Events API response page ({"cursor", "has_more", "items"}) read as one record.
    "cursor": "VARCHAR",
    "has_more": "VARCHAR",
    "items": "JSON",
    "Error": {"Message": "VARCHAR"},
}


@cache
def mapping_sql() -> str:
    return load_sql(Path(__file__).with_name("mapping.sql"), {"$record_shape": RECORD_SHAPE})


# --- detection ----------------------------------------------------------------------------------
def _is_str(record: dict[str, Any], *keys: str) -> bool:
    return all(isinstance(record.get(k), str) for k in keys)


def _event_kind(record: dict[str, Any]) -> str | None:
    if _is_str(record, "uuid", "timestamp", "item_uuid", "vault_uuid"):
        return "item_usage"
    if _is_str(record, "uuid", "timestamp", "actor_uuid", "object_type"):
        return "audit_event"
    if _is_str(record, "uuid", "timestamp", "category") and (
        isinstance(record.get("target_user"), dict) or "session_uuid" in record
    ):
        return "signin_attempt"
    if (
        _is_str(record, "requestId", "timestamp", "action")
        and isinstance(record.get("actor"), dict)
        and isinstance(record.get("resource"), dict)
    ):
        return "connect_activity"
    return None


def looks_like(record: Any) -> bool:
    """True for an Events API record, a Connect activity record, an Events API response page
    whose first item is one (or which is empty), or any of them in a SIEM ``message`` string."""
    if not isinstance(record, dict):
        return False
    message = record.get("message")
    if isinstance(message, str) and "uuid" not in record and message.lstrip().startswith("{"):
        try:
            return looks_like(json.loads(message))
        except ValueError:
            return False
    if isinstance(message, dict) and "uuid" not in record:
        return looks_like(message)
    items = record.get("items")
    if isinstance(items, list) and ("cursor" in record or "has_more" in record):
        return not items or looks_like(items[0])
    return _event_kind(record) is not None


def make_adapter(
    con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
) -> AuditAdapter:
    return SqlAdapter(
        con, store or DEFAULT_STORE, redactor, source=SOURCE, mapping_sql=mapping_sql()
    )


AUDIT = AuditSource(
    name=SOURCE, looks_like=looks_like, make=make_adapter, default_store=DEFAULT_STORE
)
