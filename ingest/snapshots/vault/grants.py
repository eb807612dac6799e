"""Grant rows: every path rule of every policy that reaches a principal, with the chain (``via``).

Deny overrides: Vault merges a principal's policies per exact path, and a ``deny`` on a path
voids every capability other policies give on that same path. Those allow rules are dropped
here; allow rules on *other* patterns stay, and a consumer applies the deny rows on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.vault.actions import (
    STANDARD_CAPABILITIES,
    MountTable,
    Resolved,
    actions_for,
    denied_actions,
    resolve,
)
from ingest.snapshots.vault.hclpolicy import PathRule
from ingest.snapshots.vault.model import SOURCE, SnapshotDoc, as_utc, compact_json, stable_id


@dataclass(frozen=True)
class PolicyDef:
    name: str
    rules: list[tuple[PathRule, Resolved]] | None  # None: the body could not be parsed
    doc: SnapshotDoc


@dataclass(frozen=True)
class Holding:
    """One policy reaching a principal: ``<via_prefix> > policy:<name>``."""

    via_prefix: str
    policy: str
    doc: SnapshotDoc  # the file that names the policy (used for `root`, which has no body)
    condition: dict[str, Any] = field(default_factory=dict)
    named_by: str | None = None  # who names the policy, for warnings; default: the principal


def resolve_policy(
    name: str, rules: list[PathRule], mounts: MountTable, warnings: set[str]
) -> list[tuple[PathRule, Resolved]]:
    """Fold each rule once per policy; note assumptions and rules that grant nothing."""
    out: list[tuple[PathRule, Resolved]] = []
    for rule in rules:
        res = resolve(rule.path, mounts)
        if res.assumed_kv2:
            warnings.add(
                f"no sys/mounts snapshot: mount '{res.assumed_kv2}/' taken as KV v2 because "
                "policy paths under it name data/, metadata/, delete/, undelete/ or destroy/"
            )
        if res.kv2_unprefixed:
            warnings.add(
                f"policy '{name}': path '{rule.path}' is on KV v2 mount '{res.mount}/' but names "
                "no data/ or metadata/ segment, so it grants nothing on secrets (no grant row)"
            )
        out.append((rule, res))
    return out


class GrantBuilder:
    def __init__(
        self,
        store: str,
        policies: dict[str, PolicyDef],
        all_actions: tuple[str, ...],
        warnings: set[str],
    ) -> None:
        self.store = store
        self.policies = policies
        self.all_actions = sorted(all_actions)
        self.warnings = warnings

    def _row(
        self,
        principal: tuple[str, str],
        *,
        resource: str,
        via: str,
        effect: str,
        condition: str | None,
        doc: SnapshotDoc,
    ) -> dict[str, Any]:
        principal_id, principal_type = principal
        when = as_utc(doc.snapshot_time)
        return {
            "grant_id": stable_id(
                SOURCE, self.store, principal_id, resource, via, effect, condition, when
            ),
            "snapshot_time": when,
            "source": SOURCE,
            "store": self.store,
            "principal_id": principal_id,
            "principal_type": principal_type,
            "resource": resource,
            "actions": [],
            "capabilities": [],
            "effect": effect,
            "via": via,
            "condition": condition,
            "origin_file": doc.origin_file,
        }

    def grants_for(
        self, principal: tuple[str, str], holder: str, holdings: list[Holding]
    ) -> list[dict[str, Any]]:
        """Rows for one principal (id, type); ``holder`` names it in warnings."""
        merged: dict[tuple[str, str, str, str | None], dict[str, Any]] = {}
        rules: list[tuple[PathRule, Resolved, str, PolicyDef, Holding]] = []
        for holding in holdings:
            via = f"{holding.via_prefix} > policy:{holding.policy}"
            if holding.policy == "root":
                cond = compact_json(holding.condition) if holding.condition else None
                row = self._row(
                    principal,
                    resource=f"vault://{self.store}/*",
                    via=via,
                    effect="allow",
                    condition=cond,
                    doc=holding.doc,
                )
                row["actions"] = list(self.all_actions)
                row["capabilities"] = sorted(STANDARD_CAPABILITIES)
                merged[(row["resource"], via, "allow", cond)] = row
                continue
            pdef = self.policies.get(holding.policy)
            if pdef is None:
                who = holding.named_by or holder
                self.warnings.add(
                    f"{who} references policy '{holding.policy}' that no snapshot file defines"
                )
                continue
            if pdef.rules is None:
                who = holding.named_by or holder
                self.warnings.add(
                    f"{who} references policy '{holding.policy}' whose body could not be parsed"
                )
                continue
            rules += [(rule, res, via, pdef, holding) for rule, res in pdef.rules]
        denied = {rule.path for rule, *_ in rules if "deny" in rule.capabilities}
        for rule, res, via, pdef, holding in rules:
            deny = "deny" in rule.capabilities
            if (not deny and rule.path in denied) or res.kv2_unprefixed:
                continue
            caps = ("deny",) if deny else rule.capabilities
            actions = denied_actions(res.tables) if deny else actions_for(caps, res.tables)
            if not actions:
                continue
            extra = {**rule.condition, **holding.condition}
            cond = compact_json(extra) if extra else None
            effect = "deny" if deny else "allow"
            key = (res.resource(self.store), via, effect, cond)
            row = merged.get(key) or self._row(
                principal, resource=key[0], via=via, effect=effect, condition=cond, doc=pdef.doc
            )
            merged[key] = row
            row["actions"] = sorted({*row["actions"], *actions})
            row["capabilities"] = sorted({*row["capabilities"], *caps})
        return list(merged.values())
