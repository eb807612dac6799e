"""``python -m ingest.synth SOURCE ... --out DIR``: write synthetic input as users have it.

python -m ingest.synth vault --lines N --out DIR      # rotated Vault audit log
python -m ingest.synth aws|gcp|azure --events N --out DIR
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from ingest.synth.vault import DEFAULT_START, generate_vault


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.synth", description=__doc__)
    sub = parser.add_subparsers(dest="source", required=True)
    vault = sub.add_parser("vault", help="Vault / OpenBao file audit device, rotated by logrotate")
    vault.add_argument("--lines", type=int, required=True, help="exact number of lines to write")
    vault.add_argument("--out", type=Path, required=True, help="output directory (created)")
    vault.add_argument("--seed", type=int, default=7, help="same seed => byte-identical output")
    vault.add_argument("--start", default=DEFAULT_START, help="first instant (RFC 3339, UTC)")
    vault.add_argument("--days", type=float, default=14, help="span the lines are spread over")
    vault.add_argument("--rotate-lines", type=int, default=None,
                       help="max lines per file (default: about four files)")  # fmt: skip
    vault.add_argument("--principals", type=int, default=3000)
    vault.add_argument("--secrets", type=int, default=5000)
    vault.add_argument("--store-name", default="acme-prod", help="cluster name (server log lines)")
    vault.add_argument("--gzip-level", type=int, default=1, choices=range(1, 10), metavar="1-9")
    cloud = {
        "aws": ('CloudTrail S3 prefix of gzip {"Records":[...]} objects', "cloudtrail"),
        "gcp": ("Cloud Audit Logs sink (JSON lines, some gzip)", "gcp"),
        "azure": ("Key Vault AuditEvent storage-account blobs", "azure"),
    }
    for name, (text, _) in cloud.items():
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--events", type=int, required=True, help="exact number of records")
        cmd.add_argument("--out", type=Path, required=True, help="output directory (created)")
        cmd.add_argument("--seed", type=int, default=7, help="same seed => byte-identical output")
    args = parser.parse_args(argv)
    if args.source in cloud:
        module = importlib.import_module(f"ingest.synth.{cloud[args.source][1]}")
        func = getattr(module, f"generate_{cloud[args.source][1]}")
        began = time.perf_counter()
        paths = func(args.out, events=args.events, seed=args.seed)
        took = time.perf_counter() - began
        print(f"{args.events:,} records in {took:.1f} s, {len(paths)} files", file=sys.stderr)
        return 0
    if args.lines < 1:
        parser.error("--lines must be >= 1")
    began = time.perf_counter()
    paths = generate_vault(
        args.out, lines=args.lines, seed=args.seed, start=args.start, days=args.days,
        rotate_lines=args.rotate_lines, principals=args.principals, secrets=args.secrets,
        store_name=args.store_name, gzip_level=args.gzip_level,
    )  # fmt: skip
    took = time.perf_counter() - began
    size = sum(p.stat().st_size for p in paths)
    for p in paths:
        print(p)
    print(
        f"{args.lines:,} lines in {took:.1f} s ({args.lines / took:,.0f} lines/s), "
        f"{len(paths)} files, {size / 1e6:,.1f} MB on disk",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
