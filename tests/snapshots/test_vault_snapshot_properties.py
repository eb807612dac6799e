"""Properties: recognise/build never raise on any JSON, rows always fit the lake schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.schema import load
from ingest.snapshots.vault import KINDS, SnapshotDoc, build, parse_rfc3339, recognise

SCHEMA = load()
ACTIONS = set(SCHEMA.vocabularies["action"])
PRINCIPAL_TYPES = set(SCHEMA.vocabularies["principal_type"])
TABLES = ("grants", "principals", "secrets")

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-01-02T03:04:05.123456789Z", "root", "default", "deny", "+", "*"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
# Keys Vault responses use, so generated documents reach deep into every parser.
VAULT_KEYS = [
    "keys", "key_info", "policy", "rules", "name", "id", "aliases", "policies", "token_policies",
    "member_entity_ids", "member_group_ids", "parent_group_ids", "direct_group_ids", "group_ids",
    "inherited_group_ids", "versions", "current_version", "created_time", "updated_time",
    "custom_metadata", "delete_version_after", "data", "metadata", "type", "options", "accessor",
    "bound_service_account_names", "bound_service_account_namespaces", "role_type", "user_claim",
    "bound_subject", "allowed_policies", "disallowed_policies", "allowed_policies_glob",
    "bind_secret_id", "secret_id_ttl", "token_no_default_policy", "token_bound_cidrs",
    "mount_accessor", "mount_path", "mount_type", "disabled", "alias", "canonical_id", "role_id",
    "secret/", "kv/", "approle/", "oidc/", "kubernetes/",
]  # fmt: skip
POLICY_TEXTS = [
    'path "secret/data/*" { capabilities = ["read", "list"] }',
    'path "secret/+/x/*" { capabilities = ["deny"] }',
    'path "*" { capabilities = ["sudo"] allowed_parameters = { "*" = [] } }',
    'path "sys/policies/acl/*" { capabilities = ["update"] }\npath "kv/a" { policy = "write" }',
    '{"path": {"database/creds/x": {"capabilities": ["read"]}}}',
    'path "x" { capabilities = ["read"',
]
vaultish = st.dictionaries(st.sampled_from(VAULT_KEYS), json_values, max_size=7)
mount_spec = st.fixed_dictionaries(
    {"type": st.sampled_from(["kv", "approle", "oidc", "kubernetes", "database"]) | scalars},
    optional={"options": json_values, "accessor": st.text(max_size=10)},
)
mount_maps = st.dictionaries(st.sampled_from(["secret/", "kv/", "approle/", "oidc/"]), mount_spec)
policies = st.fixed_dictionaries(
    {"policy": st.sampled_from(POLICY_TEXTS) | st.text(max_size=40)},
    optional={"name": st.text(max_size=6)},
)
entity_or_group = st.fixed_dictionaries(
    {"id": st.sampled_from(["e1", "e2", "g1", "g2"]) | json_values},
    optional={k: json_values | st.lists(st.sampled_from(["e1", "e2", "g1", "g2"]))
              for k in ("aliases", "policies", "member_entity_ids", "member_group_ids",
                        "parent_group_ids", "direct_group_ids", "name")},
)  # fmt: skip
data_values = json_values | vaultish | mount_maps | policies | entity_or_group
payloads = data_values | data_values.map(lambda d: {"request_id": "r", "lease_id": "", "data": d})
API_PATHS = [
    "sys/mounts", "sys/auth", "sys/policies/acl", "sys/policies/acl/p", "sys/policy/q",
    "auth/approle/role/r", "auth/kubernetes/role/k", "auth/jwt/role/j", "auth/token/roles/t",
    "auth/approle/role", "identity/entity/id/e1", "identity/group/id/g1", "identity/entity/id",
    "secret/metadata/a/b", "secret/metadata", "kv/metadata/x", "v1/secret/data/x", "",
]  # fmt: skip
api_paths = st.none() | st.sampled_from(API_PATHS) | st.text(max_size=24)
times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
) | st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1))


@st.composite
def doc_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        SnapshotDoc(f"/hyp/{i}.json", draw(api_paths), draw(payloads), draw(times))
        for i in range(count)
    ]


NAMES = st.sampled_from(["p", "q", "default", "root", "missing"])
IDS = st.sampled_from(["e1", "e2", "g1", "g2", "g3"])
timestamps = (
    st.sampled_from(
        ["2026-01-02T03:04:05.1234567Z", "2025-05-05T05:05:05+02:00", "", "0001-01-01T00:00:00Z"]
    )
    | json_values
)


aliases = st.fixed_dictionaries(
    {"name": st.text(max_size=6)},
    optional={k: st.text(max_size=6) for k in ("mount_type", "mount_accessor", "mount_path")},
)


@st.composite
def coherent_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    """A plausible snapshot set with random gaps and odd values: reaches grants and secrets."""
    when = draw(times)
    docs: list[SnapshotDoc] = []

    def add(api_path: str | None, data: Any) -> None:
        payload = {"request_id": "r", "data": data} if draw(st.booleans()) else data
        docs.append(SnapshotDoc(f"/hyp/{len(docs)}.json", api_path, payload, when))

    if draw(st.booleans()):
        add(
            "sys/mounts",
            {"secret/": {"type": "kv", "options": {"version": "2"}}, **draw(mount_maps)},
        )
    for name in draw(st.lists(NAMES, unique=True, max_size=3)):
        add(
            f"sys/policies/acl/{name}",
            {"name": name, "policy": draw(st.sampled_from(POLICY_TEXTS))},
        )
    for i in range(draw(st.integers(0, 2))):
        role = {"token_policies": draw(st.lists(NAMES, max_size=3)), "secret_id_ttl": 1}
        add(f"auth/approle/role/r{i}", {**role, **draw(vaultish)})
    for gid in draw(st.lists(st.sampled_from(["g1", "g2", "g3"]), unique=True, max_size=3)):
        add(f"identity/group/id/{gid}", {
            "id": gid, "name": draw(st.text(max_size=4)), "policies": draw(st.lists(NAMES)),
            "member_entity_ids": draw(st.lists(IDS)), "member_group_ids": draw(st.lists(IDS)),
            "parent_group_ids": draw(st.lists(IDS))})  # fmt: skip
    for eid in draw(st.lists(st.sampled_from(["e1", "e2"]), unique=True, max_size=2)):
        add(f"identity/entity/id/{eid}", {
            "id": eid, "name": eid, "policies": draw(st.lists(NAMES)),
            "direct_group_ids": draw(st.lists(IDS)), "disabled": draw(scalars),
            "aliases": draw(st.lists(aliases))})  # fmt: skip
    for path in draw(st.lists(st.sampled_from(["a", "a/b", "", "x/"]), max_size=3)):
        version = st.fixed_dictionaries(
            {"created_time": timestamps, "deletion_time": timestamps, "destroyed": scalars}
        )
        add(f"secret/metadata/{path}", {
            "current_version": draw(st.integers(0, 3) | json_values),
            "versions": draw(st.dictionaries(st.sampled_from(["1", "2", "3"]), version)),
            "created_time": draw(timestamps), "updated_time": draw(timestamps),
            "custom_metadata": draw(json_values | st.dictionaries(
                st.sampled_from(["owner", "team", "Owner", "x"]), json_values)),
            "delete_version_after": draw(scalars)})  # fmt: skip
    return docs


def _check_rows(name: str, rows: list[dict[str, Any]]) -> None:
    table = SCHEMA[name]
    for row in rows:
        assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
        assert row["principal_type"] in PRINCIPAL_TYPES if "principal_type" in row else True
        if name == "grants":
            assert row["actions"]
            assert set(row["actions"]) <= ACTIONS
            assert row["effect"] in ("allow", "deny")
        for col in table.columns:
            if not col.nullable and col.name != "ingest_id":
                assert row[col.name] is not None, f"{name}.{col.name} is null"
    # and the rows convert to the table's Arrow schema (types, timestamps, maps)
    pa.Table.from_pylist([{**r, "ingest_id": "hyp"} for r in rows], schema=table.arrow_schema())


@settings(max_examples=400, deadline=None)
@given(payload=payloads | json_values, api_path=api_paths)
def test_recognise_never_raises(payload: Any, api_path: str | None) -> None:
    kind = recognise(payload, api_path)
    assert kind is None or kind in KINDS


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=doc_sets() | coherent_sets())
def test_build_never_raises_and_rows_fit_the_schema(docs: list[SnapshotDoc]) -> None:
    result = build(docs, store="hyp")
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
@given(docs=doc_sets() | coherent_sets())
def test_build_does_not_depend_on_input_order(docs: list[SnapshotDoc]) -> None:
    assert build(docs, store="hyp") == build(list(reversed(docs)), store="hyp")


@given(st.text(max_size=40) | json_values)
def test_parse_rfc3339_never_raises(value: Any) -> None:
    parsed = parse_rfc3339(value)
    assert parsed is None or parsed.tzinfo is UTC


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=0, max_value=9),
)
def test_parse_rfc3339_any_fraction_width(moment: datetime, digits: int) -> None:
    base = moment.replace(tzinfo=UTC)
    fraction = f"{base.microsecond:06d}{'123'}"[:digits]
    text = base.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if digits else "") + "Z"
    micros = int(fraction.ljust(6, "0")[:6]) if digits else 0
    assert parse_rfc3339(text) == base.replace(microsecond=micros)
