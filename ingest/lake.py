"""The lake: Hive-partitioned Parquet tables written atomically.

Layout: ``<lake>/<table>/<key>=<value>/.../<ingest_id>-<n>.parquet``; partition columns live in the
path only. A file becomes visible in one step: it is written under ``*.parquet.tmp``, fsynced,
renamed, and the directory is fsynced, so a reader (or a crash) never sees half a file. Readers glob
``*.parquet`` and so never pick up temporaries. One ingest at a time holds
``_keytrail/ingest.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest import schema as lake_schema
from ingest.errors import LakeError

META_DIR = "_keytrail"
MARKER = "lake.json"
LAKE_FORMAT = 1
# _keytrail/schemas/<table>.<hash>: one marker per file schema a table's files were written with
# (noted before the file appears). One marker equal to today's schema lets readers skip
# union_by_name, which opens every file footer at bind time. Lakes older than the markers have no
# such directory and are always read by name.
SCHEMAS = "schemas"
BLOOM_NDV = 16_384
ROW_GROUP_ROWS = 128 * 1024


def is_lake(root: Path) -> bool:
    return (root / META_DIR / MARKER).is_file()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_parquet(
    path: Path,
    table: pa.Table,
    plain: frozenset[str] = frozenset(),
    bloom: frozenset[str] = frozenset(),
) -> None:
    """Write ``table`` to ``path`` so that the file appears complete or not at all.

    Columns in ``plain`` get neither a dictionary nor statistics (unique-per-row text); columns
    in ``bloom`` get a bloom filter per row group (sized for the distinct values one row group
    of events holds; a fuller filter only raises its false-positive rate, never misses).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    rest = [c for c in table.column_names if c not in plain]
    with tmp.open("wb") as fh:
        pq.write_table(
            table,
            fh,
            compression="zstd",
            row_group_size=ROW_GROUP_ROWS,
            use_dictionary=rest,
            write_statistics=rest,
            bloom_filter_options={
                c: {"ndv": BLOOM_NDV, "fpp": 0.05} for c in bloom if c in table.column_names
            }
            or None,
        )
        fh.flush()
        os.fsync(fh.fileno())
    tmp.rename(path)
    _fsync_dir(path.parent)


def _partition_dir(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def conform(table_name: str, data: pa.Table) -> pa.Table:
    """Select, order and cast ``data`` to the declared table; refuse rows breaking the contract."""
    spec = lake_schema.load()[table_name]
    target = spec.arrow_schema(with_partitions=True)
    # A source may leave out optional columns it never knows (they are null); required ones not.
    for fld in target:
        if fld.name not in data.column_names and fld.nullable:
            data = data.append_column(fld, pa.nulls(data.num_rows, fld.type))
    missing = [n for n in target.names if n not in data.column_names]
    if missing:
        raise LakeError(f"{table_name}: rows lack declared columns {missing}")
    data = data.select(target.names).cast(target)
    for col in spec.columns:
        arr = data.column(col.name)
        if not col.nullable and arr.null_count:
            raise LakeError(
                f"{table_name}.{col.name}: {arr.null_count} null values in a required column"
            )
        if col.vocabulary:
            allowed = pa.array(lake_schema.load().vocabularies[col.vocabulary])
            bad = pc.invert(pc.fill_null(pc.is_in(arr, value_set=allowed), True))
            if pc.any(bad).as_py():
                values = sorted(set(arr.filter(bad).to_pylist()))[:5]
                raise LakeError(f"{table_name}.{col.name}: values outside the vocabulary {values}")
    return data


def rows_to_table(table_name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Python rows (snapshots, ingest_log) to an Arrow table typed by the declared schema."""
    target = lake_schema.load()[table_name].arrow_schema(with_partitions=True)
    return pa.Table.from_pylist([{k: r.get(k) for k in target.names} for r in rows], schema=target)


@dataclass
class Lake:
    root: Path
    _counter: int = field(default=0, init=False)

    @classmethod
    def open(cls, root: Path, *, create: bool = False) -> Lake:
        root = root.expanduser().resolve()
        if is_lake(root):
            return cls(root)
        if not create:
            raise LakeError(
                f"no keytrail lake at {root}",
                hint="run `keytrail ingest PATH --lake DIR` first, "
                "or point --lake / $KEYTRAIL_LAKE at one",
            )
        if root.exists() and any(p for p in root.iterdir() if p.name != META_DIR):
            raise LakeError(
                f"{root} exists, is not empty and is not a keytrail lake",
                hint="choose an empty or new directory for --lake",
            )
        (root / META_DIR / SCHEMAS).mkdir(parents=True, exist_ok=True)
        marker = root / META_DIR / MARKER
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"format": LAKE_FORMAT}) + "\n", encoding="utf-8")
        tmp.replace(marker)
        return cls(root)

    @property
    def meta_dir(self) -> Path:
        return self.root / META_DIR

    def table_dir(self, table: str) -> Path:
        return self.root / table

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive ingest lock; what a crashed run left (``*.parquet.tmp`` files, ``routed-*``
        spill directories of lines set aside for another source) is removed under it."""
        lock_path = self.meta_dir / "ingest.lock"
        with lock_path.open("a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise LakeError(
                    f"another keytrail ingest is writing to {self.root}",
                    hint="wait for it to finish, then run this ingest again",
                ) from exc
            for tmp in self.root.rglob("*.parquet.tmp"):
                tmp.unlink(missing_ok=True)
            for spill in self.meta_dir.glob("routed-*"):
                shutil.rmtree(spill, ignore_errors=True)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def uniform_schema(self, table: str) -> bool:
        """Every file of ``table`` has the declared schema of today (readers may skip union)."""
        marks = self.meta_dir / SCHEMAS
        if not marks.is_dir():
            return False
        seen = {p.name for p in marks.glob(f"{table}.*")}
        return seen <= {f"{table}.{_schema_hash(table)}"}

    def _note_schema(self, table: str) -> None:
        marks = self.meta_dir / SCHEMAS
        if marks.is_dir():
            (marks / f"{table}.{_schema_hash(table)}").touch()

    def files(self, table: str, **partition: str) -> list[Path]:
        """Committed Parquet files of ``table``, optionally within one partition prefix."""
        spec = lake_schema.load()[table]
        base = self.table_dir(table)
        for key in spec.partition:
            if key not in partition:
                break
            base = base / f"{key}={partition[key]}"
        if not base.exists():
            return []
        return sorted(base.rglob("*.parquet"))

    def write(
        self, table: str, data: pa.Table, ingest_id: str, *, presorted: bool = False
    ) -> list[Path]:
        """Conform, partition, sort and atomically write ``data``; returns the files written.

        ``presorted``: rows already come ordered by the partition keys, then the sort keys.
        """
        if data.num_rows == 0:
            return []
        spec = lake_schema.load()[table]
        data = conform(table, data)
        self._note_schema(table)
        written: list[Path] = []
        for values, rows in _partitions(data, spec.partition):
            directory = self.table_dir(table)
            for key, value in zip(spec.partition, values, strict=True):
                directory = directory / f"{key}={_partition_dir(value)}"
            if spec.sort and not presorted:
                rows = rows.sort_by([(c, "ascending") for c in spec.sort])  # noqa: PLW2901
            part = rows.drop_columns(list(spec.partition))
            self._counter += 1
            path = directory / f"{ingest_id}-{self._counter:05d}.parquet"
            atomic_write_parquet(
                path,
                part,
                frozenset(c.name for c in spec.columns if c.plain),
                frozenset(c.name for c in spec.columns if c.bloom),
            )
            written.append(path)
        return written

    def replace(self, table: str, data: pa.Table, ingest_id: str) -> list[Path]:
        """Write ``data`` as the whole of ``table`` (a derived table rebuilt by each run): the new
        files are committed first, then the older ones are removed, so a reader never sees none."""
        before = set(self.files(table))
        written = self.write(table, data, ingest_id)
        for old in before - set(written):
            old.unlink()
        return written


def _schema_hash(table: str) -> str:
    schema = lake_schema.load()[table].arrow_schema(with_partitions=False)
    text = ",".join(f"{f.name}:{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _partitions(
    data: pa.Table, keys: tuple[str, ...]
) -> Iterator[tuple[tuple[Any, ...], pa.Table]]:
    if not keys:
        yield (), data
        return
    runs = _runs(data, keys)
    if runs is not None:  # rows come grouped by partition (the pipeline sorts them): zero-copy
        for start, stop in runs:
            row = data.slice(start, 1).select(list(keys)).to_pylist()[0]
            yield tuple(row[k] for k in keys), data.slice(start, stop - start)
        return
    groups = data.group_by(list(keys), use_threads=False).aggregate([])
    for row in groups.to_pylist():
        mask = None
        for key in keys:
            cond = pc.equal(data.column(key), pa.scalar(row[key], data.schema.field(key).type))
            mask = cond if mask is None else pc.and_(mask, cond)
        yield tuple(row[k] for k in keys), data.filter(mask)


def _runs(data: pa.Table, keys: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """(start, stop) of each run of equal, non-null partition keys, when every partition is one
    contiguous run; None otherwise (unsorted rows, null keys)."""
    n = data.num_rows
    if n == 0 or any(data.column(k).null_count for k in keys):
        return None
    change = np.zeros(max(n - 1, 0), dtype=bool)
    for key in keys:
        col = data.column(key)
        change |= pc.not_equal(col.slice(1), col.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    bounds = [0, *(np.flatnonzero(change) + 1).tolist(), n]
    runs = list(itertools.pairwise(bounds))
    if len(runs) == 1:
        return runs
    groups = data.group_by(list(keys), use_threads=False).aggregate([]).num_rows
    return runs if len(runs) == groups else None
