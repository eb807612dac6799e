"""The ingest run: files in, lake rows out, every record accounted for.

Steps per run: expand paths → hash and skip files already ingested → sniff and detect the source →
adapter (column-wise parse + mapping) → redact → drop what the lake already holds → write
atomically → quarantine and ingest_log rows → check ``records_read = events_written + merged +
duplicates + quarantined + skipped`` for every file.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import secrets
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from ingest import rollups, scanners, sniff
from ingest import schema as lake_schema
from ingest.errors import IngestError, UnknownFormat
from ingest.lake import Lake, rows_to_table
from ingest.redact import Redactor, load_or_create_key
from ingest.snapshots import SNAPSHOT_SOURCES, SnapshotDoc, SnapshotSource
from ingest.sources import AUDIT_SOURCES, audit_source
from ingest.sources.base import AuditAdapter, AuditSource, take_raw

T = TypeVar("T")
# How a block's events are ordered for the writer: its one source, then by day (the other
# partition key), then tables.yml's sort within a file.
_EVENT_ORDER = [(c, "ascending") for c in ("event_date", *lake_schema.load()["events"].sort)]
QUARANTINE_RAW_CHARS = 2048
SNAPSHOT_LINES_MAX_BYTES = 64 << 20  # JSON-lines snapshot exports are read whole; logs never are
SOURCES = tuple(dict.fromkeys([s.name for s in AUDIT_SOURCES] + [s.name for s in SNAPSHOT_SOURCES]))

Progress = Callable[[str, int, int], None]  # (file label, disk bytes done, disk bytes total)


@dataclass
class FileReport:
    path: Path
    source: str = ""
    kind: str = ""
    sha256: str = ""
    bytes: int = 0
    status: str = "pending"  # ingested | already ingested
    records_read: int = 0
    events_written: int = 0
    merged: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def balanced(self) -> bool:
        return self.records_read == (
            self.events_written + self.merged + self.duplicates + self.quarantined + self.skipped
        )


@dataclass
class RunReport:
    ingest_id: str
    lake: Path
    files: list[FileReport]
    started: datetime
    finished: datetime
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Planned:
    report: FileReport
    shape: sniff.Shape


def new_ingest_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


_ROTATION = re.compile(r"^(?P<base>.*?)(?:\.(?P<n>\d+))?(?P<gz>\.gz)?$")


def rotation_key(path: Path) -> tuple[str, str, int]:
    """Order logrotate siblings oldest first: ``x.log.2.gz``, ``x.log.1``, ``x.log``."""
    m = _ROTATION.match(path.name)
    assert m is not None  # the pattern matches any name
    n = int(m.group("n")) if m.group("n") else 0
    return (str(path.parent), m.group("base"), -n)


# Inside a directory, files with these suffixes are documentation or code that travels with
# exports (a README, the script that made them); they are listed as not ingested, never read.
# A file named explicitly on the command line is always read.
NOT_DATA_SUFFIXES = frozenset(
    {".md", ".rst", ".py", ".sh", ".ps1", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".html",
     ".pdf", ".png", ".jpg", ".jpeg", ".svg"}
)  # fmt: skip


def expand(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(data files, documentation files) under ``paths``, oldest rotation first.

    Directories are walked recursively; dotfiles and dot-directories are left out.
    """
    found: list[Path] = []
    docs: list[Path] = []
    for p in paths:
        if not p.exists():
            raise IngestError("no such file or directory", file=str(p), hint="check the path")
        if p.is_dir():
            for f in _walk(p):
                (docs if f.suffix.lower() in NOT_DATA_SUFFIXES else found).append(f)
        else:
            found.append(p)
    data = sorted({f.resolve() for f in found}, key=rotation_key)
    return data, sorted({f.resolve() for f in docs})


def _walk(top: Path) -> Iterator[Path]:
    """Files under ``top``: dot-names and keytrail lakes (e.g. ./keytrail-lake) left out; an
    unreadable directory is an error, not a silent gap."""

    def refuse(exc: OSError) -> None:
        raise IngestError(
            f"cannot read directory: {exc.strerror or exc}",
            file=str(exc.filename),
            hint="fix its permissions or leave it out",
        )

    for root, dirs, files in os.walk(top, onerror=refuse):
        here = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (here / d / "_keytrail").is_dir()
        )
        if (here / "_keytrail" / "lake.json").is_file():
            dirs[:] = []
            continue
        yield from (here / f for f in sorted(files) if not f.startswith("."))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def detect(path: Path, shaped: sniff.Sniffed, forced: str | None) -> tuple[str, str]:
    """Return (source, kind) of a file, kind being ``audit``, ``snapshot``, ``report`` (a
    secret-scanner report) or ``empty``."""
    known = (*SOURCES, *scanners.NAMES)
    if forced and forced not in known:
        raise UnknownFormat(
            f"unknown --source {forced!r}", hint=f"known sources: {', '.join(known)}"
        )
    if shaped.shape == "empty":
        return forced or "", "empty"
    # Scanner reports first: their recognisers need keys no log or snapshot has, and CSV and
    # text reports are not JSON at all. A forced scanner reads the file whatever it holds.
    scanner = scanners.recognise(path, shaped, forced)
    if scanner or forced in scanners.NAMES:
        return scanner or str(forced), "report"
    audits = [a for a in AUDIT_SOURCES if forced in (None, a.name)]
    # A snapshot saved on one line (json.dump, some CLIs) sniffs as JSON lines: offer it too.
    wrapped = sniff.opens_with_records(shaped.head)  # {"Records":[...]}: never a snapshot
    if (shaped.shape == "document" or _single_line(shaped)) and not wrapped:
        payload = _load_document(path)
        for snap in SNAPSHOT_SOURCES:
            if forced in (None, snap.name) and snap.recognise(payload, snap.api_path(path)):
                return snap.name, "snapshot"
    first = _first_record(path, shaped)
    if first is None and _empty_wrapper(path, shaped):
        return forced or "", "empty"  # the last page of an API export, {"Records": []}
    for audit in audits:
        if audit.looks_like(first):
            host = audit_source(audit.hosted_by) if audit.hosted_by and not forced else None
            if host is not None and host.looks_like(first):
                return host.name, "audit"  # a shared export: its lines are routed one by one
            return audit.name, "audit"
    if (
        shaped.shape == "lines"
        and not _single_line(shaped)
        and path.stat().st_size <= SNAPSHOT_LINES_MAX_BYTES
    ):
        # Snapshot exports written as JSON lines (gcloud asset export): offered as a list.
        payload = _load_document(path)
        for snap in SNAPSHOT_SOURCES:
            if forced in (None, snap.name) and snap.recognise(payload, snap.api_path(path)):
                return snap.name, "snapshot"
    if forced and audits:
        return (
            forced,
            "audit",
        )  # the adapter quarantines what is not one of its records, with reasons
    raise UnknownFormat(
        f"not recognised: no source recognises this file (known: {', '.join(known)})",
        file=str(path),
        hint="pass --source NAME if it is one, or remove it from the input",
    )


def _empty_wrapper(path: Path, shaped: sniff.Sniffed) -> bool:
    """A records wrapper or API page whose records array is empty."""
    if shaped.shape != "document" and not _single_line(shaped):
        return False
    if path.stat().st_size > SNAPSHOT_LINES_MAX_BYTES:
        return False
    try:
        payload = _load_document(path)
    except (IngestError, ValueError):
        return False
    key = sniff.records_key(payload) if isinstance(payload, dict) else None
    return key is not None and not payload[key]


def _single_line(shaped: sniff.Sniffed) -> bool:
    """The whole file fits in the sniffed head and holds one line."""
    return len(shaped.head) < sniff.SNIFF_BYTES and len(shaped.head.strip().splitlines()) == 1


def _first_record(path: Path, shaped: sniff.Sniffed) -> Any:
    if shaped.shape == "lines":
        head_lines = shaped.head.splitlines()[:50]
        if len(shaped.head) >= sniff.SNIFF_BYTES and "\n" not in shaped.head.strip():
            head_lines = [sniff.first_line(path)]  # one line longer than the sniffed head
        for raw_line in head_lines:
            line = raw_line.strip()
            if "{" not in line:
                continue
            try:
                value = json.loads(line[line.index("{") :])
            except ValueError:
                continue
            if isinstance(value, dict):
                for key in ("message",):
                    inner = value.get(key)
                    if isinstance(inner, str) and inner.lstrip().startswith("{"):
                        try:
                            return json.loads(inner)
                        except ValueError:
                            pass
                return value
        return None
    found, value = sniff.first_record_in_head(shaped.head)
    if found:
        return value  # the first record, without decoding the whole document
    for rec in sniff.iter_document_records(path):
        if rec.problem:
            return None
        try:
            return json.loads(rec.text)
        except ValueError:
            return None
    return None


def _load_document(path: Path) -> Any:
    text = sniff.read_text(path)
    try:
        return json.loads(text)
    except RecursionError:
        return None  # nested deeper than any real export: not ours
    except ValueError:
        pass
    # JSON lines: a list of the records (snapshot exports only; audit logs never come here).
    records = []
    for line in text.splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError:
                return None
    return records or None


_SPLIT_DOCUMENT_SQL = """
SELECT CAST(unnest(CASE
    WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
    WHEN json_type(d, '$.Records') = 'ARRAY' THEN json_extract(d, '$.Records[*]')
    WHEN json_type(d, '$.records') = 'ARRAY' THEN json_extract(d, '$.records[*]')
    WHEN json_type(d, '$.Events') = 'ARRAY' THEN json_extract(d, '$.Events[*]')
    WHEN json_type(d, '$.QueryResultRows') = 'ARRAY' THEN json_extract(d, '$.QueryResultRows[*]')
    -- API pages (sniff.PAGE_KEYS): the array is the records only next to a paging key.
    WHEN json_type(d, '$.items') = 'ARRAY' AND (json_exists(d, '$.cursor')
         OR json_exists(d, '$.has_more') OR d ->> '$.kind' = 'EventList')
        THEN json_extract(d, '$.items[*]')
    WHEN json_type(d, '$.logs') = 'ARRAY' AND json_exists(d, '$.page')
        THEN json_extract(d, '$.logs[*]')
    ELSE [json(d)]
END) AS VARCHAR) AS record
FROM doc
"""
# CloudTrail's `{"Records":[...]}`, nearly every document: each json_* call parses the whole text
# again, so the records are cut with one call instead of the three the general query needs.
_RECORDS_HEAD = re.compile(r'\s*\{\s*"Records"\s*:\s*\[')
_SPLIT_RECORDS_SQL = (
    "SELECT CAST(unnest(json_extract(d, '$.Records[*]')) AS VARCHAR) AS record FROM doc"
)

_DONE = object()


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """Produce ``items`` on a helper thread, ``depth`` ahead (reading and gunzip overlap parsing).

    zlib, file reads and Arrow kernels release the GIL, so this is real overlap on two cores.
    An exception in the producer is re-raised in the consumer.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_DONE)
        except BaseException as exc:
            q.put(exc)

    worker = threading.Thread(target=produce, name="keytrail-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


class BackgroundWriter:
    """One writer thread with at most ``depth`` jobs in flight (bounded memory, ordered writes)."""

    def __init__(self, depth: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keytrail-writer")
        self._inflight: deque[Future[None]] = deque()
        self._depth = depth

    def submit(self, job: Callable[[], None]) -> None:
        while len(self._inflight) >= self._depth:
            self._inflight.popleft().result()
        self._inflight.append(self._pool.submit(job))

    def drain(self) -> None:
        while self._inflight:
            self._inflight.popleft().result()

    def close(self) -> None:
        """Wait for every job (their errors were raised by ``drain`` on the normal path)."""
        self._pool.shutdown(wait=True)


class _Seen:
    """Event ids already in the lake or written by this run, loaded per touched partition."""

    def __init__(self, con: duckdb.DuckDBPyConnection, lake: Lake, source: str) -> None:
        self.con = con
        self.lake = lake
        self.source = source
        self.loaded: set[str] = set()
        con.execute("CREATE OR REPLACE TEMP TABLE seen (event_id VARCHAR)")

    def load(self, dates: Iterable[str]) -> None:
        # A request and its response can fall on both sides of midnight: the neighbouring days
        # may hold the same event_id (written as `unknown` by an earlier run).
        days: set[str] = set()
        for d in dates:
            day = date.fromisoformat(d)
            days.update(str(day + timedelta(days=k)) for k in (-1, 0, 1))
        for d in sorted(days):
            if d in self.loaded:
                continue
            self.loaded.add(d)
            files = self.lake.files("events", source=self.source, event_date=d)
            if files:
                self.con.execute(
                    "INSERT INTO seen SELECT event_id FROM read_parquet($files)",
                    {"files": [str(f) for f in files]},
                )


class Ingest:
    """One ingest run against one lake."""

    def __init__(
        self,
        lake: Lake,
        *,
        source: str | None = None,
        store: str | None = None,
        progress: Progress | None = None,
        block_bytes: int = sniff.BLOCK_BYTES,
        vault_hmac_key: str | None = None,
    ) -> None:
        self.lake = lake
        # Scanner reports: a leaked Vault token's audit HMAC (never written anywhere).
        self.vault_hmac_key = vault_hmac_key or os.environ.get(scanners.VAULT_KEY_ENV) or None
        self.forced_source = source
        self.store = store  # None: each source names its instance (or uses its default)
        self.progress = progress
        self.block_bytes = int(os.environ.get("KEYTRAIL_BLOCK_BYTES", block_bytes))
        self.started = datetime.now(UTC)
        self.ingest_id = new_ingest_id(self.started)
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET preserve_insertion_order = false")
        self._reader_con = duckdb.connect()
        self.redactor = Redactor(load_or_create_key(lake.meta_dir))
        self.quarantine: list[pa.Table] = []
        self._writer = BackgroundWriter()
        self._reports: list[FileReport] = []
        self.warnings: list[str] = []

    # -- planning ---------------------------------------------------------------------------
    def plan(self, paths: Sequence[Path]) -> list[_Planned]:
        files, docs = expand(paths)
        if not files:
            raise IngestError("no input files found", file=", ".join(map(str, paths)))
        known, known_sizes = self._known_hashes()
        planned: list[_Planned] = []
        for path in docs:
            rep = FileReport(path=path, bytes=path.stat().st_size, status="not ingested")
            rep.note = "documentation or code file"
            planned.append(_Planned(rep, "empty"))
        for path in files:
            rep = FileReport(path=path, bytes=path.stat().st_size)
            shaped = sniff.sniff(path)
            # A file already ingested has the same size as one in ingest_log: only then is it
            # hashed up front; otherwise its sha256 is computed while it is read (one pass).
            if rep.bytes in known_sizes or shaped.shape != "lines":
                rep.sha256 = file_sha256(path)
                if rep.sha256 in known:
                    rep.status = "already ingested"
                    rep.note = f"same sha256 as {known[rep.sha256]}"
                    planned.append(_Planned(rep, "empty"))
                    continue
            rep.source, kind = detect(path, shaped, self.forced_source)
            rep.kind = f"{rep.source}-{kind}" if rep.source else kind
            planned.append(_Planned(rep, shaped.shape))
        return planned

    def _known_hashes(self) -> tuple[dict[str, str], set[int]]:
        """sha256 → a file it came from, and the sizes of all files ingested before."""
        files = self.lake.files("ingest_log")
        if not files:
            return {}, set()
        rows = self.con.execute(
            "SELECT file_sha256, any_value(origin_file), any_value(bytes) "
            "FROM read_parquet($f) GROUP BY 1",
            {"f": [str(f) for f in files]},
        ).fetchall()
        return {sha: origin for sha, origin, _ in rows}, {int(size) for _, _, size in rows}

    # -- running ----------------------------------------------------------------------------
    def run(self, paths: Sequence[Path]) -> RunReport:
        with self.lake.writer_lock():
            try:
                planned = self.plan(paths)
                self._reports = [p.report for p in planned]
                todo = [p for p in planned if p.report.status == "pending"]
                for p in todo:
                    if p.report.kind.endswith("empty"):
                        p.report.status = "ingested"
                        p.report.note = "empty file"
                for audit in AUDIT_SOURCES:
                    mine = [p for p in todo if p.report.kind == f"{audit.name}-audit"]
                    if mine:
                        self._run_audit(audit, mine)
                for snap in SNAPSHOT_SOURCES:
                    mine = [p for p in todo if p.report.kind == f"{snap.name}-snapshot"]
                    if mine:
                        self._run_snapshots(snap, mine)
                self._run_reports([p for p in todo if p.report.kind.endswith("-report")])
                if todo:
                    # Derived tables: this run's rollups, then identities over everything.
                    self._writer.drain()
                    rollups.update_rollups(self.con, self.lake, self.ingest_id)
                    rollups.rebuild_identities(self.con, self.lake, self.ingest_id)
                # Runs written by an older keytrail get the rollup tables added since.
                rollups.backfill_rollups(self.con, self.lake)
                self._write_quarantine()
                finished = datetime.now(UTC)
                self._write_ingest_log([p.report for p in todo], finished)
            finally:
                self._writer.close()  # no write outlives the lock
        return RunReport(
            ingest_id=self.ingest_id,
            lake=self.lake.root,
            files=[p.report for p in planned],
            started=self.started,
            finished=finished,
            warnings=self.warnings,
        )

    def _run_audit(self, audit: AuditSource, planned: list[_Planned]) -> None:
        reports = [p.report for p in planned]
        total = sum(r.bytes for r in reports)
        guests = [
            g
            for g in AUDIT_SOURCES
            if g.hosted_by == audit.name and g.claims is not None and not self.forced_source
        ]
        if not guests:
            self._feed_audit(audit, reports, prefetch(self._packed(planned)), total)
            return
        # Lines of guest sources (GKE entries in a Cloud Logging sink) are set aside in Arrow IPC
        # files on disk, so memory stays bounded, then fed to the guest's adapter.
        with tempfile.TemporaryDirectory(dir=self.lake.meta_dir, prefix="routed-") as tmp:
            spills = {g.name: _Spill(Path(tmp) / f"{g.name}.arrows") for g in guests}
            blocks = _routed(prefetch(self._packed(planned)), guests, spills)
            self._feed_audit(audit, reports, blocks, total)
            host_read = [r.records_read for r in reports]
            for guest in guests:
                spill = spills[guest.name]
                if spill.close():
                    for i, n in spill.per_file.items():
                        if host_read[i]:  # a mixed file: the note says how its lines split
                            note = f"{n:,} {guest.name} records"
                            reports[i].note = _join_note(reports[i].note, note)
                        else:  # every record was the guest's: the file is the guest's
                            reports[i].source = guest.name
                            reports[i].kind = f"{guest.name}-audit"
                    # Their files are read already: progress stays at the end.
                    blocks = spill.blocks(self.block_bytes, done=total)
                    self._feed_audit(guest, reports, blocks, total)

    def _feed_audit(
        self,
        audit: AuditSource,
        reports: list[FileReport],
        blocks: Iterable[tuple[pa.Array, pa.Array, pa.Array, int]],
        total: int,
    ) -> None:
        adapter = audit.make(self.con, self.store, self.redactor)
        seen = _Seen(self.con, self.lake, adapter.source)
        origin = pa.array([str(r.path) for r in reports], pa.string())
        for file_idx, lines, numbers, done in blocks:
            counts = np.bincount(file_idx.to_numpy(zero_copy_only=False), minlength=len(reports))
            for i in np.flatnonzero(counts):
                reports[i].records_read += int(counts[i])
            bad = adapter.feed(file_idx, lines, numbers)
            if bad.num_rows:
                for i, n in _count_by(bad, "file_idx").items():
                    reports[i].quarantined += n
                self._add_quarantine(bad, reports, origin, adapter.source)
            self._settle(reports, seen, origin, adapter)
            if self.progress:
                self.progress(reports[int(file_idx[-1].as_py())].path.name, done, total)
        if adapter.finish():
            self._settle(reports, seen, origin, adapter)
        self._writer.drain()
        for rep in reports:
            rep.status = "ingested"
        if self.progress:
            self.progress("", total, total)

    def _packed(
        self, planned: list[_Planned]
    ) -> Iterator[tuple[pa.Array, pa.Array, pa.Array, int]]:
        """Blocks of about ``block_bytes``: a big file is cut into several, small files (an S3
        prefix of CloudTrail objects, hourly blobs) share one, so per-block costs stay
        proportional to the data, not to the number of files. Yields (file index per line,
        lines, line numbers, disk bytes done)."""
        parts: list[tuple[int, pa.Array, pa.Array]] = []
        size = 0
        done_before = 0
        done = 0
        for idx, p in enumerate(planned):
            for lines, numbers, disk_pos in self._blocks(p):
                if not len(lines):
                    continue
                parts.append((idx, lines, numbers))
                size += lines.nbytes
                done = done_before + disk_pos
                if size >= self.block_bytes:
                    yield (*_concat_parts(parts), done)
                    parts, size = [], 0
            done_before += p.report.bytes
        if parts:
            yield (*_concat_parts(parts), done_before)

    def _blocks(self, p: _Planned) -> Iterable[tuple[pa.Array, pa.Array, int]]:
        path = p.report.path
        if p.shape == "lines":

            def got_sha(digest: str) -> None:
                p.report.sha256 = digest

            for block in sniff.iter_line_blocks(path, self.block_bytes, on_sha256=got_sha):
                yield block.lines, block.line_numbers, block.disk_pos
            return
        records = self._split_one_line_document(path)
        if records is not None:
            yield records, pa.array(np.arange(1, len(records) + 1, dtype=np.int64)), p.report.bytes
            return
        texts: list[str] = []
        numbers: list[int] = []
        for rec in sniff.iter_document_records(path):
            if rec.problem:
                # A broken piece of the document: quarantined with its line; reading went on.
                self._quarantine_one(p.report, rec.line, rec.problem, rec.text)
                p.report.records_read += 1
                p.report.quarantined += 1
                continue
            texts.append(rec.text)
            numbers.append(rec.line)
        if texts:
            yield pa.array(texts, pa.string()), pa.array(numbers, pa.int64()), p.report.bytes

    def _split_one_line_document(self, path: Path) -> pa.Array | None:
        """Records of a minified document (CloudTrail's ``{"Records":[...]}``, an API page),
        cut column-wise by DuckDB; ``origin_line`` is then the record's ordinal, since every
        record sits on line 1. None for pretty-printed or broken documents (the Python path
        keeps real line numbers and reports where the syntax breaks)."""
        text = sniff.read_text(path)
        if "\n" in text.strip():
            return None
        # Runs on the reader thread: its own connection (a DuckDB connection is not shared
        # between threads while the main thread parses on self.con).
        con = self._reader_con
        con.register("doc", pa.table({"d": pa.array([text], pa.large_string())}))
        try:
            query = _SPLIT_RECORDS_SQL if _RECORDS_HEAD.match(text, 0, 256) else _SPLIT_DOCUMENT_SQL
            out = con.sql(query).to_arrow_table()
        except duckdb.Error:
            return None
        finally:
            con.unregister("doc")
        return out.column(0).combine_chunks().cast(pa.string())

    def _settle(
        self,
        reports: list[FileReport],
        seen: _Seen,
        origin: pa.Array,
        adapter: AuditAdapter,
    ) -> None:
        """Count the dispositions in ``disp``, drop ids the lake holds, write the new events."""
        con = self.con
        dates = [
            d.isoformat()
            for (d,) in con.execute(
                "SELECT DISTINCT event_date FROM disp WHERE disposition = 'event'"
            ).fetchall()
        ]
        seen.load(dates)
        con.execute(
            "UPDATE disp SET disposition = 'duplicate' WHERE disposition = 'event' "
            "AND event_id IN (SELECT event_id FROM seen)"
        )
        for idx, disp, n in con.execute(
            "SELECT file_idx, disposition, count(*) FROM disp "
            "WHERE disposition <> 'skipped' GROUP BY ALL"
        ).fetchall():
            rep = reports[idx]
            if disp == "merged":
                rep.merged += n
            elif disp == "duplicate":
                rep.duplicates += n
            elif disp == "event":
                rep.events_written += n
        for idx, reason, n in con.execute(
            "SELECT file_idx, skip_reason, count(*) FROM disp WHERE disposition = 'skipped' "
            "GROUP BY ALL"
        ).fetchall():
            rep = reports[idx]
            rep.skipped += n
            rep.skipped_reasons[reason] = rep.skipped_reasons.get(reason, 0) + n
        con.execute("INSERT INTO seen SELECT event_id FROM disp WHERE disposition = 'event'")
        entries = adapter.entries
        if entries is None:
            # Unsorted: the writer thread sorts (off the parsing thread, which is the bottleneck).
            events = con.sql(
                "SELECT e.* EXCLUDE (original, quarantine_reason), d.event_date "
                "FROM entries e JOIN disp d ON e.rowid = d.r AND d.disposition = 'event'"
            ).to_arrow_table()
            con.execute("DROP TABLE entries")
        else:
            # Entries are Arrow already: DuckDB orders the event rows on their narrow sort keys
            # (file and line last, so equal keys keep one order), Arrow takes them once.
            keys = ", ".join(f"e.{c}" for c, _ in _EVENT_ORDER[1:])
            picked = con.sql(
                "SELECT d.r, d.event_date FROM disp d JOIN entries e ON e.r = d.r "
                f"WHERE d.disposition = 'event' ORDER BY d.event_date, {keys}, e.file_idx, e.line"
            ).to_arrow_table()
            con.unregister("entries")
            adapter.entries = None
            events = entries.take(picked.column("r")).drop_columns(
                ["original", "quarantine_reason", "r"]
            )
            events = events.append_column("event_date", picked.column("event_date"))
        con.execute("DROP TABLE disp")
        if events.num_rows == 0:
            return
        text = adapter.text  # this block's lines (the next feed replaces them)
        presorted = entries is not None

        def finish_and_write() -> None:
            # Sorted while narrow, then each row's raw text taken once, already in order.
            if presorted:
                ordered = events
            else:
                ordered = events.take(pc.sort_indices(events, sort_keys=_EVENT_ORDER))
            raw = take_raw(ordered, text)
            ordered = ordered.drop_columns(["raw_override"]).append_column("raw", raw)
            done = self._to_events(adapter.postprocess(ordered), origin, adapter.source)
            self.lake.write("events", done, self.ingest_id, presorted=True)

        # Redaction and Parquet encoding overlap with parsing the next block.
        self._writer.submit(finish_and_write)

    def _to_events(self, fresh: pa.Table, origin: pa.Array, source: str) -> pa.Table:
        n = fresh.num_rows
        cols: dict[str, Any] = {name: fresh.column(name) for name in fresh.column_names}
        cols["raw"] = self.redactor.redact_arrow(fresh.column("raw"))
        cols["source"] = pa.array([source] * n, pa.string())
        cols["origin_file"] = pc.take(origin, fresh.column("file_idx"))
        cols["origin_line"] = fresh.column("line")
        cols["ingest_id"] = pa.array([self.ingest_id] * n, pa.string())
        return pa.table(cols)

    # -- snapshots --------------------------------------------------------------------------
    def _run_snapshots(self, snap: SnapshotSource, planned: list[_Planned]) -> None:
        docs = []
        for p in planned:
            rep = p.report
            mtime = datetime.fromtimestamp(rep.path.stat().st_mtime, UTC)
            docs.append(
                SnapshotDoc(
                    origin_file=str(rep.path),
                    api_path=snap.api_path(rep.path),
                    payload=_load_document(rep.path),
                    snapshot_time=mtime,
                )
            )
        result = snap.build(docs, self.store)
        self.warnings.extend(result.warnings)
        written: dict[str, int] = {}
        for table, rows, key in (
            ("grants", result.grants, "grant_id"),
            ("principals", result.principals, "principal_row_id"),
            ("secrets", result.secrets, "secret_row_id"),
        ):
            for origin_file, n in self._write_snapshot_rows(snap.name, table, rows, key).items():
                written[origin_file] = written.get(origin_file, 0) + n
        for p in planned:
            rep = p.report
            outcome = result.per_file.get(str(rep.path))
            rep.records_read = 1
            rep.status = "ingested"
            if outcome is not None and outcome.problem:
                rep.quarantined = 1
                self._quarantine_one(rep, 1, outcome.problem, "")
                continue
            rep.note = (outcome.kind or "") if outcome is not None else ""
            # One snapshot document is one record; the rows it yields are reported in the note.
            n = written.get(str(rep.path), 0)
            if n:
                rep.events_written = 1
                rep.note = f"{rep.note}: {n} rows"
            elif outcome is not None and outcome.rows_written:
                rep.duplicates = 1
                rep.note = f"{rep.note}: rows already in the lake"
            else:
                rep.skipped = 1
                reason = f"{outcome.kind if outcome else 'snapshot'} (no rows of its own)"
                rep.skipped_reasons[reason] = 1

    def _write_snapshot_rows(
        self, source: str, table: str, rows: list[dict[str, Any]], key: str
    ) -> dict[str, int]:
        if not rows:
            return {}
        data = rows_to_table(table, [{**r, "ingest_id": self.ingest_id} for r in rows])
        existing = self.lake.files(table, source=source)
        if existing:
            have = {
                r[0]
                for r in self.con.execute(
                    f"SELECT {key} FROM read_parquet($f)", {"f": [str(f) for f in existing]}
                ).fetchall()
            }
            data = data.filter(pc.invert(pc.is_in(data.column(key), pa.array(list(have)))))
        # The same row from two snapshot files of one run is one row.
        data = _first_by(data, key)
        self.lake.write(table, data, self.ingest_id)
        return dict(_count_by(data, "origin_file"))

    # -- scanner reports --------------------------------------------------------------------
    def _run_reports(self, planned: list[_Planned]) -> None:
        """Scanner reports → ``leaks``: every finding is a row, a duplicate (a leak id already
        in the lake or met earlier in this run), quarantined, or skipped (log lines)."""
        if not planned:
            return
        ctx = scanners.Context(self.redactor, self.vault_hmac_key)
        have = self._leak_ids()
        for p in planned:
            rep = p.report
            if not rep.sha256:
                rep.sha256 = file_sha256(rep.path)
            result = scanners.parse_report(rep.source, rep.path, ctx)
            rep.records_read = result.records
            for problem in result.problems:
                self._quarantine_one(rep, problem.line, problem.reason, problem.text)
            rep.quarantined = len(result.problems)
            rep.skipped = sum(result.skipped.values())
            rep.skipped_reasons.update(result.skipped)
            fresh = []
            for row in result.rows:
                if row["leak_id"] in have:
                    rep.duplicates += 1
                    continue
                have.add(row["leak_id"])
                fresh.append({**row, "origin_file": str(rep.path), "ingest_id": self.ingest_id})
            rep.events_written = len(fresh)
            if fresh:
                self.lake.write("leaks", rows_to_table("leaks", fresh), self.ingest_id)
            rep.status = "ingested"
            rep.note = f"{len(fresh)} leaks" if fresh else "no new leaks"

    def _leak_ids(self) -> set[str]:
        files = self.lake.files("leaks")
        if not files:
            return set()
        rel = self.con.sql(
            "SELECT leak_id FROM read_parquet($f)", params={"f": [str(f) for f in files]}
        )
        return {str(v) for v in rel.to_arrow_table().column(0).to_pylist()}

    # -- quarantine and ingest_log ----------------------------------------------------------
    def _add_quarantine(
        self, bad: pa.Table, reports: list[FileReport], origin: pa.Array, source: str
    ) -> None:
        raw = pl.from_arrow(bad.column("raw")).str.slice(0, QUARANTINE_RAW_CHARS)  # type: ignore[union-attr]
        raw = self.redactor.redact_series(raw)
        self.quarantine.append(
            pa.table(
                {
                    "ingest_id": pa.array([self.ingest_id] * bad.num_rows, pa.string()),
                    "source": pa.array([source] * bad.num_rows, pa.string()),
                    "origin_file": pc.take(origin, bad.column("file_idx")),
                    "file_sha256": pa.nulls(bad.num_rows, pa.string()),  # known at the end
                    "origin_line": bad.column("line"),
                    "reason": bad.column("reason"),
                    "raw": raw.to_arrow(),
                }
            )
        )

    def _quarantine_one(self, rep: FileReport, line: int, reason: str, raw: str) -> None:
        self.quarantine.append(
            pa.table(
                {
                    "ingest_id": [self.ingest_id],
                    "source": [rep.source or "unknown"],
                    "origin_file": [str(rep.path)],
                    "file_sha256": [rep.sha256],
                    "origin_line": pa.array([line], pa.int64()),
                    "reason": [reason],
                    "raw": [self.redactor.redact_text(raw[:QUARANTINE_RAW_CHARS])],
                }
            )
        )

    def _write_quarantine(self) -> None:
        if not self.quarantine:
            return
        q = pa.concat_tables(self.quarantine, promote_options="permissive")
        # Files hashed while read have their sha256 only now.
        sha_of = pa.array([r.sha256 for r in self._reports], pa.string())
        path_of = pa.array([str(r.path) for r in self._reports], pa.string())
        looked_up = pc.take(sha_of, pc.index_in(q.column("origin_file"), value_set=path_of))
        q = q.set_column(
            q.schema.get_field_index("file_sha256"),
            "file_sha256",
            pc.coalesce(q.column("file_sha256"), looked_up),
        )
        ids = [
            hashlib.sha256(f"{sha}|{line}".encode()).hexdigest()[:32]
            for sha, line in zip(
                q.column("file_sha256").to_pylist(),
                q.column("origin_line").to_pylist(),
                strict=True,
            )
        ]
        q = q.append_column("quarantine_id", pa.array(ids, pa.string()))
        existing = self.lake.files("quarantine")
        if existing:
            have = (
                self.con.sql(
                    "SELECT quarantine_id FROM read_parquet($f)",
                    params={"f": [str(f) for f in existing]},
                )
                .to_arrow_table()
                .column(0)
            )
            q = q.filter(pc.invert(pc.is_in(q.column("quarantine_id"), have)))
        self.lake.write("quarantine", q, self.ingest_id)

    def _write_ingest_log(self, reports: list[FileReport], finished: datetime) -> None:
        broken = [r for r in reports if not r.balanced()]
        if broken:
            r = broken[0]
            raise IngestError(
                f"record counts do not balance: read {r.records_read} != written {r.events_written}"
                f" + merged {r.merged} + duplicates {r.duplicates} + quarantined {r.quarantined}"
                f" + skipped {r.skipped}",
                file=str(r.path),
                hint="this is a keytrail bug; please report it with the input file",
            )
        if not reports:
            return
        rows = [
            {
                "ingest_id": self.ingest_id,
                "origin_file": str(r.path),
                "file_sha256": r.sha256,
                "bytes": r.bytes,
                "source": r.source or "unknown",
                "kind": r.kind.rsplit("-", 1)[-1]
                if r.kind.endswith(("snapshot", "report"))
                else "audit",
                "records_read": r.records_read,
                "events_written": r.events_written,
                "merged": r.merged,
                "duplicates": r.duplicates,
                "quarantined": r.quarantined,
                "skipped": r.skipped,
                "skipped_reasons": list(r.skipped_reasons.items()),
                "started": self.started,
                "finished": finished,
            }
            for r in reports
        ]
        self.lake.write("ingest_log", rows_to_table("ingest_log", rows), self.ingest_id)


class _Spill:
    """Lines set aside for another source, in an Arrow IPC stream on disk."""

    SCHEMA = pa.schema([("file_idx", pa.int32()), ("line", pa.int64()), ("text", pa.string())])

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self.per_file: dict[int, int] = {}
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None

    def add(self, file_idx: pa.Array, lines: pa.Array, numbers: pa.Array) -> None:
        if self._writer is None:
            self._writer = pa.ipc.new_stream(str(self.path), self.SCHEMA)
        batch = pa.table([file_idx.cast(pa.int32()), numbers, lines], schema=self.SCHEMA)
        self._writer.write_table(batch)
        self.rows += batch.num_rows
        for i, n in _count_by(batch, "file_idx").items():
            self.per_file[i] = self.per_file.get(i, 0) + n

    def close(self) -> bool:
        """Finish writing; True when there is something to read back."""
        if self._writer is not None:
            self._writer.close()
        return self.rows > 0

    def blocks(
        self, block_bytes: int, done: int
    ) -> Iterator[tuple[pa.Array, pa.Array, pa.Array, int]]:
        with pa.ipc.open_stream(str(self.path)) as reader:
            parts: list[pa.RecordBatch] = []
            size = 0
            for batch in reader:
                parts.append(batch)
                size += batch.nbytes
                if size >= block_bytes:
                    yield self._block(parts, done)
                    parts, size = [], 0
            if parts:
                yield self._block(parts, done)

    @staticmethod
    def _block(parts: list[pa.RecordBatch], done: int) -> tuple[pa.Array, pa.Array, pa.Array, int]:
        table = pa.Table.from_batches(parts)
        return (
            table.column("file_idx").combine_chunks(),
            table.column("text"),
            table.column("line").combine_chunks(),
            done,
        )


def _routed(
    blocks: Iterable[tuple[pa.Array, pa.Array, pa.Array, int]],
    guests: list[AuditSource],
    spills: dict[str, _Spill],
) -> Iterator[tuple[pa.Array, pa.Array, pa.Array, int]]:
    """The host's blocks without the lines a guest source claims (those go to its spill)."""
    for file_idx, lines, numbers, done in blocks:
        keep = np.ones(len(lines), dtype=bool)
        for guest in guests:
            assert guest.claims is not None
            mine = guest.claims(lines) & keep
            if mine.any():
                sel = pa.array(mine)
                spills[guest.name].add(file_idx.filter(sel), lines.filter(sel), numbers.filter(sel))
                keep &= ~mine
        if keep.all():
            yield file_idx, lines, numbers, done
        elif keep.any():
            sel = pa.array(keep)
            yield file_idx.filter(sel), lines.filter(sel), numbers.filter(sel), done


def _join_note(note: str, extra: str) -> str:
    return f"{note}; {extra}" if note else extra


def _concat_parts(
    parts: list[tuple[int, pa.Array, pa.Array]],
) -> tuple[pa.Array, pa.Array | pa.ChunkedArray, pa.Array]:
    if len(parts) == 1:
        idx, lines, numbers = parts[0]
        return pa.array(np.full(len(lines), idx, dtype=np.int32)), lines, numbers
    file_idx = np.concatenate([np.full(len(lines), i, dtype=np.int32) for i, lines, _ in parts])
    # The lines stay in their per-file chunks: concatenating them copied every byte of text.
    lines = pa.chunked_array([lines for _, lines, _ in parts], pa.string())
    numbers = pa.concat_arrays([numbers for _, _, numbers in parts])
    return pa.array(file_idx), lines, numbers


def _count_by(table: pa.Table, column: str) -> dict[Any, int]:
    counts = pc.value_counts(table.column(column)).to_pylist()
    return {c["values"]: c["counts"] for c in counts}


def _first_by(table: pa.Table, key: str) -> pa.Table:
    if table.num_rows == 0:
        return table
    idx = table.append_column("_i", pa.array(range(table.num_rows), pa.int64()))
    first = idx.group_by(key, use_threads=False).aggregate([("_i", "min")]).column("_i_min")
    return table.take(sorted(first.to_pylist()))


def run_ingest(
    paths: Sequence[Path],
    lake_root: Path,
    *,
    source: str | None = None,
    store: str | None = None,
    progress: Progress | None = None,
    vault_hmac_key: str | None = None,
) -> RunReport:
    """Ingest ``paths`` into the lake at ``lake_root``. ``vault_hmac_key`` (else
    ``$KEYTRAIL_VAULT_HMAC_KEY``) is the Vault audit device's HMAC key: with it a leaked Vault
    token in a scanner report gets the ``hmac-sha256:`` id its audit entries carry."""
    lake = Lake.open(lake_root, create=True)
    return Ingest(
        lake, source=source, store=store, progress=progress, vault_hmac_key=vault_hmac_key
    ).run(paths)
