"""Which Vault API response a JSON document is: by the shape of ``data``, then the API path."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.vault.paths import normalise_api_path

_ENVELOPE_KEYS = frozenset(
    {"request_id", "lease_id", "renewable", "lease_duration", "wrap_info", "warnings", "auth"}
)
_JWT_KEYS = frozenset(
    {"role_type", "user_claim", "bound_audiences", "bound_claims", "bound_subject",
     "groups_claim", "oidc_scopes", "allowed_redirect_uris", "claim_mappings"}
)  # fmt: skip
_K8S_KEYS = frozenset({"bound_service_account_names", "bound_service_account_namespaces"})
_APPROLE_KEYS = frozenset(
    {"bind_secret_id", "secret_id_ttl", "secret_id_num_uses", "local_secret_ids",
     "secret_id_bound_cidrs"}
)  # fmt: skip
_TOKEN_ROLE_KEYS = frozenset(
    {"allowed_policies", "disallowed_policies", "allowed_policies_glob",
     "disallowed_policies_glob", "path_suffix", "allowed_entity_aliases", "orphan"}
)  # fmt: skip
_GROUP_KEYS = frozenset({"member_entity_ids", "member_group_ids", "parent_group_ids"})
_ENTITY_KEYS = frozenset(
    {"aliases", "direct_group_ids", "group_ids", "inherited_group_ids", "merged_entity_ids"}
)
# Auth methods whose mount type never names a secrets engine.
_AUTH_ONLY_TYPES = frozenset(
    {"approle", "kubernetes", "jwt", "oidc", "userpass", "ldap", "token", "github", "cert",
     "okta", "radius", "kerberos", "saml", "alicloud", "oci", "cf"}
)  # fmt: skip
_SECRET_ONLY_TYPES = frozenset({"kv", "kv-v2", "generic", "cubbyhole", "system", "identity"})


def unwrap(payload: Any) -> Any:
    """``data`` of an API envelope; anything else unchanged (some users save ``data`` alone)."""
    if isinstance(payload, dict) and "data" in payload and _ENVELOPE_KEYS & payload.keys():
        return payload["data"]
    return payload


def role_location(api_path: str | None) -> tuple[str, str] | None:
    """``auth/<mount>/role/<name>`` (or ``auth/token/roles/<name>``) -> (``auth/<mount>``, name)."""
    segs = api_path.split("/") if api_path else []
    if len(segs) < 4 or segs[0] != "auth":
        return None
    for i in range(len(segs) - 2, 1, -1):
        if segs[i] in ("role", "roles"):
            return "/".join(segs[:i]), "/".join(segs[i + 1 :])
    return None


def _list_kind(path: str) -> str:
    segs = path.split("/")
    if path.startswith(("sys/policies/", "sys/policy")):
        return "policy_list"
    if segs[0] == "auth" and segs[-1] in ("role", "roles"):
        return "role_list"
    if path.startswith("identity/entity"):
        return "entity_list"
    if path.startswith("identity/group"):
        return "group_list"
    if "metadata" in segs[1:]:
        return "kv_list"
    return "key_list"


def _is_mount_map(data: dict[Any, Any]) -> bool:
    return bool(data) and all(
        isinstance(k, str)
        and k.endswith("/")
        and isinstance(v, dict)
        and isinstance(v.get("type"), str)
        for k, v in data.items()
    )


def mount_map_is_auth(data: dict[str, Any], api_path: str | None) -> bool:
    """``sys/auth`` rather than ``sys/mounts``: by path, else by accessors and mount types."""
    if api_path in ("sys/auth", "sys/mounts"):
        return api_path == "sys/auth"
    values = [v for v in data.values() if isinstance(v, dict)]
    if any(str(v.get("accessor", "")).startswith("auth_") for v in values):
        return True
    types = {t for v in values if isinstance(t := v.get("type"), str)}
    return bool(types) and not (types & _SECRET_ONLY_TYPES) and types <= _AUTH_ONLY_TYPES


def _keys_kind(data: dict[str, Any], path: str | None) -> str:
    info = data.get("key_info")
    if (
        isinstance(info, dict)
        and info
        and all(isinstance(v, dict) and isinstance(v.get("policy"), str) for v in info.values())
    ):
        return "policy_list_detailed"
    if path:
        return _list_kind(path)
    values = [v for v in info.values() if isinstance(v, dict)] if isinstance(info, dict) else []
    if values and all("aliases" in v for v in values):
        return "entity_list"
    if values and all("num_member_entities" in v or "num_parent_groups" in v for v in values):
        return "group_list"
    return "key_list"


def _role_kind(keys: set[str], path: str | None) -> str | None:
    if keys & _JWT_KEYS:
        return "jwt_role"
    if keys & _K8S_KEYS:
        return "kubernetes_role"
    if keys & _APPROLE_KEYS:
        return "approle_role"
    if keys & _TOKEN_ROLE_KEYS:
        return "token_role"
    where = role_location(path)
    if where is None or not any(k.startswith("token_") or k == "policies" for k in keys):
        return None
    mount = where[0].lower()
    for hint, kind in (
        ("auth/token", "token_role"),
        ("approle", "approle_role"),
        ("kubernetes", "kubernetes_role"),
        ("k8s", "kubernetes_role"),
        ("jwt", "jwt_role"),
        ("oidc", "jwt_role"),
    ):
        if hint in mount:
            return kind
    return "auth_role"


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The kind of snapshot (see ``model.KINDS``), or None when it is not one. Never raises."""
    path = normalise_api_path(api_path) if isinstance(api_path, str) else None
    data = unwrap(payload)
    if isinstance(data, list):
        if path and all(isinstance(k, str) for k in data):
            return _list_kind(path)
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("keys"), list):
        return _keys_kind(data, path)
    if isinstance(data.get("policy"), str) or isinstance(data.get("rules"), str):
        if "enforcement_level" in data or (path or "").startswith(
            ("sys/policies/rgp", "sys/policies/egp")
        ):
            return "sentinel_policy"
        return "acl_policy"
    if _is_mount_map(data) or path in ("sys/mounts", "sys/auth"):
        return "auth_mounts" if mount_map_is_auth(data, path) else "mounts"
    keys = {k for k in data if isinstance(k, str)}
    if isinstance(data.get("versions"), dict) and "current_version" in keys:
        return "kv_metadata"
    meta = data.get("metadata")
    if isinstance(meta, dict) and "version" in meta and "data" in keys:
        return "kv_data"
    has_id = isinstance(data.get("id"), str)
    if has_id and keys & _GROUP_KEYS:
        return "group"
    if "canonical_id" in keys and "mount_accessor" in keys:
        return "entity_alias"
    if has_id and keys & _ENTITY_KEYS:
        return "entity"
    if "role_id" in keys and (len(keys) == 1 or (path or "").endswith("/role-id")):
        return "approle_role_id"
    role = _role_kind(keys, path)
    if role:
        return role
    segs = (path or "").split("/")
    if len(segs) == 4 and segs[0] == "identity" and segs[2] in ("id", "name"):
        return {"entity": "entity", "group": "group"}.get(segs[1])
    return None
