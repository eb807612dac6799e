"""Properties: recognise/build never raise on any JSON; rows always fit the lake schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.schema import load
from ingest.snapshots.aws import KINDS, build, recognise
from ingest.snapshots.aws.model import SnapshotDoc, parse_aws_time

SCHEMA = load()
ACTIONS = set(SCHEMA.vocabularies["action"])
PRINCIPAL_TYPES = set(SCHEMA.vocabularies["principal_type"])
TABLES = ("grants", "principals", "secrets")
ACCTS = ["111122223333", "444455556666"]
SECRET_ARNS = [
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/web-GhIjKl",
    "arn:aws:secretsmanager:us-east-1:444455556666:secret:shared-MnOpQr",
]
PRINCIPAL_ARNS = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:iam::444455556666:role/partner",
    "arn:aws:iam::444455556666:root",
    "111122223333",
    "AROAEXAMPLEDELETED01",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["*", "Allow", "Deny", "2026-01-02T03:04:05Z", "AWSCURRENT", *SECRET_ARNS])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
AWS_KEYS = [
    "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "SecretList", "ARN", "Name",
    "ResourcePolicy", "Tags", "RotationRules", "CreatedDate", "LastAccessedDate", "DeletedDate",
    "SecretString", "IsTruncated", "PolicyVersionList", "Arn", "UserName", "RoleName",
]  # fmt: skip
awsish = st.dictionaries(st.sampled_from(AWS_KEYS), json_values, max_size=6)

action_patterns = st.sampled_from(
    ["*", "secretsmanager:*", "secretsmanager:Get*", "SecretsManager:describesecret",
     "secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue", "s3:*", "iam:*"]
)  # fmt: skip
resource_patterns = st.sampled_from(
    ["*", "arn:aws:secretsmanager:*:111122223333:secret:prod/*", "arn:aws:secretsmanager:*",
     "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????",
     "arn:aws:secretsmanager:*:*:secret:${aws:username}/*", "arn:aws:s3:::b/*", *SECRET_ARNS]
)  # fmt: skip
conditions = st.none() | st.just({"Bool": {"aws:SecureTransport": "true"}}) | json_values


@st.composite
def statements(draw: st.DrawFn, *, resource_policy: bool = False) -> dict[str, Any]:
    st_: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny", "allow", "Nope"]))}
    action_key = draw(st.sampled_from(["Action", "NotAction"]))
    st_[action_key] = draw(action_patterns | st.lists(action_patterns, max_size=3))
    resource_key = draw(st.sampled_from(["Resource", "NotResource"]))
    st_[resource_key] = draw(resource_patterns | st.lists(resource_patterns, max_size=3))
    if resource_policy:
        who = st.sampled_from(PRINCIPAL_ARNS) | st.lists(
            st.sampled_from(PRINCIPAL_ARNS), max_size=3
        )
        principal = draw(st.just("*") | who.map(lambda v: {"AWS": v}) | st.just({"Service": "x"}))
        st_[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = principal
    cond = draw(conditions)
    if cond is not None:
        st_["Condition"] = cond
    return st_


def _document(draw: st.DrawFn, *, resource_policy: bool = False) -> Any:
    body = draw(st.lists(statements(resource_policy=resource_policy), max_size=3))
    doc = {"Version": "2012-10-17", "Statement": body}
    form = draw(st.sampled_from(["object", "json", "url"]))
    if form == "object":
        return doc
    return json.dumps(doc) if form == "json" else quote(json.dumps(doc), safe="")


MANAGED = "arn:aws:iam::111122223333:policy/M"


def _user(draw: st.DrawFn, i: int) -> dict[str, Any]:
    return {
        "UserName": f"u{i}",
        "Arn": f"arn:aws:iam::{draw(st.sampled_from(ACCTS))}:user/u{i}",
        "GroupList": draw(st.lists(st.sampled_from(["g1", "g2"]), max_size=2)),
        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": _document(draw)}],
        "AttachedManagedPolicies": [{"PolicyName": "M", "PolicyArn": MANAGED}],
    }


def _role(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "RoleName": "app",
        "Arn": "arn:aws:iam::111122223333:role/app",
        "RoleId": "AROAEXAMPLE",
        "AssumeRolePolicyDocument": draw(json_values),
        "RolePolicyList": [{"PolicyName": "r", "PolicyDocument": _document(draw)}],
    }


def _group(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return {
        "GroupName": name,
        "Arn": f"arn:aws:iam::111122223333:group/{name}",
        "GroupPolicyList": [{"PolicyName": "gp", "PolicyDocument": _document(draw)}],
    }


def _secret(draw: st.DrawFn, arn: str) -> dict[str, Any]:
    entry = {"ARN": arn, "Name": arn.split(":secret:")[1][:-7]}
    for key in ("CreatedDate", "LastAccessedDate", "KmsKeyId", "DeletedDate", "RotationEnabled"):
        entry[key] = draw(scalars)
    for key in ("Tags", "RotationRules", "SecretVersionsToStages"):
        entry[key] = draw(json_values)
    return entry


@st.composite
def coherent_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    """A plausible export with random gaps and odd values: reaches every evaluation step."""
    when = datetime(2026, 11, 20, tzinfo=UTC)
    version = {"VersionId": "v1", "IsDefaultVersion": draw(st.booleans())}
    policy = {
        "PolicyName": "M",
        "Arn": MANAGED,
        "DefaultVersionId": "v1",
        "PolicyVersionList": [{**version, "Document": _document(draw)}],
    }
    payloads: list[Any] = [
        {
            "UserDetailList": [_user(draw, i) for i in range(draw(st.integers(0, 2)))],
            "RoleDetailList": [_role(draw)] if draw(st.booleans()) else [],
            "GroupDetailList": [
                _group(draw, g) for g in draw(st.lists(st.sampled_from(["g1", "g2"]), unique=True))
            ],
            "Policies": [policy],
        }
    ]
    if draw(st.booleans()):
        arns = draw(st.lists(st.sampled_from(SECRET_ARNS), unique=True))
        payloads.append({"SecretList": [_secret(draw, a) for a in arns]})
    for arn in draw(st.lists(st.sampled_from(SECRET_ARNS), unique=True, max_size=2)):
        document = _document(draw, resource_policy=True)
        text = document if isinstance(document, str) else json.dumps(document)
        payloads.append({"ARN": arn, "Name": "n", "ResourcePolicy": text})
    return [SnapshotDoc(f"/hyp/{i}.json", None, p, when) for i, p in enumerate(payloads)]


times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def doc_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    count = draw(st.integers(min_value=0, max_value=5))
    payload = json_values | awsish | awsish.map(lambda d: {"SecretList": [d]})
    return [SnapshotDoc(f"/hyp/{i}.json", None, draw(payload), draw(times)) for i in range(count)]


def _check_rows(name: str, rows: list[dict[str, Any]]) -> None:
    table = SCHEMA[name]
    for row in rows:
        assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
        assert row["source"] == "aws"
        if "principal_type" in row:
            assert row["principal_type"] in PRINCIPAL_TYPES
        if name == "grants":
            assert row["actions"]
            assert set(row["actions"]) <= ACTIONS
            assert row["effect"] in ("allow", "deny")
            assert all(c.startswith("secretsmanager:") for c in row["capabilities"])
        for col in table.columns:
            if not col.nullable and col.name != "ingest_id":
                assert row[col.name] is not None, f"{name}.{col.name} is null"
        for value in row.values():
            if isinstance(value, datetime):
                assert value.tzinfo is UTC
    pa.Table.from_pylist([{**r, "ingest_id": "hyp"} for r in rows], schema=table.arrow_schema())


@settings(max_examples=400, deadline=None)
@given(payload=json_values | awsish, api_path=st.none() | st.text(max_size=10))
def test_recognise_never_raises(payload: Any, api_path: str | None) -> None:
    kind = recognise(payload, api_path)
    assert kind is None or kind in KINDS


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=doc_sets() | coherent_sets())
def test_build_never_raises_and_rows_fit_the_schema(docs: list[SnapshotDoc]) -> None:
    result = build(docs, None)
    for name in TABLES:
        _check_rows(name, getattr(result, name))
    assert set(result.per_file) == {d.origin_file for d in docs}
    for outcome in result.per_file.values():
        assert outcome.kind is None or outcome.kind in KINDS
        assert "internal error" not in (outcome.problem or "")
    assert not [w for w in result.warnings if "internal error" in w]
    written = sum(o.rows_written for o in result.per_file.values())
    assert written == sum(len(getattr(result, n)) for n in TABLES)
    keys = [g["grant_id"] for g in result.grants]
    assert len(keys) == len(set(keys))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=coherent_sets())
def test_build_does_not_depend_on_input_order(docs: list[SnapshotDoc]) -> None:
    assert build(docs) == build(list(reversed(docs)))


@given(scalars | json_values)
def test_parse_aws_time_never_raises(value: Any) -> None:
    parsed = parse_aws_time(value)
    assert parsed is None or parsed.tzinfo is UTC
