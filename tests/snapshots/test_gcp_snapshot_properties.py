"""Properties: recognise/build never raise on any JSON, rows always fit the lake schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.schema import load
from ingest.snapshots.gcp import KINDS, build, recognise
from ingest.snapshots.model import SnapshotDoc

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
    | st.sampled_from(["2026-01-02T03:04:05.123456789Z", "2592000s", "ENABLED", "DESTROYED"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)
ROLES = st.sampled_from(
    [
        "roles/owner",
        "roles/editor",
        "roles/viewer",
        "roles/secretmanager.secretAccessor",
        "roles/secretmanager.admin",
        "roles/secretmanager.fooBar",
        "roles/compute.admin",
        "projects/p/roles/custom",
        "organizations/1/roles/x",
    ]
)
MEMBERS = st.sampled_from(
    [
        "user:a@acme.example",
        "serviceAccount:s@p.iam.gserviceaccount.com",
        "group:g@acme.example",
        "domain:acme.example",
        "allUsers",
        "allAuthenticatedUsers",
        "deleted:user:x@acme.example?uid=1",
        "principal://iam.googleapis.com/x/workloadIdentityPools/y",
        "principalSet://z",
        "user:",
        "odd",
    ]
)
NAMES = st.sampled_from(
    [
        "projects/123/secrets/a",
        "projects/acme-p/secrets/b",
        "projects/123/locations/eu/secrets/c",
        "projects/123/secrets/a/versions/1",
        "projects/123/secrets/a/versions/2",
        "x",
    ]
)
bindings = st.fixed_dictionaries(
    {"role": ROLES | scalars, "members": st.lists(MEMBERS | scalars, max_size=3) | scalars},
    optional={
        "condition": st.fixed_dictionaries(
            {}, optional={"title": st.text(max_size=5), "expression": st.text(max_size=10)}
        )
        | scalars
    },
)
policies = st.fixed_dictionaries(
    {"bindings": st.lists(bindings | scalars, max_size=4)},
    optional={
        "etag": st.text(max_size=4),
        "version": st.integers(1, 3),
        "auditConfigs": json_values,
    },
)
secrets = st.fixed_dictionaries(
    {"name": NAMES, "createTime": json_values},
    optional=dict.fromkeys(
        (
            "labels",
            "annotations",
            "replication",
            "rotation",
            "topics",
            "versionAliases",
            "expireTime",
            "state",
            "destroyTime",
        ),
        json_values,
    ),
)
projects = st.fixed_dictionaries(
    {
        "projectId": st.sampled_from(["acme-p", "other-q"]) | scalars,
        "projectNumber": st.sampled_from(["123", "456", 123]) | scalars,
    },
)
assets = st.fixed_dictionaries(
    {
        "name": st.sampled_from(
            [
                "//secretmanager.googleapis.com/projects/123/secrets/a",
                "//cloudresourcemanager.googleapis.com/projects/123",
                "//cloudresourcemanager.googleapis.com/folders/9",
                "//x/y",
            ]
        ),
        "assetType": st.text(max_size=6),
    },
    optional={
        "iamPolicy": policies | json_values,
        "iam_policy": policies,
        "resource": st.fixed_dictionaries({"data": secrets | json_values}),
    },
)
search = st.fixed_dictionaries(
    {
        "resource": st.sampled_from(
            [
                "//cloudresourcemanager.googleapis.com/projects/acme-p",
                "//secretmanager.googleapis.com/projects/123/secrets/b",
            ]
        ),
        "policy": policies,
    },
    optional={"project": st.sampled_from(["projects/123", "projects/456"]) | scalars},
)
roles = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["projects/p/roles/custom", "organizations/1/roles/x"]),
        "includedPermissions": st.lists(
            st.sampled_from(
                ["secretmanager.versions.access", "secretmanager.secrets.setIamPolicy", "compute.x"]
            )
            | scalars,
            max_size=3,
        ),
    },
)
shaped = policies | secrets | projects | assets | search | roles
payloads = (
    json_values | shaped | st.lists(shaped, max_size=4) | st.lists(secrets, min_size=1, max_size=3)
)
API_PATHS = [
    None,
    "projects/acme-p",
    "projects/123/secrets/a",
    "secrets/b",
    "projects/123/locations/eu/secrets/c",
    "",
]
times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def doc_sets(draw: st.DrawFn) -> list[SnapshotDoc]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        SnapshotDoc(f"/hyp/{i}.json", draw(st.sampled_from(API_PATHS)), draw(payloads), draw(times))
        for i in range(count)
    ]


def _check_rows(name: str, rows: list[dict[str, Any]]) -> None:
    table = SCHEMA[name]
    for row in rows:
        assert table.row_keys_ok(set(row), supplied=frozenset({"ingest_id"})), sorted(row)
        assert row["source"] == "gcp"
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
@given(payload=payloads, api_path=st.sampled_from(API_PATHS) | st.text(max_size=20))
def test_recognise_never_raises(payload: Any, api_path: str | None) -> None:
    kind = recognise(payload, api_path)
    assert kind is None or kind in KINDS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=doc_sets(), store=st.none() | st.sampled_from(["acme-p", "123"]))
def test_build_never_raises_and_rows_fit_the_schema(
    docs: list[SnapshotDoc], store: str | None
) -> None:
    result = build(docs, store=store)
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
