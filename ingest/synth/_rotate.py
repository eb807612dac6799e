"""Write a line stream the way a file audit device plus logrotate (``delaycompress``) leaves it.

``vault_audit.log.K.gz`` (oldest) ... ``vault_audit.log.2.gz``, ``vault_audit.log.1`` (plain),
``vault_audit.log`` (current). Compression and disk writes run in a background thread (zlib and
file writes release the GIL), so they overlap with line generation. The gzip members are
byte-reproducible: the header carries the rotated file's name and, as mtime, the time of its
last line, exactly what ``gzip`` records when logrotate compresses the file.
"""

from __future__ import annotations

import queue
import struct
import threading
import zlib
from pathlib import Path
from typing import BinaryIO

from ingest.synth._clock import NS, parse_utc

_CHUNK_LINES = 4096
_STOP = None


def rotated_names(base: str, files: int) -> list[str]:
    """Names oldest first: ``base.K.gz`` ... ``base.2.gz``, ``base.1``, ``base``."""
    names = []
    for age in range(files - 1, -1, -1):
        if age == 0:
            names.append(base)
        elif age == 1:
            names.append(f"{base}.1")
        else:
            names.append(f"{base}.{age}.gz")
    return names


def _last_time_s(line: str) -> int:
    """Epoch seconds of the ``"time"`` in an audit line (or the stamp of a server log line)."""
    i = line.find('"time":"')
    text = line[i + 8 : i + 27] if i >= 0 else line[:19]
    try:
        return parse_utc(text + "Z") // NS
    except ValueError:
        return 0


class _GzipSink:
    """A single gzip member written incrementally; mtime patched in when the file closes."""

    def __init__(self, fh: BinaryIO, stored_name: str, level: int) -> None:
        self._fh = fh
        xfl = 2 if level >= 9 else 4 if level <= 1 else 0
        fh.write(b"\x1f\x8b\x08\x08" + b"\0\0\0\0" + bytes([xfl, 3]) + stored_name.encode() + b"\0")
        self._z = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self._fh.write(self._z.compress(data))

    def close(self, mtime: int) -> None:
        self._fh.write(self._z.flush())
        self._fh.write(struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))
        self._fh.seek(4)
        self._fh.write(struct.pack("<I", mtime & 0xFFFFFFFF))
        self._fh.close()


class RotatingWriter:
    """Take exactly ``total_lines`` lines and spread them over rotated files of ``per_file``."""

    def __init__(
        self, out_dir: Path, base: str, total_lines: int, per_file: int, gzip_level: int = 6
    ) -> None:
        if total_lines < 1 or per_file < 1:
            raise ValueError("total_lines and per_file must be positive")
        out_dir.mkdir(parents=True, exist_ok=True)
        files = -(-total_lines // per_file)
        self.paths = [out_dir / name for name in rotated_names(base, files)]
        self._per_file = per_file
        self._remaining = total_lines
        self._level = gzip_level
        self._file_idx = 0
        self._in_file = 0
        self._pending: list[str] = []
        self._last_line = ""
        self._q: queue.Queue[tuple[str, object] | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="synth-writer", daemon=True)
        self._thread.start()
        self._q.put(("open", 0))

    @property
    def remaining(self) -> int:
        return self._remaining

    def feed(self, lines: list[str]) -> bool:
        """Consume lines until the budget is spent; return False once it is (stop feeding)."""
        start = 0
        while start < len(lines) and self._remaining:
            take = min(len(lines) - start, self._remaining, self._per_file - self._in_file)
            self._pending.extend(lines[start : start + take])
            start += take
            self._remaining -= take
            self._in_file += take
            if self._in_file == self._per_file or self._remaining == 0:
                self._finish_file()
            elif len(self._pending) >= _CHUNK_LINES:
                self._ship()
        return self._remaining > 0

    def close(self) -> list[Path]:
        """Wait for the background writes; return the files oldest first."""
        if self._remaining:
            raise RuntimeError(f"line stream ended {self._remaining} lines short")
        self._q.put(_STOP)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.paths

    def abort(self) -> None:
        """Stop the background thread after a failure upstream (files stay incomplete)."""
        self._q.put(_STOP)
        self._thread.join()

    def _ship(self) -> None:
        if self._error is not None:
            raise self._error
        self._last_line = self._pending[-1]
        self._q.put(("data", "".join(self._pending).encode()))
        self._pending.clear()

    def _finish_file(self) -> None:
        self._ship()
        self._q.put(("close", _last_time_s(self._last_line)))
        self._file_idx += 1
        self._in_file = 0
        if self._remaining:
            self._q.put(("open", self._file_idx))

    def _drain(self) -> None:
        fh: BinaryIO | None = None
        gz: _GzipSink | None = None
        try:
            while (item := self._q.get()) is not _STOP:
                op, arg = item
                if op == "open":
                    path = self.paths[int(str(arg))]
                    fh = path.open("wb")
                    if path.name.endswith(".gz"):
                        gz = _GzipSink(fh, path.name[:-3], self._level)
                elif op == "data" and isinstance(arg, bytes):
                    (gz or fh).write(arg)  # type: ignore[union-attr]
                elif op == "close" and fh is not None:
                    if gz is not None:
                        gz.close(int(str(arg)))
                    else:
                        fh.close()
                    fh = gz = None
        except BaseException as exc:  # handed to the producer on its next call
            self._error = exc
            while self._q.get() is not _STOP:
                pass
