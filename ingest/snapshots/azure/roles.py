"""Access-policy permissions and Azure roles -> normalized actions on secrets.

Data-plane roles follow the published role definitions (Key Vault Secrets User: ``getSecret``
and ``readMetadata``; Key Vault Reader: ``readMetadata`` only, no values). They work only on
vaults that use the Azure RBAC permission model. Management-plane roles that can edit access
policies or role assignments (Owner, Contributor, Key Vault Contributor, User Access
Administrator, ...) give no data access directly, but can grant it to themselves: they map to
``permission_change`` (FORMATS §4(f), "indirect access").

>>> policy_actions(["Get", "List"])
('describe', 'list', 'read')
>>> role_grant("Key Vault Secrets User", None).actions
('describe', 'list', 'read')
>>> role_grant("Storage Blob Data Reader", None) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Secret permissions of an access policy (az keyvault set-policy --secret-permissions).
SECRET_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "get": ("describe", "read"),
    "list": ("list",),
    "set": ("create", "write"),  # SecretSet creates the secret when the name is new
    "delete": ("delete",),
    "recover": ("restore",),
    "backup": ("read",),  # an encrypted blob, restorable into the same geography (FORMATS §4(c))
    "restore": ("restore",),
    "purge": ("delete",),
}
SECRET_PERMISSIONS["all"] = tuple(sorted({a for v in SECRET_PERMISSIONS.values() for a in v}))

_DATA_ALL = ("create", "delete", "describe", "list", "read", "restore", "write")
DATA_ROLES: dict[str, tuple[str, ...]] = {
    "key vault administrator": _DATA_ALL,
    "key vault secrets officer": _DATA_ALL,
    "key vault secrets user": ("describe", "list", "read"),
    "key vault reader": ("describe", "list"),
}
MANAGEMENT_ROLES = frozenset(
    {
        "owner",
        "contributor",
        "key vault contributor",
        "user access administrator",
        "role based access control administrator",
        "key vault data access administrator",
    }
)
# Key Vault roles that hold no secret permission (keys and certificates only).
NO_SECRET_ROLES = frozenset(
    {
        "key vault crypto officer",
        "key vault crypto user",
        "key vault crypto service encryption user",
        "key vault crypto service release user",
    }
)
# Built-in role definition GUIDs (stable across tenants), for exports without roleDefinitionName.
ROLE_IDS: dict[str, str] = {
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "21090545-7ca7-4776-b22c-e363652d74d2": "Key Vault Reader",
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
    "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c4a72009": "User Access Administrator",
}


@dataclass(frozen=True)
class RoleGrant:
    actions: tuple[str, ...]
    data_plane: bool  # False: a management-plane role (works in both permission models)
    problem: str | None = None


def policy_actions(permissions: Iterable[object]) -> tuple[str, ...]:
    """Actions of an access policy's secret permissions (case varies: ``Get`` or ``get``)."""
    names = {p.strip().lower() for p in permissions if isinstance(p, str)}
    return tuple(sorted({a for n in names for a in SECRET_PERMISSIONS.get(n, ("other",))}))


def role_name(name: object, definition_id: object) -> str | None:
    """The role's name, from ``roleDefinitionName`` or a built-in ``roleDefinitionId``."""
    if isinstance(name, str) and name.strip():
        return name.strip()
    if isinstance(definition_id, str) and definition_id.strip():
        return ROLE_IDS.get(definition_id.rstrip("/").rsplit("/", 1)[-1].lower())
    return None


def role_grant(name: str, scope_level: str | None) -> RoleGrant | None:
    """What a role assignment allows on secrets; None when the role concerns no secret.

    A role that is not in the map counts (as ``other``) only when it names Key Vault or is
    assigned on a vault or a secret; elsewhere it is about other resources.
    """
    low = name.lower()
    if low in DATA_ROLES:
        return RoleGrant(DATA_ROLES[low], data_plane=True)
    if low in MANAGEMENT_ROLES:
        return RoleGrant(("permission_change",), data_plane=False)
    if low in NO_SECRET_ROLES:
        return None
    if "key vault" in low or scope_level in ("vault", "secret"):
        why = f"role '{name}' is not in the built-in map; its grants carry action 'other'"
        return RoleGrant(("other",), data_plane=True, problem=why)
    return None
