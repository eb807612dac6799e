"""Writes the input files of the Vault audit golden cases (run once; inputs are committed).

Each case is a folder ``<name>/input/`` with files exactly as a Vault/OpenBao file audit device
(plus logrotate, re-exports, copies through Windows tools) leaves them, and ``expected.json``,
which the golden runner writes only under ``pytest --update-goldens`` and a human reviews.
All values are fake: TEST-NET addresses, example.com names, made-up UUIDs and HMACs.
"""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def h(tag: str) -> str:
    """A fake but well-formed audit HMAC."""
    return "hmac-sha256:" + (tag.encode().hex() * 64)[:64]


ALICE = "0f9a3c1e-7d2b-4a0e-9a54-0c1b5d2e9f10"
API = "5b1e2c3d-0000-4000-8000-00000000a11c"


def auth(who: str = "alice") -> dict[str, Any]:
    if who == "alice":
        return {
            "accessor": h("acc-alice"),
            "client_token": h("tok-alice"),
            "display_name": "oidc-alice@acme.example",
            "entity_id": ALICE,
            "metadata": {"username": "alice@acme.example"},
            "policies": ["default", "payments-read"],
            "token_policies": ["default"],
            "identity_policies": ["payments-read"],
            "token_type": "service",
            "token_ttl": 3600,
            "token_issue_time": "2026-11-02T04:59:00-05:00",
        }
    if who == "api":
        return {
            "accessor": h("acc-api"),
            "client_token": h("tok-api"),
            "display_name": "kubernetes-payments-api",
            "entity_id": API,
            "metadata": {
                "role": "payments",
                "service_account_name": "api",
                "service_account_namespace": "payments",
            },
            "policies": ["default", "payments-read"],
            "token_policies": ["default", "payments-read"],
            "identity_policies": None,
            "token_type": "service",
        }
    if who == "root":
        return {
            "accessor": h("acc-root"),
            "client_token": h("tok-root"),
            "display_name": "root",
            "entity_id": "",
            "policies": ["root"],
            "token_policies": ["root"],
            "token_type": "service",
        }
    if who == "noentity":
        return {
            "accessor": h("acc-nomad"),
            "client_token": h("tok-nomad"),
            "display_name": "token-8b1a9c44-nomad",
            "entity_id": "",
            "policies": ["default", "nomad-jobs"],
            "token_type": "service",
        }
    if who == "denied":
        return {"token_type": "default", "policy_results": {"allowed": False}}
    return {}


def request(rid: str, op: str, path: str, *, mount: str | None, mount_type: str,
            ip: str = "10.4.2.17", ns: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    req: dict[str, Any] = {"id": rid, "operation": op}
    if mount_type:
        req["mount_type"] = mount_type
        req["mount_accessor"] = f"{mount_type}_5c2d1a7e"
    if mount:
        req["mount_point"] = mount
        req["mount_class"] = "auth" if mount.startswith("auth/") else "secret"
        req["mount_running_version"] = "v0.20.0+builtin"
    req["namespace"] = ns or {"id": "root"}
    req["path"] = path
    req["remote_address"] = ip
    req["remote_port"] = 53122
    req.update(extra)
    return req


def entry(kind: str, time: str, a: dict[str, Any], req: dict[str, Any],
          resp: dict[str, Any] | None = None, error: str | None = None) -> dict[str, Any]:
    e: dict[str, Any] = {"time": time, "type": kind, "auth": a, "request": req}
    if resp is not None:
        e["response"] = resp
    if error is not None:
        e["error"] = error
    return e


def pair(t1: str, t2: str, a: dict[str, Any], req: dict[str, Any],
         resp: dict[str, Any] | None = None, error: str | None = None) -> list[dict[str, Any]]:
    resp = dict(resp or {})
    if "mount_type" in req:
        resp.setdefault("mount_type", req["mount_type"])
        resp.setdefault("mount_accessor", req["mount_accessor"])
    if "mount_point" in req:
        resp.setdefault("mount_point", req["mount_point"])
        resp.setdefault("mount_running_plugin_version", "v0.20.0+builtin")
    multi = None if error is None else f"1 error occurred:\n\t* {error}\n\n"
    return [entry("request", t1, a, req, error=error), entry("response", t2, a, req, resp, multi)]


def kv_read(version: int) -> dict[str, Any]:
    return {"data": {"data": {"password": h("pw")}, "metadata": {
        "created_time": h("ct"), "custom_metadata": None, "deletion_time": "", "destroyed": False,
        "version": version}}}


def dumps(e: Any) -> str:
    return json.dumps(e, separators=(",", ":"))


def write(case: str, name: str, lines: list[Any], *, text: str | None = None,
          gz: bool = False, raw: bytes | None = None) -> None:
    d = HERE / case / "input"
    d.mkdir(parents=True, exist_ok=True)
    if raw is None:
        body = text if text is not None else "".join(dumps(x) + "\n" for x in lines)
        raw = body.encode()
    (d / name).parent.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(gzip.compress(raw, mtime=0) if gz else raw)


def main() -> None:
    # All fields, one KV v2 read by a human through OIDC, plus the same by a k8s workload.
    lines = pair("2026-11-02T10:21:07.118Z", "2026-11-02T10:21:07.121Z", auth("alice"),
                 request("11111111-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                         mount="secret/", mount_type="kv", client_token=h("tok-alice"),
                         client_token_accessor=h("acc-alice"),
                         headers={"user-agent": [h("ua")]}),
                 kv_read(6))
    lines += pair("2026-11-02T10:22:00.5Z", "2026-11-02T10:22:00.51Z", auth("api"),
                  request("11111111-aaaa-4bbb-8ccc-000000000002", "read", "secret/data/payments/db",
                          mount="secret/", mount_type="kv", ip="10.4.9.20"), kv_read(6))
    write("all_fields", "vault_audit.log", lines)

    # Pairing across a logrotate boundary: request in .log.1, response in .log.
    a, b = pair("2026-11-02T23:59:59.999999Z", "2026-11-03T00:00:00.000001Z", auth("api"),
                request("22222222-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                        mount="secret/", mount_type="kv"), kv_read(7))
    write("pair_across_files", "vault_audit.log.1", [a])
    write("pair_across_files", "vault_audit.log", [b])

    # Unpaired entries: a request whose response never came (crash), a denied request entry,
    # and a response whose request entry is in a file we do not have.
    req_only = pair("2026-11-02T10:00:00Z", "2026-11-02T10:00:01Z", auth("api"),
                    request("33333333-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                            mount="secret/", mount_type="kv"))[0]
    denied_only = pair("2026-11-02T10:00:02Z", "2026-11-02T10:00:03Z", auth("denied"),
                       request("33333333-aaaa-4bbb-8ccc-000000000002", "read", "secret/data/prod/root-ca",
                               mount="secret/", mount_type="kv"), error="permission denied")[0]
    resp_only = pair("2026-11-02T10:00:04Z", "2026-11-02T10:00:05Z", auth("api"),
                     request("33333333-aaaa-4bbb-8ccc-000000000003", "read", "secret/data/payments/stripe",
                             mount="secret/", mount_type="kv"), kv_read(2))[1]
    write("unpaired", "vault_audit.log", [req_only, denied_only, resp_only])

    # Time: 0-9 fractional digits, an offset, and a token_issue_time with a local offset.
    times = ["2026-11-02T10:00:00Z", "2026-11-02T10:00:00.1Z", "2026-11-02T10:00:00.123Z",
             "2026-11-02T10:00:00.123456Z", "2026-11-02T10:00:00.1234567Z",
             "2026-11-02T10:00:00.123456789Z", "2026-11-02T12:00:00.5+02:00"]
    lines = []
    for i, t in enumerate(times):
        lines += pair(t, t, auth("alice"), request(f"44444444-aaaa-4bbb-8ccc-00000000000{i}", "read",
                      "secret/data/payments/db", mount="secret/", mount_type="kv"), kv_read(6))
    write("time_formats", "vault_audit.log", lines)

    # Namespaces: the same path in root and in team-a/ are two secrets.
    lines = pair("2026-11-02T10:00:00Z", "2026-11-02T10:00:00.01Z", auth("alice"),
                 request("55555555-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/app/key",
                         mount="secret/", mount_type="kv"), kv_read(1))
    lines += pair("2026-11-02T10:00:01Z", "2026-11-02T10:00:01.01Z", auth("alice"),
                  request("55555555-aaaa-4bbb-8ccc-000000000002", "read", "secret/data/app/key",
                          mount="secret/", mount_type="kv", ns={"id": "aBc12", "path": "team-a/"}),
                  kv_read(3))
    write("namespaces", "vault_audit.log", lines)

    # KV v2: every sub-path and operation, incl. first write (create) and mount-root list.
    ops = [("read", "secret/data/payments/db", kv_read(6)),
           ("create", "secret/data/payments/new", {"data": {"version": 1, "created_time": h("t")}}),
           ("update", "secret/data/payments/db", {"data": {"version": 7, "created_time": h("t")}}),
           ("patch", "secret/data/payments/db", {"data": {"version": 8, "created_time": h("t")}}),
           ("delete", "secret/data/payments/db", {}),
           ("list", "secret/metadata/payments/", {"data": {"keys": [h("k1"), h("k2")]}}),
           ("list", "secret/metadata/", {"data": {"keys": [h("k3")]}}),
           ("read", "secret/metadata/payments/db", {"data": {"current_version": 8}}),
           ("update", "secret/metadata/payments/db", {}),
           ("delete", "secret/metadata/payments/old", {}),
           ("update", "secret/delete/payments/db", {}),
           ("update", "secret/destroy/payments/db", {}),
           ("update", "secret/undelete/payments/db", {})]
    lines = []
    for i, (op, path, resp) in enumerate(ops):
        lines += pair(f"2026-11-02T11:00:{i:02d}Z", f"2026-11-02T11:00:{i:02d}.002Z", auth("alice"),
                      request(f"66666666-aaaa-4bbb-8ccc-0000000000{i:02d}", op, path,
                              mount="secret/", mount_type="kv"), resp)
    write("kv_v2_actions", "vault_audit.log", lines)

    # KV v1 on kv/: no data/ segment, no versions; no mount_point (older Vault).
    lines = []
    for i, (op, path) in enumerate([("read", "kv/legacy/app-token"), ("list", "kv/legacy/"),
                                    ("update", "kv/legacy/app-token"), ("delete", "kv/legacy/app-token")]):
        lines += pair(f"2026-11-02T12:00:0{i}Z", f"2026-11-02T12:00:0{i}.1Z", auth("noentity"),
                      request(f"77777777-aaaa-4bbb-8ccc-00000000000{i}", op, path, mount=None,
                              mount_type="kv"), {"data": {"value": h("v")}} if op == "read" else {})
    write("kv_v1", "vault_audit.log", lines)

    # Logins: the request carries no identity; the response's auth block names who logged in.
    def login_resp(who: str, policies: list[str]) -> dict[str, Any]:
        a = auth(who)
        return {"auth": {"client_token": h("new-" + who), "accessor": h("newacc-" + who),
                         "display_name": a["display_name"], "policies": policies,
                         "token_policies": policies, "metadata": a.get("metadata"),
                         "entity_id": a["entity_id"], "token_type": "service"}}
    lines = pair("2026-11-02T08:00:00Z", "2026-11-02T08:00:00.2Z", {},
                 request("88888888-aaaa-4bbb-8ccc-000000000001", "update", "auth/oidc/oidc/callback",
                         mount="auth/oidc/", mount_type="oidc", ip="198.51.100.23"),
                 login_resp("alice", ["default", "payments-read"]))
    lines += pair("2026-11-02T08:00:01Z", "2026-11-02T08:00:01.2Z", {},
                  request("88888888-aaaa-4bbb-8ccc-000000000002", "update", "auth/kubernetes/login",
                          mount="auth/kubernetes/", mount_type="kubernetes"),
                  login_resp("api", ["default", "payments-read"]))
    lines += pair("2026-11-02T08:00:02Z", "2026-11-02T08:00:02.2Z", {},
                  request("88888888-aaaa-4bbb-8ccc-000000000003", "update", "auth/approle/login",
                          mount="auth/approle/", mount_type="approle"),
                  error="invalid role or secret ID")
    lines += pair("2026-11-02T08:00:03Z", "2026-11-02T08:00:03.2Z", auth("root"),
                  request("88888888-aaaa-4bbb-8ccc-000000000004", "update", "auth/token/create",
                          mount="auth/token/", mount_type="token"),
                  {"auth": {"accessor": h("child"), "client_token": h("child-tok"),
                            "display_name": "token", "policies": ["ci"], "entity_id": ""}})
    lines += pair("2026-11-02T08:00:04Z", "2026-11-02T08:00:04.2Z", {},
                  request("88888888-aaaa-4bbb-8ccc-000000000005", "update", "auth/userpass/login/bob",
                          mount="auth/userpass/", mount_type="userpass"),
                  {"auth": {"accessor": h("bob"), "client_token": h("bob-tok"),
                            "display_name": "userpass-bob", "policies": ["default"],
                            "entity_id": "9d0f7a11-2222-4333-8444-00000000b0b0"}})
    write("logins", "vault_audit.log", lines)

    # Policy, role and identity changes (permission_change) and audit-device tampering (other).
    lines = []
    for i, (op, path, mount, mtype) in enumerate([
            ("update", "sys/policies/acl/payments-read", "sys/", "system"),
            ("delete", "sys/policy/old-policy", "sys/", "system"),
            ("update", "auth/approle/role/ci", "auth/approle/", "approle"),
            ("create", "auth/kubernetes/role/payments", "auth/kubernetes/", "kubernetes"),
            ("update", "auth/token/roles/nomad", "auth/token/", "token"),
            ("update", "identity/entity/id/" + ALICE, "identity/", "identity"),
            ("update", "identity/group/name/platform", "identity/", "identity"),
            ("read", "sys/policies/acl/payments-read", "sys/", "system"),
            ("update", "sys/audit/file", "sys/", "system"),
            ("delete", "sys/audit/file", "sys/", "system")]):
        lines += pair(f"2026-11-02T13:00:0{i}Z", f"2026-11-02T13:00:0{i}.1Z", auth("root"),
                      request(f"99999999-aaaa-4bbb-8ccc-00000000000{i}", op, path, mount=mount,
                              mount_type=mtype))
    write("permission_changes", "vault_audit.log", lines)

    # Dynamic database credentials: who received which lease; renew and revoke of the lease.
    lease = "database/creds/payments-ro/Hk3j9sLmQ2wXyZ8aBcDeFgHi"
    lines = pair("2026-11-02T14:00:00Z", "2026-11-02T14:00:00.05Z", auth("api"),
                 request("aaaaaaaa-aaaa-4bbb-8ccc-000000000001", "read", "database/creds/payments-ro",
                         mount="database/", mount_type="database"),
                 {"secret": {"lease_id": lease}, "data": {"username": h("u"), "password": h("p")}})
    lines += pair("2026-11-02T14:30:00Z", "2026-11-02T14:30:00.01Z", auth("api"),
                  request("aaaaaaaa-aaaa-4bbb-8ccc-000000000002", "update", "sys/leases/renew",
                          mount="sys/", mount_type="system", data={"lease_id": lease}),
                  {"secret": {"lease_id": lease}})
    lines += pair("2026-11-02T15:00:00Z", "2026-11-02T15:00:00.01Z", auth("root"),
                  request("aaaaaaaa-aaaa-4bbb-8ccc-000000000003", "update", "database/rotate-root/pg",
                          mount="database/", mount_type="database"))
    lines += pair("2026-11-02T15:00:01Z", "2026-11-02T15:00:01.01Z", auth("root"),
                  request("aaaaaaaa-aaaa-4bbb-8ccc-000000000004", "update", "transit/keys/orders/rotate",
                          mount="transit/", mount_type="transit"))
    write("dynamic_leases", "vault_audit.log", lines)

    # Identity fallbacks: no entity (Nomad token) -> accessor; root token; denied minimal auth.
    lines = pair("2026-11-02T16:00:00Z", "2026-11-02T16:00:00.01Z", auth("noentity"),
                 request("bbbbbbbb-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/nomad/job",
                         mount="secret/", mount_type="kv"), kv_read(2))
    lines += pair("2026-11-02T16:00:01Z", "2026-11-02T16:00:01.01Z", auth("root"),
                  request("bbbbbbbb-aaaa-4bbb-8ccc-000000000002", "read", "secret/data/payments/db",
                          mount="secret/", mount_type="kv"), kv_read(6))
    lines += pair("2026-11-02T16:00:02Z", "2026-11-02T16:00:02.01Z", auth("denied"),
                  request("bbbbbbbb-aaaa-4bbb-8ccc-000000000003", "read", "secret/data/prod/root-ca",
                          mount="secret/", mount_type="kv", ip="203.0.113.66"),
                  error="permission denied")
    lines += pair("2026-11-02T16:00:03Z", "2026-11-02T16:00:03.01Z", auth("api"),
                  request("bbbbbbbb-aaaa-4bbb-8ccc-000000000004", "read", "secret/data/nope",
                          mount="secret/", mount_type="kv"), error="unsupported path")
    write("identity_and_outcomes", "vault_audit.log", lines)

    # remote_address forms: IPv4, IPv6 bare, [IPv6]:port; KMIP entries with ip:port kept as other.
    lines = pair("2026-11-02T17:00:00Z", "2026-11-02T17:00:00.01Z", auth("api"),
                 request("cccccccc-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                         mount="secret/", mount_type="kv", ip="2001:db8::17"), kv_read(6))
    lines += pair("2026-11-02T17:00:01Z", "2026-11-02T17:00:01.01Z", auth("api"),
                  request("cccccccc-aaaa-4bbb-8ccc-000000000002", "read", "secret/data/payments/db",
                          mount="secret/", mount_type="kv", ip="[2001:db8::18]:8200"), kv_read(6))
    kmip_req = {"time": "2026-11-02T17:00:02.5Z", "type": "kmip-request", "auth": {"display_name": "kmip-client"},
                "request": {"id": "cccccccc-aaaa-4bbb-8ccc-000000000003", "operation": "Get",
                            "mount_type": "kmip", "mount_point": "kmip/", "path": "kmip/scope/finance/role/db",
                            "remote_address": "192.0.2.44:5696", "namespace": {"id": "root"}}}
    kmip_resp = dict(kmip_req, time="2026-11-02T17:00:02.6Z", type="kmip-response",
                     response={"mount_type": "kmip"})
    lines += [kmip_req, kmip_resp]
    write("remote_address_and_kmip", "vault_audit.log", lines)

    # Server log lines and a truncated entry mixed into the audit stream.
    good = pair("2026-11-02T18:00:00Z", "2026-11-02T18:00:00.01Z", auth("api"),
                request("dddddddd-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                        mount="secret/", mount_type="kv"), kv_read(6))
    text = (dumps(good[0]) + "\n"
            + '2026-11-02T18:00:00.005Z [INFO]  core: successful mount: namespace="" path=secret/ type=kv\n'
            + dumps(good[1]) + "\n"
            + dumps(good[0])[:120] + "\n"
            + '{"time":"yesterday","type":"response","request":{"id":"x"}}\n'
            + '{"hello":"world"}\n'
            + '[1,2,3]\n')
    write("server_log_lines", "vault_audit.log", [], text=text)

    # prefix= device option: every line starts with a fixed text before the JSON.
    lines = pair("2026-11-02T19:00:00Z", "2026-11-02T19:00:00.01Z", auth("alice"),
                 request("eeeeeeee-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                         mount="secret/", mount_type="kv"), kv_read(6))
    write("prefix_option", "vault_audit.log", [],
          text="".join("vault-prod-1 audit: " + dumps(x) + "\n" for x in lines))

    # log_raw=true: tokens and secret values in clear; they must not reach the lake.
    tok = "hvs." + "CAESIJ" + "x" * 18 + "Fake0Token0Value"
    raw_auth = dict(auth("alice"), client_token=tok, accessor="hWJXr0rzKxyzFakeAccessor1")
    lines = pair("2026-11-02T20:00:00Z", "2026-11-02T20:00:00.01Z", raw_auth,
                 request("ffffffff-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                         mount="secret/", mount_type="kv", client_token=tok),
                 {"data": {"data": {"password": "CanaryPlaintextPassw0rd!"},
                           "metadata": {"version": 6, "created_time": "2026-10-01T00:00:00Z"}}})
    write("log_raw", "vault_audit.log", lines)

    # Containers: gzip under a misleading name, CRLF + BOM + no final newline, a JSON array
    # (jq -s), pretty-printed back-to-back objects (jq .), SIEM message wrapper, UTF-16 (PowerShell).
    base = pair("2026-11-02T21:00:00Z", "2026-11-02T21:00:00.01Z", auth("api"),
                request("12121212-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                        mount="secret/", mount_type="kv"), kv_read(6))

    def variant(i: int) -> list[dict[str, Any]]:
        out = json.loads(json.dumps(base))
        for e in out:
            e["request"]["id"] = f"12121212-aaaa-4bbb-8ccc-00000000010{i}"
        return out
    write("containers", "audit-copy.json", variant(1), gz=True)
    write("containers", "vault_audit.log.gz", variant(2))  # named .gz but already decompressed
    crlf = "\r\n".join(dumps(x) for x in variant(3))
    write("containers", "windows-export.log", [], raw=codecs.BOM_UTF8 + crlf.encode())
    write("containers", "jq-slurp.json", [], text=json.dumps(variant(4), indent=2))
    write("containers", "jq-pretty.json", [], text="\n".join(json.dumps(x, indent=2) for x in variant(5)))
    write("containers", "siem-export.ndjson", [],
          text="".join(dumps({"@timestamp": x["time"], "message": dumps(x)}) + "\n" for x in variant(6)))
    utf16 = "\r\n".join(dumps(x) for x in variant(7)) + "\r\n"
    write("containers", "powershell-out.log", [], raw=codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"))

    # Duplicates: a re-delivered line, and the same request logged by two HA nodes.
    lines = pair("2026-11-02T22:00:00Z", "2026-11-02T22:00:00.01Z", auth("api"),
                 request("13131313-aaaa-4bbb-8ccc-000000000001", "read", "secret/data/payments/db",
                         mount="secret/", mount_type="kv"), kv_read(6))
    write("duplicates", "node-a/vault_audit.log", lines + [lines[1]])
    node_b = json.loads(json.dumps(lines))
    node_b[1]["forwarded"] = True
    write("duplicates", "node-b/vault_audit.log", node_b)


if __name__ == "__main__":
    main()
