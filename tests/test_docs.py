"""The README documents what the code does: schema section and CLI commands stay in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.schema import docs

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_schema_section_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index(docs.BEGIN)
    end = text.index(docs.END) + len(docs.END) + 1
    assert text[start:end] == docs.render(), "run: python -m ingest.schema.docs and paste it"


def test_every_cli_command_is_in_the_readme() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "keytrail.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    text = README.read_text(encoding="utf-8")
    for command in ("ingest", "sql", "demo"):
        assert command in out
        assert f"keytrail {command}" in text


def test_readme_has_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text
