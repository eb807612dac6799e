"""RBAC objects -> grants on Secrets and the principals that hold them (FORMATS.md §7(f)).

A binding gives its subjects (User, Group, ServiceAccount) the rules of the role it references.
Only rules that reach core Secrets count: ``apiGroups`` holding ``""`` or ``*``, ``resources``
holding ``secrets`` or ``*``. Scope: a RoleBinding grants in its namespace (also when it
references a ClusterRole), a ClusterRoleBinding in every namespace; ``resourceNames`` narrow the
grant to those Secrets, otherwise the resource is a pattern with ``*``:
``k8s://<cluster>/<namespace>/*`` or ``k8s://<cluster>/*/*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.model import SnapshotDoc
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, stable_id

SOURCE = "k8s"
# The events action of each verb (get returns the value; list/watch return every value too).
VERB_ACTIONS: dict[str, str] = {
    "get": "read",
    "list": "list",
    "watch": "list",
    "create": "create",
    "update": "write",
    "patch": "write",
    "delete": "delete",
    "deletecollection": "delete",
}
ALL_VERBS = tuple(VERB_ACTIONS)


@dataclass(frozen=True)
class Rule:
    verbs: tuple[str, ...]
    names: tuple[str, ...]  # resourceNames; empty: every Secret in scope


@dataclass
class Role:
    kind: str  # Role or ClusterRole
    namespace: str | None
    name: str
    rules: list[Rule]
    labels: dict[str, str]
    aggregation: list[dict[str, str]] | None  # matchLabels selectors of an aggregationRule
    doc: SnapshotDoc


@dataclass
class Binding:
    kind: str  # RoleBinding or ClusterRoleBinding
    namespace: str | None
    name: str
    role_kind: str
    role_name: str
    subjects: list[dict[str, Any]]
    doc: SnapshotDoc


@dataclass
class Subject:
    principal_id: str
    principal_type: str
    name: str
    store: str
    doc: SnapshotDoc
    roles: set[str] = field(default_factory=set)


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def secret_rules(rules: Any) -> list[Rule]:
    """The rules that reach core Secrets, verbs lower-cased (``*`` kept)."""
    out = []
    for rule in rules if isinstance(rules, list) else []:
        r = as_dict(rule)
        groups, resources = _strs(r.get("apiGroups")), _strs(r.get("resources"))
        if not ({"", "*"} & set(groups)) or not ({"secrets", "*"} & set(resources)):
            continue
        verbs = tuple(sorted({v.lower() for v in _strs(r.get("verbs"))}))
        if verbs:
            out.append(Rule(verbs, tuple(sorted(set(_strs(r.get("resourceNames")))))))
    return out


def read_role(item: dict[str, Any], doc: SnapshotDoc) -> Role | None:
    meta = as_dict(item.get("metadata"))
    name = as_str(meta.get("name"))
    if name is None:
        return None
    agg = item.get("aggregationRule")
    selectors = None
    if isinstance(agg, dict):
        selectors = [
            {str(k): str(v) for k, v in as_dict(s.get("matchLabels")).items()}
            for s in agg.get("clusterRoleSelectors") or []
            if isinstance(s, dict)
        ]
    labels = {str(k): str(v) for k, v in as_dict(meta.get("labels")).items()}
    namespace = as_str(meta.get("namespace")) if item.get("kind") == "Role" else None
    return Role(
        str(item.get("kind")),
        namespace,
        name,
        secret_rules(item.get("rules")),
        labels,
        selectors,
        doc,
    )


def read_binding(item: dict[str, Any], doc: SnapshotDoc) -> Binding | None:
    meta, ref = as_dict(item.get("metadata")), as_dict(item.get("roleRef"))
    name, role_name = as_str(meta.get("name")), as_str(ref.get("name"))
    if name is None or role_name is None:
        return None
    kind = str(item.get("kind"))
    namespace = as_str(meta.get("namespace")) if kind == "RoleBinding" else None
    subjects = [s for s in item.get("subjects") or [] if isinstance(s, dict)]
    return Binding(
        kind, namespace, name, str(ref.get("kind") or "ClusterRole"), role_name, subjects, doc
    )


def subject_identity(
    subject: dict[str, Any], binding_ns: str | None
) -> tuple[str, str, str] | None:
    """(principal_id, principal_type, display name): the ids audit events carry."""
    kind, name = subject.get("kind"), as_str(subject.get("name"))
    if name is None:
        return None
    if kind == "ServiceAccount":
        ns = as_str(subject.get("namespace")) or binding_ns or "default"
        sa = f"system:serviceaccount:{ns}:{name}"
        return sa, "service", sa
    if kind == "Group":
        return f"group:{name}", "group", name
    if kind == "User":
        machine = name.startswith(("system:", "eks:")) or name.endswith(".gserviceaccount.com")
        return name, "service" if machine else "human", name
    return None


def role_label(role: Role) -> str:
    return f"Role:{role.namespace}/{role.name}" if role.namespace else f"ClusterRole:{role.name}"


def binding_label(b: Binding) -> str:
    return f"RoleBinding:{b.namespace}/{b.name}" if b.namespace else f"ClusterRoleBinding:{b.name}"


def effective_rules(role: Role, cluster_roles: dict[str, Role], warnings: set[str]) -> list[Rule]:
    """A ClusterRole's materialized rules; an aggregated one whose export lacks them gets the
    rules of the ClusterRoles its selectors match (what the controller would fill in)."""
    if role.rules or not role.aggregation:
        return role.rules
    rules: list[Rule] = []
    for other in sorted(cluster_roles.values(), key=lambda r: r.name):
        if other is role or other.aggregation:
            continue
        if any(
            sel and all(other.labels.get(k) == v for k, v in sel.items())
            for sel in role.aggregation
        ):
            rules.extend(other.rules)
    if rules:
        warnings.add(
            f"ClusterRole {role.name}: aggregationRule without materialized rules; rules taken "
            "from the ClusterRoles its selectors match in this export"
        )
    return rules


def expand(
    rule: Rule, binding_ns: str | None, cluster: str
) -> tuple[list[str], list[str], list[str]]:
    """(resources, actions, capabilities) of one rule within a binding's scope."""
    verbs = ALL_VERBS if "*" in rule.verbs else rule.verbs
    actions = sorted({VERB_ACTIONS[v] for v in verbs if v in VERB_ACTIONS})
    if not actions:
        actions = ["other"]  # e.g. only impersonate / escalate on secrets
    ns = binding_ns or "*"
    names = rule.names or ("*",)
    return [f"k8s://{cluster}/{ns}/{n}" for n in names], actions, list(rule.verbs)


def grant_row(
    subject: Subject,
    resource: str,
    *,
    actions: list[str],
    caps: list[str],
    via: str,
    doc: SnapshotDoc,
) -> dict[str, Any]:
    when = as_utc(doc.snapshot_time)
    key = (SOURCE, subject.store, subject.principal_id, resource, via, None, when)
    return {
        "grant_id": stable_id(*key),
        "snapshot_time": when,
        "source": SOURCE,
        "store": subject.store,
        "principal_id": subject.principal_id,
        "principal_type": subject.principal_type,
        "resource": resource,
        "actions": actions,
        "capabilities": caps,
        "effect": "allow",  # RBAC has no deny
        "via": via,
        "condition": None,
        "origin_file": doc.origin_file,
    }


def principal_row(s: Subject) -> dict[str, Any]:
    when = as_utc(s.doc.snapshot_time)
    return {
        "principal_row_id": stable_id(SOURCE, s.store, s.principal_id, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": s.store,
        "principal_id": s.principal_id,
        "principal_type": s.principal_type,
        "name": s.name,
        "email": s.name if s.principal_type == "human" and "@" in s.name else None,
        "groups": [],  # Kubernetes keeps no membership: the authenticator asserts groups
        "policies": sorted(s.roles),
        "aliases": [],
        "disabled": None,
        "origin_file": s.doc.origin_file,
    }
