"""AWS source detection: what ``looks_like`` claims (and what it leaves to other sources),
and which mapping variant a block gets."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest

from ingest.sources import AUDIT_SOURCES, audit_source
from ingest.sources.aws.audit import ENVELOPES, LAKE, PLAIN, looks_like_cloudtrail, variant_for

RECORD: dict[str, Any] = {
    "eventVersion": "1.09",
    "userIdentity": {"type": "AssumedRole", "accountId": "111122223333"},
    "eventTime": "2026-11-02T10:21:07Z",
    "eventSource": "secretsmanager.amazonaws.com",
    "eventName": "GetSecretValue",
    "awsRegion": "us-east-1",
    "eventID": "3f0e0000-0000-4000-8000-000000000001",
    "eventType": "AwsApiCall",
    "recipientAccountId": "111122223333",
}

CLAIMED = {
    "record": RECORD,
    "record of another service": {**RECORD, "eventSource": "ec2.amazonaws.com"},
    "service event without eventSource first": {
        "eventVersion": "1.09",
        "eventType": "AwsServiceEvent",
        "eventName": "RotationSucceeded",
    },
    "insight": {
        "eventVersion": "1.08",
        "eventType": "AwsCloudTrailInsight",
        "insightDetails": {"state": "Start", "eventSource": "secretsmanager.amazonaws.com"},
    },
    "lookup-events item": {
        "EventId": RECORD["eventID"],
        "EventName": "GetSecretValue",
        "EventTime": 1793614867.0,
        "CloudTrailEvent": json.dumps(RECORD),
    },
    "lookup-events page": {"Events": [{"EventId": "x", "CloudTrailEvent": json.dumps(RECORD)}]},
    "eventbridge envelope": {
        "version": "0",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.secretsmanager",
        "detail": RECORD,
    },
    "eventbridge envelope, detail as a string": {
        "detail-type": "AWS Service Event via CloudTrail",
        "source": "aws.secretsmanager",
        "detail": json.dumps(RECORD),
    },
    "cloudwatch message": {"timestamp": 1793614867000, "message": json.dumps(RECORD)},
    "sns notification of an eventbridge envelope": {
        "Type": "Notification",
        "Message": json.dumps(
            {
                "detail-type": "AWS API Call via CloudTrail",
                "source": "aws.secretsmanager",
                "detail": RECORD,
            }
        ),
    },
    "cloudwatch subscription delivery": {"messageType": "DATA_MESSAGE", "logEvents": []},
    "digest file": {"awsAccountId": "111122223333", "digestS3Object": "AWSLogs/x", "logFiles": []},
    "lake row": [{"eventID": "e1"}, {"eventTime": "2026-11-02 10:21:07.000"}, {"eventName": "x"}],
    "lake page": {"QueryResultRows": [[{"eventID": "e1"}, {"eventSource": "kms.amazonaws.com"}]]},
}

REFUSED = {
    "nothing": None,
    "a number": 42,
    "an empty object": {},
    "vault request": {"type": "request", "time": "2026-11-02T10:21:07Z", "request": {"id": "r"}},
    "vault response": {"type": "response", "auth": {}, "request": {"path": "secret/data/x"}},
    "gcp audit log entry": {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "secretmanager.googleapis.com",
        },
        "insertId": "abc",
        "timestamp": "2026-11-02T10:21:07Z",
    },
    "azure key vault record": {
        "time": "2026-11-02T10:21:07.1234567Z",
        "operationName": "SecretGet",
        "category": "AuditEvent",
    },
    "azure event grid event": {
        "eventType": "Microsoft.KeyVault.SecretNewVersionCreated",
        "eventTime": "2026-11-02T10:21:07Z",
        "data": {},
    },
    "kubernetes audit event": {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "stage": "x"},
    "eventbridge envelope of something else": {
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "detail": {"instance-id": "i-0abc", "state": "running"},
    },
    "a look-alike with a non-aws eventSource": {**RECORD, "eventSource": "example.com"}
    | {"eventVersion": "2.0", "eventType": "Custom"},
    "message that is not CloudTrail": {"message": "GET /healthz 200"},
    "lake-like list of other maps": [{"a": 1}, {"b": 2}],
    "list of lists": [[1], [2]],
}


@pytest.mark.parametrize("name", sorted(CLAIMED))
def test_claims(name: str) -> None:
    assert looks_like_cloudtrail(CLAIMED[name])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refuses(name: str) -> None:
    assert not looks_like_cloudtrail(REFUSED[name])


def test_registered_before_general_sources() -> None:
    aws = audit_source("aws")
    assert aws is not None
    vault = audit_source("vault")
    assert vault is not None
    assert AUDIT_SOURCES.index(aws) < AUDIT_SOURCES.index(vault)
    # nothing else claims a CloudTrail record, and the AWS source claims no Vault entry
    for other in AUDIT_SOURCES:
        if other.name != "aws":
            assert not other.looks_like(RECORD), other.name


@pytest.mark.parametrize(
    ("lines", "variant"),
    [
        ([json.dumps(RECORD)] * 3, PLAIN),
        ([], PLAIN),
        ([json.dumps(RECORD), json.dumps({"message": json.dumps(RECORD)})], ENVELOPES),
        ([json.dumps(RECORD), "not json"], ENVELOPES),
        ([json.dumps(RECORD), '  [{"eventID":"e1"}]'], LAKE),
    ],
)
def test_mapping_variant_per_block(lines: list[str], variant: str) -> None:
    assert variant_for(pa.array(lines, pa.string())) == variant
