"""Second pass: policies parsed against the mount table, then principals and their grants."""

from __future__ import annotations

from typing import Any

from ingest.schema import load as load_schema
from ingest.snapshots.vault.collect import Collected, newest
from ingest.snapshots.vault.effective import entity_chains, group_chains, parent_map
from ingest.snapshots.vault.grants import GrantBuilder, Holding, PolicyDef, resolve_policy
from ingest.snapshots.vault.hclpolicy import PolicySyntaxError, parse_policy
from ingest.snapshots.vault.principals import entity_row, group_row, role_row


def _policy_defs(c: Collected) -> dict[str, PolicyDef]:
    out: dict[str, PolicyDef] = {}
    chosen = newest(c.policies, lambda p: p[0], lambda p: p[2], "policy", c)
    for name, (_, text, doc) in sorted(chosen.items()):
        try:
            rules = parse_policy(text)
        except PolicySyntaxError as exc:
            c.problem(doc, f"policy '{name}': {exc}")
            out[name] = PolicyDef(name, None, doc)
            continue
        out[name] = PolicyDef(name, resolve_policy(name, rules, c.mounts, c.warnings), doc)
    return out


class Assembler:
    def __init__(self, c: Collected, store: str) -> None:
        self.c, self.store = c, store
        self.groups = newest(c.groups, lambda g: g.id, lambda g: g.doc, "group", c)
        self.parents = parent_map(self.groups)
        actions = load_schema().vocabularies["action"]
        self.gb = GrantBuilder(store, _policy_defs(c), actions, c.warnings)
        self.grants: list[dict[str, Any]] = []
        self.principals: list[dict[str, Any]] = []

    def _label(self, gid: str) -> str:
        group = self.groups.get(gid)
        return group.label if group else f"group:{gid}"

    def _group_holdings(self, chains: list[tuple[str, ...]], holder: str) -> list[Holding]:
        out: list[Holding] = []
        for chain in chains:
            group = self.groups.get(chain[-1])
            if group is None:
                self.c.warnings.add(
                    f"{holder} references group '{chain[-1]}' that no snapshot file defines"
                )
                continue
            prefix = " > ".join(self._label(gid) for gid in chain)
            named_by = f"group {group.name} ({group.id})"
            out += [Holding(prefix, p, group.doc, named_by=named_by) for p in group.policies]
        return out

    def _names(self, chains: list[tuple[str, ...]], skip: str | None = None) -> list[str]:
        ids = {gid for chain in chains for gid in chain if gid != skip}
        return [self.groups[g].name if g in self.groups else g for g in ids]

    def roles(self) -> None:
        chosen = newest(self.c.roles, lambda r: r.principal_id, lambda r: r.doc, "role", self.c)
        for _, role in sorted(chosen.items()):
            holder = f"role {role.mount}/{role.name}"
            names = role.policies + (["default"] if role.default_policy else [])
            holdings = [
                Holding(role.label, p, role.doc, role.condition) for p in dict.fromkeys(names)
            ]
            self.grants += self.gb.grants_for((role.principal_id, "role"), holder, holdings)
            self.principals.append(role_row(self.store, role))

    def entities(self) -> None:
        chosen = newest(self.c.entities, lambda e: e.id, lambda e: e.doc, "entity", self.c)
        for _, entity in sorted(chosen.items()):
            holder = f"entity {entity.name} ({entity.id})"
            chains = entity_chains(entity, self.groups, self.parents)
            holdings = [Holding(entity.label, p, entity.doc) for p in entity.policies]
            holdings += self._group_holdings(chains, holder)
            row = entity_row(self.store, entity, self._names(chains), self.c.mounts)
            principal = (entity.id, row["principal_type"])
            self.grants += self.gb.grants_for(principal, holder, holdings)
            self.principals.append(row)

    def groups_(self) -> None:
        for _, group in sorted(self.groups.items()):
            holder = f"group {group.name} ({group.id})"
            chains = group_chains(group, self.parents)
            holdings = self._group_holdings(chains, holder)
            self.grants += self.gb.grants_for((group.principal_id, "group"), holder, holdings)
            names = self._names(chains, skip=group.id)
            self.principals.append(group_row(self.store, group, names, self.c.mounts))
