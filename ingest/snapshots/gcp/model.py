"""Kinds, canonical ids and the small helpers every GCP row builder uses."""

from __future__ import annotations

import re
from typing import Any

# The generic helpers are shared with the Vault importer (one definition of a stable id).
from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, compact_json, stable_id
from ingest.snapshots.vault.timeparse import parse_rfc3339

__all__ = [
    "KINDS",
    "SOURCE",
    "FileOutcome",
    "SnapshotDoc",
    "SnapshotResult",
    "as_dict",
    "as_str",
    "as_utc",
    "compact_json",
    "parse_rfc3339",
    "secret_id",
    "split_secret_name",
    "stable_id",
]

SOURCE = "gcp"

# Every kind `recognise` can return, plus "empty" (null, [] or {}), which only `build` reports.
KINDS: tuple[str, ...] = (
    "project_iam_policy",  # gcloud projects get-iam-policy P (file named after the project)
    "secret_iam_policy",  # gcloud secrets get-iam-policy S (file named after the secret)
    "iam_policy",  # a policy whose file name does not say what it belongs to
    "project",  # gcloud projects describe P
    "project_list",  # gcloud projects list
    "secret",  # gcloud secrets describe S
    "secrets_list",  # gcloud secrets list
    "secret_versions",  # gcloud secrets versions list S
    "asset_iam_search",  # gcloud asset search-all-iam-policies
    "asset_export",  # gcloud asset export / asset list (iam-policy or resource content)
    "custom_roles",  # gcloud iam roles describe R --project P (has includedPermissions)
    "empty",
)

ASSET_PREFIX = "//secretmanager.googleapis.com/"
PROJECT_ASSET_PREFIX = "//cloudresourcemanager.googleapis.com/"
_SECRET_NAME = re.compile(
    r"projects/(?P<p>[^/\s]+)/(?:locations/(?P<l>[^/\s]+)/)?secrets/(?P<s>[^/\s]+)"
    r"(?:/versions/(?P<v>[^/\s]+))?"
)


def split_secret_name(name: Any) -> tuple[str, str | None, str, str | None] | None:
    """``projects/P/[locations/L/]secrets/S[/versions/V]`` (or its ``//secretmanager...`` asset
    form) -> (project, location, secret, version); None for anything else.

    >>> split_secret_name("projects/123/secrets/db-password")
    ('123', None, 'db-password', None)
    >>> split_secret_name(ASSET_PREFIX + "projects/1/locations/eu/secrets/x/versions/2")
    ('1', 'eu', 'x', '2')
    """
    if not isinstance(name, str):
        return None
    text = name.strip()
    if text.startswith(ASSET_PREFIX):
        text = text[len(ASSET_PREFIX) :]
    m = _SECRET_NAME.fullmatch(text)
    if m is None:
        return None
    return m.group("p"), m.group("l"), m.group("s"), m.group("v")


def secret_id(project: str, location: str | None, name: str) -> str:
    """Canonical id: ``gcp://projects/<project id>/secrets/<name>``, as the GCP audit mapping
    writes it (the project number only when the id is unknown); regional secrets keep
    ``locations/<location>/``, because a regional and a global secret may share a name."""
    where = f"locations/{location}/" if location else ""
    return f"gcp://projects/{project}/{where}secrets/{name}"
