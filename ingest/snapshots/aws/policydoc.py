"""IAM policy documents -> statements that matter for Secrets Manager.

Documents arrive as objects (CLI, boto3), as URL-encoded JSON strings (the raw IAM API, RFC 3986)
or as plain JSON strings (``ResourcePolicy`` of ``get-resource-policy``).

>>> doc = ("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A"
...        "%22secretsmanager%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D")
>>> [sorted(s.actions) for s in parse_policy(doc)[0]]
[['GetResourcePolicy', 'GetSecretValue']]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ingest.snapshots.aws.actions import ALL_ACTIONS, SERVICE
from ingest.snapshots.aws.matcher import action_matches
from ingest.snapshots.aws.model import as_list, compact_json

VARIABLES_VERSION = "2012-10-17"  # policy variables are literal text in older documents


@dataclass(frozen=True)
class Statement:
    effect: str  # "allow" or "deny"
    actions: frozenset[str]  # Secrets Manager actions it covers (Action/NotAction applied)
    resources: tuple[str, ...]  # Resource or NotResource patterns, as written
    not_resource: bool
    principals: tuple[tuple[str, str], ...]  # resource policies: (kind, value), kind AWS/Service/*
    not_principal: bool
    condition: str | None  # the Condition block as compact JSON; never evaluated
    variables: bool  # ``${...}`` are policy variables (Version 2012-10-17)
    sid: str | None = None


def decode_document(value: Any) -> Any:
    """A policy document as an object: JSON text and URL-encoded JSON text are decoded."""
    for _ in range(2):  # a URL-encoded document decodes to JSON text, which decodes to the object
        if not isinstance(value, str):
            return value
        text = value.strip()
        try:
            value = json.loads(text)
            continue
        except ValueError:
            pass
        try:
            value = json.loads(unquote(text))
        except ValueError:
            return None
    return value


def _sm_actions(patterns: list[Any]) -> frozenset[str]:
    return frozenset(
        a
        for a in ALL_ACTIONS
        if any(isinstance(p, str) and action_matches(p, f"{SERVICE}:{a}") for p in patterns)
    )


def _principals(value: Any) -> tuple[tuple[str, str], ...]:
    if value == "*":
        return (("*", "*"),)
    if not isinstance(value, dict):
        return ()
    out: list[tuple[str, str]] = []
    for kind, names in value.items():
        for name in as_list(names):
            if isinstance(name, str) and name.strip():
                out.append(("*", "*") if name.strip() == "*" else (str(kind), name.strip()))
    return tuple(dict.fromkeys(out))


def parse_statement(raw: Any, version: Any) -> tuple[Statement | None, str | None]:
    """(statement, None), (None, problem), or (None, None) for one that names no secret action."""
    if not isinstance(raw, dict):
        return None, "a statement is not a JSON object"
    effect = raw.get("Effect")
    if not isinstance(effect, str) or effect.strip().lower() not in ("allow", "deny"):
        sid = raw.get("Sid")
        named = f"statement {sid}" if isinstance(sid, str) else "a statement"
        return None, f"{named} has no Effect Allow/Deny"
    if "Action" in raw:
        actions = _sm_actions(as_list(raw["Action"]))
    elif "NotAction" in raw:
        actions = ALL_ACTIONS - _sm_actions(as_list(raw["NotAction"]))
    else:
        return None, "a statement has neither Action nor NotAction"
    if not actions:
        return None, None
    not_resource = "Resource" not in raw and "NotResource" in raw
    resources = tuple(
        r.strip()
        for r in as_list(raw.get("NotResource" if not_resource else "Resource"))
        if isinstance(r, str) and r.strip()
    )
    not_principal = "Principal" not in raw and "NotPrincipal" in raw
    condition = raw.get("Condition")
    return Statement(
        effect=effect.strip().lower(),
        actions=actions,
        resources=resources,
        not_resource=not_resource,
        principals=_principals(raw.get("NotPrincipal" if not_principal else "Principal")),
        not_principal=not_principal,
        condition=compact_json(condition) if condition not in (None, {}, []) else None,
        variables=version == VARIABLES_VERSION,
        sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None,
    ), None


def parse_policy(value: Any) -> tuple[list[Statement], list[str]]:
    """(statements about secrets, problems). A document that cannot be read is one problem."""
    doc = decode_document(value)
    if not isinstance(doc, dict):
        return [], ["the policy document is not a JSON object (nor URL-encoded JSON)"]
    statements: list[Statement] = []
    problems: list[str] = []
    for raw in as_list(doc.get("Statement")):
        statement, problem = parse_statement(raw, doc.get("Version"))
        if statement is not None:
            statements.append(statement)
        if problem:
            problems.append(problem)
    return statements, problems
