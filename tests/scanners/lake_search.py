"""Search a whole lake for a value: every Parquet column value, and every byte of other files."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


def _values(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_values(k), *_values(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _values(v)]
    return [] if value is None else [str(value)]


def needles(secret: str) -> list[str]:
    """The secret, and its base64 forms (padded and not)."""
    encoded = base64.b64encode(secret.encode()).decode()
    return [secret, encoded, encoded.rstrip("=")]


def lake_contains(lake: Path, secret: str) -> list[str]:
    """Where ``secret`` (or its base64) shows in the lake: ``file:column`` or ``file`` entries."""
    hits: list[str] = []
    wanted = needles(secret)
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            for name in table.column_names:
                for value in table.column(name).to_pylist():
                    if any(n in s for s in _values(value) for n in wanted):
                        hits.append(f"{path}:{name}")
                        break
        data = path.read_bytes()  # Parquet too: compressed pages could still hold it
        if any(n.encode() in data for n in wanted):
            hits.append(str(path))
    return hits
