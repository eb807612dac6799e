"""Kubernetes API server audit Events (``audit.k8s.io/v1``) as the log backend writes them.

``audit_event(...)`` builds one Event in the field order of a real ``audit.log`` line; the golden
cases (ingest/sources/k8s/cases/make_cases.py), the sample story (sample_data/make_k8s_sample.py)
and ``generate_k8s`` all use it. ``generate_k8s(out_dir, events=N, seed=7)`` writes a seeded,
realistic stream for benchmarks: a rotated, partly gzip'd ``audit.log`` of ``N`` records in which
controllers watch Secrets cluster-wide, workloads get their own Secrets, people list and edit,
most requests have two stages (RequestReceived + ResponseComplete), and other resources (pods,
configmaps, leases) make up most of the volume, as on a real cluster. Same arguments => same
bytes. Every value is fake (TEST-NET / private addresses, example.com users, made-up UIDs).
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RFC3339_US = "%Y-%m-%dT%H:%M:%S.%fZ"
KUBECTL_UA = "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"
SA_GROUPS = ["system:serviceaccounts", "system:authenticated"]

_CODE_REASON = {403: "Forbidden", 404: "NotFound", 409: "AlreadyExists", 500: "InternalError"}


def micro(when: datetime) -> str:
    """The API server's MicroTime: RFC 3339, six fractional digits, ``Z``."""
    return when.astimezone(UTC).strftime(RFC3339_US)


def sa_user(namespace: str, name: str, uid: str, pod: str | None = None) -> dict[str, Any]:
    """``user`` of a service-account token (bound tokens carry the pod and a credential id)."""
    user: dict[str, Any] = {
        "username": f"system:serviceaccount:{namespace}:{name}",
        "uid": uid,
        "groups": [SA_GROUPS[0], f"system:serviceaccounts:{namespace}", SA_GROUPS[1]],
    }
    if pod:
        user["extra"] = {
            "authentication.kubernetes.io/credential-id": [f"JTI={uid[:8]}-{pod[-5:]}"],
            "authentication.kubernetes.io/pod-name": [pod],
            "authentication.kubernetes.io/pod-uid": [str(uuid.uuid5(uuid.NAMESPACE_URL, pod))],
        }
    return user


def human_user(name: str, groups: list[str] | None = None) -> dict[str, Any]:
    return {"username": name, "groups": [*(groups or []), "system:authenticated"]}


def _uri(verb: str, resource: str, namespace: str | None, name: str | None, group: str) -> str:
    base = "/api/v1" if not group else f"/apis/{group}/v1"
    path = f"{base}/namespaces/{namespace}/{resource}" if namespace else f"{base}/{resource}"
    if name and verb not in ("list", "watch", "create", "deletecollection"):
        path += f"/{name}"
    if verb == "watch":
        path += "?allowWatchBookmarks=true&watch=true"
    elif verb == "list":
        path += "?limit=500"
    return path


def audit_event(
    *,
    audit_id: str,
    stage: str,
    verb: str,
    user: dict[str, Any],
    received: datetime,
    namespace: str | None,
    name: str | None = None,
    resource: str = "secrets",
    group: str = "",
    code: int | None = 200,
    source_ips: list[str] | None = None,
    user_agent: str = KUBECTL_UA,
    level: str = "Metadata",
    elapsed_ms: float = 4.0,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One Event line. ``code`` None: no responseStatus (RequestReceived). ``reason``: the
    authorization reason annotation (RBAC: allowed by ...); a 403 gets a forbid decision."""
    object_ref: dict[str, Any] = {"resource": resource}
    if namespace:
        object_ref["namespace"] = namespace
    if name and verb not in ("list", "watch", "create", "deletecollection"):
        object_ref["name"] = name
    if group:
        object_ref["apiGroup"] = group
    object_ref["apiVersion"] = "v1"
    ev: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": level,
        "auditID": audit_id,
        "stage": stage,
        "requestURI": _uri(verb, resource, namespace, name, group),
        "verb": verb,
        "user": user,
        "sourceIPs": source_ips if source_ips is not None else ["10.4.0.10"],
        "userAgent": user_agent,
        "objectRef": object_ref,
    }
    if code is not None:
        status: dict[str, Any] = {"metadata": {}, "code": code}
        if code >= 400:
            what = f'{resource} "{name}"' if name else resource
            status.update(status="Failure", reason=_CODE_REASON.get(code, "BadRequest"))
            if code == 403:
                status["message"] = (
                    f'{what} is forbidden: User "{user.get("username")}" cannot {verb} '
                    f'resource "{resource}" in API group "{group}"'
                    + (f' in the namespace "{namespace}"' if namespace else " at the cluster scope")
                )
            else:
                status["message"] = f"{what} {status['reason']}"
        ev["responseStatus"] = status
    ev["requestReceivedTimestamp"] = micro(received)
    done = received if stage == "RequestReceived" else received + timedelta(milliseconds=elapsed_ms)
    ev["stageTimestamp"] = micro(done)
    if stage != "RequestReceived" and code is not None:
        decision = "forbid" if code == 403 else "allow"
        notes = {"authorization.k8s.io/decision": decision}
        # A forbid carries an empty reason (no rule allowed it).
        notes["authorization.k8s.io/reason"] = "" if code == 403 else (reason or "")
        ev["annotations"] = notes
    if extra:
        ev.update(extra)
    return ev


def line(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"))


# --- benchmark generator ------------------------------------------------------------------------
_NAMESPACES = ("payments", "web", "ci", "monitoring", "kube-system", "data", "search", "auth")
_OTHER = ("pods", "configmaps", "leases", "events", "endpoints", "deployments")


def _stream(rng: random.Random, n: int, start: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    t = start
    workloads = [(ns, f"{ns}-app{i}") for ns in _NAMESPACES for i in range(3)]
    while len(out) < n:
        t += timedelta(microseconds=rng.randint(2_000, 400_000))
        aid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        roll = rng.random()
        home, app = rng.choice(workloads)
        ns: str | None = home
        user = sa_user(
            home, app, str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"{app}-7d9f"
        )
        name: str | None = f"{app}-creds"
        verb, resource, code = "get", "secrets", 200
        if roll < 0.55:
            resource = rng.choice(_OTHER)
            verb = rng.choice(("get", "list", "watch", "update", "patch"))
        elif roll < 0.62:
            user = sa_user(
                "kube-system", "namespace-controller", "9c0ffee0-0000-4000-8000-00000000c0de"
            )
            verb, ns, name = rng.choice(("list", "watch")), None, None
        elif roll < 0.66:
            user = human_user(rng.choice(("alice", "bob", "carol", "dave")) + "@acme.example")
            verb = rng.choice(("list", "get", "patch", "create", "delete"))
            name = None if verb == "list" else name
        if rng.random() < 0.02:
            code = rng.choice((403, 403, 404, 409))
        ips = [f"10.4.{rng.randint(0, 255)}.{rng.randint(1, 254)}"]
        two = verb != "watch" and rng.random() < 0.8
        if two:
            out.append(
                audit_event(
                    audit_id=aid,
                    stage="RequestReceived",
                    verb=verb,
                    user=user,
                    received=t,
                    namespace=ns,
                    name=name,
                    resource=resource,
                    code=None,
                    source_ips=ips,
                )
            )
        stage = "ResponseStarted" if verb == "watch" else "ResponseComplete"
        out.append(
            audit_event(
                audit_id=aid,
                stage=stage,
                verb=verb,
                user=user,
                received=t,
                namespace=ns,
                name=name,
                resource=resource,
                code=code,
                source_ips=ips,
                reason="RBAC: allowed by ClusterRoleBinding",
            )
        )
        if rng.random() < 0.003:
            out.append(out[-1])  # an at-least-once re-delivery
    return out[:n]


def generate_k8s(out_dir: Path, events: int, seed: int = 7) -> list[Path]:
    """Write ``events`` records as ``audit-<time>.log[.gz]`` rotations plus ``audit.log``."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = _stream(rng, events, datetime(2026, 11, 13, tzinfo=UTC))
    per_file = max(1, -(-len(records) // 4))
    paths: list[Path] = []
    for k in range(0, len(records), per_file):
        chunk = records[k : k + per_file]
        text = "\n".join(line(r) for r in chunk) + "\n"
        last = k + per_file >= len(records)
        stamp = chunk[-1]["stageTimestamp"][:23].replace(":", "-")
        name = "audit.log" if last else f"audit-{stamp}.log"
        path = out_dir / name
        if not last and (k // per_file) % 2 == 0:
            path = path.with_name(name + ".gz")
            path.write_bytes(gzip.compress(text.encode(), mtime=0))
        else:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
