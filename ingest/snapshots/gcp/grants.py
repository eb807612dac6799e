"""Grant and principal rows from the chosen IAM policies.

A project-level binding applies to every secret of the project: it is expanded against the
project's inventory when one is in the ingest, else written once for ``.../secrets/*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.gcp.members import Member, parse_member
from ingest.snapshots.gcp.model import (
    SOURCE,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    compact_json,
    stable_id,
)
from ingest.snapshots.gcp.roles import RoleGrant, resolve_role

_DATA_READ_SERVICES = ("allServices", "secretmanager.googleapis.com")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def condition_text(binding: dict[str, Any]) -> str | None:
    """``<title>: <expression>``, or the expression alone; None without a condition."""
    cond = binding.get("condition")
    if not isinstance(cond, dict) or not cond:
        return None
    expression, title = as_str(cond.get("expression")), as_str(cond.get("title"))
    if expression is None:
        return compact_json(cond)
    return f"{title}: {expression}" if title else expression


@dataclass
class _Holder:
    member: Member
    store: str
    doc: SnapshotDoc
    roles: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)


@dataclass
class GrantBuilder:
    custom_roles: dict[str, list[str]]
    warnings: set[str]
    grants: list[dict[str, Any]] = field(default_factory=list)
    holders: dict[tuple[str, str], _Holder] = field(default_factory=dict)

    def policy(
        self, body: dict[str, Any], where: str, resources: list[str], store: str, doc: SnapshotDoc
    ) -> None:
        """Rows for every binding of one policy; ``where`` is ``project:<p>`` or ``secret:<s>``."""
        for binding in body.get("bindings") or []:
            if not isinstance(binding, dict) or not isinstance(binding.get("role"), str):
                self.warnings.add(f"{doc.origin_file}: a binding without a role was skipped")
                continue
            role = binding["role"]
            granted = resolve_role(role, self.custom_roles)
            if granted is None:
                continue
            if granted.problem:
                self.warnings.add(granted.problem)
            condition = condition_text(binding)
            raw_members = binding.get("members")
            members = (
                [parse_member(m) for m in raw_members] if isinstance(raw_members, list) else [None]
            )
            if None in members:
                self.warnings.add(
                    f"{doc.origin_file}: {where} > {role}: members that are not IAM member "
                    "strings (user:, serviceAccount:, group:, ...) were skipped"
                )
            for member in members:
                if member is None:
                    continue
                if member.public:
                    self.warnings.add(f"{where} grants {role} to {member.name}: anyone may use it")
                self._hold(member, store, role, doc)
                via = f"{where} > {role}"
                self.grants += [
                    _row(member, store, r, granted, via=via, condition=condition, doc=doc)
                    for r in resources
                ]

    def _hold(self, member: Member, store: str, role: str, doc: SnapshotDoc) -> None:
        holder = self.holders.get((store, member.principal_id))
        if holder is None or doc.origin_file < holder.doc.origin_file:
            old = (holder.roles, holder.aliases) if holder else (set(), set())
            holder = _Holder(member, store, doc, *old)
            self.holders[(store, member.principal_id)] = holder
        holder.roles.add(role)
        holder.aliases.add(member.raw)

    def principals(self) -> list[dict[str, Any]]:
        rows = []
        for (store, principal_id), h in sorted(self.holders.items()):
            when = as_utc(h.doc.snapshot_time)
            rows.append(
                {
                    "principal_row_id": stable_id(SOURCE, store, principal_id, when),
                    "snapshot_time": when,
                    "source": SOURCE,
                    "store": store,
                    "principal_id": principal_id,
                    "principal_type": h.member.principal_type,
                    "name": h.member.name,
                    "email": h.member.email,
                    "groups": [],  # group membership is not in IAM policies (Cloud Identity has it)
                    "policies": sorted(h.roles),
                    "aliases": sorted(h.aliases),
                    "disabled": h.member.deleted,
                    "origin_file": h.doc.origin_file,
                }
            )
        return rows


def _row(
    member: Member,
    store: str,
    resource: str,
    granted: RoleGrant,
    *,
    via: str,
    condition: str | None,
    doc: SnapshotDoc,
) -> dict[str, Any]:
    when = as_utc(doc.snapshot_time)
    key = (SOURCE, store, member.principal_id, resource, via, condition, when)
    return {
        "grant_id": stable_id(*key),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "principal_id": member.principal_id,
        "principal_type": member.principal_type,
        "resource": resource,
        "actions": list(granted.actions),
        "capabilities": list(granted.capabilities),
        "effect": "allow",
        "via": via,
        "condition": condition,
        "origin_file": doc.origin_file,
    }


def audit_warnings(body: dict[str, Any], label: str) -> list[str]:
    """Warn when the project policy does not turn on DATA_READ logs for Secret Manager."""
    on, exempted = False, set()
    for cfg in _list(body.get("auditConfigs")):
        if as_dict(cfg).get("service") not in _DATA_READ_SERVICES:
            continue
        for log in _list(as_dict(cfg).get("auditLogConfigs")):
            if as_dict(log).get("logType") == "DATA_READ":
                on = True
                exempted |= {str(m) for m in _list(as_dict(log).get("exemptedMembers"))}
    if not on:
        return [
            f"project {label}: its policy turns on no DATA_READ audit logs for Secret Manager; "
            "unless a folder or the organization does, secret reads (AccessSecretVersion) are "
            "not logged"
        ]
    if exempted:
        return [
            f"project {label}: DATA_READ audit logs exempt {', '.join(sorted(exempted))}; "
            "their secret reads are not logged"
        ]
    return []
