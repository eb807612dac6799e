"""What every scanner parser returns, and how a finding becomes a ``leaks`` row.

A parser turns one input record into a :class:`Finding` (the secret values it carries, where, what
rule, when) or a problem string (the quarantine reason). :func:`to_row` then does the part that
is the same for every scanner: pick the secret to fingerprint, derive the credential id, replace
every copy of the secret in the record by its redaction token, run the lake's
:class:`~ingest.redact.Redactor` over the rest and hash the leak id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.redact import Redactor
from ingest.scanners.credentials import credential_id, is_aws_key_id, split_aws_pair

_TOKEN = re.compile(r"\[REDACTED:([a-z0-9-]+):([0-9a-f]{16})\]")
# gitleaks --redact writes "REDACTED"; --redact=<percent> keeps a head and appends "...".
_MASKED = re.compile(r"REDACTED|\**|.*\.\.\.|.*\*{3,}.*", re.IGNORECASE)
_HIDDEN = re.compile(r"REDACTED|\**", re.IGNORECASE)  # hides nothing worth replacing
FALLBACK_KIND = "scanner-finding"  # the Redactor's own kind for scanner fields it cannot name


@dataclass
class Finding:
    """One scanner finding, before redaction. ``record`` is the finding as the scanner wrote it."""

    record: Any
    secrets: list[str] = field(default_factory=list)  # cleartext values, the main one first
    rule: str | None = None
    detected_time: datetime | None = None
    location: dict[str, Any] = field(default_factory=dict)
    verified: bool | None = None
    status: str | None = None
    hints: list[str] = field(default_factory=list)  # non-secret text that may name a key id
    identity: str | None = None  # the scanner's own id of the secret when it never shows it
    key: tuple[str | None, ...] | None = None  # dedupe identity; default (rule, fp, location)
    fingerprint: str | None = None  # set when the parser found it otherwise (git-secrets)
    kind: str | None = None  # the secret's kind, with ``fingerprint``


@dataclass(frozen=True)
class Context:
    """What parsers need besides the record: the lake's redactor and the optional Vault key."""

    redactor: Redactor
    vault_hmac_key: str | None = None


def secret_kind(redactor: Redactor, secret: str) -> str:
    """The kind the Redactor gives ``secret`` on its own (``vault-token``, ``github-token``...),
    so a leak's token reads like the token redaction wrote into events; else ``scanner-finding``."""
    found = _TOKEN.fullmatch(redactor.redact_text(secret))
    if found and found.group(2) == redactor.fingerprint(secret):
        return found.group(1)
    return FALLBACK_KIND


def is_masked(value: str) -> bool:
    """A value the scanner already hid (nothing to fingerprint)."""
    return _MASKED.fullmatch(value.strip()) is not None


def _scrub(value: Any, replacements: list[tuple[str, str]]) -> Any:
    """``value`` with every secret (longest first) replaced in every string leaf."""
    if isinstance(value, str):
        for secret, token in replacements:
            if secret in value:
                value = value.replace(secret, token)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, replacements) for v in value]
    return value


def redacted_json(
    ctx: Context, record: Any, secrets: Iterable[str], kinds: dict[str, str] | None = None
) -> str:
    """``record`` as JSON with each secret (and its base64 form) replaced by its token, then the
    Redactor over the whole text for whatever else the record holds. ``kinds`` names the kind
    of some secrets; the others get the kind redaction gives them."""
    replacements: dict[str, str] = {}
    for secret in secrets:
        if _HIDDEN.fullmatch(secret.strip()):
            continue  # a partly masked value still goes: its head may be real
        kind = (kinds or {}).get(secret) or secret_kind(ctx.redactor, secret)
        token = ctx.redactor.token(kind, secret)
        replacements[secret] = token
        encoded = base64.b64encode(secret.encode()).decode()
        replacements.setdefault(encoded, token)
        replacements.setdefault(encoded.rstrip("="), token)
    ordered = sorted(replacements.items(), key=lambda kv: len(kv[0]), reverse=True)
    text = json.dumps(_scrub(record, ordered), ensure_ascii=False, sort_keys=True)
    return ctx.redactor.redact_text(text)


def main_secret(redactor: Redactor, secrets: list[str]) -> tuple[str, str] | None:
    """(value to fingerprint, its kind): the first unmasked secret; of an AWS ``<key id>:<secret
    key>`` pair the secret key (redaction fingerprints that part and keeps the key id)."""
    for value in secrets:
        if value and not is_masked(value):
            pair = split_aws_pair(value)
            if pair:
                return pair[1], "aws-secret-key"
            if is_aws_key_id(value):
                return value, "aws-access-key-id"
            return value, secret_kind(redactor, value)
    return None


def location_json(location: dict[str, Any]) -> str | None:
    kept = {k: v for k, v in location.items() if v not in (None, "", [], {})}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False) if kept else None


def _where(finding: Finding) -> str | None:
    """The part of the location that identifies a finding: repo, commit, file and line when
    known (the same finding in gitleaks JSON, with its ``Link``, and in SARIF or CSV, without,
    is one leak), else the whole location."""
    loc = finding.location
    if loc.get("file") or loc.get("commit"):
        return location_json({k: loc.get(k) for k in ("repo", "commit", "file", "line")})
    return location_json(loc)


def _hash(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:32]


def to_row(scanner: str, finding: Finding, ctx: Context, origin_line: int) -> dict[str, Any]:
    """The ``leaks`` row of ``finding`` (without ``origin_file`` and ``ingest_id``)."""
    main = main_secret(ctx.redactor, finding.secrets)
    fingerprint = finding.fingerprint or (ctx.redactor.fingerprint(main[0]) if main else None)
    kind = finding.kind or (main[1] if main else None)
    secrets = [s for v in finding.secrets for s in _parts(v)]
    kinds = {pair[1]: "aws-secret-key" for v in finding.secrets if (pair := split_aws_pair(v))}
    location = location_json(finding.location)
    key = finding.key or (finding.rule, fingerprint or finding.identity, _where(finding))
    return {
        "leak_id": _hash(scanner, *key),
        "detected_time": finding.detected_time,
        "source": scanner,
        "rule": finding.rule,
        "secret_kind": kind,
        "credential_id": credential_id(finding.secrets, finding.hints, ctx.vault_hmac_key),
        "fingerprint": fingerprint,
        "secret_id": None,
        "location": location,
        "verified": finding.verified,
        "status": finding.status,
        "raw": redacted_json(ctx, finding.record, secrets, kinds),
        "origin_line": origin_line,
    }


def _parts(value: str) -> list[str]:
    """What to replace for one secret value: an AWS pair loses its secret key only (the key id
    is a join key and stays, as in redacted events), a bare key id nothing; the rest goes."""
    pair = split_aws_pair(value)
    if pair:
        return [pair[1]]
    return [] if is_aws_key_id(value) else [value]


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 (any fraction, ``Z``), git's ``2024-05-03 10:21:07 +0000``, or a naive
    ``2024-05-03 10:21:07`` (taken as UTC); None when it is none of them."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?", text
    )
    if not m:
        return None
    day, clock, fraction, zone = m.groups()
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if zone in (None, "Z") else zone
    if ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        parsed = datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}")
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def json_unescape(body: str) -> str:
    """The value of a JSON string body (``a\\"b`` → ``a"b``); as it is when invalid."""
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return body
    return value if isinstance(value, str) else body


def text(value: Any) -> str | None:
    """A string field, or None (numbers become text; objects and lists are not text)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
