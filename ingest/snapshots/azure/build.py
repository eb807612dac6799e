"""``build``: the Azure snapshot files of one ingest -> grants, principals and secrets rows.

It works on the whole set at once: role assignments at subscription or resource-group scope
reach the vaults that ``az keyvault show`` files describe, vault-wide grants are expanded
against the secrets inventory, and principal types come from the role assignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.azure.collect import Collected, collect, newest
from ingest.snapshots.azure.grants import PRINCIPAL_TYPES, GrantBuilder
from ingest.snapshots.azure.inventory import SecretEntry, secret_row
from ingest.snapshots.azure.model import (
    ObjectRef,
    SnapshotDoc,
    SnapshotResult,
    as_dict,
    as_utc,
)
from ingest.snapshots.azure.scopes import VaultInfo
from ingest.snapshots.model import finish_result

Rows = list[dict[str, Any]]


def build(docs: Sequence[SnapshotDoc], *, store: str | None = None) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content.

    ``store`` (``--store``) is not used: every az export names its vault.
    """
    del store
    c = Collected()
    seen: set[str] = set()
    for doc in sorted(docs, key=lambda d: (d.origin_file, as_utc(d.snapshot_time))):
        if doc.origin_file in seen:
            c.warnings.add(f"{doc.origin_file}: given twice; the second copy is ignored")
            continue
        seen.add(doc.origin_file)
        c.kinds[doc.origin_file] = None
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {exc!r}")
    grants: Rows = []
    principals: Rows = []
    secrets: Rows = []
    try:
        grants, principals, secrets = _rows(c)
    except Exception as exc:  # last resort, as above
        c.warnings.add(f"internal error while building rows: {exc!r}")
    return _result(c, grants, principals, secrets)


def _vaults(
    c: Collected,
) -> tuple[dict[str, VaultInfo], list[tuple[VaultInfo, dict[str, Any], SnapshotDoc]]]:
    """Each vault once: from the newest ``show`` output (it has the access policies), else from
    a ``list`` item without properties."""
    full = [v for v in c.vaults if as_dict(v[1].get("properties"))]
    chosen = newest(full, lambda v: v[0].name, lambda v: v[2], "vault", c)
    infos = {name: v[0] for name, v in chosen.items()}
    for info, _, _ in c.vaults:
        infos.setdefault(info.name, info)
    return infos, [chosen[name] for name in sorted(chosen)]


def _sid(ref: ObjectRef) -> str:
    return ref.secret_id(ref.host.split(".", 1)[0])


def _inventory(c: Collected) -> dict[str, SecretEntry]:
    items = [s for s in c.secrets if s[2] != "secret_versions"]
    chosen = newest(items, lambda s: _sid(s[0]), lambda s: s[3], "secret", c)
    entries = {
        sid: SecretEntry(ref, doc, item, deleted=kind == "deleted_secrets")
        for sid, (ref, item, kind, doc) in chosen.items()
    }
    versions = [s for s in c.secrets if s[2] == "secret_versions"]
    by_version = newest(
        versions, lambda s: f"{_sid(s[0])}/{s[0].version}", lambda s: s[3], "secret version", c
    )
    for _, (ref, item, _, doc) in sorted(by_version.items()):
        entry = entries.setdefault(_sid(ref), SecretEntry(ref, doc))
        entry.versions.append((ref.version or "", item))
    return entries


def _rows(c: Collected) -> tuple[Rows, Rows, Rows]:
    infos, shown = _vaults(c)
    entries = _inventory(c)
    inventory: dict[str, list[str]] = {}
    for sid, entry in entries.items():
        if not entry.deleted:  # a soft-deleted secret is recovered before anyone can use it
            inventory.setdefault(entry.store, []).append(sid)
    types = {
        str(body["principalId"]).lower(): PRINCIPAL_TYPES.get(
            str(body.get("principalType")).lower(), "unknown"
        )
        for body, _ in c.assignments
    }
    gb = GrantBuilder(infos, inventory, types, c.warnings)
    for info, body, doc in shown:
        gb.access_policies(info, body, doc)
    for body, doc in c.assignments:
        gb.assignment(body, doc)
    secrets = [secret_row(e, infos.get(e.store)) for _, e in sorted(entries.items())]
    return gb.grants, gb.principals(), secrets


def _grant_order(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (row["store"], row["principal_id"], row["resource"], row["via"], row["condition"] or "")


def _principal_order(row: dict[str, Any]) -> tuple[str, str]:
    return (row["store"], row["principal_id"])


def _result(c: Collected, grants: Rows, principals: Rows, secrets: Rows) -> SnapshotResult:
    return finish_result(
        kinds=c.kinds, problems=c.problems, warnings=c.warnings,
        grants=grants, principals=principals, secrets=secrets,
        grant_order=_grant_order, principal_order=_principal_order,
    )  # fmt: skip
