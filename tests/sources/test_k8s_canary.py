"""A Secret value planted in Kubernetes RequestResponse bodies (plain Events, AKS strings, GKE
payloads, quarantined lines) and in a ``kubectl get secrets -o json`` export appears nowhere in
the lake: every Parquet value is read back with pyarrow and searched, every other file is
searched byte for byte, for the value and its base64 form."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest.pipeline import run_ingest
from ingest.synth.k8s import audit_event, human_user, line, sa_user
from queries.lake import connect

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "ingest" / "sources" / "k8s" / "cases"
SNAP_CASES = REPO / "ingest" / "snapshots" / "k8s" / "cases"
CANARY = "kt-canary-7c0ffee1-planted-by-test"
AUDIT_CANARY = "kt-canary-9f3b2c1d-NOT-A-REAL-SECRET"  # in the committed golden inputs
SNAPSHOT_CANARY = "kt-canary-snapshot-5e1f-NOT-A-REAL-SECRET"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def needles() -> list[bytes]:
    out = []
    for value in (CANARY, AUDIT_CANARY, SNAPSHOT_CANARY):
        out += [value.encode(), b64(value).encode(), b64(value).rstrip("=").encode()]
    return out


def planted_records() -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    when = datetime(2026, 11, 18, 2, 19, 4, 123456, tzinfo=UTC)
    user = sa_user("ci", "runner", "c1c1c1c1-0000-4000-8000-0000000000c1")
    body = {
        "kind": "Secret",
        "apiVersion": "v1",
        "data": {"password": b64(CANARY)},
        "stringData": {"plain": CANARY},
        "metadata": {"name": "payments-db"},
    }
    out = []
    for i, verb in enumerate(("get", "list", "watch", "update", "create")):
        ev = audit_event(
            audit_id=f"c0ffee00-0000-4000-8000-{i:012d}",
            stage="ResponseComplete",
            verb=verb,
            user=user if i < 3 else human_user("bob@acme.example"),
            received=when,
            namespace="payments",
            name="payments-db",
            level="RequestResponse",
        )
        ev["requestObject"] = body
        ev["responseObject"] = {"kind": "SecretList", "items": [body]} if verb == "list" else body
        out.append(ev)
    return out


def _search_value(value: Any, found: list[str], where: str) -> None:
    text = json.dumps(value, default=str, ensure_ascii=False).encode()
    for needle in needles():
        if needle in text:
            found.append(f"{where}: {needle.decode()}")


def scan_lake(lake: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            for name in table.column_names:
                _search_value(table.column(name).to_pylist(), found, f"{path}:{name}")
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for needle in needles():
            if needle in data:
                found.append(f"{path}: {needle.decode()}")
    return found


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("canary")
    inputs = root / "in"
    inputs.mkdir()
    recs = planted_records()
    lines = [line(r) for r in recs]
    lines.append(lines[0][:300] + '"responseObject":{"data":{"p":"' + b64(CANARY))  # truncated
    bad_time = dict(
        recs[0], auditID="c0ffee00-bad", requestReceivedTimestamp="soon", stageTimestamp="later"
    )
    lines.append(line(bad_time))
    (inputs / "audit.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    aks = {
        "records": [
            {
                "time": "2026-11-18T02:19:04.1234560Z",
                "category": "kube-audit",
                "resourceId": "/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/"
                "MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS1",
                "properties": {"log": json.dumps(r)},
            }
            for r in recs
        ]
    }
    (inputs / "PT1H.json").write_text(json.dumps(aks), encoding="utf-8")
    lake = root / "lake"
    for sub in ("request_response_bodies", "malformed", "aks_records", "gke_logentry"):
        run_ingest([CASES / sub / "input"], lake, store="acme-prod-eks")
    run_ingest([inputs], lake, store="acme-prod-eks")
    snap = SNAP_CASES / "secrets_inventory"
    run_ingest([snap / "secrets.json", snap / "metadata-only.json"], lake, store="acme-prod-eks")
    return lake


def test_the_canaries_were_in_the_inputs() -> None:
    texts = [
        p.read_bytes().decode("utf-8", "replace") for p in CASES.glob("*/input/*") if p.is_file()
    ]
    assert any(b64(AUDIT_CANARY) in t for t in texts)
    snap = (SNAP_CASES / "secrets_inventory" / "secrets.json").read_text(encoding="utf-8")
    assert b64(SNAPSHOT_CANARY) in snap and SNAPSHOT_CANARY in snap  # last-applied annotation


def test_lake_holds_the_records(lake: Path) -> None:
    con = connect(lake)
    n_events = con.sql("SELECT count(*) FROM events WHERE source = 'k8s'").fetchall()[0][0]
    assert n_events >= 15
    reasons = {r[0] for r in con.sql("SELECT reason FROM quarantine").fetchall()}
    assert any("invalid JSON" in r for r in reasons)
    assert any("unparseable" in r for r in reasons)
    n_secrets = con.sql("SELECT count(*) FROM secrets WHERE source = 'k8s'").fetchall()[0][0]
    assert n_secrets == 4


def test_raw_keeps_the_record_without_its_bodies(lake: Path) -> None:
    con = connect(lake)
    rows = con.sql("SELECT raw FROM events WHERE source = 'k8s'").fetchall()
    for (raw,) in rows:
        doc = json.loads(raw)
        event = doc
        if "properties" in doc:
            log = doc["properties"]["log"]
            event = json.loads(log) if isinstance(log, str) else log
        assert "requestObject" not in event and "responseObject" not in event
        assert "request" not in doc.get("protoPayload", {})
        assert "auditID" in event or "protoPayload" in doc


def test_no_canary_anywhere_in_the_lake(lake: Path) -> None:
    assert scan_lake(lake) == []


def test_the_scan_would_see_a_canary(tmp_path: Path) -> None:
    """The scanner itself works: a canary in a Parquet page and in a gzip file is found."""
    import pyarrow as pa

    pq.write_table(
        pa.table({"x": [{"k": [f"a{b64(CANARY)}b"]}]}), tmp_path / "t.parquet", compression="zstd"
    )
    (tmp_path / "q.json.gz").write_bytes(gzip.compress(CANARY.encode()))
    hits = scan_lake(tmp_path)
    assert {Path(h.split(":", 1)[0]).name for h in hits} == {"t.parquet", "q.json.gz"}
