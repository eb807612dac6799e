"""Which ``op ... --format json`` output a parsed document is, by its shape (never raises).

``op`` prints lists of objects whose ids are 26-character uuids; the keys tell the command:
items have ``title`` and ``vault``; vault and group member lists carry ``permissions``; users
have ``email``; a group's member list adds ``role``. A bare ``[{id, name}]`` list is a vault
list or a group list: the file name (``vaults.json`` / ``groups.json``) or the extra keys
(``content_version`` / ``description``, ``state``) decide.
"""

from __future__ import annotations

from typing import Any

from ingest.snapshots.onepassword.model import looks_like_uuid


def _id(value: dict[str, Any]) -> Any:
    return value.get("id", value.get("uuid"))


def _is_item(v: dict[str, Any]) -> bool:
    return looks_like_uuid(v.get("id")) and "title" in v and isinstance(v.get("vault"), dict)


def _is_member(v: dict[str, Any]) -> bool:
    return looks_like_uuid(_id(v)) and isinstance(v.get("permissions"), list)


def _is_user(v: dict[str, Any]) -> bool:
    return looks_like_uuid(_id(v)) and isinstance(v.get("email"), str) and "title" not in v


def _is_named(v: dict[str, Any]) -> bool:
    return (
        looks_like_uuid(_id(v))
        and isinstance(v.get("name"), str)
        and not {"email", "permissions", "title", "vault"} & set(v)
    )


def _list_kind(items: list[dict[str, Any]], api_path: str | None) -> str | None:
    if all(_is_item(i) for i in items):
        return "item_list"
    if all(_is_member(i) for i in items):
        return "vault_users" if all("email" in i for i in items) else "vault_groups"
    if all(_is_user(i) for i in items):
        return "group_users" if any("role" in i for i in items) else "user_list"
    if all(_is_named(i) for i in items):
        last = (api_path or "").rsplit("/", 1)[-1]
        if last in ("vaults", "groups"):
            return "vault_list" if last == "vaults" else "group_list"
        if all({"content_version", "items"} & set(i) for i in items):
            return "vault_list"
        if all({"description", "state"} & set(i) for i in items):
            return "group_list"
    return None


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The kind of export (see ``model.KINDS``), or None when it is not a 1Password snapshot."""
    try:
        if isinstance(payload, dict):
            return "item" if _is_item(payload) else None
        if not isinstance(payload, list) or not payload:
            return None
        if not all(isinstance(i, dict) for i in payload):
            return None
        return _list_kind(payload, api_path)
    except Exception:  # recognise must never raise, whatever the document holds
        return None
