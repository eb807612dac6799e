"""Properties: recognise/build never raise on any JSON, rows always fit the lake schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.schema import load
from ingest.snapshots.azure import KINDS, build, recognise
from ingest.snapshots.model import SnapshotDoc

SCHEMA = load()
ACTIONS = set(SCHEMA.vocabularies["action"])
PRINCIPAL_TYPES = set(SCHEMA.vocabularies["principal_type"])
TABLES = ("grants", "principals", "secrets")
SUB = "/subscriptions/00000000-0000-4000-8000-00000000ac3e"
VAULT = SUB + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-01-02T03:04:05.1234567Z", "2024-05-03T10:21:07+00:00", "Get"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
OIDS = st.sampled_from(
    ["ac3e0000-0000-4000-a000-000000000001", "AC3E0000-0000-4000-A000-000000000002"]
)
PERMS = st.lists(
    st.sampled_from(["get", "List", "SET", "all", "purge", "rotate"]) | scalars, max_size=4
)
policies = st.fixed_dictionaries(
    {
        "objectId": OIDS | scalars,
        "permissions": st.fixed_dictionaries({"secrets": PERMS | scalars}),
    },
    optional={"applicationId": st.none() | st.just("ac3e0000-0000-4000-b000-000000000009")},
)
vaults = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["kv-a", "KV-B"]) | scalars,
        "id": st.sampled_from(
            [VAULT, SUB + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-b"]
        )
        | scalars,
    },
    optional={
        "properties": st.fixed_dictionaries(
            {},
            optional={
                "accessPolicies": st.lists(policies | scalars, max_size=3) | scalars,
                "enableRbacAuthorization": st.booleans() | scalars,
                "vaultUri": st.sampled_from(["https://kv-a.vault.azure.net/"]) | scalars,
                "enablePurgeProtection": scalars,
            },
        )
    },
)
SCOPES = st.sampled_from(
    [
        "/",
        SUB,
        SUB + "/resourceGroups/rg",
        VAULT,
        VAULT + "/secrets/Db",
        "/providers/Microsoft.Management/managementGroups/m",
        SUB + "/x/y",
    ]
)
ROLES = st.sampled_from(
    [
        "Owner",
        "Key Vault Secrets User",
        "Key Vault Reader",
        "Reader",
        "Key Vault Crypto User",
        "Key Vault Certificate User",
        "Custom",
    ]
)
assignments = st.fixed_dictionaries(
    {"principalId": OIDS, "scope": SCOPES | scalars},
    optional={
        "roleDefinitionName": ROLES | scalars,
        "principalType": st.sampled_from(
            ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]
        )
        | scalars,
        "principalName": st.sampled_from(["", "a@acme.example"]) | scalars,
        "roleDefinitionId": st.just("/x/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"),
        "condition": scalars,
    },
)
IDS = st.sampled_from(
    [
        "https://kv-a.vault.azure.net/secrets/db",
        "https://KV-A.vault.azure.net/secrets/Db",
        "https://kv-b.vault.azure.net/secrets/x/0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "https://kv-a.vault.azure.net/keys/k",
        "https://kv-a.vault.azure.net/deletedsecrets/old",
    ]
)
secret_items = st.fixed_dictionaries(
    {
        "id": IDS,
        "attributes": st.fixed_dictionaries(
            {},
            optional={
                k: scalars | st.integers(0, 2**33)
                for k in (
                    "created",
                    "updated",
                    "enabled",
                    "expires",
                    "exp",
                    "notBefore",
                    "recoveryLevel",
                )
            },
        ),
    },
    optional={
        "tags": json_values,
        "name": scalars,
        "contentType": scalars,
        "managed": scalars,
        "deletedDate": scalars,
        "recoveryId": scalars,
    },
)
shaped = vaults | assignments | secret_items
payloads = (
    json_values
    | shaped
    | st.lists(shaped, max_size=4)
    | st.lists(assignments, min_size=1, max_size=4)
    | st.lists(secret_items, min_size=1, max_size=4).map(lambda v: {"value": v})
)
times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def doc_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [SnapshotDoc(f"/hyp/{i}.json", None, draw(payloads), draw(times)) for i in range(count)]


def _check_rows(name: str, rows: list[dict[str, Any]]) -> None:
    table = SCHEMA[name]
    for row in rows:
        assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
        assert row["source"] == "azure"
        if "principal_type" in row:
            assert row["principal_type"] in PRINCIPAL_TYPES
        if name == "grants":
            assert row["actions"]
            assert set(row["actions"]) <= ACTIONS
            assert row["effect"] == "allow"
        for col in table.columns:
            if not col.nullable and col.name != "ingest_id":
                assert row[col.name] is not None, f"{name}.{col.name} is null"
    pa.Table.from_pylist([{**r, "ingest_id": "hyp"} for r in rows], schema=table.arrow_schema())


@settings(max_examples=400, deadline=None)
@given(payload=payloads, api_path=st.none() | st.text(max_size=20))
def test_recognise_never_raises(payload: Any, api_path: str | None) -> None:
    kind = recognise(payload, api_path)
    assert kind is None or kind in KINDS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=doc_sets())
def test_build_never_raises_and_rows_fit_the_schema(docs: list[SnapshotDoc]) -> None:
    result = build(docs)
    for name in TABLES:
        _check_rows(name, getattr(result, name))
    assert set(result.per_file) == {d.origin_file for d in docs}
    for outcome in result.per_file.values():
        assert outcome.kind is None or outcome.kind in KINDS
        assert "internal error" not in (outcome.problem or "")
    assert not [w for w in result.warnings if "internal error" in w]
    written = sum(o.rows_written for o in result.per_file.values())
    assert written == sum(len(getattr(result, n)) for n in TABLES)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=doc_sets())
def test_build_does_not_depend_on_input_order(docs: list[SnapshotDoc]) -> None:
    assert build(docs) == build(list(reversed(docs)))
