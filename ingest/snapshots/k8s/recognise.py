"""Which ``kubectl get ... -o json`` export a parsed document is, by its shape (never raises).

Kinds: ``rbac_list`` (Roles, ClusterRoles and their bindings, any mix, as a ``List`` or a typed
``RoleList``/...), ``rbac_object`` (one of them, ``kubectl get role x -o json``), ``secrets_list``
(``kubectl get secrets -A -o json``, or the metadata-only ``PartialObjectMetadataList``),
``secret`` (one Secret) and ``empty_list`` (``{"kind": "List", "items": []}``).
"""

from __future__ import annotations

from typing import Any

RBAC_GROUP = "rbac.authorization.k8s.io/"
RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
LIST_KINDS = frozenset(
    {
        "List",
        "RoleList",
        "ClusterRoleList",
        "RoleBindingList",
        "ClusterRoleBindingList",
        "SecretList",
        "PartialObjectMetadataList",
    }
)


def _kind(item: Any, list_kind: str) -> str | None:
    """The item's kind; typed lists (``RoleList``) may leave it out of their items."""
    if not isinstance(item, dict):
        return None
    kind = item.get("kind")
    api = item.get("apiVersion")
    if kind in RBAC_KINDS and (
        api is None or (isinstance(api, str) and api.startswith(RBAC_GROUP))
    ):
        return "rbac"
    if kind == "Secret" and api in (None, "v1"):
        return "secret"
    if kind == "PartialObjectMetadata" and isinstance(item.get("metadata"), dict):
        return "secret" if list_kind == "PartialObjectMetadataList" else None
    if kind is None and list_kind.endswith("List") and list_kind != "List":
        base = list_kind[: -len("List")]
        if base in RBAC_KINDS:
            return "rbac"
        if base == "Secret":
            return "secret"
    return None


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The export kind, or None when the document is not a Kubernetes RBAC / Secret export."""
    del api_path  # the content says it all
    try:
        if not isinstance(payload, dict):
            return None
        kind = payload.get("kind")
        if kind in LIST_KINDS and isinstance(payload.get("items"), list):
            items = payload["items"]
            if not items:
                return "empty_list" if payload.get("apiVersion") in ("v1", None) else None
            kinds = {_kind(i, str(kind)) for i in items}
            if kinds == {"rbac"}:
                return "rbac_list"
            if kinds == {"secret"}:
                return "secrets_list"
            if kinds <= {"rbac", "secret"}:
                return "rbac_list"  # mixed: both read, grants and inventory
            return None
        single = _kind(payload, "")
        if single == "rbac":
            return "rbac_object"
        if single == "secret":
            return "secret"
    except Exception:  # recognise must never raise, whatever the document holds
        return None
    return None
