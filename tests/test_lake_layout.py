"""Read path layout: files listed at connect, union by name only when file schemas differ,
bloom filters on the columns looked up by equality."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from ingest import schema as lake_schema
from ingest.lake import SCHEMAS, Lake
from ingest.pipeline import run_ingest
from queries.lake import connect, view_sql

SAMPLE_LOG = Path(__file__).resolve().parents[1] / "sample_data" / "vault" / "audit"


def test_uniform_lake_skips_union_and_older_files_are_read_by_name(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    run_ingest([SAMPLE_LOG / "vault_audit.log"], root, store="acme-prod")
    lake = Lake.open(root)
    assert lake.uniform_schema("events")
    assert "union_by_name = false" in view_sql(lake, "events")
    total = connect(root).sql("SELECT count(*) FROM events").fetchall()[0][0]

    # A file from an older release, before value_returned existed, plus the marker it left.
    first = lake.files("events")[0]
    old = pq.read_table(first).drop_columns(["value_returned"])
    pq.write_table(old, first.with_name("20260101T000000Z-old000-00001.parquet"))
    (lake.meta_dir / SCHEMAS / "events.0123456789ab").touch()
    assert not lake.uniform_schema("events")
    assert "union_by_name = true" in view_sql(lake, "events")
    con = connect(root)
    got = con.sql(
        "SELECT count(*), count(*) FILTER (WHERE value_returned IS NULL) FROM events"
    ).fetchall()[0]
    assert got[0] == total + old.num_rows
    assert got[1] == got[0]


def test_lakes_without_markers_are_read_by_name(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    run_ingest([SAMPLE_LOG / "vault_audit.log"], root, store="acme-prod")
    lake = Lake.open(root)
    for marker in (lake.meta_dir / SCHEMAS).iterdir():
        marker.unlink()
    (lake.meta_dir / SCHEMAS).rmdir()
    assert not lake.uniform_schema("events")
    assert connect(root).sql("SELECT count(*) FROM events").fetchall()[0][0] > 0


def test_event_files_carry_bloom_filters_on_lookup_columns(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    run_ingest([SAMPLE_LOG / "vault_audit.log"], root, store="acme-prod")
    path = Lake.open(root).files("events")[0]
    meta = pq.ParquetFile(path).metadata
    names = meta.schema.to_arrow_schema().names
    wanted = {c.name for c in lake_schema.load()["events"].columns if c.bloom}
    assert wanted == {"principal_id", "credential_id", "session_id"}
    rg = meta.row_group(0)
    for name in names:
        col = rg.column(names.index(name))
        has_bloom = col.bloom_filter_offset is not None and col.bloom_filter_offset > 0
        assert has_bloom == (name in wanted), name


def test_the_writer_lock_removes_what_a_crashed_run_set_aside(tmp_path: Path) -> None:
    lake = Lake.open(tmp_path / "lake", create=True)
    spill = lake.meta_dir / "routed-x1y2"  # lines a killed run had routed to another source
    spill.mkdir()
    (spill / "k8s.arrows").write_bytes(b"partial")
    keep = lake.meta_dir / "routing-notes"  # not ours: left alone
    keep.mkdir()
    with lake.writer_lock():
        assert not spill.exists()
    assert keep.exists()
