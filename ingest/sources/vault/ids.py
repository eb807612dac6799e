"""Canonical Vault secret ids, shared by the audit adapter and the snapshot importers.

``vault://<store>/<namespace path><mount>/<logical path>``; KV v2 ``data/ metadata/ delete/
undelete/ destroy/`` segments are folded away so every operation on one secret has one id.
"""

from __future__ import annotations

KV2_SEGMENTS: dict[str, str] = {
    "data": "data",
    "metadata": "metadata",
    "delete": "delete",
    "undelete": "undelete",
    "destroy": "destroy",
}


def secret_id(store: str, namespace: str, mount: str, logical_path: str) -> str:
    """Build the id. ``namespace`` is '' or ends in '/', ``mount`` has no trailing slash."""
    mount = mount.strip("/")
    logical_path = logical_path.strip("/")
    tail = f"{mount}/{logical_path}" if logical_path else mount
    return f"vault://{store}/{namespace}{tail}"
