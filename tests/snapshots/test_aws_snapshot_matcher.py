"""Focused tests of the AWS importer's building blocks: wildcard matcher, documents, types."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.snapshots.aws import recognise
from ingest.snapshots.aws.matcher import (
    Scope,
    action_matches,
    covers,
    glob_match,
    intersects,
    resolve_variables,
    resource_matches,
)
from ingest.snapshots.aws.model import parse_aws_time, parse_secret_arn
from ingest.snapshots.aws.policydoc import decode_document, parse_policy
from ingest.snapshots.aws.principals import principal_type_of, user_type

ACCT, EXT = "111122223333", "444455556666"
DB = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-AbCdEf"
PARTNER = f"arn:aws:iam::{EXT}:role/partner"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*", True),
        ("secretsmanager:*", True),
        ("secretsmanager:Get*", True),
        ("SECRETSMANAGER:getsecretvalue", True),
        ("secretsmanager:GetSecret?alue", True),
        ("secrets*:*Value", True),
        ("secretsmanager:Describe*", False),
        ("s3:*", False),
        ("secretsmanager:GetSecretValue2", False),
    ],
)
def test_action_patterns(pattern: str, expected: bool) -> None:
    assert action_matches(pattern, "secretsmanager:GetSecretValue") is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*", True),
        ("arn:aws:secretsmanager:*:*:secret:*", True),
        (f"arn:aws:secretsmanager:*:{ACCT}:secret:prod/*", True),
        (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-??????", True),
        ("arn:aws:secretsmanager:*", True),  # * crosses ':' and '/'
        (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db", False),  # suffix missing
        (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-?????", False),
        (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:PROD/*", False),  # case-sensitive
        (f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:*", False),
        (f"arn:aws:secretsmanager:*:{EXT}:secret:*", False),
    ],
)
def test_resource_patterns(pattern: str, expected: bool) -> None:
    assert resource_matches(pattern, DB) is expected


ALPHABET = "ab"
patterns = st.text(alphabet="ab*?", max_size=5)


def _strings(limit: int) -> list[str]:
    return ["".join(p) for n in range(limit + 1) for p in itertools.product(ALPHABET, repeat=n)]


@settings(max_examples=300, deadline=None)
@given(wide=patterns, narrow=patterns)
def test_covers_is_sound(wide: str, narrow: str) -> None:
    if covers(wide, narrow):
        for text in _strings(7):
            if glob_match(narrow, text):
                assert glob_match(wide, text), (wide, narrow, text)


@settings(max_examples=300, deadline=None)
@given(a=patterns, b=patterns)
def test_intersects_is_exact(a: str, b: str) -> None:
    both = any(glob_match(a, t) and glob_match(b, t) for t in _strings(len(a) + len(b) + 1))
    assert intersects(a, b) is both


def test_scope_coverage_with_not_resource() -> None:
    base = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:"
    prod = Scope((f"{base}prod/*",))
    everything = Scope(("*",))
    not_prod = Scope((f"{base}prod/*",), negated=True)
    not_prod_db = Scope((f"{base}prod/db*",), negated=True)
    assert everything.covers(not_prod)
    assert not prod.covers(not_prod)
    assert not_prod.covers(Scope((f"{base}dev/*",)))
    assert not not_prod.covers(Scope(("arn:*:dev/*",)))  # "arn:x:dev/:prod/y" is in both
    assert not not_prod.covers(Scope((f"{base}prod/x",)))
    assert not_prod_db.covers(not_prod)  # everything outside prod/ is outside prod/db*
    assert not not_prod.covers(not_prod_db)
    assert not_prod.matches("*") and not prod.matches("*")


def test_policy_variables() -> None:
    assert resolve_variables("s:${aws:username}/*", {"aws:username": "alice"}) == "s:alice/*"
    assert resolve_variables("s:${aws:PrincipalTag/team, 'none'}/*", {}) == "s:none/*"
    assert resolve_variables("s:${aws:PrincipalTag/team}/*", {}) is None
    assert not glob_match(resolve_variables("s:${*}", {}) or "", "s:x")


def test_documents_in_every_encoding() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}
    text = json.dumps(policy)
    for form in (policy, text, quote(text, safe=""), f"  {text}\n"):
        assert decode_document(form) == policy
    assert decode_document("%7Bbroken") is None
    statements, problems = parse_policy(quote(text, safe=""))
    assert len(statements) == 1 and problems == []


def test_statement_forms() -> None:
    statements, problems = parse_policy(
        {
            "Statement": [
                {"Effect": "allow", "NotAction": "secretsmanager:Get*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["s3:*"], "Resource": "*"},  # not about secrets
                {"Effect": "Maybe", "Action": "*", "Resource": "*"},
                {"Sid": "X", "Effect": "Allow", "Resource": "*"},
            ]
        }
    )
    assert len(statements) == 1
    assert "GetSecretValue" not in statements[0].actions
    assert "DescribeSecret" in statements[0].actions
    assert len(problems) == 2


def test_arns_and_times() -> None:
    parsed = parse_secret_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:a-b-c-XyZ123")
    assert parsed is not None and parsed.name == "a-b-c" and parsed.store == f"{ACCT}/us-east-1"
    assert parse_secret_arn("arn:aws:s3:::bucket") is None
    assert parse_aws_time(0) is None and parse_aws_time(True) is None
    assert parse_aws_time("1714731667") == datetime(2024, 5, 3, 10, 21, 7, tzinfo=UTC)
    assert parse_aws_time("2024-05-03T12:21:07+02:00") == datetime(
        2024, 5, 3, 10, 21, 7, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("name", "path", "tags", "expected"),
    [
        ("alice", "/", {}, "human"),
        ("alice@acme.example", "/", {}, "human"),
        ("svc-payments", "/", {}, "service"),
        ("terraform", "/", {}, "service"),
        ("reports", "/automation/", {}, "service"),
        ("ci-runner", "/", {"Type": "Human"}, "human"),
        ("mona", "/", {"kind": "machine"}, "service"),
        ("cicero", "/", {}, "human"),  # a token must match whole, not a prefix
    ],
)
def test_user_type(name: str, path: str, tags: dict[str, str], expected: str) -> None:
    assert user_type(name, path, tags) == expected


def test_principal_types_by_arn() -> None:
    assert principal_type_of(f"arn:aws:iam::{EXT}:root") == "unknown"
    assert principal_type_of(PARTNER) == "role"
    assert principal_type_of(f"arn:aws:sts::{EXT}:assumed-role/partner/s1") == "role"
    assert principal_type_of(f"arn:aws:iam::{EXT}:user/deploy-bot") == "service"
    assert principal_type_of("lambda.amazonaws.com") == "service"


def test_recognise_shapes() -> None:
    assert recognise({"SecretList": []}, None) == "secret_list"
    assert recognise([{"ARN": DB, "Name": "prod/db"}], None) == "secret_list"
    assert recognise({"ARN": DB, "Name": "prod/db"}, None) == "secret_resource_policy"
    assert recognise({"ARN": DB, "Name": "x", "CreatedDate": 1}, None) == "secret_description"
    assert recognise({"ARN": DB, "Name": "x", "SecretString": "v"}, None) == "secret_value"
    assert recognise({"RoleDetailList": []}, None) == "iam_authorization_details"
    assert recognise({"Policies": [{"PolicyName": "x"}]}, None) is None
    assert recognise({"Records": []}, None) is None
    assert recognise({"data": {"keys": []}}, "sys/policies/acl") is None


@pytest.mark.parametrize(
    "module", ["matcher", "model", "policydoc", "recognise", "principals", "inventory"]
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    failed, _ = doctest.testmod(importlib.import_module(f"ingest.snapshots.aws.{module}"))
    assert failed == 0
