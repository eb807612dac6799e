"""Seeded, realistic Vault / OpenBao file-audit-device output (FORMATS.md §1).

``generate_vault(out_dir, lines=N, seed=7)`` writes exactly ``N`` lines, rotated the way
logrotate leaves them, and returns the files oldest first. Same arguments => same bytes.

Entries use the field order of OpenBao's ``audit/format.go`` (= Vault before 1.16):
``time, type, auth, request, response, error``; nested maps have sorted keys, as Go's
``encoding/json`` writes them. What the stream models (rates approximate):

* principals: ~8% people (OIDC; working hours in four time zones, weekdays), the rest services
  (Kubernetes, AppRole, plain and Nomad-style tokens) with heavy-tailed activity, 10% of them
  nightly batch jobs (02:00 UTC spike); a root token used rarely.
* Zipf secret popularity; each principal reads mostly its own working set.
* logins when a token is due (``auth/kubernetes/login``, ``auth/approle/login``,
  ``auth/oidc/oidc/callback``; ``response.auth`` carries the new token), ``renew-self``,
  ``lookup-self``; KV v2 read/list/metadata/write/create/soft delete/destroy/undelete/purge;
  KV v1 on ``kv/``; ``database/creds/<role>`` with ``response.secret.lease_id`` in clear;
  ``sys/policies/acl`` updates; ``sys/leases/revoke``; rare ``help`` entries (no
  ``request.id``, as Vault writes them); KMIP entries (no auth, no id, ``remote_address`` with
  ``:port``); requests in namespace ``team-a/``; a few IPv6 clients.
* ~2% ``permission denied`` (error on both entries; auth is either the minimal
  ``{"token_type":"default"}`` of an expired token or the full block with
  ``policy_results.allowed=false``), a few AppRole login failures.
* clock granularity varies (ns mostly; us, ms, whole seconds) so fraction lengths 0-9 all
  occur; ~1 hclog server line per 100k lines; a few exact duplicate lines (re-delivery).

Tail: the last few requests may have no response entry (the file was copied while they were
in flight). ``help`` and KMIP entries carry no ``request.id`` and are not paired.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from itertools import accumulate, count
from pathlib import Path

from ingest.synth._clock import CAT_HUMAN0, HOUR_NS, Pacer, hclog_time, parse_utc
from ingest.synth._rotate import RotatingWriter
from ingest.synth._vault_model import TZ_OFFSETS, TZ_SHARES, Principal
from ingest.synth._vault_sys import SysOpsMixin
from ingest.synth._vault_world import World

__all__ = ["BASE_NAME", "DEFAULT_START", "VaultStream", "generate_vault"]

DEFAULT_START = "2026-11-01T00:00:00Z"
BASE_NAME = "vault_audit.log"
# Share of slots that also carry a login pair (roughly; only used to place the rare kinds).
_LOGIN_FRACTION = 0.2

SERVICE_MIX = (
    ("kv2_read", 80), ("kv1_read", 5), ("db_creds", 4), ("renew", 4), ("lookup", 2.5),
    ("kv2_meta", 1.5), ("kv2_list", 1.5), ("kv2_write", 1.5),
)  # fmt: skip
HUMAN_MIX = (
    ("kv2_read", 36), ("kv2_list", 14), ("kv2_meta", 12), ("kv2_write", 8), ("kv2_create", 2),
    ("lookup", 5), ("kv1_read", 4), ("kv1_list", 2), ("db_creds", 5), ("soft_delete", 2),
    ("undelete", 0.6), ("destroy", 0.4), ("purge", 0.15), ("help", 0.1), ("policy_update", 0.3),
    ("lease_revoke", 0.2),
)  # fmt: skip
ADMIN_MIX = (*HUMAN_MIX, ("policy_update", 4), ("lease_revoke", 3), ("destroy", 1))
DENY_RATE = {"service": 0.019, "human": 0.06, "admin": 0.02}
# Rare kinds at seeded random slots: (kind, one per this many slots, minimum count).
FORCED = (
    ("kmip", 60_000, 2), ("help", 30_000, 2), ("root", 20_000, 2), ("server_log", 50_000, 1),
    ("duplicate", 20_000, 2), ("approle_fail", 5_000, 1), ("ns_read", 0, 2), ("ipv6_read", 0, 2),
    ("destroy", 0, 1), ("undelete", 0, 1), ("purge", 0, 1), ("policy_update", 0, 1),
    ("lease_revoke", 0, 1), ("soft_delete", 0, 1), ("kv2_create", 0, 1), ("kv1_list", 0, 1),
    ("oidc_login", 0, 1), ("denied_min", 0, 2), ("denied_full", 0, 2),
)  # fmt: skip
_MIN_SLOTS_FOR_FORCED = 400


def _mix(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [k for k, _ in pairs], list(accumulate(w for _, w in pairs))


class VaultStream(SysOpsMixin):
    """The audit line stream, in time order, as batches of ``\\n``-terminated strings."""

    def __init__(
        self,
        *,
        lines: int,
        seed: int,
        start: str = DEFAULT_START,
        days: float = 14,
        principals: int = 3000,
        secrets: int = 5000,
        store_name: str = "acme-prod",
    ) -> None:
        start_ns = parse_utc(start)
        super().__init__(
            World(seed, max(principals, 10), max(secrets, 20), start_ns), seed, store_name
        )
        self.start_ns = start_ns
        self.days = days
        self.lines = lines
        self.slots = int(lines / 2 / (1 + _LOGIN_FRACTION) * 0.9)  # a safe under-estimate
        self.mixes = {
            "service": _mix(SERVICE_MIX),
            "human": _mix(HUMAN_MIX),
            "admin": _mix(ADMIN_MIX),
        }
        self.forced = self._place_forced()
        self.handlers: dict[str, Callable[[Principal, int, bool], None]] = {
            "kv2_read": self.kv2_read, "kv1_read": self.kv1_read, "db_creds": self.db_creds,
            "renew": self.renew, "lookup": self.lookup, "kv2_meta": self.kv2_meta,
            "kv2_list": self.kv2_list, "kv2_write": self.kv2_write, "kv2_create": self.kv2_create,
            "kv1_list": self.kv1_list, "soft_delete": self.soft_delete, "undelete": self.undelete,
            "destroy": self.destroy, "purge": self.purge, "help": self.help_op,
            "policy_update": self.policy_update, "lease_revoke": self.lease_revoke,
        }  # fmt: skip

    def _place_forced(self) -> dict[int, str]:
        if self.slots < _MIN_SLOTS_FOR_FORCED:
            return {}
        rng = random.Random(self.rng.getrandbits(64))
        forced: dict[int, str] = {}
        for kind, every, minimum in FORCED:
            count = max(minimum, self.slots // every if every else 0)
            for i in rng.sample(range(self.slots), count):
                forced.setdefault(i, kind)
        return forced

    def batches(self) -> Iterator[list[str]]:
        """Yield lists of lines in time order, without end (the consumer stops)."""
        w, rnd, forced = self.w, self.rnd, self.forced
        pools = ["service", "batch"] + [f"human{i}" for i in range(len(TZ_OFFSETS))]
        pacer = Pacer(self.start_ns, self.days, self.lines, TZ_OFFSETS, TZ_SHARES)
        slot = done = 0
        for hour in count():
            cum = pacer.weights(hour)
            base = self.start_ns + hour * HOUR_NS
            n = pacer.count(hour, cum, done + len(self.out), slot)
            for off in sorted(int(rnd() * HOUR_NS) for _ in range(n)):
                kind = forced.get(slot)
                if kind is None:
                    cat = bisect(cum, rnd() * cum[-1])
                    self.act(w.pick(pools[cat], rnd()), base + off, cat >= CAT_HUMAN0)
                else:
                    self.rare(kind, base + off)
                slot += 1
                if len(self.out) >= 2048:
                    done += len(self.out)
                    yield self.out
                    self.out = []
            if self.out:  # small inputs: hand over what the hour produced
                done += len(self.out)
                yield self.out
                self.out = []

    def act(self, p: Principal, t: int, human: bool) -> None:
        """One request of ``p`` at ``t`` (preceded by a login when its token is due)."""
        if t >= p.expiry_ns:
            t = self.login(p, t)
        who = "admin" if p.admin else "human" if human else "service"
        kinds, cw = self.mixes[who]
        kind = kinds[bisect(cw, self.rnd() * cw[-1])]
        self.handlers[kind](p, t, self.rnd() < DENY_RATE[who])

    def rare(self, kind: str, t: int) -> None:
        w, rnd = self.w, self.rnd
        if kind == "kmip":
            self.kmip(t)
        elif kind == "server_log":
            self.emit(t, self.server_line(t))
        elif kind == "duplicate":  # an exact re-delivered line
            self.act(w.pick("service", rnd()), t, False)
            self.out.append(self.out[-1])
        elif kind == "root":
            root = w.principals[0]
            (self.policy_update if rnd() < 0.5 else self.kv2_read)(root, t, False)
        elif kind == "approle_fail":
            self.login(w.pick("service", rnd()), t, fail=True, method="approle")
        elif kind == "oidc_login":
            p = w.pick("human0", rnd())
            self.login(p, t, method="oidc")
        elif kind == "ns_read":
            ns = w.team_secrets["team-a"]
            self.kv2_read(w.pick("ns", rnd()), t, False, idx=ns[int(rnd() * len(ns))])
        elif kind == "ipv6_read":
            p = w.pick("service", rnd())
            ip, p.ip = p.ip, f"2001:db8:4b1::{p.idx:x}"
            self.kv2_read(p, t, False)
            p.ip = ip
        elif kind in ("denied_min", "denied_full"):
            self.kv2_read(w.pick("service", rnd()), t, True, minimal=kind == "denied_min")
        elif kind in ("kv2_create", "kv1_list"):
            self.handlers[kind](w.pick("human0", rnd()), t, False)
        else:  # admin work: destroy, undelete, purge, policy_update, lease_revoke, soft_delete
            self.handlers[kind](w.pick("admin", rnd()), t, False)

    def server_line(self, t: int) -> str:
        """A line of Vault's own (hclog) log that ended up in the audit file."""
        ts = hclog_time(t)
        lease = self.leases[-1] if self.leases else "database/creds/payments-ro/0"
        k8s = self.w.auth_mounts["kubernetes"].accessor
        choices = (
            f'{ts} [INFO]  core: successful mount: namespace="" path=secret/ type=kv version=""',
            f"{ts} [INFO]  expiration: revoked lease: lease_id={lease}",
            f"{ts} [INFO]  core: acquired lock, enabling active operation: name={self.store_name}",
            f'{ts} [WARN]  auth.kubernetes.{k8s}: login unauthorized: error="context deadline"',
            f"{ts} [INFO]  rollback: starting rollback manager",
        )
        return choices[int(self.rnd() * len(choices))] + "\n"


def generate_vault(
    out_dir: Path,
    *,
    lines: int,
    seed: int = 7,
    start: str = DEFAULT_START,
    days: float = 14,
    rotate_lines: int | None = None,
    principals: int = 3000,
    secrets: int = 5000,
    store_name: str = "acme-prod",
    gzip_level: int = 1,
) -> list[Path]:
    """Write exactly ``lines`` audit lines into ``out_dir``; return the files, oldest first.

    ``rotate_lines`` caps each file (default: ``ceil(lines / 3.5)``, i.e. three full files and
    a half-full current one). Names: ``vault_audit.log.K.gz`` ... ``vault_audit.log.2.gz``
    (gzip), ``vault_audit.log.1`` and ``vault_audit.log`` (plain).
    """
    if lines < 1:
        raise ValueError("lines must be >= 1")
    per_file = rotate_lines or -(-2 * lines // 7)
    stream = VaultStream(
        lines=lines, seed=seed, start=start, days=days, principals=principals, secrets=secrets,
        store_name=store_name,
    )  # fmt: skip
    writer = RotatingWriter(Path(out_dir), BASE_NAME, lines, per_file, gzip_level)
    try:
        for batch in stream.batches():
            if not writer.feed(batch):
                break
    except BaseException:
        writer.abort()
        raise
    return writer.close()
