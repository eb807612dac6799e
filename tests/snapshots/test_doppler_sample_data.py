"""sample_data/doppler tells the story its README promises (one ingest, queried back)."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import run_ingest
from queries.lake import connect

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "doppler"
WP = "acme0000000000000001"


def test_sample_story(tmp_path: Path) -> None:
    report = run_ingest([SAMPLE], tmp_path / "lake")
    assert all(f.balanced() for f in report.files)
    assert sum(f.duplicates for f in report.files) == 1
    con = connect(tmp_path / "lake")
    dave = con.sql(
        "SELECT action, source_ip FROM events WHERE principal_name = 'dave@acme.example' "
        f"AND secret_id = 'doppler://{WP}/web/prd/STRIPE_SECRET_KEY' ORDER BY event_time"
    ).fetchall()
    assert dave == [("read", "198.51.100.23"), ("write", None)]
    deploy = con.sql(
        "SELECT DISTINCT secret_name FROM events WHERE principal_name = 'web-prd-deploy' "
        "AND NOT starts_with(source_ip, '10.20.0.')"
    ).fetchall()
    assert deploy == []
    stale = con.sql(
        "SELECT secret_id FROM secrets WHERE tags['kind'] = 'config' "
        "AND last_accessed_time < TIMESTAMPTZ '2026-01-01'"
    ).fetchall()
    assert stale == [(f"doppler://{WP}/legacy/prd/*",)]
    legacy_reads = con.sql(
        f"SELECT count(*) FROM events WHERE secret_id LIKE 'doppler://{WP}/legacy/%'"
    ).fetchall()
    assert legacy_reads == [(0,)]
