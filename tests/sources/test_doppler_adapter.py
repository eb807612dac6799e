"""Doppler audit adapter through the real pipeline: fan-out keeps the ingest_log invariant,
re-ingest never duplicates, raw is narrowed per event, detection claims only Doppler records,
and arbitrary JSON never raises (Hypothesis)."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.pipeline import run_ingest
from ingest.sources import AUDIT_SOURCES
from ingest.sources.doppler.audit import looks_like
from queries.lake import connect

WP = {"id": "acme0000000000000001", "name": "Acme Widgets"}
TOKEN = {
    "kind": "apiToken",
    "slug": "5e7c0000-0000-4000-8000-00000000de91",
    "name": "web-prd-deploy",
    "type": {"id": "t1", "name": "Service Token"},
}


def secret_read(when: str, names: list[str], ip: str = "10.20.0.15") -> dict[str, Any]:
    return {
        "source": "doppler",
        "type": "security.secret_read",
        "title": "Secret Read",
        "user": TOKEN,
        "workplace": WP,
        "session": {"ip": ip, "browser": None, "os": None, "method": "API"},
        "createdAt": when,
        "metadata": {
            "secrets": [
                {"p": "web", "e": "prd", "c": "prd", "s": n, "v": 1, "m": "m"} for n in names
            ]
        },
    }


def write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def events(lake: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        connect(lake).sql("SELECT * FROM events ORDER BY event_time, secret_id").to_arrow_table()
    ).to_pylist()
    return rows


def test_a_read_of_many_secrets_is_one_record_and_many_events(tmp_path: Path) -> None:
    names = [f"K{i:03d}" for i in range(300)]
    src = write_lines(tmp_path / "s.ndjson", [secret_read("2026-11-17T10:00:00Z", names)])
    report = run_ingest([src], tmp_path / "lake")
    (f,) = report.files
    assert (f.source, f.records_read, f.events_written, f.duplicates) == ("doppler", 1, 1, 0)
    rows = events(tmp_path / "lake")
    assert sorted(r["secret_name"] for r in rows) == names
    assert len({r["event_id"] for r in rows}) == 300
    assert len({r["parent_id"] for r in rows}) == 1
    # Each event's raw is the record narrowed to its own secret: linear, not quadratic.
    for r in rows:
        raw = json.loads(r["raw"])
        assert [e["s"] for e in raw["metadata"]["secrets"]] == [r["secret_name"]]
        assert raw["createdAt"] == "2026-11-17T10:00:00Z"


def test_reingest_of_the_same_records_in_another_file_adds_nothing(tmp_path: Path) -> None:
    recs = [
        secret_read("2026-11-17T10:00:00Z", ["A", "B"]),
        secret_read("2026-11-18T23:59:59.9Z", ["C"]),
    ]
    run_ingest([write_lines(tmp_path / "one.ndjson", recs)], tmp_path / "lake")
    again = write_lines(tmp_path / "two.ndjson", [*reversed(recs), recs[0]])
    report = run_ingest([again], tmp_path / "lake")
    (f,) = report.files
    assert (f.records_read, f.events_written, f.duplicates) == (3, 0, 3)
    assert len(events(tmp_path / "lake")) == 3


def test_page_entries_land_in_their_own_day(tmp_path: Path) -> None:
    page = {
        "page": 1,
        "logs": [
            {
                "id": "a1",
                "text": "Created web project",
                "html": "",
                "created_at": "2026-11-13T10:00:00Z",
                "project": "web",
                "environment": None,
                "config": None,
                "user": {"email": "alice@acme.example"},
            },
            {
                "id": "a2",
                "text": "Created api project",
                "html": "",
                "created_at": "2026-11-15T10:00:00Z",
                "project": "api",
                "environment": None,
                "config": None,
                "user": {"email": "alice@acme.example"},
            },
        ],
    }
    src = tmp_path / "page.json"
    src.write_text(json.dumps(page, indent=2), encoding="utf-8")
    run_ingest([src], tmp_path / "lake", store="acme0000000000000001")
    parts = sorted(p.name for p in (tmp_path / "lake" / "events" / "source=doppler").iterdir())
    assert parts == ["event_date=2026-11-13", "event_date=2026-11-15"]
    rows = events(tmp_path / "lake")
    assert [r["request_id"] for r in rows] == ["a1", "a2"]
    assert {r["store"] for r in rows} == {"acme0000000000000001"}


def test_gzip_capture_named_json(tmp_path: Path) -> None:
    body = "".join(
        json.dumps(secret_read(f"2026-11-16T15:0{i}:00Z", ["A"])) + "\n" for i in range(3)
    )
    src = tmp_path / "capture.json"
    src.write_bytes(gzip.compress(body.encode()))
    (f,) = run_ingest([src], tmp_path / "lake").files
    assert (f.source, f.events_written) == ("doppler", 3)


@pytest.mark.parametrize(
    "record",
    [
        secret_read("2026-11-17T10:00:00Z", ["A"]),
        {"ddsource": "doppler", "type": "enclave.project.create", "createdAt": "x"},
        {"MessageId": "m", "Body": json.dumps(secret_read("2026-11-17T10:00:00Z", ["A"]))},
        {"Messages": [{"Body": json.dumps(secret_read("2026-11-17T10:00:00Z", ["A"]))}]},
        {"page": 1, "logs": []},
        {
            "id": "a",
            "text": "t",
            "html": "h",
            "created_at": "2026-11-17T10:00:00Z",
            "project": None,
            "environment": None,
            "config": None,
            "user": {"email": "a@acme.example"},
        },
        {"message": json.dumps(secret_read("2026-11-17T10:00:00Z", ["A"]))},
        {
            "attributes": {
                "service": "doppler",
                "attributes": secret_read("2026-11-17T10:00:00Z", ["A"]),
            }
        },
    ],
)
def test_detection_claims_doppler_shapes(record: dict[str, Any]) -> None:
    assert looks_like(record)
    first = next(s for s in AUDIT_SOURCES if s.looks_like(record))
    assert first.name == "doppler"


@pytest.mark.parametrize(
    "record",
    [
        {"type": "response", "time": "2026-11-17T10:00:00Z", "request": {"id": "x"}},  # Vault
        {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "verb": "get"},
        {"uuid": "u", "timestamp": "2026-11-17T10:00:00Z", "type": "credentials_ok"},  # 1Password
        {"eventName": "GetSecretValue", "eventSource": "secretsmanager.amazonaws.com"},
        {"logs": [{"level": "info"}], "page": 1},
        {"id": "a", "text": "t", "created_at": "x", "user": {"email": "e"}, "extra": 1},
    ],
)
def test_detection_leaves_other_records_alone(record: dict[str, Any]) -> None:
    assert not looks_like(record)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=12))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values, json_values)


entries = st.fixed_dictionaries(
    {"p": maybe(st.just("web")), "c": maybe(st.just("prd")), "s": maybe(st.text(max_size=8))},
    optional={"v": maybe(st.integers(0, 9)), "r": json_values},
)
records = st.fixed_dictionaries(
    {
        "source": st.just("doppler"),
        "type": maybe(
            st.sampled_from(
                ["security.secret_read", "enclave.project.config.secrets.update", "team.seat.join"]
            )
        ),
    },
    optional={
        "slug": maybe(st.text(min_size=1, max_size=8)),
        "createdAt": maybe(
            st.sampled_from(["2026-11-17T10:00:00Z", "2026-11-17T10:00:00.1+01:00", "bad"])
        ),
        "user": maybe(
            st.fixed_dictionaries(
                {
                    "kind": maybe(st.sampled_from(["user", "apiToken", "bot"])),
                    "slug": maybe(st.text(max_size=6)),
                    "type": json_values,
                }
            )
        ),
        "workplace": maybe(st.fixed_dictionaries({"id": maybe(st.text(min_size=1, max_size=6))})),
        "session": json_values,
        "metadata": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "secrets": maybe(st.lists(maybe(entries), max_size=4)),
                    "diff": maybe(
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "added": maybe(st.lists(st.text(max_size=5), max_size=3)),
                                "removed": maybe(st.lists(st.text(max_size=5), max_size=3)),
                            },
                        )
                    ),
                },
            )
        ),
    },
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=6))
def test_arbitrary_records_never_raise_and_rows_fit_the_schema(recs: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = write_lines(Path(tmp) / "s.ndjson", recs)
        report = run_ingest([src], Path(tmp) / "lake", source="doppler")
        (f,) = report.files
        assert f.records_read == f.events_written + f.duplicates + f.quarantined + f.skipped
        rows = events(Path(tmp) / "lake") if f.events_written else []
        vocab = schema.load().vocabularies
        for r in rows:
            assert r["action"] in vocab["action"] and r["outcome"] == "success"
            assert r["event_time"].tzinfo is not None
            assert r["store"]
        assert len({r["event_id"] for r in rows}) == len(rows)
