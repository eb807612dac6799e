"""Writes the input files of the AWS CloudTrail golden cases (run once; inputs are committed).

Each case is ``<name>/input/`` with files laid out exactly as CloudTrail and the tools around it
leave them (S3 trail delivery, LookupEvents, EventBridge, CloudWatch Logs, CloudTrail Lake), and
``expected.json``, which the golden runner writes only under ``pytest --update-goldens`` and a
human reviews. Records are composed from FORMATS.md §2; every value is fake: accounts
111122223333 / 444455556666, TEST-NET addresses, example.com names, made-up ids and keys.

    .venv/bin/python ingest/sources/aws/cases/make_cases.py
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ACCT = "111122223333"
OTHER = "444455556666"
REGION = "us-east-1"
DAY = "2026-11-02"
SM = "secretsmanager.amazonaws.com"
CLI_UA = (
    "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off "
    "md/command#secretsmanager.get-secret-value"
)
BOTO_UA = (
    "Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6"
)
LAMBDA_UA = BOTO_UA + " exec-env/AWS_Lambda_python3.12"
CONSOLE_UA = "AWS Internal"


def fid(tag: str) -> str:
    """A deterministic, obviously fake UUID."""
    return str(uuid.UUID(hashlib.md5(tag.encode()).hexdigest()))  # noqa: S324 (fake ids)


def arn(name: str, suffix: str, *, account: str = ACCT, region: str = REGION) -> str:
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}"


def partial(name: str, *, account: str = ACCT, region: str = REGION) -> str:
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"


DB = arn("prod/payments/db", "AbCdEf")
API = arn("prod/payments/api-key", "Gh1jK2")
STRIPE = arn("prod/billing/stripe", "Lm3nO4")
REPORTS = arn("prod/reports/readonly", "Pq5rS6")
LEGACY = arn("legacy/app-config", "Tu7vW8")


# --- identities ------------------------------------------------------------------------------
def role(
    name: str, session: str, key: str, *, account: str = ACCT, path: str = "", **ctx: Any
) -> dict[str, Any]:
    role_id = "AROA" + hashlib.md5(name.encode()).hexdigest()[:13].upper()  # noqa: S324
    attributes = ctx.pop(
        "attributes", {"creationDate": f"{DAY}T09:58:00Z", "mfaAuthenticated": "false"}
    )
    context: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": role_id,
            "arn": f"arn:aws:iam::{account}:role/{path}{name}",
            "accountId": account,
            "userName": name,
        },
        "attributes": attributes,
        **ctx,
    }
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
        "accountId": account,
        "accessKeyId": key,
        "sessionContext": context,
    }


EC2 = role("payments-app", "i-0abc1234def567890", "ASIAEXAMPLEAPPEC2001")
LAMBDA = role("payments-rotator", "payments-rotator", "ASIAEXAMPLEROTATOR01", path="service-role/")
EKS = role(
    "payments-api-irsa",
    "botocore-session-1793614800",
    "ASIAEXAMPLEEKSIRSA01",
    webIdFederationData={
        "federatedProvider": f"arn:aws:iam::{ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        "attributes": {},
    },
)
SSO_ALICE = role(
    "AWSReservedSSO_PaymentsAdmin_0123456789abcdef",
    "alice@example.com",
    "ASIAEXAMPLEALICESSO1",
    path="aws-reserved/sso.amazonaws.com/",
    attributes={"creationDate": f"{DAY}T08:01:12Z", "mfaAuthenticated": "false"},
)
CROSS = role("reporting-reader", "i-0fedcba9876543210", "ASIAEXAMPLEXACCT0001", account=OTHER)
CI_USER = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLECIDEPLOY1",
    "arn": f"arn:aws:iam::{ACCT}:user/ci-deploy",
    "accountId": ACCT,
    "accessKeyId": "AKIAEXAMPLECIDEPLOY1",
    "userName": "ci-deploy",
}
BOB_CONSOLE = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLEBOBUSER01",
    "arn": f"arn:aws:iam::{ACCT}:user/bob",
    "accountId": ACCT,
    "accessKeyId": "ASIAEXAMPLEBOBCONS01",
    "userName": "bob",
    # the compact creationDate form of an older AWS example, and mfaAuthenticated as a string
    "sessionContext": {
        "attributes": {"creationDate": "20261102T091500Z", "mfaAuthenticated": "true"}
    },
}
ROOT = {
    "type": "Root",
    "principalId": ACCT,
    "arn": f"arn:aws:iam::{ACCT}:root",
    "accountId": ACCT,
    "accessKeyId": "AKIAEXAMPLEROOTKEY01",
}
SERVICE = {"accountId": ACCT, "invokedBy": SM}


def record(
    name: str,
    identity: dict[str, Any],
    time: str,
    tag: str,
    *,
    source: str = SM,
    rp: Any = None,
    re: Any = None,
    error: tuple[str, str] | None = None,
    ip: str = "198.51.100.10",
    ua: str = BOTO_UA,
    region: str = REGION,
    account: str = ACCT,
    event_type: str = "AwsApiCall",
    read_only: bool = True,
    request_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A CloudTrail record in CloudTrail's own key order."""
    rec: dict[str, Any] = {
        "eventVersion": "1.09" if source == SM else "1.08",
        "userIdentity": identity,
        "eventTime": f"{DAY}T{time}Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": ua,
    }
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    rec["requestParameters"] = rp
    rec["responseElements"] = re
    rec.update(
        {k: v for k, v in extra.items() if k in ("additionalEventData", "serviceEventDetails")}
    )
    rec["requestID"] = request_id or fid("req-" + tag)
    rec["eventID"] = fid("evt-" + tag)
    rec["readOnly"] = read_only
    rec.update({k: v for k, v in extra.items() if k == "resources"})
    rec["eventType"] = event_type
    rec["managementEvent"] = True
    rec["recipientAccountId"] = account
    rec.update(
        {
            k: v
            for k, v in extra.items()
            if k in ("sharedEventID", "vpcEndpointId", "sessionCredentialFromConsole", "omitted")
        }
    )
    rec["eventCategory"] = "Management"
    if ip[:1].isdigit():
        rec["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"{source.split('.')[0]}.{region}.amazonaws.com",
        }
    return rec


def service_event(
    name: str, time: str, tag: str, secret: str, *, where: str = "additionalEventData"
) -> dict[str, Any]:
    return record(
        name,
        SERVICE,
        time,
        tag,
        ip=SM,
        ua=SM,
        event_type="AwsServiceEvent",
        read_only=False,
        request_id=f"Rotation-{secret}-{fid('rot-' + tag)}"
        if name.startswith(("Rotation", "TestRotation"))
        else fid("req-" + tag),
        **{where: {"SecretId": secret}},
    )


def kms_on_behalf(
    name: str, identity: dict[str, Any], time: str, tag: str, secret: str, version: str
) -> dict[str, Any]:
    ident = {**identity, "invokedBy": SM}
    return record(
        name,
        ident,
        time,
        tag,
        source="kms.amazonaws.com",
        ip=SM,
        ua=SM,
        rp={
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "encryptionContext": {"SecretARN": secret, "SecretVersionId": version},
        },
        resources=[
            {
                "accountId": ACCT,
                "type": "AWS::KMS::Key",
                "ARN": f"arn:aws:kms:{REGION}:{ACCT}:key/{fid('key')}",
            }
        ],
    )


# --- writers -----------------------------------------------------------------------------------
def s3_key(
    account: str, region: str, stamp: str, rand: str, kind: str = "CloudTrail", org: str = ""
) -> str:
    day = f"{stamp[:4]}/{stamp[4:6]}/{stamp[6:8]}"
    prefix = f"AWSLogs/{org + '/' if org else ''}{account}/{kind}/{region}/{day}"
    return f"{prefix}/{account}_{kind}_{region}_{stamp}_{rand}.json.gz"


def write_gz(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(doc, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(data, mtime=0))


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def jsonl(items: list[Any]) -> str:
    return "".join(json.dumps(i, separators=(",", ":")) + "\n" for i in items)


def case_dir(name: str) -> Path:
    d = HERE / name / "input"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def digest(account: str, region: str, logs: list[str]) -> dict[str, Any]:
    return {
        "awsAccountId": account,
        "digestStartTime": f"{DAY}T09:30:00Z",
        "digestEndTime": f"{DAY}T10:30:00Z",
        "digestS3Bucket": "example-trail-bucket",
        "digestS3Object": s3_key(
            account, region, "20261102T103000Z", "", "CloudTrail-Digest"
        ).replace("_.json.gz", ".json.gz"),
        "digestPublicKeyFingerprint": "0123456789abcdef0123456789abcdef",
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": f"{DAY}T10:25:00Z",
        "oldestEventTime": f"{DAY}T10:20:00Z",
        "previousDigestS3Bucket": "example-trail-bucket",
        "previousDigestS3Object": s3_key(
            account, region, "20261102T093000Z", "", "CloudTrail-Digest"
        ).replace("_.json.gz", ".json.gz"),
        "previousDigestHashValue": "00" * 32,
        "previousDigestHashAlgorithm": "SHA-256",
        "previousDigestSignature": "ab" * 64,
        "logFiles": [
            {
                "s3Bucket": "example-trail-bucket",
                "s3Object": key,
                "hashValue": "11" * 32,
                "hashAlgorithm": "SHA-256",
                "newestEventTime": f"{DAY}T10:25:00Z",
                "oldestEventTime": f"{DAY}T10:20:00Z",
            }
            for key in logs
        ],
    }


# --- cases -------------------------------------------------------------------------------------
def s3_trail_delivery() -> None:
    d = case_dir("s3_trail_delivery")
    east = s3_key(ACCT, REGION, "20261102T1025Z", "Ab12Cd34Ef56Gh78")
    west = s3_key(ACCT, "eu-west-1", "20261102T1025Z", "Zy98Xw76Vu54Ts32")
    write_gz(
        d / east,
        {
            "Records": [
                record(
                    "GetSecretValue",
                    EC2,
                    "10:21:07",
                    "s3-1",
                    ip="10.0.3.44",
                    rp={"secretId": "prod/payments/db"},
                ),
                kms_on_behalf("Decrypt", EC2, "10:21:07", "s3-1k", DB, fid("ver-db-7")),
                record(
                    "GetSecretValue",
                    LAMBDA,
                    "10:21:30",
                    "s3-2",
                    ip="10.0.7.12",
                    ua=LAMBDA_UA,
                    rp={"secretId": API, "versionStage": "AWSPREVIOUS"},
                ),
                record(
                    "DescribeSecret",
                    SSO_ALICE,
                    "10:22:01",
                    "s3-3",
                    ip="203.0.113.25",
                    ua=CLI_UA,
                    rp={"secretId": partial("prod/billing/stripe")},
                ),
                record(
                    "ListSecrets",
                    SSO_ALICE,
                    "10:22:05",
                    "s3-4",
                    ip="203.0.113.25",
                    ua=CLI_UA,
                    rp={"filters": [{"key": "name", "values": ["prod/"]}]},
                ),
                record(
                    "DescribeInstances",
                    EC2,
                    "10:22:09",
                    "s3-5",
                    source="ec2.amazonaws.com",
                    ip="10.0.3.44",
                    rp={"instancesSet": {}, "filterSet": {}},
                ),
                record(
                    "ListBuckets",
                    SSO_ALICE,
                    "10:22:12",
                    "s3-6",
                    source="s3.amazonaws.com",
                    ip="203.0.113.25",
                    rp={"Host": "s3.amazonaws.com"},
                ),
                record(
                    "GetCallerIdentity",
                    CI_USER,
                    "10:22:15",
                    "s3-7",
                    source="sts.amazonaws.com",
                    ip="192.0.2.40",
                ),
            ]
        },
    )
    write_gz(
        d / west,
        {
            "Records": [
                record(
                    "GetSecretValue",
                    EC2 | {"accessKeyId": "ASIAEXAMPLEAPPEC2002"},
                    "10:23:40",
                    "s3-8",
                    region="eu-west-1",
                    ip="10.8.1.9",
                    rp={"secretId": "prod/payments/db"},
                ),
            ]
        },
    )
    write_gz(
        d
        / "AWSLogs"
        / ACCT
        / "CloudTrail-Digest"
        / REGION
        / "2026/11/02"
        / f"{ACCT}_CloudTrail-Digest_{REGION}_management-trail_{REGION}_20261102T103000Z.json.gz",
        digest(ACCT, REGION, [east]),
    )


def secretsmanager_actions() -> None:
    d = case_dir("secretsmanager_actions")
    new = arn("prod/checkout/token", "Xy9zA1")
    v1, v2 = fid("ver-checkout-1"), fid("ver-checkout-2")
    recs = [
        record(
            "CreateSecret",
            CI_USER,
            "11:00:00",
            "act-1",
            ip="192.0.2.40",
            read_only=False,
            rp={
                "name": "prod/checkout/token",
                "clientRequestToken": fid("crt-1"),
                "kmsKeyId": "alias/prod-secrets",
            },
            re={"arn": new, "name": "prod/checkout/token", "versionId": v1},
        ),
        record(
            "PutSecretValue",
            CI_USER,
            "11:01:00",
            "act-2",
            ip="192.0.2.40",
            read_only=False,
            rp={
                "secretId": "prod/checkout/token",
                "clientRequestToken": v2,
                "secretString": "HIDDEN_DUE_TO_SECURITY_REASONS",
            },
            re={
                "arn": new,
                "name": "prod/checkout/token",
                "versionId": v2,
                "versionStages": ["AWSCURRENT"],
            },
        ),
        record(
            "UpdateSecret",
            SSO_ALICE,
            "11:02:00",
            "act-3",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "description": "checkout service token"},
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "UpdateSecret",
            SSO_ALICE,
            "11:02:30",
            "act-4",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "secretString": "HIDDEN_DUE_TO_SECURITY_REASONS"},
            re={"arn": new, "name": "prod/checkout/token", "versionId": fid("ver-checkout-3")},
        ),
        record(
            "UpdateSecretVersionStage",
            SSO_ALICE,
            "11:03:00",
            "act-5",
            ip="203.0.113.25",
            read_only=False,
            rp={
                "secretId": new,
                "versionStage": "AWSCURRENT",
                "moveToVersionId": v1,
                "removeFromVersionId": v2,
            },
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "UpdateSecretVersionStage",
            SSO_ALICE,
            "11:03:30",
            "act-6",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "versionStage": "RELEASE-2026-11", "moveToVersionId": v2},
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "TagResource",
            SSO_ALICE,
            "11:04:00",
            "act-7",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "tags": [{"key": "team", "value": "checkout"}]},
        ),
        record(
            "UntagResource",
            SSO_ALICE,
            "11:04:30",
            "act-8",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "tagKeys": ["team"]},
        ),
        record(
            "ListSecretVersionIds",
            SSO_ALICE,
            "11:05:00",
            "act-9",
            ip="203.0.113.25",
            rp={"secretId": new},
        ),
        record(
            "GetResourcePolicy",
            SSO_ALICE,
            "11:05:30",
            "act-10",
            ip="203.0.113.25",
            rp={"secretId": new},
        ),
        record(
            "ValidateResourcePolicy",
            SSO_ALICE,
            "11:06:00",
            "act-11",
            ip="203.0.113.25",
            rp={"secretId": new, "resourcePolicy": '{"Version":"2012-10-17","Statement":[]}'},
        ),
        record(
            "PutResourcePolicy",
            SSO_ALICE,
            "11:06:30",
            "act-12",
            ip="203.0.113.25",
            read_only=False,
            rp={
                "secretId": new,
                "blockPublicPolicy": True,
                "resourcePolicy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}',
            },
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "DeleteResourcePolicy",
            SSO_ALICE,
            "11:07:00",
            "act-13",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new},
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "GetRandomPassword",
            CI_USER,
            "11:07:30",
            "act-14",
            ip="192.0.2.40",
            rp={"passwordLength": 32, "excludePunctuation": True},
        ),
        record(
            "RotateSecret",
            SSO_ALICE,
            "11:08:00",
            "act-15",
            ip="203.0.113.25",
            read_only=False,
            rp={
                "secretId": new,
                "rotationLambdaARN": f"arn:aws:lambda:{REGION}:{ACCT}:function:payments-rotator",
                "rotationRules": {"automaticallyAfterDays": 30},
                "rotateImmediately": False,
            },
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "CancelRotateSecret",
            SSO_ALICE,
            "11:08:30",
            "act-16",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new},
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "ReplicateSecretToRegions",
            SSO_ALICE,
            "11:09:00",
            "act-17",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "addReplicaRegions": [{"region": "eu-west-1"}]},
            re={"arn": new, "replicationStatus": [{"region": "eu-west-1", "status": "InProgress"}]},
        ),
        record(
            "RemoveRegionsFromReplication",
            SSO_ALICE,
            "11:09:30",
            "act-18",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "removeReplicaRegions": ["eu-west-1"]},
            re={"arn": new},
        ),
        record(
            "DeleteSecret",
            SSO_ALICE,
            "11:10:00",
            "act-19",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new, "recoveryWindowInDays": 7},
            re={
                "arn": new,
                "name": "prod/checkout/token",
                "deletionDate": "Nov 9, 2026, 11:10:00 AM",
            },
        ),
        record(
            "RestoreSecret",
            SSO_ALICE,
            "11:11:00",
            "act-20",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": new},
            re={"arn": new, "name": "prod/checkout/token"},
        ),
        record(
            "DeleteSecret",
            SSO_ALICE,
            "11:12:00",
            "act-21",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": "prod/checkout/token", "forceDeleteWithoutRecovery": True},
            re={
                "arn": new,
                "name": "prod/checkout/token",
                "deletionDate": "Nov 2, 2026, 11:12:00 AM",
            },
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1115Z", "Ac1Bd2Ce3Df4Eg5F"), {"Records": recs})


def permission_changes() -> None:
    d = case_dir("iam_permission_changes")
    doc = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": DB}
            ],
        }
    )
    s3_doc = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    iam = "iam.amazonaws.com"
    recs = [
        record(
            "PutRolePolicy",
            SSO_ALICE,
            "12:00:00",
            "iam-1",
            source=iam,
            ip="203.0.113.25",
            read_only=False,
            region="us-east-1",
            rp={"roleName": "payments-app", "policyName": "read-db-secret", "policyDocument": doc},
        ),
        record(
            "AttachRolePolicy",
            SSO_ALICE,
            "12:01:00",
            "iam-2",
            source=iam,
            ip="203.0.113.25",
            read_only=False,
            rp={
                "roleName": "reporting",
                "policyArn": "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
            },
        ),
        record(
            "CreatePolicyVersion",
            SSO_ALICE,
            "12:02:00",
            "iam-3",
            source=iam,
            ip="203.0.113.25",
            read_only=False,
            rp={
                "policyArn": f"arn:aws:iam::{ACCT}:policy/payments-secrets",
                "policyDocument": doc.replace('"', "%22").replace(":", "%3A"),
                "setAsDefault": True,
            },
        ),
        record(
            "PutUserPolicy",
            SSO_ALICE,
            "12:03:00",
            "iam-4",
            source=iam,
            ip="203.0.113.25",
            read_only=False,
            rp={"userName": "ci-deploy", "policyName": "artifacts", "policyDocument": s3_doc},
        ),
        record(
            "CreateUser",
            SSO_ALICE,
            "12:04:00",
            "iam-5",
            source=iam,
            ip="203.0.113.25",
            read_only=False,
            rp={"userName": "carol"},
        ),
        record(
            "PutResourcePolicy",
            SSO_ALICE,
            "12:05:00",
            "iam-6",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": DB, "resourcePolicy": doc},
            re={"arn": DB, "name": "prod/payments/db"},
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1205Z", "Iam1Iam2Iam3Iam4"), {"Records": recs})


def duplicate_deliveries() -> None:
    d = case_dir("duplicate_deliveries")
    shared = fid("shared-x")
    first = [
        record(
            "GetSecretValue",
            EC2,
            "10:30:01",
            "dup-1",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "GetSecretValue",
            EC2,
            "10:30:02",
            "dup-2",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        # cross-account read: the owner's copy (the caller's copy is in the other account's trail)
        record(
            "GetSecretValue",
            CROSS,
            "10:30:05",
            "dup-3-owner",
            ip="198.51.100.77",
            rp={"secretId": REPORTS},
            account=ACCT,
            sharedEventID=shared,
            request_id=fid("req-dup-3"),
        ),
    ]
    a = s3_key(ACCT, REGION, "20261102T1035Z", "Dup1Dup1Dup1Dup1")
    write_gz(d / a, {"Records": first})
    # the organization trail delivers the very same records again, under another name
    write_gz(
        d / s3_key(ACCT, REGION, "20261102T1035Z", "Org2Org2Org2Org2", org="o-exampleorg1"),
        {"Records": first},
    )
    # a later file repeats one record (at-least-once delivery) next to a new one
    later = [
        first[1],
        record(
            "DescribeSecret",
            EC2,
            "10:36:00",
            "dup-4",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1040Z", "Dup3Dup3Dup3Dup3"), {"Records": later})
    # the caller account's copy of the cross-account read: same sharedEventID, its own eventID
    caller = record(
        "GetSecretValue",
        CROSS,
        "10:30:05",
        "dup-3-caller",
        ip="198.51.100.77",
        rp={"secretId": REPORTS},
        account=OTHER,
        sharedEventID=shared,
        request_id=fid("req-dup-3"),
    )
    write_gz(d / s3_key(OTHER, REGION, "20261102T1035Z", "Xac5Xac5Xac5Xac5"), {"Records": [caller]})


def lookup_item(rec: dict[str, Any], when: Any) -> dict[str, Any]:
    return {
        "EventId": rec["eventID"],
        "EventName": rec["eventName"],
        "ReadOnly": str(rec["readOnly"]).lower(),
        "AccessKeyId": rec["userIdentity"].get("accessKeyId", ""),
        "EventTime": when,
        "EventSource": rec["eventSource"],
        "Username": rec["userIdentity"].get("userName")
        or rec["userIdentity"].get("arn", "").rsplit("/", 1)[-1],
        "Resources": [],
        "CloudTrailEvent": json.dumps(rec, separators=(",", ":")),
    }


def epoch(rec: dict[str, Any]) -> float:
    return (
        datetime.fromisoformat(rec["eventTime"].replace("Z", "+00:00")).astimezone(UTC).timestamp()
    )


def lookup_events() -> None:
    d = case_dir("lookup_events")
    cli = [
        record(
            "GetSecretValue",
            SSO_ALICE,
            "13:00:00",
            "lk-1",
            ip="203.0.113.25",
            ua=CLI_UA,
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "PutSecretValue",
            CI_USER,
            "13:01:00",
            "lk-2",
            ip="192.0.2.40",
            read_only=False,
            rp={"secretId": API, "clientRequestToken": fid("crt-lk")},
            re={
                "arn": API,
                "name": "prod/payments/api-key",
                "versionId": fid("crt-lk"),
                "versionStages": ["AWSCURRENT"],
            },
        ),
    ]
    # `aws cloudtrail lookup-events ... --query Events` (CLI v2: ISO EventTime with an offset)
    items = [lookup_item(r, r["eventTime"].replace("Z", "+00:00")) for r in cli]
    write_text(d / "lookup-events-cli.json", json.dumps(items, indent=4) + "\n")
    # items of the raw API (boto3 json.dump), one per line: EventTime is epoch seconds
    raw = [
        record(
            "DescribeSecret",
            EC2,
            "13:02:00",
            "lk-3",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "GetSecretValue",
            EC2,
            "13:02:01",
            "lk-4",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
            error=(
                "AccessDeniedException",
                f"User: {EC2['arn']} is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/payments/db because no identity-based policy allows the secretsmanager:GetSecretValue action",
            ),
        ),
    ]
    write_text(d / "lookup-events-api.jsonl", jsonl([lookup_item(r, epoch(r)) for r in raw]))


def unsplit_api_pages() -> None:
    d = case_dir("unsplit_api_pages")
    rec = record(
        "GetSecretValue",
        SSO_ALICE,
        "13:10:00",
        "pg-1",
        ip="203.0.113.25",
        ua=CLI_UA,
        rp={"secretId": "prod/payments/db"},
    )
    # `aws cloudtrail lookup-events` as the CLI prints it: the page object, not its items
    page = {
        "Events": [lookup_item(rec, rec["eventTime"].replace("Z", "+00:00"))],
        "NextToken": "EXAMPLE-NEXT-TOKEN",
    }
    write_text(d / "lookup-events-page.json", json.dumps(page, indent=4) + "\n")
    # `aws cloudtrail get-query-results` without --query QueryResultRows
    lake = {
        "QueryStatus": "FINISHED",
        "QueryStatistics": {"ResultsCount": 1, "TotalResultsCount": 1, "BytesScanned": 4096},
        "QueryResultRows": [
            [
                {"eventID": fid("evt-pg-2")},
                {"eventTime": f"{DAY} 13:11:00.000"},
                {"eventSource": SM},
                {"eventName": "GetSecretValue"},
            ]
        ],
    }
    write_text(d / "lake-query-page.json", json.dumps(lake, indent=4) + "\n")
    # a CloudWatch Logs subscription delivery (gunzipped, base64-decoded) and its health check
    data = {
        "messageType": "DATA_MESSAGE",
        "owner": ACCT,
        "logGroup": "aws-cloudtrail-logs-example",
        "logStream": f"{ACCT}_CloudTrail_{REGION}",
        "subscriptionFilters": ["to-firehose"],
        "logEvents": [{"id": "3" * 56, "timestamp": 1793624400000, "message": json.dumps(rec)}],
    }
    control = {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [
            {
                "id": "",
                "timestamp": 1793624400000,
                "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose.",
            }
        ],
    }
    write_text(d / "firehose-cwl.jsonl", jsonl([data, control]))


def eventbridge() -> None:
    d = case_dir("eventbridge")

    def envelope(rec: dict[str, Any], service: bool = False) -> dict[str, Any]:
        return {
            "version": "0",
            "id": fid("eb-" + rec["eventID"]),
            "detail-type": "AWS Service Event via CloudTrail"
            if service
            else "AWS API Call via CloudTrail",
            "source": "aws.secretsmanager",
            "account": ACCT,
            "time": rec["eventTime"],
            "region": rec["awsRegion"],
            "resources": [],
            "detail": rec,
        }

    get = record("GetSecretValue", EKS, "14:00:00", "eb-1", ip="10.0.9.31", rp={"secretId": DB})
    put = record(
        "PutSecretValue",
        LAMBDA,
        "14:00:10",
        "eb-2",
        ip="10.0.7.12",
        ua=LAMBDA_UA,
        read_only=False,
        rp={"secretId": DB, "clientRequestToken": fid("eb-tok"), "versionStages": ["AWSPENDING"]},
        re={
            "arn": DB,
            "name": "prod/payments/db",
            "versionId": fid("eb-tok"),
            "versionStages": ["AWSPENDING"],
        },
    )
    started = service_event("RotationStarted", "14:00:05", "eb-3", DB)
    succeeded = service_event("RotationSucceeded", "14:00:20", "eb-4", DB)
    # EventBridge -> SNS -> an HTTPS/SQS subscriber: the envelope is a string in `Message`
    sns = {
        "Type": "Notification",
        "MessageId": fid("sns-1"),
        "TopicArn": f"arn:aws:sns:{REGION}:{ACCT}:secrets-audit",
        "Message": json.dumps(
            envelope(
                record(
                    "DescribeSecret", EKS, "14:01:00", "eb-5", ip="10.0.9.31", rp={"secretId": DB}
                )
            )
        ),
        "Timestamp": f"{DAY}T14:01:01.123Z",
        "SignatureVersion": "1",
    }
    lines = [
        envelope(get),
        envelope(started, True),
        envelope(put),
        envelope(succeeded, True),
        sns,
        envelope(get),
    ]  # EventBridge retries: the same event twice
    write_text(d / "secretsmanager-events.jsonl", jsonl(lines))


def cloudwatch_logs() -> None:
    d = case_dir("cloudwatch_logs")
    recs = [
        record(
            "GetSecretValue",
            EC2,
            "14:10:00",
            "cw-1",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "GetSecretValue",
            LAMBDA,
            "14:10:30",
            "cw-2",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": API},
        ),
        record(
            "RunInstances",
            SSO_ALICE,
            "14:11:00",
            "cw-3",
            source="ec2.amazonaws.com",
            ip="203.0.113.25",
            read_only=False,
        ),
    ]
    # `aws logs filter-log-events ... | jq -c '.events[]'`: the record is a JSON string
    lines = [
        {
            "logStreamName": f"{ACCT}_CloudTrail_{REGION}",
            "timestamp": int(epoch(r) * 1000) + 900,
            "message": json.dumps(r, separators=(",", ":")),
            "ingestionTime": int(epoch(r) * 1000) + 4000,
            "eventId": str(37000000000000000000000000000000000000000000000000000000 + i),
        }
        for i, r in enumerate(recs)
    ]
    # a SIEM re-export: {"message": "<record>"} and nothing else
    lines.append(
        {
            "message": json.dumps(
                record(
                    "DescribeSecret",
                    EC2,
                    "14:12:00",
                    "cw-4",
                    ip="10.0.3.44",
                    rp={"secretId": "prod/payments/db"},
                )
            )
        }
    )
    lines.append({"message": "2026-11-02T14:12:30Z not a CloudTrail record"})
    write_text(d / "cloudtrail-log-group.jsonl", jsonl(lines))


def lake_rows() -> None:
    d = case_dir("cloudtrail_lake")

    def trino(value: Any) -> str:
        """How CloudTrail Lake renders a struct or map column: {key=value, ...}, keys lower-cased
        for structs (maps keep their keys), null for missing."""
        if isinstance(value, dict):
            return (
                "{"
                + ", ".join(
                    f"{k.lower() if value.get('__struct__', True) else k}={trino(v)}"
                    for k, v in value.items()
                    if k != "__struct__"
                )
                + "}"
            )
        if value is None:
            return "null"
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, list):
            return "[" + ", ".join(trino(v) for v in value) + "]"
        return str(value)

    def row(rec: dict[str, Any], *, json_nested: bool = False) -> list[dict[str, str]]:
        cols = [
            "eventVersion",
            "eventID",
            "eventTime",
            "eventSource",
            "eventName",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "errorCode",
            "errorMessage",
            "requestParameters",
            "responseElements",
            "additionalEventData",
            "userIdentity",
            "requestID",
            "recipientAccountId",
            "eventType",
        ]
        out = []
        for c in cols:
            v = rec.get(c)
            if c == "eventTime":
                v = v.replace("T", " ").replace("Z", ".000")
            elif c in ("requestParameters", "responseElements", "additionalEventData"):
                v = (
                    json.dumps(v)
                    if json_nested and v is not None
                    else (trino({**v, "__struct__": False}) if v else None)
                )
            elif c == "userIdentity":
                v = json.dumps(v) if json_nested else trino(v)
            if v is not None:
                out.append({c: v})
        return out

    recs = [
        record(
            "GetSecretValue",
            EC2,
            "15:00:00",
            "lake-1",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "GetSecretValue",
            CROSS,
            "15:00:30",
            "lake-2",
            ip="198.51.100.77",
            rp={"secretId": REPORTS},
            error=(
                "AccessDenied",
                f"User: {CROSS['arn']} is not authorized to perform: secretsmanager:GetSecretValue on resource: {REPORTS}",
            ),
        ),
        record(
            "CreateSecret",
            CI_USER,
            "15:01:00",
            "lake-3",
            ip="192.0.2.40",
            read_only=False,
            rp={"name": "prod/search/api-key"},
            re={
                "arn": arn("prod/search/api-key", "Sr4cH5"),
                "name": "prod/search/api-key",
                "versionId": fid("ver-search"),
            },
        ),
        record(
            "RotationSucceeded",
            SERVICE,
            "15:02:00",
            "lake-4",
            ip=SM,
            ua=SM,
            event_type="AwsServiceEvent",
            read_only=False,
            additionalEventData={"SecretId": arn("prod/search/api-key", "Sr4cH5")},
        ),
    ]
    rows = [row(recs[0]), row(recs[1]), row(recs[2]), row(recs[3], json_nested=True)]
    # `aws cloudtrail get-query-results --query-id ... --query QueryResultRows`
    write_text(d / "lake-query-results.json", json.dumps(rows, indent=2) + "\n")


def errors() -> None:
    d = case_dir("errors")
    denied = "User: {who} is not authorized to perform: {act} on resource: {res} because no identity-based policy allows the {act} action"
    recs = [
        record(
            "GetSecretValue",
            CI_USER,
            "16:00:00",
            "err-1",
            ip="192.0.2.40",
            rp={"secretId": "prod/billing/stripe"},
            error=(
                "AccessDenied",
                denied.format(
                    who=CI_USER["arn"],
                    act="secretsmanager:GetSecretValue",
                    res="prod/billing/stripe",
                ),
            ),
        ),
        record(
            "GetSecretValue",
            EC2,
            "16:00:10",
            "err-2",
            ip="10.0.3.44",
            rp={"secretId": STRIPE},
            error=(
                "AccessDeniedException",
                denied.format(who=EC2["arn"], act="secretsmanager:GetSecretValue", res=STRIPE),
            ),
        ),
        record(
            "GetSecretValue",
            EC2,
            "16:00:20",
            "err-3",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db-old"},
            error=("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
        ),
        record(
            "GetSecretValue",
            LAMBDA,
            "16:00:30",
            "err-4",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": API},
            error=("ThrottlingException", "Rate exceeded"),
        ),
        record(
            "GetSecretValue",
            EC2,
            "16:00:40",
            "err-5",
            ip="10.0.3.44",
            rp={"secretId": LEGACY},
            error=(
                "DecryptionFailure",
                "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
            ),
        ),
        record(
            "GetSecretValue",
            EC2,
            "16:00:50",
            "err-6",
            ip="10.0.3.44",
            rp={"secretId": "prod/checkout/token"},
            error=(
                "InvalidRequestException",
                "You can't perform this operation on the secret because it was marked for deletion.",
            ),
        ),
        {
            **kms_on_behalf("Decrypt", EC2, "16:00:40", "err-5k", LEGACY, fid("ver-legacy")),
            "errorCode": "AccessDeniedException",
            "errorMessage": f"User: {EC2['arn']} is not authorized to perform: kms:Decrypt on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access",
        },
        record(
            "AssumeRole",
            CI_USER,
            "16:01:00",
            "err-7",
            source="sts.amazonaws.com",
            ip="192.0.2.40",
            rp={
                "roleArn": f"arn:aws:iam::{ACCT}:role/payments-admin",
                "roleSessionName": "ci-deploy-1793635260",
            },
            error=(
                "AccessDenied",
                f"User: {CI_USER['arn']} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{ACCT}:role/payments-admin",
            ),
        ),
        record(
            "DeleteSecret",
            SSO_ALICE,
            "16:02:00",
            "err-8",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": DB, "recoveryWindowInDays": 3},
            error=(
                "InvalidParameterException",
                "The parameter RecoveryWindowInDays can't be less than 7.",
            ),
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1605Z", "Err1Err2Err3Err4"), {"Records": recs})


def rotation_service_events() -> None:
    d = case_dir("rotation_service_events")
    pending = fid("ver-db-8")
    recs = [
        record(
            "RotateSecret",
            SSO_ALICE,
            "17:00:00",
            "rot-0",
            ip="203.0.113.25",
            read_only=False,
            rp={"secretId": DB, "rotateImmediately": True},
            re={"arn": DB, "name": "prod/payments/db", "versionId": pending},
        ),
        service_event("RotationStarted", "17:00:01", "rot-1", DB),
        # the rotation Lambda's own calls
        record(
            "GetSecretValue",
            LAMBDA,
            "17:00:02",
            "rot-2",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": DB, "versionStage": "AWSCURRENT"},
        ),
        record(
            "PutSecretValue",
            LAMBDA,
            "17:00:03",
            "rot-3",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            read_only=False,
            rp={
                "secretId": DB,
                "clientRequestToken": pending,
                "versionStages": ["AWSPENDING"],
                "secretString": "HIDDEN_DUE_TO_SECURITY_REASONS",
            },
            re={
                "arn": DB,
                "name": "prod/payments/db",
                "versionId": pending,
                "versionStages": ["AWSPENDING"],
            },
        ),
        record(
            "GetSecretValue",
            LAMBDA,
            "17:00:04",
            "rot-4",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": DB, "versionId": pending, "versionStage": "AWSPENDING"},
        ),
        record(
            "UpdateSecretVersionStage",
            LAMBDA,
            "17:00:05",
            "rot-5",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            read_only=False,
            rp={
                "secretId": DB,
                "versionStage": "AWSCURRENT",
                "moveToVersionId": pending,
                "removeFromVersionId": fid("ver-db-7"),
            },
            re={"arn": DB, "name": "prod/payments/db"},
        ),
        service_event("RotationSucceeded", "17:00:06", "rot-6", DB),
        service_event("RotationStarted", "17:05:00", "rot-7", API),
        service_event("RotationFailed", "17:05:30", "rot-8", API),
        service_event("RotationAbandoned", "17:06:00", "rot-9", STRIPE),
        service_event("TestRotationStarted", "17:07:00", "rot-10", REPORTS),
        service_event("TestRotationSucceeded", "17:07:10", "rot-11", REPORTS),
        service_event("TestRotationFailed", "17:07:20", "rot-12", LEGACY),
        service_event("StartSecretVersionDelete", "17:08:00", "rot-13", DB),
        service_event("CancelSecretVersionDelete", "17:08:30", "rot-14", DB),
        # some writers put the secret under serviceEventDetails instead
        service_event(
            "EndSecretVersionDelete", "17:09:00", "rot-15", API, where="serviceEventDetails"
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1710Z", "Rot1Rot2Rot3Rot4"), {"Records": recs})


def insight_events() -> None:
    d = case_dir("insight_events")

    def insight(
        state: str,
        time: str,
        tag: str,
        source: str,
        name: str,
        kind: str = "ApiCallRateInsight",
        error: str | None = None,
    ) -> dict[str, Any]:
        details: dict[str, Any] = {
            "state": state,
            "eventSource": source,
            "eventName": name,
            "insightType": kind,
        }
        if error:
            details["errorCode"] = error
        details["insightContext"] = {
            "statistics": {
                "baseline": {"average": 0.04},
                "insight": {"average": 12.5},
                "insightDuration": 5,
            },
            "attributions": [
                {
                    "attribute": "userIdentityArn",
                    "insight": [{"value": EC2["arn"], "average": 12.5}],
                    "baseline": [],
                }
            ],
        }
        return {
            "eventVersion": "1.08",
            "eventTime": f"{DAY}T{time}Z",
            "awsRegion": REGION,
            "eventID": fid("ins-" + tag),
            "eventType": "AwsCloudTrailInsight",
            "recipientAccountId": ACCT,
            "sharedEventID": fid("ins-shared-" + tag[:1]),
            "insightDetails": details,
            "eventCategory": "Insight",
        }

    recs = [
        insight("Start", "18:00:00", "a1", SM, "GetSecretValue"),
        insight("End", "18:05:00", "a2", SM, "GetSecretValue"),
        insight(
            "Start",
            "18:10:00",
            "b1",
            SM,
            "GetSecretValue",
            "ApiErrorRateInsight",
            "AccessDeniedException",
        ),
        insight("Start", "18:20:00", "c1", "ec2.amazonaws.com", "DescribeInstances"),
    ]
    write_gz(
        d / s3_key(ACCT, REGION, "20261102T1825Z", "Ins1Ins2Ins3Ins4", "CloudTrail-Insight"),
        {"Records": recs},
    )


def identities() -> None:
    d = case_dir("identities")
    sts = "sts.amazonaws.com"
    token = "IQoJb3JpZ2luX2VjEXAMPLE" + "A" * 60 + "EXAMPLESESSIONTOKEN"
    saml_user = {
        "type": "SAMLUser",
        "principalId": "EXAMPLEPROVIDERhash:dave@example.com",
        "userName": "dave@example.com",
        "identityProvider": "EXAMPLEPROVIDERhash",
    }
    web_user = {
        "type": "WebIdentityUser",
        "principalId": f"arn:aws:iam::{ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sts.amazonaws.com:system:serviceaccount:payments:api",
        "userName": "system:serviceaccount:payments:api",
        "identityProvider": f"arn:aws:iam::{ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
    }
    ic_user = {
        "type": "IdentityCenterUser",
        "accountId": ACCT,
        "onBehalfOf": {
            "userId": "94482488-3041-7026-18f3-be45837cd0e4",
            "identityStoreArn": f"arn:aws:identitystore::{ACCT}:identitystore/d-9067EXAMPLE",
        },
        "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE",
    }
    federated = {
        "type": "FederatedUser",
        "principalId": f"{ACCT}:build-bot",
        "arn": f"arn:aws:sts::{ACCT}:federated-user/build-bot",
        "accountId": ACCT,
        "accessKeyId": "ASIAEXAMPLEFEDERATE1",
        "sessionContext": {
            "sessionIssuer": {
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLECIDEPLOY1",
                "arn": CI_USER["arn"],
                "accountId": ACCT,
                "userName": "ci-deploy",
            },
            "attributes": {"creationDate": f"{DAY}T19:20:00Z", "mfaAuthenticated": "false"},
        },
    }
    cfn = {"type": "AWSService", "invokedBy": "cloudformation.amazonaws.com"}
    sso_src = role(
        "AWSReservedSSO_ReadOnly_fedcba9876543210",
        "erin@example.com",
        "ASIAEXAMPLEERINSSO01",
        path="aws-reserved/sso.amazonaws.com/eu-west-1/",
        sourceIdentity="erin@example.com",
    )
    app_src = role(
        "analytics", "job-7421", "ASIAEXAMPLEANALYTIC1", sourceIdentity="frank@example.com"
    )
    creds = {
        "accessKeyId": "ASIAEXAMPLEAPPEC2001",
        "sessionToken": token,
        "expiration": "Nov 2, 2026, 4:21:07 PM",
    }
    recs = [
        # EC2 instance profile: the EC2 service assumes the role; the issued key appears in later calls
        record(
            "AssumeRole",
            {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
            "19:00:00",
            "id-1",
            source=sts,
            ip="ec2.amazonaws.com",
            ua="ec2.amazonaws.com",
            rp={
                "roleArn": EC2["sessionContext"]["sessionIssuer"]["arn"],
                "roleSessionName": "i-0abc1234def567890",
            },
            re={
                "credentials": creds,
                "assumedRoleUser": {"assumedRoleId": EC2["principalId"], "arn": EC2["arn"]},
            },
            resources=[
                {
                    "accountId": ACCT,
                    "type": "AWS::IAM::Role",
                    "ARN": EC2["sessionContext"]["sessionIssuer"]["arn"],
                }
            ],
        ),
        record(
            "GetSecretValue",
            EC2,
            "19:00:05",
            "id-2",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        # EKS IRSA: the pod's web identity token buys role credentials
        record(
            "AssumeRoleWithWebIdentity",
            web_user,
            "19:01:00",
            "id-3",
            source=sts,
            ip="10.0.9.31",
            ua="Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#6.8.0 md/credential-provider#web_identity",
            rp={
                "roleArn": EKS["sessionContext"]["sessionIssuer"]["arn"],
                "roleSessionName": "botocore-session-1793614800",
            },
            re={
                "credentials": {**creds, "accessKeyId": "ASIAEXAMPLEEKSIRSA01"},
                "assumedRoleUser": {"assumedRoleId": EKS["principalId"], "arn": EKS["arn"]},
                "provider": web_user["identityProvider"],
                "audience": "sts.amazonaws.com",
                "subjectFromWebIdentityToken": "system:serviceaccount:payments:api",
            },
        ),
        record("GetSecretValue", EKS, "19:01:02", "id-4", ip="10.0.9.31", rp={"secretId": DB}),
        # root: console sign-in, then a read with root access keys
        record(
            "ConsoleLogin",
            ROOT | {"accessKeyId": ""},
            "19:02:00",
            "id-5",
            source="signin.amazonaws.com",
            ip="203.0.113.99",
            ua="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/131.0",
            event_type="AwsConsoleSignIn",
            read_only=False,
            re={"ConsoleLogin": "Success"},
            additionalEventData={
                "LoginTo": "https://console.aws.amazon.com/console/home",
                "MobileVersion": "No",
                "MFAUsed": "Yes",
            },
        ),
        record(
            "GetSecretValue",
            ROOT,
            "19:02:30",
            "id-6",
            ip="203.0.113.99",
            ua=CLI_UA,
            rp={"secretId": "prod/payments/db"},
        ),
        # an IAM user in the console (compact creationDate, mfaAuthenticated "true")
        record(
            "ConsoleLogin",
            {k: v for k, v in BOB_CONSOLE.items() if k not in ("accessKeyId", "sessionContext")},
            "19:03:00",
            "id-7",
            source="signin.amazonaws.com",
            ip="203.0.113.50",
            ua="Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15",
            event_type="AwsConsoleSignIn",
            read_only=False,
            re={"ConsoleLogin": "Success"},
            additionalEventData={
                "LoginTo": "https://console.aws.amazon.com/secretsmanager/home",
                "MobileVersion": "No",
                "MFAUsed": "Yes",
            },
        ),
        record(
            "DescribeSecret",
            BOB_CONSOLE,
            "19:03:30",
            "id-8",
            ip="203.0.113.50",
            ua=CONSOLE_UA,
            rp={"secretId": DB},
            sessionCredentialFromConsole="true",
        ),
        # a failed console sign-in: no errorCode, the outcome is in responseElements
        {
            **record(
                "ConsoleLogin",
                {
                    "type": "IAMUser",
                    "principalId": "AIDAEXAMPLEBOBUSER01",
                    "accountId": ACCT,
                    "accessKeyId": "",
                    "userName": "bob",
                },
                "19:04:00",
                "id-9",
                source="signin.amazonaws.com",
                ip="192.0.2.200",
                ua="Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/131.0",
                event_type="AwsConsoleSignIn",
                read_only=False,
                re={"ConsoleLogin": "Failure"},
                additionalEventData={
                    "LoginTo": "https://console.aws.amazon.com/console/home",
                    "MobileVersion": "No",
                    "MFAUsed": "No",
                },
            ),
            "errorMessage": "Failed authentication",
        },
        # an IAM user with long-term keys (AKIA)
        record(
            "GetSecretValue",
            CI_USER,
            "19:05:00",
            "id-10",
            ip="192.0.2.40",
            ua=CLI_UA,
            rp={"secretId": API},
        ),
        # SAML federation to a role, and SSO permission-set roles (one with a source identity)
        record(
            "AssumeRoleWithSAML",
            saml_user,
            "19:06:00",
            "id-11",
            source=sts,
            ip="203.0.113.61",
            ua="aws-internal/3 aws-sdk-java/1.12.770",
            rp={
                "roleArn": f"arn:aws:iam::{ACCT}:role/saml-ops",
                "principalArn": f"arn:aws:iam::{ACCT}:saml-provider/ExampleIdP",
                "durationSeconds": 3600,
            },
            re={
                "credentials": {**creds, "accessKeyId": "ASIAEXAMPLESAMLDAVE1"},
                "assumedRoleUser": {
                    "assumedRoleId": "AROAEXAMPLESAMLOPS01:dave@example.com",
                    "arn": f"arn:aws:sts::{ACCT}:assumed-role/saml-ops/dave@example.com",
                },
                "subject": "dave@example.com",
                "subjectType": "persistent",
                "issuer": "https://idp.example.com/saml",
            },
        ),
        record(
            "GetSecretValue",
            SSO_ALICE,
            "19:07:00",
            "id-12",
            ip="203.0.113.25",
            ua=CLI_UA,
            rp={"secretId": DB},
        ),
        record("ListSecrets", sso_src, "19:07:30", "id-13", ip="203.0.113.26", ua=CLI_UA, rp={}),
        record(
            "GetSecretValue", app_src, "19:08:00", "id-14", ip="10.0.5.5", rp={"secretId": REPORTS}
        ),
        # IAM Identity Center user (e.g. in an AWS managed application)
        record(
            "ListSecrets",
            ic_user,
            "19:09:00",
            "id-15",
            ip="203.0.113.70",
            ua=CONSOLE_UA,
            rp={"maxResults": 50},
        ),
        # GetFederationToken, then the federated user reads
        record(
            "GetFederationToken",
            CI_USER,
            "19:10:00",
            "id-16",
            source=sts,
            ip="192.0.2.40",
            ua=CLI_UA,
            rp={"name": "build-bot", "durationSeconds": 3600},
            re={
                "credentials": {**creds, "accessKeyId": "ASIAEXAMPLEFEDERATE1"},
                "federatedUser": {"federatedUserId": f"{ACCT}:build-bot", "arn": federated["arn"]},
            },
        ),
        record(
            "GetSecretValue",
            federated,
            "19:10:30",
            "id-17",
            ip="192.0.2.40",
            rp={"secretId": "prod/payments/api-key"},
        ),
        # a service acting in its own name (CloudFormation creating a stack's secret)
        record(
            "CreateSecret",
            cfn,
            "19:11:00",
            "id-18",
            ip="cloudformation.amazonaws.com",
            ua="cloudformation.amazonaws.com",
            read_only=False,
            rp={"name": "stack/search/api-key", "clientRequestToken": fid("cfn-tok")},
            re={
                "arn": arn("stack/search/api-key", "Cf9nA8"),
                "name": "stack/search/api-key",
                "versionId": fid("cfn-tok"),
            },
        ),
        # a Lambda function's role
        record(
            "GetSecretValue",
            LAMBDA,
            "19:12:00",
            "id-19",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": DB},
            vpcEndpointId="vpce-0abc123def4567890",
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T1915Z", "Idn1Idn2Idn3Idn4"), {"Records": recs})


def secret_references() -> None:
    d = case_dir("secret_references")
    dd = arn("DdApiKeySecret-aUFEgO4SmSGN", "xqgqXR")
    recs = [
        record(
            "GetSecretValue",
            EC2,
            "20:00:00",
            "ref-1",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        record(
            "GetSecretValue",
            EC2,
            "20:00:01",
            "ref-2",
            ip="10.0.3.44",
            rp={"secretId": partial("prod/payments/db")},
        ),
        record("GetSecretValue", EC2, "20:00:02", "ref-3", ip="10.0.3.44", rp={"secretId": DB}),
        # a name with hyphens: only the last 7 characters of the full ARN are the suffix
        record("GetSecretValue", EC2, "20:00:03", "ref-4", ip="10.0.3.44", rp={"secretId": dd}),
        # a partial ARN whose name ends like a suffix: read as a full ARN (AWS does the same)
        record(
            "GetSecretValue",
            EC2,
            "20:00:04",
            "ref-5",
            ip="10.0.3.44",
            rp={"secretId": partial("legacy/app-config")},
        ),
        record(
            "GetSecretValue",
            EC2,
            "20:00:05",
            "ref-6",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db", "versionId": fid("ver-db-7")},
        ),
        record(
            "GetSecretValue",
            EC2,
            "20:00:06",
            "ref-7",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db", "versionStage": "AWSPREVIOUS"},
        ),
        # before ~Feb 2024 some events wrote "aRN" in responseElements and resources
        record(
            "CreateSecret",
            CI_USER,
            "20:01:00",
            "ref-8",
            ip="192.0.2.40",
            read_only=False,
            rp={"name": "prod/old/token"},
            re={
                "aRN": arn("prod/old/token", "Ol1dT0"),
                "name": "prod/old/token",
                "versionId": fid("ver-old"),
            },
        ),
        record(
            "TagResource",
            CI_USER,
            "20:01:30",
            "ref-9",
            ip="192.0.2.40",
            read_only=False,
            rp={"secretId": "prod/old/token", "tags": [{"key": "owner", "value": "search"}]},
            resources=[
                {
                    "aRN": arn("prod/old/token", "Ol1dT0"),
                    "accountId": ACCT,
                    "type": "AWS::SecretsManager::Secret",
                }
            ],
        ),
        # another partition: the ARN built from a name follows the region
        record(
            "GetSecretValue",
            role("payments-app", "i-0abc1234def567890", "ASIAEXAMPLECNREGION1"),
            "20:02:00",
            "ref-10",
            ip="10.0.3.44",
            region="cn-north-1",
            rp={"secretId": "prod/payments/db"},
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T2005Z", "Ref1Ref2Ref3Ref4"), {"Records": recs})


def kms_on_behalf_case() -> None:
    d = case_dir("kms_on_behalf")
    v7 = fid("ver-db-7")
    recs = [
        record(
            "GetSecretValue",
            EC2,
            "21:00:00",
            "kms-1",
            ip="10.0.3.44",
            rp={"secretId": "prod/payments/db"},
        ),
        kms_on_behalf("Decrypt", EC2, "21:00:00", "kms-2", DB, v7),
        record(
            "PutSecretValue",
            CI_USER,
            "21:01:00",
            "kms-3",
            ip="192.0.2.40",
            read_only=False,
            rp={"secretId": API, "clientRequestToken": fid("ver-api-3")},
            re={
                "arn": API,
                "name": "prod/payments/api-key",
                "versionId": fid("ver-api-3"),
                "versionStages": ["AWSCURRENT"],
            },
        ),
        kms_on_behalf("GenerateDataKey", CI_USER, "21:01:00", "kms-4", API, fid("ver-api-3")),
        # the application's own KMS use: not about a secret
        record(
            "Decrypt",
            EC2,
            "21:02:00",
            "kms-5",
            source="kms.amazonaws.com",
            ip="10.0.3.44",
            rp={
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": {"aws:s3:arn": "arn:aws:s3:::example-bucket/report.csv"},
            },
        ),
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T2105Z", "Kms1Kms2Kms3Kms4"), {"Records": recs})


def batch_get_secret_value() -> None:
    d = case_dir("batch_get_secret_value")
    ids = [DB, API, STRIPE, REPORTS, LEGACY]
    rid = fid("req-batch-1")
    batch = record(
        "BatchGetSecretValue",
        CI_USER,
        "22:00:00",
        "bat-0",
        ip="192.0.2.40",
        ua=CLI_UA.replace("get-secret-value", "batch-get-secret-value"),
        rp={"secretIdList": ids},
        request_id=rid,
    )
    per_secret = [
        record(
            "GetSecretValue",
            CI_USER,
            "22:00:00",
            f"bat-{i}",
            ip="192.0.2.40",
            ua=CLI_UA.replace("get-secret-value", "batch-get-secret-value"),
            rp={"secretId": s},
            request_id=rid,
        )
        for i, s in enumerate(ids, 1)
    ]
    write_gz(
        d / s3_key(ACCT, REGION, "20261102T2205Z", "Bat1Bat2Bat3Bat4"),
        {"Records": [batch, *per_secret]},
    )


def batch_filters_and_split_files() -> None:
    d = case_dir("batch_filters_and_split_files")
    ua = BOTO_UA
    filt = record(
        "BatchGetSecretValue",
        EC2,
        "22:10:00",
        "bf-0",
        ip="10.0.3.44",
        ua=ua,
        rp={
            "filters": [
                {"key": "tag-key", "values": ["payments"]},
                {"key": "name", "values": ["prod/payments/"]},
            ]
        },
    )
    # per-secret records with their own requestIDs: linked by caller, time and batch
    kids = [
        record(
            "GetSecretValue", EC2, "22:10:01", f"bf-{i}", ip="10.0.3.44", ua=ua, rp={"secretId": s}
        )
        for i, s in enumerate([DB, API], 1)
    ]
    # the same caller reads again 30 s later on its own: not part of the batch
    alone = record(
        "GetSecretValue", EC2, "22:10:31", "bf-3", ip="10.0.3.44", ua=ua, rp={"secretId": DB}
    )
    denied = record(
        "BatchGetSecretValue",
        CI_USER,
        "22:11:00",
        "bf-4",
        ip="192.0.2.40",
        ua=CLI_UA,
        rp={"secretIdList": ["prod/billing/stripe", "prod/payments/db"]},
        error=(
            "AccessDeniedException",
            f"User: {CI_USER['arn']} is not authorized to perform: secretsmanager:BatchGetSecretValue because no identity-based policy allows the secretsmanager:BatchGetSecretValue action",
        ),
    )
    # a batch at the end of one delivery file, its per-secret records in the next file
    rid = fid("req-bf-split")
    split = record(
        "BatchGetSecretValue",
        LAMBDA,
        "22:14:59",
        "bf-5",
        ip="10.0.7.12",
        ua=LAMBDA_UA,
        rp={"secretIdList": ["prod/payments/db", "prod/payments/api-key"]},
        request_id=rid,
    )
    later = [
        record(
            "GetSecretValue",
            LAMBDA,
            "22:14:59",
            f"bf-{i}",
            ip="10.0.7.12",
            ua=LAMBDA_UA,
            rp={"secretId": s},
            request_id=rid,
        )
        for i, s in ((6, "prod/payments/db"), (7, "prod/payments/api-key"))
    ]
    write_gz(
        d / s3_key(ACCT, REGION, "20261102T2215Z", "Bfa1Bfa2Bfa3Bfa4"),
        {"Records": [filt, *kids, alone, denied, split]},
    )
    write_gz(d / s3_key(ACCT, REGION, "20261102T2220Z", "Bfb1Bfb2Bfb3Bfb4"), {"Records": later})


def out_of_scope_and_broken() -> None:
    d = case_dir("out_of_scope_and_broken")
    good = record(
        "GetSecretValue",
        EC2,
        "23:00:00",
        "oos-1",
        ip="10.0.3.44",
        rp={"secretId": "prod/payments/db"},
    )
    no_account = {
        k: v
        for k, v in record(
            "DescribeSecret",
            {"type": "Unknown", "principalId": "EXAMPLEUNKNOWN"},
            "23:00:30",
            "oos-2",
            ip="192.0.2.9",
            rp={"secretId": "prod/payments/db"},
        ).items()
        if k != "recipientAccountId"
    }
    lines = [
        json.dumps(good),
        json.dumps(
            record(
                "PutObject",
                EC2,
                "23:01:00",
                "oos-3",
                source="s3.amazonaws.com",
                ip="10.0.3.44",
                read_only=False,
            )
        ),
        json.dumps(
            record(
                "GetCallerIdentity",
                EC2,
                "23:01:10",
                "oos-4",
                source="sts.amazonaws.com",
                ip="10.0.3.44",
            )
        ),
        json.dumps(
            record(
                "CheckMfa",
                BOB_CONSOLE,
                "23:01:20",
                "oos-5",
                source="signin.amazonaws.com",
                ip="203.0.113.50",
                event_type="AwsConsoleSignIn",
            )
        ),
        json.dumps(
            record(
                "Invoke", EC2, "23:01:30", "oos-6", source="lambda.amazonaws.com", ip="10.0.3.44"
            )
        ),
        json.dumps(no_account),
        # an in-scope record whose time cannot be read
        json.dumps(
            {
                **record(
                    "GetSecretValue",
                    EC2,
                    "23:02:00",
                    "oos-7",
                    ip="10.0.3.44",
                    rp={"secretId": "prod/payments/db"},
                ),
                "eventTime": "02/11/2026 23:02",
            }
        ),
        # an out-of-scope record with a broken time is still just out of scope
        json.dumps(
            {
                **record(
                    "DescribeVolumes",
                    EC2,
                    "23:02:10",
                    "oos-8",
                    source="ec2.amazonaws.com",
                    ip="10.0.3.44",
                ),
                "eventTime": None,
            }
        ),
        '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEX',  # truncated
        '{"level":"info","msg":"shipper started","ts":"2026-11-02T23:03:00Z"}',
        '["not", "a", "lake", "row"]',
        "42",
        "Nov  2 23:03:01 collector fluent-bit[812]: [info] flushed 512 records",
        json.dumps(
            {
                "EventId": fid("evt-oos-9"),
                "EventName": "GetSecretValue",
                "EventTime": "2026-11-02T23:04:00+00:00",
                "CloudTrailEvent": '{"truncated": ',
            }
        ),
    ]
    write_text(d / "cloudtrail-mixed.jsonl", "\n".join(lines) + "\n")
    write_text(
        HERE / "out_of_scope_and_broken" / "case.json", json.dumps({"store": "aws-test"}) + "\n"
    )


def omitted_and_null_fields() -> None:
    d = case_dir("omitted_and_null_fields")
    recs = [
        # CloudTrail dropped an oversized field: "omitted": true; the secret is still in resources
        {
            **record(
                "PutResourcePolicy",
                SSO_ALICE,
                "23:30:00",
                "om-1",
                ip="203.0.113.25",
                read_only=False,
                resources=[{"ARN": DB, "accountId": ACCT, "type": "AWS::SecretsManager::Secret"}],
            ),
            "omitted": True,
        },
        # requestParameters missing entirely, responseElements missing
        {
            k: v
            for k, v in record("ListSecrets", EC2, "23:30:10", "om-2", ip="10.0.3.44").items()
            if k not in ("requestParameters", "responseElements")
        },
        # requestParameters with keys of another API version / unexpected types
        record(
            "GetSecretValue",
            EC2,
            "23:30:20",
            "om-3",
            ip="10.0.3.44",
            rp={
                "secretId": "prod/payments/db",
                "versionStage": ["AWSCURRENT"],
                "extra": {"nested": True},
            },
        ),
        # userIdentity null and no IP: a record from a minimal emitter
        record("DescribeSecret", None, "23:30:30", "om-4", ip="", ua="", rp={"secretId": DB}),  # type: ignore[arg-type]
    ]
    write_gz(d / s3_key(ACCT, REGION, "20261102T2335Z", "Omt1Omt2Omt3Omt4"), {"Records": recs})


CASES = (
    s3_trail_delivery,
    secretsmanager_actions,
    permission_changes,
    duplicate_deliveries,
    lookup_events,
    unsplit_api_pages,
    eventbridge,
    cloudwatch_logs,
    lake_rows,
    errors,
    rotation_service_events,
    insight_events,
    identities,
    secret_references,
    kms_on_behalf_case,
    batch_get_secret_value,
    batch_filters_and_split_files,
    out_of_scope_and_broken,
    omitted_and_null_fields,
)


if __name__ == "__main__":
    for make in CASES:
        make()
        print(make.__name__)
