"""Hypothesis: the Azure Key Vault adapter never raises on arbitrary JSON-ish input in any of its
three shapes; every record becomes a valid row, a duplicate, a skip or a quarantine row, the
counts balance, and the result does not depend on record order or on how records are split into
files."""

from __future__ import annotations

import json
import random
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.pipeline import run_ingest
from ingest.sources.azure.audit import URI_NAME, URI_OID, URI_UPN
from queries.lake import connect

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def either(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(values), json_values)


times = either(
    [
        "2026-11-02T10:00:00.1234567Z",
        "2026-11-02T10:00:00Z",
        "2026-11-02T10:00:00.123456789Z",
        "2026-11-02T05:00:00.5-05:00",
        "2026-11-02 10:00:00",
        "not a time",
        "",
        "infinity",
        "2026-13-40T99:00:00Z",
        "99999-01-01T00:00:00Z",
    ]
)
operations = either(
    [
        "SecretGet",
        "SecretList",
        "SecretSet",
        "SecretPurge",
        "KeyDecrypt",
        "CertificateGet",
        "Authentication",
        "VaultPut",
        "secretget",
        "",
        "  ",
    ]
)
uris = either(
    [
        "https://acme-prod-kv.vault.azure.net/secrets/db/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "https://ACME-prod-kv.vault.azure.net//secrets/Db/?api-version=7.4&_=1",
        "https://acme-prod-kv.vault.azure.net/secrets?api-version=7.4",
        "https://acme-prod-kv.vault.azure.net/deletedkeys/k",
        "https://example.com/secrets/a",
        "https://acme-prod-kv.vault.azure.net/secrets/restore",
        "https://a.vault.azure.net:x/",
        "https://management.azure.com/subscriptions/s",
        "https://",
        "/secrets/a",
        "",
    ]
)
resource_ids = either(
    [
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/ACME-PROD-KV",
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/managedhsms/hsm1",
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/A",
        "/SUBSCRIPTIONS/S/PROVIDERS/",
        "",
    ]
)
statuses = either([200, 204, 401, 403, 404, 429, 500, "403", 403.0, "OK", -1, 0, 2**40])
signatures = either(["OK", "Forbidden", "Not Found", "TooManyRequests", "Unauthorized", ""])
claims = st.fixed_dictionaries(
    {},
    optional={
        "oid": either(["A11CE000-0000-4000-8000-0000000000A1", ""]),
        "appid": either(["04b07795-8ddb-461a-bbee-02f9e1bf7b46"]),
        "appidacr": either(["0", "1", "2"]),
        "upn": either(["alice@example.com"]),
        "idtyp": either(["user", "app", "APP"]),
        "xms_mirid": either(["/subscriptions/s/providers/x/userAssignedIdentities/mi", "/"]),
        URI_OID: either(["b0b00000-0000-4000-8000-0000000000b2"]),
        URI_UPN: either(["bob@example.com"]),
        URI_NAME: either(["bob@example.com"]),
    },
)
resource_records = st.fixed_dictionaries(
    {"time": times, "operationName": operations},
    optional={
        "category": either(["AuditEvent", "auditevent", "AzurePolicyEvaluationDetails", "Other"]),
        "resourceId": resource_ids,
        "resultType": either(["Success", "Failure", "failed"]),
        "resultSignature": signatures,
        "resultDescription": json_values,
        "callerIpAddress": either(["203.0.113.10", "198.51.100.1:443", "[2001:db8::1]:443", ""]),
        "correlationId": either(["", "8f2c9a1e-0000-4b5c-9d2e-1a2b3c4d5e6f"]),
        "identity": st.one_of(st.fixed_dictionaries({"claim": claims}), json_values),
        "properties": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": uris,
                    "requestUri": uris,
                    "httpStatusCode": statuses,
                    "clientInfo": json_values,
                    "appliedAssignmentId": json_values,
                },
            ),
            json_values,
        ),
    },
)
azkv_rows = st.fixed_dictionaries(
    {"TimeGenerated": times, "OperationName": operations},
    optional={
        "Identity": st.one_of(
            st.fixed_dictionaries({"claim": claims}),
            st.fixed_dictionaries({"claim": claims}).map(json.dumps),
            json_values,
        ),
        "Id": uris,
        "RequestUri": uris,
        "HttpStatusCode": statuses,
        "ResultSignature": signatures,
        "Type": either(["AZKVAuditLogs", "AZKVPolicyEvaluationDetailsLogs"]),
        "_ResourceId": resource_ids,
        "CallerIpAddress": json_values,
    },
)
diag_rows = st.fixed_dictionaries(
    {
        "TimeGenerated": times,
        "OperationName": operations,
        "ResourceProvider": either(["MICROSOFT.KEYVAULT", "MICROSOFT.SQL"]),
    },
    optional={
        "Category": either(["AuditEvent", "SQLSecurityAuditEvents"]),
        "ResourceId": resource_ids,
        "id_s": uris,
        "requestUri_s": uris,
        "httpStatusCode_d": statuses,
        "identity_claim_oid_g": json_values,
        "identity_claim_upn_s": json_values,
        "AdditionalFields": st.one_of(
            st.fixed_dictionaries({"identity_claim_oid_g": json_values}).map(json.dumps),
            json_values,
        ),
        "CallerIPAddress": json_values,
    },
)
records = st.one_of(resource_records, azkv_rows, diag_rows)
line = st.one_of(
    records.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    records.map(lambda d: json.dumps({"message": json.dumps(d, indent=2)})),
    resource_records.map(lambda d: json.dumps({"records": [d]})),
)

VOCAB = schema.load().vocabularies


def check_lake(lake: Path, written: int, quarantined: int) -> None:
    con = connect(lake)
    rows = con.sql(
        "SELECT action, outcome, principal_type, event_time, store, delete_kind FROM events"
    ).fetchall()
    assert len(rows) == written
    for action, outcome, ptype, when, store, delete_kind in rows:
        assert action in VOCAB["action"]
        assert outcome in VOCAB["outcome"]
        assert ptype in VOCAB["principal_type"]
        assert when.tzinfo is not None and when.utcoffset() == UTC.utcoffset(None)
        assert store
        assert delete_kind is None or action == "delete"
    ((q,),) = con.sql("SELECT count(*) FROM quarantine").fetchall()
    assert q == quarantined


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=12))
def test_adapter_never_raises_and_rows_validate(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "PT1H.json"
        src.parent.mkdir()
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = run_ingest([src], Path(tmp) / "lake", source="azure")
        (f,) = report.files
        assert f.balanced(), f
        check_lake(Path(tmp) / "lake", f.events_written, f.quarantined)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=10), st.booleans())
def test_documents_never_raise(recs: list[dict[str, Any]], wrapper: bool) -> None:
    """``{"records":[...]}`` blobs and JSON arrays (Log Analytics exports), minified."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "export.json"
        src.parent.mkdir()
        src.write_text(json.dumps({"records": recs} if wrapper else recs), encoding="utf-8")
        report = run_ingest([src], Path(tmp) / "lake", source="azure")
        (f,) = report.files
        assert f.balanced(), f
        assert f.records_read == len(recs)
        check_lake(Path(tmp) / "lake", f.events_written, f.quarantined)


valid_records = st.fixed_dictionaries(
    {
        "time": st.sampled_from(
            ["2026-11-02T10:00:00.1234567Z", "2026-11-02T10:00:00.1234568Z", "2026-11-03T00:00:00Z"]
        ),
        "category": st.just("AuditEvent"),
        "operationName": st.sampled_from(["SecretGet", "SecretList", "KeyGet", "SecretSet"]),
        "correlationId": st.sampled_from(["", "c1", "c2"]),
        "callerIpAddress": st.sampled_from(["203.0.113.10", "203.0.113.11"]),
        "properties": st.fixed_dictionaries(
            {"httpStatusCode": st.sampled_from([200, 403])},
            optional={"id": uris.filter(lambda u: isinstance(u, str))},
        ),
        "resourceId": st.just(
            "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/ACME-PROD-KV"
        ),
    }
)
KEY_COLUMNS = (
    "event_id, event_time, store, action, secret_id, secret_version, request_id, source_ip"
)


def ingest_files(files: list[list[dict[str, Any]]], root: Path) -> tuple[list[Any], int, int]:
    for i, recs in enumerate(files):
        path = root / "in" / f"f{i}" / "PT1H.json"
        path.parent.mkdir(parents=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    report = run_ingest([root / "in"], root / "lake")
    con = connect(root / "lake")
    rows = sorted(con.sql(f"SELECT {KEY_COLUMNS} FROM events").fetchall())
    return (
        rows,
        sum(f.events_written for f in report.files),
        sum(f.duplicates for f in report.files),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_records, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_order_and_file_split_do_not_matter(recs: list[dict[str, Any]], rnd: random.Random) -> None:
    shuffled = list(recs)
    rnd.shuffle(shuffled)
    cut = rnd.randint(0, len(shuffled))
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        one = ingest_files([recs], Path(a))
        split = ingest_files([shuffled[:cut], shuffled[cut:]], Path(b))
    assert one == split
