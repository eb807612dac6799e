"""Seeded, realistic Google Cloud audit-log sink output for Secret Manager (FORMATS.md §3).

``generate_gcp(out_dir, events=N, seed=7)`` writes exactly ``N`` LogEntries as a Cloud Storage
sink leaves them: newline-delimited JSON under ``cloudaudit.googleapis.com/<log>/YYYY/MM/DD/``,
one object per log per day (``00:00:00_23:59:59_S0.json``), every other day's objects gzip
(``.json.gz``). Returns the files in time order. Same arguments => same bytes.

What the stream models (rates approximate):

* two projects (``acme-prod-1234`` / 123456789012 and ``acme-data-5678`` / 987654321098);
  Zipf secret popularity; each service account reads mostly its own working set.
* service accounts (some with a user-managed key, some Google service agents), people at
  working hours in four time zones (weekdays), a nightly batch spike at 02:00 UTC, GitHub
  Actions through Workload Identity Federation, people impersonating a deployer account.
* ``AccessSecretVersion`` dominates (``versions/latest`` mostly, project id or number in
  ``resourceName``); people list, describe, add versions, change IAM, disable/destroy/delete.
* ~2% denials (``status.code`` 7, ``granted`` omitted), ~0.5% other failures, ~15% entries
  of other services (Compute, IAM, Storage, Resource Manager, GKE), a few re-delivered entries.
"""

from __future__ import annotations

import gzip
import json
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BufferedWriter
from itertools import accumulate
from pathlib import Path

from ingest.synth._clock import (
    CAT_BATCH,
    CAT_HUMAN0,
    CAT_SERVICE,
    HOUR_NS,
    NS,
    hour_weights,
    make_rfc3339nano,
    parse_utc,
)

__all__ = ["DEFAULT_START", "generate_gcp"]

DEFAULT_START = "2026-11-02T00:00:00Z"
PROJECTS = (("acme-prod-1234", "123456789012", 0.8), ("acme-data-5678", "987654321098", 0.2))
TZ_OFFSETS = [-300, -480, 60, 330]
TZ_SHARES = [0.5, 0.2, 0.2, 0.1]
OUT_OF_SCOPE = 0.15
DENY, FAIL, REDELIVER = 0.02, 0.005, 0.0002
SM = "google.cloud.secretmanager.v1.SecretManagerService."
DAY_NS = 86400 * NS
_VERSIONED = frozenset(
    {"AccessSecretVersion", "GetSecretVersion", "DisableSecretVersion", "EnableSecretVersion",
     "DestroySecretVersion"}
)  # fmt: skip
_WORDS = (
    "payments", "billing", "orders", "search", "ledger", "auth", "checkout", "crm", "etl",
    "reports", "mailer", "gateway", "inventory", "fraud", "ml", "warehouse",
)  # fmt: skip
_KINDS = ("db-password", "api-key", "oauth-client", "signing-key", "tls-key", "webhook-secret",
          "smtp-password", "service-token")  # fmt: skip
_PEOPLE = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
)  # fmt: skip
# (method, permission, permission type, weight for services, weight for people)
_METHODS = (
    ("AccessSecretVersion", "secretmanager.versions.access", "DATA_READ", 930, 400),
    ("GetSecret", "secretmanager.secrets.get", "ADMIN_READ", 30, 120),
    ("GetSecretVersion", "secretmanager.versions.get", "ADMIN_READ", 15, 30),
    ("ListSecretVersions", "secretmanager.versions.list", "ADMIN_READ", 15, 80),
    ("ListSecrets", "secretmanager.secrets.list", "ADMIN_READ", 2, 120),
    ("AddSecretVersion", "secretmanager.versions.add", "ADMIN_WRITE", 8, 80),
    ("GetIamPolicy", "secretmanager.secrets.getIamPolicy", "ADMIN_READ", 0, 40),
    ("SetIamPolicy", "secretmanager.secrets.setIamPolicy", "ADMIN_WRITE", 0, 20),
    ("CreateSecret", "secretmanager.secrets.create", "ADMIN_WRITE", 0, 20),
    ("UpdateSecret", "secretmanager.secrets.update", "ADMIN_WRITE", 0, 20),
    ("DisableSecretVersion", "secretmanager.versions.disable", "ADMIN_WRITE", 0, 10),
    ("EnableSecretVersion", "secretmanager.versions.enable", "ADMIN_WRITE", 0, 5),
    ("DestroySecretVersion", "secretmanager.versions.destroy", "ADMIN_WRITE", 0, 10),
    ("DeleteSecret", "secretmanager.secrets.delete", "ADMIN_WRITE", 0, 3),
    ("ListLocations", "secretmanager.locations.list", "ADMIN_READ", 0, 5),
)  # fmt: skip
_VM = "zones/europe-west1-b/instances"
_OTHER = (  # (service, method, log, resource suffix)
    ("compute.googleapis.com", "v1.compute.instances.get", "data_access", _VM + "/web-{n}"),
    ("compute.googleapis.com", "v1.compute.instances.list", "data_access", _VM),
    ("storage.googleapis.com", "storage.objects.get", "data_access", "buckets/assets/objects/{n}"),
    ("iam.googleapis.com", "google.iam.admin.v1.GetServiceAccount", "data_access", "sa/app-{n}"),
    ("cloudresourcemanager.googleapis.com", "GetProject", "data_access", ""),
    ("k8s.io", "io.k8s.core.v1.secrets.get", "data_access", "namespaces/payments/secrets/db-{n}"),
    ("compute.googleapis.com", "v1.compute.instances.start", "activity", _VM + "/web-{n}"),
)
_UA_SERVICE = ("grpc-python/1.62.0,gzip(gfe)", "grpc-java-netty/1.60.1,gzip(gfe)",
               "google-api-go-client/0.5 secretmanager/v1,gzip(gfe)")  # fmt: skip
_UA_HUMAN = (
    "google-cloud-sdk gcloud/470.0.0 command/gcloud.secrets.versions.access invocation-id/"
    "5f0c1e2d3b4a69788796a5b4c3d2e1f0 environment/None environment-version/None "
    "client-os/MACOSX client-os-ver/23.4.0 client-pltf-arch/arm interactive/True "
    "from-script/False python/3.11.8 term/xterm-256color (Macintosh; Intel Mac OS X 23.4.0)"
    ",gzip(gfe)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0,gzip(gfe),gzip(gfe)",
    "Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-google/6.2.0,gzip(gfe)",
)  # fmt: skip


@dataclass
class _Who:
    authn: str  # the authenticationInfo JSON
    ips: tuple[str, ...]
    uas: tuple[str, ...]
    cat: int  # clock category: CAT_SERVICE, CAT_BATCH or CAT_HUMAN0 + time zone
    human: bool
    secrets: list[int]  # working set (indices into the secret table), by preference


def _sa_authn(email: str, key: str | None) -> str:
    info: dict[str, str] = {"principalEmail": email}
    if key:
        info["serviceAccountKeyName"] = (
            f"//iam.googleapis.com/projects/{email.split('@')[1].split('.', 1)[0]}"
            f"/serviceAccounts/{email}/keys/{key}"
        )
    return json.dumps(info, separators=(",", ":"))


class _World:
    """Secrets (Zipf popularity) and principals (working sets, clock categories, activity)."""

    def __init__(self, rng: random.Random, services: int = 160, people: int = 40) -> None:
        self.rng = rng
        self.secrets: list[tuple[str, str, str]] = []  # (project id, project number, name)
        for project, number, share in PROJECTS:
            for i in range(round(500 * share)):
                name = f"{_WORDS[i % len(_WORDS)]}-{_KINDS[(i // len(_WORDS)) % len(_KINDS)]}"
                suffix = i // (len(_WORDS) * len(_KINDS))
                self.secrets.append((project, number, f"{name}-{suffix}" if suffix else name))
        rng.shuffle(self.secrets)
        self.cum_pop = list(accumulate(1 / (r + 1) ** 1.1 for r in range(len(self.secrets))))
        self.who: list[_Who] = []
        self._add_services(services)
        self._add_people(people)
        wif = (
            f"principal://iam.googleapis.com/projects/{PROJECTS[0][1]}/locations/global/"
            "workloadIdentityPools/github/subject/repo:acme/deploy:ref:refs/heads/main"
        )
        ua = ("google-github-actions:get-secretmanager-secrets/2.1.0",)
        authn = json.dumps({"principalSubject": wif})
        self.who.append(_Who(authn, ("192.0.2.15",), ua, 0, False, self._working_set(8)))
        # Per clock category: its principals, with heavy-tailed (Pareto) activity.
        members: dict[int, list[int]] = {}
        for idx, w in enumerate(self.who):
            members.setdefault(w.cat, []).append(idx)
        self.by_cat = {
            cat: (idx, list(accumulate(rng.paretovariate(1.2) for _ in idx)))
            for cat, idx in members.items()
        }

    def _add_services(self, n: int) -> None:
        rng = self.rng
        for i in range(n):
            project = PROJECTS[0][0] if i % 5 else PROJECTS[1][0]
            word = _WORDS[i % len(_WORDS)]
            key = None
            if i % 23 == 0:  # a Google-managed service agent
                email = f"service-{PROJECTS[0][1]}@gcp-sa-{word}.iam.gserviceaccount.com"
                ips: tuple[str, ...] = ("private",)
            else:
                email = f"{word}-{i}@{project}.iam.gserviceaccount.com"
                ips = (f"10.{8 + i % 4}.{i % 200}.{10 + i % 37}",) * 9 + ("gce-internal-ip",)
                key = f"{rng.getrandbits(160):040x}" if i % 3 == 0 else None
            cat = CAT_BATCH if i % 10 == 0 else CAT_SERVICE
            ws = self._working_set(rng.randint(2, 9))
            self.who.append(_Who(_sa_authn(email, key), ips, _UA_SERVICE, cat, False, ws))

    def _add_people(self, n: int) -> None:
        deployer = f"deployer@{PROJECTS[0][0]}.iam.gserviceaccount.com"
        for i in range(n):
            person = f"{_PEOPLE[i % len(_PEOPLE)]}{i // len(_PEOPLE) or ''}@example.com"
            cat = CAT_HUMAN0 + i % len(TZ_OFFSETS)
            ips = (f"198.51.100.{20 + i}", f"203.0.113.{20 + i}", f"2001:db8:{i:x}::1")
            ws = self._working_set(self.rng.randint(15, 60))
            authn = json.dumps({"principalEmail": person})
            self.who.append(_Who(authn, ips, _UA_HUMAN, cat, True, ws))
            if i % 8 == 0:  # this person also impersonates the deployer account
                delegated = {"firstPartyPrincipal": {"principalEmail": person}}
                chain = {"principalEmail": deployer, "serviceAccountDelegationInfo": [delegated]}
                authn = json.dumps(chain, separators=(",", ":"))
                self.who.append(_Who(authn, ips[:1], _UA_HUMAN[:1], cat, True, ws))

    def _working_set(self, n: int) -> list[int]:
        return sorted({self.zipf() for _ in range(n)})

    def zipf(self) -> int:
        return bisect(self.cum_pop, self.rng.random() * self.cum_pop[-1])


class _Stream:
    """LogEntry lines, each with the log (``activity`` / ``data_access``) it belongs to."""

    def __init__(self, world: _World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng
        self.fmt = make_rfc3339nano()
        self.cum_svc = list(accumulate(m[3] for m in _METHODS))
        self.cum_hum = list(accumulate(m[4] for m in _METHODS))
        self.n = 0

    def insert_id(self) -> str:
        self.n += 1
        return f"{self.rng.getrandbits(40):010x}{self.n:x}"

    def secret_manager(self, ns: int, who: _Who) -> tuple[str, str]:
        rng, w = self.rng, self.w
        cum = self.cum_hum if who.human else self.cum_svc
        method, perm, ptype = _METHODS[bisect(cum, rng.random() * cum[-1])][:3]
        own = who.secrets and rng.random() < (0.6 if who.human else 0.95)
        project, number, name = w.secrets[rng.choice(who.secrets) if own else w.zipf()]
        ref = number if rng.random() < 0.4 else project
        base = f"projects/{ref}"
        if method in ("ListSecrets", "ListLocations", "CreateSecret"):
            res = base if method != "CreateSecret" else f"{base}/secrets/{name}"
        elif method in _VERSIONED:
            ver = "latest" if rng.random() < 0.7 else str(rng.randint(1, 12))
            res = f"{base}/secrets/{name}/versions/{ver}"
        else:
            res = f"{base}/secrets/{name}"
        roll = rng.random()
        failed = roll < DENY + FAIL
        if roll < DENY:  # proto3 omits `granted: false`
            message = f"Permission '{perm}' denied for resource '{res}' (or it may not exist)."
            status, granted = f'"status":{{"code":7,"message":"{message}"}}', ""
        elif failed:
            status = f'"status":{{"code":5,"message":"Secret [{res}] not found."}}'
            granted = '"granted":true,'
        else:
            status, granted = '"status":{}', '"granted":true,'
        severity = "ERROR" if failed else "NOTICE" if ptype == "ADMIN_WRITE" else "INFO"
        response = ""
        if method == "AddSecretVersion" and not failed:
            version = f"projects/{number}/secrets/{name}/versions/{rng.randint(2, 30)}"
            response = (
                '"response":{"@type":"type.googleapis.com/google.cloud.secretmanager.v1.'
                f'SecretVersion","name":"{version}","state":"ENABLED"}},'
            )
        rtype = "SecretVersion" if "/versions/" in res else "Secret"
        log = "activity" if ptype == "ADMIN_WRITE" else "data_access"
        t = self.fmt(ns)
        fm = f"google.cloud.location.Locations.{method}" if "Location" in method else SM + method
        line = (
            f'{{"insertId":"{self.insert_id()}","logName":"projects/{project}/logs/'
            f'cloudaudit.googleapis.com%2F{log}","protoPayload":{{"@type":"type.googleapis.com/'
            f'google.cloud.audit.AuditLog","authenticationInfo":{who.authn},"authorizationInfo":'
            f'[{{{granted}"permission":"{perm}","permissionType":"{ptype}","resource":"{res}",'
            f'"resourceAttributes":{{"name":"{res}","service":"secretmanager.googleapis.com",'
            f'"type":"secretmanager.googleapis.com/{rtype}"}}}}],"methodName":"{fm}","request":'
            f'{{"@type":"type.googleapis.com/google.cloud.secretmanager.v1.{method}Request",'
            f'"name":"{res}"}},"requestMetadata":{{"callerIp":"{rng.choice(who.ips)}",'
            f'"callerSuppliedUserAgent":"{rng.choice(who.uas)}","destinationAttributes":{{}},'
            f'"requestAttributes":{{"auth":{{}},"time":"{self.fmt(ns - 3_000_000)}"}}}},'
            f'"resourceName":"{res}",{response}"serviceName":"secretmanager.googleapis.com",'
            f'{status}}},"receiveTimestamp":"{self.fmt(ns + rng.randint(5, 90) * 10**7)}",'
            f'"resource":{{"labels":{{"method":"{fm}","project_id":"{project}","service":'
            f'"secretmanager.googleapis.com"}},"type":"audited_resource"}},"severity":"{severity}",'
            f'"timestamp":"{t}"}}\n'
        )  # fmt: skip
        return log, line

    def other(self, ns: int, who: _Who) -> tuple[str, str]:
        rng = self.rng
        service, method, log, suffix = rng.choice(_OTHER)
        project = PROJECTS[0][0] if rng.random() < 0.8 else PROJECTS[1][0]
        if service == "k8s.io":
            return log, self.gke(ns, project, method, suffix.format(n=rng.randint(1, 40)))
        res = f"projects/{project}" + ("/" + suffix.format(n=rng.randint(1, 40)) if suffix else "")
        line = (
            f'{{"insertId":"{self.insert_id()}","logName":"projects/{project}/logs/'
            f'cloudaudit.googleapis.com%2F{log}","protoPayload":{{"@type":"type.googleapis.com/'
            f'google.cloud.audit.AuditLog","authenticationInfo":{who.authn},"methodName":'
            f'"{method}","requestMetadata":{{"callerIp":"{rng.choice(who.ips)}",'
            f'"callerSuppliedUserAgent":"{rng.choice(who.uas)}"}},"resourceName":"{res}",'
            f'"serviceName":"{service}","status":{{}}}},"receiveTimestamp":'
            f'"{self.fmt(ns + 120_000_000)}","resource":{{"labels":{{"project_id":"{project}"}},'
            f'"type":"audited_resource"}},"severity":"INFO","timestamp":"{self.fmt(ns)}"}}\n'
        )  # fmt: skip
        return log, line

    def gke(self, ns: int, project: str, method: str, path: str) -> str:
        """A GKE audit entry as Cloud Logging writes it next to Secret Manager's (FORMATS §7):
        a pod's Kubernetes service account reading a Secret of its namespace."""
        rng = self.rng
        app = rng.choice(("api", "worker", "billing"))
        op = (
            f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
            f"8{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
        )
        return (
            f'{{"insertId":"{op}","labels":{{"authorization.k8s.io/decision":"allow",'
            f'"authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \\"{app}-read/payments'
            f'\\" of Role \\"secret-reader\\" to ServiceAccount \\"{app}/payments\\""}},'
            f'"logName":"projects/{project}/logs/cloudaudit.googleapis.com%2Fdata_access",'
            f'"operation":{{"first":true,"id":"{op}","last":true,"producer":"k8s.io"}},'
            f'"protoPayload":{{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",'
            f'"authenticationInfo":{{"principalEmail":"system:serviceaccount:payments:{app}"}},'
            f'"authorizationInfo":[{{"granted":true,"permission":"{method}",'
            f'"resource":"core/v1/{path}"}}],"methodName":"{method}","requestMetadata":'
            f'{{"callerIp":"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}",'
            f'"callerSuppliedUserAgent":"{app}/v1.4 (linux/amd64) kubernetes/$Format"}},'
            f'"resourceName":"core/v1/{path}","serviceName":"k8s.io","status":{{}}}},'
            f'"receiveTimestamp":"{self.fmt(ns + 90_000_000)}","resource":{{"labels":'
            f'{{"cluster_name":"acme-prod-gke","location":"europe-west1",'
            f'"project_id":"{project}"}},"type":"k8s_cluster"}},"severity":"INFO",'
            f'"timestamp":"{self.fmt(ns)}"}}\n'
        )  # fmt: skip


_Out = gzip.GzipFile | BufferedWriter


class _Sink:
    """One object per (log, UTC day) under the Cloud Storage sink layout; odd days gzip."""

    def __init__(self, out_dir: Path, gzip_level: int) -> None:
        self.out_dir = out_dir
        self.level = gzip_level
        self.open: dict[str, tuple[int, _Out, BufferedWriter]] = {}
        self.paths: list[Path] = []

    def write(self, log: str, ns: int, text: str) -> None:
        day = ns // DAY_NS
        cur = self.open.get(log)
        if cur is None or cur[0] != day:
            if cur is not None:
                self._close(cur)
            self.open[log] = cur = self._open(log, day)
        cur[1].write(text.encode())

    def _open(self, log: str, day: int) -> tuple[int, _Out, BufferedWriter]:
        gz = day % 2 == 1
        name = "00:00:00_23:59:59_S0.json" + (".gz" if gz else "")
        date = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y/%m/%d")
        path = self.out_dir / "cloudaudit.googleapis.com" / log / date / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self.paths.append(path)
        raw = path.open("wb")
        out: _Out = (
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=self.level, mtime=0)
            if gz
            else raw
        )
        return day, out, raw

    @staticmethod
    def _close(cur: tuple[int, _Out, BufferedWriter]) -> None:
        cur[1].close()
        cur[2].close()

    def close(self) -> list[Path]:
        for cur in self.open.values():
            self._close(cur)
        self.open.clear()
        return sorted(self.paths, key=lambda p: (p.parent.parts[-3:], p.parent.parts[-4]))


def generate_gcp(
    out_dir: Path,
    *,
    events: int,
    seed: int = 7,
    start: str = DEFAULT_START,
    days: float = 3,
    gzip_level: int = 1,
) -> list[Path]:
    """Write exactly ``events`` LogEntries spread over ``days``; return the files."""
    if events < 1:
        raise ValueError("events must be >= 1")
    rng = random.Random(seed)
    world = _World(rng)
    stream = _Stream(world, rng)
    start_ns = parse_utc(start)
    hours = max(1, round(days * 24))
    weights = [hour_weights(start_ns, h, TZ_OFFSETS, TZ_SHARES) for h in range(hours)]
    totals = list(accumulate(sum(w) for w in weights))
    sink = _Sink(out_dir, gzip_level)
    done = 0
    for h in range(hours):
        n = round(events * totals[h] / totals[-1]) - done
        cats = list(weights[h])
        cum_cat = list(accumulate(cats[c] if c in world.by_cat else 0.0 for c in range(len(cats))))
        stamps = sorted(rng.randrange(HOUR_NS) for _ in range(n))
        for off in stamps:
            ns = start_ns + h * HOUR_NS + off
            if rng.random() < 0.15:  # micro-second clocks: fractions of 6 digits
                ns -= ns % 1000
            cat = bisect(cum_cat, rng.random() * cum_cat[-1])
            members, cum_w = world.by_cat[cat]
            who = world.who[members[bisect(cum_w, rng.random() * cum_w[-1])]]
            if rng.random() < OUT_OF_SCOPE:
                log, line = stream.other(ns, who)
            else:
                log, line = stream.secret_manager(ns, who)
            if rng.random() < REDELIVER and done + 1 < events:
                sink.write(log, ns, line)  # at-least-once delivery: the same entry twice
                done += 1
            sink.write(log, ns, line)
            done += 1
            if done >= events:
                break
        if done >= events:
            break
    return sink.close()
