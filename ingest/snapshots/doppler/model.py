"""What the Doppler importer collects from the files of one ingest, the role tables, and the
row accumulator with stable ids (``build.py`` turns the collection into rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingest.snapshots.doppler.recognise import recognise
from ingest.snapshots.model import SnapshotDoc
from ingest.snapshots.vault.model import as_str, stable_id

SOURCE = "doppler"
DEFAULT_STORE = "default"
Row = dict[str, Any]

# Built-in project roles -> what they allow, in the events vocabulary (Doppler's role docs:
# viewers read secrets of the environments they can access; collaborators also change them;
# admins also manage access). Custom roles map through their permission names.
PROJECT_ROLES: dict[str, list[str]] = {
    "viewer": ["read", "list", "describe"],
    "collaborator": ["read", "list", "describe", "create", "write", "delete"],
    "admin": ["read", "list", "describe", "create", "write", "delete", "permission_change"],
}
# Workplace roles that reach every project without a project membership.
WORKPLACE_WIDE = {"owner": PROJECT_ROLES["admin"], "admin": PROJECT_ROLES["admin"]}
TOKEN_READ = ["read", "list", "describe"]


def permission_actions(permissions: list[str]) -> list[str]:
    """Custom-role permission names -> actions (substring rules over Doppler's names).

    >>> permission_actions(["enclave_config_secrets_read", "enclave_project_access_manage"])
    ['describe', 'list', 'permission_change', 'read']
    """
    out: set[str] = set()
    for perm in (p.lower() for p in permissions):
        if "secret" in perm and ("read" in perm or "view" in perm):
            out |= {"read", "list", "describe"}
        if "secret" in perm and ("write" in perm or "manage" in perm or "update" in perm):
            out |= {"create", "write", "delete"}
        if "access" in perm and "manage" in perm:
            out.add("permission_change")
    return sorted(out)


@dataclass
class Collected:
    store: str | None = None
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    docs: dict[str, list[tuple[SnapshotDoc, Any]]] = field(default_factory=dict)

    def of(self, kind: str) -> list[tuple[SnapshotDoc, Any]]:
        return self.docs.get(kind, [])


def collect(docs: Sequence[SnapshotDoc]) -> Collected:
    c = Collected()
    for doc in docs:
        payload = doc.payload
        if payload in (None, [], {}):
            c.kinds[doc.origin_file] = "empty"
            continue
        kind = recognise(payload, doc.api_path)
        c.kinds[doc.origin_file] = kind
        if kind is None:
            c.problems.setdefault(doc.origin_file, []).append(
                "not a Doppler API response this importer reads (names, members and tokens "
                "files must be named after their project/config or service account)"
            )
            continue
        c.docs.setdefault(kind, []).append((doc, payload))
        if kind == "workplace":
            c.store = as_str(payload["workplace"].get("id")) or c.store
    return c


def role_actions(c: Collected) -> dict[str, list[str]]:
    roles = dict(PROJECT_ROLES)
    for _, payload in c.of("roles"):
        for role in payload["roles"]:
            ident = as_str(role.get("identifier"))
            perms = [p for p in role.get("permissions") or [] if isinstance(p, str)]
            if ident and ident not in PROJECT_ROLES:
                roles[ident] = permission_actions(perms)
    return roles


def configs_by_project(c: Collected) -> dict[str, list[Row]]:
    """project -> config objects (newest snapshot wins per name)."""
    out: dict[str, dict[str, Row]] = {}
    for _, payload in c.of("configs"):
        for cfg in payload["configs"]:
            if isinstance(cfg, dict) and as_str(cfg.get("project")) and as_str(cfg.get("name")):
                out.setdefault(cfg["project"], {})[cfg["name"]] = cfg
    return {p: list(v.values()) for p, v in out.items()}


class Rows:
    """Accumulates the three row kinds with their stable ids."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.grants: list[Row] = []
        self.principals: list[Row] = []
        self.secrets: list[Row] = []

    def grant(
        self,
        doc: SnapshotDoc,
        principal: str,
        ptype: str,
        resource: str,
        *,
        actions: list[str],
        capabilities: list[str],
        via: str,
    ) -> None:
        when = doc.snapshot_time
        self.grants.append(
            {
                "grant_id": stable_id(SOURCE, self.store, principal, resource, via, when),
                "snapshot_time": when,
                "source": SOURCE,
                "store": self.store,
                "principal_id": principal,
                "principal_type": ptype,
                "resource": resource,
                "actions": sorted(actions),
                "capabilities": capabilities,
                "effect": "allow",
                "via": via,
                "condition": None,
                "origin_file": doc.origin_file,
            }
        )

    def principal(
        self,
        doc: SnapshotDoc,
        pid: str,
        ptype: str,
        name: str | None,
        *,
        email: str | None = None,
        groups: list[str] | None = None,
        policies: list[str] | None = None,
        aliases: list[str] | None = None,
        disabled: bool | None = None,
        last_seen: datetime | None = None,
    ) -> None:
        when = doc.snapshot_time
        self.principals.append(
            {
                "principal_row_id": stable_id(SOURCE, self.store, pid, when),
                "snapshot_time": when,
                "source": SOURCE,
                "store": self.store,
                "principal_id": pid,
                "principal_type": ptype,
                "name": name,
                "email": email,
                "groups": groups or [],
                "policies": policies or [],
                "aliases": aliases or [],
                "disabled": disabled,
                "last_seen_time": last_seen,
                "origin_file": doc.origin_file,
            }
        )

    def secret(
        self,
        doc: SnapshotDoc,
        sid: str,
        name: str,
        *,
        created: datetime | None = None,
        accessed: datetime | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        when = doc.snapshot_time
        self.secrets.append(
            {
                "secret_row_id": stable_id(SOURCE, self.store, sid, when),
                "snapshot_time": when,
                "source": SOURCE,
                "store": self.store,
                "secret_id": sid,
                "secret_name": name,
                "created_time": created,
                "last_changed_time": None,
                "last_rotated_time": None,
                "rotation_enabled": None,
                "rotation_period_days": None,
                "last_accessed_time": accessed,
                "current_version": None,
                "owner": None,
                "tags": tags or {},
                "deleted": False,
                "origin_file": doc.origin_file,
            }
        )

    def prefix(self, project: str, config: str | None = None) -> str:
        base = f"doppler://{self.store}/{project}/"
        return base + (f"{config}/" if config else "")
