"""Which records the Azure Key Vault source claims; what it skips or quarantines, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import run_ingest
from ingest.sources.azure.audit import looks_like
from queries.lake import connect

CASES = Path(__file__).resolve().parents[2] / "ingest" / "sources" / "azure" / "cases"
RID = (
    "/SUBSCRIPTIONS/00000000-5AB5-4000-8000-000000000001/RESOURCEGROUPS/RG-SECRETS/PROVIDERS/"
    "MICROSOFT.KEYVAULT/VAULTS/ACME-PROD-KV"
)
RESOURCE_LOG = {
    "time": "2026-11-02T10:00:00.1234567Z",
    "category": "AuditEvent",
    "operationName": "SecretGet",
    "resultType": "Success",
    "properties": {"id": "https://acme-prod-kv.vault.azure.net/secrets/a", "httpStatusCode": 200},
    "resourceId": RID,
}

CLAIMED: dict[str, Any] = {
    "resource log": RESOURCE_LOG,
    "lower-case resourceId": {**RESOURCE_LOG, "resourceId": RID.lower()},
    "managed HSM": {**RESOURCE_LOG, "resourceId": RID.replace("VAULTS", "MANAGEDHSMS")},
    "policy category (skipped later)": {**RESOURCE_LOG, "category": "AzurePolicyEvaluationDetails"},
    "anonymised, no resourceId": {k: v for k, v in RESOURCE_LOG.items() if k != "resourceId"},
    "AZKVAuditLogs row": {
        "TimeGenerated": "2026-11-02T10:00:00.1234567Z",
        "OperationName": "SecretGet",
        "Identity": '{"claim": {"oid": "x"}}',
        "Type": "AZKVAuditLogs",
        "_ResourceId": RID.lower(),
    },
    "AZKVAuditLogs row without Type": {
        "TimeGenerated": "2026-11-02T10:00:00Z",
        "OperationName": "SecretGet",
        "RequestUri": "https://acme-prod-kv.vault.azure.net/secrets/a",
        "_ResourceId": RID.lower(),
    },
    "AzureDiagnostics row": {
        "TimeGenerated": "2026-11-02T10:00:00Z",
        "OperationName": "SecretGet",
        "ResourceProvider": "MICROSOFT.KEYVAULT",
        "Category": "AuditEvent",
        "id_s": "https://acme-prod-kv.vault.azure.net/secrets/a",
    },
    "SIEM message envelope": {"message": json.dumps(RESOURCE_LOG, indent=4)},
}
NOT_CLAIMED: dict[str, Any] = {
    "CloudTrail": {
        "eventVersion": "1.09",
        "eventSource": "secretsmanager.amazonaws.com",
        "eventName": "GetSecretValue",
        "eventTime": "2026-11-02T10:00:00Z",
    },
    "GCP audit LogEntry": {
        "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog"},
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access",
        "timestamp": "2026-11-02T10:00:00Z",
    },
    "Vault audit entry": {"time": "2026-11-02T10:00:00Z", "type": "response", "request": {}},
    "Kubernetes audit event": {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "verb": "get"},
    "Azure Activity Log on a vault": {
        "time": "2026-11-02T10:00:00Z",
        "resourceId": RID,
        "operationName": "MICROSOFT.KEYVAULT/VAULTS/ACCESSPOLICIES/WRITE",
        "category": "Administrative",
    },
    "another service's resource log": {
        **RESOURCE_LOG,
        "resourceId": RID.replace("MICROSOFT.KEYVAULT/VAULTS", "MICROSOFT.STORAGE/STORAGEACCOUNTS"),
        "category": "StorageRead",
    },
    "AuditEvent of another provider": {
        **RESOURCE_LOG,
        "resourceId": RID.replace("MICROSOFT.KEYVAULT/VAULTS", "MICROSOFT.WEB/SITES"),
    },
    "anonymised, not a Key Vault operation": {
        **{k: v for k, v in RESOURCE_LOG.items() if k != "resourceId"},
        "operationName": "GetBlob",
    },
    "AzureDiagnostics row of SQL": {
        "TimeGenerated": "2026-11-02T10:00:00Z",
        "OperationName": "AuditEvent",
        "ResourceProvider": "MICROSOFT.SQL",
        "Category": "SQLSecurityAuditEvents",
    },
    "SigninLogs row": {
        "TimeGenerated": "2026-11-02T10:00:00Z",
        "OperationName": "Sign-in activity",
        "Type": "SigninLogs",
    },
    "message that is not JSON": {"message": "{not json"},
    "message of another vendor": {"message": json.dumps({"eventName": "GetSecretValue"})},
    "array": [RESOURCE_LOG],
    "string": "SecretGet",
    "None": None,
    "operationName not a string": {**RESOURCE_LOG, "operationName": 7},
}


@pytest.mark.parametrize("name", sorted(CLAIMED))
def test_claims(name: str) -> None:
    assert looks_like(CLAIMED[name])


@pytest.mark.parametrize("name", sorted(NOT_CLAIMED))
def test_does_not_claim(name: str) -> None:
    assert not looks_like(NOT_CLAIMED[name])


def test_skip_reasons_are_recorded(tmp_path: Path) -> None:
    inputs = CASES / "skipped_and_quarantined" / "input"
    report = run_ingest([inputs], tmp_path / "lake")
    (f,) = report.files
    assert f.source == "azure"
    assert f.skipped_reasons == {
        "Key Vault log category AzurePolicyEvaluationDetails (only AuditEvent records accesses)": 1,
        "Azure record of MICROSOFT.STORAGE/STORAGEACCOUNTS, not Key Vault": 1,
    }
    con = connect(tmp_path / "lake")
    ((reasons,),) = con.sql("SELECT skipped_reasons FROM ingest_log").fetchall()
    assert dict(reasons) == f.skipped_reasons


def test_azure_diagnostics_rows_of_other_services_are_skipped(tmp_path: Path) -> None:
    report = run_ingest([CASES / "azure_diagnostics_flattened" / "input"], tmp_path / "lake")
    (f,) = report.files
    assert f.skipped_reasons == {"Azure record of MICROSOFT.SQL/SERVERS, not Key Vault": 1}


def test_forced_source_on_a_foreign_file_quarantines_every_record(tmp_path: Path) -> None:
    src = tmp_path / "in" / "cloudtrail.json"
    src.parent.mkdir()
    src.write_text(json.dumps(NOT_CLAIMED["CloudTrail"]) + "\n" + "not json\n")
    report = run_ingest([src], tmp_path / "lake", source="azure")
    (f,) = report.files
    assert (f.records_read, f.events_written, f.quarantined) == (2, 0, 2)
    con = connect(tmp_path / "lake")
    reasons = sorted(r for (r,) in con.sql("SELECT reason FROM quarantine").fetchall())
    assert reasons == [
        "JSON object is not an Azure Key Vault audit record (no operationName / OperationName)",
        "not JSON (a text line mixed into the export?)",
    ]


def test_store_option_only_names_vaults_the_records_do_not(tmp_path: Path) -> None:
    """--store never renames a vault a record names (its resourceId or host)."""
    src = tmp_path / "in" / "PT1H.json"
    src.parent.mkdir()
    src.write_text(json.dumps(RESOURCE_LOG) + "\n")
    run_ingest([src], tmp_path / "lake", store="something-else")
    con = connect(tmp_path / "lake")
    assert con.sql("SELECT store, secret_id FROM events").fetchall() == [
        ("acme-prod-kv", "azure://acme-prod-kv.vault.azure.net/secrets/a")
    ]
