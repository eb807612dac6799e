"""AWS helpers of macros.sql: secret ARN canonicalization, times, IPs, CloudTrail Lake rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from ingest.sources.aws.audit import install_macros

ACCT = "111122223333"
BASE = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:"


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    install_macros(c)
    yield c
    c.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> Any:
    rows = con.execute(f"SELECT {sql}", params).fetchall()
    return rows[0][0]


@pytest.mark.parametrize(
    ("ref", "name", "secret_id"),
    [
        # a bare name: the id is built from the record's region and account
        ("prod/payments/db", "prod/payments/db", BASE + "prod/payments/db"),
        # a partial ARN is the name form already
        (BASE + "prod/payments/db", "prod/payments/db", BASE + "prod/payments/db"),
        # a full ARN keeps its suffix; the name loses exactly the last 7 characters
        (BASE + "prod/payments/db-AbCdEf", "prod/payments/db", BASE + "prod/payments/db-AbCdEf"),
        # names with hyphens (FORMATS §2(d))
        (
            BASE + "DdApiKeySecret-aUFEgO4SmSGN-xqgqXR",
            "DdApiKeySecret-aUFEgO4SmSGN",
            BASE + "DdApiKeySecret-aUFEgO4SmSGN-xqgqXR",
        ),
        (
            "DdApiKeySecret-aUFEgO4SmSGN",
            "DdApiKeySecret-aUFEgO4SmSGN",
            BASE + "DdApiKeySecret-aUFEgO4SmSGN",
        ),
        # a partial ARN whose name ends like a suffix reads as a full ARN (as AWS reads it)
        (BASE + "legacy/app-config", "legacy/app", BASE + "legacy/app-config"),
        # a suffix needs exactly six letters or digits after the hyphen
        (BASE + "prod/db-AbC_Ef", "prod/db-AbC_Ef", BASE + "prod/db-AbC_Ef"),
        (BASE + "prod/db-AbCdE", "prod/db-AbCdE", BASE + "prod/db-AbCdE"),
        # the shortest full ARN: a one-character name
        (BASE + "x-AbCdEf", "x", BASE + "x-AbCdEf"),
        # other partitions keep theirs
        (
            "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/key-Zz9yY8",
            "app/key",
            "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/key-Zz9yY8",
        ),
        # not a secret ARN: no id, the text stays the name
        ("arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket", None),
        (
            f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:",
            f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:",
            None,
        ),
        ("", None, None),
        (None, None, None),
    ],
)
def test_secret_name_and_id(
    con: duckdb.DuckDBPyConnection, ref: str | None, name: str | None, secret_id: str | None
) -> None:
    assert one(con, "aws_sm_name($r)", r=ref) == name
    assert one(con, "aws_sm_id($r, 'us-east-1', $a)", r=ref, a=ACCT) == secret_id


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", "arn:aws:secretsmanager:us-east-1:111122223333:secret:db"),
        ("cn-northwest-1", "arn:aws-cn:secretsmanager:cn-northwest-1:111122223333:secret:db"),
        ("us-gov-west-1", "arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:db"),
        ("", None),
        (None, None),
    ],
)
def test_id_from_a_name_follows_the_region_partition(
    con: duckdb.DuckDBPyConnection, region: str | None, expected: str | None
) -> None:
    assert one(con, "aws_sm_id('db', $g, $a)", g=region, a=ACCT) == expected


def test_id_from_a_name_needs_an_account(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, "aws_sm_id('db', 'us-east-1', NULL)") is None
    assert one(con, "aws_sm_id('db', 'us-east-1', '')") is None


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("203.0.113.10", True),
        ("10.0.3.44", True),
        ("2001:db8::1", True),
        ("secretsmanager.amazonaws.com", False),
        ("AWS Internal", False),
        ("ec2.amazonaws.com", False),
        ("", False),
        (None, False),
    ],
)
def test_source_ip_keeps_addresses_only(
    con: duckdb.DuckDBPyConnection, value: str | None, kept: bool
) -> None:
    assert one(con, "aws_ip($v)", v=value) == (value if kept else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T10:21:07Z", datetime(2026, 11, 2, 10, 21, 7, tzinfo=UTC)),
        ("2026-11-02T05:21:07-05:00", datetime(2026, 11, 2, 10, 21, 7, tzinfo=UTC)),
        ("2026-11-02T10:21:07.123456789Z", datetime(2026, 11, 2, 10, 21, 7, 123456, tzinfo=UTC)),
        # CloudTrail Lake: no T, no zone (UTC)
        ("2026-11-02 10:21:07.000", datetime(2026, 11, 2, 10, 21, 7, tzinfo=UTC)),
        # LookupEvents EventTime in the raw API: epoch seconds, maybe with a fraction or exponent
        ("1793614867", datetime(2026, 11, 2, 10, 21, 7, tzinfo=UTC)),
        ("1793614867.5", datetime(2026, 11, 2, 10, 21, 7, 500000, tzinfo=UTC)),
        ("1.793614867E9", datetime(2026, 11, 2, 10, 21, 7, tzinfo=UTC)),
        # CloudWatch Logs timestamp: epoch milliseconds
        ("1793614867250", datetime(2026, 11, 2, 10, 21, 7, 250000, tzinfo=UTC)),
        ("02/11/2026 10:21", None),
        ("", None),
        (None, None),
    ],
)
def test_time_formats(
    con: duckdb.DuckDBPyConnection, text: str | None, expected: datetime | None
) -> None:
    got = one(con, "aws_time($t)", t=text)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == UTC.utcoffset(None)


def test_lake_row_merges_single_key_maps(con: duckdb.DuckDBPyConnection) -> None:
    row = json.dumps([{"eventID": "e1"}, {"eventTime": "2026-11-02 10:21:07.000"}, {}])
    merged = json.loads(one(con, "aws_lake_row($t)", t=row))
    assert merged == {"eventID": "e1", "eventTime": "2026-11-02 10:21:07.000"}
    assert one(con, "aws_lake_row($t)", t="[1, 2]") is None
    assert one(con, "aws_lake_row($t)", t="[]") is None
    assert one(con, "aws_lake_row($t)", t="[{]") is None


def test_lake_struct_rendering_becomes_cloudtrail_json(con: duckdb.DuckDBPyConnection) -> None:
    rendered = (
        "{type=AssumedRole, principalid=AROAEXAMPLE:i-0abc, arn=arn:aws:sts::111122223333:"
        "assumed-role/app/i-0abc, accountid=111122223333, accesskeyid=ASIAEXAMPLE, username=null, "
        "sessioncontext={attributes={creationdate=2026-11-02 09:58:00.000, "
        "mfaauthenticated=false}, sessionissuer={type=Role, principalid=AROAEXAMPLE, "
        "arn=arn:aws:iam::111122223333:role/app, "
        "accountid=111122223333, username=app}, sourceidentity=null}, invokedby=null}"
    )
    got = json.loads(one(con, "aws_lake_struct($s)", s=rendered))
    assert got["type"] == "AssumedRole"
    assert got["principalId"] == "AROAEXAMPLE:i-0abc"
    assert got["userName"] is None
    issuer = got["sessionContext"]["sessionIssuer"]
    assert issuer == {
        "type": "Role",
        "principalId": "AROAEXAMPLE",
        "arn": "arn:aws:iam::111122223333:role/app",
        "accountId": "111122223333",
        "userName": "app",
    }
    assert got["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"
    # a map column keeps its keys; JSON text passes through
    assert json.loads(one(con, "aws_lake_struct($s)", s="{secretId=prod/db}")) == {
        "secretId": "prod/db"
    }
    assert one(con, "aws_lake_struct($s)", s='{"a": 1}') == '{"a": 1}'
    assert one(con, "aws_lake_struct($s)", s="null") is None
