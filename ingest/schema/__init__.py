"""The lake contract, loaded from ``tables.yml`` into pyarrow schemas.

Every other part of keytrail reads table shapes from here; nothing redeclares a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    "float64": pa.float64(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "list<string>": pa.list_(pa.string()),
    "map<string,string>": pa.map_(pa.string(), pa.string()),
    "map<string,int64>": pa.map_(pa.string(), pa.int64()),
}

# DuckDB spelling of the same types, for typed empty views and SQL linting.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "float64": "DOUBLE",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "list<string>": "VARCHAR[]",
    "map<string,string>": "MAP(VARCHAR, VARCHAR)",
    "map<string,int64>": "MAP(VARCHAR, BIGINT)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    doc: str
    vocabulary: str | None = None
    plain: bool = False  # unique per row: no dictionary encoding, no statistics
    bloom: bool = False  # looked up by equality across files: a Parquet bloom filter per row group

    @property
    def arrow_type(self) -> pa.DataType:
        return _TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    partition: tuple[str, ...]
    sort: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def row_keys_ok(self, keys: set[str], *, supplied: frozenset[str] = frozenset()) -> bool:
        """A row (dict) may leave out optional columns, never a required one, and has no key the
        table does not declare. ``supplied``: columns the writer adds itself (``ingest_id``)."""
        names = set(self.column_names) - supplied
        required = {c.name for c in self.columns if not c.nullable} - supplied
        return required <= keys <= names

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def arrow_schema(self, *, with_partitions: bool = True) -> pa.Schema:
        """Schema of the table; without partition columns it is the schema of one Parquet file."""
        cols = [c for c in self.columns if with_partitions or c.name not in self.partition]
        return pa.schema([pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in cols])


@dataclass(frozen=True)
class LakeSchema:
    tables: dict[str, Table]
    vocabularies: dict[str, tuple[str, ...]]

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]


def _column(raw: dict[str, Any]) -> Column:
    if raw["type"] not in _TYPES:
        raise ValueError(f"tables.yml: column {raw['name']!r} has unknown type {raw['type']!r}")
    return Column(
        name=raw["name"],
        type=raw["type"],
        nullable=bool(raw.get("nullable", True)),
        doc=raw["doc"],
        vocabulary=raw.get("vocabulary"),
        plain=raw.get("encoding") == "plain",
        bloom=raw.get("encoding") == "bloom",
    )


@cache
def load(path: Path | None = None) -> LakeSchema:
    """Load and check the declared lake schema."""
    src = path or Path(__file__).with_name("tables.yml")
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    vocab = {k: tuple(v) for k, v in data["vocabularies"].items()}
    tables: dict[str, Table] = {}
    for name, spec in data["tables"].items():
        cols = tuple(_column(c) for c in spec["columns"])
        names = {c.name for c in cols}
        for group in ("partition", "sort", "key"):
            missing = set(spec.get(group) or []) - names
            if missing:
                raise ValueError(f"tables.yml: {name}.{group} names unknown columns {missing}")
        for c in cols:
            if c.vocabulary and c.vocabulary not in vocab:
                raise ValueError(f"tables.yml: {name}.{c.name} uses unknown vocabulary")
        tables[name] = Table(
            name=name,
            description=spec["description"],
            columns=cols,
            partition=tuple(spec.get("partition") or ()),
            sort=tuple(spec.get("sort") or ()),
            key=tuple(spec.get("key") or ()),
        )
    return LakeSchema(tables=tables, vocabularies=vocab)
