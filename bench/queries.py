"""Query benchmark: every catalogue query on a large lake, and against raw JSON in the same run.

    .venv/bin/python bench/queries.py                          # 100M-event lake, 10M-event slice
    .venv/bin/python bench/queries.py --events 20000000 --slice-events 2000000 --work /tmp/kq

1. A synthetic lake of ``--events`` events (``ingest.synth.lake``: every manager, Zipf skew,
   office hours, one planted incident) is built once under ``--work`` (kept between runs; not
   timed here, its build time is printed). Every catalogue query runs on it through the same
   read-only connection ``keytrail query`` uses: one warm-up, then the median of ``--runs``.
2. A slice of ``--slice-events`` events is built the same way and kept twice: as a lake, and as
   raw JSON lines (one object per event, the lake's columns). The same question then runs on
   both: on the lake, and with ``events`` defined over DuckDB's ``read_json`` of the JSON files
   (the way analysts query exported logs today) and the rollups computed from those events by
   the SELECT ingest runs. Queries that read rollups for whole days and events only at their
   window's edges run on the raw side in their one-pass events-only form
   (``tests/queries/reference/``), the cheaper way to ask there. The JSON is the normalized
   form, which favours the baseline: no per-vendor field extraction is needed. Both sides fetch
   the answer as Arrow. Ratio = raw JSON time / lake time; row counts are compared.

Targets (issue 5): who-read-secret, principal-activity and credential-blast-radius <= 300 ms on
the big lake; whole-lake aggregates (access-pairs, top-secrets, daily-volume) <= 1 s; on the slice
those three >= 100x faster than raw JSON and every other query >= 30x. Figures also go to
``bench/out/queries.json``. Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import schema as lake_schema  # noqa: E402
from ingest.lake import Lake  # noqa: E402
from ingest.rollups import ROLLUPS, backfill_rollups, rollup_sql  # noqa: E402
from ingest.synth.lake import build_lake  # noqa: E402
from queries import catalogue  # noqa: E402
from queries.lake import VIEWS, connect, view_sql  # noqa: E402

OUT_JSON = ROOT / "bench" / "out" / "queries.json"
POINT = ("who-read-secret", "principal-activity", "credential-blast-radius")
WHOLE_LAKE = ("access-pairs", "top-secrets", "daily-volume")
POINT_MS, WHOLE_MS, POINT_RATIO, OTHER_RATIO = 300.0, 1000.0, 100.0, 30.0
LAST_DAY = datetime(2026, 11, 20, tzinfo=UTC)  # the synthetic lake ends on 2026-11-19

# The rollups, as an analyst without them computes them from the events (the same SELECT
# ingest runs, over every event).
ROLLUP_VIEWS = {t: rollup_sql(t, "events").replace("$ingest_id", "'raw'") for t in ROLLUPS}
# Queries that read rollups for whole days and events only at the window's edges: on raw JSON an
# analyst asks the same question in one pass over the events, as these queries did before the
# rollups existed (kept as the test oracle); that single pass is the baseline.
REFERENCE = ROOT / "tests" / "queries" / "reference"


def pick_params(con: duckdb.DuckDBPyConnection, query: catalogue.Query) -> dict[str, Any]:
    """Realistic parameters: the busiest secret and principal, the planted incident's credential
    and leak, the last week as the window."""
    busiest_secret = con.sql(
        "SELECT secret_id FROM rollup_pairs WHERE action = 'read' AND source = 'vault' "
        "GROUP BY 1 ORDER BY sum(events) DESC LIMIT 1"
    ).fetchall()[0][0]
    busy_principal = con.sql(
        "SELECT principal_id FROM rollup_daily WHERE source = 'aws' "
        "GROUP BY 1 ORDER BY sum(events) DESC LIMIT 1 OFFSET 10"
    ).fetchall()[0][0]
    leak = con.sql("SELECT leak_id FROM leaks LIMIT 1").fetchall()
    by_name: dict[str, Any] = {
        "secret": busiest_secret,
        "principal": busy_principal,
        "credential": "cred-incident",
        "credential_id": "cred-incident",
        "leak": leak[0][0] if leak else None,
        "leak_id": leak[0][0] if leak else None,
        "from": (LAST_DAY - timedelta(days=7)).isoformat(),
        "to": LAST_DAY.isoformat(),
        "since": (LAST_DAY - timedelta(days=7)).isoformat(),
    }
    params: dict[str, Any] = {}
    for p in query.params:
        value = by_name.get(p.name)
        if value is None:
            continue
        params[p.name] = value[:10] if p.type == "date" else value
    if query.one_of:  # e.g. credential OR leak: give the first alternative only
        for group in query.one_of:
            for extra in group[1:]:
                params.pop(extra, None)
    if query.id in ("daily-volume",):
        params.pop("from", None)
        params.pop("to", None)
    return params


def time_query(
    con: duckdb.DuckDBPyConnection, query: catalogue.Query, params: dict[str, Any], runs: int
) -> tuple[float, int]:
    """Median wall milliseconds over ``runs`` after one warm-up, and the row count. The answer
    is fetched as an Arrow table, the columnar form the dashboards and ``--format parquet``
    consume (Python tuples would add the same per-row cost to both sides of a ratio)."""
    rows = catalogue.run(con, query, params).to_arrow_table().num_rows
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        catalogue.run(con, query, params).to_arrow_table()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), rows


def ensure_lake(path: Path, events: int, days: int) -> float:
    """Build the synthetic lake unless a complete one is there; returns build seconds (0: kept)."""
    done = path / "_keytrail" / "bench-complete"
    if done.exists() and json.loads(done.read_text())["events"] == events:
        # Kept from an older keytrail: derive rollup tables added since, as an ingest would.
        backfill_rollups(duckdb.connect(), Lake.open(path))
        return 0.0
    if path.exists():
        shutil.rmtree(path)
    t0 = time.perf_counter()

    def progress(day: int, total: int) -> None:
        print(f"\r  building {path.name}: day {day}/{total}", end="", flush=True)

    build_lake(path, events, days=days, progress=progress)
    print()
    seconds = time.perf_counter() - t0
    done.write_text(json.dumps({"events": events, "build_seconds": seconds}))
    return seconds


def export_json(lake: Path, out: Path) -> float:
    """The slice's events as JSON lines; returns the size in GB."""
    if not (out / "done").exists():
        out.mkdir(parents=True, exist_ok=True)
        unlocked = duckdb.connect()
        unlocked.execute("SET TimeZone = 'UTC'")
        unlocked.execute(f"CREATE VIEW events AS {view_sql(Lake.open(lake), 'events')}")
        unlocked.execute(
            f"COPY (SELECT * FROM events) TO '{out}/events' (FORMAT json, PER_THREAD_OUTPUT true)"
        )
        (out / "done").write_text("ok")
    return sum(f.stat().st_size for f in out.rglob("*.json")) / 1e9


def raw_connection(lake: Path, json_dir: Path) -> duckdb.DuckDBPyConnection:
    """Views like the lake's, but ``events`` (and the rollups) read the raw JSON every time."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    root = Lake.open(lake)
    spec = lake_schema.load()["events"]
    columns = ", ".join(f"'{c.name}': '{lake_schema.DUCKDB_TYPES[c.type]}'" for c in spec.columns)
    pattern = str(json_dir / "**" / "*.json")
    con.execute(
        f"CREATE VIEW events AS SELECT * FROM read_json('{pattern}', "
        f"format = 'newline_delimited', columns = {{{columns}}})"
    )
    for table in lake_schema.load().tables:
        if table == "events":
            continue
        body = ROLLUP_VIEWS.get(table) or view_sql(root, table)
        con.execute(f"CREATE VIEW {table} AS {body}")
    for view in sorted(VIEWS.glob("*.sql")):
        con.execute(f"CREATE VIEW {view.stem} AS {view.read_text(encoding='utf-8')}")
    return con


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--slice-events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median)")
    parser.add_argument("--raw-runs", type=int, default=3, help="timed runs on raw JSON")
    parser.add_argument("--work", type=Path, default=Path("/tmp/keytrail-bench-queries"))
    parser.add_argument("--skip-raw", action="store_true", help="only the big lake")
    args = parser.parse_args(argv)
    queries = catalogue.load()
    results: dict[str, Any] = {"events": args.events, "slice_events": args.slice_events}
    ok = True

    big = args.work / f"lake-{args.events}"
    built = ensure_lake(big, args.events, args.days)
    print(f"lake: {args.events:,} events in {big} (built in {built:.0f} s; 0 = reused)")
    con = connect(big)
    print(f"\n{'query':28} {'median ms':>10} {'rows':>8}  target")
    results["lake"] = {}
    for qid, query in sorted(queries.items()):
        params = pick_params(con, query)
        try:
            ms, rows = time_query(con, query, params, args.runs)
        except (duckdb.Error, catalogue.CatalogueError) as exc:
            print(f"{qid:28} error: {exc}")
            results["lake"][qid] = {"error": str(exc)}
            ok = False
            continue
        target = POINT_MS if qid in POINT else WHOLE_MS if qid in WHOLE_LAKE else None
        verdict = "" if target is None else ("PASS" if ms <= target else "FAIL")
        ok &= verdict != "FAIL"
        print(
            f"{qid:28} {ms:10.1f} {rows:8,}  {f'<= {target:.0f} ms ' + verdict if target else ''}"
        )
        results["lake"][qid] = {"median_ms": ms, "rows": rows, "params": params}

    if not args.skip_raw:
        small = args.work / f"slice-{args.slice_events}"
        ensure_lake(small, args.slice_events, args.days)
        gb = export_json(small, args.work / f"slice-{args.slice_events}-json")
        print(f"\nslice: {args.slice_events:,} events; raw JSON lines {gb:.1f} GB")
        lake_con, raw_con = (
            connect(small),
            raw_connection(small, args.work / f"slice-{args.slice_events}-json"),
        )
        print(f"\n{'query':28} {'lake ms':>9} {'raw ms':>10} {'ratio':>8}  target")
        results["slice"] = {}
        for qid, query in sorted(queries.items()):
            params = pick_params(lake_con, query)
            try:
                lake_ms, rows = time_query(lake_con, query, params, args.runs)
                reference = REFERENCE / f"{qid}.sql"
                raw_query = (
                    dataclasses.replace(query, sql=reference.read_text(encoding="utf-8"))
                    if reference.is_file()
                    else query
                )
                raw_ms, raw_rows = time_query(raw_con, raw_query, params, args.raw_runs)
            except (duckdb.Error, catalogue.CatalogueError) as exc:
                print(f"{qid:28} error: {exc}")
                results["slice"][qid] = {"error": str(exc)}
                ok = False
                continue
            ratio = raw_ms / lake_ms if lake_ms else float("inf")
            target = POINT_RATIO if qid in POINT else OTHER_RATIO
            verdict = "PASS" if ratio >= target else "FAIL"
            ok &= verdict == "PASS"
            same = "" if rows == raw_rows else f" (rows differ: {rows} vs {raw_rows})"
            print(
                f"{qid:28} {lake_ms:9.1f} {raw_ms:10.1f} {ratio:7.0f}x"
                f"  >= {target:.0f}x {verdict}{same}"
            )
            results["slice"][qid] = {
                "lake_ms": lake_ms,
                "raw_ms": raw_ms,
                "ratio": ratio,
                "rows": rows,
            }

    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\n{'PASS' if ok else 'FAIL'}; figures in {OUT_JSON.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
