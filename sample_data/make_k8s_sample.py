"""Writes sample_data/k8s/: one week of Acme Widgets' EKS audit log for Secrets, plus RBAC.

Seeded and deterministic; run it again only when the story changes (the output is committed).
Cluster ``acme-prod-eks`` (ingest with ``--store acme-prod-eks``). Every value is fake: pod and
runner addresses in private ranges, the attacker at TEST-NET 203.0.113.77, example.com users.

The story (all times UTC):
- Normal week 2026-11-13 .. 2026-11-19: ``payments-api`` (namespace payments) gets
  ``payments/payments-db`` and ``payments/stripe-api`` every 45 minutes or so; ``grafana-agent``
  reads its token; the CI runner (namespace ci) gets ``ci/registry-creds`` for jobs in working
  hours from the runner subnet; the namespace controller watches Secrets cluster-wide; alice
  lists Secrets of the platform namespace now and then.
- 2026-11-18 02:17: an anonymous request from 203.0.113.77 to list Secrets is refused.
- 2026-11-18 02:19-02:23: ``system:serviceaccount:ci:runner`` (its token leaked with the CI job
  log the evening before) lists Secrets in all namespaces (``/api/v1/secrets``) from
  203.0.113.77, then gets ``kube-system/bootstrap-token-k3x9pq`` and ``payments/payments-db``:
  the ``ci-runner`` ClusterRole grants ``*`` on secrets, far more than CI needs.
- 2026-11-18 09:52: dave updates ``payments/payments-db`` (rotation after the incident).
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.synth.k8s import audit_event, human_user, line, sa_user

OUT = Path(__file__).with_name("k8s")
START = datetime(2026, 11, 13, tzinfo=UTC)
END = datetime(2026, 11, 20, tzinfo=UTC)
ATTACKER = "203.0.113.77"
API = sa_user(
    "payments", "payments-api", "5a0e1d2c-0000-4000-8000-0000000000a1", "payments-api-7d9f-x2k4q"
)
GRAFANA = sa_user(
    "monitoring", "grafana-agent", "9a1f0000-0000-4000-8000-0000000000b2", "grafana-agent-0"
)
RUNNER = sa_user("ci", "runner", "c1c1c1c1-0000-4000-8000-0000000000c1")
CONTROLLER = sa_user("kube-system", "namespace-controller", "6c000000-0000-4000-8000-0000000000c6")
ALICE = human_user("alice@acme.example", ["platform-admins"])
DAVE = human_user("dave@acme.example", ["dba"])
PAYMENTS_REASON = (
    'RBAC: allowed by RoleBinding "payments-api-secrets/payments" of Role '
    '"payments-api-secrets" to ServiceAccount "payments-api/payments"'
)
RUNNER_REASON = 'RBAC: allowed by ClusterRoleBinding "ci-runner" of ClusterRole "ci-runner" to ServiceAccount "runner/ci"'  # noqa: E501
ADMIN_REASON = 'RBAC: allowed by ClusterRoleBinding "platform-admins" of ClusterRole "cluster-admin" to Group "platform-admins"'  # noqa: E501
RUNNER_UA = "gitlab-runner 16.5.0 (16-5-stable; go1.20.10; linux/amd64)"
ATTACKER_UA = "kubectl/v1.28.4 (linux/amd64) kubernetes/bae2c62"


class Log:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.records: list[dict[str, Any]] = []

    def request(self, when: datetime, *, two_stages: bool = True, **kw: Any) -> None:
        aid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        kw.setdefault("elapsed_ms", round(self.rng.uniform(1.5, 9.0), 3))
        stage = "ResponseStarted" if kw["verb"] == "watch" else "ResponseComplete"
        if two_stages:
            first = {k: v for k, v in kw.items() if k not in ("code", "reason")}
            self.records.append(
                audit_event(
                    audit_id=aid, stage="RequestReceived", code=None, received=when, **first
                )
            )
        self.records.append(audit_event(audit_id=aid, stage=stage, received=when, **kw))


def jitter(rng: random.Random, t: datetime, seconds: float) -> datetime:
    return t + timedelta(seconds=rng.uniform(0, seconds), microseconds=rng.randint(0, 999_999))


def normal_week(log: Log, rng: random.Random) -> None:
    t = START
    while t < END:  # payments-api: both of its secrets every ~45 minutes
        ip = f"10.4.3.{rng.choice((17, 18, 41))}"
        for name in ("payments-db", "stripe-api"):
            log.request(
                jitter(rng, t, 20),
                verb="get",
                user=API,
                namespace="payments",
                name=name,
                source_ips=[ip],
                user_agent="payments-api/2.3.1",
                reason=PAYMENTS_REASON,
            )
        t += timedelta(minutes=rng.randint(38, 52))
    t = START + timedelta(minutes=7)
    while t < END:  # grafana-agent: its token every ~3 hours
        log.request(
            jitter(rng, t, 60),
            verb="get",
            user=GRAFANA,
            namespace="monitoring",
            name="grafana-agent-token",
            source_ips=["10.4.8.9"],
            user_agent="grafana-agent/v0.39.1",
            reason="RBAC: allowed by RoleBinding",
        )
        t += timedelta(hours=3)
    for day in range(7):
        base = START + timedelta(days=day)
        log.request(
            base + timedelta(hours=0, minutes=1),
            verb="watch",
            user=CONTROLLER,
            namespace=None,
            source_ips=["10.4.0.2"],
            two_stages=False,
            user_agent="kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819",
            reason='RBAC: allowed by ClusterRoleBinding "system:controller:namespace-controller"',
        )
        if base.weekday() < 5:
            for _ in range(rng.randint(6, 10)):  # CI jobs in working hours
                when = base + timedelta(hours=rng.uniform(8, 18))
                log.request(
                    when,
                    verb="get",
                    user=RUNNER,
                    namespace="ci",
                    name="registry-creds",
                    source_ips=[f"10.20.0.{rng.randint(10, 40)}"],
                    user_agent=RUNNER_UA,
                    reason=RUNNER_REASON,
                )
            if rng.random() < 0.6:
                log.request(
                    base + timedelta(hours=rng.uniform(9, 17)),
                    verb="list",
                    user=ALICE,
                    namespace="platform",
                    source_ips=["198.51.100.23"],
                    user_agent="kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819",
                    reason=ADMIN_REASON,
                )


def incident(log: Log) -> None:
    night = datetime(2026, 11, 18, 2, 17, 31, 482113, tzinfo=UTC)
    log.request(
        night,
        verb="list",
        user={"username": "system:anonymous", "groups": ["system:unauthenticated"]},
        namespace=None,
        code=403,
        source_ips=[ATTACKER],
        user_agent=ATTACKER_UA,
        two_stages=False,
    )
    steps = [
        (timedelta(minutes=1, seconds=33), "list", None, None),
        (timedelta(minutes=2, seconds=10), "get", "kube-system", "bootstrap-token-k3x9pq"),
        (timedelta(minutes=3, seconds=2), "get", "kube-system", "aws-load-balancer-tls"),
        (timedelta(minutes=5, seconds=47), "get", "payments", "payments-db"),
    ]
    for delta, verb, ns, name in steps:
        log.request(
            night + delta,
            verb=verb,
            user=RUNNER,
            namespace=ns,
            name=name,
            source_ips=[ATTACKER],
            user_agent=ATTACKER_UA,
            reason=RUNNER_REASON,
            elapsed_ms=41.7 if verb == "list" else 6.2,
        )
    log.request(
        datetime(2026, 11, 18, 9, 52, 8, 118734, tzinfo=UTC),
        verb="update",
        user=DAVE,
        namespace="payments",
        name="payments-db",
        source_ips=["198.51.100.23"],
        user_agent="kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
        reason=ADMIN_REASON,
    )


def rbac() -> dict[str, Any]:
    group = "rbac.authorization.k8s.io"
    core = {"apiGroups": [""]}

    def obj(kind: str, name: str, ns: str | None = None, **body: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "name": name,
            "creationTimestamp": "2026-02-10T09:00:00Z",
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{ns}/{name}")),
        }
        if ns:
            meta["namespace"] = ns
        return {"apiVersion": f"{group}/v1", "kind": kind, "metadata": meta, **body}

    def ref(kind: str, name: str) -> dict[str, str]:
        return {"apiGroup": group, "kind": kind, "name": name}

    items = [
        obj(
            "ClusterRole",
            "ci-runner",
            rules=[
                {**core, "resources": ["secrets"], "verbs": ["*"]},
                {
                    **core,
                    "resources": ["pods", "pods/exec", "pods/log"],
                    "verbs": ["get", "list", "create"],
                },
            ],
        ),
        obj(
            "ClusterRoleBinding",
            "ci-runner",
            roleRef=ref("ClusterRole", "ci-runner"),
            subjects=[{"kind": "ServiceAccount", "name": "runner", "namespace": "ci"}],
        ),
        obj(
            "Role",
            "payments-api-secrets",
            "payments",
            rules=[
                {
                    **core,
                    "resources": ["secrets"],
                    "verbs": ["get"],
                    "resourceNames": ["payments-db", "stripe-api"],
                }
            ],
        ),
        obj(
            "RoleBinding",
            "payments-api-secrets",
            "payments",
            roleRef=ref("Role", "payments-api-secrets"),
            subjects=[{"kind": "ServiceAccount", "name": "payments-api", "namespace": "payments"}],
        ),
        obj(
            "Role",
            "grafana-agent",
            "monitoring",
            rules=[
                {
                    **core,
                    "resources": ["secrets"],
                    "verbs": ["get"],
                    "resourceNames": ["grafana-agent-token"],
                }
            ],
        ),
        obj(
            "RoleBinding",
            "grafana-agent",
            "monitoring",
            roleRef=ref("Role", "grafana-agent"),
            subjects=[
                {"kind": "ServiceAccount", "name": "grafana-agent", "namespace": "monitoring"}
            ],
        ),
        obj(
            "ClusterRole",
            "cluster-admin",
            rules=[{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
        ),
        obj(
            "ClusterRoleBinding",
            "platform-admins",
            roleRef=ref("ClusterRole", "cluster-admin"),
            subjects=[{"apiGroup": group, "kind": "Group", "name": "platform-admins"}],
        ),
        obj(
            "RoleBinding",
            "dba-payments",
            "payments",
            roleRef=ref("ClusterRole", "edit"),
            subjects=[{"apiGroup": group, "kind": "User", "name": "dave@acme.example"}],
        ),
        obj(
            "ClusterRole",
            "edit",
            rules=[
                {
                    **core,
                    "resources": ["secrets", "configmaps"],
                    "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
                }
            ],
        ),
    ]
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def main() -> None:
    rng = random.Random(20261118)
    log = Log(rng)
    normal_week(log, rng)
    incident(log)
    log.records.sort(key=lambda r: (r["stageTimestamp"], r["stage"] != "RequestReceived"))
    (OUT / "audit").mkdir(parents=True, exist_ok=True)
    cut = "2026-11-16T00:00:00"
    old = [r for r in log.records if r["stageTimestamp"] < cut]
    new = [r for r in log.records if r["stageTimestamp"] >= cut]
    text_old = "".join(line(r) + "\n" for r in old)
    (OUT / "audit" / "audit-2026-11-16T00-00-00.000.log.gz").write_bytes(
        gzip.compress(text_old.encode(), mtime=0)
    )
    (OUT / "audit" / "audit.log").write_text("".join(line(r) + "\n" for r in new), encoding="utf-8")
    (OUT / "rbac").mkdir(parents=True, exist_ok=True)
    (OUT / "rbac" / "rbac.json").write_text(json.dumps(rbac(), indent=4) + "\n", encoding="utf-8")
    print(f"wrote {len(log.records)} audit records to {OUT}")


if __name__ == "__main__":
    main()
