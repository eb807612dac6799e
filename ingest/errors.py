"""One error root for ingest; every subclass says where the problem is."""

from __future__ import annotations


class IngestError(Exception):
    """A problem with an input, reported as ``file:line: reason`` plus what to do next."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where = f"{self.file}:{self.line}"
        msg = f"{where}: {self.reason}" if where else self.reason
        return f"{msg} ({self.hint})" if self.hint else msg


class UnreadableInput(IngestError):
    """The file cannot be opened or decoded at all."""


class UnknownFormat(IngestError):
    """No source adapter recognises the file."""


class LakeError(IngestError):
    """The lake directory is missing, not a lake, or inconsistent."""
