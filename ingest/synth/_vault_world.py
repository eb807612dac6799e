"""The fake organisation behind the synthetic Vault log: mounts, secrets, principals, tokens.

Built once per seed from its own RNG, so the organisation does not change with ``--lines``.
"""

from __future__ import annotations

import base64
import hashlib
import random
from bisect import bisect
from itertools import accumulate

from ingest.synth._clock import rfc3339_seconds
from ingest.synth._vault_model import (
    APPS,
    ENVS,
    FIRST,
    LAST,
    LEAF_KEYS,
    LEAVES,
    ROOT_ISSUED_NS,
    TEAMS,
    TZ_OFFSETS,
    TZ_SHARES,
    Hasher,
    Mount,
    Principal,
    Secret,
    Token,
    jlist,
    jmap,
    uuid_from,
)


class World:
    """Mounts, secrets and principals of the fake organisation (built once per seed)."""

    def __init__(self, seed: int, principals: int, secrets: int, start_ns: int) -> None:
        rng = random.Random(f"{seed}:world")
        self.rng = rng
        self.h = Hasher(seed)
        self.start_ns = start_ns
        builtin, vault_builtin = "v0.21.0+builtin", "v1.18.2+builtin.vault"
        self.kv2 = self._mount("secret/", "kv", builtin, "secret")
        self.kv1 = self._mount("kv/", "kv", builtin, "secret")
        self.kv2_ns = self._mount("secret/", "kv", builtin, "secret")
        self.db = self._mount("database/", "database", vault_builtin, "secret")
        self.sys = self._mount("sys/", "system", vault_builtin, "")
        self.token_mount = self._mount("auth/token/", "token", vault_builtin, "auth")
        self.auth_mounts = {
            "kubernetes": self._mount("auth/kubernetes/", "kubernetes", "v0.20.0+builtin", "auth"),
            "approle": self._mount("auth/approle/", "approle", vault_builtin, "auth"),
            "oidc": self._mount("auth/oidc/", "oidc", "v0.21.1+builtin", "auth"),
        }
        self.team_octet = {t: 16 + i for i, t in enumerate(TEAMS)}
        self.secrets: list[Secret] = []
        self.team_secrets: dict[str, list[int]] = {t: [] for t in TEAMS}
        self.shared: list[int] = []
        self.secret_cw: list[float] = []
        self.db_roles = [f"{t}-{m}" for t in TEAMS[:24] for m in ("ro", "rw")]
        self.principals: list[Principal] = []
        self.pools: dict[str, list[int]] = {}
        self.pool_cw: dict[str, list[float]] = {}
        self._build_secrets(secrets)
        self._build_principals(principals)

    def _mount(self, path: str, type_: str, version: str, mount_class: str) -> Mount:
        prefix = "auth_" if mount_class == "auth" else ""
        return Mount(
            path, type_, f"{prefix}{type_}_{self.rng.getrandbits(32):08x}", version, mount_class
        )

    # --- secrets ---------------------------------------------------------------------------
    def _build_secrets(self, n: int) -> None:
        rng = self.rng
        envs = [e for e, w in ENVS for _ in range(w)]
        seen: set[tuple[str, str]] = set()
        n_ns, n_kv1 = max(2, n // 25), max(2, n // 12)
        shared_n = max(3, n // 200)
        while len(self.secrets) < n:
            i = len(self.secrets)
            if i < shared_n:
                team, mount, ns = "shared", self.kv2, False
                rel = f"shared/{LEAVES[i % len(LEAVES)]}" + (
                    f"-{i // len(LEAVES)}" if i >= len(LEAVES) else ""
                )
            else:
                ns = i < shared_n + n_ns
                kv1 = not ns and i < shared_n + n_ns + n_kv1
                team = "team-a" if ns else rng.choice(TEAMS[:-1])
                mount = self.kv2_ns if ns else self.kv1 if kv1 else self.kv2
                app, leaf = rng.choice(APPS), rng.choice(LEAVES)
                rel = f"{app}/{leaf}" if ns else f"{team}/{rng.choice(envs)}/{app}/{leaf}"
                if kv1:
                    rel = f"{team}/{app}-{leaf}"
            if (mount.accessor, rel) in seen:
                rel = f"{rel}-{i}"
            seen.add((mount.accessor, rel))
            keys = tuple(sorted(rng.sample(LEAF_KEYS, rng.choice((1, 1, 2, 2, 3, 4)))))
            self.secrets.append(
                Secret(mount, rel, keys, 1 + int(rng.paretovariate(1.5)) % 12, team, ns)
            )
            (self.shared if team == "shared" else self.team_secrets[team]).append(i)
        # Zipf popularity over a random permutation of the secrets.
        order = list(range(n))
        rng.shuffle(order)
        weight = [0.0] * n
        for rank, idx in enumerate(order, 1):
            weight[idx] = 1.0 / rank**1.05
        self.popularity = weight
        self.secret_cw = list(accumulate(weight))
        self.kv1_all = [i for i, s in enumerate(self.secrets) if s.mount is self.kv1]
        self.kv1_by_team: dict[str, list[int]] = {}
        for i in self.kv1_all:
            self.kv1_by_team.setdefault(self.secrets[i].team, []).append(i)
        kv2 = [i for i, s in enumerate(self.secrets) if s.mount is self.kv2]
        self.kv2_popular = sorted(kv2, key=lambda i: -weight[i])[:50]

    def pick_any_secret(self, u: float) -> int:
        return bisect(self.secret_cw, u * self.secret_cw[-1])

    def _working_set(self, p: Principal) -> None:
        rng = self.rng
        pool = self.team_secrets.get(p.team) or self.team_secrets["payments"]
        k = 2 + int(rng.paretovariate(1.3)) if not p.human else 5 + int(rng.paretovariate(1.0))
        chosen: list[int] = []
        for _ in range(min(k, 40)):
            u = rng.random()
            if u < 0.72 and pool:
                # popular team secrets are in more working sets
                cands = rng.sample(pool, min(6, len(pool)))
                idx = max(cands, key=lambda c: self.popularity[c] * rng.random())
            elif u < 0.92 and self.shared:
                idx = max(
                    rng.sample(self.shared, min(3, len(self.shared))),
                    key=lambda c: self.popularity[c],
                )
            else:
                idx = self.pick_any_secret(rng.random())
            if idx not in chosen and not self.secrets[idx].namespaced:
                chosen.append(idx)
        if p.namespaced:
            chosen = rng.sample(
                self.team_secrets["team-a"], min(4, len(self.team_secrets["team-a"]))
            )
        if not chosen:
            chosen = [self.shared[0]]
        p.secrets = chosen
        p.secret_cw = list(accumulate(1.0 / r**1.2 for r in range(1, len(chosen) + 1)))

    # --- principals ------------------------------------------------------------------------
    def _build_principals(self, n: int) -> None:
        rng = self.rng
        n_humans = max(2, n * 8 // 100)
        names: set[str] = set()
        for idx in range(n):
            if idx == 0:
                p = self._root()
            elif idx <= n_humans:
                p = self._human(idx, idx <= max(1, n_humans // 20), names)
            else:
                p = self._service(idx, names)
            if rng.random() < 0.01:
                p.ip = f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
            self._working_set(p)
            if rng.random() < (0.5 if p.human else 0.35):
                p.db_roles = [r for r in self.db_roles if r.startswith(p.team + "-")]
            p.client_id = (
                p.entity_id
                or base64.b64encode(
                    hashlib.sha256(("".join(p.token_policies) + str(idx)).encode()).digest()
                ).decode()
            )
            p.stale_token = self.h(f"stale:{idx}")
            self.principals.append(p)
        humans = tuple(f"human{t}" for t in range(len(TZ_OFFSETS)))
        for key in ("service", "batch", "root", "admin", "ns", *humans):
            members = [p.idx for p in self.principals if self._pool_of(p, key)]
            self.pools[key] = members or [1]
            self.pool_cw[key] = list(accumulate(self.principals[i].weight for i in self.pools[key]))
        for p in self.principals:  # tokens issued before the window, due at a random point in it
            p.expiry_ns = self.start_ns + int(rng.random() * self.reuse_seconds(p, rng) * 1e9)
            if p.method == "root":
                p.token = self.issue(p, ROOT_ISSUED_NS, 0)
                p.expiry_ns = 1 << 62
            else:
                issued = p.expiry_ns - int(p.ttl * (0.5 + 0.5 * rng.random()) * 1_000_000_000)
                p.token = self.issue(p, issued, -300 if rng.random() < 0.2 else 0)

    @staticmethod
    def _pool_of(p: Principal, key: str) -> bool:
        if key == "service":
            return not p.human and not p.batch and p.method != "root"
        if key == "batch":
            return p.batch
        if key == "root":
            return p.method == "root"
        if key == "admin":
            return p.admin
        if key == "ns":
            return p.namespaced
        return p.human and key == f"human{p.tz}"

    def pick(self, pool: str, u: float) -> Principal:
        cw = self.pool_cw[pool]
        return self.principals[self.pools[pool][bisect(cw, u * cw[-1])]]

    def _root(self) -> Principal:
        return Principal(
            0, "root", False, True, False, "platform", "root", "root", "", {}, ["root"], None,
            False, "root", "10.0.0.5", 0, 0.0, 0, False,
        )  # fmt: skip

    def _human(self, idx: int, admin: bool, names: set[str]) -> Principal:
        rng = self.rng
        user = f"{rng.choice(FIRST)}.{rng.choice(LAST)}"
        while user in names:
            user = f"{user}{rng.randint(2, 99)}"
        names.add(user)
        email = f"{user}@acme.example"
        team = rng.choice(TEAMS[:-1])
        identity = ["team-" + team] + (["vault-admin"] if admin else [])
        tz = min(bisect(list(accumulate(TZ_SHARES)), rng.random()), len(TZ_OFFSETS) - 1)
        net = rng.choice(("203.0.113", "192.0.2"))
        return Principal(
            idx, "oidc", True, admin, False, team, user, f"oidc-{email}", uuid_from(rng),
            {"email": email, "role": "vault-admins" if admin else "engineering", "username": user},
            ["default"], identity, False, identity[-1], f"{net}.{rng.randint(1, 254)}", tz,
            rng.paretovariate(2.0), rng.choice((28800, 28800, 43200)), False,
        )  # fmt: skip

    def _service(self, idx: int, names: set[str]) -> Principal:
        rng = self.rng
        team, app = rng.choice(TEAMS[:-1]), rng.choice(APPS)
        svc = f"{team}-{app}"
        if svc in names:
            svc = f"{svc}-{idx}"
        names.add(svc)
        u = rng.random()
        method = (
            "kubernetes"
            if u < 0.64
            else "approle"
            if u < 0.88
            else "token"
            if u < 0.94
            else "nomad"
        )
        namespaced = rng.random() < 0.012
        if namespaced:
            team = "team-a"
        tpol = sorted(["default", f"{svc}-read", f"{team}-shared-read"])
        ident: list[str] | None = (
            [f"team-{team}"] if method == "kubernetes" and rng.random() < 0.3 else None
        )
        entity, meta = uuid_from(rng), {}
        octet = self.team_octet.get(team, 99)
        ip = f"10.{octet}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if method == "kubernetes":
            display = f"kubernetes-{team}-{app}"
            meta = {
                "role": svc, "service_account_name": app, "service_account_namespace": team,
                "service_account_secret_name": "", "service_account_uid": uuid_from(rng),
            }  # fmt: skip
            ttl = rng.choice((3600, 3600, 14400, 86400))
        elif method == "approle":
            display, meta, ttl = "approle", {"role_name": svc}, rng.choice((1200, 3600, 14400))
            ip = f"198.51.100.{rng.randint(1, 254)}" if rng.random() < 0.4 else ip
        elif method == "token":
            display, entity, ttl = "token", "", 2764800
        else:
            alloc = uuid_from(rng)
            display, entity, ttl = f"token-{alloc}-{app}", "", 259200
            meta = {
                "AllocationID": alloc,
                "Namespace": "default",
                "NodeID": uuid_from(rng),
                "Task": app,
            }
        return Principal(
            idx, method, False, False, rng.random() < 0.1, team, svc, display, entity, meta, tpol,
            ident, rng.random() < 0.02, f"{svc}-read", ip, 0, min(rng.paretovariate(1.16), 500.0),
            ttl, namespaced,
        )  # fmt: skip

    # --- tokens ----------------------------------------------------------------------------
    @staticmethod
    def reuse_seconds(p: Principal, rng: random.Random) -> float:
        """How long a login lasts: a pod's life (renewing its token), a workday, a batch run."""
        if p.batch:
            return 600 + rng.random() * 3000
        if p.human:  # a workday, within the token's TTL
            return p.ttl * (0.7 + 0.3 * rng.random())
        if p.method == "kubernetes":
            return min(7 * 86400, 21600 * rng.paretovariate(1.0))
        if p.method == "approle":
            return min(3 * 86400, 14400 * rng.paretovariate(1.0))
        return float(p.ttl)

    def issue(self, p: Principal, issue_ns: int, local_offset: int) -> Token:
        """A new token for ``p`` (login), with every auth-block fragment pre-rendered."""
        gen = p.token.gen + 1 if p.token else 0
        ct, acc = self.h(f"token:{p.idx}:{gen}"), self.h(f"accessor:{p.idx}:{gen}")
        pols = sorted(set(p.token_policies) | set(p.identity_policies or []))
        head = (
            f'"client_token":"{ct}","accessor":"{acc}","display_name":"{p.display_name}",'
            f'"policies":{jlist(pols)},"token_policies":{jlist(p.token_policies)}'
        )
        if p.identity_policies:
            head += f',"identity_policies":{jlist(p.identity_policies)}'
        elif p.identity_null:
            head += ',"identity_policies":null'
        tail = f'"metadata":{jmap(p.metadata)},' if p.metadata else ""
        if p.method == "token":
            tail += '"entity_id":"",'
        elif p.entity_id:
            tail += f'"entity_id":"{p.entity_id}",'
        tail += '"token_type":"service"'
        if p.ttl:
            tail += f',"token_ttl":{p.ttl}'
        tail += f',"token_issue_time":"{rfc3339_seconds(issue_ns, local_offset)}"'
        req_tok = f'"client_token":"{ct}","client_token_accessor":"{acc}"'
        return Token(gen, ct, acc, head, tail, req_tok, issue_ns)
