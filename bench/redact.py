"""Benchmark ingest/redact.py: ``Redactor.redact_series`` against its floor and a naive loop.

    .venv/bin/python bench/redact.py [--rows 500000] [--secret-rate 0.001] [--naive-rows 5000]

Generates realistic ~900-byte JSON audit lines (Vault with HMAC'd fields, CloudTrail, Kubernetes,
GCP, Azure), a fraction of them carrying a distinct plaintext secret, and times in one run:

* floor: polars ``str.contains`` with one regex, the union of the prefilter's regexes;
* the prefilter as ``Redactor`` runs it (three regexes, see ``Redactor.__init__``);
* ``redact_series`` and ``count_series`` on all lines, then on the secret-free lines only;
* ``redact_series`` on lines that all carry a secret (the worst case: Vault ``log_raw``);
* naive: a Python loop of ``re.sub`` per row and detector, on a subsample (it is slow).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.redact import DETECTORS, Redactor

# Obviously fake secrets, assembled so that secret scanners do not flag this file; {} is filled
# with random characters, so that every planted secret is distinct.
FAKE_SECRETS = (
    '"password":"Tr0ub4dor&3-{}"',
    '"client_token":"hvs.' + "CAESI" + '{}{}{}{}"',
    '"token":"ghp_' + '{}{}{}"',
    '"note":"AWS_SECRET_ACCESS_KEY=' + "wJalrXUtnFEMI/K7MDENG/" + '{}EXAMPL"',
    '"header":"Authorization: Bearer ' + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ." + '{}{}"',
)
_FILLER = string.ascii_letters + string.digits


def _fake_secret(rng: random.Random) -> str:
    template = rng.choice(FAKE_SECRETS)
    fillers = ["".join(rng.choices(_FILLER, k=12)) for _ in range(template.count("{}"))]
    return template.format(*fillers)


def _ts(rng: random.Random) -> str:
    return (
        f"2024-05-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
        f"{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}Z"
    )


def _hmac(rng: random.Random) -> str:
    return "hmac-sha256:" + f"{rng.getrandbits(256):064x}"


def _vault(rng: random.Random) -> str:
    return (
        f'{{"time":"{_ts(rng)}","type":"response","auth":{{"client_token":"{_hmac(rng)}",'
        f'"accessor":"{_hmac(rng)}","display_name":"kubernetes-payments-api",'
        f'"entity_id":"{uuid.UUID(int=rng.getrandbits(128))}","policies":["default","payments-read"],'
        f'"token_policies":["default","payments-read"],"token_type":"service"}},"request":{{'
        f'"id":"{uuid.UUID(int=rng.getrandbits(128))}","operation":"read","mount_type":"kv",'
        f'"client_token":"{_hmac(rng)}","client_token_accessor":"{_hmac(rng)}",'
        f'"path":"secret/data/payments/db","remote_address":"10.4.{rng.randint(0, 255)}.17"}},'
        f'"response":{{"data":{{"data":{{"password":"{_hmac(rng)}"}}}}}}}}'
    )


def _cloudtrail(rng: random.Random) -> str:
    return (
        '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc",'
        '"arn":"arn:aws:sts::111122223333:assumed-role/app-role/i-0abc123","accountId":"111122223333",'
        f'"accessKeyId":"ASIA{rng.getrandbits(64):016X}","sessionContext":{{"attributes":{{'
        f'"creationDate":"{_ts(rng)}","mfaAuthenticated":"false"}}}}}},"eventTime":"{_ts(rng)}",'
        '"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue",'
        f'"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.{rng.randint(1, 254)}",'
        '"userAgent":"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 lang/python#3.11.7",'
        '"requestParameters":{"secretId":"prod/payments/db"},"responseElements":null,'
        f'"requestID":"{uuid.UUID(int=rng.getrandbits(128))}",'
        f'"eventID":"{uuid.UUID(int=rng.getrandbits(128))}","readOnly":true,"eventType":"AwsApiCall",'
        '"managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",'
        '"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256"}}'
    )


def _k8s(rng: random.Random) -> str:
    return (
        '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata",'
        f'"auditID":"{uuid.UUID(int=rng.getrandbits(128))}","stage":"ResponseComplete",'
        '"requestURI":"/api/v1/namespaces/payments/secrets/db-credentials","verb":"get",'
        '"user":{"username":"system:serviceaccount:payments:api","uid":'
        f'"{uuid.UUID(int=rng.getrandbits(128))}","groups":["system:serviceaccounts",'
        '"system:serviceaccounts:payments","system:authenticated"]},'
        f'"sourceIPs":["10.8.{rng.randint(0, 255)}.5"],"userAgent":"kubectl/v1.30.1 (linux/amd64)",'
        '"objectRef":{"resource":"secrets","namespace":"payments","name":"db-credentials",'
        '"apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},'
        f'"requestReceivedTimestamp":"{_ts(rng)}","stageTimestamp":"{_ts(rng)}",'
        '"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":'
        '"RBAC: allowed by RoleBinding \\"api-read/payments\\" of Role \\"secret-reader\\""}}'
    )


def _gcp(rng: random.Random) -> str:
    return (
        f'{{"insertId":"{rng.getrandbits(48):012x}","logName":"projects/acme-prod/logs/'
        'cloudaudit.googleapis.com%2Fdata_access","protoPayload":{"@type":'
        '"type.googleapis.com/google.cloud.audit.AuditLog","authenticationInfo":{"principalEmail":'
        '"app@acme-prod.iam.gserviceaccount.com"},"authorizationInfo":[{"granted":true,"permission":'
        '"secretmanager.versions.access","resource":"projects/acme-prod/secrets/db-password/versions/'
        'latest"}],"methodName":"google.cloud.secretmanager.v1.SecretManagerService.'
        'AccessSecretVersion","requestMetadata":{"callerIp":'
        f'"10.8.0.{rng.randint(1, 254)}",'
        '"callerSuppliedUserAgent":"grpc-python/1.62.0,gzip(gfe)"},'
        '"resourceName":"projects/acme-prod/secrets/db-password/versions/latest",'
        '"serviceName":"secretmanager.googleapis.com","status":{}},'
        f'"receiveTimestamp":"{_ts(rng)}","severity":"INFO","timestamp":"{_ts(rng)}"}}'
    )


def _azure(rng: random.Random) -> str:
    return (
        f'{{"time":"{_ts(rng)}","resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/'
        'RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV-PROD","operationName":"SecretGet",'
        '"operationVersion":"7.4","category":"AuditEvent","resultType":"Success",'
        f'"correlationId":"{uuid.UUID(int=rng.getrandbits(128))}","callerIpAddress":'
        f'"203.0.113.{rng.randint(1, 254)}","identity":{{"claim":{{"oid":'
        f'"{uuid.UUID(int=rng.getrandbits(128))}","appid":"{uuid.UUID(int=rng.getrandbits(128))}",'
        '"http://schemas.microsoft.com/identity/claims/tenantid":'
        '"11111111-2222-3333-4444-555555555555"}},"properties":{"id":'
        '"https://kv-prod.vault.azure.net/secrets/db-password/0123456789abcdef0123456789abcdef",'
        '"clientInfo":"azsdk-python-keyvault-secrets/4.8.0 Python/3.11.7","httpStatusCode":200,'
        '"requestUri":"https://kv-prod.vault.azure.net/secrets/db-password/?api-version=7.4",'
        '"isAccessPolicyMatch":false},"resultSignature":"OK","durationMs":"12"}'
    )


GENERATORS = (_vault, _cloudtrail, _k8s, _gcp, _azure)


def make_lines(rows: int, secret_rate: float, seed: int = 7) -> tuple[pl.Series, int]:
    """``rows`` lines, and how many of them carry a secret."""
    rng = random.Random(seed)
    lines, planted = [], 0
    for _ in range(rows):
        line = rng.choice(GENERATORS)(rng)
        if rng.random() < secret_rate:
            line = line[:-1] + "," + _fake_secret(rng) + "}"
            planted += 1
        lines.append(line)
    return pl.Series("raw", lines, dtype=pl.String), planted


def naive(rows: list[str]) -> list[str]:
    """A per-row Python scanner: what ingest would cost without vectorization."""
    compiled = [re.compile(d.pattern.replace("(?-u:\\b)", "\\b")) for d in DETECTORS]
    out = []
    for row in rows:
        text = row
        for rx in compiled:
            text = rx.sub("[REDACTED]", text)
        out.append(text)
    return out


def timed(label: str, rows: int, fn: Callable[[], object], repeat: int = 3) -> float:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<38} {best:8.3f} s  {rows / best:>12,.0f} rows/s")
    return best


def _once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--secret-rate", type=float, default=0.001)
    parser.add_argument("--naive-rows", type=int, default=5_000)
    parser.add_argument("--dirty-rows", type=int, default=50_000)
    args = parser.parse_args()

    redactor = Redactor(b"\x01" * 32)
    lines, planted = make_lines(args.rows, args.secret_rate)
    stages = redactor._stages  # the bench measures the internals on purpose
    combined = "|".join(f"(?:{first})" for first, _ in stages)
    print(
        f"{args.rows:,} lines, mean {lines.str.len_bytes().mean():.0f} bytes, {planted:,} with a "
        f"secret; polars {pl.__version__}, {len(DETECTORS)} detectors, {os.cpu_count()} CPUs"
    )
    n = args.rows
    floor = timed("floor: str.contains(one union regex)", n, lambda: lines.str.contains(combined))
    timed("prefilter as run (3 regexes)", n, lambda: redactor._matches(lines))
    full = timed("redact_series", n, lambda: redactor.redact_series(lines))
    timed("count_series", n, lambda: redactor.count_series(lines))
    clean = lines.filter(~redactor._matches(lines))
    clean_time = timed(
        "redact_series, secret-free lines", clean.len(), lambda: redactor.redact_series(clean)
    )
    dirty, _ = make_lines(args.dirty_rows, 1.0, seed=11)
    timed(
        "redact_series, every line a secret", dirty.len(), lambda: redactor.redact_series(dirty), 1
    )
    sample = lines.head(args.naive_rows).to_list()
    slow = timed(
        f"naive re.sub loop ({len(sample):,} lines)", len(sample), lambda: naive(sample), 1
    )
    print(
        f"redact_series: {full / floor:.2f}x the floor's time; secret-free lines "
        f"{clean_time / clean.len() * n / floor:.2f}x; the naive loop is "
        f"{slow / len(sample) / (full / n):,.0f}x slower"
    )
    changed = redactor.count_series(lines)
    print(f"lines changed: {changed:,} of {planted:,} with a secret")
    if changed != planted:
        raise SystemExit("recall or precision problem: see above")


if __name__ == "__main__":
    main()
