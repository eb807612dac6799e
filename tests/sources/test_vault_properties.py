"""Hypothesis: the Vault adapter never raises on arbitrary JSON-ish input; every record becomes a
valid row or a quarantine row, and the counts always balance."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.pipeline import run_ingest
from queries.lake import connect

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
times = st.one_of(
    st.sampled_from(
        [
            "2026-11-02T10:00:00Z",
            "2026-11-02T10:00:00.123456789Z",
            "2026-11-02T05:00:00-05:00",
            "2026-11-02T10:00:00.1234567+00:00",
            "not a time",
            "",
            "2026-13-40T99:00:00Z",
        ]
    ),
    json_values,
)
paths = st.sampled_from(
    [
        "secret/data/a/b",
        "secret/metadata/",
        "secret/destroy/x",
        "kv/x",
        "auth/oidc/oidc/callback",
        "sys/policies/acl/p",
        "database/creds/r",
        "",
        "/",
        "a//b",
        "auth/",
        "identity/entity/id/1",
    ]
)
vaultish = st.fixed_dictionaries(
    {
        "time": times,
        "type": st.one_of(
            st.sampled_from(["request", "response", "kmip-request", "kmip-response"]), json_values
        ),
    },
    optional={
        "auth": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "accessor": st.one_of(st.text(max_size=10), json_values),
                    "entity_id": st.one_of(st.text(max_size=10), json_values),
                    "display_name": st.one_of(
                        st.sampled_from(["oidc-a@b.example", "root", "approle", ""]), json_values
                    ),
                    "policies": st.one_of(st.lists(st.text(max_size=5), max_size=3), json_values),
                },
            ),
            json_values,
        ),
        "request": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": st.one_of(st.sampled_from(["r1", "r2", "r3"]), json_values),
                    "operation": st.one_of(
                        st.sampled_from(["read", "list", "update", "delete", "help"]), json_values
                    ),
                    "path": st.one_of(paths, json_values),
                    "mount_type": st.one_of(
                        st.sampled_from(["kv", "database", "system", "oidc"]), json_values
                    ),
                    "mount_point": st.one_of(
                        st.sampled_from(["secret/", "kv/", "auth/oidc/", ""]), json_values
                    ),
                    "namespace": st.one_of(
                        st.fixed_dictionaries({"id": st.text(max_size=4)}), json_values
                    ),
                    "remote_address": st.one_of(
                        st.sampled_from(["10.0.0.1", "[2001:db8::1]:8200", "1.2.3.4:5"]),
                        json_values,
                    ),
                },
            ),
            json_values,
        ),
        "response": json_values,
        "error": json_values,
    },
)
line = st.one_of(
    vaultish.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    vaultish.map(lambda d: "prefix: " + json.dumps(d)),
    vaultish.map(lambda d: json.dumps({"message": json.dumps(d)})),
)

VOCAB = schema.load().vocabularies


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=12))
def test_adapter_never_raises_and_rows_validate(lines: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "vault_audit.log"
        src.parent.mkdir()
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = run_ingest([src], Path(tmp) / "lake", source="vault")
        (f,) = report.files
        assert f.balanced(), f
        con = connect(Path(tmp) / "lake")
        rows = con.sql("SELECT action, outcome, principal_type, event_time FROM events").fetchall()
        assert len(rows) == f.events_written
        for action, outcome, ptype, when in rows:
            assert action in VOCAB["action"]
            assert outcome in VOCAB["outcome"]
            assert ptype in VOCAB["principal_type"]
            assert when.tzinfo is not None and when.utcoffset() == UTC.utcoffset(None)
        ((q,),) = con.sql("SELECT count(*) FROM quarantine").fetchall()
        assert q == f.quarantined
