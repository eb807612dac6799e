"""Kinds, canonical ids and the small helpers every Azure row builder uses."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.model import FileOutcome, SnapshotDoc, SnapshotResult
from ingest.snapshots.vault.model import as_dict, as_str, as_utc, compact_json, stable_id
from ingest.snapshots.vault.timeparse import parse_rfc3339
from ingest.sources.azure.ids import DEFAULT_DNS_SUFFIX, ObjectRef, is_vault_host, parse_object_uri

__all__ = [
    "DEFAULT_DNS_SUFFIX",
    "KINDS",
    "SOURCE",
    "FileOutcome",
    "ObjectRef",
    "SnapshotDoc",
    "SnapshotResult",
    "as_dict",
    "as_str",
    "as_utc",
    "compact_json",
    "is_vault_host",
    "parse_object_uri",
    "parse_rfc3339",
    "secret_ref",
    "stable_id",
    "wildcard",
]

SOURCE = "azure"

# Every kind `recognise` can return, plus "empty" (null, [] or {}), which only `build` reports.
KINDS: tuple[str, ...] = (
    "vault",  # az keyvault show
    "vault_list",  # az keyvault list
    "role_assignments",  # az role assignment list --all / --scope <vault id> --include-inherited
    "secret_list",  # az keyvault secret list
    "secret_versions",  # az keyvault secret list-versions
    "deleted_secrets",  # az keyvault secret list-deleted
    "secret_value",  # az keyvault secret show: holds the value, never imported
    "empty",
)
ANY_VAULT = "*"  # the store of grants whose scope covers vaults no snapshot names


def secret_ref(uri: Any) -> ObjectRef | None:
    """The secret a data-plane URI names (``https://<vault>.vault.azure.net/secrets/<n>[/<v>]``
    or ``/deletedsecrets/<n>``); None for anything else, keys and certificates included."""
    if not isinstance(uri, str):
        return None
    ref = parse_object_uri(uri.strip())
    if ref is None or ref.collection != "secrets" or not is_vault_host(ref.host):
        return None
    return ref


def wildcard(host: str | None) -> str:
    """Every secret of one vault (``host``), or of every vault (None)."""
    return f"azure://{host or '*.' + DEFAULT_DNS_SUFFIX}/secrets/*"
