"""Which Doppler management-API response a saved JSON document is, by its shape (never raises),
and what its file name says about the project / config / service account it belongs to.

Most responses name their subject inside (service tokens carry ``project`` and ``config``); the
ones that do not (``secrets/names``, project ``members``, service-account ``tokens``) take it from
the file name, as a directory layout or a flat name with ``__`` between the parts:

>>> from pathlib import Path
>>> api_path_from_filename(Path("/x/projects/web/configs/prd/secret-names.json"))
'projects/web/configs/prd'
>>> api_path_from_filename(Path("web__prd__secret-names.json"))
'projects/web/configs/prd'
>>> api_path_from_filename(Path("/x/projects/web/members.json"))
'projects/web'
>>> api_path_from_filename(Path("service_accounts__5a00__tokens.json"))
'service_accounts/5a00'
>>> api_path_from_filename(Path("/x/workplace-users.json")) is None
True
>>> api_path_from_filename(Path("/home/me/export/members.json")) is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Every kind `recognise` can return, plus "empty" (null, [] or {}), which only `build` reports.
KINDS: tuple[str, ...] = (
    "workplace",  # GET /v3/workplace
    "workplace_users",  # GET /v3/workplace/users
    "groups",  # GET /v3/workplace/groups
    "group",  # GET /v3/workplace/groups/group/<slug> (with members)
    "roles",  # GET /v3/workplace/roles or /v3/projects/roles
    "service_accounts",  # GET /v3/workplace/service_accounts
    "service_account_tokens",  # GET .../service_accounts/service_account/<slug>/tokens
    "projects",  # GET /v3/projects
    "configs",  # GET /v3/configs?project=
    "service_tokens",  # GET /v3/configs/config/tokens
    "project_members",  # GET /v3/projects/project/members?project=
    "secret_names",  # GET /v3/configs/config/secrets/names
    "empty",
)

_NAMES = frozenset({"secret-names", "secret_names", "secretnames", "names"})
_TOKENS = frozenset({"tokens", "api_tokens", "api-tokens"})
_MEMBERS = frozenset({"members", "project-members", "project_members"})
_SA_DIRS = frozenset({"service_accounts", "service-accounts", "service_account"})
_SUFFIXES = (".gz", ".json", ".txt")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in _SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def api_path_from_filename(path: Path) -> str | None:
    """``projects/<p>/configs/<c>``, ``projects/<p>`` or ``service_accounts/<slug>``, or None.

    A flat name (``__`` between the parts) is read alone; otherwise the last directories count.
    Config names may hold single underscores (``dev_alice``), never double ones.
    """
    stem = _stem(path)
    flat = "__" in stem
    parts = [p for p in (stem.split("__") if flat else [*path.parent.parts[-4:], stem]) if p]
    last = parts[-1].lower() if parts else ""
    rest = [p for p in parts[:-1] if p not in ("projects", "configs")]
    # A directory layout must say what its folders are: projects/<p>/configs/<c>/secret-names.
    dirs_named = flat or (len(parts) >= 3 and parts[-3] in ("configs", "projects"))
    if last in _NAMES and len(rest) >= 2 and (flat or parts[-3] == "configs"):
        return f"projects/{rest[-2]}/configs/{rest[-1]}"
    if last in _TOKENS and len(parts) >= 3 and parts[-3].lower() in _SA_DIRS:
        return f"service_accounts/{parts[-2]}"
    if last in _MEMBERS and rest and dirs_named and (flat or parts[-3] == "projects"):
        return f"projects/{rest[-1]}"
    return None


def _items(payload: dict[str, Any], key: str) -> list[Any] | None:
    value = payload.get(key)
    return value if isinstance(value, list) else None


def _all(items: list[Any], *keys: str) -> bool:
    """Every item is an object with these keys (an empty list proves nothing: False)."""
    return bool(items) and all(isinstance(i, dict) and all(k in i for k in keys) for i in items)


def recognise(payload: Any, api_path: str | None) -> str | None:
    """The kind of a Doppler API response, or None when it is not one."""
    if not isinstance(payload, dict):
        return None
    wp = payload.get("workplace")
    if isinstance(wp, dict) and isinstance(wp.get("id"), str) and "billing_email" in wp:
        return "workplace"
    checks: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("workplace_users", "workplace_users", ("id", "access", "user")),
        ("groups", "groups", ("slug", "default_project_role")),
        ("roles", "roles", ("identifier", "permissions")),
        ("service_accounts", "service_accounts", ("slug", "workplace_role")),
        ("configs", "configs", ("name", "project", "environment")),
        ("service_tokens", "tokens", ("slug", "config", "project")),
        ("projects", "projects", ("slug", "name")),
    )
    for kind, key, keys in checks:
        items = _items(payload, key)
        if items is not None and _all(items, *keys):
            return kind
    group = payload.get("group")
    if isinstance(group, dict) and "slug" in group and "default_project_role" in group:
        return "group"
    path = api_path or ""
    api_tokens = _items(payload, "api_tokens")
    if api_tokens is not None and path.startswith("service_accounts/"):
        return "service_account_tokens" if not api_tokens or _all(api_tokens, "slug") else None
    members = _items(payload, "members")
    if members is not None and path.startswith("projects/") and "/configs/" not in path:
        return "project_members" if not members or _all(members, "type", "slug") else None
    names = _items(payload, "names")
    if names is not None and "/configs/" in path and all(isinstance(n, str) for n in names):
        return "secret_names"
    return None
