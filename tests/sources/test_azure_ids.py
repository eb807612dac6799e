"""Azure Key Vault object ids: the Python rules (ingest/sources/azure/ids.py, for snapshot
importers) on edge cases, and their agreement with the column-wise rules of mapping.sql."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sources.azure import audit
from ingest.sources.azure.ids import (
    ObjectRef,
    is_vault_host,
    parse_object_uri,
    split_uri,
    vault_from_resource_id,
    vault_of_uri,
)
from ingest.sources.base import chunked_batch

V = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
HOST = "acme-prod-kv.vault.azure.net"
RID = (
    "/SUBSCRIPTIONS/00000000-5AB5-4000-8000-000000000001/RESOURCEGROUPS/RG-SECRETS/PROVIDERS/"
    "MICROSOFT.KEYVAULT/VAULTS/ACME-PROD-KV"
)


EDGE_CASES: list[tuple[str, str, tuple[str, str, str, str | None] | None]] = [
    (f"https://{HOST}/secrets/db/{V}", "SecretGet", (HOST, "secrets", "db", V)),
    (f"https://{HOST}/secrets/db", "SecretGet", (HOST, "secrets", "db", None)),
    (f"https://{HOST}/secrets/db/", "SecretGet", (HOST, "secrets", "db", None)),
    (f"https://{HOST}/secrets/db/?api-version=7.4", "SecretGet", (HOST, "secrets", "db", None)),
    (f"https://{HOST}:443//secrets//db/{V.upper()}?x=1#f", "", (HOST, "secrets", "db", V)),
    (
        f"HTTPS://ACME-Prod-KV.Vault.Azure.Net/Secrets/Db-Pass/{V}",
        "",
        (HOST, "secrets", "Db-Pass", V),
    ),
    (f"https://{HOST}/deletedsecrets/db", "SecretGetDeleted", (HOST, "secrets", "db", None)),
    (f"https://{HOST}/secrets/db/versions?api-version=7.4", "", (HOST, "secrets", "db", None)),
    (f"https://{HOST}/secrets/db/backup", "SecretBackup", (HOST, "secrets", "db", None)),
    (
        f"https://{HOST}/keys/k/{V}/decrypt?api-version=7.4",
        "KeyDecrypt",
        (HOST, "keys", "k", V),
    ),
    (f"https://{HOST}/keys/k/rotationpolicy", "", (HOST, "keys", "k", None)),
    (f"https://{HOST}/deletedkeys/k", "KeyPurge", (HOST, "keys", "k", None)),
    (f"https://{HOST}/certificates/c/pending", "", (HOST, "certificates", "c", None)),
    (f"https://{HOST}/deletedcertificates/c", "", (HOST, "certificates", "c", None)),
    (
        "https://hsm1.managedhsm.azure.net/keys/tde/" + V,
        "",
        ("hsm1.managedhsm.azure.net", "keys", "tde", V),
    ),
    ("https://kv.vault.azure.cn/secrets/s", "", ("kv.vault.azure.cn", "secrets", "s", None)),
    (
        "https://example.com/secrets/a?api-version=7.0&_=1712042263922",
        "",
        ("example.com", "secrets", "a", None),
    ),
    # a version must be exactly 32 hex digits
    (f"https://{HOST}/secrets/db/{V[:31]}", "", (HOST, "secrets", "db", None)),
    (f"https://{HOST}/secrets/db/{V}0", "", (HOST, "secrets", "db", None)),
    # verbs and sub-resources in the name position, for the operations that use them
    (f"https://{HOST}/secrets/restore?api-version=7.4", "SecretRestore", None),
    (f"https://{HOST}/keys/restore", "KeyRestore", None),
    (f"https://{HOST}/secrets/restore/{V}", "SecretGet", (HOST, "secrets", "restore", V)),
    (f"https://{HOST}/certificates/issuers/digicert", "CertificateIssuerGet", None),
    (f"https://{HOST}/certificates/contacts", "CertificateContactsSet", None),
    (
        f"https://{HOST}/certificates/issuers/x",
        "CertificateGet",
        (HOST, "certificates", "issuers", None),
    ),
    # no object
    (f"https://{HOST}/secrets?api-version=7.4&maxresults=25", "SecretList", None),
    (f"https://{HOST}/secrets/", "SecretList", None),
    (f"https://{HOST}/", "VaultGet", None),
    (f"https://{HOST}?x=/secrets/a", "", None),
    (
        "https://control-prod-weu.vaultcore.azure.net/subscriptions/s/resourcegroups/r/providers/"
        "Microsoft.KeyVault/vaults/acme-prod-kv?api-version=2015-06-01",
        "VaultGet",
        None,
    ),
    (f"https://{HOST}/storage/acct", "", None),
    (f"ftp://{HOST}/secrets/a", "", None),
    (f"{HOST}/secrets/a", "", None),
    ("", "", None),
]


@pytest.mark.parametrize(("uri", "op", "expected"), EDGE_CASES)
def test_parse_object_uri(
    uri: str, op: str, expected: tuple[str, str, str, str | None] | None
) -> None:
    ref = parse_object_uri(uri, op)
    assert (None if ref is None else (ref.host, ref.collection, ref.name, ref.version)) == expected


def test_secret_id_lower_cases_and_falls_back_to_the_store_for_foreign_hosts() -> None:
    ref = parse_object_uri(f"https://ACME-prod-kv.vault.azure.net/secrets/Db-Pass/{V}")
    assert ref is not None
    assert ref.secret_id("ignored") == f"azure://{HOST}/secrets/db-pass"
    anon = ObjectRef("host.example.com", "secrets", "A", None)
    assert anon.secret_id("acme-anon-kv") == "azure://acme-anon-kv.vault.azure.net/secrets/a"


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        (HOST, True),
        ("x.managedhsm.azure.net", True),
        ("kv.vault.usgovcloudapi.net", True),
        ("control-prod-weu.vaultcore.azure.net", False),
        ("example.com", False),
        ("a.vault", False),
        (".vault.azure.net", False),
        ("", False),
    ],
)
def test_is_vault_host(host: str, ok: bool) -> None:
    assert is_vault_host(host) is ok


@pytest.mark.parametrize(
    ("rid", "vault"),
    [
        (RID, "acme-prod-kv"),
        (RID.lower(), "acme-prod-kv"),
        (RID + "/PROVIDERS/MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/TO-STORAGE", "acme-prod-kv"),
        (RID.replace("VAULTS/ACME-PROD-KV", "MANAGEDHSMS/ACME-HSM"), "acme-hsm"),
        (RID.replace("MICROSOFT.KEYVAULT/VAULTS", "MICROSOFT.STORAGE/STORAGEACCOUNTS"), None),
        ("/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG", None),
        ("", None),
    ],
)
def test_vault_from_resource_id(rid: str, vault: str | None) -> None:
    assert vault_from_resource_id(rid) == vault


def test_split_and_vault_of_uri() -> None:
    assert split_uri("https://A.vault.azure.net:443//x//y?q#f") == ("a.vault.azure.net", "x/y")
    assert split_uri("mailto:x") is None
    assert vault_of_uri(f"https://{HOST}/secrets/a") == "acme-prod-kv"
    assert vault_of_uri("https://management.azure.com/subscriptions/x") is None


# --- agreement with mapping.sql ------------------------------------------------------------------
def run_mapping(records: list[Any], store: str = "fallback-kv") -> list[dict[str, Any]]:
    """The mapping SQL over raw record texts, as SqlAdapter runs it (no lake, no pipeline)."""
    texts = [r if isinstance(r, str) else json.dumps(r) for r in records]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register(
        "batch",
        chunked_batch(
            0, pa.array(texts, pa.string()), pa.array(range(1, len(texts) + 1), pa.int64())
        ),
    )
    sql = f"{audit.mapping_sql()} ORDER BY line"
    rows: list[dict[str, Any]] = con.sql(sql, params={"store": store}).to_arrow_table().to_pylist()
    con.close()
    return rows


def expected_ids(
    obj: str | None, req: str | None, op: str, rid: str | None, store: str
) -> tuple[str, str | None, str | None, str | None]:
    vault = (
        (vault_from_resource_id(rid) if rid else None)
        or (vault_of_uri(obj) if obj else None)
        or (vault_of_uri(req) if req else None)
        or store
    )
    ref = (parse_object_uri(obj, op) if obj else None) or (
        parse_object_uri(req, op) if req else None
    )
    if ref is None:
        return vault, None, None, None
    return vault, ref.secret_id(vault), ref.version, ref.name


def record(obj: str | None, req: str | None, op: str, rid: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {"httpStatusCode": 200}
    if obj is not None:
        props["id"] = obj
    if req is not None:
        props["requestUri"] = req
    r: dict[str, Any] = {
        "time": "2026-11-02T10:00:00.1234567Z",
        "category": "AuditEvent",
        "operationName": op,
        "properties": props,
    }
    if rid is not None:
        r["resourceId"] = rid
    return r


hosts = st.sampled_from(
    [
        HOST,
        "ACME-Prod-KV.Vault.Azure.Net",
        "hsm1.managedhsm.azure.net",
        "kv.vault.azure.cn",
        "example.com",
        "control-prod-weu.vaultcore.azure.net",
        "",
        "a.vault",
        "other-kv.vault.azure.net",
    ]
)
segments = st.one_of(
    st.sampled_from(
        [
            "secrets",
            "deletedsecrets",
            "KEYS",
            "deletedkeys",
            "certificates",
            "Certificates",
            "restore",
            "issuers",
            "contacts",
            "versions",
            "pending",
            V,
            V.upper(),
            V[:31],
            "Db-Pass",
            "",
            "storage",
        ]
    ),
    st.text(alphabet="aZ09-_.%:?#@", max_size=6),
)
uris = st.builds(
    lambda scheme, host, port, segs, seps, query: (
        f"{scheme}{host}{port}"
        + "".join(sep + seg for sep, seg in zip(seps, segs, strict=False))
        + query
    ),
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", ""]),
    hosts,
    st.sampled_from(["", ":443"]),
    st.lists(segments, max_size=4),
    st.lists(st.sampled_from(["/", "//", "///"]), min_size=4, max_size=4),
    st.sampled_from(["", "?api-version=7.4", "?api-version=7.0&_=1712042263922", "#frag", "/"]),
)
ops = st.sampled_from(
    [
        "SecretGet",
        "SecretRestore",
        "KeyRestore",
        "CertificateIssuerGet",
        "CertificateContactsSet",
        "CertificateGet",
        "SecretList",
        "VaultGet",
    ]
)
rids = st.sampled_from(
    [None, RID, RID.lower(), RID.replace("VAULTS/ACME-PROD-KV", "MANAGEDHSMS/HSM1"), "", "/x"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.none() | uris, st.none() | uris, ops, rids), min_size=1, max_size=8))
def test_sql_and_python_agree(cases: list[tuple[str | None, str | None, str, str | None]]) -> None:
    rows = run_mapping([record(*c) for c in cases])
    for (obj, req, op, rid), row in zip(cases, rows, strict=True):
        got = (row["store"], row["secret_id"], row["secret_version"], row["secret_name"])
        assert got == expected_ids(obj, req, op, rid, "fallback-kv"), (obj, req, op, rid)


def test_sql_and_python_agree_on_the_parametrized_edge_cases() -> None:
    cases: list[tuple[str | None, str | None, str, str | None]] = [
        (uri, None, op, None) for uri, op, _ in EDGE_CASES
    ] + [(None, uri, op, RID) for uri, op, _ in EDGE_CASES]
    rows = run_mapping([record(*c) for c in cases])
    for c, row in zip(cases, rows, strict=True):
        got = (row["store"], row["secret_id"], row["secret_version"], row["secret_name"])
        assert got == expected_ids(*c, "fallback-kv"), c
