"""The synthetic Cloud Storage sink of Cloud Audit Logs: layout, determinism, record shapes, the
realism knobs, and that keytrail ingests it completely."""

from __future__ import annotations

import gzip
import ipaddress
import json
import re
import shutil
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.synth.gcp import generate_gcp
from queries.lake import connect

EVENTS = 30_000
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{1,9}))?Z$")
SINK_RE = re.compile(
    r"^cloudaudit\.googleapis\.com/(activity|data_access)/2026/11/0[2-4]/"
    r"00:00:00_23:59:59_S0\.json(\.gz)?$"
)
FAKE_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32")
]
SM = "secretmanager.googleapis.com"


def read_lines(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for path in paths:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        out.extend(raw.decode().splitlines())
    return out


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("gcp")
    return out, generate_gcp(out, events=EVENTS, seed=7)


@pytest.fixture(scope="module")
def entries(sink: tuple[Path, list[Path]]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in read_lines(sink[1])]


def secret_manager(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["protoPayload"]["serviceName"] == SM]


# --- layout and determinism ---------------------------------------------------------------------
def test_sink_layout_and_exact_count(sink: tuple[Path, list[Path]]) -> None:
    out, paths = sink
    names = [str(p.relative_to(out)) for p in paths]
    assert all(SINK_RE.match(n) for n in names), names
    assert len(paths) == 6  # two logs x three days
    for p in paths:
        assert (p.read_bytes()[:2] == b"\x1f\x8b") == p.name.endswith(".gz"), p
    assert 0 < sum(p.name.endswith(".gz") for p in paths) < len(paths)
    assert len(read_lines(paths)) == EVENTS
    days = [p.parent.parts[-3:] for p in paths]
    assert days == sorted(days)  # returned in time order


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate_gcp(tmp_path / "a", events=3000, seed=11)
    b = generate_gcp(tmp_path / "b", events=3000, seed=11)
    c = generate_gcp(tmp_path / "c", events=3000, seed=12)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "c") for p in c]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


@pytest.mark.parametrize("events", [1, 7, 101])
def test_small_counts_are_exact(tmp_path: Path, events: int) -> None:
    assert len(read_lines(generate_gcp(tmp_path, events=events, seed=3))) == events


def test_refuses_nonsense(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="events"):
        generate_gcp(tmp_path, events=0)


# --- record shape -----------------------------------------------------------------------------
def test_every_entry_is_a_cloud_audit_logentry(
    sink: tuple[Path, list[Path]], entries: list[dict[str, Any]]
) -> None:
    for path in sink[1]:
        log = path.parent.parts[-4]
        for line in read_lines([path]):
            e = json.loads(line)
            assert e["logName"].endswith(f"/logs/cloudaudit.googleapis.com%2F{log}")
            assert e["logName"].startswith(f"projects/{e['resource']['labels']['project_id']}/")
    for e in entries:
        p = e["protoPayload"]
        assert p["@type"] == "type.googleapis.com/google.cloud.audit.AuditLog"
        assert TIME_RE.match(e["timestamp"]) and TIME_RE.match(e["receiveTimestamp"])
        assert e["receiveTimestamp"] > e["timestamp"]
        # GKE writes the Kubernetes audit ID (a UUID) as insertId
        assert re.fullmatch(r"[0-9a-f]{11,}|[0-9a-f-]{36}", e["insertId"])
        assert p["authenticationInfo"]


def test_secret_manager_entries(entries: list[dict[str, Any]]) -> None:
    sm = secret_manager(entries)
    for e in sm:
        p = e["protoPayload"]
        method = p["methodName"].rsplit(".", 1)[1]
        rn = p["resourceName"]
        assert re.fullmatch(
            r"projects/(acme-prod-1234|acme-data-5678|\d{12})(/secrets/[a-z0-9-]+"
            r"(/versions/(latest|\d+))?)?",
            rn,
        ), rn
        assert ("/versions/" in rn) == (
            method.endswith("SecretVersion") and method not in ("AddSecretVersion",)
        ), (method, rn)
        assert e["resource"]["labels"]["method"] == p["methodName"]
        assert p["requestMetadata"]["callerSuppliedUserAgent"]
        code = p["status"].get("code", 0)
        granted = p["authorizationInfo"][0].get("granted")
        assert (code == 7) == (granted is None)  # proto3 omits granted=false
        assert e["severity"] == (
            "ERROR" if code else ("NOTICE" if "activity" in e["logName"] else "INFO")
        )
        if method == "AddSecretVersion" and not code:
            assert re.search(r"/versions/\d+$", p["response"]["name"])


def test_fake_values_only(entries: list[dict[str, Any]]) -> None:
    for e in entries:
        p = e["protoPayload"]
        ip = p["requestMetadata"]["callerIp"]
        if ip not in ("private", "gce-internal-ip"):
            assert any(ipaddress.ip_address(ip) in net for net in FAKE_NETS), ip
        email = p["authenticationInfo"].get("principalEmail", "")
        if p["serviceName"] == "k8s.io":  # Kubernetes user names (GKE, FORMATS §7)
            assert email.startswith("system:serviceaccount:payments:"), email
            continue
        assert email.endswith(("@example.com", ".iam.gserviceaccount.com")) or not email
        assert "acme-" in e["logName"]


# --- realism -------------------------------------------------------------------------------------
def test_mix_of_services_outcomes_and_identities(entries: list[dict[str, Any]]) -> None:
    sm = secret_manager(entries)
    other = 1 - len(sm) / len(entries)
    assert 0.12 < other < 0.18, other
    denied = sum(e["protoPayload"]["status"].get("code") == 7 for e in sm) / len(sm)
    assert 0.012 < denied < 0.03, denied
    methods = Counter(e["protoPayload"]["methodName"].rsplit(".", 1)[1] for e in sm)
    assert methods.most_common(1)[0][0] == "AccessSecretVersion"
    assert methods["AccessSecretVersion"] / len(sm) > 0.8
    assert len(methods) >= 12
    auth = [e["protoPayload"]["authenticationInfo"] for e in sm]
    humans = {
        a["principalEmail"]
        for a in auth
        if a.get("principalEmail", "").endswith(".com")
        and "gserviceaccount" not in a["principalEmail"]
    }
    services = {
        a["principalEmail"] for a in auth if "gserviceaccount" in a.get("principalEmail", "")
    }
    assert len(humans) >= 30 and len(services) >= 100
    assert any("serviceAccountDelegationInfo" in a for a in auth)
    assert any("serviceAccountKeyName" in a for a in auth)
    assert any("principalSubject" in a and "principalEmail" not in a for a in auth)
    names = [e["protoPayload"]["resourceName"] for e in sm]
    versions = Counter(rn.endswith("/latest") for rn in names if "/versions/" in rn)
    assert versions[True] > versions[False] > 0
    by_number = sum(e["protoPayload"]["resourceName"].startswith("projects/1") for e in sm)
    assert 0.25 < by_number / len(sm) < 0.55


def test_zipf_secret_popularity(entries: list[dict[str, Any]]) -> None:
    names = Counter(
        e["protoPayload"]["resourceName"].split("/")[3]
        for e in secret_manager(entries)
        if "/secrets/" in e["protoPayload"]["resourceName"]
    )
    ranked = [n for _, n in names.most_common()]
    assert len(ranked) > 200
    assert sum(ranked[:10]) > 0.25 * sum(ranked)  # a few hot secrets
    assert ranked[-1] <= 3  # and a long tail


def test_diurnal_rhythm(entries: list[dict[str, Any]]) -> None:
    hours = Counter(int(e["timestamp"][11:13]) for e in entries)
    assert hours[2] > 1.5 * hours[4]  # the nightly batch window at 02:00 UTC
    people = Counter(
        int(e["timestamp"][11:13])
        for e in entries
        if e["protoPayload"]["authenticationInfo"].get("principalEmail", "").endswith("example.com")
    )
    assert people[15] > 3 * people[6]  # US + Europe working hours against the small hours
    times = [e["timestamp"] for e in entries]
    assert min(times) >= "2026-11-02T00:00:00Z" and max(times) < "2026-11-05"
    fractions = Counter(len(TIME_RE.match(t).group(1) or "") for t in times)  # type: ignore[union-attr]
    assert fractions[9] > fractions[6] > 0


# --- keytrail reads all of it ---------------------------------------------------------------------
def test_ingests_completely(sink: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, _ = sink
    report = run_ingest([out], tmp_path / "lake")
    assert {f.source for f in report.files} == {"gcp"}
    assert all(f.balanced() and f.quarantined == 0 for f in report.files)
    total = sum(f.records_read for f in report.files)
    skipped = sum(f.skipped for f in report.files)
    assert total == EVENTS
    assert 0.12 < skipped / total < 0.18
    assert sum(f.duplicates for f in report.files) < 0.002 * total
    con = connect(tmp_path / "lake")
    ((nulls,),) = con.sql(
        "SELECT count(*) FROM events WHERE principal_id IS NULL OR (secret_id IS NULL "
        "AND source_action NOT IN ('ListSecrets', 'ListLocations'))"
    ).fetchall()
    assert nulls == 0
    ((stores,),) = con.sql(
        "SELECT list(DISTINCT store ORDER BY store) FROM events WHERE source = 'gcp'"
    ).fetchall()
    assert stores == ["acme-data-5678", "acme-prod-1234"]
    # GKE's k8s.io entries in the same sink files became events of the k8s source.
    ((gke, clusters),) = con.sql(
        "SELECT count(*), list(DISTINCT store) FROM events WHERE source = 'k8s'"
    ).fetchall()
    assert gke > 0 and clusters == ["acme-prod-gke"]
    routed = sum(int(f.note.split()[0].replace(",", "")) for f in report.files if f.note)
    assert routed >= gke
    ((numbers,),) = con.sql(
        "SELECT count(*) FROM events WHERE secret_id LIKE 'gcp://projects/1%'"
    ).fetchall()
    assert numbers == 0  # project numbers folded into ids


@pytest.mark.slow
def test_a_million_events_well_under_a_minute(tmp_path: Path) -> None:
    began = time.perf_counter()
    paths = generate_gcp(tmp_path / "big", events=1_000_000, seed=7)
    took = time.perf_counter() - began
    try:
        assert took < 40, took
        last = read_lines(paths[-1:])[-1]
        start = datetime(2026, 11, 2, tzinfo=UTC)
        assert json.loads(last)["timestamp"] >= (start + timedelta(days=2)).isoformat()[:10]
    finally:
        shutil.rmtree(tmp_path / "big")  # 1.5 GB: not kept among pytest's retained temp dirs
