"""Writes sample_data/doppler/: one week of Acme Widgets' Doppler log stream, plus API snapshots.

Seeded and deterministic; run it again only when the story changes (the output is committed).
Workplace ``acme`` (id ``acme0000000000000001``, named in every stream record and in
``snapshots/workplace.json``, so no ``--store`` is needed). Every value is fake: made-up UUIDs,
acme.example people, the office at TEST-NET 198.51.100.23, CI runners in 10.20.0.0/24.

The story (all times UTC), FORMATS.md §5 shapes:
- Normal week 2026-11-13 .. 2026-11-19: on working days CI deploys ``web`` a few times a day;
  each deploy the config service token ``web-prd-deploy`` fetches the whole ``web/prd`` config
  (one ``security.secret_read`` listing every secret) from a runner; the service account ``ci``
  fetches ``web/stg`` in pipelines; alice runs ``doppler run`` on ``web/dev`` from the office;
  bob looks at ``web/stg`` in the dashboard now and then.
- 2026-11-16 11:05: alice changes ``web/dev`` (adds FEATURE_FLAG_CHECKOUT, updates LOG_LEVEL).
- 2026-11-17 15:20: alice adds dave to project ``web`` (collaborator on prd).
- 2026-11-18 10:12: dave reveals ``STRIPE_SECRET_KEY`` of ``web/prd`` in the dashboard from the
  office; 10:30 he updates it (rotation after the night's incident).
- ``legacy/prd`` is never read: its ``last_fetch_at`` is 2025-03-14 (a stale config).
- One read is delivered twice by the stream (at-least-once): counted as a duplicate.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "doppler"
SEED = 20261113
WP = {"id": "acme0000000000000001", "name": "acme"}
DASH = f"https://dashboard.doppler.example/workplace/{WP['id']}"
OFFICE = "198.51.100.23"


def person(slug: str, name: str) -> dict[str, Any]:
    return {
        "kind": "user",
        "slug": slug,
        "email": f"{name}@acme.example",
        "name": f"{name.title()} Example",
        "username": name,
        "profile_image_url": f"https://avatars.example.com/{name}.png",
    }


ALICE = person("a11ce000-0000-4000-8000-0000000000a1", "alice")
BOB = person("b0b00000-0000-4000-8000-0000000000b2", "bob")
DAVE = person("da7e0000-0000-4000-8000-0000000000d4", "dave")
FRANK = person("f4a00000-0000-4000-8000-0000000000f6", "frank")
DEPLOY = {
    "kind": "apiToken",
    "slug": "5e7c0000-0000-4000-8000-00000000de91",
    "name": "web-prd-deploy",
    "type": {"id": "svctokentype0000001", "name": "Service Token"},
}
CI = {"kind": "serviceAccount", "slug": "5a000000-0000-4000-8000-0000000000c1", "name": "ci"}

CONFIGS = {
    ("web", "prd"): ["DATABASE_URL", "STRIPE_SECRET_KEY", "REDIS_URL", "SENTRY_DSN", "SESSION_KEY"],
    ("web", "stg"): ["DATABASE_URL", "STRIPE_SECRET_KEY", "REDIS_URL", "SENTRY_DSN"],
    ("web", "dev"): ["DATABASE_URL", "REDIS_URL", "LOG_LEVEL"],
    ("legacy", "prd"): ["DATABASE_URL", "SMTP_PASSWORD"],
}
VERSIONS = {"STRIPE_SECRET_KEY": 7, "DATABASE_URL": 12, "SESSION_KEY": 3}


def ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def read(
    t: datetime,
    actor: dict[str, Any],
    project: str,
    config: str,
    names: list[str],
    ip: str,
    method: str,
    browser: str | None = None,
    os: str | None = None,
) -> dict[str, Any]:
    secrets = [
        {"p": project, "e": config, "c": config, "s": n, "v": VERSIONS.get(n, 1), "m": "m"}
        for n in names
    ]
    return {
        "source": "doppler",
        "type": "security.secret_read",
        "title": "Secret Read",
        "user": actor,
        "workplace": WP,
        "session": {"ip": ip, "browser": browser, "os": os, "method": method},
        "createdAt": ts(t),
        "metadata": {"secrets": secrets},
    }


def activity(
    t: datetime, slug: str, type_: str, actor: dict[str, Any], text: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    return {
        "source": "doppler",
        "slug": slug,
        "type": type_,
        "title": f"Activity Log: {slug}",
        "text": text,
        "user": actor,
        "link": f"{DASH}/logs?id={slug}",
        "workplace": WP,
        "createdAt": ts(t),
        "metadata": metadata,
    }


def diff(
    t: datetime,
    slug: str,
    actor: dict[str, Any],
    project: str,
    config: str,
    added: list[str],
    updated: list[str],
) -> dict[str, Any]:
    names = "".join(f"<br>\u2022 {n}" for n in added + updated)
    return activity(
        t,
        slug,
        "enclave.project.config.secrets.update",
        actor,
        f"Modified secrets in {config} of {project} project:{names}",
        {
            "projectId": project,
            "projectName": project,
            "configName": config,
            "changeRequest": None,
            "pullRequest": None,
            "importedSecretFrom": None,
            "diff": {"added": added, "removed": [], "updated": updated},
        },
    )


def week(rng: random.Random) -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = []
    start = datetime(2026, 11, 13, tzinfo=UTC)
    for day in range(7):
        d = start + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for _ in range(rng.randint(3, 5)):  # deploys of web to prd
            t = d + timedelta(
                hours=rng.randint(8, 17),
                minutes=rng.randint(0, 59),
                seconds=rng.randint(0, 59),
                milliseconds=rng.randint(0, 999),
            )
            runner = f"10.20.0.{rng.randint(10, 40)}"
            recs.append(read(t, DEPLOY, "web", "prd", CONFIGS[("web", "prd")], runner, "API"))
        for _ in range(rng.randint(6, 10)):  # pipelines
            t = d + timedelta(
                hours=rng.randint(7, 18),
                minutes=rng.randint(0, 59),
                seconds=rng.randint(0, 59),
                milliseconds=rng.randint(0, 999),
            )
            recs.append(
                read(
                    t,
                    CI,
                    "web",
                    "stg",
                    CONFIGS[("web", "stg")],
                    f"10.20.0.{rng.randint(10, 40)}",
                    "CLI",
                )
            )
        for _ in range(rng.randint(2, 4)):  # alice's doppler run
            t = d + timedelta(
                hours=rng.randint(9, 17), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
            )
            recs.append(read(t, ALICE, "web", "dev", CONFIGS[("web", "dev")], OFFICE, "CLI"))
        if rng.random() < 0.6:  # bob in the dashboard
            t = d + timedelta(hours=rng.randint(10, 16), minutes=rng.randint(0, 59))
            recs.append(
                read(
                    t,
                    BOB,
                    "web",
                    "stg",
                    ["SENTRY_DSN"],
                    OFFICE,
                    "Dashboard",
                    "chrome",
                    "OS X 10.15.7",
                )
            )
    return recs


def story() -> list[dict[str, Any]]:
    t = datetime(2026, 11, 16, 11, 5, 12, 300000, tzinfo=UTC)
    return [
        diff(
            t,
            "acmeLog00000000000000001",
            ALICE,
            "web",
            "dev",
            ["FEATURE_FLAG_CHECKOUT"],
            ["LOG_LEVEL"],
        ),
        activity(
            datetime(2026, 11, 17, 15, 20, 2, 0, tzinfo=UTC),
            "acmeLog00000000000000002",
            "enclave.project.access.create",
            ALICE,
            "Added dave to web project with collaborator access",
            {
                "projectId": "web",
                "projectName": "web",
                "userName": "dave",
                "userEmail": "dave@acme.example",
                "role": "collaborator",
            },
        ),
        read(
            datetime(2026, 11, 18, 10, 12, 37, 512000, tzinfo=UTC),
            DAVE,
            "web",
            "prd",
            ["STRIPE_SECRET_KEY"],
            OFFICE,
            "Dashboard",
            "firefox",
            "Linux",
        ),
        diff(
            datetime(2026, 11, 18, 10, 30, 4, 81000, tzinfo=UTC),
            "acmeLog00000000000000003",
            DAVE,
            "web",
            "prd",
            [],
            ["STRIPE_SECRET_KEY"],
        ),
    ]


def _cfg(project: str, name: str, last: str | None, *, root: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "root": root,
        "locked": name == "prd",
        "initial_fetch_at": "2024-02-02T09:00:00.000Z" if last else None,
        "last_fetch_at": last,
        "created_at": "2024-02-01T09:00:00.000Z",
        "environment": name.partition("_")[0],
        "project": project,
    }


def snapshots() -> dict[str, Any]:
    """The management-API responses, as of 2026-11-19 18:00 (file names carry the subject of
    names / members / tokens responses; see ingest/snapshots/doppler/README.md)."""

    def wu(p: dict[str, Any], access: str, created: str) -> dict[str, Any]:
        user = {k: p[k] for k in ("email", "name", "username", "profile_image_url")}
        return {"id": p["slug"], "access": access, "created_at": created, "user": user}

    role = {
        "permissions": [],
        "is_custom_role": False,
        "is_inline_role": False,
        "created_at": "2023-01-01T00:00:00.000Z",
    }
    sre = "6a000000-0000-4000-8000-000000000001"
    return {
        "workplace.json": {
            "workplace": {
                **WP,
                "billing_email": "billing@acme.example",
                "security_email": "security@acme.example",
            },
            "success": True,
        },
        "workplace-users.json": {
            "workplace_users": [
                wu(ALICE, "owner", "2024-02-01T09:00:00.000Z"),
                wu(BOB, "collaborator", "2024-03-02T09:00:00.000Z"),
                wu(DAVE, "collaborator", "2024-03-01T09:00:00.000Z"),
                wu(FRANK, "viewer", "2025-01-10T09:00:00.000Z"),
            ],
            "page": 1,
            "success": True,
        },
        "groups.json": {
            "groups": [
                {
                    "name": "SRE",
                    "slug": sre,
                    "created_at": "2024-04-01T09:00:00.000Z",
                    "default_project_role": {"identifier": "viewer"},
                }
            ],
            "page": 1,
        },
        "groups/sre.json": {
            "group": {
                "name": "SRE",
                "slug": sre,
                "created_at": "2024-04-01T09:00:00.000Z",
                "default_project_role": {"identifier": "viewer"},
                "members": [{"type": "workplace_user", "slug": BOB["slug"]}],
            }
        },
        "service-accounts.json": {
            "service_accounts": [
                {
                    "name": "ci",
                    "slug": CI["slug"],
                    "created_at": "2024-05-01T09:00:00.000Z",
                    "workplace_role": {
                        "name": "Collaborator",
                        "identifier": "collaborator",
                        **role,
                    },
                }
            ],
            "page": 1,
        },
        "service_accounts/ci/tokens.json".replace("ci", CI["slug"]): {
            "api_tokens": [
                {
                    "name": "gitlab",
                    "slug": "70c00000-0000-4000-8000-000000000001",
                    "created_at": "2024-05-01T10:00:00.000Z",
                    "last_seen_at": "2026-11-19T17:48:10.000Z",
                    "expires_at": None,
                },
                {
                    "name": "old-jenkins",
                    "slug": "70c00000-0000-4000-8000-000000000002",
                    "created_at": "2023-05-01T10:00:00.000Z",
                    "last_seen_at": "2025-02-01T08:00:00.000Z",
                    "expires_at": None,
                },
            ]
        },
        "projects.json": {
            "projects": [
                {
                    "id": "web",
                    "slug": "web",
                    "name": "web",
                    "description": "Storefront",
                    "created_at": "2024-02-01T09:00:00.000Z",
                },
                {
                    "id": "legacy",
                    "slug": "legacy",
                    "name": "legacy",
                    "description": "Old monolith",
                    "created_at": "2022-02-01T09:00:00.000Z",
                },
            ],
            "page": 1,
        },
        "projects/web/configs.json": {
            "configs": [
                _cfg("web", "dev", "2026-11-19T16:41:00.000Z"),
                _cfg("web", "dev_alice", None, root=False),
                _cfg("web", "stg", "2026-11-19T17:55:00.000Z"),
                _cfg("web", "prd", "2026-11-19T17:12:00.000Z"),
            ],
            "page": 1,
        },
        "projects/legacy/configs.json": {
            "configs": [_cfg("legacy", "prd", "2025-03-14T08:00:00.000Z")],
            "page": 1,
        },
        "projects/web/configs/prd/tokens.json": {
            "tokens": [
                {
                    "name": "web-prd-deploy",
                    "slug": DEPLOY["slug"],
                    "created_at": "2025-09-01T09:00:00.000Z",
                    "config": "prd",
                    "environment": "prd",
                    "project": "web",
                    "expires_at": None,
                }
            ]
        },
        "projects/web/members.json": {
            "members": [
                {
                    "type": "workplace_user",
                    "slug": DAVE["slug"],
                    "role": {"identifier": "collaborator"},
                    "access_all_environments": False,
                    "environments": ["prd"],
                },
                {
                    "type": "workplace_user",
                    "slug": FRANK["slug"],
                    "role": {"identifier": "viewer"},
                    "access_all_environments": False,
                    "environments": ["dev", "stg"],
                },
                {
                    "type": "group",
                    "slug": sre,
                    "role": {"identifier": "viewer"},
                    "access_all_environments": True,
                    "environments": [],
                },
                {
                    "type": "service_account",
                    "slug": CI["slug"],
                    "role": {"identifier": "viewer"},
                    "access_all_environments": False,
                    "environments": ["dev", "stg"],
                },
            ],
            "page": 1,
        },
        **{
            f"projects/{p}/configs/{c}/secret-names.json": {"names": names}
            for (p, c), names in CONFIGS.items()
        },
    }


def main() -> None:
    rng = random.Random(SEED)
    recs = sorted(week(rng) + story(), key=lambda r: r["createdAt"])
    recs.insert(
        recs.index(next(r for r in recs if r["user"] is DEPLOY)) + 1,
        next(r for r in recs if r["user"] is DEPLOY),
    )  # a re-delivered read
    stream = OUT / "logstream"
    stream.mkdir(parents=True, exist_ok=True)
    for old in stream.glob("*.ndjson"):
        old.unlink()
    by_day: dict[str, list[str]] = {}
    for r in recs:
        by_day.setdefault(r["createdAt"][:10], []).append(json.dumps(r, separators=(",", ":")))
    for day, lines in sorted(by_day.items()):
        (stream / f"doppler-{day}.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rel, doc in snapshots().items():
        path = OUT / "snapshots" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(recs)} stream records in {len(by_day)} files, {len(snapshots())} snapshots")


if __name__ == "__main__":
    main()
