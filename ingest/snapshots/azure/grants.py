"""Grant and principal rows from vault access policies and Azure role assignments.

A vault-wide grant (an access policy, a role at vault scope or above) is expanded against the
vault's inventory when one is in the ingest, else written once for ``.../secrets/*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.azure.model import (
    ANY_VAULT,
    DEFAULT_DNS_SUFFIX,
    SOURCE,
    ObjectRef,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    stable_id,
    wildcard,
)
from ingest.snapshots.azure.roles import policy_actions, role_grant, role_name
from ingest.snapshots.azure.scopes import Scope, VaultInfo, parse_scope

PRINCIPAL_TYPES = {
    "user": "human",
    "group": "group",
    "foreigngroup": "group",
    "serviceprincipal": "service",
    "msi": "service",
}
RBAC_ONLY = (
    "not in force: the vault uses Azure RBAC (enableRbacAuthorization=true), "
    "which ignores access policies"
)
POLICIES_ONLY = (
    "not in force: the vault uses access policies (enableRbacAuthorization=false), "
    "which ignore data-plane role assignments"
)


def _join(*parts: str | None) -> str | None:
    return "; ".join(p for p in parts if p) or None


@dataclass
class _Holder:
    principal_type: str
    doc: SnapshotDoc
    names: set[str] = field(default_factory=set)
    policies: set[str] = field(default_factory=set)


@dataclass
class GrantBuilder:
    vaults: dict[str, VaultInfo]
    inventory: dict[str, list[str]]  # vault name -> secret ids
    types: dict[str, str]  # principal id -> principal type, from role assignments
    warnings: set[str]
    grants: list[dict[str, Any]] = field(default_factory=list)
    holders: dict[tuple[str, str], _Holder] = field(default_factory=dict)

    def _resources(self, vault: str) -> list[str]:
        info = self.vaults.get(vault)
        host = info.host if info else f"{vault}.{DEFAULT_DNS_SUFFIX}"
        return sorted(self.inventory.get(vault, [])) or [wildcard(host)]

    def access_policies(self, info: VaultInfo, body: dict[str, Any], doc: SnapshotDoc) -> None:
        policies = as_dict(body.get("properties")).get("accessPolicies")
        count = 0
        for item in policies if isinstance(policies, list) else []:
            policy = as_dict(item)
            oid = as_str(policy.get("objectId"))
            if oid is None:
                self.warnings.add(f"{doc.origin_file}: an access policy without objectId skipped")
                continue
            oid, app = oid.lower(), as_str(policy.get("applicationId"))
            raw = as_dict(policy.get("permissions")).get("secrets")
            listed = raw if isinstance(raw, list) else []
            perms = sorted({p.strip() for p in listed if isinstance(p, str) and p.strip()})
            via = f"access-policy:{info.name}" + (f" (application {app.lower()})" if app else "")
            ptype = self.types.get(oid, "unknown")
            self._hold(info.name, oid, ptype=ptype, doc=doc, policy=via, name=None)
            actions = policy_actions(perms)
            if not actions:
                continue
            count += 1
            compound = (
                f"only through application {app.lower()} (compound identity)" if app else None
            )
            condition = _join(RBAC_ONLY if info.rbac else None, compound)
            for resource in self._resources(info.name):
                self._add(
                    info.name,
                    oid,
                    resource,
                    actions=actions,
                    capabilities=perms,
                    via=via,
                    condition=condition,
                    doc=doc,
                )
        if info.rbac and count:
            self.warnings.add(
                f"vault {info.name} uses Azure RBAC: its {count} access policies with secret "
                "permissions are not in force (rows kept, with a condition saying so)"
            )

    def assignment(self, body: dict[str, Any], doc: SnapshotDoc) -> None:
        role = role_name(body.get("roleDefinitionName"), body.get("roleDefinitionId"))
        scope = parse_scope(body.get("scope"))
        pid = str(body.get("principalId")).lower()
        if role is None or scope.level == "other":
            return
        granted = role_grant(role, scope.level)
        if granted is None:
            return
        if granted.problem:
            self.warnings.add(granted.problem)
        ptype = self.types.get(pid, "unknown")
        name = as_str(body.get("principalName"))
        if body.get("principalName") == "":
            self.warnings.add(
                f"role assignment of {role} to {pid} has an empty principalName "
                "(a deleted principal?)"
            )
        plane = "" if granted.data_plane else " (management plane)"
        via = f"{scope.label()} > role:{role}{plane}"
        abac = as_str(body.get("condition"))
        for store, resources, info in self._targets(scope):
            ignored = granted.data_plane and info is not None and info.rbac is False
            condition = _join(POLICIES_ONLY if ignored else None, abac)
            self._hold(store, pid, ptype=ptype, doc=doc, policy=f"role:{role}", name=name)
            for resource in resources:
                self._add(
                    store,
                    pid,
                    resource,
                    actions=granted.actions,
                    capabilities=[role],
                    via=via,
                    condition=condition,
                    doc=doc,
                )

    def _covered(self, scope: Scope) -> list[VaultInfo]:
        """The known vaults under a subscription or resource-group scope."""
        if scope.level not in ("subscription", "resource_group"):
            return []
        return sorted(
            (
                v
                for v in self.vaults.values()
                if v.subscription == scope.subscription
                and (scope.level == "subscription" or v.resource_group == scope.resource_group)
            ),
            key=lambda v: v.name,
        )

    def _targets(self, scope: Scope) -> list[tuple[str, list[str], VaultInfo | None]]:
        if scope.vault is not None:
            info = self.vaults.get(scope.vault)
            if scope.level == "secret" and scope.secret:
                host = info.host if info else f"{scope.vault}.{DEFAULT_DNS_SUFFIX}"
                sid = ObjectRef(host, "secrets", scope.secret, None).secret_id(scope.vault)
                return [(scope.vault, [sid], info)]
            return [(scope.vault, self._resources(scope.vault), info)]
        covered = self._covered(scope)
        if covered:
            return [(v.name, self._resources(v.name), v) for v in covered]
        self.warnings.add(
            f"role assignments at {scope.label()} cover vaults no snapshot describes; they are "
            f"written for {wildcard(None)} with store '{ANY_VAULT}' (add `az keyvault show` or "
            "`az keyvault list` output to expand them)"
        )
        return [(ANY_VAULT, [wildcard(None)], None)]

    def _hold(
        self, store: str, pid: str, *, ptype: str, doc: SnapshotDoc, policy: str, name: str | None
    ) -> None:
        holder = self.holders.get((store, pid))
        if holder is None or doc.origin_file < holder.doc.origin_file:
            old = (holder.names, holder.policies) if holder else (set(), set())
            holder = _Holder(ptype, doc, *old)
            self.holders[(store, pid)] = holder
        holder.policies.add(policy)
        if name:
            holder.names.add(name)

    def _add(
        self,
        store: str,
        pid: str,
        resource: str,
        *,
        actions: tuple[str, ...],
        capabilities: list[str],
        via: str,
        condition: str | None,
        doc: SnapshotDoc,
    ) -> None:
        when = as_utc(doc.snapshot_time)
        row = {
            "grant_id": stable_id(SOURCE, store, pid, resource, via, condition, when),
            "snapshot_time": when,
            "source": SOURCE,
            "store": store,
            "principal_id": pid,
            "principal_type": self.types.get(pid, "unknown"),
            "resource": resource,
            "actions": list(actions),
            "capabilities": list(capabilities),
            "effect": "allow",
            "via": via,
            "condition": condition,
            "origin_file": doc.origin_file,
        }
        self.grants.append(row)

    def principals(self) -> list[dict[str, Any]]:
        rows = []
        for (store, pid), h in sorted(self.holders.items()):
            when = as_utc(h.doc.snapshot_time)
            name = min(h.names) if h.names else None
            email = name if h.principal_type == "human" and name and "@" in name else None
            row = {
                "principal_row_id": stable_id(SOURCE, store, pid, when),
                "snapshot_time": when,
                "source": SOURCE,
                "store": store,
                "principal_id": pid,
                "principal_type": h.principal_type,
                "name": name,
                "email": email,
                "groups": [],  # Entra ID group membership is not in these exports
                "policies": sorted(h.policies),
                "aliases": sorted(h.names),
                "disabled": False,
                "origin_file": h.doc.origin_file,
            }
            rows.append(row)
        return rows
