"""Which gcloud / Cloud Asset export a parsed JSON document is, by its shape (never raises)."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.gcp.model import split_secret_name

_POLICY_KEYS = frozenset({"bindings", "etag", "version", "auditConfigs"})


def is_policy(value: Any) -> bool:
    """An IAM policy: ``bindings`` (a list) and/or ``etag``, nothing foreign."""
    if not isinstance(value, dict) or not value or not set(value) <= _POLICY_KEYS:
        return False
    if "bindings" in value:
        return isinstance(value["bindings"], list)
    return isinstance(value.get("etag"), str)  # a policy without bindings: {"etag": "ACAB"}


def is_secret(value: Any) -> bool:
    if not isinstance(value, dict) or ("createTime" not in value and "replication" not in value):
        return False
    parts = split_secret_name(value.get("name"))
    return parts is not None and parts[3] is None


def is_version(value: Any) -> bool:
    if not isinstance(value, dict) or ("state" not in value and "createTime" not in value):
        return False
    parts = split_secret_name(value.get("name"))
    return parts is not None and parts[3] is not None


def is_project(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("projectId"), str)
        and isinstance(value.get("projectNumber"), str | int)
    )


def is_asset(value: Any) -> bool:
    """A Cloud Asset record: ``gcloud asset export`` (snake_case) or ``asset list`` (camelCase)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and value["name"].startswith("//")
        and isinstance(value.get("assetType", value.get("asset_type")), str)
    )


def is_search_result(value: Any) -> bool:
    """One ``gcloud asset search-all-iam-policies`` result."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("resource"), str)
        and value["resource"].startswith("//")
        and is_policy(value.get("policy"))
    )


def is_role(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and "roles/" in value["name"]
        and isinstance(value.get("includedPermissions"), list)
    )


_ITEM_KINDS = (
    (is_secret, "secrets_list"),
    (is_version, "secret_versions"),
    (is_project, "project_list"),
    (is_asset, "asset_export"),
    (is_search_result, "asset_iam_search"),
    (is_role, "custom_roles"),
)
_SINGLE_KINDS = {
    "secrets_list": "secret",
    "project_list": "project",
    "secret_versions": "secret_versions",
    "asset_export": "asset_export",
    "asset_iam_search": "asset_iam_search",
    "custom_roles": "custom_roles",
}


def policy_kind(api_path: str | None) -> str:
    if api_path and (api_path.startswith("secrets/") or "/secrets/" in api_path):
        return "secret_iam_policy"
    if api_path and api_path.startswith("projects/"):
        return "project_iam_policy"
    return "iam_policy"


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The kind of export (see ``model.KINDS``), or None when it is not a GCP snapshot."""
    try:
        if is_policy(payload):
            return policy_kind(api_path if isinstance(api_path, str) else None)
        items = payload if isinstance(payload, list) else [payload]
        if not items or not all(isinstance(i, dict) for i in items):
            return None
        for test, kind in _ITEM_KINDS:
            if all(test(i) for i in items):
                return kind if isinstance(payload, list) else _SINGLE_KINDS[kind]
    except Exception:  # recognise must never raise, whatever the document holds
        return None
    return None
