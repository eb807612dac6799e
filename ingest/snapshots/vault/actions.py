"""Policy paths -> folded resources and normalized actions (FORMATS §1(c)).

A path is classified into one or more *action tables* (what a capability means there). A glob
that could match several kinds of path gets the union of their tables, so ``secret/*`` on a
KV v2 mount with ``read`` yields both ``read`` (data/) and ``describe`` (metadata/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.snapshots.vault.model import as_dict, as_str
from ingest.sources.vault.ids import KV2_SEGMENTS, secret_id

_WRITE = {
    "read": "read",
    "create": "create",
    "update": "write",
    "patch": "write",
    "delete": "delete",
}
TABLES: dict[str, dict[str, str]] = {
    "kv2_data": _WRITE,  # KV v2 lists through metadata/ only
    "kv2_metadata": {"read": "describe", "list": "list", "delete": "delete"},
    "kv2_delete": {"update": "delete"},
    "kv2_undelete": {"update": "restore"},
    "kv2_destroy": {"update": "delete"},
    "generic": {**_WRITE, "list": "list"},
    "permission": {
        **dict.fromkeys(("create", "update", "patch", "delete"), "permission_change"),
        "read": "describe",
        "list": "list",
    },
    "rotate": {"create": "rotate", "update": "rotate", "list": "list"},
    "creds": {"read": "read", "update": "read", "create": "read", "list": "list"},
    "login": {"create": "login", "update": "login"},
    "config": dict.fromkeys(("create", "read", "update", "patch", "delete", "list"), "other"),
}
ALL_TABLES = tuple(TABLES)
KV2_TABLES = tuple(f"kv2_{p}" for p in KV2_SEGMENTS)
# Every capability a rule can hold; a deny rule denies what the non-sudo ones would allow.
STANDARD_CAPABILITIES = ("create", "read", "update", "patch", "delete", "list", "sudo")
DENIABLE_CAPABILITIES = STANDARD_CAPABILITIES[:-1]
_CRED_SEGMENTS = frozenset({"creds", "static-creds", "sts", "issue"})
# Engines that store what is written to them: no dynamic credentials, no rotation endpoints.
_PLAIN_ENGINES = frozenset({"kv", "generic", "cubbyhole"})


@dataclass(frozen=True)
class Mount:
    path: str  # "secret", "team/kv", "auth/approle" (no trailing slash)
    type: str
    kv_version: int | None  # 1 or 2 for KV mounts
    accessor: str | None


@dataclass
class MountTable:
    secret: dict[str, Mount] = field(default_factory=dict)
    auth: dict[str, Mount] = field(default_factory=dict)
    have_secret_snapshot: bool = False

    def add(self, data: Any, *, is_auth: bool) -> None:
        """Add the entries of a ``sys/mounts`` or ``sys/auth`` response (malformed ones skipped)."""
        if not is_auth:
            self.have_secret_snapshot = True
        for key, value in as_dict(data).items():
            spec = as_dict(value)
            kind = as_str(spec.get("type"))
            if not isinstance(key, str) or not key.strip("/") or kind is None:
                continue
            path = key.strip("/")
            version = None
            if kind in ("kv", "generic", "kv-v2"):
                raw = as_dict(spec.get("options")).get("version")
                version = 2 if kind == "kv-v2" or str(raw) == "2" else 1
            target = self.auth if is_auth else self.secret
            full = f"auth/{path}" if is_auth else path
            target[full] = Mount(full, kind, version, as_str(spec.get("accessor")))

    def find(self, segs: list[str], *, auth: bool) -> tuple[Mount, int] | None:
        """The longest mount that prefixes the (concrete) segments, and its segment count."""
        table = self.auth if auth else self.secret
        for k in range(len(segs), 0, -1):
            head = segs[:k]
            if any(s == "+" or "*" in s for s in head):
                continue
            mount = table.get("/".join(head))
            if mount is not None:
                return mount, k
        return None

    def by_accessor(self, accessor: str) -> Mount | None:
        for mount in (*self.auth.values(), *self.secret.values()):
            if mount.accessor == accessor:
                return mount
        return None


@dataclass(frozen=True)
class Resolved:
    mount: str
    logical: str
    tables: tuple[str, ...]
    assumed_kv2: str | None = None  # mount taken as KV v2 without a sys/mounts snapshot
    kv2_unprefixed: bool = False  # a KV v2 path without data/ metadata/ ...: grants no secret

    def resource(self, store: str) -> str:
        return secret_id(store, "", self.mount, self.logical)


def _is_glob(segs: list[str], i: int) -> bool:
    return segs[i] == "+" or (i == len(segs) - 1 and segs[i].endswith("*"))


def _kv2(mount: str, rest: list[str]) -> Resolved:
    if not rest or rest == [""]:
        return Resolved(mount, "", ("config",))
    head, tail = rest[0], "/".join(rest[1:])
    if head in KV2_SEGMENTS:
        return Resolved(mount, tail, (f"kv2_{head}",))
    if head == "+":
        return Resolved(mount, tail, KV2_TABLES)
    if len(rest) == 1 and head.endswith("*"):
        stem = head[:-1]
        tables = tuple(f"kv2_{p}" for p in KV2_SEGMENTS if p.startswith(stem))
        tables = tables or ("config",)
        return Resolved(mount, "*", tables)
    return Resolved(mount, "/".join(rest), ("config",), kv2_unprefixed=head != "config")


def _engine_tables(rest: list[str], mount_type: str | None) -> tuple[str, ...]:
    if mount_type in _PLAIN_ENGINES:
        return ("generic",)
    if any(s.startswith("rotate") for s in rest):
        return ("rotate",)
    if rest and (
        rest[0] in _CRED_SEGMENTS or (mount_type == "gcp" and rest[0] in ("token", "key"))
    ):
        return ("creds",)
    if any(_is_glob(rest, i) for i in range(len(rest))):
        return ("generic", "creds", "rotate")
    return ("generic",)


def _sys_tables(segs: list[str]) -> tuple[str, ...]:
    """``sys/policy/*`` and ``sys/policies/{acl,rgp,egp}/*`` change permissions; else config."""
    second = segs[1] if len(segs) > 1 else ""
    if second == "policy" or (
        second == "policies"
        and (len(segs) < 3 or _is_glob(segs, 2) or segs[2] in ("", "acl", "rgp", "egp"))
    ):
        return ("permission",)
    if len(segs) > 1 and _is_glob(segs, 1):
        stem = second.rstrip("*")
        if second == "+" or "policies".startswith(stem) or "policy".startswith(stem):
            return ("permission", "config")
    return ("config",)


def _auth(segs: list[str], mounts: MountTable) -> Resolved:
    rest = segs[1:]
    logical = "/".join(rest)
    if not rest or (len(segs) == 2 and _is_glob(segs, 1)):
        return Resolved("auth", logical, ("permission", "login", "config"))
    found = None if segs[1] == "+" else mounts.find(segs, auth=True)
    k = found[1] if found else 2
    after = segs[k:]
    first = after[0] if after else ""
    if first in ("role", "roles"):
        if len(after) > 2 and after[2].startswith("secret-id"):
            return Resolved("auth", logical, ("login",))  # issuing AppRole credentials
        return Resolved("auth", logical, ("permission",))
    token_create = "/".join(segs[:k]) == "auth/token" and first.startswith("create")
    if first.startswith("login") or first == "oidc" or token_create:
        return Resolved("auth", logical, ("login",))
    if after and _is_glob(segs, k):
        return Resolved("auth", logical, ("permission", "login", "config"))
    return Resolved("auth", logical, ("config",))


def resolve(path: str, mounts: MountTable) -> Resolved:
    """Fold and classify one policy path."""
    segs = path.split("/")
    first = segs[0]
    if not first or _is_glob(segs, 0):
        return Resolved(path or "*", "", ALL_TABLES)
    if first == "sys":
        return Resolved("sys", "/".join(segs[1:]), _sys_tables(segs))
    if first == "identity":
        second = segs[1] if len(segs) > 1 else ""
        perm = second.startswith(("entity", "group")) or (len(segs) > 1 and _is_glob(segs, 1))
        return Resolved("identity", "/".join(segs[1:]), ("permission",) if perm else ("config",))
    if first == "auth":
        return _auth(segs, mounts)
    found = mounts.find(segs, auth=False)
    if found is not None:
        mount, k = found
        if mount.kv_version == 2:
            return _kv2(mount.path, segs[k:])
        if mount.kv_version == 1:
            return Resolved(mount.path, "/".join(segs[k:]), ("generic",))
        return Resolved(mount.path, "/".join(segs[k:]), _engine_tables(segs[k:], mount.type))
    if not mounts.have_secret_snapshot and len(segs) > 1 and segs[1] in KV2_SEGMENTS:
        folded = _kv2(first, segs[1:])
        return Resolved(folded.mount, folded.logical, folded.tables, assumed_kv2=first)
    return Resolved(first, "/".join(segs[1:]), _engine_tables(segs[1:], None))


def actions_for(capabilities: tuple[str, ...], tables: tuple[str, ...]) -> list[str]:
    """Normalized actions of the capabilities on a path with these tables (not 'deny').

    A capability with no meaning on such a path (``list`` on KV v2 ``data/``, ``sudo``, a newer
    capability) maps to ``other``.
    """
    out: set[str] = set()
    for cap in capabilities:
        if cap != "deny":
            meanings = {TABLES[t][cap] for t in tables if cap in TABLES[t]}
            out |= meanings or {"other"}
    return sorted(out)


def denied_actions(tables: tuple[str, ...]) -> list[str]:
    """What a ``deny`` rule takes away: every meaningful action on such a path."""
    out = {TABLES[t][cap] for cap in DENIABLE_CAPABILITIES for t in tables if cap in TABLES[t]}
    return sorted(out) or ["other"]
