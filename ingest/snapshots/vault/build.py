"""``build``: the snapshot files of one ingest -> grants, principals and secrets rows.

It works on the whole set at once because grants are a join: roles, entities and groups name
policies, policy bodies come from other files, and KV v1/v2 comes from ``sys/mounts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.model import finish_result
from ingest.snapshots.vault.assemble import Assembler
from ingest.snapshots.vault.collect import Collected, collect, newest
from ingest.snapshots.vault.inventory import secret_row
from ingest.snapshots.vault.model import SnapshotDoc, SnapshotResult, as_utc


def build(docs: Sequence[SnapshotDoc], *, store: str) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content."""
    c = Collected()
    seen: set[str] = set()
    for doc in sorted(docs, key=lambda d: (d.origin_file, as_utc(d.snapshot_time))):
        if doc.origin_file in seen:
            c.warnings.add(f"{doc.origin_file}: given twice; the second copy is ignored")
            continue
        seen.add(doc.origin_file)
        c.kinds[doc.origin_file] = None
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {exc!r}")
    asm = Assembler(c, store)
    for step in (asm.roles, asm.entities, asm.groups_):
        try:
            step()
        except Exception as exc:  # last resort, as above: keep what was built so far
            c.warnings.add(f"internal error while building rows: {exc!r}")
    found: list[tuple[dict[str, Any], SnapshotDoc]] = []
    for data, doc, path in c.kv:
        row = secret_row(data, doc, path, store, c.mounts)
        if isinstance(row, str):
            c.problem(doc, row)
        else:
            found.append((row, doc))
    by_id = newest(found, lambda f: str(f[0]["secret_id"]), lambda f: f[1], "secret", c)
    return _result(c, asm.grants, asm.principals, [row for row, _ in by_id.values()])


def _result(
    c: Collected,
    grants: list[dict[str, Any]],
    principals: list[dict[str, Any]],
    secrets: list[dict[str, Any]],
) -> SnapshotResult:
    return finish_result(
        kinds=c.kinds, problems=c.problems, warnings=c.warnings,
        grants=grants, principals=principals, secrets=secrets,
    )  # fmt: skip
