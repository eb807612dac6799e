"""Doppler entitlement and inventory snapshots -> grants, principals, secrets.

Input: management-API responses saved as JSON (``/v3/workplace``, ``/v3/workplace/users``,
groups, roles, service accounts and their tokens, projects, configs, config service tokens,
project members, secret names). How to export them and how to name the files: README.md.
"""

from __future__ import annotations

from ingest.snapshots import SnapshotSource
from ingest.snapshots.doppler.build import build
from ingest.snapshots.doppler.model import SOURCE
from ingest.snapshots.doppler.paths import read_snapshot
from ingest.snapshots.doppler.recognise import KINDS, api_path_from_filename, recognise

__all__ = [
    "KINDS",
    "SNAPSHOT",
    "SOURCE",
    "api_path_from_filename",
    "build",
    "read_snapshot",
    "recognise",
]

SNAPSHOT = SnapshotSource(
    name=SOURCE, recognise=recognise, build=build, api_path=api_path_from_filename
)
