"""Seeded, realistic Azure Key Vault diagnostic logs, laid out as a storage account holds them
(FORMATS.md §4).

``generate_azure(out_dir, events=N, seed=7)`` writes exactly ``N`` ``AuditEvent`` records as hourly
append blobs ``insights-logs-auditevent/resourceId=/SUBSCRIPTIONS/<SUB>/RESOURCEGROUPS/<RG>/
PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/<VAULT>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`` (JSON lines, the
current format; path segments upper-case) and returns the files in path order. Same arguments =>
same bytes.

What the stream models (rates approximate):

* three vaults (``acme-prod-kv``, ``acme-payments-kv``, ``acme-dev-kv``) with secrets, keys and
  certificates; Zipf secret popularity, and each workload reads mostly its own working set;
* workloads: service principals (client secret or certificate, app-only tokens) and managed
  identities (``xms_mirid``), always on, heavy-tailed rates, 10% nightly batch jobs (02:00 UTC);
  people through the Azure CLI, the portal and PowerShell in four time zones, working hours and
  weekdays; a few admins changing vaults (``VaultPut``, legacy URI claim names, ARM host);
* operations: mostly ``SecretGet``; lists, versions, sets, updates, soft delete / recover /
  purge / backup; key crypto operations (wrap, unwrap, sign, decrypt), key gets, creates and
  rotations; certificate gets (and the private key read through ``SecretGet``); system records
  without identity (``KeyRotateIfDue``, near-expiry notifications) and unauthenticated ``401``s;
* ~2% denials: ``403 Forbidden`` with the denial text, most with ``resultType: "Success"`` (the
  quirk of §4(e)); some ``404`` (also "Success") and ``429``;
* 7-digit fractional seconds, ``durationMs`` as a string, empty ``correlationId`` on ARM calls and
  a few data-plane calls, portal cache-buster parameters, list operations without ``id``;
* blobs are keyed by *receive* time: a record written a few minutes before the hour ends lands in
  the next hour's blob.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from ingest.synth._clock import HOUR_NS, NS, hour_weights, parse_utc

__all__ = ["DEFAULT_START", "generate_azure"]

DEFAULT_START = "2026-11-01T00:00:00Z"
CONTAINER = "insights-logs-auditevent"
VAULTS = (
    ("acme-prod-kv", "RG-SECRETS", 0.55),
    ("acme-payments-kv", "RG-PAYMENTS", 0.30),
    ("acme-dev-kv", "RG-DEV", 0.15),
)
# Microsoft's public first-party client ids: the tool a person used (FORMATS.md §4(d)).
AZ_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
AZ_POWERSHELL = "1950a258-227b-4e31-a9cf-717495945fc2"
PORTAL = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
TZ_OFFSETS = [0, 60, -300, 330]  # London, Berlin, New York, Bangalore (minutes)
TZ_SHARES = [0.3, 0.3, 0.25, 0.15]

SERVICE_MIX = (
    ("SecretGet", 86),
    ("SecretList", 2.5),
    ("SecretListVersions", 0.5),
    ("KeyUnwrap", 2.5),
    ("KeyWrap", 1.5),
    ("KeySign", 1.5),
    ("KeyDecrypt", 1.0),
    ("KeyEncrypt", 0.5),
    ("KeyGet", 1.5),
    ("CertificateGet", 1.0),
    ("CertSecretGet", 0.6),
)
HUMAN_MIX = (
    ("SecretGet", 35),
    ("SecretList", 18),
    ("SecretListVersions", 5),
    ("SecretSet", 8),
    ("SecretUpdate", 2),
    ("CertificateList", 3),
    ("CertificateGet", 3),
    ("KeyList", 3),
    ("KeyGet", 3),
    ("VaultGet", 8),
    ("SecretDelete", 1),
    ("SecretRecover", 0.3),
    ("SecretPurge", 0.2),
    ("SecretBackup", 0.3),
    ("KeyCreate", 0.3),
    ("KeyRotate", 0.5),
    ("KeyBackup", 0.1),
    ("CertificateCreate", 0.2),
    ("SecretGetDeleted", 0.2),
    ("SecretListDeleted", 0.3),
)
ADMIN_MIX = (*HUMAN_MIX, ("VaultPut", 3), ("VaultPatch", 1))
# Per event: 403 share by principal kind; other errors by status.
DENY_RATE = {"service": 0.015, "human": 0.04}
ERRORS = ((404, 0.004), (429, 0.001))
SYSTEM_RATE = 0.002  # records without identity (system operations, unauthenticated calls)
LATENCY_MEAN_S = 45.0  # time -> blob receive time (exponential, capped)
LATENCY_MAX_S = 600.0

_SYSTEMS = (
    "payments",
    "orders",
    "billing",
    "identity",
    "search",
    "checkout",
    "ledger",
    "fraud",
    "catalog",
    "shipping",
    "notify",
    "reports",
    "crm",
    "auth",
    "gateway",
    "inventory",
)
_THINGS = (
    "db-password",
    "api-key",
    "client-secret",
    "webhook-secret",
    "connection-string",
    "signing-key",
    "sas-token",
    "smtp-password",
    "jwt-secret",
    "oauth-secret",
    "redis-password",
    "storage-key",
    "tls-passphrase",
    "license-key",
)
_KEYS = (
    "tde-key",
    "sops-key",
    "payments-signing",
    "tokens-signing",
    "backup-cmk",
    "disk-cmk",
    "data-protection",
    "kms-wrap",
)
_CERTS = ("api-example-com", "www-example-com", "mtls-client", "internal-example-com")
_LINUX = "(Linux-6.5.0-1016-azure-x86_64-with-glibc2.35)"
_SDK_UA = (
    f"azsdk-python-keyvault-secrets/4.8.0 Python/3.11.6 {_LINUX}",
    "azsdk-net-Security.KeyVault.Secrets/4.6.0 (.NET 8.0.1; Ubuntu 22.04.3 LTS)",
    "azsdk-java-azure-security-keyvault-secrets/4.8.0 (17.0.9; Linux; 5.15.0-1057-azure)",
    "azsdk-js-keyvault-secrets/4.8.0 core-rest-pipeline/1.13.0 Node/v20.11.0 OS/(x64-Linux-5.15.0)",
    "azsdk-go-azsecrets/v1.1.0 (go1.21.6; linux)",
)
_KEY_UA = f"azsdk-python-keyvault-keys/4.9.0 Python/3.11.6 {_LINUX}"
_CLI_UA = f"python/3.11.8 {_LINUX} AZURECLI/2.61.0 (DEB) azsdk-python-keyvault-secrets/4.7.0"
_PS_UA = "PowerShell/7.4.1 Az.KeyVault/5.2.0"
_PORTAL_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"
)
_ARM_UA = "azure-resource-manager/2.0"
_FORBIDDEN = (
    "Caller is not authorized to perform action on resource.\\nIf role assignments, deny "
    "assignments or role definitions were changed recently, please observe propagation time.\\n"
    "Caller: appid={appid};oid={oid};iss=https://sts.windows.net/{tid}/\\nAction: "
    "'Microsoft.KeyVault/vaults/secrets/getSecret/action'\\nResource: '{res}'\\nAssignment: "
    "(not found)\\nDenyAssignmentId: null\\nDecisionReason: null \\nVault: {vault};"
    "location=westeurope"
)
_STATUS = {
    200: "OK",
    204: "No Content",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "TooManyRequests",
}


@dataclass
class Vault:
    name: str
    rg: str
    resource_id: str  # upper-case, as Azure writes it
    secrets: list[str]
    versions: list[str]
    cum: list[float]  # Zipf cumulative weights over secrets
    keys: list[str]
    key_versions: list[str]
    certs: list[str]


@dataclass
class Principal:
    kind: str  # service | human
    identity: str  # the "identity" JSON member, pre-rendered
    oid: str
    appid: str
    tid: str
    ua: str
    ips: list[str]
    vault: int
    working: list[int] = field(default_factory=list)  # secret indexes in its vault
    mix: tuple[list[str], list[float]] = ([], [])
    admin: bool = False
    arm_identity: str = ""  # URI claim names for control-plane calls


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _cum(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [k for k, _ in pairs], list(accumulate(w for _, w in pairs))


def _time7() -> Callable[[int], str]:
    """``fmt(ns)`` -> ``2026-11-02T10:21:07.1234567Z`` (Azure's 7 fractional digits)."""
    days: dict[int, str] = {}
    hms = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)

    def fmt(ns: int) -> str:
        s, frac = divmod(ns, NS)
        d, sod = divmod(s, 86400)
        day = days.get(d)
        if day is None:
            day = days[d] = (epoch + timedelta(days=d)).strftime("%Y-%m-%dT")
        return f"{day}{hms[sod]}.{frac // 100:07d}Z"

    return fmt


class World:
    """Tenant, vaults, their objects and the principals using them (all from one seed)."""

    def __init__(self, rng: random.Random, *, services: int, humans: int, secrets: int) -> None:
        self.rng = rng
        self.tenant = _guid(rng)
        self.sub = _guid(rng)
        self.vaults: list[Vault] = []
        names = [f"{s}-{t}" for s in _SYSTEMS for t in _THINGS]
        rng.shuffle(names)
        per = [max(8, round(secrets * share)) for _, _, share in VAULTS]
        start = 0
        for (name, rg, _), n in zip(VAULTS, per, strict=True):
            mine = (
                names[start : start + n]
                if start + n <= len(names)
                else [f"{names[(start + i) % len(names)]}-{i}" for i in range(n)]
            )
            start += n
            rid = (
                f"/SUBSCRIPTIONS/{self.sub.upper()}/RESOURCEGROUPS/{rg}/PROVIDERS/"
                f"MICROSOFT.KEYVAULT/VAULTS/{name.upper()}"
            )
            self.vaults.append(
                Vault(
                    name=name,
                    rg=rg,
                    resource_id=rid,
                    secrets=mine,
                    versions=[_hex32(rng) for _ in mine],
                    cum=list(accumulate(1.0 / (r + 1) ** 1.1 for r in range(len(mine)))),
                    keys=list(_KEYS),
                    key_versions=[_hex32(rng) for _ in _KEYS],
                    certs=list(_CERTS),
                )
            )
        self.vault_cum = list(accumulate(share for _, _, share in VAULTS))
        self.services = [self._service(i) for i in range(services)]
        self.batch = [p for i, p in enumerate(self.services) if i % 10 == 3]
        self.always = [p for i, p in enumerate(self.services) if i % 10 != 3]
        rates = [rng.paretovariate(1.3) for _ in self.always]
        self.always_cum = list(accumulate(rates))
        self.humans_by_tz: list[list[Principal]] = [[] for _ in TZ_OFFSETS]
        for i in range(humans):
            tz = bisect(list(accumulate(TZ_SHARES)), rng.random() * sum(TZ_SHARES))
            self.humans_by_tz[min(tz, len(TZ_OFFSETS) - 1)].append(self._human(i, admin=i < 3))
        for group in self.humans_by_tz:  # every time zone has somebody
            if not group:
                group.append(self._human(len(group) + humans, admin=False))

    def pick_vault(self) -> int:
        return bisect(self.vault_cum, self.rng.random() * self.vault_cum[-1])

    def _service(self, i: int) -> Principal:
        rng = self.rng
        oid, appid = _guid(rng), _guid(rng)
        vault = self.pick_vault()
        if i % 3 == 0:  # managed identity
            name = f"{_SYSTEMS[i % len(_SYSTEMS)]}-mi-{i}"
            mirid = (
                f"/subscriptions/{self.sub}/resourcegroups/rg-workloads/providers/"
                f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
            )
            identity = (
                f'{{"claim":{{"oid":"{oid}","tid":"{self.tenant}","appid":"{appid}",'
                f'"appidacr":"2","idtyp":"app","xms_mirid":"{mirid}","xms_az_nwperimid":[]}}}}'
            )
        else:
            acr = "2" if i % 3 == 1 else "1"
            identity = (
                f'{{"claim":{{"oid":"{oid}","tid":"{self.tenant}","appid":"{appid}",'
                f'"appidacr":"{acr}","idtyp":"app","xms_az_nwperimid":[]}}}}'
            )
        v = self.vaults[vault]
        working = sorted(
            {bisect(v.cum, rng.random() * v.cum[-1]) for _ in range(rng.randint(2, 12))}
        )
        subnet = rng.randint(0, 255)
        ips = [f"10.{subnet}.{rng.randint(0, 255)}.{rng.randint(4, 250)}" for _ in range(3)]
        if i % 7 == 0:  # outside the VNet: public egress (TEST-NET)
            ips = [f"198.51.100.{rng.randint(1, 254)}"]
        return Principal(
            kind="service",
            identity=identity,
            oid=oid,
            appid=appid,
            tid=self.tenant,
            ua=_SDK_UA[i % len(_SDK_UA)],
            ips=ips,
            vault=vault,
            working=working,
            mix=_cum(SERVICE_MIX),
        )

    def _human(self, i: int, *, admin: bool) -> Principal:
        rng = self.rng
        oid = _guid(rng)
        first = (
            "alice",
            "bob",
            "carol",
            "dave",
            "erin",
            "frank",
            "grace",
            "heidi",
            "ivan",
            "judy",
            "mallory",
            "niaj",
            "olivia",
            "peggy",
            "rupert",
            "sybil",
            "trent",
            "victor",
            "walter",
            "yusuf",
        )[i % 20]
        upn = f"{first}.{i}@example.com"
        tool = rng.random()
        appid, ua = (
            (AZ_CLI, _CLI_UA)
            if tool < 0.5
            else (PORTAL, _PORTAL_UA)
            if tool < 0.85
            else (AZ_POWERSHELL, _PS_UA)
        )
        identity = (
            f'{{"claim":{{"oid":"{oid}","tid":"{self.tenant}","appid":"{appid}","appidacr":"0",'
            f'"upn":"{upn}","unique_name":"{upn}","name":"{first.title()} Example",'
            f'"idtyp":"user","scp":"user_impersonation","amr":["pwd","mfa"],'
            f'"xms_az_nwperimid":[]}}}}'
        )
        arm_identity = (
            '{"claim":{"http://schemas.microsoft.com/identity/claims/objectidentifier":'
            f'"{oid}","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"{upn}",'
            f'"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":"{upn}",'
            f'"http://schemas.microsoft.com/identity/claims/tenantid":"{self.tenant}",'
            f'"appid":"{appid}"}}}}'
        )
        ips = [f"203.0.113.{rng.randint(1, 254)}", f"192.0.2.{rng.randint(1, 254)}"]
        return Principal(
            kind="human",
            identity=identity,
            oid=oid,
            appid=appid,
            tid=self.tenant,
            ua=ua,
            ips=ips,
            vault=self.pick_vault(),
            mix=_cum(ADMIN_MIX if admin else HUMAN_MIX),
            admin=admin,
            arm_identity=arm_identity,
        )


class Writer:
    """Hourly append blobs per vault, keyed by receive time; flushed once their hour is past."""

    def __init__(self, out_dir: Path, world: World) -> None:
        self.out_dir = out_dir
        self.world = world
        self.blobs: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.paths: list[Path] = []

    def add(self, vault: int, recv_ns: int, line: str) -> None:
        self.blobs.setdefault((vault, recv_ns // HOUR_NS), []).append((recv_ns, line))

    def flush(self, before_hour: int | None = None) -> None:
        for key in sorted(self.blobs):
            vault, hour = key
            if before_hour is not None and hour >= before_hour:
                continue
            rows = self.blobs.pop(key)
            rows.sort(key=lambda r: r[0])
            dt = datetime.fromtimestamp(hour * 3600, UTC)
            v = self.world.vaults[vault]
            path = (
                self.out_dir
                / CONTAINER
                / f"resourceId={v.resource_id}"
                / f"y={dt:%Y}"
                / f"m={dt:%m}"
                / f"d={dt:%d}"
                / f"h={dt:%H}"
                / "m=00"
                / "PT1H.json"
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            # Each blob is complete when written: its hour is past and latency is capped.
            path.write_text("".join(line for _, line in rows), encoding="utf-8")
            self.paths.append(path)


class Stream:
    """Renders one record at a time; everything per-principal is pre-rendered."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng
        self.fmt = _time7()
        self.denials = 0

    def _corr(self) -> str:
        return _guid(self.rng) if self.rng.random() > 0.01 else ""

    def record(self, p: Principal | None, ns: int) -> tuple[int, str]:
        """(vault index, JSON line) of one call by ``p`` (None: a system/unauthenticated call)."""
        rng = self.rng
        if p is None:
            return self._system(ns)
        ops, cum = p.mix
        op = ops[bisect(cum, rng.random() * cum[-1])]
        vi = p.vault
        v = self.w.vaults[vi]
        host = f"https://{v.name}.vault.azure.net"
        api = "7.4"
        ident = p.identity
        ua = p.ua
        corr = self._corr()
        obj: str | None = None
        portal = p.appid == PORTAL
        if op in (
            "SecretGet",
            "SecretSet",
            "SecretUpdate",
            "SecretListVersions",
            "SecretBackup",
            "SecretDelete",
            "SecretRecover",
            "SecretPurge",
            "SecretGetDeleted",
        ):
            if p.working and rng.random() < 0.9:
                si = p.working[int(rng.random() ** 2 * len(p.working))]  # its favourites first
            else:
                si = bisect(v.cum, rng.random() * v.cum[-1])
            name, ver = v.secrets[si], v.versions[si]
            if op == "SecretSet":
                ver = v.versions[si] = f"{rng.getrandbits(128):032x}"
                obj, uri = (
                    f"{host}/secrets/{name}/{ver}",
                    f"{host}/secrets/{name}?api-version={api}",
                )
            elif op == "SecretGet":
                obj = f"{host}/secrets/{name}/{ver}"
                uri = f"{host}/secrets/{name}/?api-version={api}"
            elif op == "SecretUpdate":
                obj, uri = f"{host}/secrets/{name}/{ver}", f"{obj}?api-version={api}"
            elif op == "SecretListVersions":
                uri = f"{host}/secrets/{name}/versions?api-version={api}&maxresults=25"
            elif op == "SecretBackup":
                obj, uri = (
                    f"{host}/secrets/{name}",
                    f"{host}/secrets/{name}/backup?api-version={api}",
                )
            elif op in ("SecretDelete", "SecretGetDeleted", "SecretPurge"):
                obj = f"{host}/deletedsecrets/{name}"
                coll = "secrets" if op == "SecretDelete" else "deletedsecrets"
                uri = f"{host}/{coll}/{name}?api-version={api}"
            else:  # SecretRecover
                obj, uri = (
                    f"{host}/secrets/{name}",
                    f"{host}/deletedsecrets/{name}/recover?api-version={api}",
                )
        elif op in ("SecretList", "SecretListDeleted", "KeyList", "CertificateList"):
            coll = {
                "SecretList": "secrets",
                "SecretListDeleted": "deletedsecrets",
                "KeyList": "keys",
                "CertificateList": "certificates",
            }[op]
            uri = f"{host}/{coll}?api-version={api}&maxresults=25"
        elif op.startswith("Key"):
            ki = rng.randrange(len(v.keys))
            k, kv = f"{host}/keys/{v.keys[ki]}", v.key_versions[ki]
            ua = _KEY_UA if p.kind == "service" else ua
            verb = {
                "KeyUnwrap": "unwrapkey",
                "KeyWrap": "wrapkey",
                "KeySign": "sign",
                "KeyDecrypt": "decrypt",
                "KeyEncrypt": "encrypt",
            }.get(op)
            if verb:
                obj, uri = f"{k}/{kv}", f"{k}/{kv}/{verb}?api-version={api}"
            elif op == "KeyGet":
                obj, uri = f"{k}/{kv}", f"{k}/?api-version={api}"
            elif op in ("KeyCreate", "KeyRotate"):
                kv = v.key_versions[ki] = f"{rng.getrandbits(128):032x}"
                action = "create" if op == "KeyCreate" else "rotate"
                obj, uri = f"{k}/{kv}", f"{k}/{action}?api-version={api}"
            else:  # KeyBackup
                obj, uri = k, f"{k}/backup?api-version={api}"
        elif op in ("CertificateGet", "CertificateCreate", "CertSecretGet"):
            c = v.certs[rng.randrange(len(v.certs))]
            if op == "CertSecretGet":  # the private key: SecretGet on the certificate's name
                op = "SecretGet"
                obj, uri = (
                    f"{host}/secrets/{c}/{_hex32(rng)}",
                    f"{host}/secrets/{c}/?api-version={api}",
                )
            elif op == "CertificateGet":
                obj, uri = (
                    f"{host}/certificates/{c}/{_hex32(rng)}",
                    f"{host}/certificates/{c}/?api-version={api}",
                )
            else:
                obj, uri = (
                    f"{host}/certificates/{c}/pending",
                    f"{host}/certificates/{c}/create?api-version={api}",
                )
        else:  # VaultGet, VaultPut, VaultPatch: ARM, URI claim names, no correlation
            obj = f"{host}/"
            api = "2023-07-01"
            uri = (
                f"https://management.azure.com/subscriptions/{self.w.sub}/resourceGroups/{v.rg}"
                f"/providers/Microsoft.KeyVault/vaults/{v.name}?api-version={api}"
            )
            ident, ua, corr = p.arm_identity or ident, _ARM_UA, ""
        if portal and "?" in uri:
            uri += f"&_={ns // 1_000_000}"
        status, desc = 200, ""
        r = rng.random()
        if r < DENY_RATE[p.kind]:
            status = 403
            res = (
                f"/subscriptions/{self.w.sub}/resourcegroups/{v.rg.lower()}/providers/"
                f"microsoft.keyvault/vaults/{v.name}"
            )
            desc = _FORBIDDEN.format(appid=p.appid, oid=p.oid, tid=p.tid, res=res, vault=v.name)
            self.denials += 1
        else:
            r -= DENY_RATE[p.kind]
            for code, share in ERRORS:
                if r < share:
                    status = code
                    desc = (
                        "Operation returned an invalid status code 'Not Found'"
                        if code == 404
                        else "Too many requests. Try again later."
                    )
                    break
                r -= share
        if status == 200 and op in ("SecretPurge",):
            status = 204
        if status in (403, 404):
            result_type = "Success" if rng.random() < 0.85 else "Failure"  # the §4(e) quirk
        else:
            result_type = "Success" if status < 400 else "Failure"
        ip = p.ips[rng.randrange(len(p.ips))]
        line = self._line(
            ns, v, op=op, uri=uri, status=status, result_type=result_type, desc=desc, corr=corr,
            ip=ip, identity=ident, obj=obj, ua=ua, api=api,
        )  # fmt: skip
        return vi, line

    def _system(self, ns: int) -> tuple[int, str]:
        """Records without identity: unauthenticated calls (401), system operations."""
        rng = self.rng
        vi = self.w.pick_vault()
        v = self.w.vaults[vi]
        host = f"https://{v.name}.vault.azure.net"
        kind = rng.random()
        if kind < 0.7:
            si = bisect(v.cum, rng.random() * v.cum[-1])
            line = self._line(
                ns, v, op="Authentication", status=401, corr=_guid(rng), ua=_SDK_UA[0],
                desc="AKV10000: Request is missing a Bearer or PoP token.",
                ip=f"192.0.2.{rng.randint(1, 254)}",
                uri=f"{host}/secrets/{v.secrets[si]}/?api-version=7.4",
            )  # fmt: skip
        elif kind < 0.85:
            ki = rng.randrange(len(v.keys))
            obj = f"{host}/keys/{v.keys[ki]}/{v.key_versions[ki]}"
            line = self._line(ns, v, op="KeyRotateIfDue", corr=_guid(rng), obj=obj)
        else:
            si = bisect(v.cum, rng.random() * v.cum[-1])
            obj = f"{host}/secrets/{v.secrets[si]}/{v.versions[si]}"
            op = "SecretNearExpiryEventGridNotification"
            line = self._line(ns, v, op=op, corr=_guid(rng), obj=obj)
        return vi, line

    def _line(
        self,
        ns: int,
        v: Vault,
        *,
        op: str,
        uri: str = "",
        status: int = 200,
        result_type: str = "Success",
        desc: str = "",
        corr: str = "",
        ip: str = "",
        identity: str | None = None,
        obj: str | None = None,
        ua: str = "",
        api: str = "7.4",
    ) -> str:
        """One record as Azure writes it: compact, in the field order of real blobs."""
        props = ""
        if obj is not None:
            props = f'"id":"{obj}",'
        props += f'"clientInfo":"{ua}","httpStatusCode":{status},"requestUri":"{uri}",'
        props += f'"isRbacAuthorized":{"false" if status == 403 else "true"},"tlsVersion":"TLS1_2"'
        ident = f'"identity":{identity},' if identity else ""
        desc_part = f'"resultDescription":"{desc}",' if desc else ""
        return (
            f'{{"time":"{self.fmt(ns)}","category":"AuditEvent","operationName":"{op}",'
            f'"resultType":"{result_type}",{desc_part}"correlationId":"{corr}",'
            f'"callerIpAddress":"{ip}",{ident}"properties":{{{props}}},'
            f'"resourceId":"{v.resource_id}","operationVersion":"{api}",'
            f'"resultSignature":"{_STATUS[status]}","durationMs":"{self.rng.randint(3, 90)}"}}\n'
        )


def _hour_counts(start_ns: int, hours: int, events: int) -> list[int]:
    """Events per hour, proportional to the diurnal weight, summing to exactly ``events``."""
    weights = [sum(hour_weights(start_ns, h, TZ_OFFSETS, TZ_SHARES)) for h in range(hours)]
    total = sum(weights)
    counts, carry = [], 0.0
    for w in weights:
        x = events * w / total + carry
        n = int(x)
        carry = x - n
        counts.append(n)
    counts[-1] += events - sum(counts)
    return counts


def generate_azure(
    out_dir: Path,
    *,
    events: int,
    seed: int = 7,
    start: str = DEFAULT_START,
    days: float = 7,
    services: int = 120,
    humans: int = 40,
    secrets: int = 600,
) -> list[Path]:
    """Write ``events`` records under ``out_dir``; return the blob files in path order."""
    if events < 1:
        raise ValueError("events must be >= 1")
    rng = random.Random(seed)
    world = World(rng, services=services, humans=humans, secrets=secrets)
    stream = Stream(world, rng)
    writer = Writer(Path(out_dir), world)
    start_ns = parse_utc(start)
    hours = max(1, round(days * 24))
    counts = _hour_counts(start_ns, hours, events)
    for h, n in enumerate(counts):
        if not n:
            continue
        cats = list(accumulate(hour_weights(start_ns, h, TZ_OFFSETS, TZ_SHARES)))
        base = start_ns + h * HOUR_NS
        times = sorted(rng.randrange(HOUR_NS) for _ in range(n))
        for off in times:
            ns = base + off
            p: Principal | None
            if rng.random() < SYSTEM_RATE:
                p = None
            else:
                cat = bisect(cats, rng.random() * cats[-1])
                if cat == 0:
                    idx = bisect(world.always_cum, rng.random() * world.always_cum[-1])
                    p = world.always[idx]
                elif cat == 1:
                    p = world.batch[rng.randrange(len(world.batch))]
                else:
                    group = world.humans_by_tz[min(cat - 2, len(TZ_OFFSETS) - 1)]
                    p = group[rng.randrange(len(group))]
            vault, line = stream.record(p, ns)
            latency = min(rng.expovariate(1 / LATENCY_MEAN_S), LATENCY_MAX_S)
            writer.add(vault, ns + int(latency * NS), line)
        writer.flush(before_hour=(base // HOUR_NS))
    writer.flush()
    return sorted(writer.paths)
