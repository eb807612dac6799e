"""``build``: the Doppler snapshot files of one ingest -> grants, principals and secrets rows.

Works on the whole set at once: project members are expanded against the configs inventory (a
member limited to some environments reaches the configs of those environments), group details
give their members, and a config's ``last_fetch_at`` is the last-access time of the config row
and of its secrets (Doppler records it per config, and a fetch returns the whole config).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.doppler.model import (
    DEFAULT_STORE,
    TOKEN_READ,
    WORKPLACE_WIDE,
    Collected,
    Rows,
    collect,
    configs_by_project,
    role_actions,
)
from ingest.snapshots.model import SnapshotDoc, SnapshotResult, finish_result
from ingest.snapshots.vault.model import as_dict, as_str
from ingest.snapshots.vault.timeparse import parse_rfc3339

_MEMBER_TYPES = {
    "workplace_user": "human",
    "user": "human",
    "group": "group",
    "service_account": "service",
    "invite": "human",
}


def _group_members(c: Collected) -> dict[str, list[str]]:
    """member slug -> group slugs, from group detail responses."""
    out: dict[str, list[str]] = {}
    for _, payload in c.of("group"):
        group = payload["group"]
        for m in group.get("members") or []:
            slug = as_str(as_dict(m).get("slug"))
            if slug and as_str(group.get("slug")):
                out.setdefault(slug, []).append(group["slug"])
    return out


def identities(c: Collected, rows: Rows) -> None:
    member_of = _group_members(c)
    for doc, payload in c.of("workplace_users"):
        for wu in payload["workplace_users"]:
            pid, user = as_str(wu.get("id")), as_dict(wu.get("user"))
            if not pid:
                continue
            access = as_str(wu.get("access")) or "unknown"
            rows.principal(
                doc,
                pid,
                "human",
                as_str(user.get("name")),
                email=as_str(user.get("email")),
                groups=sorted(member_of.get(pid, [])),
                policies=[f"workplace:{access}"],
                aliases=[a for a in (as_str(user.get("username")),) if a],
            )
            if access in WORKPLACE_WIDE:
                rows.grant(
                    doc,
                    pid,
                    "human",
                    f"doppler://{rows.store}/*",
                    actions=WORKPLACE_WIDE[access],
                    capabilities=[access],
                    via=f"workplace_role:{access}",
                )
    seen_groups: set[str] = set()
    for kind in ("group", "groups"):
        for doc, payload in c.of(kind):
            for g in payload["groups"] if kind == "groups" else [payload["group"]]:
                slug = as_str(as_dict(g).get("slug"))
                if slug and slug not in seen_groups:
                    seen_groups.add(slug)
                    role = as_str(as_dict(g.get("default_project_role")).get("identifier"))
                    rows.principal(
                        doc,
                        slug,
                        "group",
                        as_str(g.get("name")),
                        policies=[f"default_project_role:{role}"] if role else [],
                    )
    for doc, payload in c.of("service_accounts"):
        for sa in payload["service_accounts"]:
            slug = as_str(sa.get("slug"))
            if not slug:
                continue
            role = as_str(as_dict(sa.get("workplace_role")).get("identifier")) or "unknown"
            rows.principal(
                doc,
                slug,
                "service",
                as_str(sa.get("name")),
                groups=sorted(member_of.get(slug, [])),
                policies=[f"workplace:{role}"],
            )
            if role in WORKPLACE_WIDE:
                rows.grant(
                    doc,
                    slug,
                    "service",
                    f"doppler://{rows.store}/*",
                    actions=WORKPLACE_WIDE[role],
                    capabilities=[role],
                    via=f"service_account > workplace_role:{role}",
                )


def tokens(c: Collected, rows: Rows) -> None:
    """Service tokens (config-scoped credentials) and service-account API tokens. A token's
    ``last_seen_at`` becomes ``last_seen_time``; expiry sets ``disabled``."""
    for doc, payload in c.of("service_tokens"):
        for t in payload["tokens"]:
            slug, project, config = (as_str(t.get(k)) for k in ("slug", "project", "config"))
            if not (slug and project and config):
                continue
            expires = parse_rfc3339(t.get("expires_at"))
            rows.principal(
                doc,
                slug,
                "service",
                as_str(t.get("name")),
                policies=[f"service_token:{project}/{config}"],
                disabled=expires is not None and expires <= doc.snapshot_time,
            )
            access = (as_str(t.get("access")) or "read").lower()
            actions = TOKEN_READ + (["create", "write", "delete"] if "write" in access else [])
            rows.grant(
                doc,
                slug,
                "service",
                rows.prefix(project, config) + "*",
                actions=actions,
                capabilities=[access],
                via=f"service_token:{as_str(t.get('name')) or slug}",
            )
    for doc, payload in c.of("service_account_tokens"):
        sa = (doc.api_path or "").split("/", 1)[1]
        for t in payload["api_tokens"]:
            slug = as_str(as_dict(t).get("slug"))
            if not slug:
                continue
            expires = parse_rfc3339(t.get("expires_at"))
            rows.principal(
                doc,
                slug,
                "service",
                as_str(t.get("name")),
                groups=[sa],
                disabled=expires is not None and expires <= doc.snapshot_time,
                last_seen=parse_rfc3339(t.get("last_seen_at")),
            )


def project_grants(c: Collected, rows: Rows) -> None:
    roles = role_actions(c)
    configs = configs_by_project(c)
    for doc, payload in c.of("project_members"):
        project = (doc.api_path or "").split("/")[1]
        for m in payload["members"]:
            slug, mtype = as_str(m.get("slug")), as_str(m.get("type")) or "unknown"
            role = as_str(as_dict(m.get("role")).get("identifier")) or "unknown"
            actions = roles.get(role, [])
            if not slug or not actions:
                continue  # no_access, or a custom role whose permissions read nothing
            ptype = _MEMBER_TYPES.get(mtype, "unknown")
            via = f"project:{project} > {mtype}:{slug} > role:{role}"
            if m.get("access_all_environments") is True:
                resources = [rows.prefix(project) + "*"]
            else:
                envs = {e for e in m.get("environments") or [] if isinstance(e, str)}
                known = [
                    as_str(cfg.get("name"))
                    for cfg in configs.get(project, [])
                    if as_str(cfg.get("environment")) in envs
                ]
                # Without the configs inventory: every config of the environment (root and
                # branch configs are named <env> and <env>_<branch>).
                resources = [rows.prefix(project, n) + "*" for n in known if n] or [
                    rows.prefix(project) + f"{e}*" for e in sorted(envs)
                ]
            for res in resources:
                rows.grant(doc, slug, ptype, res, actions=actions, capabilities=[role], via=via)


def inventory(c: Collected, rows: Rows) -> None:
    """One row per config (its ``last_fetch_at``) and one per secret name listed."""
    fetched: dict[tuple[str, str], Any] = {}
    for doc, payload in c.of("configs"):
        for cfg in payload["configs"]:
            project, name = as_str(cfg.get("project")), as_str(cfg.get("name"))
            if not (project and name):
                continue
            last = parse_rfc3339(cfg.get("last_fetch_at"))
            fetched[(project, name)] = last
            tags = {
                "kind": "config",
                "environment": as_str(cfg.get("environment")) or "",
                "root": str(cfg.get("root") is True).lower(),
                "locked": str(cfg.get("locked") is True).lower(),
            }
            if first := parse_rfc3339(cfg.get("initial_fetch_at")):
                tags["initial_fetch_at"] = first.isoformat()
            rows.secret(
                doc,
                rows.prefix(project, name) + "*",
                f"{project}/{name}",
                created=parse_rfc3339(cfg.get("created_at")),
                accessed=last,
                tags=tags,
            )
    for doc, payload in c.of("secret_names"):
        _, project, _, config = (doc.api_path or "").split("/")
        for name in payload["names"]:
            rows.secret(
                doc,
                rows.prefix(project, config) + name,
                name,
                accessed=fetched.get((project, config)),
                tags={"kind": "secret"},
            )


def build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
    """Rows of every recognised file; the store is the workplace id of a ``/v3/workplace``
    response in the set, else ``--store``, else ``default``."""
    c = collect(docs)
    rows = Rows(c.store or store or DEFAULT_STORE)
    identities(c, rows)
    tokens(c, rows)
    project_grants(c, rows)
    inventory(c, rows)
    return finish_result(
        kinds=c.kinds,
        problems=c.problems,
        warnings=[],
        grants=rows.grants,
        principals=rows.principals,
        secrets=rows.secrets,
    )
