"""The AWS source through the real pipeline: batch linking, dedupe across delivery paths and
runs, redaction of STS session tokens, store fallback, and the document splitter contract for
LookupEvents / CloudTrail Lake pages."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from queries.lake import connect

CASES = Path(__file__).resolve().parents[2] / "ingest" / "sources" / "aws" / "cases"
ACCT = "111122223333"
KEY = "ASIAEXAMPLETESTKEY01"


def record(event_id: str, name: str = "GetSecretValue", **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": f"arn:aws:iam::{ACCT}:user/ci",
            "accountId": ACCT,
            "accessKeyId": KEY,
            "userName": "ci",
        },
        "eventTime": "2026-11-02T10:00:00Z",
        "eventSource": "secretsmanager.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.17.60",
        "requestParameters": {"secretId": "prod/db"},
        "responseElements": None,
        "requestID": f"req-{event_id}",
        "eventID": event_id,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCT,
    }
    rec.update(extra)
    return rec


def s3_object(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"Records": records}, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(body, mtime=0))
    return path


def events(lake: Path, columns: str = "*") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        connect(lake)
        .sql(f"SELECT {columns} FROM events ORDER BY origin_file, origin_line")
        .to_arrow_table()
        .to_pylist()
    )
    return rows


def test_batch_of_five_is_one_event_and_five_linked_reads(tmp_path: Path) -> None:
    report = run_ingest([CASES / "batch_get_secret_value" / "input"], tmp_path / "lake")
    (f,) = report.files
    assert (f.records_read, f.events_written) == (6, 6)
    rows = events(tmp_path / "lake", "event_id, source_action, action, parent_id, secret_id")
    (batch,) = [r for r in rows if r["source_action"] == "BatchGetSecretValue"]
    reads = [r for r in rows if r["action"] == "read"]
    assert len(reads) == 5
    assert batch["action"] == "other" and batch["parent_id"] is None
    assert {r["parent_id"] for r in reads} == {batch["event_id"]}
    assert len({r["secret_id"] for r in reads}) == 5


def test_per_secret_record_before_its_batch_stays_unlinked(tmp_path: Path) -> None:
    """The documented limit: linking looks back, not forward (the read is still a read)."""
    batch = record(
        "b1",
        "BatchGetSecretValue",
        requestParameters={"secretIdList": ["prod/db"]},
        requestID="shared",
    )
    child = record("c1", requestID="shared")
    first = s3_object(tmp_path / "in" / "a" / "1.json.gz", [child])
    run_ingest([first], tmp_path / "lake")
    second = s3_object(tmp_path / "in" / "b" / "2.json.gz", [batch])
    run_ingest([second], tmp_path / "lake")
    rows = {r["source_action"]: r for r in events(tmp_path / "lake")}
    assert rows["GetSecretValue"]["action"] == "read"
    assert rows["GetSecretValue"]["parent_id"] is None
    # ... whereas batch first, record later (another file, same run) links
    lake2 = tmp_path / "lake2"
    run_ingest([second, s3_object(tmp_path / "in" / "c" / "3.json.gz", [child])], lake2)
    rows = {r["source_action"]: r for r in events(lake2)}
    assert rows["GetSecretValue"]["parent_id"] == rows["BatchGetSecretValue"]["event_id"]


def test_one_event_whatever_the_delivery_path(tmp_path: Path) -> None:
    rec = record("same-event-1")
    src = tmp_path / "in"
    s3_object(src / "AWSLogs" / ACCT / "CloudTrail" / "x.json.gz", [rec])
    eb = {
        "version": "0",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.secretsmanager",
        "account": ACCT,
        "time": rec["eventTime"],
        "region": "us-east-1",
        "detail": rec,
    }
    (src / "eventbridge.jsonl").write_text(json.dumps(eb) + "\n", encoding="utf-8")
    item = {
        "EventId": rec["eventID"],
        "EventName": rec["eventName"],
        "EventTime": 1793613600.0,
        "CloudTrailEvent": json.dumps(rec),
    }
    (src / "lookup.json").write_text(json.dumps([item], indent=2), encoding="utf-8")
    cw = {"timestamp": 1793613600000, "message": json.dumps(rec)}
    (src / "cloudwatch.jsonl").write_text(json.dumps(cw) + "\n", encoding="utf-8")
    report = run_ingest([src], tmp_path / "lake")
    assert sum(f.events_written for f in report.files) == 1
    assert sum(f.duplicates for f in report.files) == 3
    (row,) = events(tmp_path / "lake", "raw")
    assert json.loads(row["raw"])["eventID"] == "same-event-1"  # the record, not its envelope


def test_reingest_of_renamed_copies_adds_nothing(tmp_path: Path) -> None:
    src = CASES / "s3_trail_delivery" / "input"
    run_ingest([src], tmp_path / "lake")
    before = events(tmp_path / "lake", "event_id")
    copy = tmp_path / "copy"
    shutil.copytree(src, copy)
    for p in copy.rglob("*.json.gz"):  # the same objects under other names, recompressed
        p.rename(p.with_name("renamed-" + p.name))
        p2 = p.with_name("renamed-" + p.name)
        p2.write_bytes(gzip.compress(gzip.decompress(p2.read_bytes()), compresslevel=9, mtime=1))
    report = run_ingest([copy], tmp_path / "lake")
    assert sum(f.events_written for f in report.files) == 0
    assert sum(f.duplicates for f in report.files) == len(before)
    assert len(events(tmp_path / "lake", "event_id")) == len(before)


def test_session_tokens_never_reach_the_lake(tmp_path: Path) -> None:
    token = "IQoJb3JpZ2luX2VjEXAMPLE" + "Q" * 80
    rec = record(
        "sts-1",
        "AssumeRole",
        eventSource="sts.amazonaws.com",
        requestParameters={"roleArn": f"arn:aws:iam::{ACCT}:role/app", "roleSessionName": "s1"},
        responseElements={
            "credentials": {
                "accessKeyId": "ASIAEXAMPLEISSUED01",
                "sessionToken": token,
                "expiration": "Nov 2, 2026, 11:00:00 AM",
            }
        },
    )
    run_ingest([s3_object(tmp_path / "in" / "sts.json.gz", [rec])], tmp_path / "lake")
    (row,) = events(tmp_path / "lake", "action, credential_id, session_id, raw")
    assert (row["action"], row["credential_id"], row["session_id"]) == (
        "login",
        "ASIAEXAMPLEISSUED01",
        "s1",
    )
    assert token not in row["raw"]
    assert "ASIAEXAMPLEISSUED01" in row["raw"]  # key ids stay: they are the join key


@pytest.mark.parametrize(("store", "expected"), [(None, "default"), ("acme-aws", "acme-aws")])
def test_store_falls_back_only_without_an_account(
    tmp_path: Path, store: str | None, expected: str
) -> None:
    no_account = record("na-1", recipientAccountId=None, userIdentity={"type": "Unknown"})
    with_account = record("wa-1")
    path = s3_object(tmp_path / "in" / "x.json.gz", [no_account, with_account])
    run_ingest([path], tmp_path / "lake", store=store)
    stores = {r["request_id"]: r["store"] for r in events(tmp_path / "lake", "request_id, store")}
    assert stores == {"req-na-1": expected, "req-wa-1": f"{ACCT}/us-east-1"}


PAGES = {
    "Events": lambda rec: {
        "Events": [
            {
                "EventId": rec["eventID"],
                "EventName": rec["eventName"],
                "EventTime": "2026-11-02T10:00:00+00:00",
                "CloudTrailEvent": json.dumps(rec),
            }
        ],
        "NextToken": "EXAMPLE",
    },
    "QueryResultRows": lambda rec: {
        "QueryStatus": "FINISHED",
        "QueryResultRows": [
            [
                {k: v if isinstance(v, str) else json.dumps(v)}
                for k, v in rec.items()
                if v is not None
            ]
        ],
    },
}


@pytest.mark.parametrize("key", sorted(PAGES))
@pytest.mark.parametrize("pretty", [True, False])
def test_api_pages_are_split_into_their_items(tmp_path: Path, key: str, pretty: bool) -> None:
    """A LookupEvents page (`Events`) or a CloudTrail Lake page (`QueryResultRows`) saved whole,
    pretty or minified: the document splitter knows the key, each item becomes an event."""
    rec = record("page-1")
    page = PAGES[key](rec)
    path = tmp_path / "in" / "page.json"
    path.parent.mkdir()
    path.write_text(json.dumps(page, indent=2 if pretty else None), encoding="utf-8")
    report = run_ingest([path], tmp_path / "lake2")
    (f,) = report.files
    assert (f.records_read, f.events_written, f.quarantined) == (1, 1, 0)
    (row,) = events(tmp_path / "lake2", "action, secret_id, event_time")
    assert row["action"] == "read"
    assert row["secret_id"] == f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db"
