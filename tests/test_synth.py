"""The synthetic Vault audit log: layout, determinism, record shapes and realism knobs."""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.synth import generate_vault
from ingest.synth.__main__ import main as synth_main

LINES = 60_000
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{1,9}))?Z$")
HMAC_RE = re.compile(r"^hmac-sha256:[0-9a-f]{64}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SERVER_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[(INFO|WARN|ERROR)\] ")
FAKE_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32")
]


def read_lines(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for path in paths:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        out.extend(raw.decode().splitlines(keepends=True))
    return out


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[str]]:
    paths = generate_vault(tmp_path_factory.mktemp("vault"), lines=LINES, seed=7)
    return paths, read_lines(paths)


@pytest.fixture(scope="module")
def entries(log: tuple[list[Path], list[str]]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log[1] if line.startswith("{")]


def audit(entries: list[dict[str, Any]], type_: str = "response") -> list[dict[str, Any]]:
    return [e for e in entries if e["type"] == type_]


# --- layout and determinism ---------------------------------------------------------------------
def test_rotated_layout_and_exact_line_count(log: tuple[list[Path], list[str]]) -> None:
    paths, lines = log
    assert [p.name for p in paths] == [
        "vault_audit.log.3.gz", "vault_audit.log.2.gz", "vault_audit.log.1", "vault_audit.log",
    ]  # fmt: skip
    for p in paths:
        is_gzip = p.read_bytes()[:2] == b"\x1f\x8b"
        assert is_gzip == p.name.endswith(".gz"), p.name
    assert len(lines) == LINES
    per_file = [len(read_lines([p])) for p in paths]
    assert max(per_file) <= -(-2 * LINES // 7)
    assert per_file[-1] < per_file[0]  # the current file is still filling up
    assert all(line.endswith("\n") for line in lines)


def test_gzip_header_names_the_rotated_file(log: tuple[list[Path], list[str]]) -> None:
    gz = log[0][0]
    head = gz.read_bytes()[:40]
    assert head[3] & 0x08  # FNAME
    assert head[10:].split(b"\0")[0] == b"vault_audit.log.3"
    assert int.from_bytes(head[4:8], "little") > 1_700_000_000  # mtime = last line of the file


@pytest.mark.parametrize(("lines", "rotate", "files"), [(1, None, 1), (7, None, 4), (101, 50, 3)])
def test_small_inputs_and_rotation(
    tmp_path: Path, lines: int, rotate: int | None, files: int
) -> None:
    paths = generate_vault(tmp_path, lines=lines, seed=1, rotate_lines=rotate)
    assert len(paths) == files
    assert len(read_lines(paths)) == lines
    assert paths[-1].name == "vault_audit.log"


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate_vault(tmp_path / "a", lines=4000, seed=11)
    b = generate_vault(tmp_path / "b", lines=4000, seed=11)
    c = generate_vault(tmp_path / "c", lines=4000, seed=12)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.name for p in a] == [p.name for p in c]
    assert all(x.read_bytes() != z.read_bytes() for x, z in zip(a, c, strict=True))


def test_cli_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = synth_main(["vault", "--lines", "3000", "--out", str(tmp_path), "--seed", "3",
                     "--days", "2", "--rotate-lines", "1000", "--principals", "200",
                     "--secrets", "300", "--store-name", "acme-test"])  # fmt: skip
    assert rc == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [
        "vault_audit.log.2.gz", "vault_audit.log.1", "vault_audit.log",
    ]  # fmt: skip
    assert len(read_lines([Path(p) for p in printed])) == 3000


# --- record shape -------------------------------------------------------------------------------
def test_every_line_is_json_or_a_server_log_line(log: tuple[list[Path], list[str]]) -> None:
    server = [line for line in log[1] if not line.startswith("{")]
    assert 1 <= len(server) <= 5
    assert all(SERVER_LINE_RE.match(line) for line in server)


def test_required_keys(entries: list[dict[str, Any]]) -> None:
    for e in entries:
        if e["type"].startswith("kmip"):
            assert "auth" not in e
            assert "id" not in e["request"]
            continue
        assert e["type"] in ("request", "response")
        assert list(e)[:4] == ["time", "type", "auth", "request"]
        r = e["request"]
        for key in (
            "operation",
            "mount_type",
            "namespace",
            "path",
            "remote_address",
            "remote_port",
        ):
            assert key in r, (key, e)
        if r["operation"] != "help":
            assert UUID_RE.match(r["id"])
            for key in ("mount_point", "mount_accessor", "mount_running_version"):
                assert key in r, (key, e)
        assert not r["path"].startswith("/")
        if e["type"] == "response":
            resp = e["response"]
            assert "mount_type" in resp
            assert "mount_running_version" not in resp
            if r["operation"] != "help":
                assert resp["mount_running_plugin_version"] == r["mount_running_version"]
        a = e["auth"]
        for key in ("client_token", "accessor"):
            if key in a:
                assert HMAC_RE.match(a[key])


def test_request_response_pairing(entries: list[dict[str, Any]]) -> None:
    """Every response follows its request; only the last few requests may lack a response
    (the file was cut while they were in flight); help and KMIP entries carry no id."""
    requests: dict[str, dict[str, Any]] = {}
    answered: set[str] = set()
    for e in entries:
        rid = e["request"].get("id")
        if rid is None:
            assert e["type"].startswith("kmip") or e["request"]["operation"] == "help"
            continue
        if e["type"] == "request":
            requests.setdefault(rid, e)
        else:
            assert rid in requests, f"response before its request: {rid}"
            assert e["time"] >= requests[rid]["time"][:19]
            assert e["request"] == requests[rid]["request"]
            answered.add(rid)
    unanswered = [rid for rid in requests if rid not in answered]
    assert len(unanswered) <= 5
    tail = {e["request"].get("id") for e in entries[-20:]}
    assert all(rid in tail for rid in unanswered)


def test_time_strings_vary_in_fraction_length(entries: list[dict[str, Any]]) -> None:
    lengths = Counter()
    for e in entries:
        m = TIME_RE.match(e["time"])
        assert m, e["time"]
        frac = m.group(1) or ""
        assert not frac.endswith("0")
        lengths[len(frac)] += 1
    assert set(lengths) == set(range(10))
    assert lengths.most_common(1)[0][0] == 9


def test_time_span_and_order(entries: list[dict[str, Any]]) -> None:
    times = [e["time"] for e in entries]
    assert min(times) >= "2026-11-01T00:00:00Z"
    assert "2026-11-14" <= max(times) < "2026-11-16"
    out_of_order = sum(1 for a, b in itertools.pairwise(times) if b[:19] < a[:19])
    assert out_of_order < len(times) / 100  # a login's follow-up may overtake by a second


# --- realism ------------------------------------------------------------------------------------
def test_denials(entries: list[dict[str, Any]]) -> None:
    responses = audit(entries)
    denied = [e for e in responses if "permission denied" in e.get("error", "")]
    ratio = len(denied) / len(responses)
    assert 0.01 < ratio < 0.04, ratio
    assert all(e["error"] == "1 error occurred:\n\t* permission denied\n\n" for e in denied)
    assert all(e["error"] == "permission denied" for e in audit(entries, "request") if "error" in e)
    auths = Counter(json.dumps(e["auth"].get("policy_results")) for e in denied)
    assert any(e["auth"] == {"token_type": "default"} for e in denied)
    assert auths['{"allowed": false}'] > 0


def test_record_kinds_are_present(
    log: tuple[list[Path], list[str]], entries: list[dict[str, Any]]
) -> None:
    ok = [e for e in audit(entries) if "error" not in e]
    seen: Counter[str] = Counter()
    for e in ok:
        r, resp = e["request"], e["response"]
        op, path = r["operation"], r["path"]
        ns = r["namespace"]
        if ns != {"id": "root"}:
            assert ns == {"id": "aBc12", "path": "team-a/"}
            seen["namespace"] += 1
        if op == "read" and path.startswith("secret/data/"):
            assert isinstance(resp["data"]["metadata"]["version"], int)
            assert all(HMAC_RE.match(v) for v in resp["data"]["data"].values())
            seen["kv2 read"] += 1
        elif op == "read" and path.startswith("secret/metadata/"):
            seen["kv2 describe"] += 1
        elif op == "list" and path.startswith("secret/metadata/"):
            seen["kv2 list"] += 1
        elif op in ("create", "update") and path.startswith("secret/data/"):
            seen[f"kv2 {op}"] += 1
        elif (op, path.split("/")[1]) in (("delete", "data"), ("update", "delete")):
            seen["kv2 soft delete"] += 1
        elif path.startswith("secret/destroy/"):
            seen["kv2 destroy"] += 1
        elif path.startswith("secret/undelete/"):
            seen["kv2 undelete"] += 1
        elif op == "delete" and path.startswith("secret/metadata/"):
            seen["kv2 purge"] += 1
        elif op == "read" and path.startswith("kv/"):
            seen["kv1 read"] += 1
        elif path in ("auth/oidc/oidc/callback", "auth/kubernetes/login", "auth/approle/login"):
            assert HMAC_RE.match(resp["auth"]["accessor"])
            assert resp["auth"]["policies"]
            seen[path] += 1
        elif path in ("auth/token/renew-self", "auth/token/lookup-self"):
            seen[path] += 1
        elif path.startswith("sys/policies/acl/"):
            seen["policy update"] += 1
        elif path.startswith("sys/leases/revoke"):
            seen["lease revoke"] += 1
        elif path.startswith("database/creds/"):
            lease = resp["secret"]["lease_id"]
            assert lease.startswith(path + "/")
            assert "hmac" not in lease
            seen["db creds"] += 1
        elif op == "help":
            assert "id" not in r
            seen["help"] += 1
        if ":" in r["remote_address"]:
            seen["ipv6"] += 1
    kmip = [e for e in entries if e["type"] in ("kmip-request", "kmip-response")]
    assert kmip
    assert all(re.search(r":\d+$", e["request"]["remote_address"]) for e in kmip)
    expected = {
        "namespace", "kv2 read", "kv2 describe", "kv2 list", "kv2 create", "kv2 update",
        "kv2 soft delete", "kv2 destroy", "kv2 undelete", "kv2 purge", "kv1 read",
        "auth/oidc/oidc/callback", "auth/kubernetes/login", "auth/approle/login",
        "auth/token/renew-self", "auth/token/lookup-self", "policy update", "lease revoke",
        "db creds", "help", "ipv6",
    }  # fmt: skip
    assert expected <= set(seen), expected - set(seen)
    assert seen.most_common(1)[0][0] == "kv2 read"
    lines = log[1]
    assert any(a == b for a, b in itertools.pairwise(lines))  # re-delivered line


def test_auth_block_variants(entries: list[dict[str, Any]]) -> None:
    auths = [e["auth"] for e in entries if "auth" in e]
    names = {a.get("display_name", "") for a in auths}
    assert {"root", "token", "approle"} <= names
    assert any(n.startswith("oidc-") and n.endswith("@acme.example") for n in names)
    assert any(n.startswith("kubernetes-") for n in names)
    assert any(a.get("entity_id") == "" for a in auths)
    assert any("identity_policies" in a and a["identity_policies"] is None for a in auths)
    assert any(a.get("token_issue_time", "").endswith("-05:00") for a in auths)
    assert any(a.get("token_issue_time", "").endswith("Z") for a in auths)
    root = next(a for a in auths if a.get("display_name") == "root")
    assert root["policies"] == ["root"]
    assert "entity_id" not in root


def test_only_fake_addresses_and_domains(
    log: tuple[list[Path], list[str]], entries: list[dict[str, Any]]
) -> None:
    for e in entries:
        addr = e["request"]["remote_address"]
        host = addr.rsplit(":", 1)[0].strip("[]") if e["type"].startswith("kmip") else addr
        ip = ipaddress.ip_address(host)
        assert any(ip in net for net in FAKE_NETS), addr
    emails = set(re.findall(r"[\w.]+@([\w.-]+)", "".join(log[1][:5000])))
    assert emails <= {"acme.example"}


def test_humans_work_office_hours_services_do_not(entries: list[dict[str, Any]]) -> None:
    human_hours: Counter[int] = Counter()
    service_hours: Counter[int] = Counter()
    for e in audit(entries, "request"):
        hour = int(e["time"][11:13])
        name = e["auth"].get("display_name", "")
        if name.startswith("oidc-"):
            human_hours[hour] += 1
        elif name.startswith("kubernetes-"):
            service_hours[hour] += 1
    # most people are on UTC-5: 13:00-24:00 UTC is their working day
    day = sum(human_hours[h] for h in range(13, 24))
    assert day > 0.5 * sum(human_hours.values())
    assert service_hours[2] > 1.5 * service_hours[10]  # the nightly batch window


def test_secret_popularity_is_skewed(entries: list[dict[str, Any]]) -> None:
    reads = Counter(
        e["request"]["path"]
        for e in audit(entries, "request")
        if e["request"]["path"].startswith("secret/data/") and e["request"]["operation"] == "read"
    )
    counts = sorted(reads.values(), reverse=True)
    top = sum(counts[: max(1, len(counts) // 100)])
    assert top > 0.1 * sum(counts)  # the top 1% of secrets get >10% of the reads
    assert len(counts) > 1000
