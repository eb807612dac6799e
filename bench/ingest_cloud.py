"""Ingest benchmark for the cloud sources: ``keytrail ingest`` against DuckDB's raw ``read_json``.

    .venv/bin/python bench/ingest_cloud.py --source aws --events 1000000
    .venv/bin/python bench/ingest_cloud.py --source all --events 1000000   # aws, gcp, azure

For each source a seeded synthetic export in the layout users have (CloudTrail's S3 prefix of
gzip ``{"Records":[...]}`` objects, a GCS log sink of JSON lines, Azure's storage-account
``PT1H.json`` blobs) is generated (not timed). Then, in the same run, each tool is measured as the
only child of a fresh wrapper process (wall time, peak RSS, CPU): keytrail ingests the directory;
the baseline is DuckDB's own auto-detecting ``read_json`` over the same files, copied to zstd
Parquet (one row per record: CloudTrail's ``Records`` list is unnested). Throughput is input
records per second, so the ratio compares the same work; target >= 0.5. For the JSON-lines
sources (gcp, azure) a third run is a reference point: DuckDB alone doing a minimal ingest that
keeps each record's raw text (read the lines, hash and parse each with the source's shape, write
raw text and fields to zstd Parquet, one statement; no mapping, dedupe or redaction). It shows
what keeping the raw record costs the same engine on this machine. Figures also go to
``bench/out/ingest_cloud.json``. Exit status 0 when every source passes.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest_vault import keytrail_command, lake_events, measure  # noqa: E402

TARGET_RATIO = 0.5
OUT_JSON = ROOT / "bench" / "out" / "ingest_cloud.json"

# source -> (module, generator function, DuckDB query over {glob} producing one row per record)
SOURCES: dict[str, tuple[str, str, str]] = {
    "aws": (
        "ingest.synth.cloudtrail",
        "generate_cloudtrail",
        "SELECT unnest(Records) AS record FROM read_json({glob}, format='auto', "
        "maximum_object_size=1073741824, ignore_errors=true)",
    ),
    "gcp": (
        "ingest.synth.gcp",
        "generate_gcp",
        "SELECT * FROM read_json({glob}, format='newline_delimited', ignore_errors=true)",
    ),
    "azure": (
        "ingest.synth.azure",
        "generate_azure",
        "SELECT * FROM read_json({glob}, format='newline_delimited', ignore_errors=true)",
    ),
}

# A minimal raw-keeping ingest in DuckDB alone, for the JSON-lines sources: read the lines, hash
# each, parse the fields the mapping reads (the source's own shape), write the raw text and the
# parsed fields to zstd Parquet. No mapping, dedupe, redaction, partitioning or ingest log.
RAW_KEPT_SHAPES: dict[str, tuple[str, str]] = {
    "gcp": ("ingest.sources.gcp.audit", "SHAPE"),
    "azure": ("ingest.sources.azure.audit", "RESOURCE_SHAPE"),
}
RAW_KEPT_QUERY = (
    "SELECT sha256(text) AS id, from_json(text, {shape}) AS fields, text AS raw "
    "FROM read_csv({glob}, columns={{'text': 'VARCHAR'}}, delim='\\x01', quote='', escape='', "
    "header=false)"
)

BASELINE = r"""
import sys, duckdb
query, dst = sys.argv[1], sys.argv[2].replace("'", "''")
duckdb.connect().execute(f"COPY ({query}) TO '{dst}' (FORMAT parquet, COMPRESSION zstd)")
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def bench_source(name: str, events: int, work: Path, timeout: float) -> dict[str, Any]:
    module, func, query = SOURCES[name]
    generate: Callable[..., list[Path]] = getattr(importlib.import_module(module), func)
    data = work / name / "input"
    print(f"[{name}] generating {events:,} events into {data} ...", flush=True)
    files = generate(data, events=events, seed=7)
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    suffixes = sorted({"".join(f.suffixes[-2:]) if f.suffix == ".gz" else f.suffix for f in files})
    globs = [_literal(str(data / "**" / f"*{s}")) for s in suffixes]
    glob = globs[0] if len(globs) == 1 else "[" + ", ".join(globs) + "]"
    cmd = keytrail_command()
    if cmd is None:
        return {"source": name, "error": "keytrail CLI not installed"}
    lake = work / name / "lake"
    kt = measure(f"{name}-keytrail", [*cmd, "ingest", str(data), "--lake", str(lake), "-q"], work,
                 timeout)  # fmt: skip
    kt["events"] = lake_events(lake)
    base = measure(
        f"{name}-duckdb",
        [
            sys.executable,
            "-c",
            BASELINE,
            query.format(glob=glob),
            str(work / name / "base.parquet"),
        ],
        work,
        timeout,
    )
    out: dict[str, Any] = {
        "source": name,
        "records": events,
        "input_mb_on_disk": size_mb,
        "files": len(files),
        "keytrail": kt,
        "duckdb_read_json": base,
    }
    if name in RAW_KEPT_SHAPES:
        module_name, attr = RAW_KEPT_SHAPES[name]
        shape = json.dumps(getattr(importlib.import_module(module_name), attr))
        kept_query = RAW_KEPT_QUERY.format(shape=_literal(shape), glob=glob)
        kept_out = str(work / name / "raw_kept.parquet")
        kept_cmd = [sys.executable, "-c", BASELINE, kept_query, kept_out]
        out["duckdb_raw_kept"] = measure(f"{name}-raw-kept", kept_cmd, work, timeout)
    if kt.get("rc") == 0 and base.get("rc") == 0:
        out["ratio"] = base["seconds"] / kt["seconds"]
        out["pass"] = out["ratio"] >= TARGET_RATIO
        if out.get("duckdb_raw_kept", {}).get("rc") == 0:
            out["raw_kept_ratio"] = base["seconds"] / out["duckdb_raw_kept"]["seconds"]
    return out


def show(r: dict[str, Any]) -> None:
    print(f"\n[{r['source']}] {r.get('records', 0):,} records in {r.get('files', 0)} files, "
          f"{r.get('input_mb_on_disk', 0):,.1f} MB on disk")  # fmt: skip
    head = ("tool", "seconds", "records/s", "events", "peak RSS MiB", "CPU s")
    widths = (22, 9, 12, 11, 14, 8)
    print("  " + "".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in
                         enumerate(zip(head, widths, strict=True))))  # fmt: skip
    rows = [("keytrail ingest", "keytrail"), ("duckdb read_json", "duckdb_read_json")]
    if "duckdb_raw_kept" in r:
        rows.append(("duckdb, raw kept", "duckdb_raw_kept"))
    for label, key in rows:
        m = r.get(key, {})
        if m.get("rc") != 0:
            print(f"  {label:<22} -- {m.get('error', 'not run')}")
            continue
        ev = f"{m['events']:,}" if m.get("events") else "-"
        print(f"  {label:<22}{m['seconds']:>9.1f}{r['records'] / m['seconds']:>12,.0f}{ev:>11}"
              f"{m['peak_rss_mib']:>14,.0f}{m['cpu_seconds']:>8.1f}")  # fmt: skip
    if "ratio" in r:
        verdict = "PASS" if r["pass"] else "FAIL"
        print(f"  throughput ratio keytrail/baseline: {r['ratio']:.2f} "
              f"(target >= {TARGET_RATIO}): {verdict}")  # fmt: skip
    if "raw_kept_ratio" in r:
        print(
            f"  duckdb alone keeping raw text / baseline: {r['raw_kept_ratio']:.2f} "
            "(read, hash, parse, write raw + fields; no mapping, dedupe or redaction)"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--source", choices=[*SOURCES, "all"], default="all")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, help="work here (kept) instead of a temp dir")
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args(argv)
    names = list(SOURCES) if args.source == "all" else [args.source]
    results = []
    with tempfile.TemporaryDirectory(prefix="kt-bench-cloud-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name in names:
            results.append(bench_source(name, args.events, work, args.timeout))
            show(results[-1])
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {OUT_JSON}")
    return 0 if all(r.get("pass") for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
