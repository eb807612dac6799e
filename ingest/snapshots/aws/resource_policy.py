"""Secret resource policies: who a statement names, and the drafts it gives on its secret.

``Principal`` forms: ``"*"``, ``{"AWS": "*"}``, ``{"AWS": arn | [arn, ...]}`` with an account
id, an account root, a user, a role or an assumed-role session, ``{"Service": ...}``. A
deleted principal shows as its unique id (``AROA...``/``AIDA...``). ``NotPrincipal`` names the
principals a statement does *not* apply to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.snapshots.aws.actions import RESOURCE_LEVEL
from ingest.snapshots.aws.collect import ResourcePolicy
from ingest.snapshots.aws.drafts import Draft, with_extra
from ingest.snapshots.aws.iam import Entity
from ingest.snapshots.aws.matcher import Scope, resolve_variables
from ingest.snapshots.aws.model import account_of
from ingest.snapshots.aws.policydoc import Statement
from ingest.snapshots.aws.principals import entity_type, principal_type_of

_UNIQUE_ID = re.compile(r"A[A-Z0-9]{3}[A-Z0-9]{8,}")


@dataclass(frozen=True)
class Who:
    """A principal as the evaluation sees it."""

    principal_id: str  # ARN, ``*``, an account root ARN, a service name or an unknown id
    principal_type: str
    account: str | None
    unique_id: str | None = None


def who_of(entity: Entity) -> Who:
    return Who(entity.arn, entity_type(entity), entity.account, entity.unique_id)


class Directory:
    """Known users and roles, by ARN and by unique id."""

    def __init__(self, entities: list[Entity], accounts: set[str]) -> None:
        self.accounts = accounts  # accounts whose authorization details were given
        self.by_arn = {e.arn: e for e in entities}
        self.by_lower = {e.arn.lower(): e for e in entities}
        self.by_id = {e.unique_id: e for e in entities if e.unique_id}

    def find(self, value: str) -> Entity | None:
        return self.by_arn.get(value) or self.by_lower.get(value.lower()) or self.by_id.get(value)

    def named(self, kind: str, value: str) -> Who:
        """The principal a ``Principal`` entry names."""
        if kind == "*":
            return Who("*", "unknown", None)
        if kind != "AWS":
            ptype = "service" if kind == "Service" else "unknown"
            return Who(value, ptype, None)
        if re.fullmatch(r"\d{12}", value):
            value = f"arn:aws:iam::{value}:root"
        entity = self.find(value)
        if entity is not None:
            return who_of(entity)
        if _UNIQUE_ID.fullmatch(value):
            return Who(value, "unknown", None, value)
        return Who(value, principal_type_of(value), account_of(value))


def _names(kind: str, value: str, who: Who, *, exact: bool) -> bool:
    """Whether the ``Principal`` entry (kind, value) covers ``who``.

    An account (``123456789012`` or its ``:root`` ARN) covers every principal of the account,
    except in ``NotPrincipal`` (``exact``), where it stands for the account alone (AWS's
    examples list the account *and* the exempted user or role there).
    """
    if kind == "*":
        return True
    if kind != "AWS":
        return who.principal_id == value
    if re.fullmatch(r"\d{12}", value):
        value = f"arn:aws:iam::{value}:root"
    if value.endswith(":root") and not exact:
        return who.account is not None and account_of(value) == who.account
    return value in (who.principal_id, who.unique_id) or value.lower() == who.principal_id.lower()


def applies_to(st: Statement, who: Who) -> bool:
    """Whether a resource-policy statement applies to ``who`` (``*`` stands for anyone)."""
    hit = any(_names(k, v, who, exact=st.not_principal) for k, v in st.principals)
    if st.not_principal:
        return who.principal_id != "*" and not hit
    return hit


def scope_of(st: Statement) -> Scope | None:
    patterns = [resolve_variables(p, {}) if st.variables else p for p in st.resources]
    if any(p is None for p in patterns):
        return None
    return Scope(tuple(p for p in patterns if p is not None), st.not_resource)


def resource_drafts(rp: ResourcePolicy, directory: Directory, warnings: set[str]) -> list[Draft]:
    """One draft per statement and principal it names, on the policy's own secret."""
    secret = rp.secret
    out: list[Draft] = []
    for st in rp.statements:
        scope = scope_of(st)
        acts = set(st.actions & RESOURCE_LEVEL)
        if scope is None or not scope.matches(secret.arn) or not acts:
            continue
        if st.not_principal:
            named = [(Who("*", "unknown", None), {"NotPrincipal": _principal_json(st)})]
        else:
            named = [(directory.named(k, v), {}) for k, v in st.principals]
        for who, extra in named:
            if who.unique_id and directory.find(who.principal_id) is None:
                warnings.add(
                    f"resource policy of {secret.name} names {who.principal_id}: a unique id "
                    "in place of an ARN means the principal was deleted (a new one with the "
                    "same name does not get this grant)"
                )
            elif (
                who.principal_type != "unknown"
                and who.account in directory.accounts
                and directory.find(who.principal_id) is None
            ):
                warnings.add(
                    f"resource policy of {secret.name} names {who.principal_id}, "
                    "which is not in the IAM snapshot of its account"
                )
            out.append(
                Draft(who.principal_id, who.principal_type, secret.arn,
                      f"resource-policy:{secret.name}", st.effect,
                      with_extra(st.condition, **extra), secret.store, rp.doc, set(acts),
                      secret, from_resource_policy=True)
            )  # fmt: skip
    return out


def _principal_json(st: Statement) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for kind, value in st.principals:
        grouped.setdefault(kind, []).append(value)
    return {k: sorted(v) for k, v in sorted(grouped.items())}
