"""Hostile inputs, one regression each: every one is a per-item error or a stored article, never an exception
out of the readers, and a bad item never costs the rest of the batch (ingest keeps what was read)."""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch.model import Article, ItemError, content_hash
from claimwatch.readers.decode import decode_report
from claimwatch.readers.files import count_items, parse_header, read_paths
from claimwatch.readers.pubtime import parse_published
from claimwatch.settings import Options
from claimwatch.store import Store

REPORT = "The regional governor said air defence units shot down 12 drones overnight near the city.\n"
CYRILLIC = "Міністерство оборони заявило, що сили відбили атаку біля села.\n"


def read(paths: list[Path], options: Options) -> list[Article | ItemError]:
    return list(read_paths(paths, options))


def one(path: Path, options: Options) -> Article | ItemError:
    [item] = read([path], options)
    return item


@pytest.mark.parametrize("raw", ["2024-03-05T14:30:00+99:99", "5 March 2024 14:30 UTC+99", "5 March 2024, 14:30 +25:00",
                                 "Tue, 05 Mar 2024 14:30:00 +9999", "2024-03-05T14:30:00+23:00",
                                 "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "x" * 5_000])
def test_impossible_times_are_unknown_not_errors(raw: str) -> None:
    assert parse_published(raw) is None


def test_a_header_time_with_an_impossible_offset_is_stored_with_the_time_unknown(tmp_path: Path,
                                                                                options: Options) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"Published: 2024-03-05T14:30:00+99:99\n\n{REPORT}", encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article) and art.published is None
    assert art.published_raw == "2024-03-05T14:30:00+99:99" and art.text == REPORT.strip()


def test_an_html_page_whose_meta_time_is_impossible_keeps_its_text_and_title(tmp_path: Path,
                                                                            options: Options) -> None:
    path = tmp_path / "a.html"
    path.write_text("<html><head><title>Drones downed</title><meta property='article:published_time' "
                    f"content='2024-03-05T14:30:00+99:99'></head><body><article><p>{REPORT}</p></article>"
                    "</body></html>", encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article), art
    assert art.text == REPORT.strip() and art.title == "Drones downed" and art.published is None


@pytest.mark.parametrize("published", ["1e30", "-1e30", "1e400", "NaN", "-Infinity", "true"])
def test_jsonl_timestamps_out_of_range_are_unknown(tmp_path: Path, options: Options, published: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "' + REPORT.strip() + '", "published": ' + published + "}\n", encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article) and art.published is None


def test_jsonl_unix_time_in_range_is_used(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": REPORT, "published": 1709649000}) + "\n", encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article) and art.published == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)


def test_nesting_bombs_are_item_errors_and_the_next_line_is_read(tmp_path: Path, options: Options) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "feed.jsonl"
    path.write_text(f'{{"text": "x", "n": {deep}}}\n{deep}\n{json.dumps({"text": REPORT})}\n', encoding="utf-8")
    items = read([path], options)
    assert [type(i).__name__ for i in items] == ["ItemError", "ItemError", "Article"]
    assert all("nested too deeply" in i.message for i in items[:2] if isinstance(i, ItemError))


def test_a_json_ld_nesting_bomb_costs_only_the_date(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "a.html"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(f"<html><head><script type='application/ld+json'>{deep}</script></head><body><article>"
                    f"<p>{REPORT}</p></article></body></html>", encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article) and art.text == REPORT.strip()


def test_lone_surrogates_in_json_are_replaced_and_hashable(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "The ministry said \\ud800 it held.", "title": "a \\udfff"}\n', encoding="utf-8")
    art = one(path, options)
    assert isinstance(art, Article)
    assert art.text == "The ministry said \ufffd it held." and art.title == "a \ufffd"
    assert len(content_hash("lone \ud800 surrogate")) == 64  # the hash is defined for any str


def test_undecodable_file_names_are_escaped_in_origins_and_stored(tmp_path: Path, options: Options) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"bad\xff\nname.txt")
    with open(name, "wb") as fh:
        fh.write(b"\x00\x01 binary")
    [error] = read([tmp_path], options)
    assert isinstance(error, ItemError) and error.origin == f"{tmp_path}/bad\\xff\\nname.txt"
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        store.record_error(ItemError(os.fsdecode(name), "raw origin"))  # even unescaped, it is stored
        assert {e.origin for e in store.errors()} == {f"{tmp_path}/bad\\xff\\nname.txt"}


def test_mixed_encodings_decode_line_by_line_with_a_note(tmp_path: Path, options: Options,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    data = ("Café owners said " + REPORT).encode() + (CYRILLIC * 2).encode("cp1251") + "Naïve.\n".encode()
    decoded = decode_report(data)
    assert decoded.text == "Café owners said " + REPORT + CYRILLIC * 2 + "Naïve.\n"
    assert decoded.notes == ("mixed encodings: line(s) 2-3 are not UTF-8: decoded as cp1251",)
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    art = one(path, options)
    assert isinstance(art, Article) and art.text.startswith("Café") and CYRILLIC.strip() in art.text
    assert "line(s) 2-3 are not UTF-8" in caplog.text


def test_a_legacy_file_without_utf8_is_still_decoded_whole(options: Options) -> None:
    assert decode_report((CYRILLIC * 3).encode("cp1251")).text == CYRILLIC * 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(encoding: str) -> None:
    for text in (REPORT, CYRILLIC * 2):
        decoded = decode_report(text.encode(encoding))
        assert decoded.text == text and decoded.encoding == encoding


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("page.html", gzip.compress(b"<html>" + b"\0" * 10_000_000), "gzip-compressed"),
    ("a.txt", gzip.compress(REPORT.encode()), "never decompresses"),
    ("a.txt.gz", gzip.compress(REPORT.encode()), "decompress it first"),
    ("z.txt", b"PK\x03\x04" + b"\0" * 100, "zip archive"),
    ("junk.txt", bytes(range(256)) * 8, "binary"),
])
def test_compressed_and_binary_inputs_are_clear_errors(tmp_path: Path, options: Options, name: str, data: bytes,
                                                       expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    err = one(path, options)
    assert isinstance(err, ItemError) and expected in err.message


def test_pipes_devices_and_link_loops_are_errors_not_hangs(tmp_path: Path, options: Options) -> None:
    os.mkfifo(tmp_path / "fifo.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    (tmp_path / "ok.txt").write_text(REPORT, encoding="utf-8")
    # should reading ever block on the pipe again, a writer turns the hang into a failure after 10 s
    threading.Thread(target=_unblock, args=(tmp_path / "fifo.txt", 10), daemon=True).start()
    start = time.perf_counter()
    items = read([tmp_path, tmp_path / "loop.txt"], options)
    assert time.perf_counter() - start < 5
    messages = {Path(i.origin).name: i.message for i in items if isinstance(i, ItemError)}
    assert "not a regular file" in messages["fifo.txt"] and "not a regular file" in messages["zero.txt"]
    assert "symbolic links" in messages["loop.txt"]
    assert [i.origin for i in items if isinstance(i, Article)] == [str(tmp_path / "ok.txt")]
    assert count_items([tmp_path]) == 4


def _unblock(fifo: Path, after: float) -> None:
    time.sleep(after)
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # no reader waiting (the pipe was refused, as it should be) or the folder is gone
        pass


def test_an_overlong_jsonl_line_is_skipped_without_holding_it(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "' + b"x" * 3_000_000 + b'"}\n' + json.dumps({"text": REPORT}).encode() + b"\n")
    items = read([path], options.with_(max_bytes=1_000))
    assert isinstance(items[0], ItemError) and "3,000,012 bytes, over the limit" in items[0].message
    assert isinstance(items[1], Article) and items[1].origin == f"{path}:2"
    assert count_items([path], max_bytes=1_000) == 2


def test_an_empty_jsonl_file_is_one_error(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n  \n", encoding="utf-8")
    err = one(path, options)
    assert isinstance(err, ItemError) and "empty" in err.message
    assert count_items([path]) == 1


def test_header_values_are_cut_in_linear_time() -> None:
    start = time.perf_counter()
    meta, _ = parse_header("Title: a" + " " * 1_000_000 + "b\n\n" + REPORT)
    assert time.perf_counter() - start < 1 and meta.title == "a" + " " * 1_000_000 + "b"
    meta, cut = parse_header("Title:  Drones \t\r\nPublished: 5 March 2024 \r\n\r\n" + REPORT)
    assert (meta.title, meta.published_raw, meta.published_offset, cut) == ("Drones", "5 March 2024", 29, (0, 46))
    meta, cut = parse_header("Title: x\r \t\nURL:\nPublished:\t \r\n\n" + REPORT)  # as the old regex did
    assert (meta.title, meta.url, meta.published_raw, cut) == ("x\r", None, None, (0, 32))
