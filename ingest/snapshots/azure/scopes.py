"""ARM ids: which vaults a role assignment scope covers, and the vaults the snapshots know.

>>> parse_scope("/subscriptions/00000000-0000-0000-0000-00000000ac3e/resourceGroups/RG-Sec"
...             "/providers/Microsoft.KeyVault/vaults/Acme-Prod-KV/secrets/db").level
'secret'
>>> parse_scope("/providers/Microsoft.Management/managementGroups/acme").level
'management_group'
>>> parse_scope("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/x/y").level
'other'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    level: str  # root, management_group, subscription, resource_group, vault, secret, other
    subscription: str | None = None  # lower-case
    resource_group: str | None = None  # lower-case
    vault: str | None = None  # lower-case
    secret: str | None = None  # as written
    name: str | None = None  # the management group

    def label(self) -> str:
        """A short name for ``via``: ``subscription:<id>``, ``vault:<name>``, ..."""
        if self.level == "secret":
            return f"secret:{self.vault}/{self.secret}"
        if self.level == "vault":
            return f"vault:{self.vault}"
        if self.level == "resource_group":
            return f"resource-group:{self.subscription}/{self.resource_group}"
        if self.level == "subscription":
            return f"subscription:{self.subscription}"
        if self.level == "management_group":
            return f"management-group:{self.name}"
        return self.level


def parse_scope(text: object) -> Scope:
    """The level of an ARM scope (case-insensitive, as ARM compares them)."""
    if not isinstance(text, str) or not text.strip().startswith("/"):
        return Scope("other")
    segs = [s for s in text.strip().split("/") if s]
    low = [s.lower() for s in segs]
    if not segs:
        return Scope("root")
    if low[:3] == ["providers", "microsoft.management", "managementgroups"] and len(segs) == 4:
        return Scope("management_group", name=segs[3])
    if low[0] != "subscriptions" or len(segs) < 2:
        return Scope("other")
    sub = low[1]
    if len(segs) == 2:
        return Scope("subscription", sub)
    if low[2] != "resourcegroups" or len(segs) < 4:
        return Scope("other", sub)
    rg = low[3]
    if len(segs) == 4:
        return Scope("resource_group", sub, rg)
    if low[4:7] != ["providers", "microsoft.keyvault", "vaults"] or len(segs) < 8:
        return Scope("other", sub, rg)
    vault = low[7]
    if len(segs) == 8:
        return Scope("vault", sub, rg, vault)
    if low[8] == "secrets" and len(segs) == 10:
        return Scope("secret", sub, rg, vault, segs[9])
    return Scope("other", sub, rg, vault)


@dataclass(frozen=True)
class VaultInfo:
    """One vault as ``az keyvault show`` (or ``list``) describes it."""

    name: str  # lower-case
    host: str  # lower-case, e.g. acme-prod-kv.vault.azure.net
    subscription: str | None
    resource_group: str | None
    rbac: bool | None  # enableRbacAuthorization; None when the export does not say
    tags: tuple[tuple[str, str], ...] = ()  # vault settings copied onto its secrets' tags
