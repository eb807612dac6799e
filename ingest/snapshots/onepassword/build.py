"""``build``: the ``op`` outputs of one ingest -> grants, principals and secrets rows.

* ``op item list`` -> one ``secrets`` row per item, with its **title** as ``secret_name``. Events
  carry no titles, so queries join ``events.secret_id = secrets.secret_id`` to name items.
* vault user / group lists -> a grant per member on ``op://<account>/<vault>/*``; a group's
  grant is also written for every member of the group known from ``op group user list``
  (via ``group:<name> > vault:<name>``): effective access is direct grants plus grants
  through groups.
* users (``op user list`` and every member list) and groups -> ``principals``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.model import finish_result
from ingest.snapshots.onepassword.collect import Collected, collect, entry_id, resolve_members
from ingest.snapshots.onepassword.model import (
    DEFAULT_STORE,
    SERVICE_ACCOUNT_DOMAIN,
    SOURCE,
    SnapshotDoc,
    SnapshotResult,
    as_str,
    as_utc,
    item_id,
    parse_rfc3339,
    principal_key,
    stable_id,
    vault_pattern,
)

# Vault permissions (FORMATS.md §6(f)) -> actions. Teams/Families have three coarse ones,
# Business the granular ones. Viewing an item without "view and copy passwords" shows its
# concealed fields hidden: list/describe, not read.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "allow_viewing": ("list", "describe", "read"),
    "allow_editing": ("create", "write", "delete"),
    "allow_managing": ("permission_change",),
    "view_items": ("list", "describe"),
    "view_and_copy_passwords": ("read",),
    "view_item_history": ("read",),  # old values, as the itemhist view audit event
    "export_items": ("read",),
    "copy_and_share_items": ("read",),
    "print_items": ("read",),
    "create_items": ("create",),
    "import_items": ("create",),
    "edit_items": ("write",),
    "archive_items": ("delete",),
    "delete_items": ("delete",),
    "manage_vault": ("permission_change",),
}
_ORDER = ("read", "list", "describe", "create", "write", "delete", "permission_change")
_DISABLED_STATES = frozenset({"SUSPENDED", "DELETED", "INACTIVE"})
_GONE_ITEM_STATES = frozenset({"ARCHIVED", "DELETED"})

Row = dict[str, Any]


def build(docs: Sequence[SnapshotDoc], *, store: str | None = None) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content."""
    account = store or DEFAULT_STORE
    c = Collected()
    for doc in sorted(docs, key=lambda d: d.origin_file):
        if doc.origin_file in c.kinds:
            c.warnings.add(f"{doc.origin_file}: given twice; the second copy is ignored")
            continue
        c.kinds[doc.origin_file] = None
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {exc!r}")
    grants: list[Row] = []
    principals: list[Row] = []
    secrets: list[Row] = []
    try:
        resolve_members(c)
        grants, principals = _entitlements(c, account)
        secrets = [_secret(item, doc, c, account) for (_, _), (item, doc) in c.items.items()]
    except Exception as exc:  # last resort, as above
        c.warnings.add(f"internal error while building rows: {exc!r}")
    return finish_result(
        kinds=c.kinds, problems=c.problems, warnings=c.warnings,
        grants=grants, principals=principals, secrets=secrets,
    )  # fmt: skip


def actions_of(permissions: list[str], warnings: set[str]) -> list[str]:
    acts: set[str] = set()
    for p in permissions:
        if p.lower() not in PERMISSIONS:
            warnings.add(f"unknown 1Password permission {p!r}: kept in capabilities, no action")
        acts.update(PERMISSIONS.get(p.lower(), ()))
    return [a for a in _ORDER if a in acts]


def _kind_of(entry: dict[str, Any]) -> str:
    email = (as_str(entry.get("email")) or "").lower()
    kind = (as_str(entry.get("type")) or "").upper()
    return "service" if email.endswith(SERVICE_ACCOUNT_DOMAIN) or "SERVICE" in kind else "human"


class _People:
    """One principal row per id: the first file (by name) that lists it gives time and origin;
    later files fill what it lacked."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.rows: dict[str, Row] = {}

    def add(self, pid: str, ptype: str, entry: dict[str, Any], doc: SnapshotDoc) -> None:
        row = self.rows.get(pid)
        if row is None:
            when = as_utc(doc.snapshot_time)
            row = self.rows[pid] = {
                "principal_row_id": stable_id(SOURCE, self.account, pid, when),
                "snapshot_time": when, "source": SOURCE, "store": self.account,
                "principal_id": pid, "principal_type": ptype, "name": None, "email": None,
                "groups": [], "policies": [], "aliases": [], "disabled": False,
                "origin_file": doc.origin_file,
            }  # fmt: skip
        row["name"] = row["name"] or as_str(entry.get("name"))
        if ptype != "group":
            row["email"] = row["email"] or (as_str(entry.get("email")) or "").lower() or None
        state = (as_str(entry.get("state")) or "").upper()
        row["disabled"] = row["disabled"] or state in _DISABLED_STATES


def _grant(  # noqa: PLR0917  (one row's fields; all required)
    account: str, pid: str, ptype: str, vault: str, perms: list[str], via: str,
    doc: SnapshotDoc, warnings: set[str],
) -> Row:  # fmt: skip
    when = as_utc(doc.snapshot_time)
    resource = vault_pattern(account, vault)
    return {
        "grant_id": stable_id(SOURCE, account, pid, resource, via, when),
        "snapshot_time": when, "source": SOURCE, "store": account, "principal_id": pid,
        "principal_type": ptype, "resource": resource, "actions": actions_of(perms, warnings),
        "capabilities": perms, "effect": "allow", "via": via, "condition": None,
        "origin_file": doc.origin_file,
    }  # fmt: skip


def _perms(entry: dict[str, Any]) -> list[str]:
    raw = entry.get("permissions")
    return sorted({p for p in raw if isinstance(p, str) and p}) if isinstance(raw, list) else []


def _entitlements(c: Collected, account: str) -> tuple[list[Row], list[Row]]:
    people = _People(account)
    for entry, doc in c.users:
        if pid := principal_key(entry_id(entry)):
            people.add(pid, _kind_of(entry), entry, doc)
    for entry, doc in c.groups:
        if pid := principal_key(entry_id(entry)):
            people.add(pid, "group", entry, doc)
    members_of: dict[str, list[str]] = {}
    for ml in (m for m in c.members if m.kind == "group_users"):
        people.add(ml.owner, "group", {"name": c.group_names.get(ml.owner)}, ml.doc)
        for entry in ml.entries:
            if pid := principal_key(entry_id(entry)):
                people.add(pid, _kind_of(entry), entry, ml.doc)
                members_of.setdefault(ml.owner, []).append(pid)
    grants: list[Row] = []
    for ml in (m for m in c.members if m.kind != "group_users"):
        vault_via = f"vault:{c.vault_names.get(ml.owner, ml.owner)}"
        for entry in ml.entries:
            pid = principal_key(entry_id(entry))
            if pid is None:
                c.warnings.add(f"{ml.doc.origin_file}: a member without id was skipped")
                continue
            perms = _perms(entry)
            ptype = "group" if ml.kind == "vault_groups" else _kind_of(entry)
            people.add(pid, ptype, entry, ml.doc)
            grants.append(_grant(account, pid, ptype, ml.owner, perms, vault_via, ml.doc,
                                 c.warnings))  # fmt: skip
            if ml.kind != "vault_groups":
                continue
            group_via = f"group:{c.group_names.get(pid, pid)} > {vault_via}"
            for member in sorted(set(members_of.get(pid, []))):
                grants.append(_grant(account, member, people.rows[member]["principal_type"],
                                     ml.owner, perms, group_via, ml.doc, c.warnings))  # fmt: skip
    for gid, pids in members_of.items():
        for pid in pids:
            name = c.group_names.get(gid, gid)
            if name not in people.rows[pid]["groups"]:
                people.rows[pid]["groups"] = sorted([*people.rows[pid]["groups"], name])
    return grants, list(people.rows.values())


def _secret(item: dict[str, Any], doc: SnapshotDoc, c: Collected, account: str) -> Row:
    vault = entry_id(item["vault"]) or ""
    sid = item_id(account, vault, entry_id(item) or "")
    when = as_utc(doc.snapshot_time)
    tags: dict[str, str] = {}
    if name := c.vault_names.get(vault.lower()):
        tags["op:vault"] = name
    for key in ("category", "state", "last_edited_by"):
        if value := as_str(item.get(key)):
            tags[f"op:{key}"] = value
    item_tags = item.get("tags")
    if isinstance(item_tags, list) and item_tags:
        tags["op:tags"] = ",".join(sorted(str(t) for t in item_tags))
    version = item.get("version")
    return {
        "secret_row_id": stable_id(SOURCE, account, sid, when),
        "snapshot_time": when, "source": SOURCE, "store": account, "secret_id": sid,
        "secret_name": as_str(item.get("title")),
        "created_time": parse_rfc3339(item.get("created_at")),
        "last_changed_time": parse_rfc3339(item.get("updated_at")),
        "last_rotated_time": None,  # 1Password does not rotate; last_changed_time has edits
        "rotation_enabled": False,
        "rotation_period_days": None,
        "last_accessed_time": None,  # item usages in the events table have it
        "current_version": str(version) if isinstance(version, int | str) else None,
        "owner": None,
        "tags": tags,
        "deleted": (as_str(item.get("state")) or "").upper() in _GONE_ITEM_STATES,
        "origin_file": doc.origin_file,
    }  # fmt: skip
