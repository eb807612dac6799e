"""Group membership: which groups reach an entity or group, and through which chain (cycle-safe).

A chain is a tuple of group ids from the group the principal belongs to directly up to the
group that holds a policy: ``("payments", "engineering")`` means the principal is in
``payments``, which is a member of ``engineering``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from ingest.snapshots.vault.holders import Entity, Group

Chain = tuple[str, ...]


def parent_map(groups: Mapping[str, Group]) -> dict[str, list[str]]:
    """group id -> parent group ids, from ``parent_group_ids`` and from ``member_group_ids``."""
    parents: dict[str, set[str]] = {gid: set(g.parent_group_ids) for gid, g in groups.items()}
    for gid, group in groups.items():
        for child in group.member_group_ids:
            parents.setdefault(child, set()).add(gid)
    return {gid: sorted(ps - {gid}) for gid, ps in parents.items()}


def chains_from(start_ids: Iterable[str], parents: Mapping[str, list[str]]) -> list[Chain]:
    """Every group reachable upwards from each start group, with the shortest chain to it.

    Breadth-first with a visited set per start group, so membership cycles terminate.
    """
    out: list[Chain] = []
    for start in sorted(set(start_ids)):
        seen = {start}
        queue: deque[Chain] = deque([(start,)])
        while queue:
            chain = queue.popleft()
            out.append(chain)
            for parent in parents.get(chain[-1], []):
                if parent not in seen:
                    seen.add(parent)
                    queue.append((*chain, parent))
    return out


def entity_chains(
    entity: Entity, groups: Mapping[str, Group], parents: Mapping[str, list[str]]
) -> list[Chain]:
    """Chains for an entity: its direct groups (as the entity or a group lists them) upwards.

    Groups Vault reports as the entity's (``group_ids``, ``inherited_group_ids``) that no
    chain reaches, because a group file is missing, count as one-element chains.
    """
    direct = set(entity.direct_group_ids)
    direct |= {gid for gid, g in groups.items() if entity.id in g.member_entity_ids}
    chains = chains_from(direct, parents)
    reached = {c[-1] for c in chains}
    chains += [(gid,) for gid in sorted(set(entity.other_group_ids) - reached)]
    return chains


def group_chains(group: Group, parents: Mapping[str, list[str]]) -> list[Chain]:
    """Chains for a group principal: itself first, then its ancestors."""
    return chains_from([group.id], parents)
