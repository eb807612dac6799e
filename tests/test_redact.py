"""ingest/redact.py: recall on realistic log lines, no false positives, idempotence, JSON validity,
fingerprints, and the lake key file.

Every secret below is an obvious fake, assembled by concatenation so that secret scanners run over
this repository do not flag it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.redact import (
    DETECTORS,
    KEY_FILE_NAME,
    Detector,
    Redactor,
    load_or_create_key,
)

KEY = bytes(range(32))
TOKEN = re.compile(r"\[REDACTED:([a-z0-9-]+):([0-9a-f]{16})\]")
HMAC = "hmac-sha256:" + "9c" * 32

# --- fake secrets ---
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
GITHUB = "ghp_" + "x0Y1" * 9
GITHUB_PAT = "github_pat_" + "11AAAAAAA0" + "_" + "x0" * 30
GITLAB = "glpat-" + "x0Y1" * 5
SLACK = "xoxb-" + "0" * 11 + "-" + "x0Y1" * 6
SLACK_HOOK_PART = "T00000000/B00000000/" + "X" * 24
STRIPE = "sk_" + "live_" + "x0Y1" * 6
VAULT = "hvs." + "CAESI" + "x0Y1" * 22
DOPPLER_RANDOM = "x0Y1" * 11
DOPPLER = "dp.st.prd." + DOPPLER_RANDOM
OP_SERVICE = "ops_" + "eyJ" + "x0Y1" * 20
OP_SECRET_KEY = "A3-" + "ABCDEF-GHIJKL-MNOPQ-RSTUV-WXYZ0-12345"
GOOGLE = "AIza" + "x0Y1" * 8 + "abc"
SENDGRID = "SG." + "x" * 22 + "." + "y" * 43
NPM = "npm_" + "x0Y1" * 9
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + "x0Y1" * 15
ANTHROPIC = "sk-ant-" + "api03-" + "x0Y1" * 20 + "AA"
OPENAI = "sk-" + "proj-" + "x0Y1" * 10
HUGGINGFACE = "hf_" + "x" * 34
DIGITALOCEAN = "dop_v1_" + "0" * 64
AGE = "AGE-SECRET-KEY-1" + "Q" * 58
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9" + "." + "eyJ" + "zdWIiOiJ0ZXN0In0" + "." + "x0Y1" * 10
PEM_JSON = (  # as it appears inside a JSON string: literal backslash-n
    "-----BEGIN RSA " + "PRIVATE KEY-----\\nMIIEow" + "x0Y1" * 16 + "\\n" + "y1Z2" * 16
    + "\\n-----END RSA " + "PRIVATE KEY-----"
)  # fmt: skip
GCP_PEM = (
    "-----BEGIN " + "PRIVATE KEY-----\\nMIIEvQ" + "g0H1" * 16 + "\\n-----END " + "PRIVATE KEY-----"
)
PASSWORD = "Tr0ub4dor&3-" + "x0Y1"
B64_PASSWORD = "VHIwdWI0ZG9y" + "JjMteDBZMQ=="

# --- realistic lines: (kind, line, secrets that must disappear, text that must stay) ---
VAULT_LOGIN_RAW = json.dumps(
    {
        "time": "2024-05-03T10:21:07.118Z",
        "type": "request",
        "auth": {"client_token": VAULT, "accessor": HMAC, "token_type": "service"},
        "request": {
            "id": "5b0f6c3a-1111-2222-3333-444455556666",
            "operation": "update",
            "path": "auth/userpass/login/alice",
            "data": {"password": PASSWORD},
            "remote_address": "192.0.2.10",
        },
    },
    separators=(",", ":"),
)
VAULT_KV_RAW = json.dumps(
    {
        "type": "response",
        "request": {"path": "secret/data/payments/db", "operation": "read"},
        "response": {
            "data": {
                "data": {"db_conn": "host=db.example.com p=" + PASSWORD, "username": "app"},
                "metadata": {"version": 3},
            }
        },
    }
)
CLOUDTRAIL_ASSUME_ROLE = json.dumps(
    {
        "eventVersion": "1.09",
        "eventName": "AssumeRole",
        "userIdentity": {"accessKeyId": AWS_KEY_ID, "arn": "arn:aws:iam::111122223333:user/ci"},
        "responseElements": {
            "credentials": {
                "accessKeyId": "ASIA" + "EXAMPLEEXAMPLE12",
                "sessionToken": "FwoGZXIvYXdzE" + "x0Y1" * 12,
                "expiration": "May 3, 2024, 11:21:07 AM",
            }
        },
    }
)
K8S_SECRET_AUDIT = json.dumps(
    {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse",
        "verb": "get",
        "objectRef": {"resource": "secrets", "namespace": "payments", "name": "db"},
        "responseObject": {
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": {"name": "db", "namespace": "payments"},
            "data": {"password": B64_PASSWORD, "username": "YXBw"},
            "type": "Opaque",
        },
    }
)
K8S_LAST_APPLIED = json.dumps(
    {
        "metadata": {
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
                    {
                        "apiVersion": "v1",
                        "data": {"tls.key": B64_PASSWORD},
                        "kind": "Secret",
                        "metadata": {"name": "tls"},
                    },
                    separators=(",", ":"),
                )
            }
        }
    }
)
K8S_STRING_DATA = json.dumps(
    {"kind": "Secret", "metadata": {"name": "db"}, "stringData": {"DB_DSN": "pw " + PASSWORD}}
)
GCP_SA_JSON = (
    '{"type": "service_account", "project_id": "acme-prod", "private_key_id": "'
    + "0123456789abcdef" * 2
    + '", "private_key": "'
    + GCP_PEM
    + '\\n", "client_email": "ci@acme-prod.iam.gserviceaccount.com"}'
)
TRUFFLEHOG_AWS = json.dumps(
    {
        "SourceMetadata": {"Data": {"Git": {"commit": "3f2a" * 10, "file": "ci.env", "line": 3}}},
        "DetectorName": "AWS",
        "Verified": False,
        "Raw": AWS_KEY_ID,
        "RawV2": AWS_KEY_ID + ":" + AWS_SECRET,
        "Redacted": AWS_KEY_ID,
    }
)
TRUFFLEHOG_OTHER = json.dumps(
    {"DetectorName": "Datadog", "Raw": "dd" + "x0Y1" * 8, "Verified": True}
)

CORPUS: list[tuple[str, str, list[str], list[str]]] = [
    ("vault-token", VAULT_LOGIN_RAW, [VAULT], ['"client_token":', '"accessor":"' + HMAC]),
    ("password-field", VAULT_LOGIN_RAW, [PASSWORD], ['"password":"', "auth/userpass/login"]),
    ("vault-kv-data", VAULT_KV_RAW, [PASSWORD, "db.example.com"], ['"db_conn": "', '"version": 3']),
    ("generic-api-key-field", CLOUDTRAIL_ASSUME_ROLE, ["x0Y1" * 12], ['"sessionToken": "']),
    ("k8s-secret-data", K8S_SECRET_AUDIT, [B64_PASSWORD, "YXBw"], ['"data": {"password": "']),
    ("k8s-secret-data", K8S_LAST_APPLIED, [B64_PASSWORD], ['\\"data\\":{\\"tls.key\\":\\"']),
    ("k8s-secret-data", K8S_STRING_DATA, [PASSWORD], ['"stringData": {"DB_DSN": "']),
    ("gcp-sa-private-key", GCP_SA_JSON, ["g0H1" * 16], ['"private_key": "', '\\n", "client']),
    (
        "private-key",
        '{"level":"error","key_pem":"' + PEM_JSON + '"}',
        ["x0Y1", "y1Z2"],
        ["key_pem"],
    ),
    (
        "aws-secret-key",
        "deploy/.env:12:AWS_SECRET_ACCESS_KEY=" + AWS_SECRET,
        [AWS_SECRET],
        ["deploy/.env:12:AWS_SECRET_ACCESS_KEY="],
    ),
    (
        "aws-secret-key",
        TRUFFLEHOG_AWS,
        [AWS_SECRET],
        ['"Raw": "' + AWS_KEY_ID, '"RawV2": "' + AWS_KEY_ID],
    ),
    (
        "aws-secret-key",
        '{"requestParameters":{"SecretAccessKey":"' + AWS_SECRET + '"}}',
        [AWS_SECRET],
        ['"SecretAccessKey":"'],
    ),
    ("scanner-finding", TRUFFLEHOG_OTHER, ["x0Y1" * 8], ['"Raw": "', '"DetectorName": "Datadog"']),
    (
        "scanner-finding",
        '{"RuleID":"generic-api-key","Match":"api_key = z9' + "x0Y1" * 5 + '"}',
        ["z9" + "x0Y1"],
        ['"Match":"'],
    ),
    (
        "scanner-finding",
        json.dumps({"message": json.dumps({"DetectorName": "Okta", "Raw": "00" + "x0Y1" * 8})}),
        ["x0Y1" * 8],
        ['\\"Raw\\": \\"'],
    ),
    (
        "generic-api-key-field",
        '{"RuleID":"generic","Secret":"z9' + "x0Y1" * 5 + '","Entropy":3.5}',
        ["z9" + "x0Y1"],
        ['"Secret":"', '"Entropy":3.5'],
    ),
    (
        "github-token",
        json.dumps({"number": 42, "secret_type": "github_personal_access_token", "secret": GITHUB}),
        [GITHUB],
        ['"secret": "'],
    ),
    ("github-token", "GITHUB_TOKEN=" + GITHUB_PAT, [GITHUB_PAT], ["GITHUB_TOKEN="]),
    (
        "gitlab-token",
        "curl --header 'PRIVATE-TOKEN: " + GITLAB + "' https://gitlab.example.com/api",
        [GITLAB],
        ["PRIVATE-TOKEN: ", "https://gitlab.example.com/api"],
    ),
    ("slack-token", '{"msg":"posting with ' + SLACK + ' to #ops"}', [SLACK], ["posting with"]),
    (
        "slack-webhook",
        '{"url":"https:\\/\\/hooks.slack.com\\/services\\/'
        + SLACK_HOOK_PART.replace("/", "\\/")
        + '"}',
        ["X" * 24],
        ["hooks.slack.com"],
    ),
    ("stripe-key", "STRIPE_KEY=" + STRIPE, [STRIPE], ["STRIPE_KEY="]),
    (
        "doppler-token",
        "export DOPPLER_TOKEN='" + DOPPLER + "'",
        [DOPPLER_RANDOM],
        ["DOPPLER_TOKEN='dp.st.prd."],
    ),
    (
        "1password-service-token",
        "OP_SERVICE_ACCOUNT_TOKEN=" + OP_SERVICE,
        [OP_SERVICE],
        ["OP_SERVICE_ACCOUNT_TOKEN="],
    ),
    ("1password-secret-key", "secret key for alice: " + OP_SECRET_KEY, [OP_SECRET_KEY], ["alice"]),
    (
        "google-api-key",
        json.dumps({"headers": {"X-Goog-Api-Key": GOOGLE}}),
        [GOOGLE],
        ['"X-Goog-Api-Key": "'],
    ),
    ("sendgrid", "SENDGRID_API_KEY=" + SENDGRID, [SENDGRID], ["SENDGRID_API_KEY="]),
    ("twilio", "TWILIO_AUTH_TOKEN=" + "x0Y1" * 8, ["x0Y1" * 8], ["TWILIO_AUTH_TOKEN="]),
    ("npm-token", "//registry.npmjs.org/:_authToken=" + NPM, [NPM], ["_authToken="]),
    ("pypi-token", "[pypi]\npassword = " + PYPI, [PYPI], ["password = "]),
    ("openai-key", "OPENAI_API_KEY=" + OPENAI, [OPENAI], ["OPENAI_API_KEY="]),
    (
        "anthropic-key",
        '{"env":{"ANTHROPIC_API_KEY":"' + ANTHROPIC + '"}}',
        [ANTHROPIC],
        ['"ANTHROPIC_API_KEY":"'],
    ),
    ("huggingface-token", "HF_TOKEN=" + HUGGINGFACE, [HUGGINGFACE], ["HF_TOKEN="]),
    ("digitalocean-token", "doctl auth init -t " + DIGITALOCEAN, [DIGITALOCEAN], ["doctl auth"]),
    ("age-secret-key", "# created: 2024-05-03\n" + AGE, [AGE], ["# created"]),
    ("jwt", '{"level":"debug","id_token_hint":"' + JWT + '"}', [JWT], ["id_token_hint"]),
    (
        "bearer-token",
        '{"headers":{"Authorization":"Bearer ' + "x0Y1." * 6 + '"}}',
        ["x0Y1." * 6],
        ['"Authorization":"Bearer '],
    ),
    (
        "basic-auth",
        "GET /api HTTP/1.1\r\nAuthorization: Basic " + "YWxpY2U6c2VjcmV0" + "\r\n",
        ["YWxpY2U6c2VjcmV0"],
        ["Authorization: Basic "],
    ),
    (
        "url-credentials",
        '{"dsn":"postgres://app:' + PASSWORD + '@db.example.com:5432/app"}',
        [PASSWORD],
        ["postgres://app:", "@db.example.com:5432/app"],
    ),
    (
        "url-credentials",
        '{"dsn":"redis:\\/\\/:' + "x0Y1" * 4 + '@cache.example.com"}',
        ["x0Y1" * 4],
        ["redis:\\/\\/:"],
    ),
    (
        "azure-client-secret",
        "AZURE_CLIENT_SECRET=" + "abc8Q~" + "x0Y1" * 8,
        ["Q~" + "x0Y1"],
        ["AZURE_CLIENT_SECRET="],
    ),
    (
        "password-field",
        '{"message":"{\\"user\\":\\"bob\\",\\"password\\":\\"' + PASSWORD + '\\"}"}',
        [PASSWORD],
        ['\\"password\\":\\"', '\\"user\\":\\"bob\\"'],
    ),
    ("password-field", "DB_PASSWORD=" + PASSWORD, [PASSWORD], ["DB_PASSWORD="]),
    ("password-field", "db:\n  password: '" + PASSWORD + "'", [PASSWORD], ["password: '"]),
    ("password-field", 'MYSQL_PWD="' + PASSWORD + '" mysql -u root', [PASSWORD], ['MYSQL_PWD="']),
    (
        "generic-api-key-field",
        "GET /reset?user=bob&token=" + "x0Y1" * 6 + "&lang=en",
        ["x0Y1" * 6],
        ["token=", "&lang=en"],
    ),
    (
        "generic-api-key-field",
        '{"client_secret":"' + "z9" + "x0Y1" * 6 + '"}',
        ["x0Y1"],
        ['"client_secret":"'],
    ),
    (
        "generic-api-key-field",
        '{"data":{"secret_id":"' + "5e" * 18 + '"}}',
        ["5e" * 18],
        ['"secret_id":"'],
    ),
]

NEGATIVES = [
    # Vault audit, HMAC'd (the normal case): every value already hashed
    json.dumps(
        {
            "time": "2024-05-03T10:21:07.118Z",
            "type": "response",
            "auth": {
                "client_token": HMAC,
                "accessor": HMAC,
                "token_type": "service",
                "token_policies": ["default"],
            },
            "request": {
                "id": "5b0f6c3a-1111-2222-3333-444455556666",
                "operation": "read",
                "client_token": HMAC,
                "client_token_accessor": HMAC,
                "path": "secret/data/payments/db",
                "data": {"password": HMAC},
            },
            "response": {
                "data": {
                    "data": {"password": HMAC, "api_key": HMAC},
                    "metadata": {"created_time": HMAC, "version": 6},
                }
            },
        }
    ),
    # CloudTrail: access key ids, ARNs, secret names, timestamps
    json.dumps(
        {
            "eventTime": "2024-05-03T10:21:07Z",
            "eventName": "GetSecretValue",
            "userIdentity": {"accessKeyId": AWS_KEY_ID, "arn": "arn:aws:iam::111122223333:user/ci"},
            "requestParameters": {
                "secretId": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"
            },
            "additionalEventData": {"SecretId": "prod/payments/db"},
            "eventID": "3f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
        }
    ),
    '{"eventName":"ListSecrets","requestParameters":{"nextToken":"AAIAAQ' + "x0Y1" * 8 + '"}}',
    # Kubernetes: secretKeyRef names a key, not a value; Metadata-level audit
    '{"env":[{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]}',
    '{"kind":"Event","level":"Metadata","verb":"get","objectRef":{"resource":"secrets",'
    '"name":"db-credentials"},"user":{"username":"system:serviceaccount:payments:api"}}',
    # identifiers and hashes
    "commit 3f2a9c1e5b7d4f6a8c0e2b4d6f8a0c2e4b6d8f0a by alice at 2024-05-03T10:21:07.118+00:00",
    "request 0f9a3c1e-7d2b-4a0e-9a54-0c1b5d2e9f10 for arn:aws:iam::111122223333:role/app-role",
    '{"Raw":"' + AWS_KEY_ID + '","Redacted":"' + AWS_KEY_ID + '","DetectorName":"AWS"}',
    # English
    "The password policy requires 12 characters; Basic authentication failed for user bob.",
    "Token expired. Please rotate the secret and update the key in Vault.",
    "token_type=service secret_name=db-password key_id=alias/prod api_key_id=42",
]
# Field values that are no secrets: left alone, although the prefilter cannot tell.
PLACEHOLDERS = [
    '{"eventName":"CreateLoginProfile","requestParameters":{"userName":"bob",'
    '"password":"HIDDEN_DUE_TO_SECURITY_REASONS","passwordResetRequired":true}}',
    '{"password":"********","token":"","secret":null,"api_key":"REDACTED","pwd_hint":"x"}',
    '{"client_secret":"<client-secret>","db_password":"[redacted]","token":"xxxxxxxx"}',
    "PASSWORD=${DB_PASSWORD} TOKEN=$GITHUB_TOKEN secret={{ .Values.secret }}",
    '{"secret_type":"aws_access_key_id","secret":"' + AWS_KEY_ID + '"}',
]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(KEY)


def _redact(redactor: Redactor, lines: list[str]) -> list[str]:
    return [str(x) for x in redactor.redact_series(pl.Series(lines, dtype=pl.String)).to_list()]


# --- recall ---


def test_corpus_covers_every_detector() -> None:
    assert {kind for kind, *_ in CORPUS} == {d.kind for d in DETECTORS}
    lines = pl.Series([line for _, line, *_ in CORPUS])
    for detector in DETECTORS:  # every pattern, e.g. every syntax of a field, fires somewhere
        if detector.kind in {"aws-secret-key", "azure-client-secret", "twilio", "password-field",
                             "generic-api-key-field"}:  # fmt: skip
            continue  # field syntaxes are covered one by one in test_field_syntaxes
        assert lines.str.contains(detector.pattern).any(), detector


@pytest.mark.parametrize(("kind", "line", "gone", "kept"), CORPUS, ids=[c[0] for c in CORPUS])
def test_recall(redactor: Redactor, kind: str, line: str, gone: list[str], kept: list[str]) -> None:
    out = redactor.redact_text(line)
    for secret in gone:
        assert secret not in out
    for text in kept:
        assert text in out
    assert kind in {m.group(1) for m in TOKEN.finditer(out)}, out
    if line.startswith("{"):
        json.loads(out)


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("password-field", "db_password"),
        ("password-field", "userPassword"),
        ("generic-api-key-field", "access_token"),
        ("generic-api-key-field", "clientSecret"),
        ("generic-api-key-field", "X-Api-Key"),
        ("aws-secret-key", "aws_secret_access_key"),
        ("azure-client-secret", "AZURE_CLIENT_SECRET"),
        ("twilio", "twilioAuthToken"),
    ],
)
def test_field_syntaxes(redactor: Redactor, kind: str, key: str) -> None:
    """JSON, JSON inside a JSON string, quoted and bare assignments: only the value goes."""
    value = "z9" + "x0Y1" * 6
    lines = [
        json.dumps({"level": "info", key: value, "user": "bob"}),
        json.dumps({"message": json.dumps({key: value, "user": "bob"})}),
        f'{key} = "{value}" # bob',
        f"{key}: '{value}'  # bob",
        f"ts=2024-05-03T10:21:07Z {key}={value} user=bob",
    ]
    outs = _redact(redactor, lines)
    for line, out in zip(lines, outs, strict=True):
        assert value not in out
        assert key in out
        assert "bob" in out
        assert [m.group(1) for m in TOKEN.finditer(out)] == [kind], out
        if line.startswith("{"):
            json.loads(out)
    fingerprints = {m.group(2) for out in outs for m in TOKEN.finditer(out)}
    assert fingerprints == {redactor.fingerprint(value)}


# --- precision ---


@pytest.mark.parametrize("line", NEGATIVES + PLACEHOLDERS)
def test_negatives_untouched(redactor: Redactor, line: str) -> None:
    assert redactor.redact_text(line) == line


def test_negatives_are_not_even_candidates(redactor: Redactor) -> None:
    """The common case costs one prefilter pass: Vault HMACs, key ids and English never match it."""
    lines = pl.Series(NEGATIVES)
    assert not redactor._matches(lines).any()
    assert redactor.count_series(lines) == 0


def test_prefilter_is_a_superset(redactor: Redactor) -> None:
    lines = pl.Series([line for _, line, *_ in CORPUS] + NEGATIVES + PLACEHOLDERS)
    mask = redactor._matches(lines)
    for detector in DETECTORS:
        assert not (lines.str.contains(detector.pattern) & ~mask).any(), detector.kind


# --- tokens, fingerprints, overlaps ---


def test_token_and_fingerprint(redactor: Redactor) -> None:
    fingerprint = redactor.fingerprint(PASSWORD)
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    assert redactor.token("password-field", PASSWORD) == f"[REDACTED:password-field:{fingerprint}]"
    assert Redactor(bytes(32)).fingerprint(PASSWORD) != fingerprint
    assert redactor.fingerprint(PASSWORD + "!") != fingerprint


def test_equal_secrets_equal_fingerprints_across_formats(redactor: Redactor) -> None:
    secret = "a/b" + "x0Y1" * 4
    outs = _redact(
        redactor,
        [
            json.dumps({"password": secret}).replace("/", "\\/"),  # JSON with escaped slashes
            "DB_PASSWORD=" + secret,
            json.dumps({"msg": json.dumps({"password": secret})}),
            "postgres://app:" + secret.replace("/", "%2F") + "@db.example.com/app",
        ],
    )
    fingerprints = [[m.group(2) for m in TOKEN.finditer(out)] for out in outs]
    assert fingerprints[:3] == [[redactor.fingerprint(secret)]] * 3
    assert fingerprints[3] != fingerprints[0]  # percent-encoding is not undone


def test_other_key_other_fingerprints(redactor: Redactor) -> None:
    line = "DB_PASSWORD=" + PASSWORD
    assert redactor.redact_text(line) != Redactor(b"another key").redact_text(line)
    assert redactor.redact_text(line) == Redactor(KEY).redact_text(line)


def test_specific_kind_wins_for_a_token_in_a_field(redactor: Redactor) -> None:
    line = json.dumps({"token": GITHUB, "headers": {"Authorization": "Bearer " + GITHUB}})
    out = redactor.redact_text(line)
    token = redactor.token("github-token", GITHUB)
    assert out == json.dumps({"token": token, "headers": {"Authorization": "Bearer " + token}})


def test_pem_inside_a_field_is_one_token(redactor: Redactor) -> None:
    line = '{"private_key":"' + PEM_JSON + '\\n","private_key_id":"' + "ab" * 20 + '"}'
    out = redactor.redact_text(line)
    assert out == '{"private_key":"[REDACTED:private-key:' + redactor.fingerprint(
        PEM_JSON.replace("\\n", "\n")
    ) + ']\\n","private_key_id":"' + "ab" * 20 + '"}'  # fmt: skip


def test_pem_with_real_newlines_in_free_text(redactor: Redactor) -> None:
    pem = PEM_JSON.replace("\\n", "\n")
    out = redactor.redact_text("error: cannot parse key\n" + pem + "\nend of key")
    assert out == "error: cannot parse key\n" + redactor.token("private-key", pem) + "\nend of key"


def test_hmacs_in_escaped_json_stay(redactor: Redactor) -> None:
    line = json.dumps({"message": json.dumps({"password": HMAC, "client_token": HMAC})})
    assert redactor.redact_text(line) == line


def test_token_inside_url_credentials(redactor: Redactor) -> None:
    out = redactor.redact_text("vault at https://x:" + VAULT + "@vault.example.com:8200")
    assert (
        out
        == "vault at https://x:" + redactor.token("vault-token", VAULT) + "@vault.example.com:8200"
    )


def test_jwt_inside_a_longer_bearer_value(redactor: Redactor) -> None:
    """The JWT match lies inside the bearer match: the outer (leftmost) one wins, nothing left."""
    out = redactor.redact_text("Authorization: Bearer " + JWT + ".extra")
    assert out == "Authorization: Bearer " + redactor.token("bearer-token", JWT + ".extra")


def test_partly_overlapping_matches_leave_no_tail() -> None:
    """b's match starts inside a's: a later pass finds what remains of b."""
    redactor = Redactor(KEY, [Detector("a", r"AAA-[0-9]+"), Detector("b", r"[0-9]*-[A-Z]{4,}")])
    out = redactor.redact_text("id AAA-123-XYZW end")
    assert out == f"id {redactor.token('a', 'AAA-123')}{redactor.token('b', '-XYZW')} end"


def test_escape_letters_in_json_are_not_token_starts(redactor: Redactor) -> None:
    """In JSON text "\\npm_..." is a newline then "pm_...": redacting "npm_..." there (because it
    is a real token in another row) would leave an invalid escape."""
    lines = [json.dumps({"m": "a\npm_" + "x0Y1" * 9}), json.dumps({"m": "a " + NPM})]
    outs = _redact(redactor, lines)
    assert outs[0] == lines[0]
    assert outs[1] == json.dumps({"m": "a " + redactor.token("npm-token", NPM)})


# --- properties ---


def test_idempotent(redactor: Redactor) -> None:
    lines = [line for _, line, *_ in CORPUS] + NEGATIVES + PLACEHOLDERS
    once = _redact(redactor, lines)
    assert _redact(redactor, once) == once
    assert redactor.count_series(pl.Series(once)) == 0


def test_count_series(redactor: Redactor) -> None:
    lines = pl.Series([line for _, line, *_ in CORPUS] + NEGATIVES + PLACEHOLDERS + [None])
    assert redactor.count_series(lines) == len(CORPUS)


def test_nulls_order_and_types(redactor: Redactor) -> None:
    s = pl.Series("raw", [None, "DB_PASSWORD=" + PASSWORD, None, "hello"], dtype=pl.String)
    out = redactor.redact_series(s)
    assert out.name == "raw"
    assert out.to_list() == [None, redactor.redact_text("DB_PASSWORD=" + PASSWORD), None, "hello"]
    assert s[1] == "DB_PASSWORD=" + PASSWORD  # the input is not modified
    assert redactor.redact_series(pl.Series([None, None])).to_list() == [None, None]
    assert redactor.redact_series(pl.Series([], dtype=pl.String)).len() == 0
    with pytest.raises(TypeError, match="String"):
        redactor.redact_series(pl.Series([1, 2]))


def test_invalid_detector_is_named() -> None:
    with pytest.raises(ValueError, match="'broken'"):
        Redactor(KEY, [Detector("broken", r"(?<=x)y")])
    with pytest.raises(ValueError, match="empty"):
        Redactor(b"")


_KEYS = st.sampled_from(
    ["password", "token", "message", "note", "client_token", "data", "Authorization", "dsn", "a"]
)
_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from([HMAC, GITHUB, NPM, "Bearer " + JWT, PASSWORD, AWS_KEY_ID, "", "*****",
                     "password=" + PASSWORD, "a\npm_" + "x0Y1" * 9, PEM_JSON.replace("\\n", "\n"),
                     "postgres://u:" + PASSWORD + "@h/db", "[REDACTED:x:0123456789abcdef]"]),
)  # fmt: skip
_DOCS = st.recursive(
    st.dictionaries(_KEYS, _VALUES, max_size=4),
    lambda inner: st.dictionaries(_KEYS, st.one_of(inner, inner.map(json.dumps)), max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(docs=st.lists(_DOCS, min_size=1, max_size=5))
def test_json_stays_valid(redactor: Redactor, docs: list[dict[str, object]]) -> None:
    """Arbitrary JSON, secrets at any nesting level: still JSON, idempotent, prefilter superset."""
    lines = pl.Series([json.dumps(doc) for doc in docs])
    outs = redactor.redact_series(lines)
    for out in outs:
        json.loads(out)
        assert GITHUB not in out
    assert redactor.redact_series(outs).equals(outs)
    mask = redactor._matches(lines)
    for detector in DETECTORS:
        assert not (lines.str.contains(detector.pattern) & ~mask).any(), detector.kind


# --- the key file ---


def test_key_created_with_mode_0600_and_reused(tmp_path: Path) -> None:
    config_dir = tmp_path / "nested" / "keytrail"
    key = load_or_create_key(config_dir)
    path = config_dir / KEY_FILE_NAME
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    assert json.loads(path.read_text()) == {"redaction_key": key.hex()}
    assert load_or_create_key(config_dir) == key
    assert [p.name for p in config_dir.iterdir()] == [KEY_FILE_NAME]  # no temp file left


def test_key_added_to_existing_config(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE_NAME
    path.write_text(json.dumps({"store": "acme-prod", "lake": "/data/lake"}))
    key = load_or_create_key(tmp_path)
    assert json.loads(path.read_text()) == {
        "store": "acme-prod",
        "lake": "/data/lake",
        "redaction_key": key.hex(),
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_key_is_read(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE_NAME).write_text(json.dumps({"redaction_key": "ab" * 32}))
    assert load_or_create_key(tmp_path) == bytes.fromhex("ab" * 32)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"redaction_key": "ab', "corrupt JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"redaction_key": "abc"}', "64 hex"),
        ('{"redaction_key": 42}', "64 hex"),
    ],
)
def test_corrupt_config(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / KEY_FILE_NAME
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as info:
        load_or_create_key(tmp_path)
    assert str(path) in str(info.value)
    assert path.read_text() == content  # never overwritten


def test_concurrent_creation_agrees(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: load_or_create_key(tmp_path), range(16)))
    assert len(keys) == 1
    assert (
        bytes.fromhex(json.loads((tmp_path / KEY_FILE_NAME).read_text())["redaction_key"]) in keys
    )
    assert sorted(os.listdir(tmp_path)) == [KEY_FILE_NAME]
