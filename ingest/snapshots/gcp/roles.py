"""IAM roles -> normalized actions, through the Secret Manager permissions each role holds.

Predefined role contents are taken from Google's published role lists (IAM "Secret Manager
roles and permissions", basic roles ``roles/owner``, ``roles/editor``, ``roles/viewer``).
``roles/editor`` manages secrets and versions but holds neither
``secretmanager.versions.access`` nor ``secretmanager.secrets.setIamPolicy``: it reads no value.

>>> resolve_role("roles/secretmanager.secretAccessor", {}).actions
('read',)
>>> resolve_role("roles/editor", {}).actions
('create', 'delete', 'describe', 'list', 'other', 'restore', 'write')
>>> resolve_role("roles/compute.admin", {}) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SM = "secretmanager."
PERMISSION_ACTIONS: dict[str, str] = {
    SM + "versions.access": "read",
    SM + "secrets.list": "list",
    SM + "versions.list": "list",
    SM + "secrets.get": "describe",
    SM + "versions.get": "describe",
    SM + "secrets.getIamPolicy": "describe",
    SM + "secrets.create": "create",
    SM + "versions.add": "write",
    SM + "secrets.delete": "delete",
    SM + "versions.destroy": "delete",
    SM + "versions.enable": "restore",
    SM + "versions.disable": "other",
    SM + "secrets.update": "other",  # labels, rotation schedule, expiry, topics
    SM + "secrets.rotate": "rotate",
    SM + "secrets.enableManagedRotation": "rotate",
    SM + "secrets.setIamPolicy": "permission_change",
    # Project level: whoever may change the project policy may grant itself any secret role.
    "resourcemanager.projects.setIamPolicy": "permission_change",
}
_ALL_SM = tuple(p for p in PERMISSION_ACTIONS if p.startswith(SM))
_VIEW = tuple(
    SM + p
    for p in (
        "secrets.get",
        "secrets.getIamPolicy",
        "secrets.list",
        "versions.get",
        "versions.list",
    )
)
_VERSIONS = tuple(
    SM + p
    for p in (
        "versions.add",
        "versions.destroy",
        "versions.disable",
        "versions.enable",
        "versions.get",
        "versions.list",
    )
)
_MANAGE = (SM + "secrets.create", SM + "secrets.delete", SM + "secrets.update")

PREDEFINED: dict[str, tuple[str, ...]] = {
    "roles/secretmanager.admin": _ALL_SM,
    "roles/secretmanager.secretAccessor": (SM + "versions.access",),
    "roles/secretmanager.secretVersionAdder": (SM + "versions.add",),
    "roles/secretmanager.secretVersionManager": _VERSIONS,
    "roles/secretmanager.viewer": _VIEW,
    "roles/secretmanager.editor": (
        *_VIEW,
        *_MANAGE,
        *_VERSIONS,
        SM + "secrets.rotate",
        SM + "secrets.enableManagedRotation",
    ),
    "roles/owner": (*_ALL_SM, "resourcemanager.projects.setIamPolicy"),
    "roles/editor": (*_VIEW, *_MANAGE, *_VERSIONS),
    "roles/viewer": _VIEW,
    "roles/resourcemanager.projectIamAdmin": ("resourcemanager.projects.setIamPolicy",),
}
CUSTOM_ROLE = re.compile(r"(?:projects|organizations)/[^/\s]+/roles/[^/\s]+")


@dataclass(frozen=True)
class RoleGrant:
    actions: tuple[str, ...]  # sorted, in the action vocabulary
    capabilities: tuple[str, ...]  # the role, then (custom roles) its Secret Manager permissions
    problem: str | None = None  # why the actions are only a guess ("other")


def actions_of(permissions: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({PERMISSION_ACTIONS[p] for p in permissions if p in PERMISSION_ACTIONS}))


def resolve_role(role: str, custom: Mapping[str, Sequence[str]]) -> RoleGrant | None:
    """What ``role`` allows on secrets; None when it holds no Secret Manager permission."""
    if role in PREDEFINED:
        return RoleGrant(actions_of(PREDEFINED[role]), (role,))
    if role in custom:
        relevant = sorted(p for p in set(custom[role]) if p in PERMISSION_ACTIONS)
        return RoleGrant(actions_of(relevant), (role, *relevant)) if relevant else None
    if CUSTOM_ROLE.fullmatch(role):
        why = (
            f"custom role '{role}': its permissions are unknown, so its grants carry action "
            "'other'; add `gcloud iam roles describe` output to map them"
        )
        return RoleGrant(("other",), (role,), why)
    if role.startswith("roles/secretmanager."):
        why = f"role '{role}' is not in the built-in map; its grants carry action 'other'"
        return RoleGrant(("other",), (role,), why)
    return None
