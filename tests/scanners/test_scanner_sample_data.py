"""sample_data/scanners tells what its README says."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import run_ingest
from ingest.scanners.credentials import vault_audit_hmac
from queries.lake import connect
from tests.scanners.lake_search import lake_contains

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "scanners"
TOKEN = "hvs.CAESIKtrailDemoFakeTokenDoNotUse0000000000000000GiAKHGh2cy5kZW1vRmFrZQ"
SECRET_KEY = "acmeDemo/FakeSecretKey+DoNotUse000000000"
KEY = "sample-audit-key"


def test_sample_reports(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run = run_ingest([SAMPLE], lake, vault_hmac_key=KEY)
    by_name = {f.path.name: f for f in run.files}
    assert by_name["README.md"].status == "not ingested"
    truffle = by_name["ci-job-logs.json"]
    assert (truffle.events_written, truffle.duplicates, truffle.skipped) == (1, 1, 3)
    rows = (
        connect(lake)
        .sql("SELECT source, credential_id, fingerprint FROM leaks ORDER BY source, rule")
        .fetchall()
    )
    assert [(s, c) for s, c, _ in rows] == [
        ("github", "AKIAACMEDEMO0LEAKED1"),
        ("gitleaks", "AKIAACMEDEMO0LEAKED1"),
        ("gitleaks", None),
        ("trufflehog", vault_audit_hmac(KEY, TOKEN)),
    ]
    assert rows[0][2] == rows[1][2]  # the key id: one fingerprint, two scanners
    for secret in (TOKEN, SECRET_KEY):
        assert lake_contains(lake, secret) == []
