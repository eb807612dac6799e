"""Principal rows (IAM users, roles, groups) and the principal type of any AWS principal.

IAM users are human unless they look like a service user. The export has no login profile or
access keys, so the evidence is the user's tags, path and name, in that order:

* a tag ``type``/``kind``/``principal-type``/``usage``/``identity-type`` saying service, machine,
  bot, automation, ci or application (or human, person, employee, user);
* a path segment such as ``/service/``, ``/svc/``, ``/system/``, ``/automation/``, ``/bots/``,
  ``/ci/``, ``/machine/``, ``/apps/``, ``/workloads/``;
* a name token (split on ``-_.@+=,``) such as svc, service, bot, ci, cd, deploy(er), automation,
  app, api, robot, system, sa, jenkins, github, gitlab, terraform, runner, pipeline, sync, backup,
  etl, integration, agent, daemon, cron, batch, worker, lambda, exporter, scanner.

>>> user_type("alice", "/", {})
'human'
>>> user_type("ci-deployer", "/", {})
'service'
>>> user_type("reports", "/service/", {})
'service'
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ingest.snapshots.aws.iam import Entity
from ingest.snapshots.aws.model import SOURCE, as_utc, stable_id

_TYPE_TAGS = ("type", "kind", "principal-type", "principal_type", "usage", "identity-type")
_SERVICE_WORDS = frozenset(
    {"service", "machine", "bot", "automation", "ci", "application", "app", "system"}
)
_HUMAN_WORDS = frozenset({"human", "person", "employee", "user", "staff"})
_SERVICE_PATHS = frozenset(
    {"service", "services", "svc", "system", "automation", "bots", "bot", "ci", "machine",
     "machines", "app", "apps", "application", "applications", "workload", "workloads"}
)  # fmt: skip
_SERVICE_TOKENS = frozenset(
    {"svc", "service", "bot", "ci", "cd", "deploy", "deployer", "automation", "app", "api",
     "robot", "system", "sa", "jenkins", "github", "gitlab", "terraform", "runner", "pipeline",
     "sync", "backup", "etl", "integration", "agent", "daemon", "cron", "batch", "worker",
     "lambda", "exporter", "scanner"}
)  # fmt: skip
_EMAIL_TAGS = ("email", "mail", "e-mail", "email-address")


def user_type(name: str, path: str, tags: dict[str, str]) -> str:
    """human or service for an IAM user (see the module docstring for the evidence used)."""
    lowered = {k.lower(): v.strip().lower() for k, v in tags.items()}
    for key in _TYPE_TAGS:
        if lowered.get(key) in _SERVICE_WORDS:
            return "service"
        if lowered.get(key) in _HUMAN_WORDS:
            return "human"
    if any(seg.lower() in _SERVICE_PATHS for seg in path.split("/")):
        return "service"
    if "@" in name:
        return "human"
    tokens = {t for t in re.split(r"[-_.@+=,]+", name.lower()) if t}
    return "service" if tokens & _SERVICE_TOKENS else "human"


def principal_type_of(arn: str) -> str:
    """The type of a principal named by ARN or account only (resource policies)."""
    if arn == "*" or arn.endswith(":root") or re.fullmatch(r"\d{12}", arn):
        return "unknown"
    if ":role/" in arn or ":assumed-role/" in arn:
        return "role"
    if ":user/" in arn:
        return user_type(arn.rsplit("/", 1)[-1], "/" + arn.split(":user/", 1)[1], {})
    if arn.endswith(".amazonaws.com") or arn.endswith(".amazonaws.com.cn"):
        return "service"
    return "unknown"


def entity_type(entity: Entity) -> str:
    if entity.kind == "user":
        return user_type(entity.name, entity.path, entity.tags)
    return entity.kind  # role, group


def email_of(entity: Entity) -> str | None:
    lowered = {k.lower(): v for k, v in entity.tags.items() if "@" in v}
    found = next((lowered[k] for k in _EMAIL_TAGS if k in lowered), None)
    if (
        found is None
        and entity.kind == "user"
        and re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", entity.name)
    ):
        return entity.name
    return found


def principal_row(entity: Entity) -> dict[str, Any]:
    when: datetime = as_utc(entity.doc.snapshot_time)
    return {
        "principal_row_id": stable_id(SOURCE, entity.account, entity.arn, when),
        "snapshot_time": when,
        "source": SOURCE,
        "store": entity.account,
        "principal_id": entity.arn,
        "principal_type": entity_type(entity),
        "name": entity.name,
        "email": email_of(entity),
        "groups": sorted(set(entity.groups)),
        "policies": [f"inline:{p.name}" for p in entity.inline]
        + [f"policy:{name}" for name, _ in entity.attached],
        "aliases": sorted(set(entity.aliases)),
        # The export says nothing about login profiles or keys; roles and groups cannot be
        # disabled in IAM.
        "disabled": None if entity.kind == "user" else False,
        "origin_file": entity.doc.origin_file,
    }
