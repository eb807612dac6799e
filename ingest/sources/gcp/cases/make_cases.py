"""Writes the input files of the GCP (Secret Manager via Cloud Audit Logs) golden cases.

Run once; inputs are committed. Each case is ``<name>/input/`` holding files the way Cloud Logging
and the tools around it leave them (``gcloud logging read --format=json`` arrays, Cloud Storage
sink objects, BigQuery exports, Pub/Sub pulls), and ``expected.json``, written by the golden
runner under ``pytest --update-goldens`` and reviewed by a human.

All values are fake: project ``acme-prod-1234`` / number ``123456789012``, example.com people,
TEST-NET addresses, made-up insert ids and key ids.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

PROJECT = "acme-prod-1234"
NUMBER = "123456789012"
OTHER = "acme-shared-5678"
SM = "google.cloud.secretmanager.v1.SecretManagerService."
APP = f"payments-api@{PROJECT}.iam.gserviceaccount.com"
DEPLOYER = f"deployer@{PROJECT}.iam.gserviceaccount.com"
AGENT = f"service-{NUMBER}@gcp-sa-secretmanager.iam.gserviceaccount.com"
ALICE = "alice@example.com"
BOB = "bob@example.com"
KEY_ID = "3f1c0ffee0ddba11c0de5eed0fab1e5dec0de000"
UA_GCLOUD = (
    "google-cloud-sdk gcloud/470.0.0 command/gcloud.secrets.versions.access "
    "invocation-id/0b5e5c1a2f3d4e5f60718293a4b5c6d7 environment/None environment-version/None "
    "client-os/LINUX client-os-ver/6.1.0 client-pltf-arch/x86_64 interactive/True "
    "from-script/False python/3.11.8 term/xterm-256color (Linux 6.1.0-18-cloud-amd64),gzip(gfe)"
)
UA_GRPC = "grpc-python/1.62.0,gzip(gfe)"

PERMISSIONS = {
    "AccessSecretVersion": ("secretmanager.versions.access", "DATA_READ"),
    "ListSecrets": ("secretmanager.secrets.list", "ADMIN_READ"),
    "ListSecretVersions": ("secretmanager.versions.list", "ADMIN_READ"),
    "GetSecret": ("secretmanager.secrets.get", "ADMIN_READ"),
    "GetSecretVersion": ("secretmanager.versions.get", "ADMIN_READ"),
    "GetIamPolicy": ("secretmanager.secrets.getIamPolicy", "ADMIN_READ"),
    "CreateSecret": ("secretmanager.secrets.create", "ADMIN_WRITE"),
    "AddSecretVersion": ("secretmanager.versions.add", "ADMIN_WRITE"),
    "UpdateSecret": ("secretmanager.secrets.update", "ADMIN_WRITE"),
    "DisableSecretVersion": ("secretmanager.versions.disable", "ADMIN_WRITE"),
    "EnableSecretVersion": ("secretmanager.versions.enable", "ADMIN_WRITE"),
    "DestroySecretVersion": ("secretmanager.versions.destroy", "ADMIN_WRITE"),
    "DeleteSecret": ("secretmanager.secrets.delete", "ADMIN_WRITE"),
    "SetIamPolicy": ("secretmanager.secrets.setIamPolicy", "ADMIN_WRITE"),
    "GetLocation": ("secretmanager.locations.get", "ADMIN_READ"),
    "ListLocations": ("secretmanager.locations.list", "ADMIN_READ"),
}


def log_name(kind: str, project: str = PROJECT) -> str:
    return f"projects/{project}/logs/cloudaudit.googleapis.com%2F{kind}"


def entry(
    method: str,
    resource: str,
    *,
    insert_id: str,
    ts: str,
    who: str | None = APP,
    ip: str | None = "203.0.113.10",
    ua: str | None = UA_GRPC,
    status: dict[str, Any] | None = None,
    granted: bool | None = True,
    auth: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    project: str = PROJECT,
    payload: dict[str, Any] | None = None,
    top: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One LogEntry with an AuditLog payload, as Cloud Logging writes it for Secret Manager."""
    permission, ptype = PERMISSIONS.get(method, ("secretmanager.secrets.get", "ADMIN_READ"))
    full_method = (
        f"google.cloud.location.Locations.{method}" if "Location" in method else SM + method
    )
    authn: dict[str, Any] = {} if who is None else {"principalEmail": who}
    authn.update(auth or {})
    check: dict[str, Any] = {
        "permission": permission,
        "permissionType": ptype,
        "resource": resource,
        "resourceAttributes": {
            "name": resource,
            "service": "secretmanager.googleapis.com",
            "type": "secretmanager.googleapis.com/"
            + ("SecretVersion" if "/versions/" in resource else "Secret"),
        },
    }
    if granted is not None:
        check["granted"] = granted
    meta: dict[str, Any] = {"destinationAttributes": {}, "requestAttributes": {"auth": {}}}
    if ip is not None:
        meta["callerIp"] = ip
    if ua is not None:
        meta["callerSuppliedUserAgent"] = ua
    body: dict[str, Any] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": authn,
        "authorizationInfo": [check],
        "methodName": full_method,
        "request": request
        if request is not None
        else {
            "@type": f"type.googleapis.com/google.cloud.secretmanager.v1.{method}Request",
            "name": resource,
        },
        "requestMetadata": meta,
        "resourceName": resource,
        "serviceName": "secretmanager.googleapis.com",
    }
    if status is not None:
        body["status"] = status
    if response is not None:
        body["response"] = response
    body.update(payload or {})
    failed = bool(status and status.get("code"))
    log_kind = "activity" if ptype == "ADMIN_WRITE" else "data_access"
    rec: dict[str, Any] = {
        "insertId": insert_id,
        "logName": log_name(log_kind, project),
        "protoPayload": body,
        "receiveTimestamp": ts[:19] + ".871204118Z",
        "resource": {
            "labels": {
                "method": full_method,
                "project_id": project,
                "service": "secretmanager.googleapis.com",
            },
            "type": "audited_resource",
        },
        "severity": "ERROR" if failed else ("NOTICE" if log_kind == "activity" else "INFO"),
        "timestamp": ts,
    }
    rec.update(top or {})
    return rec


def sv(name: str, version: str = "latest", project: str = PROJECT) -> str:
    return f"projects/{project}/secrets/{name}/versions/{version}"


def sec(name: str, project: str = PROJECT) -> str:
    return f"projects/{project}/secrets/{name}"


def t(hms: str, frac: str = "412335817") -> str:
    return f"2026-11-02T{hms}.{frac}Z" if frac else f"2026-11-02T{hms}Z"


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in records)


def gcloud_json(records: list[dict[str, Any]]) -> str:
    """What ``gcloud logging read --format=json`` prints: a pretty, key-sorted array."""
    return json.dumps(records, indent=2, sort_keys=True) + "\n"


def write(case: str, rel: str, data: str | bytes) -> None:
    path = HERE / case / "input" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def gz(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


DENIED = {
    "code": 7,
    "message": "Permission 'secretmanager.versions.access' denied for resource "
    "'projects/acme-prod-1234/secrets/db-password/versions/latest' (or it may not exist).",
}


# --- cases -------------------------------------------------------------------------------------
def all_fields() -> None:
    """Every field a Secret Manager audit entry can carry, faked."""
    rec = entry(
        "AccessSecretVersion",
        sv("db-password", "7"),
        insert_id="1x9k3fe2abc",
        ts=t("10:21:07"),
        who=DEPLOYER,
        ip="198.51.100.23",
        ua=UA_GCLOUD,
        status={},
        auth={
            "principalSubject": f"serviceAccount:{DEPLOYER}",
            "serviceAccountKeyName": f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/"
            f"{DEPLOYER}/keys/{KEY_ID}",
            "serviceAccountDelegationInfo": [{"firstPartyPrincipal": {"principalEmail": ALICE}}],
        },
        response={
            "@type": "type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionResponse",
            "name": f"projects/{NUMBER}/secrets/db-password/versions/7",
        },
        payload={
            "requestMetadata": {
                "callerIp": "198.51.100.23",
                "callerNetwork": f"//compute.googleapis.com/projects/{PROJECT}/global/networks/__unknown__",
                "callerSuppliedUserAgent": UA_GCLOUD,
                "destinationAttributes": {},
                "requestAttributes": {"auth": {}, "time": "2026-11-02T10:21:07.409114355Z"},
            },
            "resourceLocation": {"currentLocations": ["europe-west1"]},
        },
        top={
            "operation": {
                "first": True,
                "id": "op-7f1e2d3c",
                "last": True,
                "producer": "secretmanager.googleapis.com",
            },
            "labels": {"source": "keytrail-fake"},
        },
    )
    write("all_fields", "all_fields.json", jsonl([rec]))


def gcloud_read_array() -> None:
    """``gcloud logging read ... --format=json`` output, pretty and minified (jq -c)."""
    recs = [
        entry("AccessSecretVersion", sv("db-password"), insert_id="-a1b2c3d4e5", ts=t("10:00:01")),
        entry(
            "ListSecrets",
            f"projects/{PROJECT}",
            insert_id="-a1b2c3d4e6",
            ts=t("10:00:02"),
            who=ALICE,
            ua=UA_GCLOUD,
            request={
                "@type": "type.googleapis.com/google.cloud.secretmanager.v1.ListSecretsRequest",
                "parent": f"projects/{PROJECT}",
            },
            payload={"numResponseItems": "12"},
        ),
    ]
    # gcloud prints newest first.
    write("gcloud_read_array", "secretmanager-30d.json", gcloud_json(recs[::-1]))
    more = [
        entry("AccessSecretVersion", sv("api-key", "3"), insert_id="-a1b2c3d4f0", ts=t("10:05:00")),
        entry("GetSecret", sec("api-key"), insert_id="-a1b2c3d4f1", ts=t("10:05:01"), who=ALICE),
    ]
    write("gcloud_read_array", "minified.json", json.dumps(more, separators=(",", ":")))


def gcs_sink() -> None:
    """A Cloud Storage sink: hourly objects per log, JSON lines, one gzip-encoded copy."""
    base = "acme-audit-logs/cloudaudit.googleapis.com"
    hour10 = [
        entry("AccessSecretVersion", sv("db-password"), insert_id=f"s10n{i}", ts=t(f"10:{i:02d}:05"))
        for i in range(3)
    ]
    hour11 = [
        entry("AccessSecretVersion", sv("api-key", "2"), insert_id=f"s11n{i}", ts=t(f"11:{i:02d}:05"))
        for i in range(2)
    ]
    activity = [
        entry(
            "AddSecretVersion",
            sec("api-key"),
            insert_id="a10n0",
            ts=t("10:30:00"),
            who=DEPLOYER,
            request={
                "@type": "type.googleapis.com/google.cloud.secretmanager.v1.AddSecretVersionRequest",
                "parent": sec("api-key"),
            },
            response={
                "@type": "type.googleapis.com/google.cloud.secretmanager.v1.SecretVersion",
                "createTime": "2026-11-02T10:30:00.101Z",
                "name": f"projects/{NUMBER}/secrets/api-key/versions/2",
                "state": "ENABLED",
            },
        )
    ]
    write("gcs_sink", f"{base}/data_access/2026/11/02/10:00:00_10:59:59_S0.json", jsonl(hour10))
    # Downloaded with `gsutil cp` from an object stored with Content-Encoding: gzip.
    write("gcs_sink", f"{base}/data_access/2026/11/02/11:00:00_11:59:59_S0.json", gz(jsonl(hour11)))
    write("gcs_sink", f"{base}/activity/2026/11/02/10:00:00_10:59:59_S0.json.gz", gz(jsonl(activity)))


def permission_denied() -> None:
    """Denied (7, 16, authorizationInfo without granted) versus other failures."""
    recs = [
        entry(
            "AccessSecretVersion",
            sv("db-password"),
            insert_id="d1",
            ts=t("12:00:00"),
            who=BOB,
            status=DENIED,
            granted=None,  # proto3 omits granted=false
        ),
        entry(
            "AccessSecretVersion",
            sv("db-password"),
            insert_id="d2",
            ts=t("12:00:01"),
            who=None,
            status={"code": 16, "message": "Request had invalid authentication credentials."},
            granted=None,
        ),
        entry(
            "AccessSecretVersion",
            sv("no-such-secret"),
            insert_id="d3",
            ts=t("12:00:02"),
            status={"code": 5, "message": "Secret [projects/123456789012/secrets/no-such-secret] not found or has no versions."},
        ),
        entry(
            "AccessSecretVersion",
            sv("db-password", "2"),
            insert_id="d4",
            ts=t("12:00:03"),
            status={"code": 9, "message": "projects/123456789012/secrets/db-password/versions/2 is in DESTROYED state."},
        ),
        entry(
            "AccessSecretVersion",
            sv("db-password"),
            insert_id="d5",
            ts=t("12:00:04"),
            status={"code": 8, "message": "Quota exceeded for quota metric 'Access requests'."},
        ),
        entry(
            "AccessSecretVersion",
            sv("db-password"),
            insert_id="d6",
            ts=t("12:00:05"),
            status={"code": 3, "message": "Invalid resource field value in the request."},
        ),
    ]
    write("permission_denied", "denied.json", jsonl(recs))


def status_and_granted() -> None:
    """§3(e): ``status`` {} / absent / code 0 mean OK; ``granted:false`` is simply missing."""
    recs = [
        entry("AccessSecretVersion", sv("db-password"), insert_id="g1", ts=t("13:00:00"), status={}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="g2", ts=t("13:00:01")),
        entry("AccessSecretVersion", sv("db-password"), insert_id="g3", ts=t("13:00:02"), status={"code": 0}),
        # No status, but the only check has no `granted` (false, omitted by proto3): denied.
        entry("AccessSecretVersion", sv("db-password"), insert_id="g4", ts=t("13:00:03"), granted=None),
        # A re-export that turned the code into a string.
        entry(
            "AccessSecretVersion",
            sv("db-password"),
            insert_id="g5",
            ts=t("13:00:04"),
            status={"code": "7", "message": "denied"},
            granted=None,
        ),
    ]
    write("status_and_granted", "status.json", jsonl(recs))


def int64_as_strings() -> None:
    """§3(e): int64 fields (numResponseItems) are JSON strings; status.code is a number."""
    recs = [
        entry(
            "ListSecrets",
            f"projects/{PROJECT}",
            insert_id="n1",
            ts=t("13:10:00"),
            who=ALICE,
            request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.ListSecretsRequest",
                     "pageSize": 25, "parent": f"projects/{PROJECT}"},
            payload={"numResponseItems": "12"},
        ),
        entry(
            "ListSecretVersions",
            sec("db-password"),
            insert_id="n2",
            ts=t("13:10:01"),
            who=ALICE,
            request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.ListSecretVersionsRequest",
                     "parent": sec("db-password")},
            payload={"numResponseItems": "9007199254740993"},
        ),
    ]
    write("int64_as_strings", "lists.json", jsonl(recs))


def logname_url_encoded() -> None:
    """§3(e): ``logName`` has ``%2F``; a re-export that decoded it is the same entry."""
    rec = entry("AccessSecretVersion", sv("db-password"), insert_id="u1", ts=t("14:00:00"))
    write("logname_url_encoded", "a-encoded.json", jsonl([rec]))
    decoded = json.loads(json.dumps(rec))
    decoded["logName"] = decoded["logName"].replace("%2F", "/")
    # Also without resource labels: the project then comes from logName.
    other = entry("AccessSecretVersion", sv("api-key"), insert_id="u2", ts=t("14:00:01"))
    other["logName"] = other["logName"].replace("%2F", "/")
    del other["resource"]["labels"]["project_id"]
    write("logname_url_encoded", "b-decoded.json", jsonl([decoded, other]))


def timestamp_precision() -> None:
    """§3(e): 0-9 fractional digits; offsets; BigQuery renderings; a missing timestamp."""
    stamps = [
        "2026-11-02T15:00:00Z",
        "2026-11-02T15:00:01.1Z",
        "2026-11-02T15:00:02.12Z",
        "2026-11-02T15:00:03.123Z",
        "2026-11-02T15:00:04.1234Z",
        "2026-11-02T15:00:05.12345Z",
        "2026-11-02T15:00:06.123456Z",
        "2026-11-02T15:00:07.1234567Z",
        "2026-11-02T15:00:08.12345678Z",
        "2026-11-02T15:00:09.123456789Z",
        "2026-11-02T16:00:10.5+01:00",
        "2026-11-02 15:00:11.654321 UTC",
    ]
    recs = [
        entry("AccessSecretVersion", sv("db-password"), insert_id=f"ts{i}", ts=s)
        for i, s in enumerate(stamps)
    ]
    epoch = entry("AccessSecretVersion", sv("db-password"), insert_id="ts-epoch", ts=t("15:00:12"))
    epoch["timestamp"] = "1.793631612250001E9"
    missing = entry("AccessSecretVersion", sv("db-password"), insert_id="ts-missing", ts=t("15:00:13"))
    del missing["timestamp"]
    broken = entry("AccessSecretVersion", sv("db-password"), insert_id="ts-bad", ts="yesterday")
    write("timestamp_precision", "stamps.json", jsonl([*recs, epoch, missing, broken]))


def resource_type_variants() -> None:
    """§3(e): ``audited_resource`` and ``secretmanager.googleapis.com/Secret`` resources."""
    a = entry("AccessSecretVersion", sv("db-password"), insert_id="r1", ts=t("16:00:00"))
    b = entry("AccessSecretVersion", sv("db-password"), insert_id="r2", ts=t("16:00:01"))
    b["resource"] = {
        "labels": {
            "location": "global",
            "resource_container": NUMBER,
            "secret_id": "db-password",
        },
        "type": "secretmanager.googleapis.com/Secret",
    }
    write("resource_type_variants", "resources.json", jsonl([a, b]))


def bigquery_export() -> None:
    """§3(e): rows of a BigQuery sink table exported as JSON (snake_case payload, JSON strings)."""

    def row(insert_id: str, ts: str, method: str, name: str, who: str, code: int | None) -> dict[str, Any]:
        return {
            "logName": log_name("data_access"),
            "resource": {"type": "audited_resource",
                         "labels": {"project_id": PROJECT, "method": SM + method,
                                    "service": "secretmanager.googleapis.com"}},
            "protopayload_auditlog": {
                "serviceName": "secretmanager.googleapis.com",
                "methodName": SM + method,
                "resourceName": name,
                "resourceLocation": None,
                "numResponseItems": None,
                "status": None if code is None else {"code": code, "message": "denied" if code else None},
                "authenticationInfo": {"principalEmail": who, "authoritySelector": None,
                                       "serviceAccountKeyName": None,
                                       "serviceAccountDelegationInfo": [],
                                       "principalSubject": None},
                "authorizationInfo": [{"resource": name,
                                       "permission": "secretmanager.versions.access",
                                       "granted": code is None}],
                "requestMetadata": {"callerIp": "192.0.2.44",
                                    "callerSuppliedUserAgent": "Terraform/1.9.5,gzip(gfe)"},
                "requestJson": json.dumps({"@type": "type.googleapis.com/google.cloud.secretmanager.v1."
                                           + method + "Request", "name": name}),
                "responseJson": None,
                "metadataJson": None,
            },
            "textPayload": None,
            "timestamp": ts,
            "receiveTimestamp": ts,
            "severity": "INFO" if code is None else "ERROR",
            "insertId": insert_id,
            "httpRequest": None,
            "operation": None,
            "trace": None,
            "spanId": None,
            "traceSampled": None,
            "sourceLocation": None,
            "split": None,
        }

    rows = [
        row("bq1", "2026-11-02 17:00:00.123456 UTC", "AccessSecretVersion", sv("db-password"), APP, None),
        row("bq2", "2026-11-02 17:00:01 UTC", "AccessSecretVersion", sv("api-key", "4", NUMBER), BOB, 7),
    ]
    write("bigquery_export", "bq-extract-000000000000.json", jsonl(rows))


def principal_subject_without_email() -> None:
    """§3(e): federated identities without principalEmail; empty or redacted emails."""
    wif = ("principal://iam.googleapis.com/projects/" + NUMBER
           + "/locations/global/workloadIdentityPools/github/subject/repo:acme/payments:ref:refs/heads/main")
    wfp = "principal://iam.googleapis.com/locations/global/workforcePools/acme-staff/subject/carol@example.com"
    recs = [
        entry("AccessSecretVersion", sv("db-password"), insert_id="p1", ts=t("18:00:00"),
              who=None, auth={"principalSubject": wif}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="p2", ts=t("18:00:01"),
              who=None, auth={"principalSubject": wfp}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="p3", ts=t("18:00:02"),
              who="", status=DENIED, granted=None),
        entry("AccessSecretVersion", sv("db-password"), insert_id="p4", ts=t("18:00:03"),
              who=None, status=DENIED, granted=None),
        entry("AccessSecretVersion", sv("db-password"), insert_id="p5", ts=t("18:00:04"),
              who=None, auth={"principalSubject": f"serviceAccount:{APP}"}),
    ]
    write("principal_subject_without_email", "subjects.json", jsonl(recs))


def delegation_chain() -> None:
    """A person impersonating a service account; a two-hop chain; federation then impersonation."""
    wif = ("principal://iam.googleapis.com/projects/" + NUMBER
           + "/locations/global/workloadIdentityPools/github/subject/repo:acme/infra:ref:refs/heads/main")
    recs = [
        entry("AccessSecretVersion", sv("db-password"), insert_id="c1", ts=t("19:00:00"),
              who=DEPLOYER, ua=UA_GCLOUD,
              auth={"serviceAccountDelegationInfo": [{"firstPartyPrincipal": {"principalEmail": ALICE}}]}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="c2", ts=t("19:00:01"),
              who=DEPLOYER,
              auth={"serviceAccountDelegationInfo": [
                  {"firstPartyPrincipal": {"principalEmail": BOB}},
                  {"firstPartyPrincipal": {"principalEmail": f"ci-runner@{PROJECT}.iam.gserviceaccount.com"}},
              ]}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="c3", ts=t("19:00:02"),
              who=DEPLOYER,
              auth={"principalSubject": f"serviceAccount:{DEPLOYER}",
                    "serviceAccountDelegationInfo": [{"principalSubject": wif}]}),
        entry("AccessSecretVersion", sv("db-password"), insert_id="c4", ts=t("19:00:03"),
              who=DEPLOYER,
              auth={"serviceAccountKeyName": f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/"
                                             f"{DEPLOYER}/keys/{KEY_ID}"}),
    ]
    write("delegation_chain", "impersonation.json", jsonl(recs))


def project_number_vs_id() -> None:
    """Callers name the project by id or number; one secret, one id. Another project stays."""
    recs = [
        entry("AccessSecretVersion", sv("db-password", "5"), insert_id="pn1", ts=t("20:00:00")),
        entry("AccessSecretVersion", sv("db-password", "5", NUMBER), insert_id="pn2", ts=t("20:00:01")),
        entry("GetSecret", sec("db-password", NUMBER), insert_id="pn3", ts=t("20:00:02"), who=ALICE),
        # A secret of another project, written to that project's log.
        entry("AccessSecretVersion", sv("shared-token", "1", "987654321098"), insert_id="pn4",
              ts=t("20:00:03"), project=OTHER),
        # Regional secret (locations/...): a different resource from a global one of the same name.
        entry("AccessSecretVersion",
              f"projects/{NUMBER}/locations/europe-west1/secrets/db-password/versions/1",
              insert_id="pn5", ts=t("20:00:04")),
    ]
    write("project_number_vs_id", "projects.json", jsonl(recs))


def latest_version() -> None:
    """``versions/latest`` is an alias the log does not resolve; AddSecretVersion's response does."""
    recs = [
        entry("AccessSecretVersion", sv("api-key"), insert_id="v1", ts=t("21:00:00")),
        entry("AccessSecretVersion", sv("api-key", "3"), insert_id="v2", ts=t("21:00:01")),
        entry(
            "AddSecretVersion",
            sec("api-key"),
            insert_id="v3",
            ts=t("21:00:02"),
            who=DEPLOYER,
            request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.AddSecretVersionRequest",
                     "parent": sec("api-key")},
            response={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.SecretVersion",
                      "createTime": "2026-11-02T21:00:02.511Z",
                      "name": f"projects/{NUMBER}/secrets/api-key/versions/4", "state": "ENABLED"},
        ),
    ]
    write("latest_version", "versions.json", jsonl(recs))


def admin_methods() -> None:
    """Every Secret Manager method (FORMATS §3(c)) and its normalized action."""
    w = {"who": ALICE, "ua": UA_GCLOUD}
    delta = {"bindingDeltas": [{"action": "ADD", "member": f"serviceAccount:{APP}",
                                "role": "roles/secretmanager.secretAccessor"}]}
    recs = [
        entry("CreateSecret", sec("new-api-key"), insert_id="m01", ts=t("22:00:00"),
              request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.CreateSecretRequest",
                       "parent": f"projects/{PROJECT}", "secretId": "new-api-key",
                       "secret": {"replication": {"automatic": {}}}}, **w),
        # resourceName is only the parent here: the secret comes from parent + secretId.
        entry("CreateSecret", f"projects/{PROJECT}", insert_id="m02", ts=t("22:00:01"),
              request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.CreateSecretRequest",
                       "parent": f"projects/{PROJECT}", "secretId": "other-key"}, **w),
        entry("AddSecretVersion", sec("new-api-key"), insert_id="m03", ts=t("22:00:02"),
              request={"parent": sec("new-api-key")},
              response={"name": f"projects/{NUMBER}/secrets/new-api-key/versions/1", "state": "ENABLED"}, **w),
        entry("GetSecret", sec("new-api-key"), insert_id="m04", ts=t("22:00:03"), **w),
        entry("GetSecretVersion", sv("new-api-key", "1"), insert_id="m05", ts=t("22:00:04"), **w),
        entry("ListSecretVersions", sec("new-api-key"), insert_id="m06", ts=t("22:00:05"),
              request={"parent": sec("new-api-key")}, **w),
        entry("ListSecrets", f"projects/{PROJECT}", insert_id="m07", ts=t("22:00:06"),
              request={"parent": f"projects/{PROJECT}"}, **w),
        entry("GetIamPolicy", sec("new-api-key"), insert_id="m08", ts=t("22:00:07"),
              request={"resource": sec("new-api-key")}, **w),
        entry("SetIamPolicy", sec("new-api-key"), insert_id="m09", ts=t("22:00:08"),
              request={"resource": sec("new-api-key"), "policy": {"bindings": [
                  {"role": "roles/secretmanager.secretAccessor", "members": [f"serviceAccount:{APP}"]}]}},
              payload={"serviceData": {"@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
                                       "policyDelta": delta}}, **w),
        entry("UpdateSecret", sec("new-api-key"), insert_id="m10", ts=t("22:00:09"),
              request={"secret": {"name": sec("new-api-key"),
                                  "rotation": {"rotationPeriod": "2592000s"}},
                       "updateMask": "rotation"}, **w),
        entry("DisableSecretVersion", sv("new-api-key", "1"), insert_id="m11", ts=t("22:00:10"), **w),
        entry("EnableSecretVersion", sv("new-api-key", "1"), insert_id="m12", ts=t("22:00:11"), **w),
        entry("DestroySecretVersion", sv("new-api-key", "1"), insert_id="m13", ts=t("22:00:12"), **w),
        entry("DeleteSecret", sec("new-api-key"), insert_id="m14", ts=t("22:00:13"), **w),
        entry("GetLocation", f"projects/{PROJECT}/locations/europe-west1", insert_id="m15",
              ts=t("22:00:14"), **w),
        entry("ListLocations", f"projects/{PROJECT}", insert_id="m16", ts=t("22:00:15"), **w),
        # The v1beta1 surface: same method names under another package.
        entry("AccessSecretVersion", sv("new-api-key", "1"), insert_id="m17", ts=t("22:00:16"),
              payload={"methodName": "google.cloud.secrets.v1beta1.SecretManagerService.AccessSecretVersion"}),
    ]
    write("admin_methods", "methods.json", jsonl(recs))


def vpc_sc_policy_denied() -> None:
    """§3(e): VPC Service Controls refusals land in the Policy Denied log."""
    rec = entry(
        "AccessSecretVersion",
        f"projects/{NUMBER}",
        insert_id="vpc1",
        ts=t("23:00:00"),
        ip="192.0.2.200",
        status={"code": 7, "details": [{"@type": "type.googleapis.com/google.rpc.PreconditionFailure",
                                        "violations": [{"type": "VPC_SERVICE_CONTROLS",
                                                        "description": "a1b2c3"}]}],
                "message": "Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: a1b2c3"},
        granted=None,
        request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionRequest",
                 "name": sv("db-password")},
        payload={"metadata": {"@type": "type.googleapis.com/google.cloud.audit.VpcServiceControlAuditMetadata",
                              "violationReason": "NO_MATCHING_ACCESS_LEVEL",
                              "securityPolicyInfo": {"organizationId": "111122223333",
                                                     "servicePerimeterName": "accessPolicies/4444/servicePerimeters/prod"},
                              "resourceNames": [sv("db-password")],
                              "vpcServiceControlsUniqueId": "a1b2c3"}},
    )
    rec["logName"] = log_name("policy")
    write("vpc_sc_policy_denied", "policy.json", jsonl([rec]))


def gke_same_format() -> None:
    """§3(e): GKE audit entries share the LogEntry format; service k8s.io is not ours."""
    sm = entry("AccessSecretVersion", sv("db-password"), insert_id="k0", ts=t("09:00:00"))
    k8s = {
        "insertId": "0f3a9c2e-1111-4222-8333-944455556666",
        "labels": {"authorization.k8s.io/decision": "allow",
                   "authorization.k8s.io/reason": "RBAC: allowed by RoleBinding \"api-read/payments\""},
        "logName": log_name("data_access"),
        "operation": {"first": True, "id": "0f3a9c2e-1111-4222-8333-944455556666", "last": True,
                      "producer": "k8s.io"},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": "system:serviceaccount:payments:api"},
            "authorizationInfo": [{"granted": True, "permission": "io.k8s.core.v1.secrets.get",
                                   "resource": "core/v1/namespaces/payments/secrets/db-creds"}],
            "methodName": "io.k8s.core.v1.secrets.get",
            "requestMetadata": {"callerIp": "10.20.0.5", "callerSuppliedUserAgent": "api/v1.0"},
            "resourceName": "core/v1/namespaces/payments/secrets/db-creds",
            "serviceName": "k8s.io",
            "status": {"code": 0},
        },
        "receiveTimestamp": "2026-11-02T09:00:01.101Z",
        "resource": {"labels": {"cluster_name": "prod-eu", "location": "europe-west1",
                                "project_id": PROJECT}, "type": "k8s_cluster"},
        "timestamp": "2026-11-02T09:00:01.000212Z",
    }
    write("gke_same_format", "mixed.json", jsonl([sm, k8s]))


def out_of_scope_service() -> None:
    """Other services are skipped with a reason; project IAM changes to secret roles are kept."""
    sm = entry("AccessSecretVersion", sv("db-password"), insert_id="o0", ts=t("08:00:00"))
    compute = {
        "insertId": "o1",
        "logName": log_name("activity"),
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": ALICE},
            "methodName": "v1.compute.instances.stop",
            "resourceName": f"projects/{PROJECT}/zones/europe-west1-b/instances/web-1",
            "serviceName": "compute.googleapis.com",
        },
        "resource": {"labels": {"project_id": PROJECT}, "type": "gce_instance"},
        "timestamp": t("08:00:01"),
    }

    def project_iam(insert_id: str, ts: str, role: str, action: str) -> dict[str, Any]:
        return {
            "insertId": insert_id,
            "logName": log_name("activity"),
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "authenticationInfo": {"principalEmail": ALICE},
                "authorizationInfo": [{"granted": True,
                                       "permission": "resourcemanager.projects.setIamPolicy",
                                       "resource": f"projects/{PROJECT}"}],
                "methodName": "SetIamPolicy",
                "request": {"@type": "type.googleapis.com/google.iam.v1.SetIamPolicyRequest",
                            "resource": PROJECT},
                "requestMetadata": {"callerIp": "198.51.100.7", "callerSuppliedUserAgent": UA_GCLOUD},
                "resourceName": f"projects/{PROJECT}",
                "serviceData": {"@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
                                "policyDelta": {"bindingDeltas": [
                                    {"action": action, "member": f"user:{BOB}", "role": role}]}},
                "serviceName": "cloudresourcemanager.googleapis.com",
                "status": {},
            },
            "resource": {"labels": {"project_id": PROJECT}, "type": "project"},
            "severity": "NOTICE",
            "timestamp": ts,
        }

    kept = project_iam("o2", t("08:00:02"), "roles/secretmanager.secretAccessor", "ADD")
    owner = project_iam("o3", t("08:00:03"), "roles/owner", "REMOVE")
    unrelated = project_iam("o4", t("08:00:04"), "roles/storage.objectViewer", "ADD")
    iam_key = {
        "insertId": "o5",
        "logName": log_name("activity"),
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": ALICE},
            "methodName": "google.iam.admin.v1.CreateServiceAccountKey",
            "resourceName": f"projects/-/serviceAccounts/{DEPLOYER}",
            "serviceName": "iam.googleapis.com",
        },
        "timestamp": t("08:00:05"),
    }
    app_log = {
        "insertId": "o6",
        "logName": f"projects/{PROJECT}/logs/stdout",
        "textPayload": "payments-api started",
        "resource": {"labels": {"project_id": PROJECT}, "type": "k8s_container"},
        "timestamp": t("08:00:06"),
    }
    write("out_of_scope_service", "sink-all-services.json",
          jsonl([sm, compute, kept, owner, unrelated, iam_key, app_log]))


def duplicate_insert_id() -> None:
    """At-least-once delivery: the same entry in two exports and twice in one file."""
    a = entry("AccessSecretVersion", sv("db-password"), insert_id="dup1", ts=t("07:00:00"))
    b = entry("AccessSecretVersion", sv("db-password"), insert_id="dup2", ts=t("07:00:01"))
    # Same insertId, another timestamp: a different entry under the (logName, insertId,
    # timestamp) key.
    c = entry("AccessSecretVersion", sv("db-password"), insert_id="dup2", ts=t("07:00:02"))
    # Same insertId and timestamp in another log: also a different entry.
    d = entry("GetSecret", sec("db-password"), insert_id="dup1", ts=t("07:00:00"), who=ALICE)
    d["logName"] = log_name("activity")
    write("duplicate_insert_id", "gcloud-export.json", gcloud_json([b, a]))
    write("duplicate_insert_id", "sink/07:00:00_07:59:59_S0.json", jsonl([a, b, b, c, d]))


def envelopes() -> None:
    """Pub/Sub pulls (base64 ``data``), SIEM re-exports (``message`` string), syslog framing."""
    recs = [entry("AccessSecretVersion", sv("db-password"), insert_id=f"e{i}", ts=t(f"06:00:0{i}"))
            for i in range(4)]
    text = [json.dumps(r, sort_keys=True, separators=(",", ":")) for r in recs]
    pull = [
        {"ackId": "UAYWLF1GSFE3GQhoUQ5PXiM_NSAoRRIJB08CKF15MEorQVh0Dmo",
         "message": {"attributes": {"logging.googleapis.com/timestamp": recs[0]["timestamp"]},
                     "data": base64.b64encode(text[0].encode()).decode(),
                     "messageId": "9876543210123", "publishTime": "2026-11-02T06:00:00.9Z"}},
    ]
    push = {"message": {"data": base64.b64encode(text[1].encode()).decode(),
                        "messageId": "9876543210124"},
            "subscription": f"projects/{PROJECT}/subscriptions/audit-to-keytrail"}
    siem = {"@timestamp": recs[2]["timestamp"], "message": text[2], "host": {"name": "siem-1"}}
    write("envelopes", "pubsub-pull.json", gcloud_json(pull))
    write("envelopes", "pubsub-push.ndjson", json.dumps(push) + "\n")
    write("envelopes", "siem-export.ndjson", json.dumps(siem) + "\n")
    write("envelopes", "syslog.log", f"Nov  2 06:00:03 fwd-1 gcp-audit: {text[3]}\n")


def malformed() -> None:
    """Broken records are quarantined with a reason; the rest of the file still counts."""
    good = entry("AccessSecretVersion", sv("db-password"), insert_id="q0", ts=t("05:00:00"))
    line = json.dumps(good, sort_keys=True, separators=(",", ":"))
    no_service = entry("AccessSecretVersion", sv("db-password"), insert_id="q3", ts=t("05:00:03"))
    del no_service["protoPayload"]["serviceName"]
    # No logName and no resource labels: the project comes from resourceName.
    bare = entry("AccessSecretVersion", sv("db-password"), insert_id="q4", ts=t("05:00:04"))
    del bare["logName"]
    del bare["resource"]
    lines = [
        line,
        line[: len(line) // 2],
        json.dumps({"kind": "Event", "apiVersion": "audit.k8s.io/v1"}),
        json.dumps(no_service, sort_keys=True),
        json.dumps(bare, sort_keys=True),
        "[1, 2, 3]",
        "not json at all",
    ]
    write("malformed", "broken.json", "\n".join(lines) + "\n")


CASES = (
    all_fields, gcloud_read_array, gcs_sink, permission_denied, status_and_granted,
    int64_as_strings, logname_url_encoded, timestamp_precision, resource_type_variants,
    bigquery_export, principal_subject_without_email, delegation_chain, project_number_vs_id,
    latest_version, admin_methods, vpc_sc_policy_denied, gke_same_format, out_of_scope_service,
    duplicate_insert_id, envelopes, malformed,
)  # fmt: skip


def main() -> None:
    for make in CASES:
        shutil.rmtree(HERE / make.__name__ / "input", ignore_errors=True)
        make()


if __name__ == "__main__":
    main()
