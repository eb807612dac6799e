"""IAM users, groups, roles and managed policies from ``get-account-authorization-details``,
and the statements that reach each user or role, with the chain that gives them (``via``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.aws.model import SnapshotDoc, account_of, as_dict, as_list, as_str
from ingest.snapshots.aws.policydoc import Statement, decode_document, parse_policy

# Used only when a policy is attached but its document is not in the snapshot (the export was
# filtered): the Secrets Manager part of these AWS managed policies is well known and stable.
_EVERYTHING = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
BUILTIN_POLICIES: dict[str, list[dict[str, Any]]] = {
    "arn:aws:iam::aws:policy/AdministratorAccess": _EVERYTHING,
    "arn:aws:iam::aws:policy/PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
    ],
    "arn:aws:iam::aws:policy/SecretsManagerReadWrite": [
        {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}
    ],
}


@dataclass(frozen=True)
class Holding:
    """One statement reaching a principal through ``via``; ``doc`` is where the statement is."""

    statement: Statement
    via: str
    doc: SnapshotDoc


@dataclass
class Inline:
    name: str
    statements: list[Statement]


@dataclass
class Entity:
    """An IAM user, role or group."""

    kind: str  # user, role, group
    arn: str
    name: str
    account: str
    doc: SnapshotDoc
    unique_id: str | None = None
    path: str = "/"
    tags: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)  # users: group names
    inline: list[Inline] = field(default_factory=list)
    attached: list[tuple[str, str]] = field(default_factory=list)  # (name, arn)
    aliases: list[str] = field(default_factory=list)
    boundary: str | None = None


@dataclass
class ManagedPolicy:
    arn: str
    name: str
    statements: list[Statement]
    doc: SnapshotDoc


def tags_of(value: Any) -> dict[str, str]:
    """``[{Key, Value}]`` -> ``{key: value}``."""
    out: dict[str, str] = {}
    for tag in as_list(value):
        key = as_str(as_dict(tag).get("Key"))
        if key is not None:
            val = as_dict(tag).get("Value")
            out[key] = val if isinstance(val, str) else ""
    return out


def _inline(entries: Any, owner: str, warnings: set[str]) -> list[Inline]:
    out = []
    for entry in as_list(entries):
        name = as_str(as_dict(entry).get("PolicyName")) or "?"
        statements, problems = parse_policy(as_dict(entry).get("PolicyDocument"))
        for problem in problems:
            warnings.add(f"{owner} > inline:{name}: {problem}")
        out.append(Inline(name, statements))
    return out


def _attached(entries: Any) -> list[tuple[str, str]]:
    out = []
    for entry in as_list(entries):
        arn = as_str(as_dict(entry).get("PolicyArn"))
        if arn is not None:
            out.append((as_str(as_dict(entry).get("PolicyName")) or arn.rsplit("/", 1)[-1], arn))
    return out


def trust_aliases(document: Any) -> list[str]:
    """``<kind>:<principal>`` of every Allow statement of a role's trust policy."""
    doc = decode_document(document)
    out: list[str] = []
    for raw in as_list(as_dict(doc).get("Statement")):
        st = as_dict(raw)
        if str(st.get("Effect", "")).lower() != "allow":
            continue
        principal = st.get("Principal")
        if principal == "*":
            out.append("AWS:*")
        for kind, names in as_dict(principal).items():
            out += [f"{kind}:{n}" for n in as_list(names) if isinstance(n, str)]
    return out


_FIELDS = {  # kind -> (name key, id key, inline list key)
    "user": ("UserName", "UserId", "UserPolicyList"),
    "group": ("GroupName", "GroupId", "GroupPolicyList"),
    "role": ("RoleName", "RoleId", "RolePolicyList"),
}


def parse_entity(kind: str, raw: Any, doc: SnapshotDoc, warnings: set[str]) -> Entity | str:
    """An Entity, or the reason this list entry is unusable."""
    item = as_dict(raw)
    name_key, id_key, inline_key = _FIELDS[kind]
    arn, name = as_str(item.get("Arn")), as_str(item.get(name_key))
    account = account_of(arn) if arn else None
    if arn is None or name is None or account is None:
        return f"a {kind} entry without a usable Arn and {name_key} is ignored"
    label = f"{kind}:{name}"
    entity = Entity(
        kind=kind,
        arn=arn,
        name=name,
        account=account,
        doc=doc,
        unique_id=as_str(item.get(id_key)),
        path=as_str(item.get("Path")) or "/",
        tags=tags_of(item.get("Tags")),
        groups=[g for g in as_list(item.get("GroupList")) if isinstance(g, str)],
        inline=_inline(item.get(inline_key), label, warnings),
        attached=_attached(item.get("AttachedManagedPolicies")),
        boundary=as_str(as_dict(item.get("PermissionsBoundary")).get("PermissionsBoundaryArn")),
    )
    if entity.unique_id:
        entity.aliases.append(f"id:{entity.unique_id}")
    if kind == "role":
        entity.aliases += trust_aliases(item.get("AssumeRolePolicyDocument"))
        for profile in as_list(item.get("InstanceProfileList")):
            profile_arn = as_str(as_dict(profile).get("Arn"))
            if profile_arn:
                entity.aliases.append(f"instance-profile:{profile_arn}")
    return entity


def parse_managed_policy(raw: Any, doc: SnapshotDoc, warnings: set[str]) -> ManagedPolicy | None:
    """The default version of a managed policy (``IsDefaultVersion``, else ``DefaultVersionId``)."""
    item = as_dict(raw)
    arn = as_str(item.get("Arn"))
    if arn is None:
        warnings.add(f"{doc.origin_file}: a managed policy entry without an Arn is ignored")
        return None
    name = as_str(item.get("PolicyName")) or arn.rsplit("/", 1)[-1]
    versions = [as_dict(v) for v in as_list(item.get("PolicyVersionList"))]
    default = [v for v in versions if v.get("IsDefaultVersion") is True]
    if not default:
        wanted = item.get("DefaultVersionId")
        default = [v for v in versions if wanted is not None and v.get("VersionId") == wanted]
    if not default:
        warnings.add(f"managed policy {name}: no default version in the snapshot; ignored")
        return None
    statements, problems = parse_policy(default[0].get("Document"))
    for problem in problems:
        warnings.add(f"managed policy {name}: {problem}")
    return ManagedPolicy(arn, name, statements, doc)


def holdings(
    entity: Entity,
    groups: dict[tuple[str, str], Entity],
    policies: dict[str, ManagedPolicy],
    warnings: set[str],
) -> list[Holding]:
    """Every statement reaching a user (its own and its groups') or a role, with ``via``."""
    prefix = f"{entity.kind}:{entity.name}"
    chain: list[tuple[str, Entity]] = [(prefix, entity)]
    for group_name in entity.groups:
        group = groups.get((entity.account, group_name))
        if group is None:
            warnings.add(f"{prefix} is in group {group_name}, which is not in the snapshot")
            continue
        chain.append((f"{prefix} > group:{group_name}", group))
    out: list[Holding] = []
    for via, owner in chain:
        for inline in owner.inline:
            out += [
                Holding(s, f"{via} > inline:{inline.name}", owner.doc) for s in inline.statements
            ]
        for name, arn in owner.attached:
            policy = policies.get(arn)
            if policy is not None:
                out += [Holding(s, f"{via} > policy:{name}", policy.doc) for s in policy.statements]
            elif arn in BUILTIN_POLICIES:
                warnings.add(
                    f"AWS managed policy {name} is attached but not in the snapshot; "
                    "its well-known Secrets Manager permissions were used"
                )
                statements, _ = parse_policy({"Statement": BUILTIN_POLICIES[arn]})
                out += [Holding(s, f"{via} > policy:{name}", owner.doc) for s in statements]
            else:
                warnings.add(
                    f"managed policy {name} ({arn}) is attached but its default version is not "
                    "in the snapshot: its permissions are unknown"
                )
    return out
