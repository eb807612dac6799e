"""sample_data/onepassword tells the story of story.md: frank's evening of 2026-11-16."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from queries.lake import connect

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "onepassword"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("op") / "lake"
    report = run_ingest([SAMPLE], root, store="acme.1password.com")
    assert all(f.balanced() for f in report.files)
    return root


def test_frank_reveals_copies_and_exports_25_items_from_home(lake: Path) -> None:
    con = connect(lake)
    items, first, last, ips, vaults = (
        con.execute(
            "SELECT count(DISTINCT e.secret_id), min(e.event_time), max(e.event_time), "
            "list(DISTINCT e.source_ip), list(DISTINCT s.tags['op:vault']) "
            "FROM events e JOIN secrets s USING (secret_id) "
            "WHERE e.principal_name = 'frank@acme.example' AND e.action = 'read' "
            "AND e.event_time BETWEEN '2026-11-16 21:00' AND '2026-11-16 22:00'"
        ).fetchone()
        or ()
    )
    assert items == 25
    assert first.strftime("%H:%M") == "21:05"
    assert last.strftime("%H:%M") <= "21:40"
    assert ips == ["198.51.100.200"]
    assert sorted(vaults) == ["Customers", "Sales-Shared"]
    untitled = con.execute(
        "SELECT count(*) FROM events e ANTI JOIN secrets s USING (secret_id) "
        "WHERE e.secret_id IS NOT NULL"
    ).fetchone()
    assert untitled == (0,)  # every item used has its title in the inventory


def test_frank_signs_in_and_may_read_both_vaults(lake: Path) -> None:
    con = connect(lake)
    signins = con.execute(
        "SELECT outcome FROM events WHERE action = 'login' AND source_ip = '198.51.100.200' "
        "ORDER BY event_time"
    ).fetchall()
    assert signins == [("failure",), ("success",)]
    vias = con.execute(
        "SELECT list(via ORDER BY via) FROM grants g JOIN principals p USING (principal_id) "
        "WHERE p.email = 'frank@acme.example' AND list_contains(g.actions, 'read')"
    ).fetchone()
    assert vias == (["group:Sales > vault:Sales-Shared", "vault:Customers"],)
    disabled = con.execute("SELECT name FROM principals WHERE disabled").fetchall()
    assert disabled == [("Erin Example",)]
