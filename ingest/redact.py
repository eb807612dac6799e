"""Redact plaintext secrets from log text at ingest, vectorized over whole columns.

FORMATS.md §0.2 rule 7: raw records (Vault ``log_raw``, Kubernetes ``RequestResponse``, scanner
output, git-secrets lines) carry cleartext secrets, and none may reach the Parquet lake. Each secret
becomes ``[REDACTED:<kind>:<fingerprint>]``: the fingerprint is HMAC-SHA256 under the lake's
``redaction_key`` (16 hex chars), so equal secrets stay joinable and nobody without the key can
test a guess.

How a column is redacted (every regex runs in polars, i.e. in the Rust ``regex`` crate):

1. a prefilter (three ``str.contains`` regexes) picks the candidate rows, almost always none. It is
   a superset of the detectors: for a key/value detector it checks the key name, the separator and
   the first characters of the value, which is enough to rule out Vault HMACs;
2. on candidate rows only, ``str.extract_all`` per detector collects the distinct matches;
3. a Python loop over those *distinct* matches (few) builds each replacement;
4. one leftmost-longest ``str.replace_many`` (Aho-Corasick, literal) rewrites the candidate rows.

Steps 2-4 repeat until nothing matches, so partly overlapping matches cannot leave a tail behind,
and redacting twice equals redacting once (no detector matches a token).

Detector patterns use the Rust ``regex`` syntax: no look-around, no back-references. Capture group
1, or the whole match when the pattern has no group, is the secret; the rest of the match (a key
name, a quote) stays. Key/value detectors never match Vault HMACs (``hmac-sha256:...``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import pathlib
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

KEY_FILE_NAME = "config.json"
_KEY_FIELD = "redaction_key"
_MAX_PASSES = 4
_ESCAPE_LETTERS = frozenset('bfnrtu/"\\')  # what follows a backslash in a JSON string

# --- regex building blocks: they only build strings; the detector tables below are plain data ---


def _lit(text: str) -> str:
    """Escape ``text`` for use outside a character class."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$#&-~" else c for c in text)


def _cls(text: str) -> str:
    """Escape ``text`` for use inside a character class."""
    return "".join("\\" + c if c in "\\[]^-&~" else c for c in text)


def _trie(prefixes: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Prefixes as a trie of atoms; an atom is the set of characters allowed at one position."""
    root: dict[str, Any] = {}
    for prefix in prefixes:
        node = root
        for atom in prefix:
            node = node.setdefault(atom, {})
        node[""] = {}
    return root


def _atoms(node: dict[str, Any]) -> list[str]:
    atoms = sorted(a for a in node if a)
    if len(set("".join(atoms))) != len("".join(atoms)):
        raise ValueError(f"excluded prefixes must branch on disjoint characters: {atoms}")
    return atoms


def _head(atom: str) -> str:
    return _lit(atom) if len(atom) == 1 else f"[{_cls(atom)}]"


def _run(plain: str, escape: str | None, excluded: Sequence[Sequence[str]] = ()) -> str:
    """A non-empty run of units that does not start with any of the ``excluded`` prefixes.

    A unit is a character of ``[^plain]`` or an ``escape`` sequence. The regex crate has no
    negative look-ahead, so the exclusion is spelt out as a trie.
    """
    unit_tail = f"|{escape})" if escape else ")"
    tail = f"(?:[^{plain}]{unit_tail}*"

    def branch(node: dict[str, Any], root: bool) -> str:
        atoms = _atoms(node)
        alternatives = [f"(?:[^{plain}{_cls(''.join(atoms))}]{unit_tail}{tail}"]
        alternatives += [_head(a) + branch(node[a], False) for a in atoms if "" not in node[a]]
        body = "(?:" + "|".join(alternatives) + ")"
        return body if root else body + "?"

    return branch(_trie(excluded), True)


def _start(first_not: str, excluded: Sequence[Sequence[str]]) -> str:
    """A cheap superset of the start of a ``_run`` (for the prefilter): only the exclusions."""

    def branch(node: dict[str, Any], not_here: str) -> str:
        atoms = _atoms(node)
        alternatives = [f"[^{_cls(not_here + ''.join(atoms))}]"]
        alternatives += [_head(a) + branch(node[a], "") for a in atoms if "" not in node[a]]
        if not not_here:
            alternatives.append("$")
        return "(?:" + "|".join(alternatives) + ")"

    return branch(_trie(excluded), first_not)


def _w(word: str) -> str:
    """``word`` in lower, Capitalized or UPPER case: few literals keep the prefilter fast."""
    return f"(?:{word}|{word.capitalize()}|{word.upper()})"


def _k(*words: str) -> str:
    """A key name of several words: snake_case, camelCase, kebab-case, dotted or UPPER_CASE."""
    return "[_.-]?".join(_w(word) for word in words)


def _owned(owners: Sequence[str], noun: str, *, bare: bool = True) -> str:
    """``noun`` preceded by one of ``owners`` (``access_token``, ``clientSecret``), or alone."""
    owner = "(?:" + "|".join(_k(*o.split()) for o in owners) + ")[_.-]?"
    return f"(?:{owner}){'?' if bare else ''}{_w(noun)}"


# Vault audit HMACs and our own tokens are never secrets. A bare value must not start with the
# tail of a token either: the kind reads like a key name in "[REDACTED:vault-token:0123...]".
_SKIP: tuple[Sequence[str], ...] = ("hmac-sha256:", "[REDACTED:")
_TOKEN_TAIL: Sequence[str] = ("0123456789abcdef",) * 16 + ("]",)
_SP = "[ \t]*"
_JSON0 = ('"\\\\', r"\\.")  # units of a JSON string body
_JSON1 = ('"\\\\', r'\\\\(?:\\["\\]|[^"\\])')  # ... of a JSON string inside a JSON string
_JSON_STR = r'(?:[^"\\]|\\.)*'
_BARE_NOT = " \t\r\n\"'`,;&<>\\\\"
_BARE_ESCAPE = r'\\[^"nrt \t\r\n]'  # \" \n \r \t end a bare value (it sits in JSON text)
_BARE_END = f"(?:[{_BARE_NOT}]|$)"  # a bare value ends at a delimiter (outside group 1)
_BARE_SEP = "(?:[ \t]*=[ \t]*|[ \t]*:[ \t]+)"  # key=value, key: value


@dataclass(frozen=True)
class Detector:
    """A secret shape: ``kind`` names it in tokens; group 1 of ``pattern`` (or all) is secret."""

    kind: str
    pattern: str


def _fields(
    kind: str,
    key: str,
    last: str,
    excluded: Sequence[Sequence[str]] = (),
    *,
    json_only: bool = False,
) -> tuple[tuple[Detector, str, str], ...]:
    """Detectors for the value of a field named by ``key``, each with two prefilters.

    Syntaxes: JSON ``"key": "v"``, JSON inside a JSON string ``\\"key\\": \\"v\\"``, and
    assignments (``key=v``, ``key: v``, ``KEY="v"``: .env, YAML, logfmt, query strings). The
    prefilters check only the start of the value (enough to rule out Vault HMACs). The first one
    starts at ``last``, a few literals that end every name ``key`` matches, which the regex
    crate finds fast; the second one, slower, starts at ``key`` and runs on the first's hits.
    """
    skip = (*_SKIP, *excluded)
    dq, sq = _run('"\\\\\r\n', r"\\[^\r\n]", skip), _run("'\r\n", None, skip)
    syntaxes = [  # separator, value (group 1), end, a superset of the value's start
        (f'"{_SP}:{_SP}"', _run(*_JSON0, skip), '"', _start('"', skip)),
        (f'\\\\"{_SP}:{_SP}\\\\"', _run(*_JSON1, skip), '\\\\"', _start("", skip)),
    ]
    if not json_only:
        bare_skip = (*skip, _TOKEN_TAIL)
        syntaxes += [
            (
                f"['\"]?{_SP}[:=]{_SP}",
                f"(?:\"{dq}\"|'{sq}')",
                "",
                f"(?:\"{_start(chr(34), skip)}|'{_start(chr(39), skip)})",
            ),
            # No quote after the key: in JSON, "key": 42 is no assignment. No "key:value"
            # either, that is how ARNs read (arn:aws:secretsmanager:...:secret:prod/db).
            (
                _BARE_SEP,
                _run(_BARE_NOT, _BARE_ESCAPE, bare_skip),
                _BARE_END,
                _start(_BARE_NOT.replace("\\\\", ""), bare_skip),
            ),
        ]
    return tuple(
        (
            Detector(kind, f"(?:{key}){sep}({value}){end}"),
            f"(?:{last}){sep}{start}",
            f"(?:{key}){sep}{start}",
        )
        for sep, value, end, start in syntaxes
    )


_KEY_START = r"(?:(?-u:\b)|\\[nrt])_?"  # a key name starts here, or right after a JSON \n
_TOKEN_OWNERS = (
    "access", "refresh", "id", "auth", "client", "session", "bearer", "api", "x vault", "vault",
    "github", "gh", "gitlab", "slack", "bot", "app", "personal access", "service account", "admin",
    "root", "wrapping", "wrapped", "cluster", "join", "registration", "deploy", "npm", "pypi",
    "doppler", "oauth", "op service account", "op connect", "circle", "travis", "heroku", "hf",
    "discord", "telegram", "datadog", "sentry", "jwt", "private",
)  # fmt: skip
_SECRET_OWNERS = (
    "client", "app", "application", "api", "shared", "webhook", "signing", "consumer", "oauth",
    "jwt", "session", "cookie", "hmac", "master", "encryption", "admin", "django", "flask",
    "rails", "stripe", "github", "slack", "doppler",
)  # fmt: skip
_KEY_OWNERS = (
    "api", "private", "secret", "account", "shared access", "signing", "encryption", "master",
)  # fmt: skip
_SECRET_NAME = f"{_w('secret')}(?:[_.-]?(?:{_w('value')}|{_w('string')})|_{_w('id')})"
_GENERIC_KEY = (
    f"{_KEY_START}(?:{_owned(_TOKEN_OWNERS, 'token')}|{_owned(_SECRET_OWNERS, 'secret')}"
    f"|{_SECRET_NAME})|{_owned(_KEY_OWNERS, 'key', bare=False)}|{_k('api', 'secret')}"
    f"|{_k('access', 'key', 'secret')}|apikey|APIKEY|Apikey"
)
_FIELDS = (
    *_fields(
        "aws-secret-key",
        f"(?:{_w('aws')}[_.-]?)?{_k('secret', 'access', 'key')}|{_k('aws', 'secret')}"
        f"(?:[_.-]?{_w('key')})?",
        f"{_w('key')}|{_w('secret')}",
    ),
    *_fields(
        "azure-client-secret",
        f"(?:{_w('azure')}|{_w('arm')})[_.-]?{_k('client', 'secret')}",
        _w("secret"),
    ),
    *_fields(
        "twilio",
        f"{_w('twilio')}[_.-]?(?:{_k('auth', 'token')}|{_k('api', 'secret')}|{_w('secret')})",
        f"{_w('token')}|{_w('secret')}",
    ),
    *_fields(
        "password-field",
        f"{_w('password')}|{_w('passwd')}|{_w('passphrase')}|[_.-]{_w('pwd')}",
        f"{_w('password')}|{_w('passwd')}|{_w('passphrase')}|{_w('pwd')}",
    ),
)
_GENERIC_FIELDS = (
    *_fields(
        "generic-api-key-field",
        _GENERIC_KEY,
        f"{_w('token')}|{_w('key')}|{_w('secret')}|{_SECRET_NAME}",
    ),
    # Scanner output (TruffleHog Raw/RawV2, gitleaks Match): AWS key ids stay for the join.
    *_fields(
        "scanner-finding",
        f"{_KEY_START}(?:RawV2|Raw|Match)",
        "RawV2|Raw|Match",
        ("AKIA", "ASIA"),
        json_only=True,
    ),
)
_B64 = r"(?:[A-Za-z0-9+]|\\?/)"  # a base64 character, or JSON's escaped slash
_PEM_BEGIN = r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"
_PEM_END = r"-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"
_PEM_BODY = r"(?:[A-Za-z0-9+/=:,.\- \t\r\n]|\\+[nrt/])"  # with JSON's \n escapes
_URL_PASSWORD = _run(" \t\r\n@/\"'<>\\\\", None, _SKIP)
_COLON = f"{_SP}:{_SP}"
_K8S_KEY = r'"[-._A-Za-z0-9]{1,253}"'
_K8S_KEY1 = r'\\"[-._A-Za-z0-9]{1,253}\\"'
_K8S_B64 = r"(?:[A-Za-z0-9+]|\\?/)*={0,2}"
_K8S_NEXT = "(?:type|kind|metadata|stringData|immutable|apiVersion)"
_NEXT = f"{_SP},{_SP}"


DETECTORS: tuple[Detector, ...] = (
    # -- tokens with documented prefixes; listed first, their kind wins for an equal secret
    Detector(
        "gcp-sa-private-key",
        rf'\\?"private_key\\?"{_COLON}\\?"(-----BEGIN PRIVATE KEY-----{_PEM_BODY}*?'
        r"-----END PRIVATE KEY-----)",
    ),
    Detector("private-key", f"{_PEM_BEGIN}{_PEM_BODY}*?{_PEM_END}|{_PEM_BEGIN}{_PEM_BODY}{{20,}}"),
    Detector("jwt", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    Detector(
        "github-token", r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"
    ),
    Detector("gitlab-token", r"(?:glpat|glrt|gldt|glptt)-[A-Za-z0-9_-]{20,}"),
    Detector("slack-token", r"xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,}"),
    Detector(
        "slack-webhook",
        r"hooks\.slack\.com\\?/(?:services|workflows)\\?/"
        r"([A-Za-z0-9]+\\?/[A-Za-z0-9]+\\?/[A-Za-z0-9]+)",
    ),
    Detector("stripe-key", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{24,}"),
    Detector("vault-token", r"hv[sbr]\.[A-Za-z0-9_-]{24,}"),
    # The token prefix and config slug are join keys (FORMATS §8); the random part goes.
    Detector(
        "doppler-token",
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,64}\.)?([A-Za-z0-9]{40,})",
    ),
    Detector("1password-service-token", r"ops_eyJ[A-Za-z0-9+/=_-]{40,}"),
    Detector(
        "1password-secret-key",
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})(?:-[A-Z0-9]{5}){3}",
    ),
    Detector("google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    Detector("sendgrid", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    Detector("npm-token", r"npm_[A-Za-z0-9]{36}"),
    Detector("pypi-token", r"pypi-Ag[A-Za-z0-9_-]{50,}"),
    Detector("anthropic-key", r"sk-ant-[a-z]{3,8}[0-9]{2}-[A-Za-z0-9_-]{20,}"),
    Detector(
        "openai-key",
        r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    ),
    Detector("huggingface-token", r"hf_[A-Za-z]{34}"),
    Detector("digitalocean-token", r"do[opr]_v1_[a-f0-9]{64}"),
    Detector("age-secret-key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    # "<access key id>:<secret>" (TruffleHog RawV2): the key id stays, it is a join key.
    Detector("aws-secret-key", f"(?:AKIA|ASIA)[A-Z0-9]{{16}}:({_B64}{{40}})(?:[^A-Za-z0-9+/=]|$)"),
    # -- secrets known by the name of their field; only the value goes
    *(detector for detector, *_ in _FIELDS),
    Detector("bearer-token", r"(?:Bearer|bearer|BEARER)[ \t]+((?:[A-Za-z0-9._~+=-]|\\?/){16,})"),
    Detector("basic-auth", r"(?:Basic|BASIC)[ \t]+([A-Za-z0-9+/]{7,}[A-Z0-9+/][A-Za-z0-9+/]*=*)"),
    Detector(
        "url-credentials",
        rf":(?:\\?/){{2}}[^ \t\r\n:@/\"'<>\\]*:({_URL_PASSWORD})@",
    ),
    *(detector for detector, *_ in _GENERIC_FIELDS),
    # Vault KV v2 payloads logged with log_raw, "data":{"data":{...}}: the field names are the
    # user's own, so every value goes. In HMAC'd audit logs the first value stops the match.
    Detector(
        "vault-kv-data",
        rf'"data"{_COLON}\{{{_SP}"data"{_COLON}\{{{_SP}"{_JSON_STR}"{_COLON}"('
        + _run(*_JSON0, _SKIP)
        + rf'(?:"{_NEXT}"{_JSON_STR}"{_COLON}"{_JSON_STR})*)"{_SP}\}}',
    ),
    # Kubernetes Secret objects: every value of "data" (base64) and "stringData". The names of
    # all data keys but the first go too, so that the JSON stays valid.
    Detector(
        "k8s-secret-data",
        rf'"data"{_COLON}\{{{_SP}{_K8S_KEY}{_COLON}"({_K8S_B64}'
        rf'(?:"{_NEXT}{_K8S_KEY}{_COLON}"{_K8S_B64})*)"{_SP}\}}{_NEXT}"{_K8S_NEXT}"',
    ),
    Detector(  # the same inside a JSON string (kubectl's last-applied-configuration annotation)
        "k8s-secret-data",
        rf'\\"data\\"{_COLON}\{{{_SP}{_K8S_KEY1}{_COLON}\\"({_K8S_B64}'
        rf'(?:\\"{_NEXT}{_K8S_KEY1}{_COLON}\\"{_K8S_B64})*)\\"{_SP}\}}{_NEXT}\\"{_K8S_NEXT}\\"',
    ),
    Detector(
        "k8s-secret-data",
        rf'"stringData"{_COLON}\{{{_SP}{_K8S_KEY}{_COLON}"('
        + _run(*_JSON0, _SKIP)
        + rf'(?:"{_NEXT}{_K8S_KEY}{_COLON}"{_JSON_STR})*)"{_SP}\}}',
    ),
)

# Field detectors are slow over a whole column (their values are long alternations): the
# prefilter runs, for each, a cheap superset instead (end of the key, separator, value start).
_PREFILTER_OF: dict[str, tuple[str, str]] = {
    d.pattern: (coarse, fine) for d, coarse, fine in (*_FIELDS, *_GENERIC_FIELDS)
}

# Values that field detectors find but that are not secrets: masks, nulls, references, key ids.
_PLACEHOLDER = re.compile(
    r"[*\u2022x]*|null|none|nil|true|false|undefined|redacted|\[redacted\]|<redacted>"
    r"|\[filtered\]|<hidden>|hidden_due_to_security_reasons|\*+redacted\*+"
    r"|\$\{.*|\$[A-Za-z_]\w*|\{\{.*|<[^<>]*>|(?:AKIA|ASIA)[A-Z0-9]{16}|hmac-sha256:[0-9a-f]+",
    re.IGNORECASE,
)


_BLANK_EDGES = re.compile(r"((?:\s|\\[nrt])*)(.*?)((?:\s|\\[nrt])*)", re.DOTALL)


def _blank_edges(text: str) -> tuple[str, str, str]:
    """``text`` as leading whitespace, core, trailing whitespace (also JSON-escaped: ``\\n``)."""
    edges = _BLANK_EDGES.fullmatch(text)
    assert edges is not None  # every text matches
    return edges.group(1), edges.group(2), edges.group(3)


def _is_placeholder(value: str) -> bool:
    """Not a secret, or already (partly) redacted: "dp.st.prd.[REDACTED:doppler-token:...]"."""
    return _PLACEHOLDER.fullmatch(value) is not None or "[REDACTED:" in value


def _canonical(secret: str) -> str:
    """``secret`` with JSON escaping undone (two levels at most), so that a password seen in a
    JSON log and in a .env line gets one fingerprint. Invalid JSON escaping stays as it is."""
    for _ in range(2):
        if "\\" not in secret:
            break
        try:
            decoded = json.loads(f'"{secret}"')
        except ValueError:
            break
        secret = decoded if isinstance(decoded, str) else secret
    return secret


def _secret_span(match: str, group: str | None) -> tuple[int, int] | None:
    """Where the secret lies in ``match``; ``None`` for a placeholder (nothing to redact).

    Group 1 ends a field match, followed only by delimiters it cannot contain, so its last
    occurrence is the group. Quotes around a value stay visible around the token.
    """
    start, end = 0, len(match)
    if group is not None and (found := match.rfind(group)) >= 0:
        start, end = found, found + len(group)
    if end - start >= 2 and match[start] == match[end - 1] and match[start] in "\"'":
        start, end = start + 1, end - 1
    return None if _is_placeholder(match[start:end]) else (start, end)


class Redactor:
    """Replaces secrets with ``[REDACTED:<kind>:<fingerprint>]`` tokens under one lake key."""

    def __init__(self, key: bytes, detectors: Sequence[Detector] = DETECTORS) -> None:
        if not key:
            raise ValueError("the redaction key is empty")
        if not detectors:
            raise ValueError("at least one detector is needed")
        self._key = bytes(key)
        self._detectors = tuple(detectors)
        self._has_group = tuple(_group_count(d) > 0 for d in self._detectors)
        # Three regexes, not one: a union runs several times slower, because the regex crate
        # then gives up its literal prefilter (see bench/redact.py).
        fields = [_PREFILTER_OF[d.pattern] for d in detectors if d.pattern in _PREFILTER_OF]
        others = [d.pattern for d in detectors if d.pattern not in _PREFILTER_OF]
        stages = [
            (_union(c for c, _ in fields), _union(f for _, f in fields)),
            (_union(others), ""),
        ]
        self._stages = tuple((first, then) for first, then in stages if first)
        for first, then in self._stages:
            _group_count(Detector("prefilter", first))
            _group_count(Detector("prefilter", then))

    def fingerprint(self, secret: str) -> str:
        """First 16 hex chars of HMAC-SHA256(key, UTF-8 bytes of ``secret``)."""
        return hmac.new(self._key, secret.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    def token(self, kind: str, secret: str) -> str:
        """The text that stands in for ``secret``: ``[REDACTED:<kind>:<fingerprint>]``."""
        return f"[REDACTED:{kind}:{self.fingerprint(secret)}]"

    def redact_series(self, s: pl.Series) -> pl.Series:
        """``s`` with every secret replaced; nulls stay null, length and order are kept."""
        rows = self._candidate_rows(s)
        if rows is None:
            return s
        out = s.clone()
        out.scatter(rows, self._redact_rows(s.gather(rows)))
        return out

    def redact_arrow(self, arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """As :meth:`redact_series` for an Arrow string column: the same column back (no copy)
        when the prefilter matches no row, which is most blocks of most logs."""
        s = pl.Series("raw", arr)
        rows = self._candidate_rows(s)
        if rows is None:
            return arr
        out = s.clone()
        out.scatter(rows, self._redact_rows(s.gather(rows)))
        return out.to_arrow()

    def redact_text(self, text: str) -> str:
        """One string, same rules as :meth:`redact_series` (error messages, quarantined rows)."""
        return str(self.redact_series(pl.Series([text], dtype=pl.String)).item())

    def count_series(self, s: pl.Series) -> int:
        """How many rows :meth:`redact_series` changes; only candidate rows are examined."""
        rows = self._candidate_rows(s)
        if rows is None:
            return 0
        before = s.gather(rows)
        return int((self._redact_rows(before) != before).sum())

    def _candidate_rows(self, s: pl.Series) -> pl.Series | None:
        """Indices of the rows the prefilter matches, ``None`` when there are none."""
        if s.dtype == pl.Null or s.is_empty():
            return None
        if s.dtype != pl.String:
            raise TypeError(f"redaction needs a String column, got {s.name!r} of type {s.dtype}")
        rows = self._matches(s).arg_true()
        return rows if rows.len() else None

    def _matches(self, s: pl.Series) -> pl.Series:
        """Where the prefilter matches: a superset of the rows that some detector matches."""
        mask: pl.Series | None = None
        for first, then in self._stages:
            hits = s.str.contains(first)
            rows = hits.arg_true()
            if then and rows.len():  # the second, slower stage runs on the first one's hits
                hits.scatter(rows, s.gather(rows).str.contains(then))
            mask = hits if mask is None else mask | hits
        assert mask is not None  # there is at least one stage
        return mask

    def _redact_rows(self, rows: pl.Series) -> pl.Series:
        for _ in range(_MAX_PASSES):
            plan = self._plan(rows)
            if not plan:
                break
            redacted = rows.str.replace_many(list(plan), list(plan.values()), leftmost=True)
            if redacted.equals(rows):  # only guards (see _plan) matched
                break
            rows = redacted
        return rows

    def _plan(self, rows: pl.Series) -> dict[str, str]:
        """Each distinct full match -> its replacement, longest first (for leftmost-longest)."""
        rows = rows.filter(self._matches(rows))
        if rows.is_empty():
            return {}
        # One query for all detectors: on a few rows, per-call overhead outweighs regex time.
        text = pl.col("text")
        per_detector = (
            rows.to_frame("text")
            .select(
                text.str.extract_all(d.pattern).explode().drop_nulls().unique(maintain_order=True)
                .implode().alias(str(i))
                for i, d in enumerate(self._detectors)
            )
            .row(0)
        )  # fmt: skip
        found: dict[str, tuple[int, int]] = {}
        kind_of: dict[str, str] = {}  # secret -> kind of the first detector that found it
        for detector, has_group, all_matches in zip(
            self._detectors, self._has_group, per_detector, strict=True
        ):
            matches = [m for m in all_matches if m and m not in found]
            if not matches:
                continue
            groups: list[str | None] = list(matches)
            if has_group:
                groups = (
                    pl.Series(matches, dtype=pl.String).str.extract(detector.pattern, 1).to_list()
                )
            for match, group in zip(matches, groups, strict=True):
                span = _secret_span(match, group)
                if span is not None:
                    found[match] = span
                    kind_of.setdefault(match[span[0] : span[1]], detector.kind)
        plan: dict[str, str] = {}
        for match in found:
            self._replace(match, found, kind_of, plan)
            if found[match][0] == 0 and match[0] in _ESCAPE_LETTERS:
                # "npm_..." is replaced in every candidate row, but "\\npm_..." in JSON text is a
                # newline then "pm_...": replacing there would leave "\\[" (invalid JSON). This
                # longer identity pattern wins there, since replace_many takes the longest.
                plan.setdefault("\\" + match, "\\" + match)
        return dict(sorted(plan.items(), key=lambda item: len(item[0]), reverse=True))

    def _replace(
        self,
        match: str,
        found: dict[str, tuple[int, int]],
        kind_of: dict[str, str],
        plan: dict[str, str],
    ) -> str:
        """The replacement of ``match``. When a field's value is itself another detector's match
        (``"token": "ghp_..."``, a PEM block then ``\\n``), that replacement goes inside."""
        if match not in plan:
            start, end = found[match]
            secret = match[start:end]
            lead, core, trail = _blank_edges(secret)
            if core and core != match and core in found:
                inner = lead + self._replace(core, found, kind_of, plan) + trail
            else:
                inner = self.token(kind_of[secret], _canonical(secret))
            plan[match] = match[:start] + inner + match[end:]
        return plan[match]


def _union(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in dict.fromkeys(patterns))


def _group_count(detector: Detector) -> int:
    """How many capture groups the pattern has; ``ValueError`` if polars cannot compile it."""
    try:
        probe = pl.select(pl.lit("", dtype=pl.String).str.extract_groups(detector.pattern))
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"detector {detector.kind!r} has an invalid pattern: {exc}") from exc
    dtype = probe.to_series().dtype
    return len(dtype.fields) if isinstance(dtype, pl.Struct) else 0


# --- the lake key ---


def load_or_create_key(config_dir: pathlib.Path) -> bytes:
    """The redaction key in ``<config_dir>/config.json``, created (32 random bytes) on first use.

    Other keys of the file are kept. The file is written atomically (temp file, fsync, rename)
    with mode 0600, under a lock on the directory, so that concurrent first uses agree on a key.
    """
    path = config_dir / KEY_FILE_NAME
    config = _read_config(path)
    if config is None or _KEY_FIELD not in config:
        config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(config_dir):
            config = _read_config(path)  # another process may have been first
            if config is None or _KEY_FIELD not in config:
                config = {**(config or {}), _KEY_FIELD: secrets.token_hex(32)}
                _write_atomically(path, config)
    return _parse_key(path, config[_KEY_FIELD])


@contextlib.contextmanager
def _locked(directory: pathlib.Path) -> Iterator[None]:
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read_config(path: pathlib.Path) -> dict[str, object] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc}); fix or remove the file") from exc
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path}: corrupt JSON ({exc}); fix or remove the file") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(config).__name__}")
    return config


def _parse_key(path: pathlib.Path, value: object) -> bytes:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return bytes.fromhex(value)
    raise ValueError(f"{path}: {_KEY_FIELD!r} must be a string of 64 hex characters")


def _write_atomically(path: pathlib.Path, config: dict[str, object]) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(config, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    dir_fd = os.open(path.parent, os.O_RDONLY)  # make the rename durable
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
