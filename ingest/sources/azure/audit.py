"""Azure Key Vault diagnostic logs (category ``AuditEvent``): detection and the column-wise mapping.

Records map 1:1 to events, so the generic :class:`~ingest.sources.base.SqlAdapter` runs
``mapping.sql``; this module only declares what differs: the JSON shapes of the three ways the same
record reaches a user (FORMATS.md §4), the identity claims read from each, and detection.

* ``resource``: the resource log as Azure Monitor writes it to a storage account
  (``insights-logs-auditevent/.../PT1H.json``, JSON lines or ``{"records": [...]}``) or to Event
  Hubs (``{"records": [...]}`` per message): camelCase, ``properties{}``, ``identity.claim{}``.
* ``azkv``: rows of the Log Analytics table ``AZKVAuditLogs`` (``az monitor log-analytics query
  -o json``): PascalCase columns; ``Identity`` is dynamic and may arrive as a JSON string.
* ``diag``: rows of the legacy ``AzureDiagnostics`` table: flattened columns with type suffixes
  (``id_s``, ``httpStatusCode_d``, ``identity_claim_oid_g``, ...), overflow in ``AdditionalFields``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from ingest.redact import Redactor
from ingest.sources.base import AuditAdapter, AuditSource, SqlAdapter, load_sql

SOURCE = "azure"
# Every Key Vault record names its vault; this is only for records that do not (and --store).
DEFAULT_STORE = "default"

URI_OID = "http://schemas.microsoft.com/identity/claims/objectidentifier"
URI_TID = "http://schemas.microsoft.com/identity/claims/tenantid"
URI_UPN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
URI_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"

# Token claims the mapping reads: column alias (``c_<alias>`` in mapping.sql) -> (claim key, the
# type suffix AzureDiagnostics gives its flattened column: ``g`` for GUID values). One record
# carries either the short JWT names or the legacy URI names (FORMATS.md §4(b)).
CLAIMS: dict[str, tuple[str, str]] = {
    "oid": ("oid", "g"),
    "tid": ("tid", "g"),
    "appid": ("appid", "g"),
    "azp": ("azp", "g"),  # v2 tokens name the client azp instead of appid
    "appidacr": ("appidacr", "s"),
    "azpacr": ("azpacr", "s"),
    "upn": ("upn", "s"),
    "unique_name": ("unique_name", "s"),
    "name": ("name", "s"),
    "idtyp": ("idtyp", "s"),
    "xms_mirid": ("xms_mirid", "s"),
    "uri_oid": (URI_OID, "g"),
    "uri_tid": (URI_TID, "g"),
    "uri_upn": (URI_UPN, "s"),
    "uri_name": (URI_NAME, "s"),
}
IDENTITY_SHAPE: dict[str, Any] = {"claim": {key: "VARCHAR" for key, _ in CLAIMS.values()}}


def diag_column(claim: str, suffix: str) -> str:
    """AzureDiagnostics' flattened column of a claim: ``identity_claim_<claim>_<suffix>``, every
    run of non-alphanumerics as one ``_``."""
    return "identity_claim_" + re.sub(r"[^A-Za-z0-9]+", "_", claim).strip("_") + "_" + suffix


_DIAG_CLAIM_COLUMNS = {diag_column(key, suffix): "VARCHAR" for key, suffix in CLAIMS.values()}
_DIAG_PROPERTY_COLUMNS = dict.fromkeys(
    [
        "id_s",
        "requestUri_s",
        "clientInfo_s",
        "httpStatusCode_d",
        "httpStatusCode_s",
        "appliedAssignmentId_s",
        "appliedAssignmentId_g",
    ],
    "VARCHAR",
)

# The keys read from each shape (everything else in a record is kept in ``raw`` only).
RESOURCE_SHAPE: dict[str, Any] = {
    **dict.fromkeys(
        [
            "time",
            "resourceId",
            "operationName",
            "category",
            "resultType",
            "resultSignature",
            "resultDescription",
            "callerIpAddress",
            "correlationId",
        ],
        "VARCHAR",
    ),
    "identity": IDENTITY_SHAPE,
    "properties": dict.fromkeys(
        ["id", "requestUri", "clientInfo", "httpStatusCode", "appliedAssignmentId"], "VARCHAR"
    ),
}
AZKV_SHAPE: dict[str, Any] = {
    **dict.fromkeys(
        [
            "TimeGenerated",
            "OperationName",
            "ResultType",
            "ResultSignature",
            "ResultDescription",
            "CallerIpAddress",
            "CorrelationId",
            "Id",
            "RequestUri",
            "ClientInfo",
            "HttpStatusCode",
            "AppliedAssignmentId",
            "_ResourceId",
            "ResourceId",
            "Type",
        ],
        "VARCHAR",
    ),
    "Identity": "JSON",  # dynamic: an object, or the object as a JSON string
}
DIAG_SHAPE: dict[str, Any] = {
    **dict.fromkeys(
        [
            "TimeGenerated",
            "OperationName",
            "Category",
            "ResourceProvider",
            "ResourceId",
            "_ResourceId",
            "ResultType",
            "ResultSignature",
            "ResultDescription",
            "CallerIPAddress",
            "CorrelationId",
            "Type",
        ],
        "VARCHAR",
    ),
    **_DIAG_PROPERTY_COLUMNS,
    **_DIAG_CLAIM_COLUMNS,
    "AdditionalFields": "JSON",
}
# Columns past AzureDiagnostics' 500-column limit land in AdditionalFields.
OVERFLOW_SHAPE: dict[str, Any] = {**_DIAG_PROPERTY_COLUMNS, **_DIAG_CLAIM_COLUMNS}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def claims_select() -> str:
    """``c_<alias>`` select items: the claim from whichever shape the record has (``r`` resource
    log, ``i`` AZKV ``Identity``, ``d`` / ``x`` AzureDiagnostics columns and their overflow)."""
    items = []
    for alias, (key, suffix) in CLAIMS.items():
        q, col = _quote(key), _quote(diag_column(key, suffix))
        refs = f"r.identity.claim.{q}, i.claim.{q}, d.{col}, x.{col}"
        items.append(f"nullif(coalesce({refs}), '') AS c_{alias}")
    return ",\n        ".join(items)


@cache
def mapping_sql() -> str:
    sql = load_sql(
        Path(__file__).with_name("mapping.sql"),
        {
            "$resource_shape": RESOURCE_SHAPE,
            "$azkv_shape": AZKV_SHAPE,
            "$diag_shape": DIAG_SHAPE,
            "$identity_shape": IDENTITY_SHAPE,
            "$overflow_shape": OVERFLOW_SHAPE,
        },
    )
    return sql.replace("$claims", claims_select())


# --- detection ----------------------------------------------------------------------------------
# Key Vault's resource-log categories: AuditEvent is the access log; the other is claimed so that
# a blob of it is skipped with a reason instead of failing the run.
KEYVAULT_CATEGORIES = frozenset({"auditevent", "azurepolicyevaluationdetails"})
KEYVAULT_TABLES = frozenset({"azkvauditlogs", "azkvpolicyevaluationdetailslogs"})
_KEYVAULT_PROVIDER = "/providers/microsoft.keyvault/"
KEYVAULT_OPERATION_PREFIXES = ("secret", "key", "certificate", "vault", "authentication")


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return value.lower() if isinstance(value, str) else ""


def looks_like(record: Any) -> bool:
    """True for a Key Vault resource-log record (storage blob / Event Hubs), an ``AZKVAuditLogs``
    row, or an ``AzureDiagnostics`` row of ``MICROSOFT.KEYVAULT``; also inside a SIEM
    ``{"message": "<record>"}`` envelope. Never for other Azure services or the Activity Log."""
    if not isinstance(record, dict):
        return False
    message = record.get("message")
    if isinstance(message, str) and "operationName" not in record and message.startswith("{"):
        try:
            return looks_like(json.loads(message))
        except ValueError:
            return False
    if isinstance(record.get("operationName"), str):
        if _text(record, "category") not in KEYVAULT_CATEGORIES:
            return False
        if "resourceId" not in record:  # anonymised samples drop it: Key Vault operation names
            return _text(record, "operationName").startswith(KEYVAULT_OPERATION_PREFIXES)
        return _KEYVAULT_PROVIDER in _text(record, "resourceId")
    if not isinstance(record.get("OperationName"), str):
        return False
    if _text(record, "ResourceProvider") == "microsoft.keyvault":
        return True  # AzureDiagnostics
    return _text(record, "Type") in KEYVAULT_TABLES or (
        _KEYVAULT_PROVIDER in _text(record, "_ResourceId")
        and ("RequestUri" in record or "Identity" in record)
    )


def make_adapter(
    con: duckdb.DuckDBPyConnection, store: str | None, redactor: Redactor
) -> AuditAdapter:
    return SqlAdapter(
        con, store or DEFAULT_STORE, redactor, source=SOURCE, mapping_sql=mapping_sql()
    )


AUDIT = AuditSource(
    name=SOURCE, looks_like=looks_like, make=make_adapter, default_store=DEFAULT_STORE
)
