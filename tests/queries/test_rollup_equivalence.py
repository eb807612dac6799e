"""Queries rewritten for speed answer exactly as their one-pass events-only form did.

first-seen-pairs, new-source-ip, off-hours-reads and volume-spikes read whole days from ingest-time
rollups and only the days a window boundary cuts from the events; denied-bursts scans the
successes of burst principals separately; credential-blast-radius matches a given credential
with constant filters in separate scans. ``reference/`` keeps the SQL each query had before
(reviewed and tested then; also the raw-JSON side of ``bench/queries.py``); on a lake of random
events over three weeks, with windows whose edges fall mid-day, both must return the same rows.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from queries import catalogue
from tests.queries.given import build

REFERENCE = Path(__file__).with_name("reference")
START = datetime(2026, 3, 1, tzinfo=UTC)


def _events(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    # None: a request Vault refused before it knew who made it (no principal at all)
    principals = [("vault", "ent-a"), ("aws", "AIDAA"), ("vault", "ent-b"), ("gcp", "svc-c")]
    principals += [("vault", None)]
    secrets = [f"vault://p/secret/s{i}" for i in range(60)]
    rows = []
    for n in range(1500):
        source, principal = rng.choice(principals)
        # people work days, the service account works all hours
        hour = rng.randrange(24) if principal == "svc-c" else rng.choice([9, 10, 11, 14, 16, 3])
        when = START + timedelta(days=rng.randrange(21), hours=hour, minutes=rng.randrange(60))
        rows.append(
            {
                "event_time": when.isoformat(),
                "event_id": f"e{n}",
                "source": source,
                "principal_id": principal,
                "secret_id": rng.choice(secrets),
                "secret_name": None,
                "action": rng.choice(["read", "read", "read", "list"]),
                "outcome": rng.choice(["success"] * 6 + ["denied"]),
                "source_ip": rng.choice(["10.0.0.1", "10.0.0.2", f"203.0.113.{n % 40}", None]),
                "credential_id": rng.choice(["acc-1", "acc-2", None]),
                "session_id": rng.choice(["hmac-sha256:t1", "acc-1", None]),
            }
        )
    return rows


def _rows(rows: list[tuple[Any, ...]]) -> list[str]:
    def norm(v: Any) -> Any:
        return sorted(v, key=repr) if isinstance(v, list) else v

    return sorted(repr(tuple(norm(v) for v in r)) for r in rows)


IDENTITIES = [
    {"source": "vault", "principal_id": "ent-a", "identity_id": "email:a@x.example",
     "identity_name": "a"},
    {"source": "aws", "principal_id": "AIDAA", "identity_id": "email:a@x.example",
     "identity_name": "a"},
]  # fmt: skip

WINDOWS = [
    # edges mid-day, lookback not a whole number of days
    {"from": "2026-03-12T07:13:00Z", "to": "2026-03-16T19:40:00Z", "lookback": "5d"},
    {"from": "2026-03-12T07:13:00Z", "to": "2026-03-16T19:40:00Z", "lookback": "129h"},
    # midnight edges, window of one day, lookback reaching before the first event
    {"from": "2026-03-15T00:00:00Z", "to": "2026-03-16T00:00:00Z", "lookback": "30d"},
    # window and lookback inside one day
    {"from": "2026-03-10T12:00:00Z", "to": "2026-03-10T18:00:00Z", "lookback": "6h"},
]


@pytest.mark.parametrize("seed", [1, 2])
def test_rollup_backed_queries_match_their_events_only_form(tmp_path: Path, seed: int) -> None:
    con = build(tmp_path / "lake", {"events": _events(seed), "identities": IDENTITIES})
    matched: dict[str, int] = {}
    for reference in sorted(REFERENCE.glob("*.sql")):
        query = catalogue.get(reference.stem)
        for window in WINDOWS:
            params: dict[str, Any] = {k: v for k, v in window.items() if query.param(k)}
            if query.param("lookback_days"):  # volume-spikes: whole days
                params = {"from": window["from"][:10], "to": window["to"][:10]}
                params["lookback_days"] = 9
            if query.param("min_baseline"):
                params["min_baseline"] = 10
            if query.param("max_share"):
                params["max_share"] = 0.2
            if query.param("credential"):  # a token seen as accessor and as session
                params = {"credential": "acc-1", "since": window["from"]}
            if query.param("min_denials"):
                params["min_denials"] = 2
                params["gap"] = "6h"
            got = catalogue.run(con, query, params).fetchall()
            want = con.sql(reference.read_text(), params=catalogue.bind(query, params)).fetchall()
            # same rows; ties in the ORDER BY, and lists without one, may come in any order
            assert _rows(got) == _rows(want), f"{query.id} {params}"
            matched[query.id] = matched.get(query.id, 0) + len(want)
    # every query found something in some window (spikes are rare by design)
    assert all(n for q, n in matched.items() if q != "volume-spikes"), matched
