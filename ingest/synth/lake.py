"""A large synthetic lake, generated column-wise, for query benchmarks (bench/queries.py).

Producing 100M events through the JSON generators and ``keytrail ingest`` would take hours on a
small machine; the query benchmark needs the *lake*, so this writes the events table directly,
through the same writer as ingest (``Lake.write``: partitions, sort order, row groups, bloom
filters), then builds the rollups and identities with the same code ingest runs.

The shape follows the JSON generators: every manager (vault, aws, gcp, azure, k8s, doppler,
onepassword) with its canonical id forms; Zipf popularity of principals and of secrets within a
principal's working set; services read around the clock, people in office hours; ~1.5 % denials;
credentials rotate weekly (Vault tokens daily); a few principals use a second address. One planted
incident per lake gives the investigation queries something to find: ``ci-runner`` credential
``cred-incident`` used at night from 203.0.113.77 on the last day against many secrets, after a
leak row in ``leaks``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from ingest.lake import Lake, rows_to_table
from ingest.rollups import rebuild_identities, update_rollups

INGEST_ID = "20261101T000000Z-synth0"


@dataclass(frozen=True)
class SourceShape:
    name: str
    weight: float  # share of all events
    stores: tuple[str, ...]
    secrets: int
    principals: int
    human_share: float


SHAPES = (
    SourceShape("vault", 0.34, ("acme-prod", "acme-dev"), 20_000, 3_000, 0.3),
    SourceShape("aws", 0.22, ("111122223333/us-east-1", "444455556666/eu-west-1"), 6_000, 800, 0.2),
    SourceShape("k8s", 0.16, ("acme-prod-eks",), 4_000, 600, 0.05),
    SourceShape("gcp", 0.10, ("acme-prod-1234",), 3_000, 400, 0.3),
    SourceShape("azure", 0.08, ("acme-prod-kv", "acme-shared-kv"), 2_000, 300, 0.3),
    SourceShape("doppler", 0.06, ("acme",), 1_500, 200, 0.4),
    SourceShape("onepassword", 0.04, ("acme.1password.com",), 5_000, 400, 0.9),
)
ACTIONS = np.array(["read", "list", "describe", "write", "login", "rotate", "delete"])
ACTION_P = np.array([0.80, 0.05, 0.07, 0.03, 0.035, 0.01, 0.005])
OUTCOMES = np.array(["success", "denied", "failure"])
OUTCOME_P = np.array([0.98, 0.015, 0.005])
OFFICE_HOURS = np.array([0.2] * 7 + [1, 3, 6, 6, 5, 4, 6, 6, 5, 3, 1] + [0.4] * 6)


def _secret_ids(shape: SourceShape) -> pl.Expr:
    """Canonical secret id for index column ``s`` and store column ``store``."""
    name = pl.format("app{}/secret-{}", pl.col("s") % 97, pl.col("s"))
    forms = {
        "vault": pl.format("vault://{}/secret/{}", pl.col("store"), name),
        "aws": pl.format(
            "arn:aws:secretsmanager:{}:{}:secret:{}",
            pl.col("store").str.split("/").list.get(1),
            pl.col("store").str.split("/").list.get(0),
            name,
        ),
        "k8s": pl.format("k8s://{}/ns{}/secret-{}", pl.col("store"), pl.col("s") % 53, pl.col("s")),
        "gcp": pl.format("gcp://projects/{}/secrets/secret-{}", pl.col("store"), pl.col("s")),
        "azure": pl.format(
            "azure://{}.vault.azure.net/secrets/secret-{}", pl.col("store"), pl.col("s")
        ),
        "doppler": pl.format(
            "doppler://{}/app{}/prd/SECRET_{}", pl.col("store"), pl.col("s") % 40, pl.col("s")
        ),
        "onepassword": pl.format(
            "op://{}/vault{}/item{}", pl.col("store"), pl.col("s") % 30, pl.col("s")
        ),
    }
    return forms[shape.name]


def _principal_ids(shape: SourceShape) -> pl.Expr:
    human = pl.col("human")
    person = pl.format("user{}@acme.example", pl.col("p"))
    service = pl.format("svc-{}", pl.col("p"))
    forms = {
        "vault": pl.format("ent-{}", pl.col("p")),
        "aws": pl.when(human)
        .then(pl.format("arn:aws:iam::111122223333:user/user{}", pl.col("p")))
        .otherwise(pl.format("arn:aws:iam::111122223333:role/svc-{}", pl.col("p"))),
        "k8s": pl.when(human)
        .then(person)
        .otherwise(pl.format("system:serviceaccount:ns{}:svc-{}", pl.col("p") % 53, pl.col("p"))),
        "gcp": pl.when(human)
        .then(person)
        .otherwise(pl.format("svc-{}@acme-prod-1234.iam.gserviceaccount.com", pl.col("p"))),
        "azure": pl.format("ac3e0000-0000-4000-a000-{}", pl.col("p").cast(pl.String).str.zfill(12)),
        "doppler": pl.when(human).then(person).otherwise(service),
        "onepassword": pl.when(human)
        .then(person)
        .otherwise(pl.format("svc-{}@1passwordserviceaccounts.com", pl.col("p"))),
    }
    return forms[shape.name]


def _day_frame(shape: SourceShape, day: date, n: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` events of one source on one day."""
    p = np.minimum(rng.zipf(1.25, n), shape.principals) - 1
    human = (p * 2654435761 % 1000) < shape.human_share * 1000
    # Each principal works on its own slice of secrets, popular ones first.
    s = (p * 7919 + np.minimum(rng.zipf(1.6, n), 400) - 1) % shape.secrets
    hours = np.where(
        human,
        rng.choice(24, n, p=OFFICE_HOURS / OFFICE_HOURS.sum()),
        rng.integers(0, 24, n),
    )
    micros = (hours * 3600 + rng.integers(0, 3600, n)) * 1_000_000 + rng.integers(0, 1_000_000, n)
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1_000_000)
    stores = np.array(shape.stores)[(p + s) % len(shape.stores)]
    week = (day.toordinal() // (1 if shape.name == "vault" else 7)) % 10_000
    other_ip = rng.random(n) < 0.002
    frame = pl.DataFrame(
        {
            "p": p,
            "s": s,
            "human": human,
            "store": stores,
            "t": start + micros,
            "action": ACTIONS[rng.choice(len(ACTIONS), n, p=ACTION_P)],
            "outcome": OUTCOMES[rng.choice(len(OUTCOMES), n, p=OUTCOME_P)],
            "ip_tail": np.where(other_ip, rng.integers(1, 250, n), p % 250 + 1),
            "seq": rng.integers(0, 2**62, n),
        }
    )
    return frame.select(
        event_id=pl.format("{}-{}-{}", pl.lit(shape.name), pl.lit(day.isoformat()), pl.col("seq")),
        event_time=pl.col("t").cast(pl.Datetime("us", "UTC")),
        source=pl.lit(shape.name),
        event_date=pl.lit(day),
        store=pl.col("store"),
        action=pl.col("action"),
        source_action=pl.col("action"),
        outcome=pl.col("outcome"),
        error=pl.when(pl.col("outcome") == "denied").then(pl.lit("permission denied")),
        principal_id=_principal_ids(shape),
        principal_name=pl.format("principal-{}", pl.col("p")),
        principal_type=pl.when(pl.col("human")).then(pl.lit("human")).otherwise(pl.lit("service")),
        credential_id=pl.format("cred-{}-{}-{}", pl.lit(shape.name), pl.col("p"), pl.lit(week)),
        auth_method=pl.when(pl.col("human")).then(pl.lit("oidc")).otherwise(pl.lit("token")),
        secret_id=pl.when(pl.col("action") == "login").then(None).otherwise(_secret_ids(shape)),
        secret_version=pl.lit(None, pl.String),
        secret_name=pl.format("secret-{}", pl.col("s")),
        source_ip=pl.format(
            "10.{}.{}.{}", pl.col("p") % 200, pl.col("p") // 200 % 250, pl.col("ip_tail")
        ),
        user_agent=pl.lit("synth/1.0"),
        request_id=pl.col("seq").cast(pl.String),
        raw=pl.concat_str(
            pl.lit('{"source":"' + shape.name + '","principal":'),
            pl.col("p").cast(pl.String),
            pl.lit(',"secret":'),
            pl.col("s").cast(pl.String),
            pl.lit(',"action":"'),
            pl.col("action"),
            pl.lit('","seq":'),
            pl.col("seq").cast(pl.String),
            pl.lit("}"),
        ),
        origin_file=pl.format("/synth/{}/{}.json", pl.lit(shape.name), pl.lit(day.isoformat())),
        origin_line=pl.col("seq") % 1_000_000 + 1,
        ingest_id=pl.lit(INGEST_ID),
    )


def _incident(day: date) -> pl.DataFrame:
    """The planted story: a CI credential used at night from a new address, 60 secrets read."""
    n = 60
    start = datetime(day.year, day.month, day.day, 2, 13, tzinfo=UTC)
    times = [start + timedelta(seconds=17 * i) for i in range(n)]
    return pl.DataFrame(
        {
            "event_id": [f"incident-{i}" for i in range(n)],
            "event_time": times,
            "source": ["vault"] * n,
            "event_date": [day] * n,
            "store": ["acme-prod"] * n,
            "action": ["read"] * n,
            "source_action": ["read secret/data"] * n,
            "outcome": ["success"] * (n - 5) + ["denied"] * 5,
            "principal_id": ["ent-ci-runner"] * n,
            "principal_name": ["approle-ci"] * n,
            "principal_type": ["service"] * n,
            "credential_id": ["cred-incident"] * n,
            "auth_method": ["approle"] * n,
            "secret_id": [
                f"vault://acme-prod/secret/app{i % 97}/secret-{i * 331}" for i in range(n)
            ],
            "secret_name": [f"secret-{i * 331}" for i in range(n)],
            "source_ip": ["203.0.113.77"] * n,
            "user_agent": ["curl/8.5.0"] * n,
            "request_id": [f"incident-req-{i}" for i in range(n)],
            "raw": ['{"incident":true}'] * n,
            "origin_file": ["/synth/vault/incident.json"] * n,
            "origin_line": list(range(1, n + 1)),
            "ingest_id": [INGEST_ID] * n,
        }
    )


def build_lake(
    root: Path,
    events: int,
    *,
    days: int = 90,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> Lake:
    """Write ``events`` synthetic events over ``days`` days ending 2026-11-19 into a new lake."""
    lake = Lake.open(root, create=True)
    rng = np.random.default_rng(seed)
    last = date(2026, 11, 19)
    first = last - timedelta(days=days - 1)
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.5])
    per_day = np.array([weekday[(first + timedelta(d)).weekday()] for d in range(days)])
    counts = np.floor(per_day / per_day.sum() * events).astype(np.int64)
    counts[-1] += events - counts.sum()
    for d in range(days):
        day = first + timedelta(days=d)
        shares = np.array([s.weight for s in SHAPES])
        split = rng.multinomial(int(counts[d]), shares / shares.sum())
        frames = [
            _day_frame(shape, day, int(k), rng) for shape, k in zip(SHAPES, split, strict=True)
        ]
        if d == days - 1:
            frames.append(_incident(day))
        table = pl.concat(frames, how="diagonal_relaxed").to_arrow()
        lake.write("events", table, INGEST_ID)
        if progress is not None:
            progress(d + 1, days)
    leak = {
        "leak_id": hashlib.sha256(b"synth-leak").hexdigest()[:32],
        "detected_time": datetime(last.year, last.month, last.day, 1, 0, tzinfo=UTC),
        "source": "trufflehog",
        "rule": "VaultToken",
        "credential_id": "cred-incident",
        "fingerprint": "0" * 16,
        "location": '{"file":"ci/job-1234.log"}',
        "verified": True,
        "raw": "{}",
        "origin_file": "/synth/trufflehog.jsonl",
        "ingest_id": INGEST_ID,
    }
    lake.write("leaks", rows_to_table("leaks", [leak]), INGEST_ID)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    update_rollups(con, lake, INGEST_ID)
    rebuild_identities(con, lake, INGEST_ID)
    return lake
