"""Vocabulary of the synthetic Vault log: name pools, fake HMACs, and the model dataclasses.

Everything is drawn from one seeded RNG and uses obviously fake values only: ``acme.example``
(RFC 2606), TEST-NET / 10.x / ``2001:db8::`` addresses, random UUIDs. HMAC'd values are SHA-256
of a seed-salted label, so they are stable per seed (one salt = one audit device) and look like
``hmac-sha256:<64 hex>``. Pre-rendered JSON fragments are kept on the objects so the stream
only concatenates strings.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

TEAMS = (
    "payments", "billing", "checkout", "identity", "search", "catalog", "orders", "shipping",
    "inventory", "pricing", "fraud", "ledger", "notifications", "messaging", "analytics", "ml",
    "data", "platform", "sre", "security", "observability", "mobile", "web", "partners",
    "support", "marketing", "growth", "risk", "compliance", "reporting", "media", "maps",
    "loyalty", "accounts", "gateway", "team-a",
)  # fmt: skip
APPS = (
    "api", "worker", "web", "scheduler", "ingest", "gateway", "reporting", "sync", "notifier",
    "exporter", "indexer", "auth", "consumer", "batch", "cron", "admin", "graphql", "webhooks",
)  # fmt: skip
LEAVES = (
    "db", "db-readonly", "api-key", "stripe", "sendgrid", "tls", "oauth-client", "redis", "s3",
    "jwt-signing", "webhook-secret", "config", "kafka", "slack-webhook", "datadog", "sentry-dsn",
    "github-app", "ssh-deploy-key", "smtp", "encryption-key", "pagerduty", "twilio", "ldap-bind",
)  # fmt: skip
LEAF_KEYS = ("password", "username", "api_key", "url", "cert", "private_key", "token", "host")
ENVS = (("prod", 6), ("staging", 3), ("dev", 1))
FIRST = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe",
    "amir", "bea", "chen", "dara", "emeka", "farah", "goran", "hana", "ines", "jonas", "kofi",
)  # fmt: skip
LAST = (
    "nguyen", "garcia", "smith", "okafor", "tanaka", "muller", "rossi", "kowalski", "silva",
    "haddad", "larsen", "novak", "patel", "kim", "dubois", "ivanova", "santos", "brown", "li",
)  # fmt: skip
# Human time zones (minutes east of UTC) and the share of people in each.
TZ_OFFSETS = [-300, -480, 60, 330]
TZ_SHARES = [0.5, 0.2, 0.2, 0.1]
ROOT_ISSUED_NS = 1_710_408_413 * 1_000_000_000  # 2024-03-14T09:26:53Z: cluster init
NAMESPACE_JSON = '{"id":"aBc12","path":"team-a/"}'
ROOT_NAMESPACE_JSON = '{"id":"root"}'


class Hasher:
    """Stable fake HMACs for one audit device (the seed is the device's salt)."""

    def __init__(self, seed: int) -> None:
        self._salt = f"keytrail-synth:{seed}:".encode()

    def __call__(self, label: str) -> str:
        return "hmac-sha256:" + hashlib.sha256(self._salt + label.encode()).hexdigest()


def uuid_from(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def jlist(items: list[str]) -> str:
    return "[" + ",".join(f'"{i}"' for i in items) + "]"


def jmap(items: dict[str, str]) -> str:
    """A Go ``map[string]string`` as ``encoding/json`` writes it: keys sorted."""
    return "{" + ",".join(f'"{k}":"{items[k]}"' for k in sorted(items)) + "}"


@dataclass(slots=True)
class Mount:
    path: str
    type: str
    accessor: str
    version: str
    mount_class: str
    req: str = ""  # mount fields of the request block
    resp: str = ""  # same fields as the response block names them

    def __post_init__(self) -> None:
        cls = f',"mount_class":"{self.mount_class}"' if self.mount_class else ""
        head = (
            f'"mount_point":"{self.path}","mount_type":"{self.type}",'
            f'"mount_accessor":"{self.accessor}"'
        )
        self.req = f'{head},"mount_running_version":"{self.version}"{cls}'
        self.resp = f'{head},"mount_running_plugin_version":"{self.version}"{cls}'


@dataclass(slots=True)
class Secret:
    mount: Mount
    rel: str  # path below the mount, e.g. payments/prod/api/db
    keys: tuple[str, ...]
    version: int
    team: str
    namespaced: bool


@dataclass(slots=True)
class Token:
    """One issued token: its HMACs and the pre-rendered pieces of the ``auth`` block."""

    gen: int
    client_token: str
    accessor: str
    head: str  # client_token .. identity_policies
    tail: str  # metadata .. token_issue_time
    req_tok: str  # "client_token":..,"client_token_accessor":.. of the request block
    issue_ns: int
    by_policy: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Principal:
    idx: int
    method: str  # kubernetes, approle, token, nomad, oidc, root
    human: bool
    admin: bool
    batch: bool
    team: str
    name: str
    display_name: str
    entity_id: str
    metadata: dict[str, str]
    token_policies: list[str]
    identity_policies: list[str] | None
    identity_null: bool
    grant_policy: str
    ip: str
    tz: int
    weight: float
    ttl: int
    namespaced: bool
    secrets: list[int] = field(default_factory=list)
    secret_cw: list[float] = field(default_factory=list)
    db_roles: list[str] = field(default_factory=list)
    expiry_ns: int = 0
    token: Token | None = None
    stale_token: str = ""
    client_id: str = ""
