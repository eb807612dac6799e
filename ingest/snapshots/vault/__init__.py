"""Vault / OpenBao entitlement and inventory snapshots -> grants, principals, secrets rows.

Input: saved API responses (``vault read -format=json``, ``vault list -format=json``, curl),
one JSON document per file, with the API path usually only in the file name.

>>> from ingest.snapshots.vault import api_path_from_filename
>>> from pathlib import Path
>>> api_path_from_filename(Path("/x/v1/auth/approle/role/ci.json"))
'auth/approle/role/ci'
>>> api_path_from_filename(Path("secret%2Fmetadata%2Fpayments%2Fdb.json"))
'secret/metadata/payments/db'
"""

from __future__ import annotations

from ingest.snapshots.vault.build import build
from ingest.snapshots.vault.model import (
    KINDS,
    SOURCE,
    FileOutcome,
    SnapshotDoc,
    SnapshotResult,
)
from ingest.snapshots.vault.paths import api_path_from_filename, read_snapshot
from ingest.snapshots.vault.recognise import recognise
from ingest.snapshots.vault.timeparse import parse_rfc3339

__all__ = [
    "KINDS",
    "SOURCE",
    "FileOutcome",
    "SnapshotDoc",
    "SnapshotResult",
    "api_path_from_filename",
    "build",
    "parse_rfc3339",
    "read_snapshot",
    "recognise",
]
