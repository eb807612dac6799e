"""Container sniffing on real files written the way tools write them."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest

from ingest import sniff
from ingest.errors import UnreadableInput

REC = [{"a": i, "s": f"v{i}"} for i in range(3)]


def _lines(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for block in sniff.iter_line_blocks(path, block_bytes=16):
        out.extend(zip(block.line_numbers.to_pylist(), block.lines.to_pylist(), strict=True))
    return out


def _docs(path: Path) -> list[tuple[int, object]]:
    return [(r.line, json.loads(r.text)) for r in sniff.iter_document_records(path)]


def test_json_lines_with_blank_lines_crlf_and_no_final_newline(tmp_path: Path) -> None:
    p = tmp_path / "a.log"
    p.write_bytes(b'{"a":0}\r\n\r\n{"a":1}\r\n   \n{"a":2}')
    assert sniff.sniff(p).shape == "lines"
    assert _lines(p) == [(1, '{"a":0}'), (3, '{"a":1}'), (5, '{"a":2}')]


def test_gzip_detected_by_magic_not_name(tmp_path: Path) -> None:
    p = tmp_path / "looks-plain.json"
    p.write_bytes(gzip.compress(b'{"a":0}\n{"a":1}\n'))
    s = sniff.sniff(p)
    assert s.gzipped and s.shape == "lines"
    assert [n for n, _ in _lines(p)] == [1, 2]
    q = tmp_path / "not-really.gz"
    q.write_bytes(b'{"a":0}\n')
    assert not sniff.sniff(q).gzipped
    assert _lines(q) == [(1, '{"a":0}')]


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks(tmp_path: Path, bom: bytes, encoding: str) -> None:
    p = tmp_path / "bom.log"
    p.write_bytes(bom + '{"é":0}\r\n{"a":1}\r\n'.encode(encoding))
    s = sniff.sniff(p)
    assert s.encoding == encoding
    assert _lines(p) == [(1, '{"é":0}'), (2, '{"a":1}')]


def test_array_wrapper_pretty_and_concatenated_arrays(tmp_path: Path) -> None:
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(REC, indent=2))
    assert sniff.sniff(arr).shape == "document"
    assert _docs(arr) == [(2, REC[0]), (6, REC[1]), (10, REC[2])]
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps(REC[:2]) + json.dumps(REC[2:]))
    assert [d for _, d in _docs(pages)] == REC
    for key in ("Records", "records"):
        w = tmp_path / f"{key}.json"
        w.write_text(json.dumps({"meta": {"x": [1]}, key: REC}, indent=1))
        assert sniff.sniff(w).shape == "document"
        assert [d for _, d in _docs(w)] == REC
    jq = tmp_path / "jq.json"
    jq.write_text("\n".join(json.dumps(r, indent=2) for r in REC))
    assert sniff.sniff(jq).shape == "document"
    assert _docs(jq) == [(1, REC[0]), (5, REC[1]), (9, REC[2])]


def test_one_line_wrapper_is_a_document(tmp_path: Path) -> None:
    p = tmp_path / "ct.json"
    p.write_text(json.dumps({"Records": REC}))
    assert sniff.sniff(p).shape == "document"
    assert [d for _, d in _docs(p)] == REC


def test_syntax_error_in_document_is_reported_with_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('[\n {"a": 1},\n {"a": \n')
    recs = list(sniff.iter_document_records(p))
    assert recs[-1].problem is not None
    assert recs[-1].line >= 3


def test_prefixed_lines_are_lines(tmp_path: Path) -> None:
    p = tmp_path / "prefixed.log"
    p.write_text('vault-1 audit: {"a":0}\nvault-1 audit: {"a":1}\n')
    assert sniff.sniff(p).shape == "lines"


def test_empty_and_missing_files(tmp_path: Path) -> None:
    e = tmp_path / "empty.log"
    e.write_text("\n  \n")
    assert sniff.sniff(e).shape == "empty"
    with pytest.raises(UnreadableInput, match="cannot open"):
        sniff.sniff(tmp_path / "nope.log")


def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "cut.log.gz"
    body = b"".join(json.dumps({"i": i}).encode() + b"\n" for i in range(20000))
    p.write_bytes(gzip.compress(body)[:2000])
    with pytest.raises(UnreadableInput, match=r"cut\.log\.gz"):
        list(sniff.iter_line_blocks(p))


def test_blocks_never_split_a_line(tmp_path: Path) -> None:
    p = tmp_path / "many.log"
    lines = [json.dumps({"i": i, "pad": "x" * (i % 37)}) for i in range(500)]
    p.write_text("\n".join(lines) + "\n")
    got = []
    for block in sniff.iter_line_blocks(p, block_bytes=100):
        got.extend(block.lines.to_pylist())
    assert got == lines


def test_a_corrupt_record_in_a_pretty_document_loses_nothing_after_it(tmp_path: Path) -> None:
    records = [{"i": i, "s": "x"} for i in range(6)]
    pretty = json.dumps(records, indent=2)
    broken = pretty.replace('"i": 2,', '"i": 2,,', 1)  # one corrupt item in the middle
    arr = tmp_path / "arr.json"
    arr.write_text(broken)
    recs = list(sniff.iter_document_records(arr))
    good = [json.loads(r.text) for r in recs if r.problem is None]
    bad = [r for r in recs if r.problem]
    assert len(bad) == 1
    assert bad[0].line == 10
    assert good == [r for r in records if r["i"] != 2]
    jq = tmp_path / "jq.json"
    jq.write_text("\n".join(json.dumps(r, indent=2) for r in records).replace('"i": 4', '"i": 4 4'))
    recs = list(sniff.iter_document_records(jq))
    assert [json.loads(r.text)["i"] for r in recs if r.problem is None] == [0, 1, 2, 3, 5]
    assert sum(1 for r in recs if r.problem) == 1


def test_records_key_tells_api_pages_from_lists_of_objects() -> None:
    """An array under `items`/`logs` holds records only next to a paging key (or in a k8s
    EventList): a `kind: List` of RBAC objects or a snapshot with an `items` field is not a page."""
    assert sniff.records_key({"Records": [{}]}) == "Records"
    assert sniff.records_key({"cursor": "c", "has_more": False, "items": []}) == "items"
    assert sniff.records_key({"kind": "EventList", "items": [{}]}) == "items"
    assert sniff.records_key({"page": 2, "logs": [{}]}) == "logs"
    assert sniff.records_key({"kind": "List", "apiVersion": "v1", "items": [{}]}) is None
    assert sniff.records_key({"items": [{}]}) is None
    assert sniff.records_key({"logs": [{}]}) is None
    assert sniff.records_key({"items": "not a list", "cursor": "c"}) is None
