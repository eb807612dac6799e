"""Scanner reports through the real ingest path: no secret reaches the lake, leaks join the
access logs of the credential they expose, detection and the CLI option."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.errors import UnknownFormat
from ingest.pipeline import run_ingest
from ingest.scanners.credentials import vault_audit_hmac
from queries.lake import connect
from tests.scanners.lake_search import lake_contains

CANARY = "kt-canary-7f3a9c2e5b1d4086aa51e0c3"
AWS_KEY_ID = "AKIAACMEDEMO0LEAKED1"
AWS_SECRET = "acmeDemo/FakeSecretKey+DoNotUse000000000"
VAULT_TOKEN = "hvs.CAESIKtrailDemoFakeTokenDoNotUse0000000000000000GiAKHGh2cy5kZW1vRmFrZQ"
VAULT_KEY = "acme-demo-vault-audit-hmac-key"


def _truffle(raw: str, *, raw_v2: str = "", detector: str = "Generic", line: int = 4) -> str:
    return json.dumps(
        {
            "SourceMetadata": {
                "Data": {
                    "Git": {
                        "commit": "9f1c2e7a4b3d5c6e7f8091a2b3c4d5e6f7a8b9c0",
                        "file": "jobs/1187/build.log",
                        "email": "CI Bot <ci-bot@acme.example>",
                        "repository": "https://gitlab.acme.example/acme/ci-jobs.git",
                        "timestamp": "2026-11-17 17:42:09 +0000",
                        "line": line,
                    }
                }
            },
            "SourceName": "trufflehog - git",
            "DetectorName": detector,
            "DecoderName": "BASE64",
            "Verified": False,
            "Raw": raw,
            "RawV2": raw_v2,
            "Redacted": raw[:6] + "...",
            "ExtraData": {"seen_as": base64.b64encode(raw.encode()).decode()},
            "StructuredData": None,
        }
    )


def test_canary_reaches_no_byte_of_the_lake(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "trufflehog.json").write_text(_truffle(CANARY) + "\n", encoding="utf-8")
    (reports / "git-secrets.txt").write_text(
        f"app/settings.ini:7:canary_value = {CANARY}\n"
        f"app/other.ini:2:{CANARY}\n"
        "\n[ERROR] Matched one or more prohibited patterns\n",
        encoding="utf-8",
    )
    # A broken TruffleHog line still holding the canary goes to quarantine, redacted.
    (reports / "broken.json").write_text(
        _truffle(CANARY, line=9) + "\n" + _truffle(CANARY, line=10)[:-2] + "\n", encoding="utf-8"
    )
    lake = tmp_path / "lake"
    run = run_ingest([reports], lake)
    assert sum(f.events_written for f in run.files) == 4
    assert sum(f.quarantined for f in run.files) == 1
    assert lake_contains(lake, CANARY) == []
    con = connect(lake)
    # The same secret, one fingerprint, whichever scanner found it. git-secrets does not say
    # which part of a line matched: a line that is only the secret gets its fingerprint.
    rows = con.sql(
        "SELECT source, location, fingerprint FROM leaks ORDER BY source, location"
    ).fetchall()
    by_place = {(src, json.loads(loc).get("file")): fp for src, loc, fp in rows}
    assert (
        by_place[("git-secrets", "app/other.ini")]
        == by_place[("trufflehog", "jobs/1187/build.log")]
    )


def test_leaked_aws_key_joins_its_cloudtrail_events(tmp_path: Path) -> None:
    def record(n: int, key: str, name: str) -> dict[str, object]:
        return {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDAACMEDEMOUSER00001",
                "arn": "arn:aws:iam::111122223333:user/ci-deployer",
                "accountId": "111122223333",
                "accessKeyId": key,
                "userName": "ci-deployer",
            },
            "eventTime": f"2026-11-18T02:1{n}:00Z",
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "GetSecretValue",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.77",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": {"secretId": name},
            "responseElements": None,
            "requestID": f"00000000-0000-4000-8000-00000000000{n}",
            "eventID": f"10000000-0000-4000-8000-00000000000{n}",
            "readOnly": True,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": "111122223333",
            "eventCategory": "Management",
        }

    other = "AKIAACMEDEMO0OTHER01"
    trail = {
        "Records": [
            record(1, AWS_KEY_ID, "payments/db"),
            record(2, AWS_KEY_ID, "payments/stripe"),
            record(3, other, "web/session"),
            record(4, AWS_KEY_ID, "legacy/api"),
        ]
    }
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "111122223333_CloudTrail_us-east-1_20261118T0215Z_a1b2.json.gz").write_bytes(
        gzip.compress(json.dumps(trail).encode(), mtime=0)
    )
    (inputs / "trufflehog.json").write_text(
        _truffle(AWS_KEY_ID, raw_v2=f"{AWS_KEY_ID}:{AWS_SECRET}", detector="AWS") + "\n",
        encoding="utf-8",
    )
    lake = tmp_path / "lake"
    run_ingest([inputs], lake)
    rows = (
        connect(lake)
        .sql(
            "SELECT e.request_id FROM leaks l JOIN events e ON e.credential_id = l.credential_id "
            "ORDER BY e.event_time"
        )
        .fetchall()
    )
    assert [r[0] for r in rows] == [f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 4)]
    assert lake_contains(lake, AWS_SECRET) == []


def _vault_pair(n: int, client_token: str, path: str) -> str:
    auth = {
        "accessor": "hmac-sha256:" + "ac" * 32,
        "client_token": client_token,
        "display_name": "approle-ci",
        "entity_id": "0f9a3c1e-7d2b-4a0e-9a54-0c1b5d2e9f10",
        "policies": ["default", "ci-deploy"],
        "token_type": "service",
    }
    request = {
        "id": f"5b0f6c3a-1111-2222-3333-00000000000{n}",
        "operation": "read",
        "mount_type": "kv",
        "mount_point": "secret/",
        "namespace": {"id": "root"},
        "path": f"secret/data/{path}",
        "remote_address": "203.0.113.77",
    }
    time = f"2026-11-18T02:1{n}:00"
    response = {"mount_type": "kv", "data": {"data": {"password": "hmac-sha256:" + "ee" * 32}}}
    lines = [
        {"time": f"{time}.1Z", "type": "request", "auth": auth, "request": request},
        {"time": f"{time}.2Z", "type": "response", "auth": auth, "request": request,
         "response": response},
    ]  # fmt: skip
    return "".join(json.dumps(x) + "\n" for x in lines)


def test_leaked_vault_token_joins_its_audit_events(tmp_path: Path) -> None:
    token_hmac = vault_audit_hmac(VAULT_KEY, VAULT_TOKEN)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "vault_audit.log").write_text(
        _vault_pair(1, token_hmac, "payments/db")
        + _vault_pair(2, "hmac-sha256:" + "0b" * 32, "web/session")
        + _vault_pair(3, token_hmac, "payments/stripe"),
        encoding="utf-8",
    )
    (inputs / "trufflehog.json").write_text(
        _truffle(VAULT_TOKEN, detector="VaultAuth") + "\n", encoding="utf-8"
    )
    lake = tmp_path / "lake"
    run_ingest([inputs], lake, store="acme-prod", vault_hmac_key=VAULT_KEY)
    con = connect(lake)
    # The Vault source keeps the token's audit HMAC in events.session_id.
    rows = con.sql(
        "SELECT e.secret_id FROM leaks l JOIN events e ON e.session_id = l.credential_id "
        "WHERE e.source = 'vault' ORDER BY e.event_time"
    ).fetchall()
    assert [r[0] for r in rows] == [
        "vault://acme-prod/secret/payments/db",
        "vault://acme-prod/secret/payments/stripe",
    ]
    assert lake_contains(lake, VAULT_TOKEN) == []
    assert lake_contains(lake, VAULT_KEY) == []  # the key is used, never stored


def test_vault_key_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYTRAIL_VAULT_HMAC_KEY", VAULT_KEY)
    (tmp_path / "t.json").write_text(_truffle(VAULT_TOKEN) + "\n", encoding="utf-8")
    run_ingest([tmp_path / "t.json"], tmp_path / "lake")
    [(got,)] = connect(tmp_path / "lake").sql("SELECT credential_id FROM leaks").fetchall()
    assert got == vault_audit_hmac(VAULT_KEY, VAULT_TOKEN)


def test_without_the_key_a_vault_token_has_no_credential_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEYTRAIL_VAULT_HMAC_KEY", raising=False)
    (tmp_path / "t.json").write_text(_truffle(VAULT_TOKEN) + "\n", encoding="utf-8")
    run_ingest([tmp_path / "t.json"], tmp_path / "lake")
    [row] = (
        connect(tmp_path / "lake").sql("SELECT credential_id, fingerprint FROM leaks").fetchall()
    )
    assert row[0] is None
    assert row[1] is not None


def test_a_random_text_file_is_not_recognised(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes:\n- rotate keys: 12:30\nsee config.py:12:fix\n")
    with pytest.raises(UnknownFormat, match="not recognised"):
        run_ingest([notes], tmp_path / "lake")
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email\nalice,alice@acme.example\n")
    with pytest.raises(UnknownFormat, match="not recognised"):
        run_ingest([csv_file], tmp_path / "lake")


def test_cli_option_and_unknown_source(tmp_path: Path) -> None:
    report = tmp_path / "t.json"
    report.write_text(_truffle(VAULT_TOKEN) + "\n", encoding="utf-8")
    lake = tmp_path / "lake"
    env = {k: v for k, v in os.environ.items() if k != "KEYTRAIL_VAULT_HMAC_KEY"}
    cli = [sys.executable, "-m", "keytrail.cli"]
    done = subprocess.run(
        [*cli, "ingest", str(report), "--lake", str(lake), "--vault-hmac-key", VAULT_KEY, "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert VAULT_KEY not in done.stdout + done.stderr
    [(got,)] = connect(lake).sql("SELECT credential_id FROM leaks").fetchall()
    assert got == vault_audit_hmac(VAULT_KEY, VAULT_TOKEN)
    other = tmp_path / "other.json"
    other.write_text(_truffle(VAULT_TOKEN, line=5) + "\n", encoding="utf-8")
    bad = subprocess.run(
        [*cli, "ingest", str(other), "--lake", str(lake), "--source", "trufflehog3"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 1
    assert "git-secrets" in bad.stderr  # the scanners are listed among the known sources
