"""Who holds policies: auth roles, identity entities and groups, parsed leniently from ``data``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.vault.model import SnapshotDoc, as_bool, as_dict, as_str, str_list
from ingest.snapshots.vault.recognise import role_location

# Auth methods used by machines; an entity whose aliases all sit on such mounts is a service.
MACHINE_AUTH_TYPES = frozenset(
    {"approle", "kubernetes", "aws", "gcp", "azure", "jwt", "cert", "token", "alicloud", "oci",
     "cf"}
)  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MAX_ROLE_ALIASES = 50


def policy_names(value: Any) -> list[str]:
    """Vault lowercases policy names; keep first-seen order without duplicates."""
    return list(dict.fromkeys(p.lower() for p in str_list(value)))


def looks_like_email(value: str | None) -> bool:
    return bool(value) and _EMAIL.fullmatch(value or "") is not None


@dataclass
class Role:
    kind: str
    mount: str  # "auth/approle"
    name: str
    policies: list[str]
    default_policy: bool  # the implicit `default` policy applies
    condition: dict[str, Any]
    aliases: list[str]
    doc: SnapshotDoc

    @property
    def principal_id(self) -> str:
        return f"vault-role:{self.mount}/{self.name}"

    @property
    def label(self) -> str:
        return f"role:{self.mount}/{self.name}"


@dataclass(frozen=True)
class Alias:
    name: str
    mount_path: str | None
    mount_type: str | None
    mount_accessor: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entity:
    id: str
    name: str
    policies: list[str]
    disabled: bool
    metadata: dict[str, Any]
    aliases: list[Alias]
    direct_group_ids: list[str]
    other_group_ids: list[str]  # group_ids / inherited_group_ids as Vault reported them
    doc: SnapshotDoc

    @property
    def label(self) -> str:
        return f"entity:{self.name}"


@dataclass
class Group:
    id: str
    name: str
    type: str | None
    policies: list[str]
    member_entity_ids: list[str]
    member_group_ids: list[str]
    parent_group_ids: list[str]
    alias: Alias | None
    doc: SnapshotDoc

    @property
    def principal_id(self) -> str:
        return f"vault-group:{self.id}"

    @property
    def label(self) -> str:
        return f"group:{self.name}"


def _alias(value: Any) -> Alias | None:
    raw = as_dict(value)
    name = as_str(raw.get("name"))
    if name is None:
        return None
    mount_path = as_str(raw.get("mount_path"))
    return Alias(
        name=name,
        mount_path=mount_path.strip("/") if mount_path else None,
        mount_type=as_str(raw.get("mount_type")),
        mount_accessor=as_str(raw.get("mount_accessor")),
        metadata=as_dict(raw.get("metadata")),
    )


def _role_condition(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    keys = ["token_bound_cidrs", "secret_id_bound_cidrs", "bound_cidrs"]
    if kind == "token_role":
        keys += ["allowed_policies_glob", "disallowed_policies", "disallowed_policies_glob"]
    return {k: str_list(data.get(k)) for k in keys if str_list(data.get(k))}


def _role_aliases(kind: str, mount: str, data: dict[str, Any]) -> list[str]:
    if kind == "kubernetes_role":
        names = str_list(data.get("bound_service_account_names"))
        spaces = str_list(data.get("bound_service_account_namespaces"))
        pairs = [f"{mount}:{ns}/{sa}" for ns in spaces for sa in names]
        return pairs[:_MAX_ROLE_ALIASES]
    subject = as_str(data.get("bound_subject"))
    return [f"{mount}:{subject}"] if kind == "jwt_role" and subject else []


def parse_role(kind: str, data: Any, api_path: str | None, doc: SnapshotDoc) -> Role | str:
    """A role, or the reason it cannot be used."""
    body = as_dict(data)
    where = role_location(api_path)
    if kind == "token_role":
        mount, name = "auth/token", as_str(body.get("name")) or (where[1] if where else None)
    elif where is not None:
        mount, name = where
    else:
        mount, name = "", None
    if not name:
        return (
            "the role's name is not in the file; save it under its API path, "
            "e.g. v1/auth/<mount>/role/<name>.json or auth__<mount>__role__<name>.json"
        )
    if kind == "token_role":
        disallowed = set(policy_names(body.get("disallowed_policies")))
        policies = [p for p in policy_names(body.get("allowed_policies")) if p not in disallowed]
        default = "default" not in disallowed
    else:
        policies = policy_names(
            [*str_list(body.get("token_policies")), *str_list(body.get("policies"))]
        )
        default = True
    default = default and not as_bool(body.get("token_no_default_policy"))
    return Role(
        kind=kind,
        mount=mount,
        name=name,
        policies=policies,
        default_policy=default,
        condition=_role_condition(kind, body),
        aliases=_role_aliases(kind, mount, body),
        doc=doc,
    )


def parse_entity(data: Any, doc: SnapshotDoc) -> Entity | str:
    body = as_dict(data)
    entity_id = as_str(body.get("id"))
    if entity_id is None:
        return "entity without an id"
    raw_aliases = body.get("aliases")
    aliases = [a for a in map(_alias, raw_aliases if isinstance(raw_aliases, list) else []) if a]
    has_direct = isinstance(body.get("direct_group_ids"), list)
    direct = str_list(body.get("direct_group_ids") if has_direct else body.get("group_ids"))
    others = str_list(body.get("group_ids")) + str_list(body.get("inherited_group_ids"))
    return Entity(
        id=entity_id,
        name=as_str(body.get("name")) or entity_id,
        policies=policy_names(body.get("policies")),
        disabled=as_bool(body.get("disabled")),
        metadata=as_dict(body.get("metadata")),
        aliases=aliases,
        direct_group_ids=list(dict.fromkeys(direct)),
        other_group_ids=list(dict.fromkeys(others)),
        doc=doc,
    )


def parse_group(data: Any, doc: SnapshotDoc) -> Group | str:
    body = as_dict(data)
    group_id = as_str(body.get("id"))
    if group_id is None:
        return "group without an id"
    return Group(
        id=group_id,
        name=as_str(body.get("name")) or group_id,
        type=as_str(body.get("type")),
        policies=policy_names(body.get("policies")),
        member_entity_ids=str_list(body.get("member_entity_ids")),
        member_group_ids=str_list(body.get("member_group_ids")),
        parent_group_ids=str_list(body.get("parent_group_ids")),
        alias=_alias(body.get("alias")),
        doc=doc,
    )


def entity_email(entity: Entity) -> str | None:
    """From metadata ``email``, else alias metadata, else an alias name that looks like one."""
    candidates = [entity.metadata.get("email")]
    candidates += [a.metadata.get("email") for a in entity.aliases]
    candidates += [a.name for a in entity.aliases]
    for value in candidates:
        if isinstance(value, str) and looks_like_email(value):
            return value
    return None
