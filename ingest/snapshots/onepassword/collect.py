"""Reading the ``op`` outputs of one ingest into one picture: vaults, groups, users, items and the
member lists, with the vault or group each member list belongs to resolved to its uuid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.onepassword.model import (
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    looks_like_uuid,
    principal_key,
)
from ingest.snapshots.onepassword.recognise import recognise

NOT_OURS = "not a 1Password `op ... --format json` output this importer knows"
NO_OWNER = {
    "vault_users": "a vault's user list that does not say which vault; save it as "
    "vaults/<vault>/users.json (uuid or name)",
    "vault_groups": "a vault's group list that does not say which vault; save it as "
    "vaults/<vault>/groups.json (uuid or name)",
    "group_users": "a group's member list that does not say which group; save it as "
    "groups/<group>/users.json (uuid or name)",
}


def entry_id(entry: dict[str, Any]) -> str | None:
    """``id``, or ``uuid`` as one third-party example writes it."""
    return as_str(entry.get("id")) or as_str(entry.get("uuid"))


@dataclass
class MemberList:
    kind: str  # vault_users, vault_groups or group_users
    owner: str  # vault uuid (lower) or group id (upper)
    entries: list[dict[str, Any]]
    doc: SnapshotDoc


@dataclass
class Collected:
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)
    vault_names: dict[str, str] = field(default_factory=dict)  # uuid (lower) -> name
    group_names: dict[str, str] = field(default_factory=dict)  # id (upper) -> name
    items: dict[tuple[str, str], tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=dict)
    users: list[tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=list)
    groups: list[tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=list)
    members: list[MemberList] = field(default_factory=list)
    pending: list[tuple[str, str, list[dict[str, Any]], SnapshotDoc]] = field(default_factory=list)

    def problem(self, doc: SnapshotDoc, text: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(text)


def _dicts(payload: Any) -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    return [i for i in items if isinstance(i, dict)]


def collect(doc: SnapshotDoc, c: Collected) -> None:
    """Sort one document into ``c`` (member lists wait in ``pending`` until names are known)."""
    if doc.payload in (None, [], {}):
        c.kinds[doc.origin_file] = "empty"
        return
    kind = recognise(doc.payload, doc.api_path)
    c.kinds[doc.origin_file] = kind
    if kind is None:
        c.problem(doc, NOT_OURS)
        return
    entries = _dicts(doc.payload)
    if kind in ("item_list", "item"):
        for item in entries:
            _add_item(item, doc, c)
    elif kind == "vault_list":
        for v in entries:
            if (vid := entry_id(v)) and (name := as_str(v.get("name"))):
                c.vault_names.setdefault(vid.lower(), name)
    elif kind == "group_list":
        c.groups += [(g, doc) for g in entries]
        for g in entries:
            if (gid := principal_key(entry_id(g))) and (name := as_str(g.get("name"))):
                c.group_names.setdefault(gid, name)
    elif kind == "user_list":
        c.users += [(u, doc) for u in entries]
    else:
        owner = _owner_ref(kind, doc.api_path)
        if owner is None:
            c.problem(doc, NO_OWNER[kind])
            return
        if kind == "vault_groups":
            for g in entries:
                if (gid := principal_key(entry_id(g))) and (name := as_str(g.get("name"))):
                    c.group_names.setdefault(gid, name)
        c.pending.append((kind, owner, entries, doc))


def _owner_ref(kind: str, api_path: str | None) -> str | None:
    parts = (api_path or "").split("/")
    if len(parts) != 3:
        return None
    expected = {"vault_users": ("vaults", "users"), "vault_groups": ("vaults", "groups"),
                "group_users": ("groups", "users")}[kind]  # fmt: skip
    return parts[1] if (parts[0], parts[2]) == expected and parts[1] else None


def _add_item(item: dict[str, Any], doc: SnapshotDoc, c: Collected) -> None:
    vault = as_dict(item.get("vault"))
    vid, iid = entry_id(vault), entry_id(item)
    if not (vid and iid):
        c.warnings.add(f"{doc.origin_file}: an item without id or vault.id was skipped")
        return
    if name := as_str(vault.get("name")):
        c.vault_names.setdefault(vid.lower(), name)
    key = (vid.lower(), iid.lower())
    held = c.items.get(key)
    if held is None or as_utc(doc.snapshot_time) > as_utc(held[1].snapshot_time):
        c.items[key] = (item, doc)


def resolve_members(c: Collected) -> None:
    """Turn the vault / group each pending member list names into its uuid."""
    for kind, ref, entries, doc in c.pending:
        if kind == "group_users":
            owner = _resolve(ref, c.group_names, upper=True)
            what = "group"
            hint = "add `op group list --format json` output (groups.json) to the ingest"
        else:
            owner = _resolve(ref, c.vault_names, upper=False)
            what = "vault"
            hint = "add `op vault list --format json` output (vaults.json) to the ingest"
        if owner is None:
            c.problem(doc, f"{what} {ref!r} is named but its uuid is unknown: {hint}")
            continue
        c.members.append(MemberList(kind, owner, entries, doc))


def _resolve(ref: str, names: dict[str, str], *, upper: bool) -> str | None:
    key = ref.upper() if upper else ref.lower()
    if key in names:
        return key
    matches = [uid for uid, name in names.items() if name.casefold() == ref.casefold()]
    if len(matches) == 1:
        return matches[0]
    return key if looks_like_uuid(ref) and not matches else None
