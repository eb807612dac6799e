"""Doppler snapshots through the real pipeline into a lake: rows land, re-ingest adds nothing, the
workplace id becomes the store, file names give names/members/tokens their subject, and audit
documents are never taken for snapshots (nor snapshots for audit logs)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from ingest.snapshots.doppler import api_path_from_filename, recognise
from queries.lake import connect

CASES = Path(__file__).resolve().parents[2] / "ingest" / "snapshots" / "doppler" / "cases"


def _copy_case(name: str, tmp_path: Path) -> Path:
    dst = tmp_path / "in"
    shutil.copytree(CASES / name, dst, ignore=shutil.ignore_patterns("expected.json", "store.txt"))
    return dst


def test_full_workplace_lands_in_the_lake(tmp_path: Path) -> None:
    report = run_ingest([_copy_case("full_workplace", tmp_path)], tmp_path / "lake")
    assert {f.source for f in report.files} == {"doppler"}
    assert all(f.kind == "doppler-snapshot" and f.balanced() for f in report.files)
    con = connect(tmp_path / "lake")
    stores = con.sql("SELECT DISTINCT store FROM grants").fetchall()
    assert stores == [("acme0000000000000001",)]
    stale = con.sql(
        "SELECT secret_id, last_accessed_time FROM secrets "
        "WHERE tags['kind'] = 'config' AND last_accessed_time < TIMESTAMPTZ '2026-01-01'"
    ).fetchall()
    assert [s for s, _ in stale] == ["doppler://acme0000000000000001/legacy/prd/*"]
    readers = con.sql(
        "SELECT DISTINCT principal_id FROM grants WHERE list_contains(actions, 'read') "
        "AND resource IN ('doppler://acme0000000000000001/web/prd/*', "
        "'doppler://acme0000000000000001/web/*', 'doppler://acme0000000000000001/*') "
        "ORDER BY 1"
    ).fetchall()
    assert [r for (r,) in readers] == [
        "5a000000-0000-4000-8000-0000000000c1",  # ci service account: viewer on prd
        "5a000000-0000-4000-8000-0000000000c2",  # terraform: workplace admin
        "5e7c0000-0000-4000-8000-00000000de91",  # web-prd-deploy service token
        "5e7c0000-0000-4000-8000-00000000de92",  # expired read/write token (still listed)
        "6a000000-0000-4000-8000-000000000001",  # SRE group: custom secrets-reader role
        "a11ce000-0000-4000-8000-0000000000a1",  # alice: workplace owner
        "da7e0000-0000-4000-8000-0000000000d4",  # dave: collaborator on prd
    ]
    again = run_ingest([tmp_path / "in"], tmp_path / "lake")
    assert all(f.status == "already ingested" for f in again.files)


def test_same_snapshot_in_new_files_adds_no_rows(tmp_path: Path) -> None:
    src = _copy_case("full_workplace", tmp_path)
    run_ingest([src], tmp_path / "lake")
    con = connect(tmp_path / "lake")
    before = con.sql("SELECT count(*) FROM grants").fetchall()
    for f in src.rglob("*.json"):  # same content and time, other bytes: not skipped by sha256
        stat = f.stat()
        f.write_text(json.dumps(json.loads(f.read_text())) + "\n")
        os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = run_ingest([src], tmp_path / "lake")
    assert sum(f.events_written for f in report.files) == 0
    assert connect(tmp_path / "lake").sql("SELECT count(*) FROM grants").fetchall() == before


def test_store_option_names_a_workplace_without_workplace_json(tmp_path: Path) -> None:
    src = _copy_case("environments_without_configs", tmp_path)
    run_ingest([src], tmp_path / "lake", store="acme-fallback")
    con = connect(tmp_path / "lake")
    assert con.sql("SELECT DISTINCT store FROM secrets").fetchall() == [("acme-fallback",)]
    resources = con.sql("SELECT DISTINCT resource FROM grants ORDER BY 1").fetchall()
    assert [r for (r,) in resources] == [
        "doppler://acme-fallback/web/dev*",
        "doppler://acme-fallback/web/prd*",
        "doppler://acme-fallback/web/stg*",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"page": 1, "logs": []},
        {"logs": [{"id": "a", "text": "t", "created_at": "2026-11-17T10:00:00Z"}], "page": 1},
        {"source": "doppler", "type": "security.secret_read", "metadata": {"secrets": []}},
        {"names": ["A"]},  # secret names without a project/config in the file name
        {"members": []},
        {"value": []},
    ],
)
def test_audit_and_nameless_documents_are_not_snapshots(payload: object) -> None:
    assert recognise(payload, None) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("/e/projects/web/configs/dev_alice/secret-names.json", "projects/web/configs/dev_alice"),
        ("/e/projects__web__configs__prd__names.json.gz", "projects/web/configs/prd"),
        ("/e/web__members.json", "projects/web"),
        ("/e/service-accounts/5a00/api_tokens.json", "service_accounts/5a00"),
        ("/e/secret-names.json", None),
        ("/e/prd/secret-names.json", None),
    ],
)
def test_file_names_give_the_subject(name: str, expected: str | None) -> None:
    assert api_path_from_filename(Path(name)) == expected
