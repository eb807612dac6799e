"""Unit tests: file names, timestamps, recognition, folding, action mapping, effective policies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import UnreadableInput
from ingest.snapshots.vault import (
    SnapshotDoc,
    api_path_from_filename,
    build,
    parse_rfc3339,
    read_snapshot,
    recognise,
)
from ingest.snapshots.vault.actions import MountTable, actions_for, resolve
from ingest.snapshots.vault.effective import chains_from, parent_map
from ingest.snapshots.vault.hclpolicy import PolicySyntaxError, parse_policy
from ingest.snapshots.vault.holders import parse_group

T0 = datetime(2026, 11, 20, tzinfo=UTC)
KV2_MOUNTS = {"secret/": {"type": "kv", "options": {"version": "2"}}}


def _env(data: Any) -> dict[str, Any]:
    return {"request_id": "r", "lease_id": "", "lease_duration": 0, "data": data}


def _doc(name: str, api_path: str | None, data: Any) -> SnapshotDoc:
    return SnapshotDoc(f"/snap/{name}", api_path, _env(data), T0)


def _mounts(spec: dict[str, Any] | None = None) -> MountTable:
    table = MountTable()
    table.add(KV2_MOUNTS if spec is None else spec, is_auth=False)
    return table


# --- file names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/u/dump/v1/auth/approle/role/ci.json", "auth/approle/role/ci"),
        ("/home/u/dump/sys/policies/acl/payments-read.json", "sys/policies/acl/payments-read"),
        ("/d/auth__approle__role__ci.json", "auth/approle/role/ci"),
        ("/d/secret%2Fmetadata%2Fpayments%2Fdb.json", "secret/metadata/payments/db"),
        ("/d/secret%2fmetadata%2fpayments%2fdb.json", "secret/metadata/payments/db"),
        ("/d/v1__sys__mounts.json", "sys/mounts"),
        ("/d/%2Fv1%2Fsys%2Fauth.json", "sys/auth"),
        ("/d/sys/auth.json", "sys/auth"),
        ("/d/v1/sys/policies/acl.json", "sys/policies/acl"),
        ("/x/export/secret/metadata/payments/db.json", "secret/metadata/payments/db"),
        ("/x/v1/team/apps/metadata/web/key.json.gz", "team/apps/metadata/web/key"),
        ("/x/auth/sys/mounts.json", "sys/mounts"),
        ("/x/snapshots/payments-read.json", None),
        ("payments-read.json", None),
    ],
)
def test_api_path_from_filename(path: str, expected: str | None) -> None:
    assert api_path_from_filename(Path(path)) == expected


def test_read_snapshot_handles_bom_gzip_and_bad_json(tmp_path: Path) -> None:
    import gzip

    good = tmp_path / "sys__mounts.json"
    good.write_bytes(b"\xef\xbb\xbf" + json.dumps(_env(KV2_MOUNTS)).encode())
    doc = read_snapshot(good)
    assert doc.api_path == "sys/mounts"
    assert doc.snapshot_time.tzinfo is not None
    assert recognise(doc.payload, doc.api_path) == "mounts"
    zipped = tmp_path / "sys__auth.json"
    zipped.write_bytes(gzip.compress(json.dumps({"token/": {"type": "token"}}).encode()))
    assert recognise(read_snapshot(zipped, snapshot_time=T0).payload, "sys/auth") == "auth_mounts"
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UnreadableInput, match=r"broken\.json"):
        read_snapshot(bad)


# --- timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-13T21:51:50Z", datetime(2024, 11, 13, 21, 51, 50, tzinfo=UTC)),
        ("2024-11-13T21:51:50.898782695Z", datetime(2024, 11, 13, 21, 51, 50, 898782, tzinfo=UTC)),
        ("2024-11-13T21:51:50.8987826Z", datetime(2024, 11, 13, 21, 51, 50, 898782, tzinfo=UTC)),
        ("2024-11-13T21:51:50.1Z", datetime(2024, 11, 13, 21, 51, 50, 100000, tzinfo=UTC)),
        (
            "2024-11-13T23:51:50.8987826+02:00",
            datetime(2024, 11, 13, 21, 51, 50, 898782, tzinfo=UTC),
        ),
        ("2024-11-13T16:51:50-05:00", datetime(2024, 11, 13, 21, 51, 50, tzinfo=UTC)),
        ("2024-11-13t21:51:50z", datetime(2024, 11, 13, 21, 51, 50, tzinfo=UTC)),
        ("2024-11-13 21:51:50", datetime(2024, 11, 13, 21, 51, 50, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),
        ("", None),
        ("n/a", None),
        ("2024-13-01T00:00:00Z", None),
        ("2024-11-13T21:51:50.1234567890Z", None),
        (1700000000, None),
        (None, None),
    ],
)
def test_parse_rfc3339(text: Any, expected: datetime | None) -> None:
    parsed = parse_rfc3339(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_parse_rfc3339_keeps_every_offset() -> None:
    ist = datetime(2026, 1, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert parse_rfc3339("2026-01-01T05:30:00+05:30") == ist.astimezone(UTC)


# --- recognition ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "api_path", "kind"),
    [
        (_env({"name": "p", "policy": 'path "a" {}'}), None, "acl_policy"),
        ({"policy": 'path "a" {}'}, "sys/policy/p", "acl_policy"),
        (_env({"keys": ["a"]}), "sys/policies/acl", "policy_list"),
        (["a", "b"], "auth/approle/role", "role_list"),
        (["a", "b"], None, None),
        (_env({"keys": ["x/"]}), "secret/metadata", "kv_list"),
        (
            _env({"keys": ["e"], "key_info": {"e": {"name": "n", "aliases": []}}}),
            None,
            "entity_list",
        ),
        (_env({"bind_secret_id": True, "token_policies": []}), None, "approle_role"),
        (_env({"bound_service_account_names": ["a"]}), None, "kubernetes_role"),
        (_env({"role_type": "jwt", "user_claim": "sub"}), None, "jwt_role"),
        (_env({"allowed_policies": [], "name": "t", "orphan": False}), None, "token_role"),
        (_env({"token_policies": ["a"]}), "auth/approle/role/ci", "approle_role"),
        (_env({"token_policies": ["a"]}), "auth/userpass/role/x", "auth_role"),
        (_env({"token_policies": ["a"]}), None, None),
        (_env({"id": "e", "name": "n", "aliases": [], "policies": []}), None, "entity"),
        (_env({"id": "g", "name": "n", "member_entity_ids": []}), None, "group"),
        (_env(KV2_MOUNTS), None, "mounts"),
        (
            _env({"approle/": {"type": "approle", "accessor": "auth_approle_1"}}),
            None,
            "auth_mounts",
        ),
        (_env({}), "sys/auth", "auth_mounts"),
        (_env({"current_version": 1, "versions": {}}), "secret/metadata/a", "kv_metadata"),
        (_env({"data": {"k": "v"}, "metadata": {"version": 1}}), None, "kv_data"),
        (_env(None), "secret/data/x", None),
        ({"eventName": "GetSecretValue"}, None, None),
        ("text", None, None),
        (3.5, "sys/mounts", None),
    ],
)
def test_recognise(payload: Any, api_path: str | None, kind: str | None) -> None:
    assert recognise(payload, api_path) == kind


# --- policies, folding and actions -----------------------------------------------------------


def test_parse_policy_strips_quotes_and_keeps_conditions() -> None:
    rules = parse_policy(
        'path "/secret/data/a\\"b/*" {\n'
        '  capabilities = ["read", "read", "list"]\n'
        '  allowed_parameters = { "*" = ["x*"] }\n'
        '  max_wrapping_ttl = "1h"\n'
        "}\n"
    )
    assert [(r.path, r.capabilities) for r in rules] == [('secret/data/a"b/*', ("read", "list"))]
    assert rules[0].condition == {"allowed_parameters": {"*": ["x*"]}, "max_wrapping_ttl": "1h"}


def test_parse_policy_reports_the_line() -> None:
    with pytest.raises(PolicySyntaxError, match="line 3"):
        parse_policy('path "a" {\n  capabilities = ["read"\n}\n')


@pytest.mark.parametrize(
    "text",
    [
        'path "a" { capabilities = [1] }',
        'path "a" { policy = "admin" }',
        'path { capabilities = ["read"] }',
        'path "a" "b" { capabilities = ["read"] }',
        '{"path": [1]}',
        "[1, 2]",
    ],
)
def test_parse_policy_rejects_invalid_rules(text: str) -> None:
    with pytest.raises(PolicySyntaxError):
        parse_policy(text)


def test_legacy_and_json_policies() -> None:
    legacy = parse_policy('path "a/*" { policy = "read" }')
    assert legacy[0].capabilities == ("read", "list")
    as_json = parse_policy('{"path": {"a/*": {"capabilities": ["update"]}}}')
    assert as_json[0].path == "a/*"
    assert as_json[0].capabilities == ("update",)


@pytest.mark.parametrize(
    ("path", "caps", "resource", "actions"),
    [
        ("secret/data/payments/*", ("read",), "secret/payments/*", ["read"]),
        ("secret/data/payments/db", ("create", "update", "patch"), "secret/payments/db",
         ["create", "write"]),
        ("secret/metadata/payments/*", ("read", "list"), "secret/payments/*", ["describe", "list"]),
        ("secret/metadata/payments/db", ("delete",), "secret/payments/db", ["delete"]),
        ("secret/delete/payments/db", ("update",), "secret/payments/db", ["delete"]),
        ("secret/destroy/payments/db", ("update",), "secret/payments/db", ["delete"]),
        ("secret/undelete/payments/db", ("update",), "secret/payments/db", ["restore"]),
        ("secret/data/payments/db", ("delete",), "secret/payments/db", ["delete"]),
        ("secret/+/payments/db", ("read",), "secret/payments/db", ["describe", "read"]),
        ("secret/*", ("read", "list"), "secret/*", ["describe", "list", "read"]),
        ("secret/de*", ("update",), "secret/*", ["delete"]),
        ("secret/data/+/db", ("read",), "secret/+/db", ["read"]),
        ("secret/data/team-*", ("read",), "secret/team-*", ["read"]),
        ("secret/data/x", ("sudo", "subscribe"), "secret/x", ["other"]),
        ("database/creds/payments-ro", ("read",), "database/creds/payments-ro", ["read"]),
        ("database/rotate-root/pg", ("update",), "database/rotate-root/pg", ["rotate"]),
        ("transit/keys/+/rotate", ("update",), "transit/keys/+/rotate", ["rotate"]),
        ("pki/issue/web", ("update",), "pki/issue/web", ["read"]),
        ("sys/policies/acl/*", ("create", "update", "delete"), "sys/policies/acl/*",
         ["permission_change"]),
        ("sys/policy/x", ("update",), "sys/policy/x", ["permission_change"]),
        ("sys/policies/acl", ("list",), "sys/policies/acl", ["list"]),
        ("sys/audit/file", ("update", "sudo"), "sys/audit/file", ["other"]),
        ("sys/*", ("update",), "sys/*", ["other", "permission_change"]),
        ("auth/approle/role/ci", ("update",), "auth/approle/role/ci", ["permission_change"]),
        ("auth/+/role/*", ("create",), "auth/+/role/*", ["permission_change"]),
        ("auth/token/roles/ci", ("delete",), "auth/token/roles/ci", ["permission_change"]),
        ("auth/approle/role/ci/secret-id", ("update",), "auth/approle/role/ci/secret-id",
         ["login"]),
        ("auth/approle/login", ("update",), "auth/approle/login", ["login"]),
        ("auth/token/create", ("update",), "auth/token/create", ["login"]),
        ("identity/entity/id/*", ("update",), "identity/entity/id/*", ["permission_change"]),
        ("identity/oidc/key/k", ("update",), "identity/oidc/key/k", ["other"]),
        ("cubbyhole/*", ("update",), "cubbyhole/*", ["write"]),
    ],
)  # fmt: skip
def test_resolve_and_actions(
    path: str, caps: tuple[str, ...], resource: str, actions: list[str]
) -> None:
    mounts = _mounts(
        {
            **KV2_MOUNTS,
            "database/": {"type": "database"},
            "transit/": {"type": "transit"},
            "pki/": {"type": "pki"},
            "cubbyhole/": {"type": "cubbyhole"},
        }
    )
    res = resolve(path, mounts)
    assert res.resource("s") == f"vault://s/{resource}"
    assert actions_for(caps, res.tables) == actions


def test_kv_v1_is_not_folded() -> None:
    mounts = _mounts(
        {"kv/": {"type": "kv", "options": {"version": "1"}}, "old/": {"type": "generic"}}
    )
    assert resolve("kv/data/x", mounts).resource("s") == "vault://s/kv/data/x"
    assert actions_for(("update",), resolve("kv/x", mounts).tables) == ["write"]
    assert resolve("old/data/x", mounts).resource("s") == "vault://s/old/data/x"


def test_nested_mount_uses_the_longest_prefix() -> None:
    mounts = _mounts(
        {"team/": {"type": "kv"}, "team/apps/": {"type": "kv", "options": {"version": "2"}}}
    )
    res = resolve("team/apps/data/web/key", mounts)
    assert (res.mount, res.logical) == ("team/apps", "web/key")


def test_without_mounts_kv2_is_assumed_and_flagged() -> None:
    res = resolve("secret/data/x", MountTable())
    assert res.resource("s") == "vault://s/secret/x"
    assert res.assumed_kv2 == "secret"
    other = resolve("kv/app/x", MountTable())
    assert other.assumed_kv2 is None
    assert other.resource("s") == "vault://s/kv/app/x"


def test_kv2_path_without_prefix_grants_nothing() -> None:
    policy = _doc(
        "p.json", "sys/policies/acl/p", {"policy": 'path "secret/x" { capabilities = ["read"] }'}
    )
    role = _doc(
        "r.json",
        "auth/approle/role/r",
        {"token_policies": ["p"], "secret_id_ttl": 0, "token_no_default_policy": True},
    )
    mounts = _doc("m.json", "sys/mounts", KV2_MOUNTS)
    result = build([policy, role, mounts], store="s")
    assert result.grants == []
    assert any("grants nothing" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("api_path", "location"),
    [
        ("secret/metadata/payments/db", ("secret", "payments/db")),
        ("team/apps/metadata/web/key", ("team/apps", "web/key")),
        ("secret/payments/db", ("secret", "payments/db")),  # named after the CLI path
        ("team/apps/web/key", ("team/apps", "web/key")),
        ("sys/mounts", None),
        ("secret", None),
        (None, None),
    ],
)
def test_kv_location(api_path: str | None, location: tuple[str, str] | None) -> None:
    from ingest.snapshots.vault.inventory import kv_location

    mounts = _mounts({**KV2_MOUNTS, "team/apps/": {"type": "kv", "options": {"version": "2"}}})
    assert kv_location(api_path, mounts) == location


# --- holders, groups, effective grants ------------------------------------------------------


def _group(gid: str, **fields: Any) -> Any:
    return parse_group({"id": gid, "name": gid, **fields}, _doc(f"{gid}.json", None, {}))


def test_group_chains_are_cycle_safe() -> None:
    # a is in b, b is in c (said from c's side), c is in a: a cycle Vault itself would refuse
    groups = {
        "a": _group("a", parent_group_ids=["b"]),
        "b": _group("b"),
        "c": _group("c", member_group_ids=["b"], parent_group_ids=["a"]),
    }
    parents = parent_map(groups)
    assert chains_from(["a"], parents) == [("a",), ("a", "b"), ("a", "b", "c")]
    assert chains_from(["c"], parents) == [("c",), ("c", "a"), ("c", "a", "b")]


def _policy(name: str, body: str) -> SnapshotDoc:
    return _doc(f"{name}.json", f"sys/policies/acl/{name}", {"name": name, "policy": body})


def _entity(eid: str, **fields: Any) -> SnapshotDoc:
    return _doc(f"{eid}.json", f"identity/entity/id/{eid}", {"id": eid, "name": eid, **fields})


def _group_doc(gid: str, **fields: Any) -> SnapshotDoc:
    return _doc(f"g-{gid}.json", f"identity/group/id/{gid}", {"id": gid, "name": gid, **fields})


def test_entity_inherits_nested_group_policies_with_the_chain() -> None:
    docs = [
        _doc("mounts.json", "sys/mounts", KV2_MOUNTS),
        _policy("own", 'path "secret/data/own" { capabilities = ["read"] }'),
        _policy("team", 'path "secret/data/team/*" { capabilities = ["read"] }'),
        _policy("org", 'path "secret/metadata/*" { capabilities = ["list"] }'),
        _entity("alice", policies=["own"], aliases=[]),
        _group_doc(
            "team", policies=["team"], member_entity_ids=["alice"], parent_group_ids=["org"]
        ),
        _group_doc("org", policies=["org"], member_group_ids=["team"]),
    ]
    result = build(docs, store="s")
    alice = {g["via"]: g for g in result.grants if g["principal_id"] == "alice"}
    assert set(alice) == {
        "entity:alice > policy:own",
        "group:team > policy:team",
        "group:team > group:org > policy:org",
    }
    assert alice["group:team > group:org > policy:org"]["resource"] == "vault://s/secret/*"
    row = next(p for p in result.principals if p["principal_id"] == "alice")
    assert row["groups"] == ["org", "team"]
    assert row["principal_type"] == "human"


def test_deny_on_the_same_path_voids_other_policies_allow() -> None:
    docs = [
        _doc("mounts.json", "sys/mounts", KV2_MOUNTS),
        _policy("allow", 'path "secret/data/x/*" { capabilities = ["read"] }\n'
                'path "secret/data/y" { capabilities = ["read"] }'),
        _policy("block", 'path "secret/data/x/*" { capabilities = ["deny", "read"] }'),
        _entity("bob", policies=["allow", "block"]),
    ]  # fmt: skip
    grants = build(docs, store="s").grants
    summary = sorted((g["resource"], g["effect"], tuple(g["capabilities"])) for g in grants)
    assert summary == [
        ("vault://s/secret/x/*", "deny", ("deny",)),
        ("vault://s/secret/y", "allow", ("read",)),
    ]
    deny = next(g for g in grants if g["effect"] == "deny")
    assert deny["actions"] == ["create", "delete", "read", "write"]


def test_roles_get_default_unless_disabled_and_root_is_everything() -> None:
    docs = [
        _policy("default", 'path "auth/token/lookup-self" { capabilities = ["read"] }'),
        _doc("a.json", "auth/approle/role/a", {"token_policies": ["root"], "secret_id_ttl": 1}),
        _doc("b.json", "auth/approle/role/b", {"policies": ["root"], "secret_id_ttl": 1,
                                               "token_no_default_policy": True}),
    ]  # fmt: skip
    result = build(docs, store="s")
    vias = sorted(g["via"] for g in result.grants)
    assert vias == [
        "role:auth/approle/a > policy:default",
        "role:auth/approle/a > policy:root",
        "role:auth/approle/b > policy:root",
    ]
    root = next(g for g in result.grants if g["via"].endswith("policy:root"))
    assert root["resource"] == "vault://s/*"
    assert "read" in root["actions"]
    assert "permission_change" in root["actions"]


def test_missing_policy_is_a_warning_not_a_guess() -> None:
    role = _doc(
        "ci.json",
        "auth/approle/role/ci",
        {"token_policies": ["x"], "secret_id_ttl": 1, "token_no_default_policy": True},
    )
    result = build([role], store="s")
    assert result.grants == []
    assert result.warnings == [
        "role auth/approle/ci references policy 'x' that no snapshot file defines"
    ]


def test_token_role_policies_and_globs() -> None:
    role = _doc("t.json", "auth/token/roles/t", {
        "name": "t", "allowed_policies": ["a", "b"], "disallowed_policies": ["b", "default"],
        "allowed_policies_glob": ["team-*"], "orphan": True})  # fmt: skip
    docs = [role, _policy("a", 'path "kv/x" { capabilities = ["read"] }')]
    result = build(docs, store="s")
    (grant,) = result.grants
    assert grant["principal_id"] == "vault-role:auth/token/t"
    assert json.loads(grant["condition"]) == {
        "allowed_policies_glob": ["team-*"],
        "disallowed_policies": ["b", "default"],
    }


def test_service_entity_from_machine_aliases_resolved_by_accessor() -> None:
    auth = _doc("auth.json", "sys/auth", {
        "kubernetes/": {"type": "kubernetes", "accessor": "auth_kubernetes_1"},
        "oidc/": {"type": "oidc", "accessor": "auth_oidc_1"}})  # fmt: skip
    svc = _entity("svc", aliases=[{"name": "ns/sa", "mount_accessor": "auth_kubernetes_1"}])
    human = _entity("hum", aliases=[
        {"name": "hum@example.com", "mount_accessor": "auth_oidc_1"},
        {"name": "ns/hum", "mount_accessor": "auth_kubernetes_1"}])  # fmt: skip
    rows = {p["principal_id"]: p for p in build([auth, svc, human], store="s").principals}
    assert rows["svc"]["principal_type"] == "service"
    assert rows["svc"]["aliases"] == ["auth/kubernetes:ns/sa"]
    assert rows["hum"]["principal_type"] == "human"
    assert rows["hum"]["email"] == "hum@example.com"


def test_invalid_hcl_is_a_file_problem() -> None:
    docs = [_policy("bad", 'path "x" {\n capabilities = ["read"\n}\n')]
    outcome = build(docs, store="s").per_file["/snap/bad.json"]
    assert outcome.kind == "acl_policy"
    assert outcome.problem is not None
    assert "line 3" in outcome.problem


def test_results_do_not_depend_on_input_order() -> None:
    docs = [
        _doc("mounts.json", "sys/mounts", KV2_MOUNTS),
        _policy("p", 'path "secret/data/*" { capabilities = ["read"] }'),
        _entity("e", policies=["p"]),
        _group_doc("g", policies=["p"], member_entity_ids=["e"]),
    ]
    assert build(docs, store="s") == build(list(reversed(docs)), store="s")
