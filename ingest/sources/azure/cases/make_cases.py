"""Writes the input files of the Azure Key Vault audit golden cases (run once; inputs are committed).

Each case is a folder ``<name>/input/`` holding files as Azure (storage account, Event Hubs, Log
Analytics) and the tools around it leave them, and ``expected.json``, which the golden runner
writes only under ``pytest --update-goldens`` and a human reviews. Every value is fake: made-up
tenant/subscription/object GUIDs, vault ``acme-prod-kv``, example.com names, TEST-NET addresses.
The only real identifiers are Microsoft's public first-party client ids (Azure CLI, portal), which
FORMATS.md §4(d) lists because they tell which tool a person used.

Record field order follows real blobs: time, category, operationName, resultType,
resultDescription, correlationId, callerIpAddress, identity, properties, resourceId,
operationVersion, resultSignature, durationMs.
"""

from __future__ import annotations

import codecs
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

TENANT = "0d0e0a0d-0000-4000-8000-000000007e57"
SUB = "00000000-5ab5-4000-8000-000000000001"
RG = "RG-SECRETS"
VAULT = "acme-prod-kv"
HOST = f"{VAULT}.vault.azure.net"
RESOURCE_ID = (
    f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/{RG}/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/"
    f"{VAULT.upper()}"
)
AZ_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"  # Microsoft's public client id of the Azure CLI
PORTAL = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"  # ... and of the Azure portal
ALICE_OID = "a11ce000-0000-4000-8000-0000000000a1"
BOB_OID = "b0b00000-0000-4000-8000-0000000000b2"
APP_ID = "a9900000-0000-4000-8000-00000000a991"  # payments-api service principal (client id)
APP_OID = "a9900000-0000-4000-8000-00000000a99e"  # ... its object id
MI_ID = "3a000000-0000-4000-8000-0000000003a1"  # managed identity client id
MI_OID = "3a000000-0000-4000-8000-0000000003ae"
V1 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # 32-hex secret versions
V2 = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
SDK_UA = "azsdk-python-keyvault-secrets/4.8.0 Python/3.11.6 (Linux-6.5.0-1016-azure-x86_64)"
CLI_UA = "python/3.11.8 (Linux) AZURECLI/2.61.0 azsdk-python-keyvault-secrets/4.7.0"
PORTAL_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
NOT_AUTHORIZED = (
    "Caller is not authorized to perform action on resource.\n"
    "If role assignments, deny assignments or role definitions were changed recently, please "
    "observe propagation time.\nCaller: appid={appid};oid={oid};iss=https://sts.windows.net/"
    + TENANT
    + "/\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\nResource: "
    "'/subscriptions/"
    + SUB
    + "/resourcegroups/rg-secrets/providers/microsoft.keyvault/vaults/acme-prod-kv/secrets/"
    "{name}'\nAssignment: (not found)\nDenyAssignmentId: null\nDecisionReason: null \n"
    "Vault: acme-prod-kv;location=westeurope"
)


def alice() -> dict[str, Any]:
    """A person through the Azure CLI: short claim names (current tokens)."""
    return {
        "oid": ALICE_OID,
        "tid": TENANT,
        "appid": AZ_CLI,
        "appidacr": "0",
        "upn": "alice@example.com",
        "unique_name": "alice@example.com",
        "name": "Alice Example",
        "idtyp": "user",
        "scp": "user_impersonation",
        "amr": ["pwd", "mfa"],
        "ipaddr": "203.0.113.10",
        "xms_az_nwperimid": [],
    }


def bob_uri() -> dict[str, Any]:
    """A person in the legacy URI claim names (control-plane calls, older records)."""
    return {
        "http://schemas.microsoft.com/identity/claims/objectidentifier": BOB_OID,
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "bob@example.com",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": "bob@example.com",
        "http://schemas.microsoft.com/identity/claims/tenantid": TENANT,
        "appid": PORTAL,
    }


def app() -> dict[str, Any]:
    """A service principal signing in with a client secret (app-only token)."""
    return {
        "oid": APP_OID,
        "tid": TENANT,
        "appid": APP_ID,
        "appidacr": "1",
        "idtyp": "app",
        "xms_az_nwperimid": [],
    }


def mi() -> dict[str, Any]:
    """A user-assigned managed identity."""
    return {
        "oid": MI_OID,
        "tid": TENANT,
        "appid": MI_ID,
        "appidacr": "2",
        "idtyp": "app",
        "xms_mirid": (
            f"/subscriptions/{SUB}/resourcegroups/rg-payments/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/payments-worker-mi"
        ),
    }


STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "TooManyRequests",
    500: "Internal Server Error",
}  # fmt: skip

_seq = iter(range(1, 10_000))


def corr() -> str:
    return f"c0{next(_seq):06d}-0000-4000-8000-000000000000"


def rec(
    op: str,
    *,
    t: str,
    status: int = 200,
    claims: dict[str, Any] | None = None,
    obj: str | None = None,
    uri: str | None = None,
    ip: str = "198.51.100.20",
    ua: str = SDK_UA,
    correlation: str | None = None,
    description: str = "",
    result_type: str = "Success",
    version: str = "7.4",
    extra_props: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
    resource_id: str = RESOURCE_ID,
) -> dict[str, Any]:
    """One AuditEvent record as Azure Monitor writes it; ``drop`` removes keys (dotted paths)."""
    props: dict[str, Any] = {}
    if obj is not None:
        props["id"] = obj
    props["clientInfo"] = ua
    props["httpStatusCode"] = status
    props["requestUri"] = uri if uri is not None else (obj or f"https://{HOST}/") + (
        f"?api-version={version}"
    )
    props["isRbacAuthorized"] = status not in (401, 403)
    props["tlsVersion"] = "TLS1_2"
    props.update(extra_props or {})
    r: dict[str, Any] = {
        "time": t,
        "category": "AuditEvent",
        "operationName": op,
        "resultType": result_type,
    }
    if description:
        r["resultDescription"] = description
    r["correlationId"] = corr() if correlation is None else correlation
    r["callerIpAddress"] = ip
    if claims is not None:
        r["identity"] = {"claim": claims}
    r["properties"] = props
    r["resourceId"] = resource_id
    r["operationVersion"] = version
    r["resultSignature"] = STATUS_TEXT.get(status, str(status))
    r["durationMs"] = "14"
    for path in drop:
        *parents, leaf = path.split(".")
        node = r
        for p in parents:
            node = node[p]
        node.pop(leaf, None)
    return r


def secret(name: str, version: str | None = None, host: str = HOST) -> str:
    return f"https://{host}/secrets/{name}" + (f"/{version}" if version else "")


def compact(r: Any) -> str:
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False)


def lines(records: list[dict[str, Any]], *, eol: str = "\n") -> str:
    return "".join(compact(r) + eol for r in records)


BLOB_DIR = (
    "insights-logs-auditevent/resourceId=" + RESOURCE_ID + "/y=2026/m=11/d=02/h=10/m=00"
)  # the storage-account layout (FORMATS.md §4(a)); the leading "/" is part of "resourceId=/"


def write(case: str, rel: str, data: str | bytes) -> None:
    path = HERE / case / "input" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def t(sec: float, frac: str = "1234567") -> str:
    """2026-11-02T10:MM:SS.<frac>Z for ``sec`` seconds after 10:00."""
    m, s = divmod(int(sec), 60)
    return f"2026-11-02T10:{m:02d}:{s:02d}.{frac}Z"


# --- cases ------------------------------------------------------------------------------------


def case_all_fields() -> None:
    """One record with every field the mapping reads, all faked."""
    r = rec(
        "SecretGet",
        t=t(1, "2691226"),
        claims={**alice(), "appidacr": "0"},
        obj=secret("payments-db-password", V1),
        uri=secret("payments-db-password", V1) + "?api-version=7.4",
        ip="203.0.113.10",
        ua=CLI_UA,
        correlation="8f2c9a1e-0000-4b5c-9d2e-1a2b3c4d5e6f",
        extra_props={
            "appliedAssignmentId": "/subscriptions/" + SUB + "/resourcegroups/rg-secrets/"
            "providers/microsoft.keyvault/vaults/acme-prod-kv/providers/"
            "Microsoft.Authorization/roleAssignments/0a55a55a-0000-4000-8000-0000000000a5",
            "secretProperties": {
                "attributes": {"enabled": True, "created": 1793000000, "updated": 1793000000},
                "contentType": "text/plain",
            },
            "isAccessPolicyMatch": False,
        },
    )
    write("all_fields", BLOB_DIR + "/PT1H.json", lines([r]))


def case_json_lines_blob() -> None:
    """The current blob format: JSON lines in the storage-account layout, several vaults."""
    other = RESOURCE_ID.replace("ACME-PROD-KV", "ACME-PAYMENTS-KV")
    records = [
        rec("SecretGet", t=t(3), claims=app(), obj=secret("payments-api-key", V1)),
        rec("SecretGet", t=t(4, "0000000"), claims=mi(), obj=secret("payments-db-password", V2)),
        rec(
            "SecretGet",
            t=t(5),
            claims=app(),
            obj=secret("stripe-key", V1, host="acme-payments-kv.vault.azure.net"),
            resource_id=other,
        ),
    ]
    write("json_lines_blob", BLOB_DIR + "/PT1H.json", lines(records[:2]))
    write("json_lines_blob", BLOB_DIR.replace(RESOURCE_ID, other) + "/PT1H.json", lines(records[2:]))


def _wrapper_records() -> list[dict[str, Any]]:
    return [
        rec("SecretList", t=t(10), claims=alice(), uri=f"https://{HOST}/secrets?api-version=7.4"),
        rec("SecretGet", t=t(11), claims=alice(), obj=secret("payments-db-password", V1)),
        rec("SecretSet", t=t(12), claims=alice(), obj=secret("payments-db-password", V2)),
    ]


def case_records_wrapper() -> None:
    """``{"records":[...]}`` on one line, as older blobs and the Key Vault logging page show."""
    write("records_wrapper", "PT1H.json", compact({"records": _wrapper_records()}))


def case_records_wrapper_gzip() -> None:
    """The same blob gzipped by a user (named .json: compression is found by magic bytes)."""
    data = compact({"records": _wrapper_records()}).encode()
    write("records_wrapper_gzip", "PT1H.json", gzip.compress(data, mtime=0))


def case_records_wrapper_pretty() -> None:
    """Pretty-printed wrapper (``jq .``, the docs example), with a UTF-8 BOM from a download."""
    text = json.dumps({"records": _wrapper_records()}, indent=4)
    write("records_wrapper_pretty", "PT1H.json", codecs.BOM_UTF8 + text.encode())


def case_eventhub_batches() -> None:
    """Event Hubs messages saved one per line: each body is ``{"records":[...]}``."""
    a, b, c = _wrapper_records()
    body = compact({"records": [a, b]}) + "\n" + compact({"records": [c]}) + "\n"
    write("eventhub_batches", "eventhub-capture.jsonl", body)


def case_bom_crlf_utf16() -> None:
    """Blobs downloaded through Windows tools: UTF-8 BOM + CRLF; PowerShell 5 UTF-16LE."""
    a, b, c = _wrapper_records()
    write("bom_crlf_utf16", "storage-explorer/PT1H.json",
          codecs.BOM_UTF8 + lines([a, b], eol="\r\n").encode())  # fmt: skip
    write("bom_crlf_utf16", "powershell/PT1H.json",
          codecs.BOM_UTF16_LE + lines([c], eol="\r\n").encode("utf-16-le"))  # fmt: skip


def case_outcome_from_status() -> None:
    """resultType says Success on 403 and 404 (FORMATS.md §4(e)): httpStatusCode decides, then
    resultSignature; with neither, resultType "Success" proves nothing (unknown)."""
    name = "payments-db-password"
    records = [
        rec("SecretGet", t=t(20), claims=app(), obj=secret(name, V1)),
        rec(
            "SecretGet",
            t=t(21),
            status=403,
            claims=alice(),
            obj=secret(name),
            description=NOT_AUTHORIZED.format(appid=AZ_CLI, oid=ALICE_OID, name=name),
        ),
        rec(
            "KeyGet",
            t=t(22),
            status=404,
            claims=alice(),
            obj=f"https://{HOST}/keys/no-such-key",
            description="A key with (name/id) no-such-key was not found in this key vault.",
        ),
        rec(
            "Authentication",
            t=t(23),
            status=401,
            claims=None,
            uri=f"https://{HOST}/secrets/{name}/?api-version=7.4",
            description="AKV10000: Request is missing a Bearer or PoP token.",
            ip="192.0.2.200",
        ),
        rec("SecretGet", t=t(24), status=429, claims=app(), obj=secret(name),
            result_type="Failure", description="Too many requests."),  # fmt: skip
        rec("SecretList", t=t(25), status=500, claims=app(),
            uri=f"https://{HOST}/secrets?api-version=7.4"),  # fmt: skip
        # No httpStatusCode: resultSignature decides.
        rec("SecretGet", t=t(26), status=403, claims=app(), obj=secret(name),
            drop=("properties.httpStatusCode",)),  # fmt: skip
        # Neither: resultType alone.
        rec("SecretGet", t=t(27), claims=app(), obj=secret(name),
            drop=("properties.httpStatusCode", "resultSignature")),  # fmt: skip
        rec("SecretGet", t=t(28), claims=app(), obj=secret(name), result_type="Failure",
            drop=("properties.httpStatusCode", "resultSignature")),  # fmt: skip
        # A 204, and httpStatusCode as a string (as some re-exports write it).
        rec("SecretPurge", t=t(29), status=204, claims=alice(),
            obj=f"https://{HOST}/deletedsecrets/old-token"),  # fmt: skip
        rec("SecretGet", t=t(30), status=404, claims=alice(), obj=secret("old-token")),
    ]
    records[-1]["properties"]["httpStatusCode"] = "404"
    write("outcome_from_status", "PT1H.json", lines(records))


def case_time_fractions() -> None:
    """7 fractional digits (Azure), and 0/3/9 digits and an offset from re-exports;
    durationMs as a string and as a number."""
    obj = secret("payments-db-password", V1)
    records = [
        rec("SecretGet", t="2026-11-02T10:00:30.9999999Z", claims=app(), obj=obj),
        rec("SecretGet", t="2026-11-02T10:00:31Z", claims=app(), obj=obj),
        rec("SecretGet", t="2026-11-02T10:00:32.123Z", claims=app(), obj=obj),
        rec("SecretGet", t="2026-11-02T10:00:33.123456789Z", claims=app(), obj=obj),
        rec("SecretGet", t="2026-11-02T11:00:34.5000000+01:00", claims=app(), obj=obj),
        rec("SecretGet", t="2026-11-02T23:59:59.9999999Z", claims=app(), obj=obj),
        rec("SecretGet", t="02/11/2026 10:00:36", claims=app(), obj=obj),  # not ISO: quarantined
    ]
    records[1]["durationMs"] = 7
    write("time_fractions", "PT1H.json", lines(records))


def case_claim_generations() -> None:
    """Short JWT claim names and legacy URI claim names; people, a service principal, a
    managed identity, a v2 token (azp), and an unauthenticated call (no identity)."""
    obj = secret("payments-db-password", V1)
    v2 = {"oid": APP_OID, "tid": TENANT, "azp": APP_ID.upper(), "azpacr": "2", "idtyp": "app"}
    no_upn = {"oid": APP_OID, "appid": APP_ID}  # old app token: appid without upn, no idtyp
    records = [
        rec("SecretGet", t=t(40), claims=alice(), obj=obj, ua=CLI_UA),
        rec("VaultGet", t=t(41), claims=bob_uri(), obj=f"https://{HOST}/", ua=PORTAL_UA,
            uri=f"https://management.azure.com/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
                f"Microsoft.KeyVault/vaults/{VAULT}?api-version=2023-07-01"),  # fmt: skip
        rec("SecretGet", t=t(42), claims=app(), obj=obj),
        rec("SecretGet", t=t(43), claims=mi(), obj=obj),
        rec("SecretGet", t=t(44), claims=v2, obj=obj),
        rec("SecretGet", t=t(45), claims=no_upn, obj=obj),
        rec("SecretGet", t=t(46), status=401, claims=None, obj=obj, ip="192.0.2.201"),
        # Upper-case GUIDs in claims are lower-cased so they join with az output.
        rec("SecretGet", t=t(47), claims={**alice(), "oid": ALICE_OID.upper()}, obj=obj),
    ]
    write("claim_generations", "PT1H.json", lines(records))


def case_request_uri_fallback() -> None:
    """properties.id missing: the object comes from requestUri (portal cache-buster kept out)."""
    records = [
        rec("SecretGet", t=t(50), claims=alice(), ua=PORTAL_UA,
            uri=f"https://{HOST}/secrets/payments-db-password/{V1}?api-version=7.0&_=1793354450123"),  # fmt: skip
        rec("SecretGet", t=t(51), claims=alice(),
            uri=f"https://{HOST}/secrets/payments-db-password/?api-version=7.4"),  # fmt: skip
        rec("SecretListVersions", t=t(52), claims=alice(),
            uri=f"https://{HOST}/secrets/payments-db-password/versions?api-version=7.4&maxresults=25"),  # fmt: skip
        # id and requestUri both present: id wins (it carries the version).
        rec("SecretGet", t=t(53), claims=app(), obj=secret("payments-db-password", V2),
            uri=f"https://{HOST}/secrets/payments-db-password?api-version=7.4"),  # fmt: skip
        # Neither names an object.
        rec("SecretList", t=t(54), claims=app(), drop=("properties.requestUri",)),
    ]
    write("request_uri_fallback", "PT1H.json", lines(records))


def case_sparse_properties() -> None:
    """Sparse ``properties``: list operations without id, access-policy vaults without
    isRbacAuthorized, VaultGet on the ARM control-plane host with id = the vault URI."""
    records = [
        rec("SecretList", t=t(60), claims=alice(),
            uri=f"https://{HOST}/secrets?api-version=7.0&maxresults=25&_=1793354460280",
            extra_props={"isAccessPolicyMatch": True}, drop=("properties.isRbacAuthorized",)),  # fmt: skip
        rec("KeyList", t=t(61), claims=alice(), uri=f"https://{HOST}/keys?api-version=7.4"),
        rec("SecretListDeleted", t=t(62), claims=alice(),
            uri=f"https://{HOST}/deletedsecrets?api-version=7.4"),  # fmt: skip
        rec("VaultGet", t=t(63), claims=bob_uri(), obj=f"https://{HOST}/", ua="azure-resource-manager/2.0",
            uri=f"https://control-prod-weu.vaultcore.azure.net/subscriptions/{SUB}/resourcegroups/"
                f"{RG.lower()}/providers/Microsoft.KeyVault/vaults/{VAULT}?api-version=2015-06-01",
            correlation=""),  # fmt: skip
        rec("SecretGet", t=t(64), claims=app(), obj=secret("payments-db-password", V1),
            drop=("properties.clientInfo", "properties.tlsVersion", "properties.isRbacAuthorized",
                  "durationMs", "operationVersion", "correlationId", "callerIpAddress")),  # fmt: skip
    ]
    write("sparse_properties", "PT1H.json", lines(records))


def case_case_normalization() -> None:
    """Upper-case resourceId and blob path, mixed-case properties.id host and names: one id."""
    records = [
        rec("SecretGet", t=t(70), claims=app(),
            obj=f"https://ACME-Prod-KV.vault.azure.net/secrets/Payments-DB-Password/{V1.upper()}"),  # fmt: skip
        rec("SecretGet", t=t(71), claims=app(),
            obj=f"https://acme-prod-kv.VAULT.AZURE.NET/secrets/payments-db-password/{V1}"),  # fmt: skip
        rec("SecretGet", t=t(72), claims=app(), obj=secret("payments-db-password", V1),
            resource_id=RESOURCE_ID.lower()),  # fmt: skip
    ]
    write("case_normalization", BLOB_DIR + "/PT1H.json", lines(records))


def case_secret_and_vault_operations() -> None:
    """Every secret operation of FORMATS.md §4(c) and the vault-level ones."""
    n = "payments-db-password"
    deleted = f"https://{HOST}/deletedsecrets/{n}"
    arm = (
        f"https://management.azure.com/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
        f"Microsoft.KeyVault/vaults/{VAULT}?api-version=2023-07-01"
    )
    ops: list[dict[str, Any]] = [
        rec("SecretSet", t=t(80), claims=alice(), obj=secret(n, V2),
            uri=secret(n) + "?api-version=7.4"),  # fmt: skip
        rec("SecretUpdate", t=t(81), claims=alice(), obj=secret(n, V2)),
        rec("SecretListVersions", t=t(82), claims=alice(),
            uri=secret(n) + "/versions?api-version=7.4"),  # fmt: skip
        rec("SecretBackup", t=t(83), claims=alice(), obj=secret(n),
            uri=secret(n) + "/backup?api-version=7.4"),  # fmt: skip
        rec("SecretDelete", t=t(84), claims=alice(), obj=deleted,
            uri=secret(n) + "?api-version=7.4"),  # fmt: skip
        rec("SecretGetDeleted", t=t(85), claims=alice(), obj=deleted),
        rec("SecretRecover", t=t(86), claims=alice(), obj=secret(n),
            uri=deleted + "/recover?api-version=7.4"),  # fmt: skip
        rec("SecretPurge", t=t(87), status=204, claims=alice(), obj=deleted),
        rec("SecretRestore", t=t(88), claims=alice(), obj=secret(n, V2),
            uri=f"https://{HOST}/secrets/restore?api-version=7.4"),  # fmt: skip
        # A restore whose record lacks id: "restore" is the verb, not a secret name.
        rec("SecretRestore", t=t(89), claims=alice(),
            uri=f"https://{HOST}/secrets/restore?api-version=7.4"),  # fmt: skip
        # ... while a secret really named "restore" is one.
        rec("SecretGet", t=t(90), claims=app(), obj=secret("restore", V1)),
        rec("SecretNearExpiryEventGridNotification", t=t(91), claims=None, obj=secret(n, V1),
            ip="", ua="", uri=""),  # fmt: skip
        rec("VaultPut", t=t(92), claims=bob_uri(), obj=f"https://{HOST}/", uri=arm, ua=PORTAL_UA),
        rec("VaultPatch", t=t(93), claims=bob_uri(), obj=f"https://{HOST}/", uri=arm),
        rec("VaultAccessPolicyChangedEventGridNotification", t=t(94), claims=None,
            obj=f"https://{HOST}/", ip="", ua="", uri=""),  # fmt: skip
        rec("VaultDelete", t=t(95), claims=bob_uri(), obj=f"https://{HOST}/", uri=arm),
        rec("VaultRecover", t=t(96), claims=bob_uri(), obj=f"https://{HOST}/", uri=arm),
        rec("SecretFrobnicate", t=t(97), claims=alice(), obj=secret(n)),  # unknown: other
    ]
    write("secret_and_vault_operations", "PT1H.json", lines(ops))


def case_keys_and_certificates() -> None:
    """Key and certificate operations; a certificate's private key read through SecretGet;
    a managed HSM."""
    k = f"https://{HOST}/keys/payments-signing"
    c = f"https://{HOST}/certificates/api-example-com"
    hsm_rid = RESOURCE_ID.replace("VAULTS/ACME-PROD-KV", "MANAGEDHSMS/ACME-HSM")
    ops: list[dict[str, Any]] = [
        rec("KeyCreate", t=t(100), claims=alice(), obj=f"{k}/{V1}", uri=f"{k}/create?api-version=7.4"),
        rec("KeyGet", t=t(101), claims=app(), obj=f"{k}/{V1}"),
        rec("KeySign", t=t(102), claims=mi(), obj=f"{k}/{V1}", uri=f"{k}/{V1}/sign?api-version=7.4"),
        rec("KeyUnwrap", t=t(103), claims=mi(), obj=f"{k}/{V1}",
            uri=f"{k}/{V1}/unwrapkey?api-version=7.4"),  # fmt: skip
        rec("KeyDecrypt", t=t(104), status=403, claims=app(), obj=f"{k}/{V1}",
            uri=f"{k}/{V1}/decrypt?api-version=7.4"),  # fmt: skip
        rec("KeyRotate", t=t(105), claims=alice(), obj=f"{k}/{V2}", uri=f"{k}/rotate?api-version=7.4"),
        rec("KeyRotateIfDue", t=t(106), claims=None, obj=f"{k}/{V2}", ip="", ua="", uri=""),
        rec("KeyRotationPolicySet", t=t(107), claims=alice(), obj=f"{k}/rotationpolicy"),
        rec("KeyBackup", t=t(108), claims=alice(), obj=k, uri=f"{k}/backup?api-version=7.4"),
        rec("KeyRelease", t=t(109), claims=mi(), obj=f"{k}/{V2}", uri=f"{k}/{V2}/release?api-version=7.4"),
        rec("KeyListVersions", t=t(110), claims=alice(), uri=f"{k}/versions?api-version=7.4"),
        rec("KeyDelete", t=t(111), claims=alice(), obj=f"https://{HOST}/deletedkeys/payments-signing",
            uri=f"{k}?api-version=7.4"),  # fmt: skip
        rec("KeyPurge", t=t(112), status=204, claims=alice(),
            obj=f"https://{HOST}/deletedkeys/payments-signing"),  # fmt: skip
        rec("CertificateCreate", t=t(113), claims=alice(), obj=f"{c}/pending",
            uri=f"{c}/create?api-version=7.4"),  # fmt: skip
        rec("CertificateGet", t=t(114), claims=app(), obj=f"{c}/{V1}"),
        # The certificate's private key: SecretGet on the same name.
        rec("SecretGet", t=t(115), claims=app(), obj=secret("api-example-com", V1)),
        rec("CertificatePolicySet", t=t(116), claims=alice(), obj=f"{c}/policy"),
        rec("CertificateIssuerGet", t=t(117), claims=alice(),
            uri=f"https://{HOST}/certificates/issuers/digicert-test?api-version=7.4"),  # fmt: skip
        rec("CertificateContactsSet", t=t(118), claims=alice(),
            uri=f"https://{HOST}/certificates/contacts?api-version=7.4"),  # fmt: skip
        rec("CertificateRenew", t=t(119), claims=None, obj=f"{c}/{V2}", ip="", ua="", uri=""),
        rec("CertificateImport", t=t(120), claims=alice(), obj=f"{c}/{V2}",
            uri=f"{c}/import?api-version=7.4"),  # fmt: skip
        rec("KeyGet", t=t(121), claims=app(), resource_id=hsm_rid,
            obj=f"https://acme-hsm.managedhsm.azure.net/keys/tde-key/{V1}"),  # fmt: skip
    ]
    write("keys_and_certificates", "PT1H.json", lines(ops))


def case_appended_blob_reread() -> None:
    """The hourly blob is appended while its hour is open (FORMATS.md §4(e)): a copy taken at
    10:20 ends in a partial line; the copy taken after the hour repeats its records."""
    obj = secret("payments-db-password", V1)
    records = [
        rec("SecretGet", t=t(130 + i), claims=app(), obj=obj, correlation="") for i in range(4)
    ]
    full = lines(records)
    early = lines(records[:2]) + compact(records[2])[:57]  # cut mid-record, no newline
    write("appended_blob_reread", "copy-1020/PT1H.json", early)
    write("appended_blob_reread", "copy-1105/PT1H.json", full)


def case_empty_correlation_id() -> None:
    """correlationId empty: the dedupe key still tells calls apart (time, operation, URIs, IP);
    an exact re-delivery is a duplicate."""
    obj = secret("payments-db-password", V1)
    a = rec("SecretGet", t=t(140), claims=app(), obj=obj, correlation="")
    b = rec("SecretGet", t=t(140, "1234568"), claims=app(), obj=obj, correlation="")  # +100 ns
    c = rec("SecretGet", t=t(140), claims=app(), obj=obj, correlation="", ip="198.51.100.21")
    write("empty_correlation_id", "PT1H.json", lines([a, b, c, a]))


def azkv_row(r: dict[str, Any], *, identity_as_string: bool) -> dict[str, Any]:
    """The Log Analytics AZKVAuditLogs row of a resource-log record, as ``az monitor
    log-analytics query -o json`` prints it (every value a string, dynamic columns as JSON)."""
    p = r["properties"]
    identity = r.get("identity")
    row: dict[str, Any] = {
        "TenantId": "0c0c0c0c-0000-4000-8000-00000000a0a0",  # the workspace id
        "TimeGenerated": r["time"],
        "OperationName": r["operationName"],
        "OperationVersion": r["operationVersion"],
        "ResultType": r["resultType"],
        "ResultSignature": r["resultSignature"],
        "ResultDescription": r.get("resultDescription", ""),
        "DurationMs": r["durationMs"],
        "CallerIpAddress": r["callerIpAddress"],
        "CorrelationId": r["correlationId"],
        "Identity": (json.dumps(identity) if identity_as_string else identity) if identity else "",
        "Id": p.get("id", ""),
        "RequestUri": p["requestUri"],
        "ClientInfo": p["clientInfo"],
        "HttpStatusCode": str(p["httpStatusCode"]),
        "IsAccessPolicyMatch": "False",
        "IsRbacAuthorized": str(p.get("isRbacAuthorized", "")),
        "Tlsversion": p["tlsVersion"],
        "SourceSystem": "Azure",
        "Type": "AZKVAuditLogs",
        "_ResourceId": r["resourceId"].lower(),
        "_SubscriptionId": SUB,
        "TableName": "PrimaryResult",
    }
    return row


def case_azkv_auditlogs_export() -> None:
    """``az monitor log-analytics query --analytics-query "AZKVAuditLogs | ..." -o json``: a
    pretty JSON array of PascalCase rows; Identity as an object and as a JSON string."""
    name = "payments-db-password"
    src = [
        rec("SecretGet", t=t(150), claims=app(), obj=secret(name, V1)),
        rec("SecretGet", t=t(151), status=403, claims=alice(), obj=secret(name), ua=CLI_UA,
            description=NOT_AUTHORIZED.format(appid=AZ_CLI, oid=ALICE_OID, name=name)),  # fmt: skip
        rec("SecretList", t=t(152), claims=bob_uri(), uri=f"https://{HOST}/secrets?api-version=7.4"),
        rec("Authentication", t=t(153), status=401, claims=None, ip="192.0.2.202",
            uri=f"https://{HOST}/secrets/{name}/?api-version=7.4"),  # fmt: skip
    ]
    rows = [azkv_row(r, identity_as_string=i % 2 == 1) for i, r in enumerate(src)]
    write("azkv_auditlogs_export", "azkv-last-1d.json", json.dumps(rows, indent=2) + "\n")


def case_same_record_two_exports() -> None:
    """One call seen through the storage blob and through an AZKVAuditLogs export: one event."""
    r = rec("SecretGet", t=t(160), claims=app(), obj=secret("payments-db-password", V1))
    write("same_record_two_exports", "a-storage/PT1H.json", lines([r]))
    rows = [azkv_row(r, identity_as_string=True)]
    write("same_record_two_exports", "b-loganalytics/azkv.json", json.dumps(rows, indent=2))


def case_azure_diagnostics_flattened() -> None:
    """Legacy AzureDiagnostics rows: *_s/_d/_g columns (httpStatusCode_d a float),
    CallerIPAddress, URI claims flattened, claims past the 500-column limit in AdditionalFields."""
    base = {
        "TenantId": "0c0c0c0c-0000-4000-8000-00000000a0a0",
        "SourceSystem": "Azure",
        "ResourceId": RESOURCE_ID,
        "Category": "AuditEvent",
        "ResourceGroup": RG,
        "SubscriptionId": SUB,
        "ResourceProvider": "MICROSOFT.KEYVAULT",
        "Resource": VAULT.upper(),
        "ResourceType": "VAULTS",
        "OperationVersion": "7.4",
        "ResultType": "Success",
        "DurationMs": 11,
        "Type": "AzureDiagnostics",
    }
    rows = [
        {
            **base,
            "TimeGenerated": t(170, "1234567"),
            "OperationName": "SecretGet",
            "ResultSignature": "OK",
            "CallerIPAddress": "198.51.100.30",
            "CorrelationId": "d1a90000-0000-4000-8000-000000000001",
            "id_s": secret("payments-db-password", V1),
            "requestUri_s": secret("payments-db-password") + "?api-version=7.4",
            "httpStatusCode_d": 200.0,
            "clientInfo_s": SDK_UA,
            "identity_claim_oid_g": APP_OID,
            "identity_claim_appid_g": APP_ID,
            "identity_claim_appidacr_s": "1",
            "identity_claim_idtyp_s": "app",
            "isRbacAuthorized_b": True,
        },
        {
            **base,
            "TimeGenerated": t(171, "1234567"),
            "OperationName": "SecretGet",
            "ResultSignature": "Forbidden",
            "ResultDescription": "Caller is not authorized to perform action on resource.",
            "CallerIPAddress": "203.0.113.11",
            "CorrelationId": "d1a90000-0000-4000-8000-000000000002",
            "id_s": secret("payments-db-password"),
            "requestUri_s": secret("payments-db-password") + "?api-version=7.4",
            "httpStatusCode_d": 403.0,
            "clientInfo_s": PORTAL_UA,
            "identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g": BOB_OID,
            "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s": (
                "bob@example.com"
            ),
            "identity_claim_appid_g": PORTAL,
        },
        {
            **base,
            "TimeGenerated": t(172, "1234567"),
            "OperationName": "SecretList",
            "ResultSignature": "OK",
            "CallerIPAddress": "203.0.113.10",
            "CorrelationId": "d1a90000-0000-4000-8000-000000000003",
            "requestUri_s": f"https://{HOST}/secrets?api-version=7.4",
            "httpStatusCode_d": 200,
            "clientInfo_s": CLI_UA,
            "AdditionalFields": json.dumps(
                {
                    "identity_claim_oid_g": ALICE_OID,
                    "identity_claim_upn_s": "alice@example.com",
                    "identity_claim_appid_g": AZ_CLI,
                    "identity_claim_idtyp_s": "user",
                }
            ),
        },
        {  # another service's row in the same export: skipped
            **base,
            "TimeGenerated": t(173, "1234567"),
            "ResourceId": f"/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/{RG}/PROVIDERS/MICROSOFT.SQL/"
            "SERVERS/ACME-SQL/DATABASES/PAYMENTS",
            "ResourceProvider": "MICROSOFT.SQL",
            "Category": "SQLSecurityAuditEvents",
            "OperationName": "AuditEvent",
            "CallerIPAddress": "",
        },
    ]
    write("azure_diagnostics_flattened", "azurediagnostics.json", json.dumps(rows, indent=2))


def case_skipped_and_quarantined() -> None:
    """Out of scope (skipped, with a reason) versus broken (quarantined, with a reason)."""
    obj = secret("payments-db-password", V1)
    policy = {
        "time": t(180),
        "resourceId": RESOURCE_ID,
        "operationName": "SecretGet",
        "category": "AzurePolicyEvaluationDetails",
        "properties": {"evaluationResult": "Compliant"},
    }
    storage = {
        "time": t(181),
        "resourceId": f"/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/{RG}/PROVIDERS/MICROSOFT.STORAGE/"
        "STORAGEACCOUNTS/ACMELOGS/BLOBSERVICES/DEFAULT",
        "category": "StorageRead",
        "operationName": "GetBlob",
        "callerIpAddress": "198.51.100.40:52100",
    }
    text = "".join(
        [
            lines([rec("SecretGet", t=t(179), claims=app(), obj=obj)]),
            lines([policy, storage]),
            "2026-11-02 10:03:02 INFO exporter: copied 3 blobs\n",  # not JSON
            '["SecretGet"]\n',  # JSON, not an object
            '{"kind": "heartbeat", "time": "2026-11-02T10:03:03Z"}\n',  # not Key Vault
            lines([{**rec("SecretGet", t=t(183), claims=app(), obj=obj), "operationName": ""}]),
            lines([{**rec("SecretGet", t="", claims=app(), obj=obj)}]),
            compact({"records": [rec("SecretGet", t=t(184), claims=app(), obj=obj)]}) + "\n",
        ]
    )
    write("skipped_and_quarantined", "PT1H.json", text)


def case_siem_message_envelope() -> None:
    """SIEM re-exports: each record pretty-printed into a JSON string under "message"."""
    obj = secret("payments-db-password", V1)
    records = [
        rec("SecretGet", t=t(190), claims=alice(), obj=obj),
        rec("SecretGet", t=t(191), status=403, claims=app(), obj=obj),
    ]
    body = "".join(compact({"message": json.dumps(r, indent=4)}) + "\n" for r in records)
    write("siem_message_envelope", "siem-export.jsonl", body)


def case_store_fallback() -> None:
    """Anonymised samples name no vault (no resourceId, hosts replaced): --store names it.
    A record whose hosts are a vault's still names its own vault."""
    r1 = rec("SecretGet", t=t(200), claims=app(), obj="https://host.example.com/secrets/a",
             uri="https://example.com/secrets/a?api-version=7.0&_=1712042263922",
             drop=("resourceId",))  # fmt: skip
    r2 = rec("SecretGet", t=t(201), claims=app(), obj=secret("b", V1), drop=("resourceId",))
    write("store_fallback", "sample.json", lines([r1, r2]))
    (HERE / "store_fallback" / "case.json").write_text('{"store": "acme-anon-kv"}\n')


CASES = [
    case_all_fields, case_json_lines_blob, case_records_wrapper, case_records_wrapper_gzip,
    case_records_wrapper_pretty, case_eventhub_batches, case_bom_crlf_utf16,
    case_outcome_from_status, case_time_fractions, case_claim_generations,
    case_request_uri_fallback, case_sparse_properties, case_case_normalization,
    case_secret_and_vault_operations, case_keys_and_certificates, case_appended_blob_reread,
    case_empty_correlation_id, case_azkv_auditlogs_export, case_same_record_two_exports,
    case_azure_diagnostics_flattened, case_skipped_and_quarantined, case_siem_message_envelope,
    case_store_fallback,
]  # fmt: skip


def main() -> None:
    for make in CASES:
        name = make.__name__.removeprefix("case_")
        shutil.rmtree(HERE / name / "input", ignore_errors=True)
        make()
        print(name)


if __name__ == "__main__":
    main()
