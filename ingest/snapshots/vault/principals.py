"""Principal rows for roles, entities and groups."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.vault.actions import MountTable
from ingest.snapshots.vault.holders import (
    MACHINE_AUTH_TYPES,
    Alias,
    Entity,
    Group,
    Role,
    entity_email,
)
from ingest.snapshots.vault.model import SOURCE, SnapshotDoc, as_utc, stable_id


def alias_mount(alias: Alias, mounts: MountTable) -> tuple[str | None, str | None]:
    """(mount path, mount type) of an alias, from the alias itself or the ``sys/auth`` accessors."""
    path, kind = alias.mount_path, alias.mount_type
    if (path is None or kind is None) and alias.mount_accessor:
        mount = mounts.by_accessor(alias.mount_accessor)
        if mount is not None:
            path, kind = path or mount.path, kind or mount.type
    return path, kind


def alias_text(alias: Alias, mounts: MountTable) -> str:
    """``<mount_path>:<alias name>``; the accessor stands in for an unknown mount path."""
    path = alias_mount(alias, mounts)[0] or alias.mount_accessor or "?"
    return f"{path}:{alias.name}"


def entity_type(entity: Entity, mounts: MountTable) -> str:
    """human, unless every alias is on a machine auth method (approle, kubernetes, ...)."""
    types = [alias_mount(a, mounts)[1] for a in entity.aliases]
    if types and all(t in MACHINE_AUTH_TYPES for t in types):
        return "service"
    return "human"


def _row(
    store: str,
    principal: tuple[str, str],
    name: str,
    doc: SnapshotDoc,
    **fields: Any,
) -> dict[str, Any]:
    principal_id, principal_type = principal
    when = as_utc(doc.snapshot_time)
    return {
        "principal_row_id": stable_id(SOURCE, store, principal_id, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "principal_id": principal_id,
        "principal_type": principal_type,
        "name": name,
        "email": fields.get("email"),
        "groups": sorted(set(fields.get("groups", []))),
        "policies": list(fields.get("policies", [])),
        "aliases": sorted(set(fields.get("aliases", []))),
        "disabled": fields.get("disabled", False),
        "origin_file": doc.origin_file,
    }


def role_row(store: str, role: Role) -> dict[str, Any]:
    return _row(
        store,
        (role.principal_id, "role"),
        role.name,
        role.doc,
        policies=role.policies,
        aliases=role.aliases,
    )


def entity_row(
    store: str, entity: Entity, group_names: list[str], mounts: MountTable
) -> dict[str, Any]:
    return _row(
        store,
        (entity.id, entity_type(entity, mounts)),
        entity.name,
        entity.doc,
        email=entity_email(entity),
        groups=group_names,
        policies=entity.policies,
        aliases=[alias_text(a, mounts) for a in entity.aliases],
        disabled=entity.disabled,
    )


def group_row(
    store: str, group: Group, parent_names: list[str], mounts: MountTable
) -> dict[str, Any]:
    return _row(
        store,
        (group.principal_id, "group"),
        group.name,
        group.doc,
        groups=parent_names,
        policies=group.policies,
        aliases=[alias_text(group.alias, mounts)] if group.alias else [],
    )
