"""First pass over the files: recognise each one and gather vaults, role assignments and
secret items."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ingest.snapshots.azure.model import (
    DEFAULT_DNS_SUFFIX,
    ObjectRef,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    secret_ref,
)
from ingest.snapshots.azure.recognise import (
    flat_assignment,
    is_vault,
    recognise,
    secret_item_kind,
    unwrap,
)
from ingest.snapshots.azure.scopes import VaultInfo, parse_scope

T = TypeVar("T")
UNRECOGNISED = (
    "not a recognised Azure snapshot (expected `az ... -o json` output of keyvault show/list, "
    "role assignment list, or keyvault secret list/list-versions/list-deleted)"
)
VALUE_FILE = (
    "holds a secret value (`az keyvault secret show`) and is not imported; delete this file "
    "and save `az keyvault secret list` output instead"
)
_VAULT_TAGS = (
    ("enableRbacAuthorization", "azure:vault_rbac_authorization"),
    ("enableSoftDelete", "azure:vault_soft_delete"),
    ("enablePurgeProtection", "azure:vault_purge_protection"),
    ("publicNetworkAccess", "azure:vault_public_network_access"),
)


@dataclass
class Collected:
    vaults: list[tuple[VaultInfo, dict[str, Any], SnapshotDoc]] = field(default_factory=list)
    assignments: list[tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=list)
    secrets: list[tuple[ObjectRef, dict[str, Any], str, SnapshotDoc]] = field(default_factory=list)
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)

    def problem(self, doc: SnapshotDoc, reason: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(reason)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def vault_info(body: dict[str, Any]) -> VaultInfo | None:
    name = as_str(body.get("name"))
    if name is None:
        return None
    props = as_dict(body.get("properties"))
    uri = as_str(props.get("vaultUri")) or ""
    host = (
        uri.split("://", 1)[-1].split("/", 1)[0].lower() or f"{name.lower()}.{DEFAULT_DNS_SUFFIX}"
    )
    scope = parse_scope(body.get("id"))
    rbac = props.get("enableRbacAuthorization")
    tags = tuple((tag, _text(props[key])) for key, tag in _VAULT_TAGS if props.get(key) is not None)
    return VaultInfo(
        name=name.lower(),
        host=host,
        subscription=scope.subscription,
        resource_group=scope.resource_group or as_str(body.get("resourceGroup")),
        rbac=rbac if isinstance(rbac, bool) else None,
        tags=tags,
    )


def _items(payload: Any) -> list[Any]:
    items = unwrap(payload)
    return items if isinstance(items, list) else [items]


def collect(doc: SnapshotDoc, c: Collected) -> None:
    if doc.payload in (None, [], {}):
        c.kinds[doc.origin_file] = "empty"
        return
    kind = recognise(doc.payload, doc.api_path)
    c.kinds[doc.origin_file] = kind
    if kind is None:
        c.problem(doc, UNRECOGNISED)
    elif kind == "secret_value":
        c.problem(doc, VALUE_FILE)
    elif kind in ("vault", "vault_list"):
        for item in _items(doc.payload):
            info = vault_info(item) if is_vault(item) else None
            if info is not None:
                c.vaults.append((info, item, doc))
    elif kind == "role_assignments":
        for item in _items(doc.payload):
            body = flat_assignment(item)
            if body is not None:
                c.assignments.append((body, doc))
    else:
        for item in _items(doc.payload):
            ref = secret_ref(as_dict(item).get("id"))
            item_kind = secret_item_kind(item)
            if ref is not None and item_kind is not None:
                c.secrets.append((ref, item, item_kind, doc))


def newest(
    items: Iterable[T],
    key: Callable[[T], str],
    doc: Callable[[T], SnapshotDoc],
    what: str,
    c: Collected,
) -> dict[str, T]:
    """One item per key: the newest snapshot, the first file on ties; repeats are warned."""
    chosen: dict[str, T] = {}
    repeated: set[str] = set()
    for item in items:
        k = key(item)
        prev = chosen.get(k)
        if prev is not None and doc(prev).origin_file != doc(item).origin_file:
            repeated.add(k)
        if prev is None or as_utc(doc(item).snapshot_time) > as_utc(doc(prev).snapshot_time):
            chosen[k] = item
    for k in sorted(repeated):
        c.warnings.add(f"{what} '{k}' is in several files; using {doc(chosen[k]).origin_file}")
    return chosen
