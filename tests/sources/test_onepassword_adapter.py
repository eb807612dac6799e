"""The 1Password adapter record by record: detection, the action table of FORMATS.md §6(c),
identity, dedupe and the fields the golden cases do not show (value_returned)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ingest.pipeline import run_ingest
from ingest.redact import Redactor
from ingest.sources import AUDIT_SOURCES
from ingest.sources.onepassword.audit import AUDIT, looks_like
from queries.lake import connect

USER = {"uuid": "4hcgrgyctrqfbmgvegtabydu2v", "name": "Alice", "email": "Alice@Acme.example"}
SA = {
    "uuid": "SA0000000000000000000000X1",
    "name": "ci",
    "email": "k2m9@1passwordserviceaccounts.com",
}


def usage(action: str = "reveal", **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "uuid": "Q7ZK4M2XLP3RVT6WNB5YHC8DJA",
        "timestamp": "2026-11-16T10:21:07.402-03:00",
        "used_version": 3,
        "vault_uuid": "JAQXQF5QYLSLQIITNDUAWRNDC5",
        "item_uuid": "bvwmmwxisuca7wbehrbyqhag54",
        "user": USER,
        "client": {
            "app_name": "1Password for Mac",
            "app_version": "81060012",
            "ip_address": "198.51.100.23",
        },
        "action": action,
    }
    rec.update(over)
    return rec


def mapped(*records: Any, store: str | None = None) -> list[dict[str, Any]]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    adapter = AUDIT.make(con, store, Redactor(b"k" * 32))
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    adapter.feed(0, pa.array(lines, pa.string()), pa.array(range(1, len(lines) + 1), pa.int64()))
    rows: list[dict[str, Any]] = (
        con.sql("SELECT * FROM entries ORDER BY line").to_arrow_table().to_pylist()
    )
    return rows


@pytest.mark.parametrize(
    ("action", "normalized", "value_returned"),
    [
        ("reveal", "read", True),
        ("secure-copy", "read", True),
        ("copy", "read", True),
        ("fill", "read", True),
        ("sso-fill", "read", True),
        ("server-fetch", "read", True),
        ("export", "read", True),
        ("share", "read", None),
        ("enter-item-edit-mode", "describe", None),
        ("server-create", "create", None),
        ("server-update", "write", None),
        ("select-sso-provider", "other", None),
        ("a-new-action", "other", None),
    ],
)
def test_item_usage_actions(action: str, normalized: str, value_returned: bool | None) -> None:
    (row,) = mapped(usage(action))
    assert (row["action"], row["source_action"], row["outcome"]) == (normalized, action, "success")
    assert row["value_returned"] is value_returned


def test_ids_are_canonical_and_case_normalized() -> None:
    (row,) = mapped(usage(), store="acme.1password.com")
    assert row["secret_id"] == (
        "op://acme.1password.com/jaqxqf5qylslqiitnduawrndc5/bvwmmwxisuca7wbehrbyqhag54"
    )
    assert row["principal_id"] == "4HCGRGYCTRQFBMGVEGTABYDU2V"
    assert row["principal_name"] == "alice@acme.example"
    assert row["principal_type"] == "human"
    assert row["secret_version"] == "3"
    assert row["event_time"].isoformat() == "2026-11-16T13:21:07.402000+00:00"
    lower = mapped(usage(uuid="q7zk4m2xlp3rvt6wnb5yhc8dja"), store="acme.1password.com")[0]
    assert lower["event_id"] == row["event_id"]  # the same delivery in another case
    assert mapped(usage())[0]["store"] == "default"


@pytest.mark.parametrize(
    ("user", "client", "action", "expected"),
    [
        (SA, "1Password CLI", "reveal", "service"),
        (USER, "1Password Connect", "reveal", "service"),
        (USER, "1Password SDK", "reveal", "service"),
        (USER, "1Password CLI", "server-fetch", "service"),
        (USER, "1Password CLI", "reveal", "human"),
        ({"uuid": "X" * 26}, "", "reveal", "unknown"),
    ],
)
def test_principal_type(user: dict[str, str], client: str, action: str, expected: str) -> None:
    (row,) = mapped(usage(action, user=user, client={"app_name": client}))
    assert row["principal_type"] == expected
    assert (row["auth_method"] == "service_account") is (user is SA)


@pytest.mark.parametrize(
    ("category", "outcome"),
    [
        ("success", "success"),
        ("firewall_reported_success", "success"),
        ("firewall_failed", "denied"),
        ("credentials_failed", "failure"),
        ("mfa_failed", "failure"),
        ("sso_failed", "failure"),
        ("modern_version_failed", "failure"),
        ("new_thing", "unknown"),
    ],
)
def test_signin_outcomes(category: str, outcome: str) -> None:
    rec = {
        "uuid": "S" * 26,
        "session_uuid": "T" * 26,
        "timestamp": "2026-11-16T08:00:00Z",
        "category": category,
        "type": "u2f_timout",
        "details": {"value": "key"},
        "target_user": USER,
        "client": {"ip_address": "192.0.2.1"},
    }
    (row,) = mapped(rec)
    assert (row["action"], row["outcome"], row["session_id"]) == ("login", outcome, "T" * 26)
    assert row["error"] == (None if outcome == "success" else "u2f_timout: key")


def test_detection_claims_ours_and_only_ours() -> None:
    ours = [
        usage(),
        {"message": json.dumps(usage())},
        {"cursor": "c", "has_more": False, "items": []},
        {
            "uuid": "A" * 26,
            "timestamp": "2026-11-16T08:00:00Z",
            "actor_uuid": "B" * 26,
            "action": "grant",
            "object_type": "uva",
        },
    ]
    for rec in ours:
        assert [a.name for a in AUDIT_SOURCES if a.looks_like(rec)] == ["onepassword"]
    theirs = [
        {"time": "2026-11-16T10:00:00Z", "type": "response", "auth": {}, "request": {"id": "x"}},
        {"eventVersion": "1.09", "eventSource": "secretsmanager.amazonaws.com", "eventID": "e"},
        {"uuid": "x", "timestamp": "2026-11-16T10:00:00Z"},  # no 1Password keys
        {"Error": {"Message": "Unauthorized"}},
        None,
        [],
        "text",
    ]
    assert not any(looks_like(rec) for rec in theirs)


def test_value_returned_and_counts_reach_the_lake(tmp_path: Path) -> None:
    src = tmp_path / "in" / "itemusages.jsonl"
    src.parent.mkdir()
    recs = [usage("reveal"), usage("server-update", uuid="U" * 26), usage("reveal")]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    run_ingest([src.parent], tmp_path / "lake")
    con = connect(tmp_path / "lake")
    got = con.sql("SELECT source_action, value_returned FROM events ORDER BY 1").fetchall()
    assert got == [("reveal", True), ("server-update", None)]
    log = con.sql("SELECT records_read, events_written, duplicates FROM ingest_log").fetchall()
    assert log == [(3, 2, 1)]
