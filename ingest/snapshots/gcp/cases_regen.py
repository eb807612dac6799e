"""Golden cases: load a case folder, render ``build()``'s result, (re)write ``expected.json``.

Each folder under ``cases/`` holds export files named as users save them, plus
``expected.json`` and, optionally, ``store.txt`` (the ``--store`` value of that case).
Regenerate after an intended behaviour change, then review the diff::

    python -m ingest.snapshots.gcp.cases_regen            # every case
    python -m ingest.snapshots.gcp.cases_regen NAME ...   # some cases
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.snapshots.gcp.build import build
from ingest.snapshots.gcp.model import SnapshotDoc, SnapshotResult
from ingest.snapshots.gcp.paths import read_snapshot

CASES_DIR = Path(__file__).with_name("cases")
SNAPSHOT_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
EXPECTED = "expected.json"
STORE_FILE = "store.txt"
_NOT_INPUT = frozenset({EXPECTED, STORE_FILE, "README.md"})


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


def case_docs(case_dir: Path) -> list[SnapshotDoc]:
    files = sorted(p for p in case_dir.rglob("*") if p.is_file() and p.name not in _NOT_INPUT)
    return [read_snapshot(p, snapshot_time=SNAPSHOT_TIME) for p in files]


def case_store(case_dir: Path) -> str | None:
    path = case_dir / STORE_FILE
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def _plain(value: Any, prefix: str) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, dict):
        return {_plain(k, prefix): _plain(v, prefix) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, prefix) for v in value]
    return value


def render(result: SnapshotResult, case_dir: Path) -> dict[str, Any]:
    """The result as JSON-able data, with paths relative to the case folder."""
    prefix = str(case_dir.resolve()) + "/"
    return {
        "grants": _plain(result.grants, prefix),
        "principals": _plain(result.principals, prefix),
        "secrets": _plain(result.secrets, prefix),
        "per_file": _plain({f: asdict(o) for f, o in result.per_file.items()}, prefix),
        "warnings": _plain(result.warnings, prefix),
    }


def case_result(case_dir: Path) -> SnapshotResult:
    return build(case_docs(case_dir), store=case_store(case_dir))


def expected_text(case_dir: Path) -> str:
    rendered = render(case_result(case_dir), case_dir)
    return json.dumps(rendered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for case_dir in case_dirs():
        if wanted and case_dir.name not in wanted:
            continue
        (case_dir / EXPECTED).write_text(expected_text(case_dir), encoding="utf-8")
        print(f"wrote {case_dir.name}/{EXPECTED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
