"""Effective Secrets Manager permissions: drafts -> grant rows.

Per (principal, secret) pair, in this order:

1. An unconditional Deny (identity policy of the principal, or the secret's resource policy
   naming it, ``*``, its account, or not excluding it by ``NotPrincipal``) removes the action
   from every Allow row of that pair. Deny rows are kept as rows of their own.
2. Same account: identity and resource-policy allows are a union (each row stands alone).
   Cross-account: both sides are needed. An identity allow on another account's secret keeps
   only the actions that secret's resource policy allows the principal (kept as is when its
   get-resource-policy output is missing); a resource-policy allow for a principal whose own
   account is in the snapshot keeps only what its identity policies allow.
3. ``BatchGetSecretValue`` reads a secret only together with ``GetSecretValue`` on it.
4. Pattern rows (no inventory, or a pattern that matches no listed secret) lose the actions of
   the principal's unconditional identity Denies whose resources cover the whole pattern.

Conditions are never evaluated: a conditional Allow stays a row with its ``condition``; a
conditional Deny is a row but removes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ingest.snapshots.aws.actions import (
    NON_RESOURCE,
    RESOURCE_LEVEL,
    capability,
    vocabulary_actions,
)
from ingest.snapshots.aws.collect import ResourcePolicy
from ingest.snapshots.aws.drafts import Draft, IdentityDrafts, Resolved
from ingest.snapshots.aws.iam import Entity
from ingest.snapshots.aws.model import SOURCE, SecretArn, account_of, as_utc, stable_id
from ingest.snapshots.aws.resource_policy import (
    Directory,
    Who,
    applies_to,
    resource_drafts,
    scope_of,
    who_of,
)

_CROSS_UNKNOWN = (
    "cross-account grants on secrets without a get-resource-policy output were kept as if "
    "the secret's resource policy allowed them"
)


class Evaluation:
    def __init__(
        self,
        resolved: dict[str, list[Resolved]],  # identity statements per user/role ARN
        directory: Directory,
        rps: dict[str, ResourcePolicy],
        default_key: set[str],  # secret ARNs encrypted with aws/secretsmanager (no KmsKeyId)
        warnings: set[str],
    ) -> None:
        self.resolved = resolved
        self.directory = directory
        self.rps = rps
        self.default_key = default_key
        self.warnings = warnings
        self._denials: dict[tuple[Who, str], set[str]] = {}

    # -- the two sides of a (principal, secret) pair ----------------------------------------
    def _who(self, draft: Draft) -> tuple[Who, Entity | None]:
        entity = self.directory.find(draft.principal_id)
        if entity is not None:
            return who_of(entity), entity
        pid = draft.principal_id
        return Who(pid, draft.principal_type, account_of(pid) if pid != "*" else None), None

    def _identity(self, entity: Entity | None, secret: SecretArn, effect: str) -> set[str]:
        out: set[str] = set()
        if entity is None:
            return out
        for r in self.resolved.get(entity.arn, []):
            st = r.statement
            if st.effect != effect or (effect == "deny" and (st.condition or r.scope is None)):
                continue
            if r.scope is None or r.scope.matches(secret.arn):
                out |= st.actions & RESOURCE_LEVEL
            if r.scope is not None and r.scope.matches("*") and secret.account == entity.account:
                out |= st.actions & NON_RESOURCE
        return out

    def _resource(self, who: Who, secret: SecretArn, effect: str) -> set[str]:
        rp = self.rps.get(secret.arn)
        out: set[str] = set()
        for st in rp.statements if rp else []:
            if st.effect != effect or (effect == "deny" and st.condition):
                continue
            scope = scope_of(st)
            if scope is not None and scope.matches(secret.arn) and applies_to(st, who):
                out |= st.actions & RESOURCE_LEVEL
        return out

    def _denied(self, who: Who, entity: Entity | None, secret: SecretArn) -> set[str]:
        key = (who, secret.arn)
        if key not in self._denials:
            denied = self._identity(entity, secret, "deny") | self._resource(who, secret, "deny")
            self._denials[key] = denied
        return self._denials[key]

    # -- steps --------------------------------------------------------------------------------
    def _per_secret(self, draft: Draft, secret: SecretArn) -> None:
        who, entity = self._who(draft)
        draft.actions -= self._denied(who, entity, secret)
        if who.account is None or who.account == secret.account:
            return
        if draft.from_resource_policy:
            if entity is not None:
                draft.actions &= self._identity(entity, secret, "allow")
        elif secret.arn not in self.rps:
            self.warnings.add(_CROSS_UNKNOWN)
        else:
            draft.actions &= self._resource(who, secret, "allow")
        if "GetSecretValue" in draft.actions and secret.arn in self.default_key:
            self.warnings.add(
                f"{who.principal_id} is granted GetSecretValue on {secret.name} from another "
                "account, but the secret uses the aws/secretsmanager key, which other accounts "
                "cannot use: the read fails in practice"
            )

    def _pattern(self, draft: Draft) -> None:
        entity = self.directory.find(draft.principal_id)
        if entity is None or draft.scope is None:
            return
        for r in self.resolved.get(entity.arn, []):
            st = r.statement
            if st.effect != "deny" or st.condition or r.scope is None:
                continue
            if r.scope.covers(draft.scope):
                draft.actions -= st.actions & RESOURCE_LEVEL
            if r.scope.matches("*"):
                draft.actions -= st.actions & NON_RESOURCE

    def apply(self, drafts: list[Draft]) -> list[Draft]:
        allows = [d for d in drafts if d.effect == "allow"]
        for d in allows:
            if d.secret is not None:
                self._per_secret(d, d.secret)
            else:
                self._pattern(d)
        readable = {(d.principal_id, d.resource) for d in allows if "GetSecretValue" in d.actions}
        for d in allows:
            if d.secret is not None and (d.principal_id, d.resource) not in readable:
                d.actions.discard("BatchGetSecretValue")
        return [d for d in drafts if d.actions]


def identity_drafts(
    entities: Iterable[tuple[Entity, str, list[Resolved]]],
    targets: list[SecretArn],
    listed: set[str],
    warnings: set[str],
) -> list[Draft]:
    out: list[Draft] = []
    for entity, ptype, resolved in entities:
        builder = IdentityDrafts(entity, ptype, targets, listed, warnings)
        for r in resolved:
            builder.add(r)
        out += builder.out
    return out


def all_resource_drafts(
    rps: dict[str, ResourcePolicy], directory: Directory, warnings: set[str]
) -> list[Draft]:
    return [d for arn in sorted(rps) for d in resource_drafts(rps[arn], directory, warnings)]


def to_rows(drafts: list[Draft], *, abac: bool) -> list[dict[str, Any]]:
    """Merge drafts with the same (principal, resource, via, effect, condition) into rows."""
    merged: dict[tuple[str, str, str, str, str | None], tuple[Draft, set[str]]] = {}
    for d in drafts:
        key = (d.principal_id, d.resource, d.via, d.effect, d.condition)
        if key in merged:
            merged[key][1].update(d.actions)
        else:
            merged[key] = (d, set(d.actions))
    rows = []
    for (principal_id, resource, via, effect, condition), (d, actions) in merged.items():
        when = as_utc(d.doc.snapshot_time)
        rows.append({
            "grant_id": stable_id(
                SOURCE, d.store, principal_id, resource, via, effect, condition, when
            ),
            "snapshot_time": when,
            "source": SOURCE,
            "store": d.store,
            "principal_id": principal_id,
            "principal_type": d.principal_type,
            "resource": resource,
            "actions": vocabulary_actions(actions, abac=abac),
            "capabilities": sorted(capability(a) for a in actions),
            "effect": effect,
            "via": via,
            "condition": condition,
            "origin_file": d.doc.origin_file,
        })  # fmt: skip
    return rows
