"""The catalogue loader, parameter parsing and binding, secret resolution, and SQL injection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from queries import catalogue
from queries.catalogue import CatalogueError
from tests.queries.given import build

WINDOW = {"from": "2026-03-01T00:00:00Z", "to": "2026-03-08T00:00:00Z"}
SIDECAR = """\
title: T
description: D
params:
  - {name: who, type: string, required: true, doc: w}
columns:
  - {name: n, doc: c}
tests:
  - {name: t, params: {who: x}, given: {}, expect: []}
"""


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("string", " a b ", " a b "),
        ("int", "42", 42),
        ("float", "0.5", 0.5),
        ("bool", "yes", True),
        ("bool", "0", False),
        ("date", "2026-03-01", date(2026, 3, 1)),
        ("timestamp", "2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("timestamp", "2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, tzinfo=UTC)),
        ("timestamp", "2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("interval", "90d", timedelta(days=90)),
        ("interval", "7 days", timedelta(days=7)),
        ("interval", "12h", timedelta(hours=12)),
        ("interval", "30m", timedelta(minutes=30)),
        ("interval", "2w", timedelta(weeks=2)),
    ],
)
def test_parse_value(kind: str, text: str, value: object) -> None:
    assert catalogue.parse_value(kind, text) == value


def test_relative_timestamps() -> None:
    before = datetime.now(UTC)
    got = catalogue.parse_value("timestamp", "now-7d")
    assert isinstance(got, datetime)
    assert before - timedelta(days=7, seconds=5) < got <= datetime.now(UTC) - timedelta(days=7)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("int", "4.5"),
        ("float", "x"),
        ("bool", "maybe"),
        ("date", "March"),
        ("timestamp", "yesterday"),
        ("interval", "7 fortnights"),
        ("int", True),
    ],
)
def test_ill_typed_values_are_refused(kind: str, text: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        catalogue.parse_value(kind, text)


def _write(tmp_path: Path, yml: str, sql: str = "SELECT $who AS n") -> Path:
    (tmp_path / "q.yml").write_text(yml)
    (tmp_path / "q.sql").write_text(sql)
    return tmp_path / "q.yml"


def test_a_good_sidecar_loads(tmp_path: Path) -> None:
    q = catalogue.load_query(_write(tmp_path, SIDECAR))
    assert (q.id, q.params[0].name, q.columns) == ("q", "who", (("n", "c"),))


@pytest.mark.parametrize(
    ("yml", "sql", "message"),
    [
        (SIDECAR + "owner: me\n", None, "unknown key"),
        (SIDECAR.replace("title: T\n", ""), None, "missing ['title']"),
        (SIDECAR.replace("type: string", "type: text"), None, "type 'text' is not one of"),
        (SIDECAR.replace("doc: w}", "doc: w, hint: h}"), None, "unknown key(s) ['hint']"),
        (SIDECAR, "SELECT $who, $whom AS n", "SQL uses ['who', 'whom']"),
        (SIDECAR, "SELECT 1 AS n -- $who only in a comment", "SQL uses []"),
        (SIDECAR.replace("required: true", "required: true, default: a"), None, "no default"),
        (
            SIDECAR.replace("type: string, required: true", "type: int, default: x"),
            None,
            "default 'x'",
        ),
        (SIDECAR.replace("params: {who: x}", "params: {whom: x}"), None, "unknown parameter"),
        (
            SIDECAR.replace("  - {name: t, params: {who: x}, given: {}, expect: []}\n", "  []\n"),
            None,
            "at least one",
        ),
        (SIDECAR.replace("{name: t,", "{"), None, "missing ['name']"),
        ("title: [", None, "not valid YAML"),
        (SIDECAR + "events_window: {from: who}\n", None, "events_window maps"),
        (SIDECAR + "events_window: {since: who}\n", None, "events_window maps"),
        (SIDECAR + "events_window: {rollup_days: all}\n", None, "events_window maps"),
    ],
)
def test_bad_sidecars_name_the_file_and_the_problem(
    tmp_path: Path, yml: str, sql: str | None, message: str
) -> None:
    path = _write(tmp_path, yml, sql or "SELECT $who AS n")
    with pytest.raises(CatalogueError, match=r"q\.yml") as info:
        catalogue.load_query(path)
    assert message in str(info.value)


def test_sql_without_sidecar_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, SIDECAR)
    (tmp_path / "stray.sql").write_text("SELECT 1")
    with pytest.raises(CatalogueError, match="stray"):
        catalogue.load(tmp_path)


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(CatalogueError, match="did you mean who-read-secret"):
        catalogue.get("who-reads-secret")


def test_assignments_and_binding_errors() -> None:
    q = catalogue.get("who-read-secret")
    assert catalogue.parse_assignments(q, ["secret=a=b", "from=2026-03-01"]) == {
        "secret": "a=b",
        "from": "2026-03-01",
    }
    for pairs, message in [
        (["secret"], "expected key=value"),
        (["secrte=a"], "did you mean secret?"),
        (["secret=a", "secret=b"], "given twice"),
    ]:
        with pytest.raises(CatalogueError, match=message):
            catalogue.parse_assignments(q, pairs)
    with pytest.raises(CatalogueError, match="missing required parameter from"):
        catalogue.bind(q, {"secret": "a"})
    with pytest.raises(CatalogueError, match="parameter from='soon'"):
        catalogue.bind(q, {"secret": "a", "from": "soon"})
    bound = catalogue.bind(q, {"secret": "a", "from": "2026-03-01"})
    assert isinstance(bound["to"], datetime)  # default: now
    blast = catalogue.get("credential-blast-radius")
    with pytest.raises(CatalogueError, match="exactly one of credential, leak"):
        catalogue.bind(blast, {"credential": "a", "leak": "b"})


SECRETS = {
    "events": [
        {
            "event_time": "2026-03-02T10:00:00Z",
            "secret_id": "vault://prod/secret/app/db",
            "secret_name": "app/db",
            "principal_id": "ent-a",
        },
        {
            "event_time": "2026-03-02T10:00:00Z",
            "secret_id": "vault://stage/secret/app/db",
            "secret_name": "app/db",
            "principal_id": "ent-b",
        },
        {
            "event_time": "2026-03-02T10:00:00Z",
            "principal_id": "ent-c",
            "secret_id": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api-AbCdEf",
            "secret_name": "prod/api",
        },
    ]
}


def test_secret_matching_rule(tmp_path: Path) -> None:
    con = build(tmp_path / "lake", SECRETS)
    resolve = catalogue.resolve_secret
    assert resolve(con, "vault://prod/secret/app/db") == "vault://prod/secret/app/db"
    assert resolve(con, "prod/secret/app/db") == "vault://prod/secret/app/db"  # id suffix
    aws = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api-AbCdEf"
    assert resolve(con, "prod/api") == aws  # display name
    assert resolve(con, "prod/api-AbCdEf") == aws  # suffix after ':'
    assert resolve(con, "nothing/like/it") == "nothing/like/it"  # kept: finds nothing
    with pytest.raises(CatalogueError, match=r"ambiguous.*prod.*stage"):
        resolve(con, "app/db")
    with pytest.raises(CatalogueError, match="ambiguous"):
        catalogue.run(con, catalogue.get("who-read-secret"), {"secret": "db", **WINDOW})


@pytest.mark.parametrize(
    "evil",
    ["x' OR 1=1 --", "' OR '1'='1", "vault://prod/secret/app/db' OR 'a'='a", "$secret", "%"],
)
def test_parameters_cannot_inject_sql(tmp_path: Path, evil: str) -> None:
    con = build(tmp_path / "lake", SECRETS)
    who = catalogue.get("who-read-secret")
    assert catalogue.run(con, who, {"secret": evil, **WINDOW}).fetchall() == []
    activity = catalogue.get("principal-activity")
    assert catalogue.run(con, activity, {"principal": evil, **WINDOW}).fetchall() == []
    # the literal value still works, so the empty results above are not an accident
    ok = catalogue.run(con, who, {"secret": "vault://prod/secret/app/db", **WINDOW}).fetchall()
    assert len(ok) == 1


# Ten days of events; every windowed query must answer the same through the narrowed view.
_SECRET, _PRINCIPAL, _CRED = "vault://prod/secret/app/db", "ent-ci", "acc-ci"
_SPREAD = {
    "events": [
        {
            "event_time": f"2026-03-{day:02d}T{hour:02d}:{minute:02d}:00Z",
            "secret_id": _SECRET,
            "principal_id": _PRINCIPAL,
            "credential_id": _CRED,
            "outcome": "denied" if hour == 23 else "success",  # a burst of 5 every night
            "lease_id": f"lease-{day}-{hour}-{minute}",
        }
        for day in range(1, 11)
        for hour, minutes in ((0, (30,)), (11, (30,)), (23, (30, 31, 32, 33, 34)))
        for minute in minutes
    ]
    # day 5: a first read of another secret, at 04:00, from an address never seen before
    + [
        {
            "event_time": "2026-03-05T04:00:00Z",
            "secret_id": "vault://prod/secret/app/new",
            "principal_id": _PRINCIPAL,
            "credential_id": _CRED,
            "source_ip": "203.0.113.9",
        }
    ]
}


def test_windowed_queries_read_only_their_days_and_answer_the_same(tmp_path: Path) -> None:
    from queries.lake import scoped

    con = build(tmp_path / "lake", _SPREAD)
    windowed = [q for q in catalogue.load().values() if q.events_window]
    assert {q.id for q in windowed} >= {"who-read-secret", "principal-activity"}
    # the window ends inside a day: that day's partition must still be read
    window = {"from": "2026-03-03T12:00:00Z", "to": "2026-03-06T12:00:00Z"}
    offered = {"secret": _SECRET, "principal": _PRINCIPAL, "credential": _CRED, **window}
    offered |= {"since": window["from"], "lookback": "30d", "min_baseline": 5}
    for query in windowed:
        params = {p.name: offered[p.name] for p in query.params if p.name in offered}
        narrowed = catalogue.run(con, query, params).fetchall()
        values = catalogue.bind(query, params)
        everything = con.sql(query.sql, params=values).fetchall()
        assert narrowed == everything, query.id
        assert narrowed, f"{query.id}: the case must match something to prove anything"
    cursor = scoped(con, [(date(2026, 3, 3), date(2026, 3, 6))])
    assert cursor is not con
    assert cursor.sql("SELECT count(*) FROM events").fetchall() == [(29,)]  # 4 days x 7 + 1
    assert con.sql("SELECT count(*) FROM events").fetchall() == [(71,)]  # others see all
    assert scoped(con, [(None, None)]) is con
    assert scoped(con, [(date(2026, 1, 1), None)]) is con  # nothing to leave out
    edges = scoped(con, [(date(2026, 3, 1), date(2026, 3, 1)), (date(2026, 3, 9), None)])
    assert edges.sql("SELECT DISTINCT event_date FROM events ORDER BY 1").fetchall() == [
        (date(2026, 3, 1),),
        (date(2026, 3, 9),),
        (date(2026, 3, 10),),
    ]
