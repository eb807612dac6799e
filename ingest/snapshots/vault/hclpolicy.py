"""ACL policy bodies: HCL (parsed with python-hcl2, never with regular expressions) or JSON.

python-hcl2 8.x keeps the double quotes around strings and block labels unless asked not to;
``strip_string_quotes`` also undoes HCL escapes. Older releases (7.x) return bare strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import hcl2

# Vault's pre-0.5 ``policy = "..."`` shorthand, as vault/policy.go expands it.
_LEGACY: dict[str, tuple[str, ...]] = {
    "deny": ("deny",),
    "read": ("read", "list"),
    "write": ("create", "read", "update", "delete", "list"),
    "sudo": ("create", "read", "update", "delete", "list", "sudo"),
}
_NOT_CONDITIONS = frozenset({"capabilities", "policy"})


class PolicySyntaxError(ValueError):
    """The policy text is not valid HCL/JSON, or not a valid Vault policy."""


@dataclass(frozen=True)
class PathRule:
    path: str  # as written, one leading '/' removed; '*' and '+' globs kept
    capabilities: tuple[str, ...]  # raw names, in order, without duplicates
    condition: dict[str, Any] = field(default_factory=dict)  # allowed_parameters, TTLs, ...


def _hcl_loads(text: str) -> Any:
    options_cls = getattr(hcl2, "SerializationOptions", None)
    if options_cls is None:  # python-hcl2 < 8: strings come back unquoted already
        return hcl2.loads(text)
    options = options_cls(strip_string_quotes=True, with_comments=False, preserve_heredocs=False)
    return hcl2.loads(text, serialization_options=options)


def _load(text: str) -> dict[str, Any]:
    if text.lstrip().startswith("{"):
        try:
            tree = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise PolicySyntaxError(f"invalid JSON policy: {exc}") from exc
    else:
        try:
            tree = _hcl_loads(text)
        except Exception as exc:  # lark raises its own hierarchy; any failure is a bad policy
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            message = message.partition(" at line ")[0].rstrip(".")
            line, column = getattr(exc, "line", None), getattr(exc, "column", None)
            where = ""
            if isinstance(line, int) and line > 0:
                where = f" at line {line}" + (
                    f", column {column}" if isinstance(column, int) else ""
                )
            raise PolicySyntaxError(f"invalid HCL{where}: {message}") from exc
    if not isinstance(tree, dict):
        raise PolicySyntaxError("a policy must be a set of path blocks")
    return tree


def _blocks(paths: Any) -> list[tuple[str, Any]]:
    items = paths if isinstance(paths, list) else [paths]
    out: list[tuple[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise PolicySyntaxError("'path' must be a block: path \"<path>\" { ... }")
        if item.get("__is_block__"):  # python-hcl2: a block without a label
            raise PolicySyntaxError('a path block needs its path as label: path "<path>" { ... }')
        labels = [(k, v) for k, v in item.items() if isinstance(k, str) and not k.startswith("__")]
        if not labels:
            raise PolicySyntaxError('a path block needs its path as label: path "<path>" { ... }')
        out.extend(labels)
    return out


def _capabilities(label: str, body: dict[str, Any]) -> tuple[str, ...]:
    raw = body.get("capabilities", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise PolicySyntaxError(f"path {label!r}: capabilities must be a list of strings")
    caps = [c.strip() for c in raw if c.strip()]
    legacy = body.get("policy")
    if legacy is not None:
        if not isinstance(legacy, str) or legacy.strip() not in _LEGACY:
            raise PolicySyntaxError(f"path {label!r}: invalid policy {legacy!r}")
        caps.extend(_LEGACY[legacy.strip()])
    return tuple(dict.fromkeys(caps))


def _rule(label: str, body: Any) -> PathRule:
    if isinstance(body, list):  # JSON policies may give a list of bodies for one path
        merged: dict[str, Any] = {}
        for part in body:
            if isinstance(part, dict):
                merged.update(part)
        body = merged
    if not isinstance(body, dict):
        raise PolicySyntaxError(f"path {label!r}: the body must be a block")
    if "capabilities" not in body and "policy" not in body:
        nested = [v for v in body.values() if isinstance(v, dict) and v.get("__is_block__")]
        if nested:
            raise PolicySyntaxError(f"path {label!r}: a path block takes exactly one label")
    condition = {
        k: v
        for k, v in body.items()
        if isinstance(k, str) and k not in _NOT_CONDITIONS and not k.startswith("__")
    }
    path = label[1:] if label.startswith("/") else label
    return PathRule(path=path, capabilities=_capabilities(label, body), condition=condition)


def parse_policy(text: str) -> list[PathRule]:
    """Every ``path`` rule of a policy, in order. Raises ``PolicySyntaxError`` with the line."""
    tree = _load(text)
    if "path" not in tree:
        return []
    return [_rule(label, body) for label, body in _blocks(tree["path"])]
