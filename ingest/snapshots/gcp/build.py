"""``build``: the GCP snapshot files of one ingest -> grants, principals and secrets rows.

It works on the whole set at once: project-level bindings are expanded against the secrets
inventory, and canonical ids need the project number that only some exports carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.gcp.collect import Collected, Policy, collect, newest
from ingest.snapshots.gcp.grants import GrantBuilder, audit_warnings
from ingest.snapshots.gcp.inventory import SecretMeta, secret_row
from ingest.snapshots.gcp.model import SnapshotDoc, SnapshotResult, as_utc, secret_id
from ingest.snapshots.gcp.roles import CUSTOM_ROLE
from ingest.snapshots.model import finish_result

_BASIC = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
_NO_PROJECT = (
    "a secret IAM policy without its project; name the file "
    "projects__<project>__secrets__<secret>.json or pass --store <project>"
)
_NO_OWNER = (
    "an IAM policy that does not say whose it is; name the file after its resource, "
    "e.g. projects__<project>__secrets__<secret>.json"
)
_NO_PROJECT_OF_POLICY = (
    "a project IAM policy without its project; name the file projects__<project>.json "
    "or pass --store <project>"
)


def _default_project(c: Collected, store: str | None) -> str | None:
    if store:
        return store
    keys = {c.projects.key(p) for p in c.named_projects}
    return next(iter(keys)) if len(keys) == 1 else None


def _scope_unscoped(c: Collected, default: str | None) -> None:
    """A policy whose file name does not say whose it is: a project policy when it holds a
    role that cannot be granted on a secret (every project has an ``roles/owner`` binding)."""
    for body, doc in c.unscoped:
        roles = {b.get("role") for b in body.get("bindings") or [] if isinstance(b, dict)}
        project_only = (
            bool(roles & _BASIC)
            or "auditConfigs" in body
            or any(
                isinstance(r, str)
                and not r.startswith("roles/secretmanager.")
                and not CUSTOM_ROLE.fullmatch(r)
                for r in roles
            )
        )
        if not project_only:
            c.problem(doc, _NO_OWNER)
        elif default is None:
            c.problem(doc, _NO_PROJECT_OF_POLICY)
        else:
            c.policies.append(Policy(default, None, None, body, doc, full=True))


def _secrets(c: Collected) -> dict[str, SecretMeta]:
    """One SecretMeta per canonical id: the newest list/describe item plus every version."""
    key = c.projects.key
    bodies = newest(
        c.secrets,
        lambda s: secret_id(key(s[0][0]), s[0][1], s[0][2]),
        lambda s: s[2],
        "secret",
        c,
    )
    metas = {
        sid: SecretMeta(p, loc, n, doc, body) for sid, ((p, loc, n), body, doc) in bodies.items()
    }
    versions = newest(
        c.versions,
        lambda v: secret_id(key(v[0][0]), v[0][1], v[0][2]) + "/versions/" + v[1],
        lambda v: v[3],
        "secret version",
        c,
    )
    for vid, ((p, loc, n), number, body, doc) in sorted(versions.items()):
        sid = vid.rsplit("/versions/", 1)[0]
        meta = metas.setdefault(sid, SecretMeta(p, loc, n, doc))
        meta.versions.append((number, body, doc))
    return metas


def _where(policy: Policy) -> str:
    where = f"{policy.location}/{policy.secret}" if policy.location else policy.secret
    return f"secret:{where}"


def build(docs: Sequence[SnapshotDoc], *, store: str | None = None) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content."""
    c = Collected()
    seen: set[str] = set()
    for doc in sorted(docs, key=lambda d: (d.origin_file, as_utc(d.snapshot_time))):
        if doc.origin_file in seen:
            c.warnings.add(f"{doc.origin_file}: given twice; the second copy is ignored")
            continue
        seen.add(doc.origin_file)
        c.kinds[doc.origin_file] = None
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {exc!r}")
    grants: list[dict[str, Any]] = []
    principals: list[dict[str, Any]] = []
    secrets: list[dict[str, Any]] = []
    try:
        grants, principals, secrets = _rows(c, store)
    except Exception as exc:  # last resort, as above
        c.warnings.add(f"internal error while building rows: {exc!r}")
    return _result(c, grants, principals, secrets)


def _rows(
    c: Collected, store: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    default = _default_project(c, store)
    _scope_unscoped(c, default)
    metas = _secrets(c)
    by_project: dict[str, list[str]] = {}
    for sid, meta in metas.items():
        by_project.setdefault(c.projects.key(meta.project), []).append(sid)
    custom = {name: perms for name, (perms, _) in c.roles.items()}
    gb = GrantBuilder(custom, c.warnings)
    placed: list[tuple[str, str, Policy]] = []  # (target, project as named, policy)
    for policy in c.policies:
        project = policy.project or default
        if project is None:
            c.problem(policy.doc, _NO_PROJECT)
            continue
        key = c.projects.key(project)
        target = secret_id(key, policy.location, policy.secret) if policy.secret else key
        placed.append((target, project, policy))
    chosen = newest(placed, lambda t: t[0], lambda t: t[2].doc, "IAM policy of", c)
    used: set[str] = set()
    for target in sorted(chosen):
        _, project, policy = chosen[target]
        key = c.projects.key(project)
        used.add(key)
        if policy.secret:
            gb.policy(policy.body, _where(policy), [target], key, policy.doc)
            continue
        resources = sorted(by_project.get(key, [])) or [secret_id(key, None, "*")]
        gb.policy(policy.body, f"project:{key}", resources, key, policy.doc)
        if policy.full:
            c.warnings.update(audit_warnings(policy.body, key))
    secrets = []
    for _, meta in sorted(metas.items()):
        key = c.projects.key(meta.project)
        used.add(key)
        secrets.append(secret_row(meta, key))
    for key in sorted(k for k in used if k.isdigit()):
        c.warnings.add(
            f"project {key}: only its number is known, so its secret ids and store use the "
            "number, while audit logs name the project by its id; add `gcloud projects "
            "describe` (or `projects list`) output to the ingest"
        )
    return gb.grants, gb.principals(), secrets


def _grant_order(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["principal_id"], row["resource"], row["via"], row["condition"] or "")


def _principal_order(row: dict[str, Any]) -> tuple[str, str]:
    return (row["store"], row["principal_id"])


def _result(
    c: Collected,
    grants: list[dict[str, Any]],
    principals: list[dict[str, Any]],
    secrets: list[dict[str, Any]],
) -> SnapshotResult:
    return finish_result(
        kinds=c.kinds, problems=c.problems, warnings=c.warnings,
        grants=grants, principals=principals, secrets=secrets,
        grant_order=_grant_order, principal_order=_principal_order,
    )  # fmt: skip
