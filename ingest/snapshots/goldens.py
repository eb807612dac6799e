"""Golden cases of snapshot importers (one folder per case under each importer's cases/).

A case is a folder of export files named as users save them, plus ``expected.json`` (the
rendered ``build()`` result) and, optionally, ``store.txt`` (the ``--store`` value of the case).
Regenerate after an intended behaviour change, then review the diff::

    python -m ingest.snapshots.goldens <source>              # every case
    python -m ingest.snapshots.goldens <source> NAME ...     # some cases

Importers whose ``build.build(docs, store=...)`` and ``paths.read_snapshot(path,
snapshot_time=...)`` follow the common shape need nothing more (:func:`for_source`); Vault and
AWS keep a ``cases_regen`` module of their own for their extra options.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.snapshots.model import SnapshotDoc, SnapshotResult

SNAPSHOT_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
EXPECTED = "expected.json"
STORE_FILE = "store.txt"
_NOT_INPUT = frozenset({EXPECTED, STORE_FILE, "README.md"})


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


@dataclass(frozen=True)
class Goldens:
    """The golden cases of one importer."""

    cases_dir: Path
    build: Callable[[Sequence[SnapshotDoc], str | None], SnapshotResult]
    read: Callable[[Path, datetime], SnapshotDoc]
    default_store: str | None = None  # used when a case has no store.txt

    def case_dirs(self) -> list[Path]:
        return sorted(
            p for p in self.cases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
        )

    def case_docs(self, case_dir: Path) -> list[SnapshotDoc]:
        files = sorted(p for p in case_dir.rglob("*") if p.is_file() and p.name not in _NOT_INPUT)
        return [self.read(p, SNAPSHOT_TIME) for p in files]

    def case_store(self, case_dir: Path) -> str | None:
        path = case_dir / STORE_FILE
        if not path.is_file():
            return self.default_store
        return path.read_text(encoding="utf-8").strip() or self.default_store

    def case_result(self, case_dir: Path) -> SnapshotResult:
        return self.build(self.case_docs(case_dir), self.case_store(case_dir))

    def expected_text(self, case_dir: Path) -> str:
        rendered = render(self.case_result(case_dir), case_dir)
        return json.dumps(rendered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def main(self, argv: list[str]) -> int:
        wanted = set(argv)
        for case_dir in self.case_dirs():
            if wanted and case_dir.name not in wanted:
                continue
            (case_dir / EXPECTED).write_text(self.expected_text(case_dir), encoding="utf-8")
            print(f"wrote {case_dir.name}/{EXPECTED}")
        return 0


def for_source(source: str) -> Goldens:
    """The golden cases under ``ingest/snapshots/<source>/cases``."""
    build_module = importlib.import_module(f"ingest.snapshots.{source}.build")
    paths_module = importlib.import_module(f"ingest.snapshots.{source}.paths")

    def build(docs: Sequence[SnapshotDoc], store: str | None) -> SnapshotResult:
        result: SnapshotResult = build_module.build(docs, store=store)
        return result

    def read(path: Path, when: datetime) -> SnapshotDoc:
        doc: SnapshotDoc = paths_module.read_snapshot(path, snapshot_time=when)
        return doc

    cases = Path(__file__).with_name(source) / "cases"
    return Goldens(cases, build=build, read=read)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m ingest.snapshots.goldens SOURCE [CASE ...]")
    raise SystemExit(for_source(sys.argv[1]).main(sys.argv[2:]))
