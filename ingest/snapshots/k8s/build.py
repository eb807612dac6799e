"""``build``: the Kubernetes export files of one ingest -> grants, principals and secrets rows.

Bindings are resolved against every role in the ingest at once (the roles and the bindings are
often exported by separate ``kubectl get`` calls). Secret inventory rows come from metadata
only: ``data``, ``stringData`` and annotations (``kubectl.kubernetes.io/last-applied-
configuration`` holds the whole object, values included) are never read into a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.k8s.rbac import (
    SOURCE,
    Binding,
    Role,
    Subject,
    binding_label,
    effective_rules,
    expand,
    grant_row,
    principal_row,
    read_binding,
    read_role,
    role_label,
    subject_identity,
)
from ingest.snapshots.k8s.recognise import recognise
from ingest.snapshots.model import SnapshotDoc, SnapshotResult, finish_result
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, stable_id
from ingest.snapshots.vault.timeparse import parse_rfc3339

DEFAULT_STORE = "default"


@dataclass
class Collected:
    roles: dict[tuple[str, str | None, str], Role] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    secrets: dict[str, tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=dict)
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)

    def problem(self, doc: SnapshotDoc, text: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(text)


def _items(payload: Any, kind: str) -> list[Any]:
    if kind in ("rbac_object", "secret"):
        return [payload]
    items = payload.get("items") if isinstance(payload, dict) else None
    return items if isinstance(items, list) else []


def _item_kind(item: dict[str, Any], payload: Any) -> str:
    kind = item.get("kind")
    if isinstance(kind, str):
        return kind
    list_kind = str(as_dict(payload).get("kind", ""))
    return list_kind[: -len("List")] if list_kind.endswith("List") else ""


def collect(doc: SnapshotDoc, c: Collected) -> None:
    kind = recognise(doc.payload, doc.api_path)
    c.kinds[doc.origin_file] = kind
    if kind is None:
        c.problem(doc, "not a kubectl RBAC or Secret export (kubectl get ... -o json)")
        return
    skipped = 0
    for item in _items(doc.payload, kind):
        if not isinstance(item, dict):
            skipped += 1
            continue
        item_kind = _item_kind(item, doc.payload)
        if item_kind in ("Role", "ClusterRole"):
            role = read_role({**item, "kind": item_kind}, doc)
            if role is None:
                skipped += 1
                continue
            c.roles[(role.kind, role.namespace, role.name)] = role
        elif item_kind in ("RoleBinding", "ClusterRoleBinding"):
            binding = read_binding({**item, "kind": item_kind}, doc)
            if binding is None:
                skipped += 1
                continue
            c.bindings.append(binding)
        elif item_kind in ("Secret", "PartialObjectMetadata"):
            meta = as_dict(item.get("metadata"))
            ns, name = as_str(meta.get("namespace")), as_str(meta.get("name"))
            if ns is None or name is None:
                skipped += 1
                continue
            # Only metadata and type are kept; the item itself (with its data) is not.
            c.secrets[f"{ns}/{name}"] = ({"metadata": meta, "type": item.get("type")}, doc)
    if skipped:
        c.warnings.add(f"{doc.origin_file}: {skipped} item(s) without a name were left out")


def _grants(c: Collected, store: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cluster_roles = {r.name: r for (k, _, _), r in c.roles.items() if k == "ClusterRole"}
    grants: list[dict[str, Any]] = []
    subjects: dict[str, Subject] = {}
    for b in sorted(
        c.bindings, key=lambda b: (b.doc.origin_file, b.kind, b.namespace or "", b.name)
    ):
        ns_key = b.namespace if b.role_kind == "Role" else None
        role = c.roles.get((b.role_kind, ns_key, b.role_name))
        if role is None:
            c.warnings.add(
                f"{binding_label(b)} references {b.role_kind} {b.role_name}, which is not in "
                "this export; add `kubectl get clusterroles,roles -A -o json` to the ingest"
            )
            continue
        rules = effective_rules(role, cluster_roles, c.warnings)
        via = f"{binding_label(b)} > {role_label(role)}"
        for subject in b.subjects:
            ident = subject_identity(subject, b.namespace)
            if ident is None:
                c.warnings.add(f"{binding_label(b)}: a subject without kind/name was left out")
                continue
            pid, ptype, name = ident
            holder = subjects.setdefault(pid, Subject(pid, ptype, name, store, b.doc))
            holder.roles.add(role_label(role))
            for rule in rules:
                resources, actions, caps = expand(rule, b.namespace, store)
                grants += [
                    grant_row(holder, r, actions=actions, caps=caps, via=via, doc=b.doc)
                    for r in resources
                ]
    return grants, [principal_row(s) for _, s in sorted(subjects.items())]


def _owner(meta: dict[str, Any]) -> str | None:
    refs = meta.get("ownerReferences")
    if isinstance(refs, list) and refs and isinstance(refs[0], dict):
        kind, name = as_str(refs[0].get("kind")), as_str(refs[0].get("name"))
        if kind and name:
            return f"{kind}/{name}"
    return None


def _secret_row(
    key: str, meta: dict[str, Any], stype: Any, doc: SnapshotDoc, store: str
) -> dict[str, Any]:
    when = as_utc(doc.snapshot_time)
    secret_id = f"k8s://{store}/{key}"
    changed = [
        t
        for t in (parse_rfc3339(as_dict(m).get("time")) for m in meta.get("managedFields") or [])
        if t is not None
    ]
    tags = {str(k): str(v) for k, v in as_dict(meta.get("labels")).items()}
    if isinstance(stype, str):
        tags["k8s.type"] = stype
    return {
        "secret_row_id": stable_id(SOURCE, store, secret_id, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": store,
        "secret_id": secret_id,
        "secret_name": key,
        "created_time": parse_rfc3339(meta.get("creationTimestamp")),
        "last_changed_time": max(changed) if changed else None,
        "last_rotated_time": None,
        "rotation_enabled": None,
        "rotation_period_days": None,
        "last_accessed_time": None,
        "current_version": None,  # resourceVersion is etcd's, not a value version
        "owner": _owner(meta),
        "tags": tags,
        "deleted": meta.get("deletionTimestamp") is not None,
        "origin_file": doc.origin_file,
    }


def build(docs: Sequence[SnapshotDoc], *, store: str | None = None) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content."""
    cluster = store or DEFAULT_STORE
    c = Collected()
    for doc in sorted(docs, key=lambda d: d.origin_file):
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {type(exc).__name__}")
    grants, principals = _grants(c, cluster)
    secrets = [
        _secret_row(key, body["metadata"], body.get("type"), doc, cluster)
        for key, (body, doc) in sorted(c.secrets.items())
    ]
    return finish_result(
        kinds=c.kinds,
        problems=c.problems,
        warnings=c.warnings,
        grants=grants,
        principals=principals,
        secrets=secrets,
    )
