"""The forensic query catalogue: ``queries/forensic/<id>.sql`` + ``<id>.yml``, loaded and checked.

A sidecar declares the title, what the query can and cannot conclude, typed parameters, the result
columns and given/expect tests. Loading checks every sidecar strictly (unknown keys, missing fields,
parameter types, defaults, that every ``$name`` in the SQL is declared and every declared parameter
is used). Values reach DuckDB only as bound parameters (``$name``), never formatted into SQL.

Parameter types: ``string``, ``secret`` (a string resolved to one canonical ``secret_id`` before
the query runs, see :func:`resolve_secret`), ``timestamp`` (ISO 8601, a date, ``now`` or
``now-7d``; UTC when no offset is given), ``date``, ``int``, ``float``, ``interval`` (``90d``,
``12h``, ``30m``, ``45s``, ``2w``, ``7 days``) and ``bool``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from queries.lake import Span
from queries.lake import scoped as lake_scoped

FORENSIC = Path(__file__).with_name("forensic")
PARAM_TYPES = ("string", "secret", "timestamp", "date", "int", "float", "interval", "bool")

_SIDECAR_KEYS = {"title": True, "description": True, "params": False, "one_of": False}
_SIDECAR_KEYS |= {"events_window": False}
_SIDECAR_KEYS |= {"columns": True, "tests": True}
_PARAM_KEYS = {"name": True, "type": True, "doc": True, "required": False, "default": False}
_COLUMN_KEYS = {"name": True, "doc": True}
_TEST_KEYS = {"name": True, "given": True, "expect": True, "params": False}
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_INTERVAL = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|w|weeks?)\s*$"
)


class CatalogueError(ValueError):
    """A user or sidecar error, as one line that says what to do."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    doc: str
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Case:
    name: str
    given: dict[str, list[dict[str, Any]]]
    expect: list[dict[str, Any]]
    params: dict[str, Any]


@dataclass(frozen=True)
class Query:
    id: str
    title: str
    description: str
    params: tuple[Param, ...]
    one_of: tuple[tuple[str, ...], ...]
    columns: tuple[tuple[str, str], ...]
    tests: tuple[Case, ...]
    sql: str
    path: Path
    # Timestamp parameters bounding every event the query can match ("from", "to", and an
    # interval "before" the start it also reads; "rollup_days": "lookback" or "all" when whole
    # days of the lookback, or of both periods, come from rollups and only the edge days from
    # events): the run binds only those days' files (queries.lake.scoped). The SQL must filter
    # event_date as narrowly itself.
    events_window: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# -- parsing values ---------------------------------------------------------------------------


def parse_interval(text: str) -> timedelta:
    m = _INTERVAL.match(text.lower())
    if not m:
        raise ValueError("expected an interval such as 90d, 12h, 30m, 45s, 2w or '7 days'")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)[0]])


def parse_timestamp(text: str) -> datetime:
    text = text.strip()
    if text.lower().startswith("now"):
        rest = text[3:].strip()
        now = datetime.now(UTC)
        if not rest:
            return now
        if rest[0] in "+-":
            delta = parse_interval(rest[1:])
            return now - delta if rest[0] == "-" else now + delta
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "expected an ISO 8601 time (2026-03-01T09:00:00Z), a date, now or now-7d"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_value(kind: str, value: object) -> object:
    """Parse one parameter value (CLI text, or a YAML scalar in a sidecar) to its Python type."""
    if value is None:
        return None
    if kind == "timestamp" and isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if kind == "timestamp" and isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, bool) and kind != "bool":
        raise ValueError(f"expected {kind}, not a boolean")
    text = str(value).strip()
    if kind in ("string", "secret"):
        return str(value)
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError("expected a whole number") from None
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError("expected a number") from None
    if kind == "bool":
        if text.lower() in ("true", "yes", "1"):
            return True
        if text.lower() in ("false", "no", "0"):
            return False
        raise ValueError("expected true or false")
    if kind == "interval":
        return parse_interval(text)
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("expected a date such as 2026-03-01") from None
    return parse_timestamp(text)


# -- loading and checking sidecars ------------------------------------------------------------


def _keys(where: str, raw: object, spec: Mapping[str, bool]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(spec)}")
    missing = [k for k, needed in spec.items() if needed and k not in raw]
    if missing:
        raise CatalogueError(f"{where}: missing {missing}")
    return raw


def _list(where: str, raw: object) -> list[Any]:
    if not isinstance(raw, list):
        raise CatalogueError(f"{where}: expected a list")
    return raw


def _param(where: str, raw: object) -> Param:
    d = _keys(where, raw, _PARAM_KEYS)
    if d["type"] not in PARAM_TYPES:
        raise CatalogueError(f"{where}: type {d['type']!r} is not one of {list(PARAM_TYPES)}")
    if d.get("required") and d.get("default") is not None:
        raise CatalogueError(f"{where}: a required parameter has no default")
    try:
        parse_value(d["type"], d.get("default"))
    except ValueError as exc:
        raise CatalogueError(f"{where}: default {d.get('default')!r}: {exc}") from None
    return Param(d["name"], d["type"], d["doc"], bool(d.get("required")), d.get("default"))


def _mapping(where: str, raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    return raw


def _case(where: str, raw: object) -> Case:
    d = _keys(where, raw, _TEST_KEYS)
    given = _mapping(f"{where}.given", d["given"] or {})
    for table, rows in given.items():
        for i, row in enumerate(_list(f"{where}.given.{table}", rows)):
            _mapping(f"{where}.given.{table}[{i}]", row)
    expect = _list(f"{where}.expect", d["expect"])
    for i, row in enumerate(expect):
        _mapping(f"{where}.expect[{i}]", row)
    return Case(str(d["name"]), given, expect, _mapping(f"{where}.params", d.get("params") or {}))


def load_query(sidecar: Path) -> Query:
    """Load and check one ``<id>.yml`` with its ``<id>.sql``."""
    where = f"{sidecar.parent.name}/{sidecar.name}"
    sql_path = sidecar.with_suffix(".sql")
    if not sql_path.is_file():
        raise CatalogueError(f"{where}: no {sql_path.name} next to it")
    try:
        raw = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML: {str(exc).splitlines()[0]}") from None
    d = _keys(where, raw, _SIDECAR_KEYS)
    params = tuple(_param(f"{where}: params[{i}]", p) for i, p in enumerate(d.get("params") or []))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{where}: parameter names repeat: {names}")
    sql = sql_path.read_text(encoding="utf-8")
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    used = set(_PLACEHOLDER.findall(code))
    if used != set(names):
        raise CatalogueError(
            f"{where}: SQL uses {sorted(used)} but the sidecar declares {sorted(names)}"
        )
    one_of = tuple(tuple(g) for g in _list(f"{where}: one_of", d.get("one_of") or []))
    for group in one_of:
        if not set(group) <= set(names):
            raise CatalogueError(f"{where}: one_of names unknown parameters {list(group)}")
    window = _mapping(f"{where}: events_window", d.get("events_window") or {})
    for bound, name in window.items():
        p = next((p for p in params if p.name == name), None)
        kind = "interval" if bound == "before" else "timestamp"
        if bound == "rollup_days" and name in ("lookback", "all") and "before" in window:
            continue
        if bound not in ("from", "to", "before") or p is None or p.type != kind:
            raise CatalogueError(
                f"{where}: events_window maps 'from'/'to' to timestamp parameters, 'before' "
                f"to an interval parameter and 'rollup_days' (with 'before') to lookback or "
                f"all, not {bound}: {name}"
            )
    cols = [_keys(f"{where}: columns[{i}]", c, _COLUMN_KEYS) for i, c in enumerate(d["columns"])]
    tests = tuple(_case(f"{where}: tests[{i}]", t) for i, t in enumerate(_list(where, d["tests"])))
    if not tests:
        raise CatalogueError(f"{where}: at least one given/expect test is required")
    query = Query(
        id=sidecar.stem,
        title=str(d["title"]),
        description=str(d["description"]),
        params=params,
        one_of=one_of,
        columns=tuple((str(c["name"]), str(c["doc"])) for c in cols),
        tests=tests,
        sql=sql,
        path=sql_path,
        events_window=tuple((str(k), str(v)) for k, v in window.items()),
    )
    for i, case in enumerate(tests):  # test parameters must be valid too
        try:
            bind(query, case.params)
        except CatalogueError as exc:
            raise CatalogueError(f"{where}: tests[{i}]: {exc}") from None
    return query


@cache
def load(directory: Path = FORENSIC) -> dict[str, Query]:
    """Every query of the catalogue by id; raises ``CatalogueError`` on the first bad sidecar."""
    queries = [load_query(p) for p in sorted(directory.glob("*.yml"))]
    orphans = {p.stem for p in directory.glob("*.sql")} - {q.id for q in queries}
    if orphans:
        raise CatalogueError(f"{directory.name}: SQL without a sidecar: {sorted(orphans)}")
    return {q.id: q for q in queries}


def get(query_id: str, directory: Path = FORENSIC) -> Query:
    queries = load(directory)
    if query_id in queries:
        return queries[query_id]
    close = difflib.get_close_matches(query_id, list(queries), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see `keytrail query --list`"
    raise CatalogueError(f"unknown query {query_id!r}; {hint}")


# -- binding ----------------------------------------------------------------------------------


def parse_assignments(query: Query, pairs: Sequence[str]) -> dict[str, str]:
    """``["key=value", ...]`` from ``--param`` to a mapping, with friendly errors."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CatalogueError(f"--param {pair!r}: expected key=value")
        if query.param(key) is None:
            known = [p.name for p in query.params]
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"it takes {known or 'none'}"
            raise CatalogueError(f"{query.id}: unknown parameter {key!r}; {hint}")
        if key in values:
            raise CatalogueError(f"{query.id}: parameter {key!r} given twice")
        values[key] = value
    return values


def bind(query: Query, given: Mapping[str, object]) -> dict[str, object]:
    """Typed values for every declared parameter (defaults filled, required ones checked)."""
    for key in given:
        if query.param(key) is None:
            raise CatalogueError(f"{query.id}: unknown parameter {key!r}")
    values: dict[str, object] = {}
    for p in query.params:
        raw = given.get(p.name, p.default)
        if raw is None and p.required:
            raise CatalogueError(
                f"{query.id}: missing required parameter {p.name} ({p.type}): "
                f"add --param {p.name}=... ({p.doc})"
            )
        try:
            values[p.name] = parse_value(p.type, raw)
        except ValueError as exc:
            raise CatalogueError(f"{query.id}: parameter {p.name}={raw!r}: {exc}") from None
    for group in query.one_of:
        if sum(values[n] is not None for n in group) != 1:
            raise CatalogueError(f"{query.id}: give exactly one of {', '.join(group)}")
    return values


# -- running ----------------------------------------------------------------------------------


def resolve_secret(
    con: duckdb.DuckDBPyConnection, text: str, since: object = None, until: object = None
) -> str:
    """One canonical ``secret_id`` for what the analyst typed.

    Rule: an exact ``secret_id`` wins. Otherwise the ids (inventory, and events between ``since``
    and ``until`` when given) whose display name equals the text, or whose id ends with it at a
    ``/`` or ``:`` boundary. One match is used; several are an error listing them; none leaves the
    text as it is (the query then finds nothing).
    """
    # Small tables first; the events scan (pruned on the sort key) only when they miss.
    for table in ("secrets", "rollup_pairs", "events"):
        sql = f"SELECT 1 FROM {table} WHERE secret_id = $p LIMIT 1"
        if con.execute(sql, {"p": text}).fetchall():
            return text
    lo = since.date() if isinstance(since, datetime) else date(1970, 1, 1)
    hi = until.date() if isinstance(until, datetime) else date(9999, 12, 31)
    rows = con.execute(
        """
        SELECT DISTINCT secret_id FROM (
            SELECT secret_id, secret_name FROM secrets
            UNION ALL
            SELECT DISTINCT secret_id, secret_name FROM events
            WHERE event_date BETWEEN $lo AND $hi AND secret_id IS NOT NULL
        )
        WHERE secret_name = $p OR suffix(secret_id, '/' || $p) OR suffix(secret_id, ':' || $p)
        ORDER BY secret_id LIMIT 6
        """,
        {"p": text, "lo": lo, "hi": hi},
    ).fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    if len(rows) > 1:
        names = ", ".join(str(r[0]) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise CatalogueError(f"secret {text!r} is ambiguous ({names}); pass the full secret_id")
    return text


def _day(value: object) -> date | None:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else None


def event_spans(query: Query, values: Mapping[str, object]) -> list[Span]:
    """The days whose event files a run of ``query`` with bound ``values`` may read (see the
    sidecar's ``events_window``); ``[]`` when the query does not declare them."""
    window = dict(query.events_window)
    if not window:
        return []
    start, end = values.get(window.get("from", "")), values.get(window.get("to", ""))
    before = values.get(window.get("before", ""))
    first, last = _day(start), _day(end)
    if not isinstance(start, datetime) or not isinstance(before, timedelta):
        return [(first, last)]
    edge = _day(start - before)  # the lookback's first day, cut by its start
    if window.get("rollup_days") == "lookback":  # whole lookback days come from rollups
        return [(edge, edge), (first, last)]
    if window.get("rollup_days") == "all" and last is not None:  # and whole window days too
        return [(edge, edge), (first, first), (last, last)]
    return [(edge, last)]


def run(
    con: duckdb.DuckDBPyConnection, query: Query, given: Mapping[str, object]
) -> duckdb.DuckDBPyRelation:
    """Bind ``given`` (text or typed values) and return the query's relation over ``con``."""
    values = bind(query, given)
    for p in query.params:
        if p.type == "secret" and values[p.name] is not None:
            window = (values.get("from"), values.get("to"))
            values[p.name] = resolve_secret(con, str(values[p.name]), *window)
    return lake_scoped(con, event_spans(query, values)).sql(query.sql, params=values)
