"""What an audit-log source is, and the generic adapter for sources whose records are events 1:1.

An adapter parses one block of record texts at a time, column-wise in DuckDB, and leaves two temp
tables on the connection for the pipeline:

* ``entries``: typed rows, one per parsed record, with every events column except the raw text
  (it stays in the Arrow block and is taken by ``bidx`` when written; ``raw_override`` carries a
  record that differs from its line, e.g. one unwrapped from an envelope), plus ``file_idx``,
  ``line``, ``bidx``, ``event_id`` and ``log_raw``.
* ``disp``: narrow, one row per record whose fate is settled: ``r`` (the entries rowid),
  ``file_idx``, ``event_id``, ``event_date``, ``disposition`` (``event``, ``merged``,
  ``duplicate`` or ``skipped``) and ``skip_reason``.

Most sources need no code beyond their mapping SQL and a detection function: see
:class:`SqlAdapter` and ``ingest/sources/<name>/mapping.sql``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from ingest.redact import Redactor


class AuditAdapter(Protocol):
    source: str
    text: pa.Array  # the lines of the block last fed (raw text is taken from them by ``bidx``)
    # The block's entries as Arrow, when the adapter kept them out of DuckDB's storage (then
    # ``entries`` is a view over them with a row number ``r``, and ``disp.r`` refers to it);
    # None when ``entries`` is a temp table (``disp.r`` is its rowid).
    entries: pa.Table | None

    def feed(self, file_idx: int | pa.Array, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
        """Parse a block into ``entries``/``disp``; return its quarantine rows
        (``file_idx``, ``line``, ``reason``, ``raw``)."""
        ...

    def finish(self) -> bool:
        """Settle what is still held back; True when ``entries``/``disp`` were produced."""
        ...

    def postprocess(self, events: pa.Table) -> pa.Table:
        """Source-specific last touches (e.g. structural redaction); drops ``log_raw``."""
        ...


@dataclass(frozen=True)
class AuditSource:
    """A registered audit-log format."""

    name: str  # the ``source`` partition value
    looks_like: Callable[[Any], bool]  # is this parsed record one of ours?
    make: Callable[[duckdb.DuckDBPyConnection, str | None, Redactor], AuditAdapter]
    default_store: str | None = None  # when the records do not name their instance
    priority: int = 100  # detection order: lower first (specific shapes before general ones)
    # Records of this source that travel inside another source's files (GKE's k8s.io entries in
    # a Cloud Logging sink, next to Secret Manager's): ``hosted_by`` names that source, and
    # ``claims`` picks this source's lines out of one of its blocks (a boolean per line). The
    # pipeline routes each line to one of the two, whichever record its file starts with.
    hosted_by: str | None = None
    claims: Callable[[pa.Array | pa.ChunkedArray], np.ndarray] | None = None


def chunked_batch(file_idx: int | pa.Array, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
    """The Arrow relation adapters read: several record batches so DuckDB uses every core.

    ``file_idx`` is one file's index, or one index per line when the pipeline packs several
    small files into one block (CloudTrail's thousands of small objects).
    """
    n = len(lines)
    if isinstance(file_idx, int):
        file_idx = pa.array(np.full(n, file_idx, dtype=np.int32))
    batch = pa.table(
        {
            "file_idx": file_idx.cast(pa.int32()),
            "line": line_numbers,
            "bidx": pa.array(np.arange(n, dtype=np.int64)),
            "text": lines,
        }
    )
    if n:
        batch = pa.Table.from_batches(batch.to_batches(max_chunksize=max(1024, n // 8 + 1)))
    return batch


def load_sql(path: Path, shapes: dict[str, dict[str, Any]]) -> str:
    """Read a mapping file and inline its JSON shapes (constants, never user input)."""
    text = path.read_text(encoding="utf-8")
    for key, shape in shapes.items():
        text = text.replace(key, "'" + json.dumps(shape).replace("'", "''") + "'")
    return text


def take_raw(events: pa.Table, text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``raw_override`` where set, else the record's line in the current block.

    Gathered by polars, whose strings are views: the lines are not copied until the one
    exact-size copy into the result (Arrow's take first concatenated a packed block's chunks,
    then grew its output buffer by reallocation: three copies of every raw text)."""
    override = events.column("raw_override").combine_chunks()
    if override.null_count == 0:
        return override
    idx = pc.fill_null(events.column("bidx").combine_chunks(), 0)
    if not len(text):
        return pa.nulls(len(idx), pa.string())
    taken = pl.Series("raw", text).gather(pl.Series("idx", idx))
    if override.null_count != len(override):  # rare: records that differ from their line
        over = pl.Series("over", override)
        taken = pl.select(pl.when(over.is_null()).then(taken).otherwise(over)).to_series()
    return taken.to_arrow().cast(pa.string())


def map_block(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    file_idx: int | pa.Array,
    lines: pa.Array,
    line_numbers: pa.Array,
    *,
    store: str | None,
    into_arrow: bool = False,
) -> pa.Table | None:
    """Run a mapping over one block of lines (the relation ``batch``) into ``entries``: a temp
    table, or with ``into_arrow`` Arrow rows numbered ``r`` (returned) with ``entries`` a view
    over them. Measured on 1M Azure records: the temp table cost as much again as the mapping
    (DuckDB copies and compresses every column on commit), and the pipeline then exported it."""
    con.register("batch", chunked_batch(file_idx, lines, line_numbers))
    try:
        if not into_arrow:
            con.execute(f"CREATE OR REPLACE TEMP TABLE entries AS {sql}", {"store": store})
            return None
        rows = con.sql(sql, params={"store": store}).to_arrow_table()
    finally:
        con.unregister("batch")
    rows = rows.append_column("r", pa.array(np.arange(rows.num_rows, dtype=np.int64)))
    con.register("entries", rows)
    return rows


def quarantined(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The ``entries`` a mapping refused, in the shape the pipeline quarantines."""
    return con.sql(
        "SELECT file_idx, line, quarantine_reason AS reason, original AS raw "
        "FROM entries WHERE quarantine_reason IS NOT NULL"
    ).to_arrow_table()


DISPOSITION_SQL = """
SELECT r, file_idx, event_id, CAST(event_time AS DATE) AS event_date,
    CASE WHEN skip_reason IS NOT NULL THEN 'skipped'
         WHEN nth = 1 THEN 'event'
         ELSE 'duplicate' END AS disposition,
    skip_reason
FROM (
    SELECT $row AS r, file_idx, event_id, event_time, skip_reason,
        row_number() OVER (PARTITION BY event_id ORDER BY file_idx, line) AS nth
    FROM entries
    WHERE quarantine_reason IS NULL $heads_only
)
"""


class SqlAdapter:
    """A source whose records map 1:1 to events, declared by one mapping SQL file.

    The mapping reads ``batch(file_idx, line, bidx, text)`` and the parameter ``$store`` (the
    ``--store`` value or NULL) and returns one row per line with: ``file_idx, line, bidx,
    original`` (the line, only when quarantined), ``raw_override``, ``quarantine_reason``,
    ``skip_reason`` (records outside scope), ``event_id``, every events column except ``source``,
    ``event_date``, ``raw``, ``origin_*`` and ``ingest_id``, and ``log_raw``. Duplicates (same
    ``event_id``) within a block are settled here, across blocks and runs by the pipeline.

    ``fan_out=True``: one record may become several events (a Doppler secret read lists every
    secret it returned). The mapping then returns one row per event plus ``fan_head``: true on
    exactly one row per line, which stands for the record. Dispositions stay one per record
    (so ``records_read = events_written + ...`` still counts records, as for snapshot documents,
    whose rows are reported per file): the head's ``event_id`` is the record's dedupe key, a
    duplicate or skipped record drops all its rows, a record with ``quarantine_reason`` or
    ``skip_reason`` (set on every row of the record) is kept as its head row only.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        store: str | None,
        redactor: Redactor,
        *,
        source: str,
        mapping_sql: str,
        fan_out: bool = False,
    ) -> None:
        self.con = con
        self.store = store
        self.redactor = redactor
        self.source = source
        self.mapping_sql = mapping_sql
        self.fan_out = fan_out
        self.text: pa.Array = pa.array([], pa.string())
        self.entries: pa.Table | None = None

    def feed(self, file_idx: int | pa.Array, lines: pa.Array, line_numbers: pa.Array) -> pa.Table:
        self.text = lines
        con = self.con
        # Fan-out: every row of one record carries the record's ``bidx`` as a real ``rowid``
        # column (DuckDB lets a column of that name shadow the row id), so the pipeline's join of
        # ``disp.r`` on ``entries.rowid`` brings all of a record's events along with its one
        # disposition row. A quarantined or skipped record keeps only its head row.
        sql = (
            "SELECT bidx AS rowid, * FROM (" + self.mapping_sql + ") "
            "WHERE fan_head OR (quarantine_reason IS NULL AND skip_reason IS NULL)"
            if self.fan_out
            else self.mapping_sql
        )
        self.entries = map_block(
            con, sql, file_idx, lines, line_numbers, store=self.store, into_arrow=not self.fan_out
        )
        bad = quarantined(con)
        disp = DISPOSITION_SQL.replace("$heads_only", "AND fan_head" if self.fan_out else "")
        disp = disp.replace("$row", "rowid" if self.entries is None else "r")
        con.execute("CREATE OR REPLACE TEMP TABLE disp AS " + disp)
        return bad

    def finish(self) -> bool:
        return False

    def postprocess(self, events: pa.Table) -> pa.Table:
        if not self.fan_out:
            return events.drop_columns(["log_raw"])
        # The events of one record may fall on other days than its head (an API page of
        # entries): each row's partition date comes from its own time, order kept for the writer.
        events = events.drop_columns(["log_raw", "rowid", "fan_head"])
        idx = events.schema.get_field_index("event_date")
        days = pc.cast(events.column("event_time"), pa.date32())
        events = events.set_column(idx, "event_date", days)
        return events.sort_by(
            [("event_date", "ascending"), ("secret_id", "ascending"), ("event_time", "ascending")]
        )


def carry_pending(con: duckdb.DuckDBPyConnection, lines: pa.Array) -> None:
    """Keep the ``entries`` whose disposition is ``pending`` (waiting for a later record of the
    same request: a Vault response, a Kubernetes final stage) in the ``pending`` table for the next
    block, with their own text, since the block they came from will be gone."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pending AS SELECT e.* FROM entries e "
        "SEMI JOIN disp d ON e.rowid = d.r AND d.disposition = 'pending'"
    )
    need = con.sql("SELECT bidx FROM pending WHERE raw_override IS NULL").to_arrow_table()
    if need.num_rows:
        fill = pa.table({"bidx": need.column(0), "text": pc.take(lines, need.column(0))})
        con.register("fill", fill)
        try:
            con.execute(
                "UPDATE pending SET raw_override = fill.text FROM fill "
                "WHERE pending.bidx = fill.bidx AND pending.raw_override IS NULL"
            )
        finally:
            con.unregister("fill")
    con.execute("DELETE FROM disp WHERE disposition = 'pending'")
