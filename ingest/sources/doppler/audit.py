"""Doppler activity: detection and the column-wise mapping (FORMATS.md §5).

Three shapes reach a user, all handled by ``mapping.sql`` through the generic
:class:`~ingest.sources.base.SqlAdapter` in its fan-out mode (one record may become many events):

* Log-stream events (Generic HTTPS NDJSON, SQS messages, Datadog / SIEM re-exports): ``type``,
  ``createdAt``, actor ``user{kind, slug, ...}``, ``workplace{id, name}``, ``metadata``. A
  ``security.secret_read`` lists every secret it returned in ``metadata.secrets`` (abbreviated
  keys ``p, e, c, s, v, m, r``): one ``read`` event per entry. A secrets update lists the names
  it added, updated and removed: one ``create`` / ``write`` / ``delete`` event per name.
* Activity Logs API pages (``GET /v3/logs``: ``{"page": n, "logs": [...]}``) and single entries
  (``doppler activity --json``): ``id``, ``text``, ``created_at``, ``project``, ``config``,
  ``user{email, name, username}``; no type and no workplace.
* Config Logs API entries (``/v3/configs/config/logs``): the same plus ``rollback``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ingest.redact import Redactor
from ingest.sources.base import AuditAdapter, AuditSource, SqlAdapter, load_sql

SOURCE = "doppler"
# Stream events name their workplace; REST pages do not: --store, else this.
DEFAULT_STORE = "default"

_SECRET_ENTRY = {
    **dict.fromkeys(["p", "e", "c", "s", "v", "m"], "VARCHAR"),
    "r": {"p": "VARCHAR", "e": "VARCHAR", "c": "VARCHAR"},
}
# The keys read from a record (everything else stays in ``raw`` only). ``user.type`` is an
# object for API tokens and a string for bots; ``config`` is a string or an object in REST pages.
SHAPE: dict[str, Any] = {
    **dict.fromkeys(["source", "ddsource", "slug", "id", "type", "text"], "VARCHAR"),
    **dict.fromkeys(["project", "environment"], "VARCHAR"),
    "createdAt": "JSON",
    "created_at": "JSON",
    "config": "JSON",
    "rollback": "BOOLEAN",
    "user": {
        **dict.fromkeys(["kind", "slug", "name", "email", "username"], "VARCHAR"),
        "type": "JSON",
        "is_bot": "BOOLEAN",
    },
    "workplace": {"id": "VARCHAR", "name": "VARCHAR"},
    "session": dict.fromkeys(["ip", "browser", "os", "method"], "VARCHAR"),
    "metadata": {
        **dict.fromkeys(["projectId", "projectName", "configName"], "VARCHAR"),
        "diff": {key: ["VARCHAR"] for key in ("added", "removed", "updated")},
        "secrets": [_SECRET_ENTRY],
    },
}


@cache
def mapping_sql() -> str:
    return load_sql(Path(__file__).with_name("mapping.sql"), {"$shape": SHAPE})


# --- detection ----------------------------------------------------------------------------------
# Event-type families of the Activity Log Event Schema (a type outside them is still ours when
# the record says source/ddsource "doppler").
TYPE_PREFIXES = ("security.", "enclave.", "team.", "billing.", "custom_roles.", "workplace.")
_REST_KEYS = frozenset(
    {"id", "text", "html", "created_at", "project", "environment", "config", "user", "rollback"}
)

_PAGE_KEYS = frozenset({"logs", "page", "success"})


def _is_stream_event(record: dict[str, Any]) -> bool:
    kind = record.get("type")
    if not isinstance(kind, str):
        return False
    named = "doppler" in (record.get("source"), record.get("ddsource"))
    return named or (kind.startswith(TYPE_PREFIXES) and "createdAt" in record)


def _is_rest_entry(record: dict[str, Any]) -> bool:
    """An Activity Logs / Config Logs API entry: only the REST keys, an actor with an email."""
    user = record.get("user")
    return (
        isinstance(record.get("created_at"), str)
        and isinstance(record.get("text"), str)
        and isinstance(user, dict)
        and ("email" in user or "username" in user)
        and set(record) <= _REST_KEYS
    )


def _unwrap(record: dict[str, Any]) -> Any:
    """The Doppler record inside an SQS message, a SIEM ``message`` or a Datadog log."""
    for key in ("Body", "message"):
        inner = record.get(key)
        if isinstance(inner, str) and inner.lstrip().startswith("{"):
            try:
                return json.loads(inner)
            except ValueError:
                return None
    attributes = record.get("attributes")
    if isinstance(attributes, dict):
        nested = attributes.get("attributes")
        return nested if isinstance(nested, dict) and "type" in nested else attributes
    content = record.get("content")
    if isinstance(content, dict) and isinstance(content.get("attributes"), dict):
        return content["attributes"]
    return None


def looks_like(record: Any, *, depth: int = 0) -> bool:
    """True for a Doppler log-stream event (plain, in an SQS message or SQS receive batch, in a
    Datadog or SIEM envelope), an Activity Logs API page or entry, or a Config Logs entry."""
    if not isinstance(record, dict) or depth > 2:
        return False
    if _is_stream_event(record) or _is_rest_entry(record):
        return True
    for key in ("logs", "Messages"):
        items = record.get(key)
        if isinstance(items, list) and items:
            return looks_like(items[0], depth=depth + 1)
    if isinstance(record.get("logs"), list) and set(record) <= _PAGE_KEYS:
        return True  # an empty /v3/logs page
    inner = _unwrap(record)
    return inner is not None and looks_like(inner, depth=depth + 1)


def make_adapter(
    con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
) -> AuditAdapter:
    return SqlAdapter(
        con,
        store or DEFAULT_STORE,
        redactor,
        source=SOURCE,
        mapping_sql=mapping_sql(),
        fan_out=True,
    )


AUDIT = AuditSource(
    name=SOURCE, looks_like=looks_like, make=make_adapter, default_store=DEFAULT_STORE
)
