"""Writes sample_data/onepassword/: Acme Widgets' 1Password account for the week 2026-11-13..19.

Seeded and deterministic: ``python sample_data/make_onepassword_sample.py`` rewrites the same
files. Everything is fake: made-up uuids, acme.example e-mails, TEST-NET addresses, no secret
value anywhere (item usages and ``op item list`` carry none).

The story (see onepassword/README.md): staff use shared items in office hours; the CI service
account fetches infrastructure items around the clock; **frank** (sales engineer, resigned, last
day 2026-11-20) signs in from home (198.51.100.200) on **2026-11-16** at 20:58 and between
**21:05 and 21:40** reveals, copies and exports 25 items of the vaults ``Sales-Shared`` and
``Customers``, then exports the ``Customers`` vault.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "onepassword"
SEED = 1116
START = datetime(2026, 11, 13, tzinfo=UTC)
DAYS = 7
B32 = "abcdefghijklmnopqrstuvwxyz234567"
FRANK_HOME = "198.51.100.200"

rng = random.Random(SEED)


def uid(*, upper: bool) -> str:
    text = "".join(rng.choice(B32) for _ in range(26))
    return text.upper() if upper else text


def stamp(t: datetime, digits: int = 3) -> str:
    frac = f"{t.microsecond:06d}{rng.randrange(1000):03d}"[:digits]
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if digits else "") + "Z"


PEOPLE = {
    name: {
        "uuid": uid(upper=True),
        "name": name.capitalize() + " Example",
        "email": f"{name}@acme.example",
        "ip": f"198.51.100.{ip}",
    }
    for name, ip in (
        ("alice", 23),
        ("bob", 31),
        ("carol", 42),
        ("dave", 57),
        ("erin", 61),
        ("frank", 75),
    )
}
SA = {
    "uuid": uid(upper=True),
    "name": "ci-deploy",
    "email": "ci-deploy-k2m9x@1passwordserviceaccounts.com",
}
VAULT_TITLES = {
    "Sales-Shared": [
        "Salesforce admin",
        "HubSpot marketing login",
        "LinkedIn Sales Navigator",
        "Gong API key",
        "Demo tenant admin",
        "Zoom webinar account",
        "DocuSign integration key",
        "Pricing sheet",
        "Trade-show Wi-Fi",
        "Outreach.io admin",
        "ZoomInfo login",
        "Sales demo database",
        "Competitor research portal",
        "Partner portal: Globex",
        "Expense tool admin",
    ],
    "Customers": [
        "Customer Initech: SFTP",
        "Customer Globex: VPN",
        "Customer Umbrella: admin",
        "Customer Hooli: API key",
        "Customer Vandelay: portal",
        "Customer Wonka: SSO",
        "Customer Stark: staging admin",
        "Customer Wayne: support login",
        "Customer Tyrell: SFTP",
        "Customer Cyberdyne: API key",
        "Customer Soylent: portal",
        "Customer Acme Corp: VPN",
    ],
    "Engineering": [
        "GitLab root",
        "Grafana admin",
        "PagerDuty API key",
        "Sentry DSN",
        "Status page admin",
        "Domain registrar",
    ],
    "Infra": [
        "Terraform cloud token",
        "Container registry robot",
        "Backup bucket key",
        "Payments DB break-glass",
    ],
}
VAULTS = {name: uid(upper=False) for name in VAULT_TITLES}
ITEMS = {v: [(uid(upper=False), title) for title in titles] for v, titles in VAULT_TITLES.items()}
GROUPS = {"Sales": uid(upper=True), "Engineering": uid(upper=True), "Owners": uid(upper=True)}
BROWSER = {
    "app_name": "1Password Browser Extension",
    "app_version": "81060012",
    "platform_name": "Chrome",
    "platform_version": "131.0.6778.86",
    "os_name": "MacOSX",
    "os_version": "15.1",
}
DESKTOP = {
    "app_name": "1Password for Mac",
    "app_version": "81060012",
    "platform_name": "",
    "platform_version": "",
    "os_name": "MacOSX",
    "os_version": "15.1",
}
CLI = {
    "app_name": "1Password CLI",
    "app_version": "2.30.3",
    "platform_name": "linux",
    "platform_version": "",
    "os_name": "linux",
    "os_version": "",
}
OFFICE_GEO = {
    "country": "DE",
    "region": "Berlin",
    "city": "Berlin",
    "latitude": 52.52,
    "longitude": 13.405,
}
HOME_GEO = {
    "country": "DE",
    "region": "Brandenburg",
    "city": "Potsdam",
    "latitude": 52.39,
    "longitude": 13.06,
}
# Who uses which vaults day to day (frank normally only Sales-Shared, a few items a day).
HABITS = {
    "alice": ["Engineering", "Infra"],
    "bob": ["Engineering", "Infra"],
    "carol": ["Engineering"],
    "dave": ["Infra", "Engineering"],
    "frank": ["Sales-Shared"],
}


def user_ref(person: dict[str, str]) -> dict[str, str]:
    return {"uuid": person["uuid"], "name": person["name"], "email": person["email"]}


def usage(
    t: datetime,
    person: dict[str, str],
    vault: str,
    item: str,
    action: str,
    client: dict[str, str],
    ip: str,
    geo: dict[str, Any] | None,
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "uuid": uid(upper=True),
        "timestamp": stamp(t),
        "used_version": rng.randint(1, 9),
        "vault_uuid": VAULTS[vault],
        "item_uuid": item,
        "user": user_ref(person),
        "client": {**client, "ip_address": ip},
    }
    if geo:
        rec["location"] = geo
    rec["action"] = action
    return rec


def signin(
    t: datetime,
    person: dict[str, str],
    category: str,
    kind: str,
    ip: str,
    geo: dict[str, Any],
    client: dict[str, str],
) -> dict[str, Any]:
    return {
        "uuid": uid(upper=True),
        "session_uuid": uid(upper=True),
        "timestamp": stamp(t),
        "country": geo["country"],
        "category": category,
        "type": kind,
        "details": None,
        "target_user": user_ref(person),
        "client": {**client, "ip_address": ip},
        "location": geo,
    }


def audit(
    t: datetime,
    person: dict[str, str],
    action: str,
    object_type: str,
    object_uuid: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "uuid": uid(upper=True),
        "timestamp": stamp(t, 9),
        "actor_uuid": person["uuid"],
        "actor_details": user_ref(person),
        "action": action,
        "object_type": object_type,
        "object_uuid": object_uuid,
        **extra,
        "session": {
            "uuid": uid(upper=True),
            "login_time": stamp(t - timedelta(hours=1), 9),
            "device_uuid": uid(upper=False),
            "ip": person["ip"],
        },
        "location": OFFICE_GEO,
    }


def normal_week() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    usages, signins, audits = [], [], []
    for day in range(DAYS):
        date = START + timedelta(days=day)
        workday = date.weekday() < 5
        for name, vaults in HABITS.items():
            person = PEOPLE[name]
            if not workday:
                continue
            t = date + timedelta(hours=8, minutes=rng.randint(0, 50))
            signins.append(
                signin(t, person, "success", "credentials_ok", person["ip"], OFFICE_GEO, BROWSER)
            )
            for _ in range(rng.randint(3, 7)):
                vault = rng.choice(vaults)
                item, _ = rng.choice(ITEMS[vault])
                when = date + timedelta(
                    hours=rng.randint(9, 17), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
                )
                action = rng.choice(["fill", "fill", "fill", "reveal", "secure-copy"])
                usages.append(
                    usage(
                        when,
                        person,
                        vault,
                        item,
                        action,
                        rng.choice([BROWSER, DESKTOP]),
                        person["ip"],
                        OFFICE_GEO,
                    )
                )
        for hour in range(0, 24, 2):  # the CI service account, day and night
            item, _ = rng.choice(ITEMS["Infra"])
            when = date + timedelta(hours=hour, minutes=rng.randint(0, 59))
            usages.append(
                usage(
                    when,
                    SA,
                    "Infra",
                    item,
                    "server-fetch",
                    CLI,
                    f"10.20.0.{rng.randint(10, 40)}",
                    None,
                )
            )
    # an MFA typo, and routine changes by staff
    bob = PEOPLE["bob"]
    signins.append(
        signin(
            datetime(2026, 11, 17, 8, 41, 5, tzinfo=UTC),
            bob,
            "mfa_failed",
            "totp_bad",
            bob["ip"],
            OFFICE_GEO,
            BROWSER,
        )
    )
    dave, item = PEOPLE["dave"], ITEMS["Infra"][3][0]
    audits.append(
        audit(
            datetime(2026, 11, 18, 9, 52, 10, tzinfo=UTC),
            dave,
            "update",
            "item",
            item.upper(),
            aux_uuid=VAULTS["Infra"].upper(),
        )
    )
    alice = PEOPLE["alice"]
    audits.append(
        audit(
            datetime(2026, 11, 14, 10, 3, 0, tzinfo=UTC),
            alice,
            "create",
            "item",
            ITEMS["Engineering"][5][0].upper(),
        )
    )
    return usages, signins, audits


def frank_evening() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    frank = PEOPLE["frank"]
    evening = datetime(2026, 11, 16, 20, 57, 31, tzinfo=UTC)
    signins = [
        signin(evening, frank, "mfa_failed", "totp_timeout", FRANK_HOME, HOME_GEO, DESKTOP),
        signin(
            evening + timedelta(seconds=52),
            frank,
            "success",
            "mfa_ok",
            FRANK_HOME,
            HOME_GEO,
            DESKTOP,
        ),
    ]
    targets = [("Sales-Shared", i) for i in ITEMS["Sales-Shared"][:13]] + [
        ("Customers", i) for i in ITEMS["Customers"]
    ]
    usages = []
    t = datetime(2026, 11, 16, 21, 5, 12, tzinfo=UTC)
    step = timedelta(minutes=33) / len(targets)
    for vault, (item, _) in targets:
        for action in ("reveal", "secure-copy", "export")[: rng.choice([1, 2, 3])]:
            usages.append(usage(t, frank, vault, item, action, DESKTOP, FRANK_HOME, HOME_GEO))
            t += timedelta(seconds=rng.randint(4, 15))
        t += step - timedelta(seconds=20)
    audits = [
        audit(
            datetime(2026, 11, 16, 21, 39, 40, tzinfo=UTC),
            frank,
            "export",
            "vault",
            VAULTS["Customers"].upper(),
        )
    ]
    audits[0]["session"] = {
        "uuid": signins[1]["session_uuid"],
        "login_time": signins[1]["timestamp"],
        "device_uuid": uid(upper=False),
        "ip": FRANK_HOME,
    }
    audits[0]["location"] = HOME_GEO
    return usages, signins, audits


def snapshots() -> dict[str, Any]:
    updated = "2026-11-19T23:00:00Z"
    people = [
        {
            "id": p["uuid"],
            "name": p["name"],
            "email": p["email"],
            "type": "MEMBER",
            "state": "SUSPENDED" if n == "erin" else "ACTIVE",
        }
        for n, p in PEOPLE.items()
    ]
    sa = {
        "id": SA["uuid"],
        "name": SA["name"],
        "email": SA["email"],
        "type": "SERVICE_ACCOUNT",
        "state": "ACTIVE",
    }
    view = ["view_items", "view_and_copy_passwords", "view_item_history"]
    edit = ["create_items", "edit_items", "archive_items", "copy_and_share_items"]
    by = {p["email"].split("@")[0]: p for p in people}
    items = []
    for vault, entries in ITEMS.items():
        for n, (item, title) in enumerate(entries):
            created = datetime(2024, 1, 8, tzinfo=UTC) + timedelta(days=17 * n + len(vault))
            items.append(
                {
                    "id": item,
                    "title": title,
                    "version": 1 + n % 5,
                    "vault": {"id": VAULTS[vault], "name": vault},
                    "category": "API_CREDENTIAL" if "key" in title.lower() else "LOGIN",
                    "last_edited_by": PEOPLE["alice"]["uuid"],
                    "created_at": stamp(created, 0),
                    "updated_at": stamp(created + timedelta(days=30 + n), 0),
                }
            )
    return {
        "items.json": items,
        "vaults.json": [
            {
                "id": VAULTS[v],
                "name": v,
                "content_version": 100 + len(ITEMS[v]),
                "created_at": "2023-02-01T09:00:00Z",
                "updated_at": updated,
                "items": len(ITEMS[v]),
            }
            for v in VAULTS
        ],
        "users.json": [*people, sa],
        "groups.json": [
            {
                "id": gid,
                "name": g,
                "description": f"{g} team",
                "state": "ACTIVE",
                "created_at": "2023-01-10T00:00:00Z",
            }
            for g, gid in GROUPS.items()
        ],
        "groups/Sales/users.json": [{**by["frank"], "role": "MEMBER"}],
        "groups/Engineering/users.json": [
            {**by[n], "role": "MEMBER"} for n in ("alice", "bob", "carol", "dave")
        ],
        "groups/Owners/users.json": [{**by["alice"], "role": "MANAGER"}],
        "vaults/Sales-Shared/groups.json": [
            {
                "id": GROUPS["Sales"],
                "name": "Sales",
                "description": "Sales team",
                "state": "ACTIVE",
                "permissions": view + edit,
            },
            {
                "id": GROUPS["Owners"],
                "name": "Owners",
                "description": "Owners team",
                "state": "ACTIVE",
                "permissions": [*view, *edit, "delete_items", "manage_vault"],
            },
        ],
        "vaults/Customers/users.json": [
            {**by["frank"], "permissions": [*view, "export_items"]},
            {**by["erin"], "permissions": view},
        ],
        "vaults/Engineering/groups.json": [
            {
                "id": GROUPS["Engineering"],
                "name": "Engineering",
                "description": "Engineering team",
                "state": "ACTIVE",
                "permissions": view + edit,
            }
        ],
        "vaults/Infra/users.json": [
            {**sa, "permissions": ["view_items", "view_and_copy_passwords"]},
            {**by["bob"], "permissions": view + edit},
            {**by["dave"], "permissions": view + edit},
        ],
    }


def write_lines(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    records = sorted(records, key=lambda r: r["timestamp"])
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def main() -> None:
    usages, signins, audits = normal_week()
    f_usages, f_signins, f_audits = frank_evening()
    usages += f_usages
    usages.append(usages[len(usages) // 3])  # a collector's overlapping window: one repeat
    write_lines(OUT / "events" / "itemusages.jsonl", usages)
    write_lines(OUT / "events" / "signinattempts.jsonl", signins + f_signins)
    write_lines(OUT / "events" / "auditevents.jsonl", audits + f_audits)
    for rel, doc in snapshots().items():
        path = OUT / "snapshots" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(usages)} item usages, {len(f_usages)} of them frank's evening)")


if __name__ == "__main__":
    main()
