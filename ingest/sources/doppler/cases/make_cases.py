"""Writes the input files of the Doppler golden cases (run once; inputs are committed).

Each case is ``<name>/input/`` (files as Doppler's log streams, the Activity / Config Logs API and
the tools around them leave them) plus ``expected.json``, written only by ``pytest
--update-goldens`` and reviewed by a human. Every value is fake: workplace ``acme0000000000000001``
("Acme Widgets"), made-up UUIDs, example.com / acme.example people, TEST-NET addresses.

Stream records keep Doppler's field order: source, slug, type, title, text, user, link,
workplace, createdAt, (session), metadata.
"""

from __future__ import annotations

import codecs
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

WP = {"id": "acme0000000000000001", "name": "Acme Widgets"}
DASH = f"https://dashboard.doppler.example/workplace/{WP['id']}"
ALICE = {
    "kind": "user",
    "slug": "a11ce000-0000-4000-8000-0000000000a1",
    "email": "alice@acme.example",
    "name": "Alice Example",
    "username": "alice",
    "profile_image_url": "https://avatars.example.com/alice.png",
}
DAVE = {
    "kind": "user",
    "slug": "da7e0000-0000-4000-8000-0000000000d4",
    "email": "dave@acme.example",
    "name": "Dave Example",
    "username": "dave",
    "profile_image_url": "https://avatars.example.com/dave.png",
}
DEPLOY_TOKEN = {  # the config service token web-prd-deploy, as the actor of its reads
    "kind": "apiToken",
    "slug": "5e7c0000-0000-4000-8000-00000000de91",
    "name": "web-prd-deploy",
    "type": {"id": "svctokentype0000001", "name": "Service Token"},
}
NAMELESS_TOKEN = {
    "kind": "apiToken",
    "slug": "d046f16d-0000-4000-8000-0000000000a7",
    "name": None,
    "type": {"id": "pattokentype0000001", "name": "Personal Token"},
}
CI_SA = {"kind": "serviceAccount", "slug": "5a000000-0000-4000-8000-0000000000c1", "name": "ci"}
BOT = {"kind": "bot", "slug": "b0700000-0000-4000-8000-0000000000b7", "name": "Doppler", "type": "doppler"}

OFFICE_IP = "198.51.100.23"
CI_IP = "10.20.0.15"


def stream(
    type_: str,
    created: str,
    user: dict[str, Any],
    metadata: dict[str, Any],
    *,
    slug: str | None = None,
    text: str = "",
    session: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One log-stream record (``security.secret_read`` has no slug, title, text or link)."""
    rec: dict[str, Any] = {"source": "doppler"}
    if slug:
        rec |= {"slug": slug, "type": type_, "title": f"Activity Log: {slug}", "text": text}
    else:
        rec |= {"type": type_, "title": "Secret Read"}
    rec["user"] = user
    if slug:
        rec["link"] = f"{DASH}/logs?id={slug}"
    rec["workplace"] = WP
    rec["createdAt"] = created
    if session is not None:
        rec["session"] = session
    rec["metadata"] = metadata
    return rec


def entry(p: str, c: str, s: str, v: int, ref: tuple[str, str] | None = None) -> dict[str, Any]:
    e: dict[str, Any] = {"p": p, "e": c.split("_")[0], "c": c, "s": s, "v": v, "m": "m"}
    if ref:
        e["r"] = {"p": ref[0], "e": ref[1], "c": ref[1]}
    return e


def read(created: str, user: dict[str, Any], entries: list[dict[str, Any]], **session: Any) -> dict[str, Any]:
    sess = {"ip": session.get("ip", CI_IP), "browser": session.get("browser"),
            "os": session.get("os"), "method": session.get("method", "API")}
    return stream("security.secret_read", created, user, {"secrets": entries}, session=sess)


def update(slug: str, created: str, user: dict[str, Any], project: str, config: str,
           added: list[str], updated: list[str], removed: list[str]) -> dict[str, Any]:
    names = added + updated + removed
    shown = "".join(f"<br>\u2022 {n}" for n in names[:10])
    more = f"<br>and {len(names) - 10} others..." if len(names) > 10 else ""
    text = (f"Modified secrets in <a href=\"{DASH}/projects/{project}/configs/{config}\">{config}"
            f"</a> of <a href=\"{DASH}/projects/{project}\">{project}</a> project with "
            f"{len(names)} changed:{shown}{more} &amp; more")
    meta = {"projectId": project, "projectName": project,
            "projectUrl": f"{DASH}/projects/{project}", "projectDescription": "",
            "configName": config, "configUrl": f"{DASH}/projects/{project}/configs/{config}",
            "changeRequest": None, "pullRequest": None,
            "diff": {"added": added, "removed": removed, "updated": updated},
            "diffUrl": f"{DASH}/projects/{project}/configs/{config}/logs?id={slug}x",
            "importedSecretFrom": None}
    return stream("enclave.project.config.secrets.update", created, user, meta, slug=slug,
                  text=text)


def rest(id_: str, created: str, text: str, project: str | None, env: str | None,
         config: str | None, user: dict[str, Any], **extra: Any) -> dict[str, Any]:
    who = {k: user[k] for k in ("email", "name", "username", "profile_image_url") if k in user}
    return {"id": id_, "text": text, "html": f"<span>{text}</span>", **extra,
            "created_at": created, "config": config, "environment": env, "project": project,
            "user": who}


def lines(records: list[Any]) -> str:
    return "".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records)


def write(case: str, name: str, data: str | bytes) -> None:
    path = HERE / case / "input" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def case_json(case: str, options: dict[str, str]) -> None:
    (HERE / case / "case.json").write_text(json.dumps(options) + "\n", encoding="utf-8")


# --- the cases ----------------------------------------------------------------------------------
def all_fields() -> None:
    """Every field the mapping reads, each actor kind, a referenced value, IPv6, a browser."""
    recs = [
        read("2026-11-17T09:12:03.118Z", DAVE,
             [entry("web", "prd", "STRIPE_SECRET_KEY", 7)],
             ip=OFFICE_IP, browser="chrome", os="OS X 10.15.7", method="Dashboard"),
        read("2026-11-17T10:00:41.507Z", DEPLOY_TOKEN,
             [entry("web", "prd", "DATABASE_URL", 12),
              entry("web", "prd", "STRIPE_SECRET_KEY", 7, ref=("shared", "prd"))]),
        read("2026-11-17T10:02:00.000Z", CI_SA, [entry("web", "stg", "DATABASE_URL", 3)],
             ip="2001:db8::1a2b", method="CLI"),
        update("uMOyRkhx4h25jtmjJbQKY94t", "2026-11-17T11:20:07.214Z", ALICE, "web", "dev",
               ["FEATURE_FLAG_X"], [], []),
        stream("team.seat.token.cli.revoke", "2026-11-17T12:00:00.000Z", BOT, {"reason": None},
               slug="Zmpxm0r8Nl5DRgmqUk3YGs1d", text="Revoked a Doppler CLI auth token"),
        stream("team.group.members.add", "2026-11-17T12:30:48.497Z", NAMELESS_TOKEN,
               {"groupId": "6a000000-0000-4000-8000-000000000001", "groupName": "sre",
                "addedMembers": [{"name": "Bob", "email": "bob@acme.example"}]},
               slug="m7W7E3ftwaedW8jHOJIMbtPT", text="Added 1 member to the sre group"),
    ]
    write("all_fields", "doppler-stream.ndjson", lines(recs))


def event_types() -> None:
    """Every event type of FORMATS.md §5(c), plus one the table does not know."""
    def ev(i: int, type_: str, meta: dict[str, Any], user: dict[str, Any] = ALICE) -> dict[str, Any]:
        return stream(type_, f"2026-11-14T08:{i:02d}:00.000Z", user, meta,
                      slug=f"evtype{i:02d}000000000000000000"[:24], text=type_)
    proj = {"projectId": "web", "projectName": "web"}
    types = [
        ("enclave.project.create", proj),
        ("enclave.project.environment.rename", {**proj, "oldName": "qa", "newName": "stg"}),
        ("enclave.project.config.create", {**proj, "configName": "dev_alice"}),
        ("enclave.project.config.clone", {**proj, "configName": "prd_copy"}),
        ("enclave.project.config.delete", {**proj, "configName": "prd_copy"}),
        ("enclave.project.access.create", {**proj, "userName": "dave", "userEmail": "dave@acme.example", "role": "viewer"}),
        ("enclave.project.access.role.update", {**proj, "oldRole": "viewer", "newRole": "admin"}),
        ("enclave.project.access.group.create", {**proj, "groupId": "6a000000-0000-4000-8000-000000000001", "groupName": "sre", "role": "collaborator"}),
        ("enclave.project.config.service_token.create", {"configName": "prd", "readAccess": True, "writeAccess": True, "serviceTokenName": "web-prd-deploy", "autoExpires": False}),
        ("enclave.project.config.service_token.delete", {"configName": "prd", "serviceTokenName": "old-deploy"}),
        ("team.service_account.create", {"serviceAccountId": CI_SA["slug"], "serviceAccountName": "ci"}),
        ("team.service_account.token.create", {"serviceAccountId": CI_SA["slug"], "serviceAccountName": "ci", "serviceAccountTokenId": "70c00000-0000-4000-8000-000000000001", "serviceAccountTokenName": "gitlab", "serviceAccountTokenApiKeyPreview": "Dp0000Fake00"}),
        ("team.seat.update", {"name": "Frank", "email": "frank@acme.example", "oldWorkplaceRole": "collaborator", "newWorkplaceRole": "admin"}),
        ("team.seat.join", {"joinMethod": "SCIM"}),
        ("team.group.members.add", {"groupId": "6a000000-0000-4000-8000-000000000001", "groupName": "sre"}),
        ("team.seat.token.cli.revoke", {"reason": None}),
        ("custom_roles.create", {"type": "workplace", "name": "auditor"}),
        ("billing.subscription.update", {"plan": "team"}),
        ("integration.sync.create", {"integration": "aws-secrets-manager"}),
    ]
    write("event_types", "stream.ndjson", lines([ev(i, t, m) for i, (t, m) in enumerate(types)]))


def secret_read_fanout() -> None:
    """`doppler secrets download`: one read of 150 secrets; an empty list; a name twice."""
    many = [entry("web", "prd", f"SETTING_{i:03d}", 1 + i % 4) for i in range(150)]
    recs = [
        read("2026-11-15T14:00:00.001Z", DEPLOY_TOKEN, many),
        read("2026-11-15T14:05:00.000Z", DEPLOY_TOKEN, []),
        read("2026-11-15T14:06:00.000Z", DAVE,
             [entry("web", "prd", "API_KEY", 2), entry("web", "prd", "API_KEY", 2)],
             ip=OFFICE_IP, method="CLI"),
    ]
    write("secret_read_fanout", "reads.ndjson", lines(recs))


def secrets_update_diff() -> None:
    """Added, updated and removed names fan out; more than 10 names ("and N others..." in the
    HTML text, all names in metadata); an update without a diff."""
    recs = [
        update("d1ff0000000000000000aaaa", "2026-11-16T09:00:00.000Z", ALICE, "web", "stg",
               ["NEW_A"], ["DATABASE_URL"], ["OLD_B"]),
        update("d1ff0000000000000000bbbb", "2026-11-16T09:10:00.000Z", CI_SA, "web", "dev",
               [f"IMPORTED_{i:02d}" for i in range(12)], [], []),
        stream("enclave.project.config.secrets.update", "2026-11-16T09:20:00.000Z", ALICE,
               {"projectName": "web", "configName": "prd", "diff": None},
               slug="d1ff0000000000000000cccc", text="Modified secrets in prd of web"),
    ]
    write("secrets_update_diff", "stream.ndjson", lines(recs))


def activity_api_pages() -> None:
    """GET /v3/logs pages (pretty and minified), `doppler activity --json` (an array), an empty
    page. REST entries carry no workplace: the store comes from --store."""
    page1 = {"page": 1, "logs": [
        rest("r100000000000000000000a1", "2026-11-18T10:05:12.004Z",
             "Modified secrets in prd of payments", "payments", "prd", "prd", DAVE),
        rest("r100000000000000000000a2", "2026-11-18T09:40:00.513Z",
             "Added dave to web project with viewer access", "web", None, None, ALICE),
    ]}
    page2 = {"page": 2, "logs": [
        rest("r100000000000000000000a3", "2026-11-13T16:00:00.000Z", "Created web project",
             "web", None, None, ALICE),
    ]}
    write("activity_api_pages", "logs-page-1.json", json.dumps(page1, indent=2) + "\n")
    write("activity_api_pages", "logs-page-2.json", json.dumps(page2, separators=(",", ":")))
    write("activity_api_pages", "logs-page-3.json", '{"page":3,"logs":[]}\n')
    cli = [rest("r100000000000000000000a4", "2026-11-12T08:00:00.000Z",
                "Revoked a Doppler CLI auth token", None, None, None, DAVE)]
    write("activity_api_pages", "doppler-activity.json", json.dumps(cli, indent=2) + "\n")
    case_json("activity_api_pages", {"store": WP["id"]})


def config_logs() -> None:
    """GET /v3/configs/config/logs: changes of one config, a rollback among them; config as an
    object in newer API versions."""
    page = {"logs": [
        rest("c100000000000000000000b1", "2026-11-18T09:58:00.000Z",
             "Rolled back to log c100000000000000000000b3", "payments", "prd", "prd", DAVE,
             rollback=True),
        rest("c100000000000000000000b2", "2026-11-18T09:50:00.000Z",
             "Modified secrets in prd of payments", "payments", "prd", "prd", DAVE,
             rollback=False),
        rest("c100000000000000000000b3", "2026-11-10T09:00:00.000Z",
             "Modified secrets in prd of payments", "payments", "prd", {"name": "prd"}, ALICE,
             rollback=False),
    ], "page": 1}
    write("config_logs", "payments-prd-logs.json", json.dumps(page, indent=2) + "\n")
    case_json("config_logs", {"store": WP["id"]})


def envelopes() -> None:
    """Datadog (`ddsource`, a log-archive record with `attributes`, a Logs API v2 item) and a SIEM
    re-export with the record as a JSON string in `message`."""
    rec = read("2026-11-16T12:00:00.000Z", DAVE, [entry("web", "prd", "STRIPE_SECRET_KEY", 7)],
               ip=OFFICE_IP, browser="firefox", os="Linux", method="Dashboard")
    dd = {("ddsource" if k == "source" else k): v for k, v in rec.items()}
    dd["createdAt"] = "2026-11-16T12:01:00.000Z"
    archive = {"_id": "AAAAAYfakeDatadogId0001", "date": "2026-11-16T12:02:00.000Z",
               "service": "doppler", "host": "doppler", "message": "Secret Read",
               "attributes": {**dd, "createdAt": "2026-11-16T12:02:00.000Z"}}
    api_v2 = {"id": "AwAAAYfakeDatadogId0002", "type": "log",
              "attributes": {"service": "doppler", "timestamp": "2026-11-16T12:03:00.000Z",
                             "attributes": {**dd, "createdAt": "2026-11-16T12:03:00.000Z"}}}
    siem = {"@timestamp": "2026-11-16T12:04:00.000Z",
            "message": json.dumps({**rec, "createdAt": "2026-11-16T12:04:00.000Z"})}
    write("envelopes", "datadog-export.ndjson", lines([dd, archive, api_v2, siem]))


def sqs_messages() -> None:
    """An SQS log stream: messages saved one per line, and `aws sqs receive-message` output."""
    def msg(i: int, rec: dict[str, Any]) -> dict[str, Any]:
        return {"MessageId": f"0000000{i}-0000-4000-8000-00000000a5a5",
                "ReceiptHandle": "AQEBfakeReceiptHandle==", "MD5OfBody": "0" * 32,
                "Body": json.dumps(rec)}
    r1 = read("2026-11-16T13:00:00.000Z", DEPLOY_TOKEN, [entry("web", "prd", "DATABASE_URL", 12)])
    r2 = update("5q5000000000000000000001", "2026-11-16T13:01:00.000Z", ALICE, "web", "dev",
                [], ["LOG_LEVEL"], [])
    r3 = read("2026-11-16T13:02:00.000Z", DEPLOY_TOKEN, [entry("web", "prd", "SENTRY_DSN", 1)])
    write("sqs_messages", "sqs-messages.jsonl", lines([msg(1, r1), msg(2, r2)]))
    write("sqs_messages", "receive-message.json",
          json.dumps({"Messages": [msg(3, r3)]}, indent=2) + "\n")


def gzip_stream() -> None:
    """A Generic HTTPS capture gzipped and saved as .json (compression by magic bytes)."""
    recs = [read(f"2026-11-16T15:{m:02d}:00.000Z", DEPLOY_TOKEN,
                 [entry("web", "prd", "DATABASE_URL", 12), entry("web", "prd", "REDIS_URL", 2)])
            for m in range(3)]
    write("gzip_stream", "https-capture.json", gzip.compress(lines(recs).encode(), mtime=0))


def duplicates_redelivered() -> None:
    """At-least-once delivery: the same records in two captures (with and without slug), and a
    read repeated inside one file. A read at the same time from another IP is not a duplicate."""
    a = read("2026-11-17T08:00:00.000Z", DEPLOY_TOKEN,
             [entry("web", "prd", "DATABASE_URL", 12), entry("web", "prd", "REDIS_URL", 2)])
    b = update("dup00000000000000000000a", "2026-11-17T08:01:00.000Z", ALICE, "web", "dev",
               ["X"], ["Y"], [])
    c = {**a, "session": {**a["session"], "ip": "10.20.0.16"}}
    write("duplicates_redelivered", "capture-1.ndjson", lines([a, b, a]))
    write("duplicates_redelivered", "capture-2.ndjson", lines([b, a, c]))


def odd_timestamps() -> None:
    """No fraction, 6 and 9 digits, an offset, epoch milliseconds and seconds; missing, garbage
    and out-of-range times are quarantined."""
    times: list[Any] = ["2026-11-18T02:13:00Z", "2026-11-18T02:13:01.123456Z",
                        "2026-11-18T02:13:02.123456789Z", "2026-11-18T04:13:03.5+02:00",
                        1_794_967_984_000, 1_794_967_985, None, "yesterday", "99999-01-01T00:00:00Z"]
    recs = []
    for i, t in enumerate(times):
        rec = read("x", DAVE, [entry("web", "prd", f"K{i}", 1)], ip=OFFICE_IP, method="CLI")
        if t is None:
            del rec["createdAt"]
        else:
            rec["createdAt"] = t
        recs.append(rec)
    write("odd_timestamps", "stream.ndjson", lines(recs))


def quarantine_shapes() -> None:
    """Broken input next to good records: text, a truncated record, a JSON array on a line, a
    foreign object, an SQS Body that is not JSON, a page with one entry without a time."""
    good = read("2026-11-18T03:00:00.000Z", DAVE, [entry("web", "prd", "API_KEY", 2)])
    bad_page = {"page": 1, "logs": [
        rest("q100000000000000000000a1", "2026-11-18T03:01:00.000Z", "Created web project",
             "web", None, None, ALICE),
        {k: v for k, v in rest("q100000000000000000000a2", "", "x", None, None, None, ALICE).items()
         if k != "created_at"} | {"text": "Modified secrets"},
    ]}
    text = lines([good])
    text += "--- capture restarted ---\n"
    text += lines([good])[:60] + "\n"
    text += '[{"type":"security.secret_read"}]\n'
    text += '{"kind":"Event","apiVersion":"audit.k8s.io/v1"}\n'
    text += '{"MessageId":"m1","Body":"not json at all"}\n'
    text += json.dumps(bad_page, separators=(",", ":")) + "\n"
    write("quarantine_shapes", "stream.ndjson", text)


def empty_documents() -> None:
    """`null`, `[]`, an empty file and an empty page ingest cleanly."""
    write("empty_documents", "null.json", "null\n")
    write("empty_documents", "empty-array.json", "[]\n")
    write("empty_documents", "empty.ndjson", "")
    write("empty_documents", "logs-page-9.json", json.dumps({"page": 9, "logs": []}, indent=2))


def bom_crlf() -> None:
    """Saved on Windows: UTF-8 BOM, CRLF line ends, no final newline."""
    recs = [read("2026-11-19T07:00:00.000Z", DAVE, [entry("web", "prd", "STRIPE_SECRET_KEY", 7)],
                 ip=OFFICE_IP, method="CLI"),
            update("b0m00000000000000000000a", "2026-11-19T07:01:00.000Z", DAVE, "web", "prd",
                   [], ["STRIPE_SECRET_KEY"], [])]
    body = lines(recs).replace("\n", "\r\n").rstrip("\r\n")
    write("bom_crlf", "stream.json", codecs.BOM_UTF8 + body.encode("utf-8"))


CASES = (all_fields, event_types, secret_read_fanout, secrets_update_diff, activity_api_pages,
         config_logs, envelopes, sqs_messages, gzip_stream, duplicates_redelivered,
         odd_timestamps, quarantine_shapes, empty_documents, bom_crlf)


def main() -> None:
    for make in CASES:
        shutil.rmtree(HERE / make.__name__ / "input", ignore_errors=True)
        make()
        print(f"wrote {make.__name__}")


if __name__ == "__main__":
    main()
