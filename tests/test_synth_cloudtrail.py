"""The synthetic CloudTrail trail: S3 layout, determinism, record shapes and realism knobs,
and that the AWS source ingests it cleanly."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.synth.cloudtrail import STREAMS, generate_cloudtrail
from queries.lake import connect

EVENTS = 40_000
LOG_RE = re.compile(
    r"^AWSLogs/(\d{12})/CloudTrail/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d\d)/(\d\d)/"
    r"\1_CloudTrail_\2_\3\4\5T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$"
)
DIGEST_RE = re.compile(
    r"^AWSLogs/(\d{12})/CloudTrail-Digest/([a-z]{2}-[a-z]+-\d)/\d{4}/\d\d/\d\d/"
    r"\1_CloudTrail-Digest_\2_management-trail_us-east-1_\d{8}T\d{6}Z\.json\.gz$"
)
FAKE_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32")
]


def load(path: Path) -> tuple[bytes, Any]:
    raw = path.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    text = gzip.decompress(raw)
    return text, json.loads(text)


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("trail")
    return out, generate_cloudtrail(out, events=EVENTS, seed=7)


@pytest.fixture(scope="module")
def records(trail: tuple[Path, list[Path]]) -> list[dict[str, Any]]:
    _, paths = trail
    recs: list[dict[str, Any]] = []
    for p in paths:
        if "CloudTrail-Digest" not in p.parts:
            recs.extend(load(p)[1]["Records"])
    return recs


def test_s3_layout_and_exact_count(trail: tuple[Path, list[Path]]) -> None:
    out, paths = trail
    assert paths == sorted(paths)
    logs = [p for p in paths if "CloudTrail-Digest" not in p.parts]
    digests = [p for p in paths if "CloudTrail-Digest" in p.parts]
    assert logs and digests
    total = 0
    for p in logs:
        key = p.relative_to(out).as_posix()
        assert LOG_RE.match(key), key
        text, doc = load(p)
        assert b"\n" not in text and text.startswith(b'{"Records":[')  # minified, as CloudTrail
        assert set(doc) == {"Records"}
        total += len(doc["Records"])
        account, region = key.split("/")[1], key.split("/")[3]
        # each account's trail holds its own records (a cross-account read is in both trails)
        assert {r["recipientAccountId"] for r in doc["Records"]} == {account}
        assert {r["awsRegion"] for r in doc["Records"]} == {region}
    assert total == EVENTS
    # files of 1,000-5,000 records, except the last one of each stream
    sizes = sorted(len(load(p)[1]["Records"]) for p in logs)
    assert sum(1 for n in sizes if not 1000 <= n <= 5100) <= len(STREAMS)
    for p in digests:
        assert DIGEST_RE.match(p.relative_to(out).as_posix())
        _, doc = load(p)
        assert doc["logFiles"] and "Records" not in doc
    assert len({p.parts[-7] for p in logs}) >= 3  # accounts


def test_deterministic(tmp_path: Path) -> None:
    def digest(out: Path, seed: int) -> str:
        h = hashlib.sha256()
        for p in generate_cloudtrail(out, events=3_000, seed=seed):
            h.update(p.relative_to(out).as_posix().encode())
            h.update(p.read_bytes())
        return h.hexdigest()

    assert digest(tmp_path / "a", 7) == digest(tmp_path / "b", 7)
    assert digest(tmp_path / "c", 8) != digest(tmp_path / "a", 7)


def test_mix_and_realism(records: list[dict[str, Any]]) -> None:
    sources = Counter(r["eventSource"] for r in records)
    names = Counter(r["eventName"] for r in records)
    kms_on_behalf = sum(
        1
        for r in records
        if r["eventSource"] == "kms.amazonaws.com" and r["userIdentity"].get("invokedBy")
    )
    out_of_scope = (
        sum(
            n
            for s, n in sources.items()
            if s
            not in (
                "secretsmanager.amazonaws.com",
                "sts.amazonaws.com",
                "signin.amazonaws.com",
                "kms.amazonaws.com",
                "iam.amazonaws.com",
            )
        )
        + (sources["kms.amazonaws.com"] - kms_on_behalf)
        + names["GetCallerIdentity"]
    )
    assert 0.15 < out_of_scope / len(records) < 0.25
    sm = [r for r in records if r["eventSource"] == "secretsmanager.amazonaws.com"]
    denied = sum(1 for r in sm if "AccessDenied" in r.get("errorCode", ""))
    assert 0.008 < denied / len(sm) < 0.04
    for name in (
        "GetSecretValue",
        "BatchGetSecretValue",
        "DescribeSecret",
        "ListSecrets",
        "PutSecretValue",
        "RotationStarted",
        "RotationSucceeded",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "Decrypt",
    ):
        assert names[name] > 0, name
    service = [r for r in sm if r["eventType"] == "AwsServiceEvent"]
    assert service and all("type" not in r["userIdentity"] for r in service)
    assert all(r["additionalEventData"]["SecretId"].count("-") >= 1 for r in service)
    types = Counter(r["userIdentity"].get("type") for r in records)
    assert {"AssumedRole", "IAMUser", "AWSService", "WebIdentityUser", "SAMLUser"} <= set(types)
    # Zipf: the most read secret of a stream is read far more often than the median one
    reads = Counter(
        (r["recipientAccountId"], r["awsRegion"], r["requestParameters"]["secretId"].split(":")[-1])
        for r in sm
        if r["eventName"] == "GetSecretValue"
    )
    counts = sorted(reads.values(), reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]
    # diurnal rhythm: busiest hour of the day well above the quietest
    hours = Counter(int(r["eventTime"][11:13]) for r in records)
    assert max(hours.values()) > 1.5 * min(hours.values())
    # at-least-once delivery: some records appear twice
    ids = Counter(r["eventID"] for r in records)
    assert any(n > 1 for n in ids.values())
    # batches come with their per-secret records (same requestID)
    batch = next(r for r in sm if r["eventName"] == "BatchGetSecretValue" and "errorCode" not in r)
    kids = [
        r for r in sm if r["eventName"] == "GetSecretValue" and r["requestID"] == batch["requestID"]
    ]
    assert len(kids) == len(batch["requestParameters"]["secretIdList"])


def test_only_fake_values(records: list[dict[str, Any]]) -> None:
    accounts = {a for a, _, _ in STREAMS}
    for r in records:
        ip = r["sourceIPAddress"]
        if ip[0].isdigit():
            assert any(ipaddress.ip_address(ip) in n for n in FAKE_NETS), ip
        assert r["recipientAccountId"] in accounts
        key = r["userIdentity"].get("accessKeyId", "")
        assert key == "" or key.startswith(("ASIAEX", "AKIAEX"))
    emails = {
        r["userIdentity"]["principalId"].split(":")[-1]
        for r in records
        if r["userIdentity"].get("type") == "AssumedRole"
        and "@" in r["userIdentity"]["principalId"]
    }
    assert emails and all(e.endswith("@example.com") for e in emails)


def test_ingests_cleanly(tmp_path: Path, trail: tuple[Path, list[Path]]) -> None:
    out, paths = trail
    report = run_ingest([out], tmp_path / "lake")
    assert all(f.balanced() for f in report.files)
    assert sum(f.quarantined for f in report.files) == 0
    read = sum(f.records_read for f in report.files)
    assert read == EVENTS + sum(1 for p in paths if "CloudTrail-Digest" in p.parts)
    skipped = sum(f.skipped for f in report.files)
    assert 0.15 < skipped / read < 0.27
    assert sum(f.duplicates for f in report.files) > 0
    con = connect(tmp_path / "lake")
    ((linked, batches, missing_secret),) = con.sql(
        "SELECT count(parent_id), count(*) FILTER (source_action = 'BatchGetSecretValue'), "
        "count(*) FILTER (action = 'read' AND secret_id IS NULL) FROM events"
    ).fetchall()
    assert batches > 0 and linked > batches
    assert missing_secret == 0
