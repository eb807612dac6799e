"""First pass over the files: recognise each one and gather policies, inventory, roles and
the project id <-> number map that canonical ids need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ingest.snapshots.gcp.model import (
    PROJECT_ASSET_PREFIX,
    SnapshotDoc,
    as_dict,
    as_str,
    as_utc,
    split_secret_name,
)
from ingest.snapshots.gcp.recognise import is_policy, recognise

T = TypeVar("T")
UNRECOGNISED = (
    "not a recognised GCP snapshot (expected gcloud --format=json output of projects/secrets "
    "get-iam-policy, secrets list, secrets versions list, projects describe, iam roles describe, "
    "or Cloud Asset IAM/resource records)"
)


class Projects:
    """Project id <-> number, learned from ``projects describe/list`` and asset search results.

    Secret Manager names secrets by project number (``secrets list``, Cloud Asset), while
    audit logs say which project they were written to by its id.
    """

    def __init__(self) -> None:
        self.number_of: dict[str, str] = {}
        self.id_of: dict[str, str] = {}

    def add(self, project_id: Any, number: Any, warnings: set[str]) -> None:
        pid, num = as_str(project_id), str(number) if isinstance(number, str | int) else None
        if not pid or not num or isinstance(number, bool) or pid == num:
            return
        if self.number_of.get(pid, num) != num or self.id_of.get(num, pid) != pid:
            warnings.add(f"project '{pid}' / number {num} contradicts an earlier mapping; kept it")
            return
        self.number_of[pid], self.id_of[num] = num, pid

    def key(self, token: str) -> str:
        """The project as canonical ids and ``store`` name it: its id, the number only when the
        id is unknown (the GCP audit mapping writes the log's ``project_id`` the same way)."""
        return self.id_of.get(token, token)


@dataclass(frozen=True)
class Policy:
    project: str | None  # as named (id or number); None: not named, use the default project
    location: str | None
    secret: str | None  # None: a project policy
    body: dict[str, Any]
    doc: SnapshotDoc
    full: bool = False  # from get-iam-policy: auditConfigs would be in it (asset results lack them)


@dataclass
class Collected:
    projects: Projects = field(default_factory=Projects)
    policies: list[Policy] = field(default_factory=list)
    unscoped: list[tuple[dict[str, Any], SnapshotDoc]] = field(default_factory=list)
    secrets: list[tuple[tuple[str, str | None, str], dict[str, Any], SnapshotDoc]] = field(
        default_factory=list
    )
    versions: list[tuple[tuple[str, str | None, str], str, dict[str, Any], SnapshotDoc]] = field(
        default_factory=list
    )
    roles: dict[str, tuple[list[str], SnapshotDoc]] = field(default_factory=dict)
    named_projects: set[str] = field(default_factory=set)
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)

    def problem(self, doc: SnapshotDoc, reason: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(reason)


def _items(payload: Any) -> list[dict[str, Any]]:
    return [i for i in (payload if isinstance(payload, list) else [payload]) if isinstance(i, dict)]


def _add_secret_body(name: Any, body: dict[str, Any], doc: SnapshotDoc, c: Collected) -> None:
    parts = split_secret_name(name)
    if parts is None:
        return
    project, location, secret, version = parts
    c.named_projects.add(project)
    if version is None:
        c.secrets.append(((project, location, secret), body, doc))
    else:
        c.versions.append(((project, location, secret), version, body, doc))


def _add_policy(target: str, body: Any, doc: SnapshotDoc, c: Collected) -> bool:
    """A policy for an asset or file target name; False when the target is not imported."""
    if not is_policy(body):
        return False
    parts = split_secret_name(target)
    if parts is not None and parts[3] is None:
        c.policies.append(Policy(parts[0], parts[1], parts[2], body, doc))
        c.named_projects.add(parts[0])
        return True
    text = target.removeprefix(PROJECT_ASSET_PREFIX)
    segs = text.split("/")
    if len(segs) == 2 and segs[0] == "projects" and segs[1]:
        c.policies.append(Policy(segs[1], None, None, body, doc))
        c.named_projects.add(segs[1])
        return True
    return False


def _assets(doc: SnapshotDoc, c: Collected, search: bool) -> None:
    skipped: dict[str, int] = {}
    for item in _items(doc.payload):
        target = str(item.get("resource" if search else "name"))
        asset_type = as_str(item.get("assetType")) or as_str(item.get("asset_type")) or "?"
        if search:
            project = as_str(item.get("project")) or ""
            if target.startswith(PROJECT_ASSET_PREFIX + "projects/"):
                pid = target.rsplit("/", 1)[-1]
                c.projects.add(pid, project.removeprefix("projects/"), c.warnings)
            policy = item.get("policy")
        else:
            policy = item.get("iamPolicy", item.get("iam_policy"))
            resource = as_dict(as_dict(item.get("resource")).get("data"))
            if resource:
                _add_secret_body(resource.get("name") or target, resource, doc, c)
        if policy is not None and not _add_policy(target, policy, doc, c):
            skipped[asset_type] = skipped.get(asset_type, 0) + 1
    for asset_type, n in sorted(skipped.items()):
        hierarchy = "Folder" in asset_type or "Organization" in asset_type
        what = "inherited roles are not expanded" if hierarchy else "not a secret or project"
        c.warnings.add(
            f"{doc.origin_file}: {n} IAM policies of asset type {asset_type} skipped ({what})"
        )


def _policy_file(kind: str, doc: SnapshotDoc, c: Collected) -> None:
    path = doc.api_path or ""
    body = as_dict(doc.payload)
    if kind == "iam_policy" and path.startswith(("folders/", "organizations/")):
        c.warnings.add(
            f"{doc.origin_file}: the IAM policy of {path} is not imported (roles inherited "
            "from folders and organizations are not expanded)"
        )
    elif kind == "iam_policy":
        c.unscoped.append((body, doc))
    elif kind == "project_iam_policy":
        project = path.split("/")[1]
        c.policies.append(Policy(project, None, None, body, doc, full=True))
        c.named_projects.add(project)
    elif path.startswith("secrets/"):
        c.policies.append(Policy(None, None, path.split("/", 1)[1], body, doc))
    else:
        _add_policy(path, body, doc, c)


def collect(doc: SnapshotDoc, c: Collected) -> None:
    if doc.payload in (None, [], {}):
        c.kinds[doc.origin_file] = "empty"
        return
    kind = recognise(doc.payload, doc.api_path)
    c.kinds[doc.origin_file] = kind
    if kind is None:
        c.problem(doc, UNRECOGNISED)
    elif kind in ("project", "project_list"):
        for item in _items(doc.payload):
            c.projects.add(item.get("projectId"), item.get("projectNumber"), c.warnings)
    elif kind in ("secret", "secrets_list", "secret_versions"):
        for item in _items(doc.payload):
            _add_secret_body(item.get("name"), item, doc, c)
    elif kind == "custom_roles":
        for item in _items(doc.payload):
            perms = [p for p in item.get("includedPermissions") or [] if isinstance(p, str)]
            c.roles[str(item.get("name"))] = (perms, doc)
    elif kind in ("asset_export", "asset_iam_search"):
        _assets(doc, c, search=kind == "asset_iam_search")
    else:
        _policy_file(kind, doc, c)


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
