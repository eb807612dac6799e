"""Which ``az`` export a parsed JSON document is, by its shape (never raises)."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.azure.model import secret_ref
from ingest.snapshots.azure.scopes import parse_scope

_VAULT_PROPERTIES = ("vaultUri", "accessPolicies", "enableRbacAuthorization")


def unwrap(payload: Any) -> Any:
    """The items of a REST page (``{"value": [...], "nextLink": ...}``, ``az rest`` output);
    anything else unchanged."""
    if (
        isinstance(payload, dict)
        and isinstance(payload.get("value"), list)
        and set(payload) <= {"value", "nextLink", "@odata.nextLink", "count"}
    ):
        return payload["value"]
    return payload


def flat_assignment(value: Any) -> dict[str, Any] | None:
    """A role assignment as ``az`` prints it, or the ARM REST form (fields in ``properties``)."""
    if not isinstance(value, dict):
        return None
    props = value.get("properties")
    body = value
    if isinstance(props, dict) and "principalId" in props:
        body = {**props, **{k: v for k, v in value.items() if k != "properties"}}
    if not isinstance(body.get("principalId"), str) or "scope" not in body:
        return None
    if not isinstance(body.get("roleDefinitionId"), str) and not isinstance(
        body.get("roleDefinitionName"), str
    ):
        return None
    return body


def is_vault(value: Any) -> bool:
    """``az keyvault show``, or an ``az keyvault list`` item (which may lack ``properties``)."""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return False
    props = value.get("properties")
    if isinstance(props, dict) and any(k in props for k in _VAULT_PROPERTIES):
        return True
    return parse_scope(value.get("id")).level == "vault"


def secret_item_kind(value: Any) -> str | None:
    """``secret_list``, ``secret_versions``, ``deleted_secrets`` or ``secret_value`` item."""
    if not isinstance(value, dict) or not isinstance(value.get("attributes"), dict):
        return None
    ref = secret_ref(value.get("id"))
    if ref is None:
        return None
    if "value" in value:
        return "secret_value"
    if "recoveryId" in value or "deletedDate" in value or "scheduledPurgeDate" in value:
        return "deleted_secrets"
    return "secret_versions" if ref.version else "secret_list"


def _item_kind(value: Any) -> str | None:
    if flat_assignment(value) is not None:
        return "role_assignments"
    if is_vault(value):
        return "vault"
    return secret_item_kind(value)


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The kind of export (see ``model.KINDS``), or None when it is not an Azure snapshot."""
    del api_path  # every az export says what it is
    try:
        items = unwrap(payload)
        if isinstance(items, dict):
            return _item_kind(items)
        if not isinstance(items, list) or not items:
            return None
        kinds = {_item_kind(i) for i in items}
        if len(kinds) != 1 or None in kinds:
            return None
        kind = kinds.pop()
        return "vault_list" if kind == "vault" else kind
    except Exception:  # recognise must never raise, whatever the document holds
        return None
