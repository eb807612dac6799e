"""First pass over the snapshot files: recognise each one and gather what it defines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, TypeVar

from ingest.snapshots.vault.actions import MountTable
from ingest.snapshots.vault.holders import (
    Entity,
    Group,
    Role,
    parse_entity,
    parse_group,
    parse_role,
)
from ingest.snapshots.vault.model import ROLE_KINDS, SnapshotDoc, as_dict, as_str, as_utc
from ingest.snapshots.vault.paths import file_stem, normalise_api_path
from ingest.snapshots.vault.recognise import recognise, unwrap

T = TypeVar("T")
_UNRECOGNISED = (
    "not a recognised Vault snapshot (expected a Vault API response, its data, "
    "or a LIST key array saved under its API path)"
)
_KV_DATA = (
    "a KV data read holds secret values and is not imported; delete this file and save "
    "`vault kv metadata get -format=json` output instead"
)


@dataclass
class Collected:
    mounts: MountTable = field(default_factory=MountTable)
    policies: list[tuple[str, str, SnapshotDoc]] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    kv: list[tuple[Any, SnapshotDoc, str | None]] = field(default_factory=list)
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)

    def problem(self, doc: SnapshotDoc, reason: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(reason)


def _policy_name(data: dict[str, Any], path: str | None, doc: SnapshotDoc, c: Collected) -> str:
    name = as_str(data.get("name"))
    if name is None and path:
        name = path.rsplit("/", 1)[-1]
    if name is None:
        name = file_stem(PurePath(doc.origin_file).name)
        c.warnings.add(f"{doc.origin_file}: policy name '{name}' taken from the file name")
    return name.strip().lower()


def _collect_holder(kind: str, data: Any, path: str | None, doc: SnapshotDoc, c: Collected) -> None:
    if kind == "entity":
        holder: Role | Entity | Group | str = parse_entity(data, doc)
    elif kind == "group":
        holder = parse_group(data, doc)
    else:
        holder = parse_role(kind, data, path, doc)
    if isinstance(holder, str):
        c.problem(doc, holder)
    elif isinstance(holder, Role):
        c.roles.append(holder)
    elif isinstance(holder, Entity):
        c.entities.append(holder)
    else:
        c.groups.append(holder)


def collect(doc: SnapshotDoc, c: Collected) -> None:
    path = normalise_api_path(doc.api_path) if isinstance(doc.api_path, str) else None
    kind = recognise(doc.payload, path)
    c.kinds[doc.origin_file] = kind
    data = unwrap(doc.payload)
    if kind is None:
        c.problem(doc, _UNRECOGNISED)
    elif kind in ("mounts", "auth_mounts"):
        c.mounts.add(data, is_auth=kind == "auth_mounts")
    elif kind == "acl_policy":
        text = data.get("policy") if isinstance(data.get("policy"), str) else data.get("rules")
        c.policies.append((_policy_name(data, path, doc, c), str(text), doc))
    elif kind == "policy_list_detailed":
        for name, info in as_dict(data.get("key_info")).items():
            c.policies.append((str(name).lower(), str(as_dict(info).get("policy")), doc))
    elif kind in ROLE_KINDS or kind in ("entity", "group"):
        _collect_holder(kind, data, path, doc, c)
    elif kind == "kv_metadata":
        c.kv.append((data, doc, path))
    elif kind == "kv_data":
        c.problem(doc, _KV_DATA)
    elif kind == "sentinel_policy":
        c.warnings.add(f"{doc.origin_file}: Sentinel (RGP/EGP) policies are not imported")


def newest(
    items: list[T],
    key: Callable[[T], str],
    doc: Callable[[T], SnapshotDoc],
    what: str,
    c: Collected,
) -> dict[str, T]:
    """One item per key: the newest snapshot, the first file on ties; duplicates are warned."""
    chosen: dict[str, T] = {}
    repeated: set[str] = set()
    for item in items:
        k = key(item)
        prev = chosen.get(k)
        if prev is not None:
            repeated.add(k)
        if prev is None or as_utc(doc(item).snapshot_time) > as_utc(doc(prev).snapshot_time):
            chosen[k] = item
    for k in sorted(repeated):
        c.warnings.add(f"{what} '{k}' is in several files; using {doc(chosen[k]).origin_file}")
    return chosen
