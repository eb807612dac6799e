"""Writes the input files of the 1Password audit golden cases (run once; inputs are committed).

Each case is a folder ``<name>/input/`` with files as the Events API and the tools around it
(collector scripts, ``jq``, SIEM re-exports) leave them, and ``expected.json``, written only by
``pytest --update-goldens`` and reviewed by a human. Every value is fake: made-up 26-character
uuids that spell what they are, acme.example e-mails, TEST-NET addresses.

Field order follows the Events API responses: uuid, timestamp, used_version, vault_uuid,
item_uuid, user, client, location, action (item usages); uuid, session_uuid, timestamp, country,
category, type, details, target_user, client, location (sign-in attempts); uuid, timestamp,
actor_uuid, actor_details, action, object_type, object_uuid, aux_*, session, location (audit).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def uid(tag: str, *, lower: bool = False) -> str:
    """A 26-character fake uuid that reads as what it is: ``ALICE0000...``."""
    text = (tag + "0" * 26)[:26]
    return text.lower() if lower else text.upper()


SALES = uid("salesshared", lower=True)
CUSTOMERS = uid("customers", lower=True)
INFRA = uid("infra", lower=True)
ITEM_CRM = uid("crmadmin", lower=True)
ITEM_DB = uid("paymentsdb", lower=True)
ALICE = {"uuid": uid("alice"), "name": "Alice Example", "email": "alice@acme.example"}
FRANK = {"uuid": uid("frank"), "name": "Frank Example", "email": "frank@acme.example"}
CI_BOT = {"uuid": uid("cibot"), "name": "ci-deploy", "email": "ci7k2m9x@1passwordserviceaccounts.com"}
BROWSER = {
    "app_name": "1Password Browser Extension", "app_version": "20240", "platform_name": "Chrome",
    "platform_version": "130.0.6723.92", "os_name": "MacOSX", "os_version": "14.6",
    "ip_address": "198.51.100.23",
}  # fmt: skip
CLI = {
    "app_name": "1Password CLI", "app_version": "2.30.0", "platform_name": "linux",
    "platform_version": "", "os_name": "linux", "os_version": "", "ip_address": "10.20.0.14",
}  # fmt: skip
OFFICE = {"country": "DE", "region": "Berlin", "city": "Berlin", "latitude": 52.52, "longitude": 13.4}


def usage(n: int, ts: str, action: str, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "uuid": uid(f"IU{n:02d}X"), "timestamp": ts, "used_version": 3, "vault_uuid": SALES,
        "item_uuid": ITEM_CRM, "user": ALICE, "client": BROWSER, "location": OFFICE,
        "action": action,
    }  # fmt: skip
    rec.update(over)
    return rec


def signin(n: int, ts: str, category: str, kind: str, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "uuid": uid(f"SI{n:02d}X"), "session_uuid": uid(f"SESS{n:02d}"), "timestamp": ts,
        "country": "DE", "category": category, "type": kind, "details": None,
        "target_user": ALICE, "client": BROWSER, "location": OFFICE,
    }  # fmt: skip
    rec.update(over)
    return rec


def audit(n: int, ts: str, action: str, object_type: str, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "uuid": uid(f"AE{n:02d}X"), "timestamp": ts, "actor_uuid": ALICE["uuid"],
        "actor_details": ALICE, "action": action, "object_type": object_type,
        "object_uuid": ITEM_CRM.upper(), "aux_id": 0, "aux_uuid": "", "aux_info": "",
        "session": {"uuid": uid("SESSAUDIT"), "login_time": "2026-11-16T08:58:12.000412331Z",
                    "device_uuid": uid("device", lower=True), "ip": "198.51.100.23"},
        "location": OFFICE,
    }  # fmt: skip
    rec.update(over)
    return rec


def lines(records: list[Any]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def write(case: str, name: str, text: str | bytes, **case_opts: str) -> None:
    target = HERE / case / "input" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    if case_opts:
        (HERE / case / "case.json").write_text(json.dumps(case_opts) + "\n", encoding="utf-8")


def all_fields() -> None:
    write("all_fields", "itemusages.jsonl", lines([usage(1, "2026-11-16T10:21:07.402Z", "reveal")]))
    write("all_fields", "signinattempts.jsonl", lines([signin(
        1, "2026-11-16T08:58:12.000412331Z", "success", "mfa_ok",
        details={"value": "totp"})]))  # fmt: skip
    write("all_fields", "auditevents.jsonl", lines([audit(
        1, "2026-11-16T10:30:00.123456789Z", "grant", "uva", object_uuid=FRANK["uuid"],
        object_details=FRANK, aux_id=4711, aux_uuid=CUSTOMERS.upper(),
        aux_details={"uuid": CUSTOMERS.upper(), "name": "Customers", "email": ""},
        aux_info="0x00000032")]))  # fmt: skip


def item_usage_actions() -> None:
    acts = ["reveal", "secure-copy", "copy", "fill", "sso-fill", "server-fetch", "export",
            "share", "enter-item-edit-mode", "server-create", "server-update",
            "select-sso-provider", "archive-all-the-things"]  # fmt: skip
    recs = [usage(i, f"2026-11-16T10:{10 + i:02d}:07.402Z", a) for i, a in enumerate(acts)]
    for r in recs:
        if r["action"].startswith("server-"):
            r["user"], r["client"] = CI_BOT, CLI
            r.pop("location")  # private address: no geolocation
    write("item_usage_actions", "itemusages.jsonl", lines(recs))


def audit_event_mapping() -> None:
    pairs = [("create", "item"), ("update", "item"), ("patch", "items"), ("delete", "item"),
             ("purge", "item"), ("export", "vault"), ("view", "itemhist"), ("grant", "uva"),
             ("revoke", "gva"), ("update", "uva"), ("join", "gm"), ("create", "sa"),
             ("trevoke", "satoken"), ("role", "user"), ("suspend", "user"),
             ("reactive", "user"), ("enblmfa", "account"), ("create", "vault"),
             ("unknown", "report")]  # fmt: skip
    recs = [
        audit(i, f"2026-11-16T11:{i:02d}:00.5Z", act, obj) for i, (act, obj) in enumerate(pairs)
    ]
    recs[3].pop("actor_details")  # spec 1.2.0 records have no actor details
    write("audit_event_mapping", "auditevents.jsonl", lines(recs))


def signin_categories() -> None:
    cats = [("success", "credentials_ok"), ("credentials_failed", "password_secret_bad"),
            ("mfa_failed", "totp_bad"), ("mfa_failed", "u2f_timout"), ("mfa_failed", "u2f_timeout"),
            ("sso_failed", "sso_user_mismatch"), ("modern_version_failed", "modern_version_old"),
            ("firewall_failed", "country_blocked"), ("firewall_reported_success", "ip_blocked"),
            ("brand_new_category", "something")]  # fmt: skip
    recs = [signin(i, f"2026-11-16T07:{i:02d}:03Z", c, t) for i, (c, t) in enumerate(cats)]
    recs[1]["details"] = {"value": "wrong password"}
    recs.append(signin(20, "2026-11-16T07:30:00Z", "success", "credentials_ok",
                       target_user=CI_BOT, client=CLI))  # fmt: skip
    write("signin_categories", "signinattempts.jsonl", lines(recs))


def siem_message_envelope() -> None:
    inner = [usage(1, "2026-11-16T10:21:07.402Z", "reveal"),
             signin(2, "2026-11-16T08:00:00Z", "credentials_failed", "password_secret_bad"),
             audit(3, "2026-11-16T12:00:00.000000001Z", "update", "item")]  # fmt: skip
    recs: list[Any] = [{"@timestamp": r["timestamp"], "message": json.dumps(r)} for r in inner]
    recs.append({"@timestamp": "2026-11-16T10:22:00Z",
                 "message": usage(4, "2026-11-16T10:22:00Z", "fill")})  # fmt: skip
    write("siem_message_envelope", "elastic-export.jsonl", lines(recs))


def api_pages() -> None:
    """Responses saved by a collector script: a page with items, pretty-printed; a page saved
    on one line; an empty page after ``has_more: true``."""
    page = {"cursor": "aGVsbG8tY3Vyc29yLTE", "has_more": True,
            "items": [usage(1, "2026-11-16T10:21:07Z", "reveal"),
                      usage(2, "2026-11-16T10:22:07Z", "secure-copy")]}  # fmt: skip
    write("api_pages", "page-0001.json", json.dumps(page, indent=2) + "\n")
    page2 = {"cursor": "aGVsbG8tY3Vyc29yLTI", "has_more": True,
             "items": [usage(3, "2026-11-16T10:23:07Z", "fill")]}  # fmt: skip
    write("api_pages", "page-0002.json", json.dumps(page2) + "\n")
    empty = {"cursor": "aGVsbG8tY3Vyc29yLTM", "has_more": False, "items": []}
    write("api_pages", "page-0003.json", json.dumps(empty) + "\n")


def json_array_and_gzip() -> None:
    recs = [usage(i, f"2026-11-16T09:0{i}:00.25Z", "reveal") for i in range(1, 4)]
    write("json_array_and_gzip", "itemusages-jq-slurp.json", json.dumps(recs, indent=2) + "\n")
    more = [usage(i, f"2026-11-16T09:1{i}:00Z", "fill") for i in range(4, 7)]
    write("json_array_and_gzip", "itemusages.jsonl.gz", gzip.compress(lines(more).encode(), mtime=0))
    # gzip content under a plain name, as copied by hand
    last = [signin(7, "2026-11-16T09:20:00Z", "success", "credentials_ok")]
    write("json_array_and_gzip", "signins.json", gzip.compress(lines(last).encode(), mtime=0))


def duplicate_deliveries() -> None:
    """Two collector runs with overlapping start_time windows, one with lower-cased uuids."""
    recs = [usage(i, f"2026-11-16T13:0{i}:00Z", "reveal") for i in range(1, 5)]
    write("duplicate_deliveries", "run-1.jsonl", lines(recs[:3] + [recs[0]]))
    again = [dict(r, uuid=r["uuid"].lower()) if i == 1 else r for i, r in enumerate(recs[1:])]
    write("duplicate_deliveries", "run-2.jsonl", lines(again))


def odd_timestamps() -> None:
    stamps = ["2026-11-16T07:21:07.402-03:00", "2026-11-16T15:51:07+05:30",
              "2026-11-16T10:21:07.123456789Z", "2026-11-16T10:21:07Z",
              "2026-11-16T10:21:07.1234567+00:00", "2026-11-16T23:59:59.999999999-01:00",
              "16/11/2026 10:21", "", None]  # fmt: skip
    recs = [usage(i, ts, "reveal") for i, ts in enumerate(stamps)]
    recs[-1].pop("timestamp")
    write("odd_timestamps", "itemusages.jsonl", lines(recs))


def service_accounts_and_connect() -> None:
    recs = [usage(1, "2026-11-16T03:00:00Z", "server-fetch", user=CI_BOT, client=CLI,
                  vault_uuid=INFRA.upper(), item_uuid=ITEM_DB.upper()),
            usage(2, "2026-11-16T03:00:01Z", "reveal", user=CI_BOT,
                  client={**CLI, "app_name": "1Password SDK", "app_version": "0.1.3"})]  # fmt: skip
    write("service_accounts_and_connect", "itemusages.jsonl", lines(recs))
    actor = {"id": uid("connectsrv"), "account": uid("acmeaccount"), "jti": "j7q3k9x2m5v8w1",
             "userAgent": "1Password Connect Operator/1.8.1", "requestIp": "10.4.3.17:51234"}
    res = {"type": "ITEM", "vault": {"id": INFRA}, "item": {"id": ITEM_DB}, "itemVersion": 5}
    activity = [
        {"requestId": "5c0f2a7e-0001-4000-8000-00000000c0e1", "timestamp": "2026-11-16T03:05:00Z",
         "action": "READ", "result": "SUCCESS", "actor": actor, "resource": res},
        {"requestId": "5c0f2a7e-0002-4000-8000-00000000c0e1", "timestamp": "2026-11-16T03:06:00Z",
         "action": "READ", "result": "DENY", "actor": actor,
         "resource": {**res, "vault": {"id": SALES}, "item": {"id": ITEM_CRM}}},
        {"requestId": "5c0f2a7e-0003-4000-8000-00000000c0e1", "timestamp": "2026-11-16T03:07:00Z",
         "action": "UPDATE", "result": "SUCCESS", "actor": actor, "resource": res},
        {"requestId": "5c0f2a7e-0004-4000-8000-00000000c0e1", "timestamp": "2026-11-16T03:08:00Z",
         "action": "READ", "result": "SUCCESS", "actor": actor,
         "resource": {"type": "VAULT", "vault": {"id": INFRA}}},
    ]  # fmt: skip
    write("service_accounts_and_connect", "connect-activity.json", json.dumps(activity, indent=2))


def quarantine_shapes() -> None:
    good = usage(1, "2026-11-16T10:00:00Z", "reveal")
    no_item = usage(2, "2026-11-16T10:00:01Z", "reveal")
    no_item.pop("item_uuid")
    no_uuid = signin(3, "2026-11-16T10:00:02Z", "success", "credentials_ok")
    no_uuid.pop("uuid")
    recs: list[Any] = [
        good, "2026/11/16 10:00:03 [ERR] events-collector: 429 Too Many Requests",
        json.dumps(usage(4, "2026-11-16T10:00:04Z", "reveal"))[:120], "[1, 2, 3]",
        {"Error": {"Message": "Unauthorized: token does not have the itemusages feature"}},
        {"uuid": uid("introspect"), "issued_at": "2026-11-01T00:00:00Z",
         "features": ["itemusages"]},
        no_item, no_uuid,
    ]  # fmt: skip
    write("quarantine_shapes", "itemusages.jsonl", lines(recs))


def empty_documents() -> None:
    write("empty_documents", "null.json", "null\n")
    write("empty_documents", "empty-array.json", "[]\n")
    write("empty_documents", "empty.jsonl", "")
    empty = {"cursor": "aGVsbG8tZW1wdHk", "has_more": False, "items": []}
    write("empty_documents", "empty-page.json", json.dumps(empty) + "\n")


def store_option() -> None:
    write("store_option", "itemusages.jsonl", lines([usage(1, "2026-11-16T10:21:07Z", "reveal")]),
          store="acme.1password.com")  # fmt: skip


CASES = (all_fields, item_usage_actions, audit_event_mapping, signin_categories,
         siem_message_envelope, api_pages, json_array_and_gzip, duplicate_deliveries,
         odd_timestamps, service_accounts_and_connect, quarantine_shapes, empty_documents,
         store_option)  # fmt: skip

if __name__ == "__main__":
    for make in CASES:
        shutil.rmtree(HERE / make.__name__ / "input", ignore_errors=True)
        make()
