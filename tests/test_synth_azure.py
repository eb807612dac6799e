"""The synthetic Azure Key Vault storage-account layout: determinism, shape and realism knobs."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.synth.azure import LATENCY_MAX_S, generate_azure
from queries.lake import connect

EVENTS = 30_000
BLOB_RE = re.compile(
    r"^insights-logs-auditevent/resourceId=/SUBSCRIPTIONS/[0-9A-F-]{36}/RESOURCEGROUPS/RG-[A-Z]+/"
    r"PROVIDERS/MICROSOFT\.KEYVAULT/VAULTS/(ACME-[A-Z]+-KV)/"
    r"y=(\d{4})/m=(\d\d)/d=(\d\d)/h=(\d\d)/m=00/PT1H\.json$"
)
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
FAKE_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8")
]
KEY_CRYPTO = {"KeyUnwrap", "KeyWrap", "KeySign", "KeyDecrypt", "KeyEncrypt"}


@pytest.fixture(scope="module")
def blobs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("azure")
    return out, generate_azure(out, events=EVENTS, seed=7)


@pytest.fixture(scope="module")
def records(blobs: tuple[Path, list[Path]]) -> list[tuple[Path, dict[str, Any]]]:
    out, paths = blobs
    return [
        (p.relative_to(out), json.loads(line))
        for p in paths
        for line in p.read_text(encoding="utf-8").splitlines()
    ]


def digest(out: Path, paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(out)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


# --- layout and determinism ---------------------------------------------------------------------
def test_storage_layout_and_exact_count(blobs: tuple[Path, list[Path]]) -> None:
    out, paths = blobs
    assert paths == sorted(paths)
    vaults = set()
    for p in paths:
        m = BLOB_RE.match(str(p.relative_to(out)))
        assert m, p
        vaults.add(m.group(1))
    assert vaults == {"ACME-PROD-KV", "ACME-PAYMENTS-KV", "ACME-DEV-KV"}
    assert len(paths) > 24 * 3  # hourly blobs per vault over days
    assert sum(len(p.read_text().splitlines()) for p in paths) == EVENTS


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate_azure(tmp_path / "a", events=2000, seed=3)
    b = generate_azure(tmp_path / "b", events=2000, seed=3)
    c = generate_azure(tmp_path / "c", events=2000, seed=4)
    assert digest(tmp_path / "a", a) == digest(tmp_path / "b", b)
    assert digest(tmp_path / "a", a) != digest(tmp_path / "c", c)
    assert sum(len(p.read_text().splitlines()) for p in c) == 2000


def test_rejects_no_events(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="events"):
        generate_azure(tmp_path, events=0)


# --- record shape ---------------------------------------------------------------------------------
def test_records_have_the_resource_log_shape(records: list[tuple[Path, dict[str, Any]]]) -> None:
    for rel, r in records:
        assert list(r)[:3] == ["time", "category", "operationName"]
        assert TIME_RE.match(r["time"]), r["time"]
        assert r["category"] == "AuditEvent"
        assert isinstance(r["durationMs"], str) and r["durationMs"].isdigit()
        assert isinstance(r["properties"]["httpStatusCode"], int)
        assert r["resourceId"] == r["resourceId"].upper()
        m = BLOB_RE.match(str(rel))
        assert m and r["resourceId"].endswith("/VAULTS/" + m.group(1))
        # Blobs are keyed by receive time: a record is in its own hour's blob or a later one.
        blob_hour = datetime(int(m[2]), int(m[3]), int(m[4]), int(m[5]))
        t = datetime.strptime(r["time"][:19], "%Y-%m-%dT%H:%M:%S")
        assert (
            blob_hour - timedelta(seconds=LATENCY_MAX_S + 1) <= t < blob_hour + timedelta(hours=1)
        )
        if r["operationName"].endswith("List") or r["operationName"] == "Authentication":
            assert "id" not in r["properties"]


def test_fake_values_only(records: list[tuple[Path, dict[str, Any]]]) -> None:
    for _, r in records:
        if r["callerIpAddress"]:
            ip = ipaddress.ip_address(r["callerIpAddress"])
            assert any(ip in net for net in FAKE_NETS), ip
        claim = r.get("identity", {}).get("claim", {})
        upn = claim.get("upn") or claim.get(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
        )
        assert upn is None or upn.endswith("@example.com")


# --- realism knobs --------------------------------------------------------------------------------
def test_mix_denials_and_quirks(records: list[tuple[Path, dict[str, Any]]]) -> None:
    recs = [r for _, r in records]
    ops = Counter(r["operationName"] for r in recs)
    assert ops.most_common(1)[0][0] == "SecretGet"
    assert sum(ops[k] for k in KEY_CRYPTO) > 0.03 * EVENTS  # some key operations
    assert {"KeyGet", "SecretList", "SecretSet", "VaultGet", "CertificateGet"} <= set(ops)
    status = Counter(r["properties"]["httpStatusCode"] for r in recs)
    assert 0.01 < status[403] / EVENTS < 0.03
    assert any(
        r["properties"]["httpStatusCode"] == 403 and r["resultType"] == "Success" for r in recs
    )
    assert status[401] and status[404] and status[429]
    assert any("identity" not in r for r in recs)  # system and unauthenticated records
    assert any(r["correlationId"] == "" for r in recs)
    claims = [r["identity"]["claim"] for r in recs if "identity" in r]
    assert any("xms_mirid" in c for c in claims)
    assert any("http://schemas.microsoft.com/identity/claims/objectidentifier" in c for c in claims)
    assert any(c.get("idtyp") == "app" and "upn" not in c for c in claims)


def test_zipf_secret_popularity(records: list[tuple[Path, dict[str, Any]]]) -> None:
    reads = Counter(
        r["properties"]["id"].rsplit("/", 1)[0]
        for _, r in records
        if r["operationName"] == "SecretGet" and "/secrets/" in r["properties"].get("id", "")
    )
    counts = sorted(reads.values(), reverse=True)
    top = sum(counts[: max(1, len(counts) // 10)])
    assert top / sum(counts) > 0.4  # the top tenth of secrets take a large share of reads
    assert len(counts) > 50


def test_people_work_office_hours(records: list[tuple[Path, dict[str, Any]]]) -> None:
    hours = Counter(
        int(r["time"][11:13]) for _, r in records if "upn" in r.get("identity", {}).get("claim", {})
    )
    day = sum(hours[h] for h in range(8, 17))  # UTC office hours of London/Berlin
    night = sum(hours[h] for h in (0, 1, 2))
    assert day > 5 * max(night, 1)


# --- through the real pipeline --------------------------------------------------------------------
def test_ingests_cleanly(tmp_path: Path) -> None:
    paths = generate_azure(tmp_path / "in", events=3000, seed=11, days=1)
    report = run_ingest([tmp_path / "in"], tmp_path / "lake")
    assert {f.source for f in report.files} == {"azure"}
    assert all(f.balanced() for f in report.files)
    assert sum(f.events_written for f in report.files) == 3000
    assert sum(f.quarantined + f.duplicates + f.skipped for f in report.files) == 0
    statuses = Counter(
        json.loads(line)["properties"]["httpStatusCode"]
        for p in paths
        for line in p.read_text().splitlines()
    )
    con = connect(tmp_path / "lake")
    ((denied, stores),) = con.sql(
        "SELECT count(*) FILTER (WHERE outcome = 'denied'), count(DISTINCT store) FROM events"
    ).fetchall()
    assert denied == statuses[401] + statuses[403]
    assert stores == 3
