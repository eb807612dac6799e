"""IAM wildcard matching: actions, resources, and pattern-vs-pattern reasoning.

``*`` matches any run of characters (``/`` and ``:`` included), ``?`` exactly one. Action names
match case-insensitively, resource ARNs case-sensitively (IAM's own rules).

>>> action_matches("SecretsManager:get*", "secretsmanager:GetSecretValue")
True
>>> resource_matches("arn:aws:secretsmanager:*:111122223333:secret:prod/*",
...                  "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf")
True
>>> resource_matches("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db",
...                  "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf")
False
>>> covers("arn:aws:secretsmanager:*:*:secret:prod/*", "arn:*:secretsmanager:*:*:secret:prod/db*")
False
>>> covers("arn:*:secretsmanager:*:*:secret:prod/*", "arn:aws:secretsmanager:*:*:secret:prod/db*")
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

# Every string a Secrets Manager secret ARN can be.
SECRET_ARN_SPACE = "arn:*:secretsmanager:*:*:secret:*"  # noqa: S105  (a pattern)
# ``${*}``, ``${?}``, ``${$}`` are literal characters; none of them can occur in a secret ARN,
# so one impossible character stands for all three.
_LITERAL = "\x00"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@lru_cache(maxsize=8192)
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    return _regex(pattern, ignore_case).fullmatch(text) is not None


def action_matches(pattern: str, action: str) -> bool:
    """``pattern`` from Action/NotAction against ``service:Action``; case-insensitive."""
    return glob_match(pattern.strip(), action, ignore_case=True)


def resource_matches(pattern: str, arn: str) -> bool:
    return glob_match(pattern, arn)


def covers(wide: str, narrow: str) -> bool:
    """True when every string ``narrow`` matches is matched by ``wide`` (sound, not complete).

    A ``*`` of ``narrow`` can only be absorbed by a ``*`` of ``wide``; a ``?`` by ``?`` or ``*``.
    """
    return _covers(wide, narrow)


@cache
def _covers(wide: str, narrow: str) -> bool:
    if not wide:
        return not narrow
    if wide[0] == "*":
        return _covers(wide[1:], narrow) or (bool(narrow) and _covers(wide, narrow[1:]))
    if not narrow or narrow[0] == "*":
        return False
    if wide[0] == "?" or (narrow[0] != "?" and wide[0] == narrow[0]):
        return _covers(wide[1:], narrow[1:])
    return False


def intersects(a: str, b: str) -> bool:
    """True when some string matches both patterns."""
    return _intersects(a, b)


@cache
def _intersects(a: str, b: str) -> bool:
    if not a and not b:
        return True
    if a and a[0] == "*":
        return _intersects(a[1:], b) or (bool(b) and _intersects(a, b[1:]))
    if b and b[0] == "*":
        return _intersects(a, b[1:]) or (bool(a) and _intersects(a[1:], b))
    if not a or not b:
        return False
    return (a[0] == "?" or b[0] == "?" or a[0] == b[0]) and _intersects(a[1:], b[1:])


def is_universal(pattern: str) -> bool:
    """Matches every string (``*``, ``**``)."""
    return bool(pattern) and set(pattern) == {"*"}


def resolve_variables(pattern: str, values: Mapping[str, str]) -> str | None:
    """Substitute ``${key}`` (and ``${key, 'default'}``); None when a key has no known value.

    >>> resolve_variables("secret:${aws:username}/*", {"aws:username": "al"})
    'secret:al/*'
    >>> resolve_variables("x/${aws:PrincipalTag/team}", {}) is None
    True
    """
    missing = False

    def substitute(m: re.Match[str]) -> str:
        nonlocal missing
        inner = m.group(1).strip()
        if inner in ("*", "?", "$"):
            return _LITERAL
        key, _, default = inner.partition(",")
        lowered = {k.lower(): v for k, v in values.items()}
        value = lowered.get(key.strip().lower())
        if value is None and default.strip()[:1] in ("'", '"'):
            value = default.strip()[1:-1]
        if value is None:
            missing = True
            return ""
        return value

    out = _VARIABLE.sub(substitute, pattern)
    return None if missing else out


@dataclass(frozen=True)
class Scope:
    """What a statement's ``Resource`` (or ``NotResource`` when ``negated``) covers."""

    patterns: tuple[str, ...]
    negated: bool = False

    def matches(self, text: str) -> bool:
        hit = any(resource_matches(p, text) for p in self.patterns)
        return hit != self.negated

    def covers(self, other: Scope) -> bool:
        """Every resource ``other`` covers is covered by this scope (sound approximation)."""
        if not self.negated and not other.negated:
            return all(any(covers(w, n) for w in self.patterns) for n in other.patterns)
        if not self.negated:
            return any(is_universal(w) for w in self.patterns)
        if not other.negated:
            return not any(intersects(x, n) for x in self.patterns for n in other.patterns)
        return all(any(covers(w, x) for w in other.patterns) for x in self.patterns)
