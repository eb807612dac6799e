"""Hypothesis: the AWS adapter never raises on arbitrary JSON-ish CloudTrail-like input, in any
container (JSON lines, a {"Records": [...]} object, envelopes, Lake rows); every record becomes
a valid row, a duplicate, a skip or a quarantine row, and the counts always balance."""

from __future__ import annotations

import gzip
import json
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.pipeline import run_ingest
from queries.lake import connect

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(values), json_values)


SECRET_REFS = [
    "prod/db",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:",
    "arn:aws:s3:::bucket",
    "",
    "-AbCdEf",
]
times = maybe(
    [
        "2026-11-02T10:00:00Z",
        "2026-11-02 10:00:00.000",
        "2026-11-02T05:00:00-05:00",
        "1793613600",
        "1793613600000",
        "infinity",
        "99999-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "not a time",
        "",
    ]
)
identity = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "type": maybe(
                [
                    "AssumedRole",
                    "IAMUser",
                    "Root",
                    "AWSService",
                    "IdentityCenterUser",
                    "WebIdentityUser",
                    "SAMLUser",
                    "FederatedUser",
                    "",
                ]
            ),
            "principalId": maybe(["AROAEXAMPLE:i-0abc12345678", "AIDAEXAMPLE", ":", ""]),
            "arn": maybe(["arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:iam::1:user/u"]),
            "accountId": maybe(["111122223333", ""]),
            "accessKeyId": maybe(["ASIAEXAMPLE", "AKIAEXAMPLE", ""]),
            "invokedBy": maybe(["secretsmanager.amazonaws.com", ""]),
            "userName": maybe(["alice", "HIDDEN_DUE_TO_SECURITY_REASONS"]),
            "sessionContext": json_values,
            "onBehalfOf": json_values,
        },
    ),
    json_values,
)
records = st.fixed_dictionaries(
    {"eventVersion": maybe(["1.09", "1.08"])},
    optional={
        "userIdentity": identity,
        "eventTime": times,
        "eventSource": maybe(
            [
                "secretsmanager.amazonaws.com",
                "sts.amazonaws.com",
                "kms.amazonaws.com",
                "iam.amazonaws.com",
                "signin.amazonaws.com",
                "ec2.amazonaws.com",
                "",
            ]
        ),
        "eventName": maybe(
            [
                "GetSecretValue",
                "BatchGetSecretValue",
                "DeleteSecret",
                "UpdateSecretVersionStage",
                "AssumeRole",
                "ConsoleLogin",
                "PutRolePolicy",
                "Decrypt",
                "RotationFailed",
                "",
            ]
        ),
        "eventType": maybe(["AwsApiCall", "AwsServiceEvent", "AwsCloudTrailInsight"]),
        "eventID": maybe(["e1", "e2", "e3", ""]),
        "requestID": maybe(["r1", "r2", ""]),
        "awsRegion": maybe(["us-east-1", "cn-north-1", ""]),
        "recipientAccountId": maybe(["111122223333", ""]),
        "sourceIPAddress": maybe(["192.0.2.1", "2001:db8::1", "AWS Internal"]),
        "errorCode": maybe(["AccessDenied", "ThrottlingException"]),
        "requestParameters": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "secretId": maybe(SECRET_REFS),
                    "secretIdList": st.one_of(
                        st.lists(st.sampled_from(SECRET_REFS), max_size=3), json_values
                    ),
                    "filters": json_values,
                    "versionStage": maybe(["AWSCURRENT", "AWSPENDING"]),
                    "forceDeleteWithoutRecovery": json_values,
                    "encryptionContext": json_values,
                    "roleSessionName": json_values,
                },
            ),
            json_values,
        ),
        "responseElements": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "arn": maybe(SECRET_REFS),
                    "aRN": maybe(SECRET_REFS),
                    "credentials": json_values,
                },
            ),
            json_values,
        ),
        "additionalEventData": json_values,
        "resources": json_values,
        "insightDetails": json_values,
    },
)


def lake_row(rec: dict[str, Any]) -> list[dict[str, str]]:
    return [{k: v if isinstance(v, str) else json.dumps(v)} for k, v in rec.items()]


envelopes = st.one_of(
    records.map(json.dumps),
    records.map(
        lambda r: json.dumps(
            {"EventId": "x", "EventTime": 1793613600.5, "CloudTrailEvent": json.dumps(r)}
        )
    ),
    records.map(
        lambda r: json.dumps(
            {
                "detail-type": "AWS API Call via CloudTrail",
                "source": "aws.secretsmanager",
                "detail": r,
            }
        )
    ),
    records.map(lambda r: json.dumps({"message": json.dumps(r), "timestamp": 1793613600000})),
    records.map(
        lambda r: json.dumps(
            {
                "Type": "Notification",
                "Message": json.dumps(
                    {"detail-type": "x", "source": "aws.secretsmanager", "detail": json.dumps(r)}
                ),
            }
        )
    ),
    records.map(lambda r: json.dumps(lake_row(r))),
    json_values.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
)

VOCAB = schema.load().vocabularies


def check(tmp: Path, path: Path) -> None:
    report = run_ingest([path], tmp / "lake", source="aws")
    for f in report.files:
        assert f.balanced(), f
    con = connect(tmp / "lake")
    rows = con.sql(
        "SELECT action, outcome, principal_type, event_time, delete_kind, raw FROM events"
    ).fetchall()
    assert len(rows) == sum(f.events_written for f in report.files)
    for action, outcome, ptype, when, delete_kind, raw in rows:
        assert action in VOCAB["action"]
        assert outcome in VOCAB["outcome"]
        assert ptype in VOCAB["principal_type"]
        assert when.tzinfo is not None and when.utcoffset() == UTC.utcoffset(None)
        assert (delete_kind is None) or action == "delete"
        assert raw
    ((q,),) = con.sql("SELECT count(*) FROM quarantine").fetchall()
    assert q == sum(f.quarantined for f in report.files)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(envelopes, min_size=1, max_size=12))
def test_json_lines_never_raise_and_rows_validate(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "cloudtrail.jsonl"
        src.parent.mkdir()
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        check(Path(tmp), src)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(records, json_values), min_size=1, max_size=10))
def test_s3_objects_never_raise_and_rows_validate(items: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "111122223333_CloudTrail_us-east-1_20261102T1000Z_x.json.gz"
        src.parent.mkdir()
        doc = json.dumps({"Records": items}, separators=(",", ":"))
        src.write_bytes(gzip.compress(doc.encode(), mtime=0))
        check(Path(tmp), src)
