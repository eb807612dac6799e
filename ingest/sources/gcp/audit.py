"""Google Secret Manager audit entries from Cloud Audit Logs (FORMATS.md §3).

Every LogEntry is one event (no request/response pairing), so the generic :class:`SqlAdapter`
does the work with ``mapping.sql``. What this module adds: the JSON shape the SQL parses, the
detection of a file's first record, and a structural redaction for the (never expected) case of a
secret payload inside a logged request or response.

Accepted containers: JSON lines from a Cloud Storage sink (plain or gzip), the JSON array of
``gcloud logging read --format=json`` (pretty-printed or minified), BigQuery sink rows exported as
JSON (``protopayload_auditlog``, ``requestJson`` strings), Pub/Sub messages (``message.data``
base64) and SIEM re-exports (``{"message": "<LogEntry JSON>"}``).
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingest.redact import Redactor
from ingest.sources.base import AuditSource, SqlAdapter, load_sql

SOURCE = "gcp"
SERVICE = "secretmanager.googleapis.com"
AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog"

_V = "VARCHAR"
_BINDING_DELTAS = [{"action": _V, "role": _V, "member": _V}]
_PAYLOAD: dict[str, Any] = {
    "@type": _V,
    "serviceName": _V,
    "methodName": _V,
    "resourceName": _V,
    "status": {"code": "INTEGER", "message": _V},
    "authenticationInfo": {
        "principalEmail": _V,
        "principalSubject": _V,
        "serviceAccountKeyName": _V,
        "serviceAccountDelegationInfo": [
            {
                "firstPartyPrincipal": {"principalEmail": _V},
                "thirdPartyPrincipal": "JSON",
                "principalSubject": _V,
            }
        ],
    },
    "authorizationInfo": [{"granted": "BOOLEAN", "permission": _V}],
    "requestMetadata": {"callerIp": _V, "callerSuppliedUserAgent": _V},
    "request": {"name": _V, "parent": _V, "secretId": _V, "payload": {"data": _V}},
    "response": {"name": _V, "payload": {"data": _V}},
    "metadata": {"violationReason": _V},
    "policyDelta": {"bindingDeltas": _BINDING_DELTAS},
    "serviceData": {"policyDelta": {"bindingDeltas": _BINDING_DELTAS}},
    # BigQuery sink rows carry these as JSON strings.
    "requestJson": _V,
    "responseJson": _V,
    "metadataJson": _V,
}
SHAPE: dict[str, Any] = {
    "logName": _V,
    "insertId": _V,
    "timestamp": _V,
    "resource": {"labels": {"project_id": _V}},
    "protoPayload": _PAYLOAD,  # also BigQuery's `protopayload_auditlog`, renamed before parsing
}

# Fields that would hold secret material if a payload were ever logged (Google documents that
# it never is); (payload key, request/response key, JSON-string variant in BigQuery rows).
_PAYLOAD_KEYS = ("protoPayload", "protopayload_auditlog")
_MESSAGE_KEYS = (("request", "requestJson"), ("response", "responseJson"))


@cache
def mapping_sql() -> str:
    return load_sql(Path(__file__).with_name("mapping.sql"), {"$shape": SHAPE})


def unwrap(record: Any) -> Any:
    """The LogEntry inside a Pub/Sub message or a SIEM ``message`` string, else ``record``."""
    if not isinstance(record, dict) or "logName" in record:
        return record
    message = record.get("message")
    data = message.get("data") if isinstance(message, dict) else record.get("data")
    if isinstance(data, dict):
        return data
    text: Any = None
    if isinstance(data, str):
        try:
            text = base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            text = data
    elif isinstance(message, str):
        text = message
    if isinstance(text, str) and text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            return record
    return record


def looks_like_audit_entry(record: Any) -> bool:
    """A Cloud Audit Logs LogEntry (any service: out-of-scope services are skipped, not refused)."""
    entry = unwrap(record)
    if not isinstance(entry, dict):
        return False
    log_name = entry.get("logName")
    if not isinstance(log_name, str) or "cloudaudit.googleapis.com" not in unquote(log_name):
        return False
    payload = entry.get("protoPayload", entry.get("protopayload_auditlog"))
    if not isinstance(payload, dict):
        return False
    kind = payload.get("@type")
    if kind is None:  # BigQuery rows drop the type URL
        return isinstance(payload.get("serviceName"), str)
    return bool(kind == AUDIT_LOG_TYPE)


class GcpAudit(SqlAdapter):
    """:class:`SqlAdapter` over ``mapping.sql`` plus payload redaction of flagged rows."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
    ) -> None:
        super().__init__(con, store, redactor, source=SOURCE, mapping_sql=mapping_sql())

    def postprocess(self, events: pa.Table) -> pa.Table:
        flags = events.column("log_raw")
        if pc.any(flags).as_py():
            raw = events.column("raw").to_pylist()
            fixed = [
                redact_payloads(text, self.redactor) if flag and text is not None else text
                for text, flag in zip(raw, flags.to_pylist(), strict=True)
            ]
            idx = events.schema.get_field_index("raw")
            events = events.set_column(idx, "raw", pa.array(fixed, pa.string()))
        return events.drop_columns(["log_raw"])


def redact_payloads(text: str, redactor: Redactor) -> str:
    """Replace ``payload.data`` of the logged request/response (and their BigQuery strings)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    if not isinstance(doc, dict):
        return text
    for key in _PAYLOAD_KEYS:
        payload = doc.get(key)
        if not isinstance(payload, dict):
            continue
        for obj_key, str_key in _MESSAGE_KEYS:
            _redact_message(payload.get(obj_key), redactor)
            as_text = payload.get(str_key)
            if isinstance(as_text, str):
                try:
                    inner = json.loads(as_text)
                except ValueError:
                    continue
                if _redact_message(inner, redactor):
                    payload[str_key] = json.dumps(inner, separators=(",", ":"))
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _redact_message(message: Any, redactor: Redactor) -> bool:
    body = message.get("payload") if isinstance(message, dict) else None
    if not isinstance(body, dict) or "data" not in body:
        return False
    value = body["data"]
    body["data"] = redactor.token("gcp-payload", value if isinstance(value, str) else repr(value))
    return True


AUDIT = AuditSource(
    name=SOURCE,
    looks_like=looks_like_audit_entry,
    make=GcpAudit,
    # After sources that may claim a more specific LogEntry (GKE's k8s.io entries, FORMATS §7).
    priority=110,
)
