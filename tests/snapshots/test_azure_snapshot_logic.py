"""Unit tests: scopes, roles, recognition, ids shared with the audit mapping, doctests."""

from __future__ import annotations

import doctest
import importlib
from datetime import UTC, datetime
from typing import Any

import pytest

from ingest.snapshots.azure import build, recognise
from ingest.snapshots.azure.roles import policy_actions, role_grant, role_name
from ingest.snapshots.model import SnapshotDoc
from ingest.sources.azure.ids import parse_object_uri

T0 = datetime(2026, 11, 20, tzinfo=UTC)
SUB = "/subscriptions/00000000-0000-4000-8000-00000000ac3e"
VAULT_ID = SUB + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/Acme-Prod-KV"


def _doc(name: str, payload: Any) -> SnapshotDoc:
    return SnapshotDoc(f"/snap/{name}", None, payload, T0)


def _vault(rbac: bool, policies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": VAULT_ID,
        "name": "Acme-Prod-KV",
        "properties": {
            "vaultUri": "https://acme-prod-kv.vault.azure.net/",
            "enableRbacAuthorization": rbac,
            "accessPolicies": policies,
        },
    }


@pytest.mark.parametrize("module", ["scopes", "roles"])
def test_doctests(module: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(f"ingest.snapshots.azure.{module}"))
    assert failed == 0


def test_access_policy_permissions() -> None:
    assert policy_actions(["all"]) == policy_actions(
        ["get", "list", "set", "delete", "recover", "backup", "restore", "purge"]
    )
    assert policy_actions(["GET"]) == ("describe", "read")
    assert policy_actions(["set"]) == ("create", "write")
    assert policy_actions(["getrotationpolicy"]) == ("other",)
    assert policy_actions([]) == ()


def test_roles() -> None:
    assert (
        role_name(None, "/x/roleDefinitions/21090545-7ca7-4776-b22c-e363652d74d2")
        == "Key Vault Reader"
    )
    assert role_name("", "/x/roleDefinitions/unknown") is None
    owner = role_grant("Owner", "subscription")
    assert owner is not None
    assert (owner.actions, owner.data_plane) == (("permission_change",), False)
    assert role_grant("Key Vault Crypto User", "vault") is None
    assert role_grant("Website Contributor", "subscription") is None
    custom = role_grant("My Vault Role", "vault")
    assert custom is not None
    assert custom.actions == ("other",)


def test_recognise_kinds_and_non_azure_documents() -> None:
    assert recognise(_vault(True, []), None) == "vault"
    item = {"id": "https://kv.vault.azure.net/secrets/a", "attributes": {}}
    assert recognise([item], None) == "secret_list"
    assert recognise({"value": [item], "nextLink": None}, None) == "secret_list"
    assert recognise({**item, "value": "x"}, None) == "secret_value"
    assert recognise([{**item, "recoveryId": "r"}], None) == "deleted_secrets"
    assignment = {"principalId": "p", "roleDefinitionName": "Owner", "scope": SUB}
    assert recognise([assignment], None) == "role_assignments"
    assert recognise([assignment, item], None) is None
    record = {"time": "t", "operationName": "SecretGet", "properties": {"id": item["id"]}}
    for other in (None, [], {}, {"records": [record]}, [record], {"bindings": []}):
        assert recognise(other, None) is None


def test_secret_ids_match_the_audit_mapping() -> None:
    listed = [
        {
            "id": "https://ACME-PROD-KV.vault.azure.net/secrets/Payments-DB",
            "attributes": {"created": "2026-01-01T00:00:00+00:00"},
        }
    ]
    row = build([_doc("list.json", listed)]).secrets[0]
    logged = parse_object_uri(
        "https://acme-prod-kv.vault.azure.net/secrets/payments-db/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    )
    assert logged is not None
    assert row["secret_id"] == logged.secret_id("acme-prod-kv")
    assert (row["store"], row["secret_name"]) == ("acme-prod-kv", "Payments-DB")


def test_permission_models() -> None:
    policy = {
        "objectId": "AC3E0000-0000-4000-A000-000000000001",
        "permissions": {"secrets": ["get"]},
    }
    assignment = {
        "principalId": "ac3e0000-0000-4000-a000-000000000002",
        "principalType": "User",
        "roleDefinitionName": "Key Vault Secrets User",
        "scope": VAULT_ID,
    }
    for rbac in (True, False):
        grants = build(
            [_doc("v.json", _vault(rbac, [policy])), _doc("r.json", [assignment])]
        ).grants
        by_principal = {g["principal_id"]: g["condition"] for g in grants}
        policy_condition = by_principal["ac3e0000-0000-4000-a000-000000000001"]
        role_condition = by_principal["ac3e0000-0000-4000-a000-000000000002"]
        assert (policy_condition is None) is (not rbac)
        assert (role_condition is None) is rbac


def test_vault_wide_grants_expand_against_the_inventory() -> None:
    listed = [
        {"id": f"https://acme-prod-kv.vault.azure.net/secrets/{n}", "attributes": {}}
        for n in ("a", "b")
    ]
    assignment = {"principalId": "x", "roleDefinitionName": "Key Vault Reader", "scope": SUB}
    result = build(
        [_doc("v.json", _vault(True, [])), _doc("l.json", listed), _doc("r.json", [assignment])]
    )
    assert [(g["store"], g["resource"]) for g in result.grants] == [
        ("acme-prod-kv", "azure://acme-prod-kv.vault.azure.net/secrets/a"),
        ("acme-prod-kv", "azure://acme-prod-kv.vault.azure.net/secrets/b"),
    ]
