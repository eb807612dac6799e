"""Writes sample_data/vault/audit/: one week of Acme Widgets' Vault audit log, with an incident.

Seeded and deterministic; run it again only when the story changes (the output is committed).
Identities, policies and secrets match sample_data/vault/snapshots/README.md. Every value is fake:
TEST-NET addresses, example domains, made-up UUIDs and HMACs.

The story (all times UTC):
- Normal week 2026-11-13 .. 2026-11-20: payments-api reads payments/db and payments/stripe and
  takes dynamic database credentials; grafana-agent reads platform/grafana; ci-runner (AppRole)
  runs pipelines in working hours from the runner subnet; people log in through OIDC and read
  what their teams own.
- 2026-11-17 08:55: erin, who left in August, tries to log in (denied: entity disabled).
- 2026-11-18 02:13-02:31: the ci-runner token issued at 17:42 the day before (its accessor leaked
  in a CI job log) is used from 203.0.113.77, an address never seen before: it lists the KV
  mount and reads secrets far outside CI (payments, web, legacy), which the over-scoped
  ci-deploy policy allows; its attempts to edit a policy and take database credentials are denied.
- 2026-11-18 09:40-10:05: carol (security) reviews metadata; dave rotates payments/db and the
  database role; bob revokes the leaked token by accessor.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "vault" / "audit"
RNG = random.Random(2026)


# The audit device's HMAC key and the token that leaks into a CI job log (both fake). Vault writes
# hmac-sha256:<hex HMAC-SHA256(key, token)>, so keytrail can find the token's events when given
# the key: keytrail ingest ... --vault-hmac-key acme-demo-audit-hmac-key (what `make demo` does).
AUDIT_HMAC_KEY = "acme-demo-audit-hmac-key"
LEAKED_TOKEN = "hvs.CAESIKtrailDemoFakeTokenDoNotUse0000000000000000GiAKHGh2cy5kZW1vRmFrZQ"


def audit_hmac(value: str) -> str:
    digest = hmac.new(AUDIT_HMAC_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return "hmac-sha256:" + digest


def hm(*parts: str) -> str:
    return "hmac-sha256:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _stable(text: str) -> int:
    """A hash that does not change between runs (str hash is salted per process)."""
    return int(hashlib.md5(text.encode()).hexdigest()[:4], 16)


def rid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def ts(t: datetime) -> str:
    text = t.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


PEOPLE = {
    "alice": ("ac3e0000-0000-4000-8000-000000000001", ["default"], ["payments-read"]),
    "bob": ("ac3e0000-0000-4000-8000-000000000002", ["default"], ["platform-ops", "grafana-read"]),
    "carol": ("ac3e0000-0000-4000-8000-000000000003", ["default"], ["security-audit"]),
    "dave": (
        "ac3e0000-0000-4000-8000-000000000004",
        ["default"],
        ["payments-admin", "payments-read"],
    ),
}
SERVICES = {
    "payments-api": (
        "ac3e0000-0000-4000-8000-000000000006",
        "kubernetes",
        "auth/kubernetes/",
        ["default", "payments-read"],
        "kubernetes-payments-payments-api",
    ),
    "ci-runner": (
        "ac3e0000-0000-4000-8000-000000000007",
        "approle",
        "auth/approle/",
        ["ci-deploy", "default"],
        "approle",
    ),
    "grafana-agent": (
        "ac3e0000-0000-4000-8000-000000000008",
        "kubernetes",
        "auth/kubernetes/",
        ["default"],
        "kubernetes-monitoring-grafana-agent",
    ),
}
OFFICE = [f"198.51.100.{i}" for i in (10, 11, 23, 42)]
PODS = [f"10.4.{a}.{b}" for a in (2, 3) for b in (17, 31, 88)]
RUNNERS = [f"10.20.0.{b}" for b in (5, 6, 7)]
ATTACKER = "203.0.113.77"


class Token:
    def __init__(
        self,
        who: str,
        entity: str,
        display: str,
        token_policies: list[str],
        identity_policies: list[str] | None,
        issued: datetime,
        meta: dict[str, str],
    ):
        n = rid()
        self.who = who
        self.accessor = hm("accessor", n)
        self.client_token = hm("token", n)
        self.entity = entity
        self.display = display
        self.token_policies = token_policies
        self.identity_policies = identity_policies
        self.issued = issued
        self.meta = meta

    def auth(self) -> dict[str, Any]:
        policies = sorted(set(self.token_policies + (self.identity_policies or [])))
        a: dict[str, Any] = {
            "accessor": self.accessor,
            "client_token": self.client_token,
            "display_name": self.display,
            "entity_id": self.entity,
            "metadata": self.meta,
            "policies": policies,
            "token_policies": self.token_policies,
        }
        if self.identity_policies is not None:
            a["identity_policies"] = self.identity_policies
        a["policy_results"] = {
            "allowed": True,
            "granting_policies": [
                {"name": p, "namespace_id": "root", "type": "acl"}
                for p in policies
                if p != "default"
            ],
        }
        a["token_type"] = "service"
        a["token_ttl"] = 2764800 if self.who in SERVICES else 28800
        a["token_issue_time"] = self.issued.strftime("%Y-%m-%dT%H:%M:%SZ")
        return a


ENTRIES: list[tuple[datetime, dict[str, Any]]] = []


def emit(
    t: datetime,
    auth: dict[str, Any],
    op: str,
    path: str,
    mount: str,
    mtype: str,
    ip: str,
    resp: dict[str, Any] | None = None,
    error: str | None = None,
    resp_auth: dict[str, Any] | None = None,
) -> None:
    req = {
        "id": rid(),
        "operation": op,
        "mount_type": mtype,
        "mount_accessor": f"{mtype}_ac3e00{_stable(mtype) % 90 + 10}",
        "mount_point": mount,
        "mount_class": "auth" if mount.startswith("auth/") else "secret",
        "mount_running_version": "v1.17.3+builtin.vault",
        "namespace": {"id": "root"},
        "path": path,
        "remote_address": ip,
        "remote_port": RNG.randint(30000, 65000),
    }
    if auth.get("client_token"):
        req["client_token"] = auth["client_token"]
        req["client_token_accessor"] = auth["accessor"]
    request_entry: dict[str, Any] = {"time": ts(t), "type": "request", "auth": auth, "request": req}
    if error == "permission denied":
        request_entry["error"] = error
    ENTRIES.append((t, request_entry))
    done = t + timedelta(microseconds=RNG.randint(800, 25000))
    response: dict[str, Any] = {
        "mount_type": mtype,
        "mount_accessor": req["mount_accessor"],
        "mount_point": mount,
        "mount_running_plugin_version": "v1.17.3+builtin.vault",
    }
    response.update(resp or {})
    if resp_auth:
        response["auth"] = resp_auth
    entry: dict[str, Any] = {
        "time": ts(done),
        "type": "response",
        "auth": auth,
        "request": req,
        "response": response,
    }
    if error:
        entry["error"] = f"1 error occurred:\n\t* {error}\n\n"
    ENTRIES.append((done, entry))


def kv_read(t: datetime, tok: Token, secret: str, version: int, ip: str) -> None:
    emit(
        t,
        tok.auth(),
        "read",
        f"secret/data/{secret}",
        "secret/",
        "kv",
        ip,
        {
            "data": {
                "data": {"value": hm("v", secret)},
                "metadata": {
                    "created_time": hm("ct", secret),
                    "custom_metadata": None,
                    "deletion_time": "",
                    "destroyed": False,
                    "version": version,
                },
            }
        },
    )


def login(t: datetime, who: str, ip: str, token: str | None = None) -> Token:
    if who in PEOPLE:
        entity, tp, ip_pols = PEOPLE[who]
        tok = Token(
            who,
            entity,
            f"oidc-{who}@acme.example",
            tp,
            ip_pols,
            t,
            {"role": "acme-sso", "username": f"{who}@acme.example"},
        )
        path, mount, mtype = "auth/oidc/oidc/callback", "auth/oidc/", "oidc"
    else:
        entity, mtype, mount, tp, display = SERVICES[who]
        meta = (
            {"role_name": "ci"}
            if mtype == "approle"
            else {
                "role": who,
                "service_account_name": who.split("-", maxsplit=1)[0]
                if who != "grafana-agent"
                else "grafana-agent",
                "service_account_namespace": "payments" if who == "payments-api" else "monitoring",
            }
        )
        tok = Token(who, entity, display, tp, None, t, meta)
        path = f"{mount}login"
    if token is not None:  # a token whose clear value the story needs (it leaks)
        tok.client_token = audit_hmac(token)
    pre = {"policy_results": {"allowed": True}, "token_type": "default"}
    emit(
        t,
        pre,
        "update",
        path,
        mount,
        mtype,
        ip,
        resp_auth={
            "client_token": tok.client_token,
            "accessor": tok.accessor,
            "display_name": tok.display,
            "policies": sorted(set(tok.token_policies + (tok.identity_policies or []))),
            "token_policies": tok.token_policies,
            "metadata": tok.meta,
            "entity_id": tok.entity,
            "token_type": "service",
        },
    )
    return tok


def week() -> None:
    start = datetime(2026, 11, 13, tzinfo=UTC)
    for day in range(7):
        d = start + timedelta(days=day)
        weekday = d.weekday() < 5
        # payments-api: a fresh token every 4 h, reads every ~15 min, DB creds every 6 h.
        for h in range(0, 24, 4):
            tok = login(
                d + timedelta(hours=h, seconds=RNG.randint(0, 60)), "payments-api", RNG.choice(PODS)
            )
            for q in range(16):
                t = d + timedelta(hours=h, minutes=15 * q, seconds=RNG.randint(1, 50))
                kv_read(t, tok, "payments/db", 4, RNG.choice(PODS))
                if q % 2 == 0:
                    kv_read(t + timedelta(seconds=2), tok, "payments/stripe", 2, RNG.choice(PODS))
            lease = (
                "database/creds/payments-ro/" + hashlib.sha1(tok.accessor.encode()).hexdigest()[:24]
            )
            emit(
                d + timedelta(hours=h, minutes=1),
                tok.auth(),
                "read",
                "database/creds/payments-ro",
                "database/",
                "database",
                RNG.choice(PODS),
                {
                    "secret": {"lease_id": lease},
                    "data": {"username": hm("u", lease), "password": hm("p", lease)},
                },
            )
        # grafana-agent: every 30 minutes.
        tok = login(d + timedelta(minutes=3), "grafana-agent", "10.4.5.9")
        for q in range(48):
            kv_read(d + timedelta(minutes=30 * q + 7), tok, "platform/grafana", 2, "10.4.5.9")
        if not weekday:
            continue
        # CI pipelines in working hours.
        for run in range(RNG.randint(5, 9)):
            t = d + timedelta(hours=RNG.randint(8, 17), minutes=RNG.randint(0, 59))
            ip = RNG.choice(RUNNERS)
            tok = login(t, "ci-runner", ip)
            kv_read(t + timedelta(seconds=4), tok, "ci/deploy-key", 2, ip)
            kv_read(t + timedelta(seconds=5), tok, "ci/registry-token", 1, ip)
            if run == 0:
                CI_TOKENS.append(tok)
        # People.
        for who, reads in (
            ("alice", ["payments/db", "payments/webhook-signing"]),
            ("bob", ["platform/grafana", "platform/pagerduty"]),
            ("dave", ["payments/stripe"]),
        ):
            t = d + timedelta(hours=RNG.randint(8, 10), minutes=RNG.randint(0, 59))
            ip = RNG.choice(OFFICE)
            tok = login(t, who, ip)
            for i, s in enumerate(reads):
                kv_read(t + timedelta(minutes=5 + 20 * i), tok, s, 2, ip)
            emit(
                t + timedelta(minutes=2),
                tok.auth(),
                "list",
                "secret/metadata/",
                "secret/",
                "kv",
                ip,
                {"data": {"keys": [hm("k", who, str(i)) for i in range(4)]}},
            )


CI_TOKENS: list[Token] = []


def incident() -> None:
    # The leaked token: issued to ci-runner on 2026-11-17 at 17:42 from a runner.
    issued = datetime(2026, 11, 17, 17, 42, 5, tzinfo=UTC)
    tok = login(issued, "ci-runner", RUNNERS[1], token=LEAKED_TOKEN)
    kv_read(issued + timedelta(seconds=3), tok, "ci/deploy-key", 2, RUNNERS[1])
    t = datetime(2026, 11, 18, 2, 13, 41, tzinfo=UTC)
    a = tok.auth()
    emit(
        t,
        a,
        "list",
        "secret/metadata/",
        "secret/",
        "kv",
        ATTACKER,
        {"data": {"keys": [hm("k", str(i)) for i in range(6)]}},
    )
    emit(
        t + timedelta(seconds=9),
        a,
        "list",
        "secret/metadata/payments/",
        "secret/",
        "kv",
        ATTACKER,
        {"data": {"keys": [hm("k", "p", str(i)) for i in range(3)]}},
    )
    step = 20
    for i, (s, v) in enumerate(
        [
            ("payments/db", 4),
            ("payments/stripe", 2),
            ("payments/webhook-signing", 1),
            ("platform/pagerduty", 1),
            ("web/session-secret", 1),
            ("legacy/ftp-password", 3),
            ("platform/tls/wildcard-acme-example", 1),
        ]
    ):
        kv_read(t + timedelta(seconds=30 + step * i), tok, s, v, ATTACKER)
    denied = {"policy_results": {"allowed": False}, "token_type": "default"}
    emit(
        t + timedelta(minutes=6),
        denied,
        "update",
        "sys/policies/acl/ci-deploy",
        "sys/",
        "system",
        ATTACKER,
        error="permission denied",
    )
    emit(
        t + timedelta(minutes=7),
        denied,
        "read",
        "database/creds/payments-ro",
        "database/",
        "database",
        ATTACKER,
        error="permission denied",
    )
    emit(
        t + timedelta(minutes=17),
        a,
        "read",
        "auth/token/lookup-self",
        "auth/token/",
        "token",
        ATTACKER,
        {"data": {"accessor": tok.accessor, "policies": ["ci-deploy", "default"]}},
    )
    # Departed employee tries to come back.
    emit(
        datetime(2026, 11, 17, 8, 55, 12, tzinfo=UTC),
        {},
        "update",
        "auth/oidc/oidc/callback",
        "auth/oidc/",
        "oidc",
        "192.0.2.200",
        error="entity is disabled",
    )
    # Response in the morning.
    m = datetime(2026, 11, 18, 9, 40, 0, tzinfo=UTC)
    carol = login(m, "carol", OFFICE[2])
    for i, s in enumerate(["payments/db", "payments/stripe", "web/session-secret"]):
        emit(
            m + timedelta(minutes=1 + i),
            carol.auth(),
            "read",
            f"secret/metadata/{s}",
            "secret/",
            "kv",
            OFFICE[2],
            {"data": {"current_version": 4}},
        )
    emit(
        m + timedelta(minutes=5),
        carol.auth(),
        "read",
        "secret/data/payments/db",
        "secret/",
        "kv",
        OFFICE[2],
        error="permission denied",
    )
    dave = login(m + timedelta(minutes=10), "dave", OFFICE[0])
    emit(
        m + timedelta(minutes=14),
        dave.auth(),
        "update",
        "secret/data/payments/db",
        "secret/",
        "kv",
        OFFICE[0],
        {"data": {"version": 5, "created_time": hm("ct5")}},
    )
    emit(
        m + timedelta(minutes=16),
        dave.auth(),
        "update",
        "database/rotate-role/payments-ro",
        "database/",
        "database",
        OFFICE[0],
    )
    bob = login(m + timedelta(minutes=20), "bob", OFFICE[1])
    emit(
        m + timedelta(minutes=22),
        bob.auth(),
        "update",
        "auth/token/revoke-accessor",
        "auth/token/",
        "token",
        OFFICE[1],
        resp={},
    )


def write() -> None:
    ENTRIES.sort(key=lambda e: e[0])
    lines = [json.dumps(e, separators=(",", ":")) for _, e in ENTRIES]
    cut = next(i for i, (t, _) in enumerate(ENTRIES) if t >= datetime(2026, 11, 17, tzinfo=UTC))
    # A server log line, and one entry delivered twice by a flaky log shipper.
    server = (
        '2026-11-16T06:00:00.118Z [INFO]  core: successful mount: namespace="" '
        'path=transit/ type=transit version="v1.17.3+builtin.vault"'
    )
    older = lines[:cut]
    older.insert(len(older) // 2, server)
    newer = lines[cut:]
    newer.insert(100, newer[99])
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("vault_audit.log*"):
        old.unlink()
    (OUT / "vault_audit.log.1.gz").write_bytes(
        gzip.compress(("\n".join(older) + "\n").encode(), mtime=0)
    )
    (OUT / "vault_audit.log").write_text("\n".join(newer) + "\n", encoding="utf-8")


if __name__ == "__main__":
    week()
    incident()
    write()
