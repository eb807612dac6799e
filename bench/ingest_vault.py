"""Ingest benchmark: ``keytrail ingest`` against DuckDB's own ``read_json`` -> Parquet.

    .venv/bin/python bench/ingest_vault.py --lines 2000000          # make bench
    .venv/bin/python bench/ingest_vault.py --memory-gb 2.0          # peak RSS of keytrail only

The input is a seeded synthetic Vault audit log (``ingest.synth``), rotated like logrotate leaves
it; generating it is not timed. The baseline reads the same lines concatenated into one plain
file. Every measured tool runs as a child of a fresh wrapper process, so each peak RSS
(``RUSAGE_CHILDREN`` of that wrapper) belongs to that tool alone. Throughput is input lines (and
MB) per second, so the ratio compares the same work. Figures also go to
``bench/out/ingest_vault.json``. Exit status: 0 = PASS, 1 = FAIL or keytrail unavailable.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.synth import generate_vault  # noqa: E402 - needs the repo root on sys.path

TARGET_RATIO = 0.5
OUT_JSON = ROOT / "bench" / "out" / "ingest_vault.json"
MIB = 1024 * 1024

# Runs one command, then reports its wall time and peak RSS (this wrapper's only child).
WRAPPER = r"""
import json, resource, subprocess, sys, time
report, out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(out, "wb") as o, open(err, "wb") as e:
    t0 = time.perf_counter()
    rc = subprocess.call(cmd, stdout=o, stderr=e)
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as f:
    json.dump({"rc": rc, "seconds": wall, "max_rss_kib": ru.ru_maxrss,
               "cpu_seconds": ru.ru_utime + ru.ru_stime}, f)
"""

BASELINE = r"""
import sys, duckdb
src, dst = (a.replace("'", "''") for a in sys.argv[1:3])
columns = sys.argv[3]
opts = "format='newline_delimited', ignore_errors=true"
if columns:
    opts += f", columns={columns}"
sql = f"COPY (SELECT * FROM read_json('{src}', {opts})) TO '{dst}' "
sql += "(FORMAT parquet, COMPRESSION zstd)"
duckdb.connect().execute(sql)
"""

# The fields keytrail's Vault adapter reads (kept in step with ingest/sources/vault/audit.py SHAPE
# when that module imports; this copy is the fallback).
_AUTH = {"accessor": "VARCHAR", "client_token": "VARCHAR", "display_name": "VARCHAR",
         "entity_id": "VARCHAR", "policies": ["VARCHAR"]}  # fmt: skip
FALLBACK_SHAPE: dict[str, Any] = {
    "time": "VARCHAR", "type": "VARCHAR", "error": "VARCHAR", "auth": _AUTH,
    "request": {
        "id": "VARCHAR", "operation": "VARCHAR", "path": "VARCHAR", "mount_point": "VARCHAR",
        "mount_type": "VARCHAR", "mount_class": "VARCHAR",
        "namespace": {"id": "VARCHAR", "path": "VARCHAR"}, "remote_address": "VARCHAR",
        "client_token": "VARCHAR",
    },
    "response": {
        "mount_type": "VARCHAR", "mount_point": "VARCHAR", "mount_class": "VARCHAR",
        "auth": _AUTH, "secret": {"lease_id": "VARCHAR"},
        "data": {"version": "BIGINT", "metadata": {"version": "BIGINT"}},
    },
}  # fmt: skip


def duck_type(spec: Any) -> str:
    if isinstance(spec, dict):
        return "STRUCT(" + ", ".join(f'"{k}" {duck_type(v)}' for k, v in spec.items()) + ")"
    if isinstance(spec, list):
        return duck_type(spec[0]) + "[]"
    return str(spec)


def columns_spec() -> str:
    try:
        from ingest.sources.vault.audit import SHAPE  # noqa: PLC0415 - optional, may be mid-edit

        shape: dict[str, Any] = dict(SHAPE)
    except Exception:  # any import problem (module mid-edit): use the local copy
        shape = FALLBACK_SHAPE
    return "{" + ", ".join(f"\"{k}\": '{duck_type(v)}'" for k, v in shape.items()) + "}"


def uncompressed_size(path: Path) -> int:
    with path.open("rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return path.stat().st_size
        f.seek(-4, os.SEEK_END)  # gzip ISIZE (mod 2**32; our files stay far below 4 GiB each)
        return int.from_bytes(f.read(4), "little")


def concatenate(paths: list[Path], dest: Path) -> None:
    with dest.open("wb") as out:
        for p in paths:
            with p.open("rb") as f:
                gz = f.read(2) == b"\x1f\x8b"
            with gzip.open(p, "rb") if gz else p.open("rb") as src:
                shutil.copyfileobj(src, out, 16 * MIB)


def keytrail_command() -> list[str] | None:
    """How to run the CLI, or None when ``keytrail.cli`` does not exist (yet)."""
    try:
        if importlib.util.find_spec("keytrail.cli") is None:
            return None
    except ImportError:
        return None
    script = Path(sys.executable).with_name("keytrail")
    return [str(script)] if script.exists() else [sys.executable, "-m", "keytrail.cli"]


def measure(name: str, cmd: list[str], work: Path, timeout: float) -> dict[str, Any]:
    """Run ``cmd`` under a fresh wrapper; return wall time, peak RSS, CPU time, exit code."""
    report, out, err = (work / f"{name}.{ext}" for ext in ("json", "stdout", "stderr"))
    wrapped = [sys.executable, "-c", WRAPPER, str(report), str(out), str(err), *cmd]
    shown = " ".join("<script>" if "\n" in a else a for a in cmd)
    print(f"  running {name}: {shown[:200]}", flush=True)
    try:
        subprocess.run(wrapped, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"rc": None, "error": f"timed out after {timeout:.0f} s"}
    result: dict[str, Any] = json.loads(report.read_text())
    result["peak_rss_mib"] = result.pop("max_rss_kib") / 1024
    if result["rc"] != 0:
        tail = err.read_text(errors="replace").strip().splitlines()[-5:]
        result["error"] = f"exit {result['rc']}: " + " | ".join(tail)
    return result


def parquet_rows(path: Path) -> int | None:
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - only for the report

        return int(pq.read_metadata(path).num_rows)
    except Exception:  # missing or partial output: no row count
        return None


def lake_events(lake: Path) -> int | None:
    files = list((lake / "events").rglob("*.parquet")) if (lake / "events").is_dir() else []
    counts = [parquet_rows(f) for f in files]
    return sum(c for c in counts if c) if files else None


def row(name: str, r: dict[str, Any], lines: int, mb: float) -> str:
    if "seconds" not in r or r.get("rc") != 0:
        return f"  {name:<30} {'-- ' + r.get('error', 'not run'):<80}"
    s = r["seconds"]
    events = f"{r['events'] / s:>12,.0f}" if r.get("events") else f"{'-':>12}"
    return (
        f"  {name:<30} {s:>8.1f} {lines / s:>12,.0f} {events} {mb / s:>8.1f} "
        f"{r['peak_rss_mib']:>10,.0f} {r['cpu_seconds']:>8.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--lines", type=int, default=2_000_000, help="input lines (default 2,000,000)")
    ap.add_argument(
        "--memory-gb", type=float, default=None,
        help="memory mode: ~X GB (10^9 bytes) of input, report keytrail's peak RSS only",
    )  # fmt: skip
    ap.add_argument("--rss-target-gib", type=float, default=1.5, help="memory-mode target")
    ap.add_argument(
        "--explicit-columns", action="store_true",
        help="also run the baseline with read_json(columns={...}) of the fields keytrail reads",
    )  # fmt: skip
    ap.add_argument(
        "--keytrail-input", choices=("dir", "file"), default="file",
        help="give keytrail the baseline's plain file (default, the same input) or the rotated "
        "directory (adds gunzip and rotation order to keytrail's work)",
    )  # fmt: skip
    ap.add_argument("--baseline-only", action="store_true", help="skip keytrail (always FAIL)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--store", default="acme-prod")
    ap.add_argument(
        "--workdir", type=Path, default=None, help="work here (kept) instead of a temp dir"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per measured run")
    args = ap.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="keytrail-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, work.resolve())
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept: {work}")


def run(args: argparse.Namespace, work: Path) -> int:
    memory = args.memory_gb is not None
    lines = args.lines
    if memory:  # size the line count from a small sample of the same generator
        sample = generate_vault(work / "sample", lines=20_000, seed=args.seed)
        per_line = sum(uncompressed_size(p) for p in sample) / 20_000
        shutil.rmtree(work / "sample")
        lines = int(args.memory_gb * 1e9 / per_line)
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    print(f"generating {lines:,} lines into {logs} ...", flush=True)
    t0 = time.perf_counter()
    paths = generate_vault(logs, lines=lines, seed=args.seed, store_name=args.store)
    gen_s = time.perf_counter() - t0
    raw_bytes = sum(uncompressed_size(p) for p in paths)
    disk_bytes = sum(p.stat().st_size for p in paths)
    mb = raw_bytes / 1e6
    print(f"  {gen_s:.1f} s ({lines / gen_s:,.0f} lines/s); {len(paths)} files, "
          f"{disk_bytes / 1e6:,.1f} MB on disk, {mb:,.1f} MB uncompressed")  # fmt: skip

    plain = work / "vault_audit_all.log"
    if not memory or args.keytrail_input == "file":
        concatenate(paths, plain)

    results: dict[str, dict[str, Any]] = {}
    cli = None if args.baseline_only else keytrail_command()
    if args.baseline_only:
        results["keytrail"] = {"rc": None, "error": "skipped (--baseline-only)"}
    elif cli is None:
        results["keytrail"] = {
            "rc": None,
            "error": "keytrail CLI not available (no keytrail.cli module)",
        }
    else:
        lake = work / "lake"
        shutil.rmtree(lake, ignore_errors=True)
        source = str(plain if args.keytrail_input == "file" else logs)
        cmd = [
            *cli,
            "ingest",
            source,
            "--lake",
            str(lake),
            "--source",
            "vault",
            "--store",
            args.store,
        ]
        results["keytrail"] = measure("keytrail", cmd, work, args.timeout)
        results["keytrail"]["events"] = lake_events(lake)
    if not memory:
        out = work / "baseline.parquet"
        cmd = [sys.executable, "-c", BASELINE, str(plain), str(out), ""]
        results["duckdb_auto"] = measure("duckdb_auto", cmd, work, args.timeout)
        results["duckdb_auto"]["rows"] = parquet_rows(out)
        if args.explicit_columns:
            out = work / "baseline_columns.parquet"
            cmd = [sys.executable, "-c", BASELINE, str(plain), str(out), columns_spec()]
            results["duckdb_columns"] = measure("duckdb_columns", cmd, work, args.timeout)
            results["duckdb_columns"]["rows"] = parquet_rows(out)

    inp = {"lines": lines, "mb_uncompressed": mb, "bytes_on_disk": disk_bytes,
           "files": len(paths), "generation_seconds": gen_s}  # fmt: skip
    return report(args, inp, results)


def report(
    args: argparse.Namespace, inp: dict[str, Any], results: dict[str, dict[str, Any]]
) -> int:
    memory = args.memory_gb is not None
    lines, mb, gen_s = inp["lines"], inp["mb_uncompressed"], inp.pop("generation_seconds")
    kt = results["keytrail"]
    kt_ok = kt.get("rc") == 0
    print()
    print(
        f"input: {lines:,} lines, {mb:,.1f} MB uncompressed ({inp['files']} rotated files, "
        f"{inp['bytes_on_disk'] / 1e6:,.1f} MB on disk); keytrail reads the {args.keytrail_input}"
    )
    print(f"  {'tool':<30} {'seconds':>8} {'lines/s':>12} {'events/s':>12} {'MB/s':>8} "
          f"{'peakRSS MiB':>10} {'CPU s':>8}")  # fmt: skip
    names = {"keytrail": "keytrail ingest", "duckdb_auto": "duckdb read_json (auto)",
             "duckdb_columns": "duckdb read_json (columns=)"}  # fmt: skip
    for key, r in results.items():
        print(row(names[key], r, lines, mb))
    summary: dict[str, Any] = {"mode": "memory" if memory else "throughput"}
    if memory:
        target = args.rss_target_gib * 1024
        ok = kt_ok and kt["peak_rss_mib"] < target
        summary.update(target_peak_rss_mib=target, verdict="PASS" if ok else "FAIL")
        shown = f"{kt['peak_rss_mib']:,.0f} MiB" if kt_ok else "n/a"
        print(f"\nkeytrail peak RSS {shown} (target < {target:,.0f} MiB): {summary['verdict']}")
    else:
        base = results["duckdb_auto"]
        base_ok = base.get("rc") == 0
        ratio = base["seconds"] / kt["seconds"] if kt_ok and base_ok else None
        ok = ratio is not None and ratio >= TARGET_RATIO
        summary.update(ratio=ratio, target_ratio=TARGET_RATIO, verdict="PASS" if ok else "FAIL")
        shown = f"{ratio:.2f}" if ratio is not None else "n/a"
        print(f"\nthroughput ratio keytrail/baseline: {shown} (target >= {TARGET_RATIO}): "
              f"{summary['verdict']}")  # fmt: skip
        if "rows" in base:
            print(f"  baseline wrote {base['rows'] or 0:,} Parquet rows")
    if not kt_ok:
        print(f"  keytrail: {kt.get('error')}")
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": "ingest_vault", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "input": {**inp, "seed": args.seed, "keytrail_input": args.keytrail_input},
        "generation": {"seconds": gen_s, "lines_per_s": lines / gen_s},
        "tools": {k: {**v, **({"lines_per_s": lines / v["seconds"], "mb_per_s": mb / v["seconds"]}
                             if v.get("rc") == 0 else {})} for k, v in results.items()},
        **summary,
    }  # fmt: skip
    OUT_JSON.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"figures written to {OUT_JSON.relative_to(ROOT)}")
    return 0 if summary["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
