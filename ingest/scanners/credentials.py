"""Credential ids derivable from a leaked secret: the join keys to access logs (FORMATS.md §8, §9).

* AWS access key id (``AKIA``/``ASIA`` + 16): from the secret itself, the ``<key id>:<secret
  key>`` pair TruffleHog writes in ``RawV2``, or the finding's extra data. CloudTrail events carry
  the same value in ``credential_id``.
* Vault token: the audit device writes ``hmac-sha256:`` + hex HMAC-SHA256 of the token under the
  device's salt into ``auth.client_token`` (FORMATS.md §1(e)); with that key
  (``--vault-hmac-key`` / ``$KEYTRAIL_VAULT_HMAC_KEY``) a leaked token gets the same value, which
  the Vault source stores in ``events.session_id``. A value that already is such a hash (the
  output of ``vault write sys/audit-hash/<device> input=<token>``) is used as it is.
* Other token kinds (GitHub, Slack, Stripe, Doppler, 1Password ...) carry no public id that a
  log records: no credential id; the fingerprint is the join key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")
_AWS_PAIR = re.compile(r"((?:AKIA|ASIA)[A-Z0-9]{16}):([A-Za-z0-9+/]{40})")
_VAULT_TOKEN = re.compile(r"hv[sbr]\.[A-Za-z0-9_-]{24,}|[sbr]\.[A-Za-z0-9]{24}")
_VAULT_TOKEN_IN_TEXT = re.compile(r"(?:^|[^A-Za-z0-9_.-])(hv[sbr]\.[A-Za-z0-9_-]{24,})")
_VAULT_HMAC = re.compile(r"hmac-sha256:[0-9a-f]{64}")
VAULT_KEY_ENV = "KEYTRAIL_VAULT_HMAC_KEY"


def split_aws_pair(value: str) -> tuple[str, str] | None:
    """(key id, secret key) of ``AKIA...:<40 chars>``, else None."""
    m = _AWS_PAIR.fullmatch(value.strip())
    return (m.group(1), m.group(2)) if m else None


def is_aws_key_id(value: str) -> bool:
    return _AWS_KEY_ID.fullmatch(value.strip()) is not None


def vault_audit_hmac(key: str, token: str) -> str:
    """What a Vault audit device with HMAC key (salt) ``key`` logs for ``token``."""
    digest = hmac.new(key.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest}"


def credential_id(
    secrets: Iterable[str], hints: Iterable[str], vault_hmac_key: str | None
) -> str | None:
    """The first id derivable from the secrets, else an AWS key id named in ``hints``."""
    for raw in secrets:
        value = raw.strip()
        pair = split_aws_pair(value)
        if pair:
            return pair[0]
        if _AWS_KEY_ID.fullmatch(value):
            return value
        if _VAULT_HMAC.fullmatch(value):
            return value
        if _VAULT_TOKEN.fullmatch(value):
            return vault_audit_hmac(vault_hmac_key, value) if vault_hmac_key else None
    for hint in hints:
        found = _AWS_KEY_ID.search(hint)
        if found:
            return found.group(0)
        token = _VAULT_TOKEN_IN_TEXT.search(hint) if vault_hmac_key else None
        if token and vault_hmac_key:
            return vault_audit_hmac(vault_hmac_key, token.group(1))
    return None
