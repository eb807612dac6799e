"""Writes the input files of the Kubernetes audit golden cases (run once; inputs are committed).

Each case is ``<name>/input/`` (files as the API server, GKE or AKS and the tools around them
leave them) plus ``expected.json``, written only by ``pytest --update-goldens`` and reviewed by
a human. Every value is fake: cluster ``acme-prod-eks``, made-up UIDs, example domains, TEST-NET
and private addresses; the "secret values" in RequestResponse bodies are the canary strings of
tests/sources/test_k8s_canary.py.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.synth.k8s import audit_event, human_user, line, micro, sa_user

HERE = Path(__file__).parent
T0 = datetime(2026, 11, 18, 2, 19, 4, 123456, tzinfo=UTC)
API = sa_user("payments", "payments-api", "5a0e0000-0000-4000-8000-0000000000a1", "payments-api-7d9f-x2k4q")
RUNNER = sa_user("ci", "runner", "c1c1c1c1-0000-4000-8000-0000000000c1")
ALICE = human_user("alice@acme.example", ["platform"])
READER = 'RBAC: allowed by RoleBinding "payments-api-secrets/payments" of Role "secret-reader" to ServiceAccount "payments-api/payments"'  # noqa: E501
CANARY = "kt-canary-9f3b2c1d-NOT-A-REAL-SECRET"
B64 = base64.b64encode(CANARY.encode()).decode()


def aid(n: int) -> str:
    return f"a4f2c1d0-1111-4222-8333-{n:012d}"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def write(case: str, name: str, text: str | bytes, options: dict[str, str] | None = None) -> None:
    path = HERE / case / "input" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    if options:
        (HERE / case / "case.json").write_text(json.dumps(options) + "\n", encoding="utf-8")


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(line(r) + "\n" for r in records)


def get(n: int, sec: float, name: str = "payments-db", **kw: Any) -> list[dict[str, Any]]:
    """A get in its two usual stages."""
    common: dict[str, Any] = {"audit_id": aid(n), "verb": "get", "user": API, "received": at(sec),
                              "namespace": "payments", "name": name,
                              "source_ips": ["10.4.3.17"], "user_agent": "payments-api/2.3.1"}
    common.update(kw)
    code = common.pop("code", 200)
    return [audit_event(stage="RequestReceived", code=None, **common),
            audit_event(stage="ResponseComplete", code=code, reason=READER, **common)]


def all_fields() -> None:
    """Every Event field, faked: EKS IAM extras, bound-token credential id, proxies."""
    ev = audit_event(audit_id=aid(1), stage="ResponseComplete", verb="get", received=T0,
                     namespace="payments", name="payments-db", reason=READER,
                     source_ips=["10.4.3.17", "10.20.0.1"], user_agent="payments-api/2.3.1",
                     user={**API, "extra": {**API["extra"],
                           "authentication.kubernetes.io/node-name": ["ip-10-4-3-1.ec2.internal"]}})
    ev["objectRef"]["uid"] = "0b5e0000-0000-4000-8000-00000000db01"
    ev["objectRef"]["resourceVersion"] = "918273"
    ev["annotations"]["pod-security.kubernetes.io/enforce-policy"] = "restricted:latest"
    eks = audit_event(audit_id=aid(2), stage="ResponseComplete", verb="list", received=at(1),
                      namespace="payments", reason='RBAC: allowed by ClusterRoleBinding "ops"',
                      source_ips=["198.51.100.23"],
                      user={"username": "arn:aws:sts::111122223333:assumed-role/ops/alice",
                            "uid": "aws-iam-authenticator:111122223333:AROAEXAMPLEOPS0000001",
                            "groups": ["ops", "system:authenticated"],
                            "extra": {"accessKeyId": ["ASIAEXAMPLEOPS000001"],
                                      "arn": ["arn:aws:sts::111122223333:assumed-role/ops/alice"],
                                      "canonicalArn": ["arn:aws:iam::111122223333:role/ops"],
                                      "principalId": ["AROAEXAMPLEOPS0000001"],
                                      "sessionName": ["alice"]}})
    write("all_fields", "audit.log", jsonl([ev, eks]), {"store": "acme-prod-eks"})


def stages_folded() -> None:
    """Stages of one request become one event; merged counts the folded ones."""
    recs = get(10, 0)  # RequestReceived + ResponseComplete -> 1 event, 1 merged
    watch = dict(audit_id=aid(11), verb="watch", user=sa_user("kube-system", "secret-syncer",
                 "d00d0000-0000-4000-8000-0000000000d1"), received=at(1), namespace=None,
                 source_ips=["10.4.0.2"], user_agent="secret-syncer/v0.4.0")
    recs += [audit_event(stage="RequestReceived", code=None, **watch),
             audit_event(stage="ResponseStarted", reason="RBAC: allowed by ClusterRoleBinding "
                         '"system:controller:secret-syncer"', **watch)]
    recs += get(12, 2)[:1]  # a lone RequestReceived: unknown, value_returned null
    recs.append(audit_event(stage="ResponseStarted", reason="RBAC", **{
        **watch, "audit_id": aid(13), "received": at(3)}))  # watch still open when the log ends
    panic = dict(audit_id=aid(14), verb="get", user=API, received=at(4), namespace="payments",
                 name="stripe-api")
    recs += [audit_event(stage="RequestReceived", code=None, **panic),
             audit_event(stage="Panic", code=500, **panic)]
    # the watch of aid(11) completes 30 minutes later
    recs.append(audit_event(stage="ResponseComplete", elapsed_ms=1_800_000, reason="RBAC", **watch))
    write("stages_folded", "audit.log", jsonl(recs), {"store": "acme-prod-eks"})


def stages_across_files() -> None:
    """A request cut by log rotation: RequestReceived in the rotated file, the rest in the next."""
    first, second = get(20, 0)
    write("stages_across_files", "audit-2026-11-18T02-19-04.123.log", jsonl([*get(21, -1), first]),
          {"store": "acme-prod-eks"})
    write("stages_across_files", "audit.log", jsonl([second, *get(22, 1)]))


def duplicate_deliveries() -> None:
    """At-least-once delivery: the same line twice, a stage repeated, a file copied twice."""
    recs = get(30, 0)
    recs = [recs[0], recs[1], recs[1], *get(31, 1), recs[0]]
    write("duplicate_deliveries", "audit.log", jsonl(recs), {"store": "acme-prod-eks"})
    write("duplicate_deliveries", "copy/audit.log", jsonl(get(31, 1)))


def verbs_and_outcomes() -> None:
    """Every Secret verb; 403 denied, 404/409/500 failure; namespace and cluster-wide lists."""
    u = dict(user=ALICE, source_ips=["198.51.100.23"], user_agent="kubectl/v1.29.2 (darwin/arm64)")
    rows = [
        ("get", "payments", "payments-db", 200), ("list", "payments", None, 200),
        ("watch", "payments", None, 200), ("list", None, None, 403),
        ("create", "payments", "new-token", 201), ("update", "payments", "payments-db", 200),
        ("patch", "payments", "payments-db", 200), ("delete", "payments", "old-token", 200),
        ("deletecollection", "scratch", None, 200), ("get", "payments", "missing", 404),
        ("create", "payments", "payments-db", 409), ("get", "kube-system", "bootstrap", 500),
        ("get", "kube-system", "bootstrap-token-abcdef", 403),
    ]
    recs = [audit_event(audit_id=aid(40 + i), stage="ResponseComplete", verb=v, namespace=ns,
                        name=n, code=c, received=at(i), reason="RBAC: allowed by "
                        'ClusterRoleBinding "platform-admins"', **u)
            for i, (v, ns, n, c) in enumerate(rows)]
    # create at Request level: the name is only in requestObject (which is not stored)
    req = audit_event(audit_id=aid(60), stage="ResponseComplete", verb="create", namespace="web",
                      code=201, received=at(20), level="Request", **u)
    req["requestObject"] = {"kind": "Secret", "apiVersion": "v1",
                            "metadata": {"name": "web-session", "namespace": "web"},
                            "data": {"key": B64}}
    meta = audit_event(audit_id=aid(61), stage="ResponseComplete", verb="create", namespace="web",
                       code=201, received=at(21), **u)  # Metadata level: no name at all
    write("verbs_and_outcomes", "audit.log", jsonl([*recs, req, meta]), {"store": "acme-prod-eks"})


def request_response_bodies() -> None:
    """RequestResponse level: bodies carry Secret data; they are dropped from raw."""
    g = audit_event(audit_id=aid(70), stage="ResponseComplete", verb="get", user=API, received=T0,
                    namespace="payments", name="payments-db", level="RequestResponse",
                    reason=READER)
    g["responseObject"] = {"kind": "Secret", "apiVersion": "v1",
                           "metadata": {"name": "payments-db", "namespace": "payments"},
                           "data": {"password": B64},
                           "type": "Opaque"}
    p = audit_event(audit_id=aid(71), stage="ResponseComplete", verb="patch", user=ALICE,
                    received=at(1), namespace="payments", name="payments-db",
                    level="RequestResponse", source_ips=["198.51.100.23"])
    p["requestObject"] = {"stringData": {"password": CANARY}}
    p["responseObject"] = copy.deepcopy(g["responseObject"])
    write("request_response_bodies", "audit.log", jsonl([g, p]), {"store": "acme-prod-eks"})


def gke_entry(n: int, method: str, resource_name: str, principal: str, when: datetime,
              log: str = "data_access", code: int | None = None,
              decision: str = "allow") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": {"principalEmail": principal},
        "authorizationInfo": [{"granted": decision == "allow", "permission": method,
                               "resource": resource_name}],
        "methodName": method,
        "requestMetadata": {"callerIp": "10.4.7.7", "callerSuppliedUserAgent": "kubectl/v1.29.2"},
        "resourceName": resource_name,
        "serviceName": "k8s.io",
    }
    if code is not None:
        payload["status"] = {"code": code, "message": "PERMISSION_DENIED" if code == 7 else "x"}
    uid = f"0f3a9c2e-2222-4333-8444-{n:012d}"
    return {"insertId": uid,
            "labels": {"authorization.k8s.io/decision": decision,
                       "authorization.k8s.io/reason": "access granted by IAM permissions."
                       if decision == "allow" else ""},
            "logName": f"projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2F{log}",
            "operation": {"first": True, "id": uid, "last": True, "producer": "k8s.io"},
            "protoPayload": payload,
            "receiveTimestamp": micro(when + timedelta(seconds=1)),
            "resource": {"labels": {"cluster_name": "acme-prod-gke", "location": "europe-west1",
                                    "project_id": "acme-prod-1234"}, "type": "k8s_cluster"},
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.") + "123456789Z"}


def gke_logentry() -> None:
    """GKE: Cloud Audit Logs entries of service k8s.io; the cluster comes from the entry."""
    sa = "system:serviceaccount:payments:payments-api"
    recs = [
        gke_entry(1, "io.k8s.core.v1.secrets.get", "core/v1/namespaces/payments/secrets/payments-db",
                  sa, T0),
        gke_entry(2, "io.k8s.core.v1.secrets.list", "core/v1/namespaces/kube-system/secrets",
                  "ci-bot@acme-prod-1234.iam.gserviceaccount.com", at(1), code=7, decision="forbid"),
        gke_entry(3, "io.k8s.core.v1.secrets.create", "core/v1/namespaces/web/secrets/web-tls",
                  "alice@acme.example", at(2), log="activity"),
        gke_entry(4, "io.k8s.core.v1.secrets.list", "core/v1/secrets", "alice@acme.example", at(3)),
        gke_entry(5, "io.k8s.core.v1.configmaps.get", "core/v1/namespaces/web/configmaps/web", sa,
                  at(4)),
    ]
    recs[2]["protoPayload"]["request"] = {"data": {"tls.key": B64}}
    sm = copy.deepcopy(recs[0])
    sm["protoPayload"]["serviceName"] = "secretmanager.googleapis.com"
    sm["insertId"] = "sm-1"
    write("gke_logentry", "data_access.json", jsonl([*recs, sm]), {"store": "ignored-for-gke"})


def aks_record(n: int, event: dict[str, Any], as_string: bool, category: str = "kube-audit") -> dict[str, Any]:
    return {"time": event["stageTimestamp"][:-1] + "0Z",
            "resourceId": "/SUBSCRIPTIONS/00000000-5AB5-4000-8000-000000000001/RESOURCEGROUPS/"
                          "RG-AKS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/ACME-PROD-AKS",
            "category": category,
            "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
            "properties": {"log": json.dumps(event) if as_string else event,
                           "stream": "stdout", "pod": f"kube-apiserver-7b9c8d-{n:05d}",
                           "containerID": f"{n:064x}"}}


def aks_records() -> None:
    """AKS storage blob: {"records": [...]}, properties.log as a JSON string (pretty-printed)."""
    evs = get(80, 0) + get(81, 1, code=403)
    body = [aks_record(i, e, True) for i, e in enumerate(evs)]
    body[0]["properties"]["log"] = json.dumps(evs[0])
    rr = audit_event(audit_id=aid(82), stage="ResponseComplete", verb="get", user=API,
                     received=at(2), namespace="payments", name="stripe-api",
                     level="RequestResponse")
    rr["responseObject"] = {"data": {"key": B64}}
    body.append(aks_record(9, rr, True, "kube-audit-admin"))
    body.append({**aks_record(10, evs[1], True, "kube-apiserver"),
                 "properties": {"log": "I1118 02:19:05 trace.go:236] Trace ...", "stream": "stderr"}})
    write("aks_records", "PT1H.json", json.dumps({"records": body}, indent=2),
          {"store": "ignored-for-aks"})


def aks_log_object() -> None:
    """AKS via a pipeline that parsed properties.log: JSON lines, log as an object."""
    evs = get(90, 0) + get(91, 1)
    write("aks_log_object", "kube-audit.json", jsonl([aks_record(i, e, False) for i, e in enumerate(evs)]))


def other_resources_skipped() -> None:
    """Other resources, other API groups and non-resource URLs: skipped with a reason."""
    u = dict(user=ALICE, received=T0, source_ips=["198.51.100.23"])
    recs = [
        audit_event(audit_id=aid(100), stage="ResponseComplete", verb="get", resource="configmaps",
                    namespace="payments", name="settings", **u),
        audit_event(audit_id=aid(101), stage="ResponseComplete", verb="create", resource="roles",
                    group="rbac.authorization.k8s.io", namespace="payments", name="r", code=201, **u),
        audit_event(audit_id=aid(102), stage="ResponseComplete", verb="get", resource="secrets",
                    group="secrets-store.csi.x-k8s.io", namespace="payments", name="s", **u),
        *get(103, 1),
    ]
    healthz = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
               "auditID": aid(104), "stage": "ResponseComplete", "requestURI": "/healthz",
               "verb": "get", "user": {"username": "system:anonymous"}, "sourceIPs": ["10.4.0.1"],
               "responseStatus": {"metadata": {}, "code": 200},
               "requestReceivedTimestamp": micro(T0), "stageTimestamp": micro(T0)}
    write("other_resources_skipped", "audit.log", jsonl([*recs, healthz]))


def malformed() -> None:
    """Broken records: quarantined with a reason; the rest of the file still counts."""
    good = get(110, 0)
    bad_time = audit_event(audit_id=aid(111), stage="ResponseComplete", verb="get", user=API,
                           received=T0, namespace="payments", name="payments-db",
                           level="RequestResponse")
    bad_time["requestReceivedTimestamp"] = "18/11/2026 02:19"
    bad_time["stageTimestamp"] = "yesterday"
    bad_time["responseObject"] = {"data": {"password": B64}}
    no_id = copy.deepcopy(good[1])
    del no_id["auditID"]
    truncated = line(good[1])[:180]
    cut_body = line({**bad_time, "requestReceivedTimestamp": micro(T0)})
    cut_body = cut_body[: cut_body.index('"responseObject"') + 40]
    event_list = {"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": good}
    lines = [line(good[0]), "E1118 02:19:04.123456 audit.go:42] audit log rotation failed",
             line(bad_time), line(no_id), truncated, cut_body, line(event_list), "[1, 2]",
             line(good[1])]
    write("malformed", "audit.log", "\n".join(lines) + "\n", {"store": "acme-prod-eks"})


def gzip_by_content() -> None:
    """--audit-log-compress rotations (.gz) and a gzip file saved as .log, decompressed one as .gz."""
    write("gzip_by_content", "audit-2026-11-18T01-00-00.000.log.gz",
          gzip.compress(jsonl(get(120, 0)).encode(), mtime=0), {"store": "acme-prod-eks"})
    write("gzip_by_content", "copied-from-node.log", gzip.compress(jsonl(get(121, 1)).encode(), mtime=0))
    write("gzip_by_content", "already-gunzipped.log.gz", jsonl(get(122, 2)))


def timestamps() -> None:
    """MicroTime, nanoseconds, no fraction, offsets, and a missing requestReceivedTimestamp."""
    recs = []
    for i, (rr, st) in enumerate([
        ("2026-11-18T02:19:04.123456Z", "2026-11-18T02:19:04.223456Z"),
        ("2026-11-18T02:19:05.123456789Z", "2026-11-18T02:19:05.2Z"),
        ("2026-11-18T02:19:06Z", "2026-11-18T02:19:06Z"),
        ("2026-11-18T03:19:07.5+01:00", "2026-11-18T03:19:07.6+01:00"),
        (None, "2026-11-18T23:59:59.999999Z"),
    ]):
        ev = audit_event(audit_id=aid(130 + i), stage="ResponseComplete", verb="get", user=API,
                         received=T0, namespace="payments", name="payments-db", reason=READER)
        if rr is None:
            del ev["requestReceivedTimestamp"]
        else:
            ev["requestReceivedTimestamp"] = rr
        ev["stageTimestamp"] = st
        recs.append(ev)
    write("timestamps", "audit.log", jsonl(recs), {"store": "acme-prod-eks"})


def identities() -> None:
    """Impersonation, nodes, anonymous, controllers, empty sourceIPs, OIDC users."""
    base = dict(stage="ResponseComplete", received=T0, namespace="payments", name="payments-db")
    imp = audit_event(audit_id=aid(140), verb="get", user=ALICE, source_ips=["198.51.100.23"],
                      reason=READER, **base)
    imp["impersonatedUser"] = {"username": "system:serviceaccount:payments:payments-api",
                               "groups": ["system:serviceaccounts"]}
    node = audit_event(audit_id=aid(141), verb="get", user={"username": "system:node:ip-10-4-3-1",
                       "groups": ["system:nodes", "system:authenticated"]}, source_ips=[],
                       reason="Node: allowed", **base)
    anon = audit_event(audit_id=aid(142), verb="list", user={"username": "system:anonymous",
                       "groups": ["system:unauthenticated"]}, code=403, source_ips=["203.0.113.77"],
                       **{**base, "namespace": None, "name": None})
    ctrl = audit_event(audit_id=aid(143), verb="watch", stage="ResponseStarted",
                       user=sa_user("kube-system", "generic-garbage-collector",
                                    "6c000000-0000-4000-8000-0000000000c6"),
                       received=T0, namespace=None, source_ips=["10.4.0.2"])
    ipv6 = audit_event(audit_id=aid(144), verb="get", user=human_user("bob@acme.example"),
                       source_ips=["2001:db8::17", "10.4.0.1"], **base)
    del ipv6["userAgent"]
    write("identities", "audit.log", jsonl([imp, node, anon, ctrl, ipv6]),
          {"store": "acme-prod-eks"})


def siem_message_envelope() -> None:
    """SIEM / CloudWatch re-exports: {"message": "<Event as a string>"}; default store."""
    recs = [{"@timestamp": e["stageTimestamp"], "message": line(e),
             "logStreamName": "kube-apiserver-audit-0a1b2c3d"} for e in get(150, 0)]
    write("siem_message_envelope", "export.json", jsonl(recs))


CASES = (all_fields, stages_folded, stages_across_files, duplicate_deliveries,
         verbs_and_outcomes, request_response_bodies, gke_logentry, aks_records, aks_log_object,
         other_resources_skipped, malformed, gzip_by_content, timestamps, identities,
         siem_message_envelope)


def main() -> None:
    for case in CASES:
        shutil.rmtree(HERE / case.__name__ / "input", ignore_errors=True)
        case()
        print("wrote", case.__name__)


if __name__ == "__main__":
    main()
