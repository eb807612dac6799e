"""Container sniffing shared by every source.

Turns any input file into a stream of *record texts* with their line numbers, whatever the wrapping:
gzip (by magic bytes, not extension), UTF-8 / UTF-16 byte-order marks, JSON lines, a JSON array,
``{"Records": [...]}`` / ``{"records": [...]}`` wrappers, back-to-back pretty-printed objects (jq
output), concatenated arrays (``gh api --paginate``), CRLF line ends and a missing final newline.

Two shapes come out:

* ``lines``: one record per line. Blocks of lines are returned as Arrow arrays so that adapters
  parse them column-wise (DuckDB / polars); no Python work per line. A text prefix before the JSON
  (Vault's ``prefix=`` option, syslog framing) is left in place here and stripped by the adapter,
  which also quarantines lines that hold no JSON at all.
* ``document``: a JSON document that is not line-oriented; records are cut out of it with their
  starting line numbers (Python's decoder, one call per record: documents are snapshots, API pages
  and small exports, not the bulk audit streams).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from isal import igzip, isal_zlib

from ingest.errors import UnreadableInput

# What reading a (possibly compressed) input can raise on damaged data (ISA-L's gzip reader has
# its own error class next to zlib's).
_ISAL_ERROR: type[Exception] = getattr(isal_zlib, "error")  # noqa: B009 - untyped in its stubs
READ_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error, _ISAL_ERROR)

GZIP_MAGIC = b"\x1f\x8b"
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Keys whose array holds the records: CloudTrail/Azure storage, LookupEvents pages, Lake results.
WRAPPER_KEYS = ("Records", "records", "Events", "QueryResultRows")
# API pages whose array holds records only next to a paging key: 1Password Events API
# (`items` + `cursor`/`has_more`), Kubernetes audit webhook batches (`kind: EventList`), Doppler
# activity logs (`logs` + `page`). A `kind: List` of RBAC objects is a snapshot, not a page.
PAGE_KEYS: dict[str, tuple[str, ...]] = {"items": ("cursor", "has_more"), "logs": ("page",)}


def records_key(value: dict[str, Any]) -> str | None:
    """The key whose array holds the records of a wrapper or API page, else None."""
    for key in WRAPPER_KEYS:
        if isinstance(value.get(key), list):
            return key
    for key, paging in PAGE_KEYS.items():
        if isinstance(value.get(key), list) and (
            any(p in value for p in paging) or (key == "items" and value.get("kind") == "EventList")
        ):
            return key
    return None


_WRAPPED_HEAD = re.compile(r'\s*(?:\[|\{\s*"(?:' + "|".join(WRAPPER_KEYS) + r')"\s*:\s*\[)\s*')


def first_record_in_head(head: str) -> tuple[bool, Any]:
    """(True, record) when ``head`` opens an array or a records wrapper whose first record can be
    decoded from the head alone; (False, None) otherwise (then read the whole document)."""
    m = _WRAPPED_HEAD.match(head)
    if not m:
        return False, None
    try:
        value, _ = json.JSONDecoder().raw_decode(head, m.end())
    except ValueError:
        return False, None
    return True, value


def opens_with_records(head: str) -> bool:
    """The document is a records wrapper (an audit export, never a snapshot)."""
    m = _WRAPPED_HEAD.match(head)
    return bool(m) and not head.lstrip().startswith("[")


SNIFF_BYTES = 1 << 16
BLOCK_BYTES = (
    64 << 20
)  # measured: fewer, larger blocks cut per-block overhead (2M lines: 28 s -> 23 s)

Shape = Literal["lines", "document", "empty"]


@dataclass(frozen=True)
class Sniffed:
    shape: Shape
    encoding: str
    gzipped: bool
    head: str  # the first decoded characters, for source detection


class _Utf8Reader(io.RawIOBase):
    """Re-encodes a UTF-16 text stream to UTF-8 bytes on the fly."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self._buf) < len(b):
            chunk = self._text.read(1 << 16)
            if not chunk:
                break
            self._buf += chunk.encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def open_bytes(path: Path) -> tuple[IO[bytes], str, bool]:
    """Open ``path`` as UTF-8 bytes, BOM removed; returns (stream, encoding, gzipped)."""
    stream, encoding, gzipped, _ = open_bytes_with_raw(path)
    return stream, encoding, gzipped


def read_text(path: Path) -> str:
    """The whole decoded text of ``path`` (gzip by magic, BOMs removed, UTF-16 re-encoded); a
    damaged compressed file is an ``UnreadableInput`` naming it."""
    stream, _, _ = open_bytes(path)
    try:
        data = stream.read()
    except READ_ERRORS as exc:
        raise UnreadableInput(
            f"corrupt or truncated compressed data: {exc}",
            file=str(path),
            hint="the file was damaged while copying; fetch it again",
        ) from exc
    finally:
        stream.close()
    return data.decode("utf-8", errors="replace")


class HashingReader(io.RawIOBase):
    """A read-only file wrapper that feeds every byte read into a sha256 (one pass, not two)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(b)  # type: ignore[attr-defined]
        if n:
            self.sha256.update(memoryview(b)[:n])
        return int(n or 0)

    def tell(self) -> int:
        return self._raw.tell()

    def finish(self) -> str:
        """Hash whatever the decoder left unread (e.g. bytes after a gzip stream) and return it."""
        while chunk := self._raw.read(1 << 20):
            self.sha256.update(chunk)
        return self.sha256.hexdigest()

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_bytes_with_raw(
    path: Path, *, hashing: bool = False
) -> tuple[IO[bytes], str, bool, IO[bytes]]:
    """As :func:`open_bytes`, plus the on-disk handle (its position drives progress bars).

    With ``hashing`` the on-disk handle is a :class:`HashingReader`.
    """
    try:
        raw: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise UnreadableInput(
            f"cannot open: {exc.strerror or exc}",
            file=str(path),
            hint="check the path and permissions",
        ) from exc
    magic = raw.read(2)
    raw.seek(0)
    gzipped = magic == GZIP_MAGIC
    stream: IO[bytes] = _gunzip(raw) if gzipped else raw
    try:
        start = stream.read(4)
    except (OSError, EOFError) as exc:
        raw.close()
        raise UnreadableInput(f"corrupt gzip stream: {exc}", file=str(path)) from exc
    encoding = "utf-8"
    bom_len = 0
    for bom, enc in BOMS:
        if start.startswith(bom):
            encoding, bom_len = enc, len(bom)
            break
    # Rewind by reopening: gzip streams cannot seek backwards cheaply.
    stream.close()
    raw.close()
    raw = path.open("rb")
    if hashing:
        raw = io.BufferedReader(HashingReader(raw), 1 << 20)
    stream = _gunzip(raw) if gzipped else raw
    stream.read(bom_len)
    if encoding.startswith("utf-16"):
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        return io.BufferedReader(_Utf8Reader(text), 1 << 16), encoding, gzipped, raw
    return stream, encoding, gzipped, raw


def _gunzip(raw: IO[bytes]) -> IO[bytes]:
    """A gzip reader that closes the underlying file with itself. ISA-L's: about three times
    faster than zlib's, which matters for CloudTrail's S3 objects and rotated logs."""
    stream: Any = igzip.IGzipFile(fileobj=raw, mode="rb")  # type: ignore[no-untyped-call]
    stream.myfileobj = raw
    return cast(IO[bytes], stream)


def first_line(path: Path) -> str:
    """The whole first line, however long (a Vault list response can be megabytes)."""
    stream, _, _ = open_bytes(path)
    try:
        return stream.readline().decode("utf-8", errors="replace")
    except READ_ERRORS as exc:
        raise UnreadableInput(f"corrupt gzip stream: {exc}", file=str(path)) from exc
    finally:
        stream.close()


def sniff(path: Path) -> Sniffed:
    """Decide whether the file is line-oriented JSON (possibly prefixed) or a JSON document."""
    stream, encoding, gzipped = open_bytes(path)
    try:
        head_bytes = stream.read(SNIFF_BYTES)
    except READ_ERRORS as exc:
        raise UnreadableInput(f"corrupt gzip stream: {exc}", file=str(path)) from exc
    finally:
        stream.close()
    head = head_bytes.decode("utf-8", errors="replace")
    stripped = head.lstrip()
    if not stripped or stripped.rstrip() in ("null", "[]", "{}"):
        # An empty report (`null`, `[]`) is a valid input with no records.
        return Sniffed("empty", encoding, gzipped, head)
    if stripped[0] == "[":
        return Sniffed("document", encoding, gzipped, head)
    if opens_with_records(head):
        # {"Records": [ ... (CloudTrail, Azure blobs): a document whatever follows; the first
        # line of a CloudTrail object is the whole file, so it is not read to find that out.
        return Sniffed("document", encoding, gzipped, head)
    if stripped[0] == "{":
        line0 = stripped.split("\n", 1)[0].strip()
        if "\n" not in stripped and len(head_bytes) == SNIFF_BYTES:
            line0 = first_line(path).strip()  # longer than the head: read all of it
        try:
            first = json.loads(line0)
        except ValueError:
            # The first object spans several lines: pretty-printed (one document or jq output).
            return Sniffed("document", encoding, gzipped, head)
        if isinstance(first, dict) and records_key(first):
            return Sniffed("document", encoding, gzipped, head)
        return Sniffed("lines", encoding, gzipped, head)
    # Text before the JSON: prefixed lines, syslog framing, or not JSON (the adapter decides).
    return Sniffed("lines", encoding, gzipped, head)


@dataclass(frozen=True)
class LineBlock:
    """A block of consecutive lines: ``lines[i]`` is line ``first_line + offsets[i]``."""

    lines: pa.Array  # string
    line_numbers: pa.Array  # int64, 1-based
    bytes_read: int  # decompressed bytes consumed so far in the file
    disk_pos: int  # position in the file on disk (compressed bytes for gzip)


def iter_line_blocks(
    path: Path, block_bytes: int = BLOCK_BYTES, on_sha256: Callable[[str], None] | None = None
) -> Iterator[LineBlock]:
    """Yield the non-empty lines of a line-oriented file in Arrow blocks, with 1-based line numbers.

    Memory stays at about two blocks whatever the file size. Invalid UTF-8 bytes become U+FFFD;
    the record then fails JSON validation or keeps the replacement character, never stops the file.
    ``on_sha256`` receives the sha256 of the file on disk, computed while reading, at the end.
    """
    stream, _, _, raw = open_bytes_with_raw(path, hashing=on_sha256 is not None)
    pieces: list[bytes] = []  # the unfinished last line so far (joined once: long lines stay O(n))
    next_line = 1
    consumed = 0
    try:
        while True:
            try:
                chunk = _read_up_to(stream, block_bytes)
            except READ_ERRORS as exc:
                raise UnreadableInput(
                    f"input ends in the middle of a gzip stream after {consumed} bytes: {exc}",
                    file=str(path),
                    hint="the file was truncated while copying; fetch it again",
                ) from exc
            if not chunk:
                whole, pieces = b"".join(pieces), []
                end = len(whole)
                if not end:
                    break
            else:
                cut = chunk.rfind(b"\n")
                if cut < 0:
                    pieces.append(chunk)
                    continue
                whole = b"".join([*pieces, chunk]) if pieces else chunk
                end = cut + len(whole) - len(chunk) + 1
                pieces = [whole[end:]] if end < len(whole) else []
            consumed += end  # the block: whole[:end], whole lines only
            lines, numbers, count = _split_lines(whole, end, next_line)
            next_line += count
            if len(lines):
                yield LineBlock(lines, numbers, consumed, raw.tell())
            if not chunk:
                break
        if on_sha256 is not None:
            on_sha256(raw.raw.finish())  # type: ignore[attr-defined]
    finally:
        stream.close()


READ_BYTES = 4 << 20


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, read in pieces of at most ``READ_BYTES``: one ``read(64 MiB)`` of a
    2 MB file allocates and returns 64 MiB to the kernel each time (measured on 507 hourly Azure
    blobs: 1.6 s of system time for 1.1 GB, 0.05 s this way)."""
    first = stream.read(min(READ_BYTES, size))
    if len(first) < min(READ_BYTES, size):
        return first  # a whole small file, or the end of one
    pieces = [first]  # a big file: the rest of the block in one read
    got = len(first)
    while got < size:
        piece = stream.read(size - got)
        if not piece:
            break
        pieces.append(piece)
        got += len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _split_lines(buf: bytes, end: int, first_line: int) -> tuple[pa.Array, pa.Array, int]:
    """Split ``buf[:end]`` at newlines, column-wise; drops blank lines, keeps 1-based numbers.
    Also returns how many lines the block spans (blank ones included)."""
    if end and buf[end - 1] == 10:
        end -= 1
    body = memoryview(buf)[:end]
    # One Arrow value over the block's own memory (no copy); the cast only validates UTF-8.
    offsets = pa.py_buffer(np.array([0, len(body)], dtype=np.int64))
    block = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(body)])
    try:
        text = block.cast(pa.large_string())
    except pa.ArrowInvalid:
        decoded = bytes(body).decode("utf-8", errors="replace")
        text = pa.array([decoded], pa.large_string())
    parts = pc.split_pattern(text, "\n").flatten()
    if buf.find(b"\r", 0, end) >= 0:
        parts = pc.utf8_rtrim(parts, characters="\r")
    count = len(parts)
    numbers = pa.array(np.arange(first_line, first_line + count, dtype=np.int64))
    short = pc.less(pc.binary_length(parts), 16)  # only short lines can be blank
    if pc.any(short).as_py():
        blank = pc.and_(short, pc.equal(pc.utf8_trim_whitespace(parts), ""))
        keep = pc.invert(blank)
        parts, numbers = parts.filter(keep), numbers.filter(keep)
    return parts.cast(pa.string()), numbers, count


@dataclass(frozen=True)
class DocRecord:
    text: str  # the record as JSON text (for nested-string records: the decoded inner JSON)
    line: int  # 1-based line where the record starts
    problem: str | None = None  # set when the record could not be cut out (quarantine reason)


def iter_document_records(path: Path) -> Iterator[DocRecord]:
    """Cut the records out of a JSON document.

    Handles: a top-level array (or several back to back), a ``Records``/``records`` wrapper,
    back-to-back objects, and a single object (yielded as one record). A syntax error yields one
    record with ``problem`` set for the broken piece; reading resumes at the next line that opens
    an object, so the records after a corrupt one are not lost.
    """
    stream, _, _ = open_bytes(path)
    try:
        text = stream.read().decode("utf-8", errors="replace")
    except READ_ERRORS as exc:
        raise UnreadableInput(f"corrupt gzip stream: {exc}", file=str(path)) from exc
    finally:
        stream.close()
    decoder = json.JSONDecoder()
    pos = 0
    line = 1
    n = len(text)
    while True:
        # Between records: whitespace, and the commas and brackets of an array being resynced.
        pos, line = _skip_ws(text, pos, line, extra=",]")
        if pos >= n:
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            if text[pos] == "[":  # a broken array: read its items one by one
                pos, line = _skip_ws(text, pos + 1, line)
                continue
            resume = _RESYNC.search(text, max(exc.pos, pos + 1))
            stop = resume.start() + 1 if resume else n
            yield DocRecord(text[pos : min(stop, pos + 2048)], line, f"invalid JSON: {exc.msg}")
            line += text.count("\n", pos, stop)
            pos = stop
            continue
        if isinstance(value, list):
            yield from _array_items(text, pos, line, decoder)
        elif isinstance(value, dict) and (key := records_key(value)):
            yield from _wrapper_items(text, pos, line, decoder, key)
        else:
            yield DocRecord(text[pos:end], line)
        line += text.count("\n", pos, end)
        pos = end


_RESYNC = re.compile(r"\n[ \t]*\{")  # a line that opens an object: where reading resumes


def _array_items(text: str, pos: int, line: int, decoder: json.JSONDecoder) -> Iterator[DocRecord]:
    """Items of the array starting at ``pos`` with the line each starts on."""
    pos += 1  # the '['
    while True:
        pos, line = _skip_ws(text, pos, line, extra=",")
        if pos >= len(text) or text[pos] == "]":
            return
        value, end = decoder.raw_decode(text, pos)
        del value
        yield DocRecord(text[pos:end], line)
        line += text.count("\n", pos, end)
        pos = end


def _wrapper_items(
    text: str, pos: int, line: int, decoder: json.JSONDecoder, records: str
) -> Iterator[DocRecord]:
    """Items of the ``records`` array (``Records``, ``items``, ...) inside the object at ``pos``."""
    pos += 1  # the '{'
    while True:
        pos, line = _skip_ws(text, pos, line, extra=",")
        if pos >= len(text) or text[pos] == "}":
            return
        key, pos = decoder.raw_decode(text, pos)
        pos, line = _skip_ws(text, pos, line, extra=":")
        if key == records and text[pos] == "[":
            start = pos
            yield from _array_items(text, pos, line, decoder)
            _, pos = decoder.raw_decode(text, start)
            line += text.count("\n", start, pos)
        else:
            _, end = decoder.raw_decode(text, pos)
            line += text.count("\n", pos, end)
            pos = end


def _skip_ws(text: str, pos: int, line: int, extra: str = "") -> tuple[int, int]:
    n = len(text)
    while pos < n and (text[pos].isspace() or text[pos] in extra):
        if text[pos] == "\n":
            line += 1
        pos += 1
    return pos, line
