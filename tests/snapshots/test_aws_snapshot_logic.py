"""Focused tests of the IAM evaluation rules, through ``build()`` on small inline exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ingest.snapshots.aws import build
from ingest.snapshots.aws.model import SnapshotDoc

ACCT, EXT = "111122223333", "444455556666"
WHEN = datetime(2026, 11, 20, 12, tzinfo=UTC)
DB = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-AbCdEf"
WEB = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:dev/web-GhIjKl"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
APP = f"arn:aws:iam::{ACCT}:role/app"
PARTNER = f"arn:aws:iam::{EXT}:role/partner"


def _auth(users: list[Any] | None = None, roles: list[Any] | None = None) -> dict[str, Any]:
    return {"UserDetailList": users or [], "RoleDetailList": roles or [], "Policies": []}


def _entity(kind: str, arn: str, *statements: dict[str, Any]) -> dict[str, Any]:
    name = arn.rsplit("/", 1)[-1]
    key = {"user": "UserName", "role": "RoleName"}[kind]
    inline = {"user": "UserPolicyList", "role": "RolePolicyList"}[kind]
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return {key: name, "Arn": arn, inline: [{"PolicyName": "p", "PolicyDocument": policy}]}


def _name(arn: str) -> str:
    return arn.split(":secret:", 1)[1][:-7]


def _rp(arn: str, *statements: dict[str, Any]) -> dict[str, Any]:
    policy = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return {"ARN": arn, "Name": _name(arn), "ResourcePolicy": policy}


def _listing(*arns: str) -> dict[str, Any]:
    return {"SecretList": [{"ARN": a, "Name": _name(a)} for a in arns]}


def _grants(*payloads: Any) -> dict[tuple[str, str, str, str], set[str]]:
    docs = [SnapshotDoc(f"/t/{i}.json", None, p, WHEN) for i, p in enumerate(payloads)]
    result = build(docs)
    assert all(o.problem is None for o in result.per_file.values()), result.per_file
    out: dict[tuple[str, str, str, str], set[str]] = {}
    for g in result.grants:
        key = (g["principal_id"], g["resource"], g["effect"], g["via"])
        out.setdefault(key, set()).update(c.split(":", 1)[1] for c in g["capabilities"])
    return out


def _allowed(grants: dict[tuple[str, str, str, str], set[str]], who: str, res: str) -> set[str]:
    return set().union(*[v for k, v in grants.items() if k[:3] == (who, res, "allow")] or [set()])


def allow(action: Any, resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **kw}


def deny(action: Any, resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **kw}


def aws(*principals: str) -> dict[str, Any]:
    return {"AWS": list(principals)}


def test_identity_deny_overrides_identity_allow() -> None:
    user = _entity("user", ALICE, allow("secretsmanager:*"), deny("secretsmanager:Get*", DB))
    g = _grants(_auth([user]), _listing(DB, WEB))
    assert "GetSecretValue" not in _allowed(g, ALICE, DB)
    assert "GetResourcePolicy" not in _allowed(g, ALICE, DB)
    assert "GetSecretValue" in _allowed(g, ALICE, WEB)


def test_conditional_deny_removes_nothing() -> None:
    cond = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    user = _entity("user", ALICE, allow("secretsmanager:GetSecretValue"), deny("*", Condition=cond))
    g = _grants(_auth([user]), _listing(DB))
    assert _allowed(g, ALICE, DB) == {"GetSecretValue"}
    assert any(k[2] == "deny" for k in g)


def test_same_account_resource_policy_alone_grants() -> None:
    rp = _rp(DB, allow("secretsmanager:Get*", Principal=aws(APP)))
    g = _grants(_auth(roles=[_entity("role", APP)]), _listing(DB), rp)
    assert _allowed(g, APP, DB) == {"GetSecretValue", "GetResourcePolicy"}


def test_resource_policy_deny_beats_identity_allow_and_the_reverse() -> None:
    rp = _rp(
        DB,
        deny("secretsmanager:DeleteSecret", Principal={"AWS": ACCT}),
        allow("secretsmanager:PutSecretValue", Principal=aws(ALICE)),
    )
    user = _entity(
        "user",
        ALICE,
        allow("secretsmanager:DeleteSecret"),
        deny("secretsmanager:PutSecretValue", DB),
    )
    g = _grants(_auth([user]), _listing(DB), rp)
    assert _allowed(g, ALICE, DB) == set()


def test_cross_account_needs_both_sides() -> None:
    get_put = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
    rp = _rp(DB, allow(get_put, Principal=aws(f"arn:aws:iam::{EXT}:root")))
    get_describe = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    partner = _entity("role", PARTNER, allow(get_describe))
    g = _grants(_auth(roles=[partner]), _listing(DB), rp)
    assert _allowed(g, PARTNER, DB) == {"GetSecretValue"}
    assert _allowed(g, f"arn:aws:iam::{EXT}:root", DB) == {"GetSecretValue", "PutSecretValue"}
    # without any resource policy statement for it, nothing crosses the account boundary
    g = _grants(_auth(roles=[partner]), _listing(DB), {"ARN": DB, "Name": "prod/db"})
    assert _allowed(g, PARTNER, DB) == set()


def test_batch_get_reads_only_with_get_secret_value() -> None:
    user = _entity(
        "user",
        ALICE,
        allow("secretsmanager:BatchGetSecretValue"),
        allow("secretsmanager:GetSecretValue", WEB),
    )
    g = _grants(_auth([user]), _listing(DB, WEB))
    assert _allowed(g, ALICE, DB) == set()
    assert _allowed(g, ALICE, WEB) == {"GetSecretValue", "BatchGetSecretValue"}


def test_list_secrets_needs_resource_star() -> None:
    user = _entity("user", ALICE, allow("secretsmanager:List*", "arn:aws:secretsmanager:*"))
    g = _grants(_auth([user]), _listing(DB))
    assert _allowed(g, ALICE, DB) == {"ListSecretVersionIds"}


def test_not_principal_deny_spares_only_who_it_lists() -> None:
    spared = aws(APP, f"arn:aws:iam::{ACCT}:root")
    rp = _rp(DB, deny("secretsmanager:GetSecretValue", NotPrincipal=spared))
    users = [_entity("user", ALICE, allow("secretsmanager:GetSecretValue"))]
    roles = [_entity("role", APP, allow("secretsmanager:GetSecretValue"))]
    g = _grants(_auth(users, roles), _listing(DB), rp)
    assert _allowed(g, ALICE, DB) == set()
    assert _allowed(g, APP, DB) == {"GetSecretValue"}


def test_patterns_without_inventory_and_covering_denies() -> None:
    prod = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/*"
    any_prod = "arn:aws:secretsmanager:*:*:secret:prod/*"
    user = _entity(
        "user",
        ALICE,
        allow("secretsmanager:GetSecretValue", [prod, "*"]),
        deny("secretsmanager:GetSecretValue", any_prod),
    )
    g = _grants(_auth([user]))
    assert _allowed(g, ALICE, prod) == set()  # covered by the deny
    assert _allowed(g, ALICE, "*") == {"GetSecretValue"}  # not covered: other secrets remain


def test_build_is_order_independent() -> None:
    payloads = [
        _auth([_entity("user", ALICE, allow("secretsmanager:*"))]),
        _listing(DB, WEB),
        _rp(DB, {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}),
    ]
    docs = [SnapshotDoc(f"/t/{i}.json", None, p, WHEN) for i, p in enumerate(payloads)]
    assert build(docs) == build(list(reversed(docs)))
