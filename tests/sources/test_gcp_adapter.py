"""The GCP (Secret Manager via Cloud Audit Logs) adapter: detection, resourceName parsing, identity,
outcome and the decisions documented in ingest/sources/gcp/README.md, record by record."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ingest import sniff
from ingest.pipeline import _first_record, detect, run_ingest
from ingest.redact import Redactor
from ingest.sources import AUDIT_SOURCES, audit_source
from ingest.sources.gcp.audit import AUDIT, looks_like_audit_entry
from queries.lake import connect

SOURCES = Path(__file__).resolve().parents[2] / "ingest" / "sources"
SM = "google.cloud.secretmanager.v1.SecretManagerService."
SA = "payments-api@acme-prod-1234.iam.gserviceaccount.com"


def entry(**over: Any) -> dict[str, Any]:
    """A Secret Manager read as Cloud Logging writes it; ``over`` patches dotted paths."""
    rec: dict[str, Any] = {
        "insertId": "1x9k3fe2abc",
        "logName": "projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2Fdata_access",
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": SA},
            "authorizationInfo": [{"granted": True, "permission": "secretmanager.versions.access"}],
            "methodName": SM + "AccessSecretVersion",
            "requestMetadata": {
                "callerIp": "203.0.113.10",
                "callerSuppliedUserAgent": "grpc-python/1.62.0,gzip(gfe)",
            },
            "resourceName": "projects/acme-prod-1234/secrets/db-password/versions/latest",
            "serviceName": "secretmanager.googleapis.com",
            "status": {},
        },
        "resource": {"labels": {"project_id": "acme-prod-1234"}, "type": "audited_resource"},
        "severity": "INFO",
        "timestamp": "2026-11-02T10:21:07.412335817Z",
    }
    for path, value in over.items():
        *parents, leaf = path.split(".")
        node = rec
        for key in parents:
            node = node.setdefault(key, {})
        if value is _DELETE:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return rec


_DELETE = object()


def mapped(*records: Any, store: str | None = None) -> list[dict[str, Any]]:
    """Run records (dicts, or raw lines) through the mapping SQL; one row per record."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    adapter = AUDIT.make(con, store, Redactor(b"k" * 32))
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    adapter.feed(0, pa.array(lines, pa.string()), pa.array(range(1, len(lines) + 1), pa.int64()))
    rows: list[dict[str, Any]] = (
        con.sql("SELECT * FROM entries ORDER BY line").to_arrow_table().to_pylist()
    )
    return rows


def one(**over: Any) -> dict[str, Any]:
    (row,) = mapped(entry(**over))
    assert row["quarantine_reason"] is None, row
    return row


# --- detection -----------------------------------------------------------------------------------
def test_registered_after_more_specific_logentry_sources() -> None:
    assert audit_source("gcp") is AUDIT
    assert AUDIT.priority > 100  # a k8s source reading GKE LogEntries (k8s.io) goes first
    assert AUDIT_SOURCES.index(AUDIT) > AUDIT_SOURCES.index(audit_source("vault"))  # type: ignore[arg-type]


def test_looks_like_audit_entries_in_every_container() -> None:
    rec = entry()
    assert looks_like_audit_entry(rec)
    decoded = copy.deepcopy(rec)
    decoded["logName"] = decoded["logName"].replace("%2F", "/")
    assert looks_like_audit_entry(decoded)
    bq = copy.deepcopy(rec)
    bq["protopayload_auditlog"] = bq.pop("protoPayload")
    del bq["protopayload_auditlog"]["@type"]
    assert looks_like_audit_entry(bq)
    data = base64.b64encode(json.dumps(rec).encode()).decode()
    assert looks_like_audit_entry({"ackId": "x", "message": {"data": data, "messageId": "1"}})
    assert looks_like_audit_entry({"data": data, "attributes": {}})
    assert looks_like_audit_entry({"message": json.dumps(rec)})
    other_service = entry(**{"protoPayload.serviceName": "compute.googleapis.com"})
    assert looks_like_audit_entry(other_service)  # claimed, then skipped as out of scope


@pytest.mark.parametrize(
    "record",
    [
        None,
        [],
        "text",
        {},
        {"logName": "projects/p/logs/stdout", "textPayload": "hello"},
        {"logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity"},
        {"logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity", "protoPayload": "x"},
        {
            "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
            "protoPayload": {"@type": "type.googleapis.com/google.appengine.logging.v1.RequestLog"},
        },
        {"message": {"data": "bm90IGpzb24="}},
        {"data": "!!!"},
        # Other vendors
        {"time": "2026-11-02T10:00:00Z", "type": "response", "request": {"id": "r1"}},
        {
            "eventVersion": "1.09",
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "GetSecretValue",
            "eventTime": "2026-11-02T10:00:00Z",
        },
        {
            "time": "2026-11-02T10:00:00.1234567Z",
            "category": "AuditEvent",
            "operationName": "SecretGet",
            "resourceId": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/V",
        },
        {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "verb": "get",
            "objectRef": {"resource": "secrets"},
        },
        {"uuid": "56YE2TYN2VFYRLNSHKPW5NVT5E", "action": "reveal", "object_type": "item"},
    ],
)
def test_does_not_claim_other_records(record: Any) -> None:
    assert not looks_like_audit_entry(record)


def test_never_claims_another_sources_golden_input() -> None:
    # k8s may hold GKE audit LogEntries (serviceName k8s.io), the very format this source reads.
    cases = [c for c in SOURCES.glob("*/cases/*/input") if c.parts[-4] not in ("gcp", "k8s")]
    assert any(c.parts[-4] == "vault" for c in cases)
    for case in sorted(cases):
        for path in sorted(p for p in case.rglob("*") if p.is_file()):
            shaped = sniff.sniff(path)
            if shaped.shape != "empty":
                assert not looks_like_audit_entry(_first_record(path, shaped)), path


def test_detects_gcloud_arrays_sinks_and_gzip(tmp_path: Path) -> None:
    rec = entry()
    files = {
        "gcloud.json": json.dumps([rec], indent=2),
        "minified.json": json.dumps([rec]),
        "10:00:00_10:59:59_S0.json": json.dumps(rec) + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "sink.json").write_bytes(gzip.compress((json.dumps(rec) + "\n").encode()))
    for path in sorted(tmp_path.iterdir()):
        assert detect(path, sniff.sniff(path), None) == ("gcp", "audit"), path


# --- resourceName --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("resource_name", "secret_id", "version"),
    [
        ("projects/acme-prod-1234/secrets/db-password/versions/latest", "db-password", "latest"),
        ("projects/acme-prod-1234/secrets/db-password/versions/42", "db-password", "42"),
        ("projects/123456789012/secrets/db-password/versions/3", "db-password", "3"),
        ("projects/acme-prod-1234/secrets/db-password", "db-password", None),
        ("projects/acme-prod-1234/secrets/db-password/", "db-password", None),
        ("projects/acme-prod-1234/secrets/db-password/versions/", "db-password", None),
        ("projects/acme-prod-1234/secrets/DB_PASSWORD-2/versions/1", "DB_PASSWORD-2", "1"),
        ("//secretmanager.googleapis.com/projects/acme-prod-1234/secrets/x/versions/2", "x", "2"),
        ("projects/acme-prod-1234/secrets/db-password/versions/7:access", "db-password", "7"),
        (
            "projects/123456789012/locations/europe-west1/secrets/db-password/versions/1",
            "locations/europe-west1/secrets/db-password",
            "1",
        ),
    ],
)
def test_resource_names(resource_name: str, secret_id: str, version: str | None) -> None:
    row = one(**{"protoPayload.resourceName": resource_name})
    canonical = secret_id if "/" in secret_id else f"secrets/{secret_id}"
    assert row["secret_id"] == f"gcp://projects/acme-prod-1234/{canonical}"
    assert row["secret_name"] == secret_id.rsplit("/", 1)[-1]
    assert row["secret_version"] == version


@pytest.mark.parametrize(
    "resource_name",
    ["projects/acme-prod-1234", "projects/acme-prod-1234/locations/europe-west1", "", "secrets/x"],
)
def test_resource_names_that_are_not_a_secret(resource_name: str) -> None:
    row = one(**{"protoPayload.resourceName": resource_name})
    assert (row["secret_id"], row["secret_name"], row["secret_version"]) == (None, None, None)


def test_project_number_becomes_the_log_project_id_only_when_the_log_names_one() -> None:
    number = {"protoPayload.resourceName": "projects/123456789012/secrets/s/versions/1"}
    assert one(**number)["secret_id"] == "gcp://projects/acme-prod-1234/secrets/s"
    bare = one(**number, logName=_DELETE, **{"resource.labels": {}})
    assert bare["secret_id"] == "gcp://projects/123456789012/secrets/s"
    assert bare["store"] == "123456789012"
    other_id = one(**{"protoPayload.resourceName": "projects/acme-shared-5678/secrets/s"})
    assert other_id["secret_id"] == "gcp://projects/acme-shared-5678/secrets/s"


def test_secret_from_the_request_when_resource_name_is_the_parent() -> None:
    create = one(
        **{
            "protoPayload.methodName": SM + "CreateSecret",
            "protoPayload.resourceName": "projects/acme-prod-1234",
            "protoPayload.request": {"parent": "projects/acme-prod-1234", "secretId": "new-key"},
        }
    )
    assert (create["action"], create["secret_id"]) == (
        "create",
        "gcp://projects/acme-prod-1234/secrets/new-key",
    )
    vpc = one(
        **{
            "protoPayload.resourceName": "projects/123456789012",
            "protoPayload.request": {"name": "projects/123456789012/secrets/db/versions/latest"},
        }
    )
    assert (vpc["secret_id"], vpc["secret_version"]) == (
        "gcp://projects/acme-prod-1234/secrets/db",
        "latest",
    )


def test_add_secret_version_takes_the_new_version_from_the_response() -> None:
    row = one(
        **{
            "protoPayload.methodName": SM + "AddSecretVersion",
            "protoPayload.resourceName": "projects/acme-prod-1234/secrets/db",
            "protoPayload.response": {"name": "projects/123456789012/secrets/db/versions/9"},
        }
    )
    assert (row["action"], row["secret_version"]) == ("write", "9")


# --- store ---------------------------------------------------------------------------------------
def test_store_comes_from_the_record_and_store_option_is_only_a_fallback() -> None:
    assert one()["store"] == "acme-prod-1234"
    (row,) = mapped(entry(), store="cli-store")
    assert row["store"] == "acme-prod-1234"
    no_names = entry(logName=_DELETE, **{"resource.labels": {}, "protoPayload.resourceName": ""})
    assert mapped(no_names, store="cli-store")[0]["store"] == "cli-store"
    assert mapped(no_names)[0]["store"] == "default"
    org = entry(
        logName="organizations/111122223333/logs/cloudaudit.googleapis.com%2Factivity",
        **{"resource.labels": {}, "protoPayload.resourceName": ""},
    )
    assert mapped(org)[0]["store"] == "organizations/111122223333"


# --- identity ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("authn", "pid", "ptype", "auth_method", "chain"),
    [
        ({"principalEmail": SA}, SA, "service", None, None),
        ({"principalEmail": "alice@example.com"}, "alice@example.com", "human", None, None),
        (
            {"principalEmail": "service-123456789012@gcp-sa-secretmanager.iam.gserviceaccount.com"},
            "service-123456789012@gcp-sa-secretmanager.iam.gserviceaccount.com",
            "service",
            None,
            None,
        ),
        ({"principalEmail": ""}, None, "unknown", None, None),
        ({"principalEmail": "redacted"}, None, "unknown", None, None),
        ({}, None, "unknown", None, None),
        ({"principalSubject": f"serviceAccount:{SA}"}, SA, "service", None, None),
        ({"principalSubject": "user:carol@example.com"}, "carol@example.com", "human", None, None),
        (
            {
                "principalSubject": "principal://iam.googleapis.com/locations/global/workforcePools/"
                "staff/subject/carol@example.com"
            },
            "principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/"
            "carol@example.com",
            "human",
            "workforce_identity_federation",
            None,
        ),
        (
            {
                "principalEmail": SA,
                "serviceAccountDelegationInfo": [
                    {"firstPartyPrincipal": {"principalEmail": "alice@example.com"}},
                    {"firstPartyPrincipal": {"principalEmail": "mid@acme.iam.gserviceaccount.com"}},
                ],
            },
            SA,
            "service",
            "impersonation",
            "alice@example.com > mid@acme.iam.gserviceaccount.com",
        ),
        (
            {"principalEmail": SA, "serviceAccountDelegationInfo": [{"thirdPartyPrincipal": {}}]},
            SA,
            "service",
            "impersonation",
            "third-party principal",
        ),
        ({"principalEmail": SA, "serviceAccountDelegationInfo": []}, SA, "service", None, None),
    ],
)
def test_principals(
    authn: dict[str, Any], pid: str | None, ptype: str, auth_method: str | None, chain: str | None
) -> None:
    row = one(**{"protoPayload.authenticationInfo": authn})
    assert (row["principal_id"], row["principal_type"]) == (pid, ptype)
    assert (row["auth_method"], row["session_id"]) == (auth_method, chain)
    if pid is None:
        assert row["principal_name"] is None  # never a shared placeholder


def test_key_id_is_the_credential() -> None:
    key = "//iam.googleapis.com/projects/acme-prod-1234/serviceAccounts/" + SA + "/keys/0a1b2c3d"
    row = one(
        **{"protoPayload.authenticationInfo": {"principalEmail": SA, "serviceAccountKeyName": key}}
    )
    assert (row["credential_id"], row["auth_method"]) == ("0a1b2c3d", "service_account_key")
    assert one()["credential_id"] is None


# --- outcome, time, network ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "authz", "log", "outcome", "error"),
    [
        ({}, [{"granted": True}], "data_access", "success", None),
        (_DELETE, [{"granted": True}], "data_access", "success", None),
        ({"code": 0}, [], "data_access", "success", None),
        ({"code": 7, "message": "no"}, [{}], "data_access", "denied", "PERMISSION_DENIED: no"),
        ({"code": 16}, [{}], "data_access", "denied", "UNAUTHENTICATED"),
        ({}, [{"granted": True}, {"permission": "p2"}], "data_access", "denied", "not granted: p2"),
        (
            {"code": 5, "message": "gone"},
            [{"granted": True}],
            "data_access",
            "failure",
            "NOT_FOUND: gone",
        ),
        ({"code": 9}, [{"granted": True}], "data_access", "failure", "FAILED_PRECONDITION"),
        ({"code": 42}, [{"granted": True}], "data_access", "failure", "code 42"),
        ({"code": 7}, [{}], "policy", "denied", "PERMISSION_DENIED"),
    ],
)
def test_outcomes(
    status: Any, authz: list[dict[str, Any]], log: str, outcome: str, error: str | None
) -> None:
    row = one(
        **{
            "protoPayload.status": status,
            "protoPayload.authorizationInfo": authz,
            "logName": f"projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2F{log}",
        }
    )
    assert (row["outcome"], row["error"]) == (outcome, error)


@pytest.mark.parametrize(
    ("stamp", "iso"),
    [
        ("2026-11-02T10:21:07Z", "2026-11-02T10:21:07+00:00"),
        ("2026-11-02T10:21:07.1Z", "2026-11-02T10:21:07.100000+00:00"),
        ("2026-11-02T10:21:07.123456789Z", "2026-11-02T10:21:07.123456+00:00"),
        ("2026-11-02T11:21:07.5+01:00", "2026-11-02T10:21:07.500000+00:00"),
        ("2026-11-02 10:21:07.654321 UTC", "2026-11-02T10:21:07.654321+00:00"),
        ("1.793614867E9", "2026-11-02T10:21:07+00:00"),
    ],
)
def test_timestamps(stamp: str, iso: str) -> None:
    assert one(timestamp=stamp)["event_time"].isoformat() == iso


@pytest.mark.parametrize("stamp", [_DELETE, "", "yesterday", "99999-01-01T00:00:00Z", 12])
def test_unusable_timestamps_are_quarantined(stamp: Any) -> None:
    (row,) = mapped(entry(timestamp=stamp))
    assert row["quarantine_reason"].startswith('unparseable or missing "timestamp"')


def test_caller_ip_kept_as_logged_and_user_agent_without_gfe_suffix() -> None:
    for ip in ("private", "gce-internal-ip", "2001:db8::5", "10.8.0.5"):
        assert one(**{"protoPayload.requestMetadata.callerIp": ip})["source_ip"] == ip
    ua = "Mozilla/5.0 (X11) Firefox/128.0,gzip(gfe),gzip(gfe)"
    row = one(**{"protoPayload.requestMetadata.callerSuppliedUserAgent": ua})
    assert row["user_agent"] == "Mozilla/5.0 (X11) Firefox/128.0"
    assert one(**{"protoPayload.requestMetadata": {}})["source_ip"] is None


# --- scope ---------------------------------------------------------------------------------------
def test_skip_reasons_land_in_ingest_log(tmp_path: Path) -> None:
    recs = [
        entry(),
        entry(insertId="b", **{"protoPayload.serviceName": "compute.googleapis.com"}),
        entry(insertId="c", **{"protoPayload.serviceName": "k8s.io"}),
        {
            "insertId": "d",
            "logName": "projects/acme-prod-1234/logs/stdout",
            "textPayload": "hi",
            "timestamp": "2026-11-02T10:00:00Z",
        },
    ]
    src = tmp_path / "in" / "sink.json"
    src.parent.mkdir()
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    (rep,) = run_ingest([src], tmp_path / "lake").files
    assert (rep.events_written, rep.skipped) == (1, 3)
    assert rep.skipped_reasons == {
        "out of scope: compute.googleapis.com": 1,
        # the k8s.io entry went to the k8s source, which skips it for its own reason
        "Kubernetes audit event on secretmanager/SecretManagerService "
        "(only Secrets are in scope)": 1,
        "out of scope: not an audit log entry": 1,
    }
    assert rep.note == "1 k8s records"


def _gke_read(n: int) -> dict[str, Any]:
    """A GKE audit LogEntry: a service account reads a Kubernetes Secret (FORMATS §7)."""
    return {
        "insertId": f"gke-{n}",
        "logName": "projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2Fdata_access",
        "operation": {"id": f"0f3a9c2e-1111-4222-8333-{n:012d}", "producer": "k8s.io",
                      "first": True, "last": True},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": "system:serviceaccount:payments:api"},
            "authorizationInfo": [{"granted": True, "permission": "io.k8s.core.v1.secrets.get",
                                   "resource": "core/v1/namespaces/payments/secrets/db-creds"}],
            "methodName": "io.k8s.core.v1.secrets.get",
            "requestMetadata": {"callerIp": "10.20.0.5", "callerSuppliedUserAgent": "api/v1.0"},
            "resourceName": "core/v1/namespaces/payments/secrets/db-creds",
            "serviceName": "k8s.io",
            "status": {},
        },
        "resource": {"type": "k8s_cluster", "labels": {
            "cluster_name": "prod-eu", "location": "europe-west1", "project_id": "acme-prod-1234"}},
        "timestamp": f"2026-11-02T09:00:{n:02d}.000212Z",
    }  # fmt: skip


@pytest.mark.parametrize("gke_first", [True, False])
def test_a_sink_mixing_gke_and_secret_manager_entries_feeds_both_sources(
    tmp_path: Path, gke_first: bool
) -> None:
    # One data_access sink holds GKE's k8s.io entries next to Secret Manager's. Whichever comes
    # first, each line goes to its own source: none is skipped as the other's.
    gke = [_gke_read(n) for n in range(3)]
    sm = [entry(insertId=f"sm-{n}") for n in range(4)]
    recs = gke + sm if gke_first else sm + gke
    src = tmp_path / "in" / "sink.json.gz"
    src.parent.mkdir()
    src.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in recs).encode()))
    (rep,) = run_ingest([src], tmp_path / "lake").files
    assert rep.kind == "gcp-audit"
    assert (rep.records_read, rep.events_written, rep.skipped) == (7, 7, 0)
    assert rep.balanced() and rep.note == "3 k8s records"
    con = connect(tmp_path / "lake")
    rows = con.sql(
        "SELECT source, action, secret_id, origin_line FROM events ORDER BY origin_line"
    ).fetchall()
    lines = {True: (1, 2, 3), False: (5, 6, 7)}[gke_first]
    assert [r[3] for r in rows if r[0] == "k8s"] == list(lines)
    assert {r[2] for r in rows if r[0] == "k8s"} == {"k8s://prod-eu/payments/db-creds"}
    assert sum(1 for r in rows if r[0] == "gcp" and r[1] == "read") == 4
    # The same file again adds nothing (file hash); its lines re-read add no duplicate event.
    again = run_ingest([src], tmp_path / "lake").files[0]
    assert again.status == "already ingested"


def test_gke_entries_in_siem_envelopes_are_routed_too(tmp_path: Path) -> None:
    # {"message": "<LogEntry as a JSON string>"}: the k8s mapping unwraps it, so it gets them.
    recs = [{"message": json.dumps(_gke_read(n))} for n in range(3)] + [entry()]
    src = tmp_path / "in" / "siem.json"
    src.parent.mkdir()
    src.write_text("".join(json.dumps(r) + "\n" for r in recs))
    (rep,) = run_ingest([src], tmp_path / "lake").files
    assert (rep.records_read, rep.events_written, rep.skipped, rep.quarantined) == (4, 4, 0, 0)
    assert rep.note == "3 k8s records"


def test_lines_the_k8s_source_cannot_read_stay_with_gcp(tmp_path: Path) -> None:
    # A GKE row of a BigQuery export (protopayload_auditlog) and a syslog-prefixed GKE line:
    # the k8s mapping reads neither, so they are not routed; gcp skips them with its reason
    # (never a quarantine row for a well-formed record).
    bq = {"insertId": "bq-gke", "timestamp": "2026-11-02T09:00:00Z",
          "logName": "projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2Fdata_access",
          "protopayload_auditlog": {**_gke_read(1)["protoPayload"]}}  # fmt: skip
    prefixed = "<134>Nov  2 09:00:00 fwd gcp: " + json.dumps(_gke_read(2))
    src = tmp_path / "in" / "mixed.json"
    src.parent.mkdir()
    src.write_text(json.dumps(entry()) + "\n" + json.dumps(bq) + "\n" + prefixed + "\n")
    (rep,) = run_ingest([src], tmp_path / "lake").files
    assert (rep.events_written, rep.skipped, rep.quarantined, rep.note) == (1, 2, 0, "")
    assert rep.skipped_reasons == {"out of scope: k8s.io": 2}


def test_a_file_of_gke_entries_only_is_reported_as_k8s(tmp_path: Path) -> None:
    src = tmp_path / "in" / "gke.json"
    src.parent.mkdir()
    src.write_text("".join(json.dumps(_gke_read(n)) + "\n" for n in range(2)))
    (rep,) = run_ingest([src], tmp_path / "lake").files
    assert (rep.source, rep.kind, rep.events_written, rep.note) == ("k8s", "k8s-audit", 2, "")


def test_a_forced_source_reads_the_whole_file(tmp_path: Path) -> None:
    src = tmp_path / "in" / "sink.json"
    src.parent.mkdir()
    src.write_text(json.dumps(_gke_read(1)) + "\n" + json.dumps(entry()) + "\n")
    (rep,) = run_ingest([src], tmp_path / "lake", source="gcp").files
    assert (rep.events_written, rep.skipped, rep.note) == (1, 1, "")
    assert rep.skipped_reasons == {"out of scope: k8s.io": 1}


@pytest.mark.parametrize(
    ("role", "kept"),
    [
        ("roles/secretmanager.secretAccessor", True),
        ("roles/secretmanager.admin", True),
        ("roles/owner", True),
        ("roles/storage.admin", False),
    ],
)
def test_project_iam_changes_kept_only_for_secret_roles(role: str, kept: bool) -> None:
    delta = {"bindingDeltas": [{"action": "ADD", "member": "user:bob@example.com", "role": role}]}
    row = one(
        **{
            "protoPayload.serviceName": "cloudresourcemanager.googleapis.com",
            "protoPayload.methodName": "SetIamPolicy",
            "protoPayload.resourceName": "projects/acme-prod-1234",
            "protoPayload.serviceData": {"policyDelta": delta},
        }
    )
    if kept:
        assert (row["skip_reason"], row["action"]) == (None, "permission_change")
        assert row["secret_id"] is None
    else:
        assert row["skip_reason"] == "out of scope: cloudresourcemanager.googleapis.com"


# --- dedupe, redaction ---------------------------------------------------------------------------
def test_event_id_is_the_same_across_exports_of_one_entry() -> None:
    rec = entry()
    bq = copy.deepcopy(rec)
    bq["protopayload_auditlog"] = bq.pop("protoPayload")
    bq["logName"] = bq["logName"].replace("%2F", "/")
    bq["timestamp"] = "2026-11-02 10:21:07.412335 UTC"
    pubsub = {"message": {"data": base64.b64encode(json.dumps(rec).encode()).decode()}}
    rows = mapped(rec, bq, pubsub, "<14>Nov  2 10:21:08 fwd gcp: " + json.dumps(rec))
    assert len({r["event_id"] for r in rows}) == 1
    assert [r["raw_override"] is None for r in rows] == [True, True, False, False]
    other = mapped(entry(timestamp="2026-11-02T10:21:08Z"), entry(insertId="zz"))
    assert len({rows[0]["event_id"], *(r["event_id"] for r in other)}) == 3


def test_a_logged_payload_never_reaches_the_lake(tmp_path: Path) -> None:
    value = "c3VwZXItc2VjcmV0LXZhbHVlLTEyMzQ="
    rec = entry(**{"protoPayload.response": {"name": "x", "payload": {"data": value}}})
    bq = entry(insertId="bq")
    bq["protopayload_auditlog"] = bq.pop("protoPayload")
    bq["protopayload_auditlog"]["requestJson"] = json.dumps({"payload": {"data": value}})
    src = tmp_path / "in" / "leaky.json"
    src.parent.mkdir()
    src.write_text(json.dumps(rec) + "\n" + json.dumps(bq) + "\n")
    run_ingest([src], tmp_path / "lake")
    raws = [r for (r,) in connect(tmp_path / "lake").sql("SELECT raw FROM events").fetchall()]
    assert len(raws) == 2
    assert all(value not in r and "[REDACTED:gcp-payload:" in r for r in raws)


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in" / "a.json"
    src.parent.mkdir()
    src.write_text(json.dumps(entry()) + "\n")
    run_ingest([src], tmp_path / "lake")
    copy_ = tmp_path / "in2" / "b.json"
    copy_.parent.mkdir()
    copy_.write_text(json.dumps([entry()], indent=2))
    (rep,) = run_ingest([copy_], tmp_path / "lake").files
    assert (rep.events_written, rep.duplicates) == (0, 1)
