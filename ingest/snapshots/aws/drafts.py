"""Grant drafts: every statement that reaches a principal, placed on secrets or kept as a pattern.

A draft is one (principal, resource, via, effect, condition) with the IAM actions the statement
gives there. ``evaluate`` then applies denies and the cross-account rule, and merges drafts
into rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ingest.snapshots.aws.actions import NON_RESOURCE, RESOURCE_LEVEL
from ingest.snapshots.aws.iam import Entity, Holding
from ingest.snapshots.aws.matcher import (
    SECRET_ARN_SPACE,
    Scope,
    covers,
    glob_match,
    intersects,
    resolve_variables,
)
from ingest.snapshots.aws.model import SecretArn, SnapshotDoc, compact_json
from ingest.snapshots.aws.policydoc import Statement

_PATTERN_STORE = re.compile(r"arn:[^:]*:secretsmanager:([^:]*):([^:]*):secret:.*")
_LITERAL = re.compile(r"[a-z0-9-]+|\d{12}")


@dataclass
class Draft:
    principal_id: str
    principal_type: str
    resource: str  # a secret ARN, or a pattern
    via: str
    effect: str
    condition: str | None
    store: str
    doc: SnapshotDoc
    actions: set[str]  # IAM action names without the service prefix
    secret: SecretArn | None  # set on per-secret drafts
    from_resource_policy: bool = False
    scope: Scope | None = None  # pattern drafts: what the pattern covers (deny subtraction)


@dataclass(frozen=True)
class Resolved:
    """An identity statement of one principal with its resources resolved (None: unresolvable)."""

    holding: Holding
    scope: Scope | None

    @property
    def statement(self) -> Statement:
        return self.holding.statement


def with_extra(condition: str | None, **extra: Any) -> str | None:
    """The Condition JSON text with NotResource / NotPrincipal added as top-level keys."""
    if not any(v is not None for v in extra.values()):
        return condition
    parsed = json.loads(condition) if condition else {}
    merged: dict[str, Any] = parsed if isinstance(parsed, dict) else {"Condition": parsed}
    merged.update({k: v for k, v in extra.items() if v is not None})
    return compact_json(merged) if merged else None


def variables_of(entity: Entity) -> dict[str, str]:
    values = {"aws:PrincipalAccount": entity.account}
    if entity.kind == "user":
        values["aws:username"] = entity.name
        if entity.unique_id:
            values["aws:userid"] = entity.unique_id
    return values


def resolve(entity: Entity, holding: Holding) -> Resolved:
    st = holding.statement
    if not st.variables:
        return Resolved(holding, Scope(st.resources, st.not_resource))
    values = variables_of(entity)
    patterns = [resolve_variables(p, values) for p in st.resources]
    if any(p is None for p in patterns):
        return Resolved(holding, None)
    return Resolved(holding, Scope(tuple(p for p in patterns if p is not None), st.not_resource))


def pattern_store(pattern: str, fallback: str) -> str:
    """``<account>/<region>`` when the pattern names both literally, else its account or IAM's."""
    m = _PATTERN_STORE.fullmatch(pattern)
    if m is None:
        return fallback
    region, account = m.group(1), m.group(2)
    if _LITERAL.fullmatch(account) and account.isdigit():
        return f"{account}/{region}" if _LITERAL.fullmatch(region) else account
    return fallback


def pattern_actions(pattern: str, actions: frozenset[str]) -> set[str]:
    """What a statement gives on one pattern: resource-level actions if it can name a secret,
    ListSecrets/BatchGetSecretValue if it matches the request resource ``*``."""
    out = set(actions & RESOURCE_LEVEL) if intersects(pattern, SECRET_ARN_SPACE) else set()
    if glob_match(pattern, "*"):
        out |= actions & NON_RESOURCE
    return out


class IdentityDrafts:
    """Drafts of one user or role from its identity policies."""

    def __init__(
        self,
        entity: Entity,
        principal_type: str,
        targets: list[SecretArn],
        listed: set[str],
        warnings: set[str],
    ) -> None:
        self.entity = entity
        self.principal_type = principal_type
        self.targets = targets
        self.listed = listed  # accounts whose secrets a list-secrets output lists
        self.warnings = warnings
        self.out: list[Draft] = []

    def _draft(self, r: Resolved, resource: str, store: str, acts: set[str], **kw: Any) -> None:
        secret: SecretArn | None = kw.pop("secret", None)
        scope: Scope | None = kw.pop("scope", None)
        condition = with_extra(r.statement.condition, **kw)
        self.out.append(
            Draft(self.entity.arn, self.principal_type, resource, r.holding.via,
                  r.statement.effect, condition, store, r.holding.doc, acts, secret,
                  scope=scope)
        )  # fmt: skip

    def add(self, r: Resolved) -> None:
        st = r.statement
        if r.scope is None:
            self.warnings.add(
                f"{r.holding.via}: a Resource with a policy variable keytrail cannot resolve "
                "is kept as written and never expanded"
            )
            patterns = st.resources if not st.not_resource else ("*",)
            not_resource = list(st.resources) if st.not_resource else None
            for p in patterns:
                store = pattern_store(p, self.entity.account)
                self._draft(r, p, store, set(st.actions), NotResource=not_resource)
            return
        scope = r.scope
        placed: set[str] = set()  # patterns (or "!" for a NotResource scope) that hit a target
        # With an inventory, an Allow gives one draft per listed secret it reaches, then pattern
        # drafts for what is left. A Deny stays as written (one row per pattern, not one per
        # secret): evaluate applies it to every Allow it reaches.
        if self.listed and st.effect == "allow":
            acct_ok = scope.matches("*")
            for secret in self.targets:
                acts = set(st.actions & RESOURCE_LEVEL) if scope.matches(secret.arn) else set()
                if acct_ok and secret.account == self.entity.account:
                    acts |= st.actions & NON_RESOURCE
                if acts:
                    self._draft(r, secret.arn, secret.store, acts, secret=secret)
                    placed |= {p for p in scope.patterns if glob_match(p, secret.arn)}
                    placed |= {"!"} if scope.negated else set()
        if scope.negated:
            if "!" not in placed or self.entity.account not in self.listed:
                self._negated_pattern(r, scope)
            return
        for p in scope.patterns:
            if p in placed and self._account_of(p) in self.listed:
                continue
            acts = pattern_actions(p, st.actions)
            if acts:
                self._suffix_hint(p)
                store = pattern_store(p, self.entity.account)
                self._draft(r, p, store, acts, scope=Scope((p,)))

    def _account_of(self, pattern: str) -> str:
        """The account a pattern names literally; else the principal's own (where it matters
        without a resource policy)."""
        m = _PATTERN_STORE.fullmatch(pattern)
        return m.group(2) if m and m.group(2).isdigit() else self.entity.account

    def _negated_pattern(self, r: Resolved, scope: Scope) -> None:
        st = r.statement
        acts = set(st.actions & RESOURCE_LEVEL)
        if any(covers(x, SECRET_ARN_SPACE) for x in scope.patterns):
            acts = set()
        if scope.matches("*"):
            acts |= st.actions & NON_RESOURCE
        if acts:
            patterns = list(scope.patterns)
            self._draft(r, "*", self.entity.account, acts, NotResource=patterns, scope=scope)

    def _suffix_hint(self, pattern: str) -> None:
        if not self.listed or "?" in pattern or pattern.endswith("*"):
            return
        if any(glob_match(pattern + "-??????", s.arn) for s in self.targets):
            self.warnings.add(
                f"resource {pattern} matches no secret: secret ARNs end in a random "
                f"6-character suffix, so it should read {pattern}-?????? (or end in *)"
            )
