"""First pass: recognise each document and gather what it defines (newest copy wins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingest.snapshots.aws.iam import Entity, ManagedPolicy, parse_entity, parse_managed_policy
from ingest.snapshots.aws.model import (
    SecretArn,
    SnapshotDoc,
    as_dict,
    as_list,
    as_str,
    as_utc,
    parse_secret_arn,
)
from ingest.snapshots.aws.policydoc import Statement, decode_document, parse_policy
from ingest.snapshots.aws.recognise import recognise

_UNRECOGNISED = (
    "not a recognised AWS snapshot (expected the JSON output of `aws iam "
    "get-account-authorization-details`, `aws secretsmanager list-secrets`, "
    "`describe-secret` or `get-resource-policy`)"
)
_VALUE_FILE_PROBLEM = (
    "get-secret-value output holds a secret value and is never imported; delete this file and "
    "save `aws secretsmanager describe-secret` or `list-secrets` output instead"
)
_LISTS = (("UserDetailList", "user"), ("GroupDetailList", "group"), ("RoleDetailList", "role"))


@dataclass
class ResourcePolicy:
    secret: SecretArn
    statements: list[Statement]  # empty: the secret has no resource policy
    doc: SnapshotDoc


@dataclass
class Collected:
    entities: dict[str, Entity] = field(default_factory=dict)  # users and roles, by ARN
    groups: dict[tuple[str, str], Entity] = field(default_factory=dict)  # (account, name)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)  # by ARN
    resource_policies: dict[str, ResourcePolicy] = field(default_factory=dict)  # by secret ARN
    inventory: dict[str, tuple[dict[str, Any], SecretArn, SnapshotDoc]] = field(
        default_factory=dict
    )
    listed: set[str] = field(default_factory=set)  # accounts with a list-secrets output
    accounts: set[str] = field(default_factory=set)  # accounts with authorization details
    kinds: dict[str, str | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    warnings: set[str] = field(default_factory=set)

    def problem(self, doc: SnapshotDoc, reason: str) -> None:
        self.problems.setdefault(doc.origin_file, []).append(reason)


def _when(doc: SnapshotDoc) -> tuple[datetime, str]:
    return as_utc(doc.snapshot_time), doc.origin_file


def _keep(store: dict[Any, Any], key: Any, value: Any, doc: SnapshotDoc, old_doc: Any) -> None:
    """Store ``value`` unless the copy already there comes from a newer snapshot."""
    if old_doc is None or _when(doc) >= _when(old_doc):
        store[key] = value


def _auth_details(payload: dict[str, Any], doc: SnapshotDoc, c: Collected) -> None:
    if payload.get("IsTruncated") is True:
        c.warnings.add(
            f"{doc.origin_file}: IsTruncated is true, this is one page of the output; "
            "give every page (the CLI pages by itself unless --max-items or --no-paginate is set)"
        )
    for key, kind in _LISTS:
        for raw in as_list(payload.get(key)):
            entity = parse_entity(kind, raw, doc, c.warnings)
            if isinstance(entity, str):
                c.warnings.add(f"{doc.origin_file}: {entity}")
                continue
            c.accounts.add(entity.account)
            if kind == "group":
                old = c.groups.get((entity.account, entity.name))
                _keep(c.groups, (entity.account, entity.name), entity, doc, old and old.doc)
            else:
                old = c.entities.get(entity.arn)
                _keep(c.entities, entity.arn, entity, doc, old and old.doc)
    for raw in as_list(payload.get("Policies")):
        policy = parse_managed_policy(raw, doc, c.warnings)
        if policy is not None:
            old_policy = c.policies.get(policy.arn)
            _keep(c.policies, policy.arn, policy, doc, old_policy and old_policy.doc)


def _resource_policy(item: dict[str, Any], doc: SnapshotDoc, c: Collected) -> None:
    secret = parse_secret_arn(item.get("ARN"), as_str(item.get("Name")))
    if secret is None:
        c.problem(doc, "a get-resource-policy output without a secret ARN")
        return
    statements: list[Statement] = []
    if item.get("ResourcePolicy") is not None:
        statements, problems = parse_policy(item["ResourcePolicy"])
        if not statements and problems and decode_document(item["ResourcePolicy"]) is None:
            c.problem(doc, f"the ResourcePolicy of {secret.name} is not JSON")
            return
        for problem in problems:
            c.warnings.add(f"resource policy of {secret.name}: {problem}")
    old = c.resource_policies.get(secret.arn)
    _keep(
        c.resource_policies,
        secret.arn,
        ResourcePolicy(secret, statements, doc),
        doc,
        old and old.doc,
    )


def _secret(item: Any, doc: SnapshotDoc, c: Collected) -> SecretArn | None:
    entry = as_dict(item)
    secret = parse_secret_arn(entry.get("ARN"), as_str(entry.get("Name")))
    if secret is None:
        c.warnings.add(f"{doc.origin_file}: a secret entry without a usable ARN is ignored")
        return None
    old = c.inventory.get(secret.arn)
    _keep(c.inventory, secret.arn, (entry, secret, doc), doc, old and old[2])
    return secret


def collect(doc: SnapshotDoc, c: Collected) -> None:
    """Recognise one document and add what it holds to ``c``."""
    kind = recognise(doc.payload, doc.api_path)
    c.kinds[doc.origin_file] = kind
    payload = doc.payload
    if kind is None:
        c.problem(doc, _UNRECOGNISED)
    elif kind == "secret_value":
        c.problem(doc, _VALUE_FILE_PROBLEM)
    elif kind == "iam_authorization_details":
        _auth_details(payload, doc, c)
    elif kind == "secret_resource_policy":
        for item in as_list(payload):
            _resource_policy(item, doc, c)
    elif kind == "secret_list":
        entries = payload.get("SecretList") if isinstance(payload, dict) else payload
        for item in as_list(entries):
            secret = _secret(item, doc, c)
            if secret is not None:
                c.listed.add(secret.account)
    else:  # secret_description
        _secret(payload, doc, c)
