"""Ingest: every input type, every kind of bad input, publication times and their zones."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch.model import Article, ItemError
from claimwatch.readers.files import count_items, read_paths
from claimwatch.readers.pubtime import parse_published
from claimwatch.settings import Options

REPORT = ("Russian forces repelled seven attacks near Kupiansk, the ministry said on Wednesday.\n\n"
          "\"Units improved their positions,\" the ministry said.\n")
HEADER = ("Title: Moscow claims repelled attacks\nURL: https://wire.example/a\nOutlet: Example Wire\n"
          "Published: 6 March 2024, 09:15 MSK\nLanguage: en\n\n")


def read(paths: list[Path], options: Options) -> list[Article | ItemError]:
    return list(read_paths(paths, options))


def only(items: list[Article | ItemError]) -> Article | ItemError:
    assert len(items) == 1, items
    return items[0]


def article(path: Path, options: Options) -> Article:
    item = only(read([path], options))
    assert isinstance(item, Article), item
    return item


def error(path: Path, options: Options) -> ItemError:
    item = only(read([path], options))
    assert isinstance(item, ItemError), item
    return item


def test_plain_text_with_header_block(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "a.txt"
    path.write_text(HEADER + REPORT + "\nShare on Facebook\n", encoding="utf-8")
    art = article(path, options)
    assert (art.title, art.url, art.outlet, art.language) == (
        "Moscow claims repelled attacks", "https://wire.example/a", "Example Wire", "en")
    assert art.text == REPORT.strip()
    assert art.published == datetime(2024, 3, 6, 6, 15, tzinfo=UTC)
    assert art.published_raw == "6 March 2024, 09:15 MSK"
    assert art.raw_text is not None and art.published_offset is not None
    assert art.raw_text[art.published_offset:].startswith(art.published_raw)
    assert art.removed[0] == (0, len(HEADER), "header")
    assert art.raw == path.read_bytes() and art.raw_sha256 == hashlib.sha256(art.raw).hexdigest()
    assert art.origin == str(path)
    assert art.to_raw_offset(0) == len(HEADER)


def test_plain_text_without_header_is_kept_whole(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "b.txt"
    path.write_text("Kyiv: the ministry said the attack was repelled.\n" + REPORT, encoding="utf-8")
    art = article(path, options)
    assert art.text.startswith("Kyiv: the ministry said")
    assert art.title is None and art.published is None and art.removed == ()


def test_dateline_at_the_top_gives_the_publication_time(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "c.txt"
    path.write_text("12 July 2024, 16:20 (Kyiv time)\n\n" + REPORT, encoding="utf-8")
    art = article(path, options)
    assert art.published == datetime(2024, 7, 12, 13, 20, tzinfo=UTC)  # EEST in July
    assert art.published_offset == 0


def test_folders_are_read_recursively_in_order_skipping_hidden_and_unknown(tmp_path: Path,
                                                                          options: Options) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "b.txt").write_text("Second report: the ministry said so.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First report: the governor said so.", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "c.txt").write_text("Third report: the army said so.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden report.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    items = read([tmp_path], options)
    assert [Path(i.origin or "").name for i in items if isinstance(i, Article)] == ["a.txt", "b.txt", "c.txt"]
    assert count_items([tmp_path]) == 3


def test_jsonl_good_lines_go_on_past_bad_ones(tmp_path: Path, options: Options) -> None:
    lines = [
        json.dumps({"text": "The ministry said 12 drones were shot down.", "title": "Drones", "url": "u1",
                    "outlet": "Wire", "published": "2024-03-16T02:30:00+02:00", "language": "en"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"text": "The governor said a man was wounded.", "published": 1710748800}),
        json.dumps({"text": "Text.", "title": 5}),
        json.dumps({"text": "   "}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read([path], options)
    good = [i for i in items if isinstance(i, Article)]
    bad = {i.origin: i.message for i in items if isinstance(i, ItemError)}
    assert [a.origin for a in good] == [f"{path}:1", f"{path}:6"]
    assert good[0].published == datetime(2024, 3, 16, 0, 30, tzinfo=UTC) and good[0].published_offset is None
    assert good[0].title == "Drones" and good[0].language == "en" and good[0].raw == lines[0].encode()
    assert good[1].published == datetime(2024, 3, 18, 8, 0, tzinfo=UTC)
    assert set(bad) == {f"{path}:{n}" for n in (2, 3, 5, 7, 8)}
    assert "malformed JSON" in bad[f"{path}:2"] and "text" in bad[f"{path}:3"]
    assert "title" in bad[f"{path}:7"]
    assert count_items([path]) == 7


def test_html_page_main_text_title_and_zoned_date(examples_dir: Path, options: Options) -> None:
    art = article(examples_dir / "08_territory_claims.html", options)
    assert art.title == "Both sides claim territorial gains in the south"
    assert art.outlet == "Black Sea Observer"
    assert art.url == "https://blacksea-observer.example/news/territorial-claims-south"
    assert art.published == datetime(2024, 3, 13, 4, 45, tzinfo=UTC)
    assert art.published_raw == "2024-03-13T07:45:00+03:00" and art.published_offset is None
    assert "35 sq. km" in art.text
    for furniture in ("Home", "Share on", "Read also", "cookie", "All rights reserved", "Follow us"):
        assert furniture not in art.text
    assert art.raw is not None and art.raw.startswith(b"<!DOCTYPE html>")


def test_html_json_ld_date(examples_dir: Path, options: Options) -> None:
    art = article(examples_dir / "09_energy_strike.html", options)
    assert art.published == datetime(2024, 3, 14, 4, 20, tzinfo=UTC)
    assert art.outlet == "Northern Chronicle"


def test_html_falls_back_to_htmldate(tmp_path: Path, options: Options) -> None:
    body = "<p>" + "The regional administration said power had been restored to most homes. " * 4 + "</p>"
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><title>Power back</title></head><body><article><p>Published 2024-03-14</p>"
                    f"{body}</article></body></html>", encoding="utf-8")
    art = article(path, options)
    assert art.published is not None and art.published.date().isoformat() == "2024-03-14"


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("latin.txt", bytes(range(0x80, 0x100)) * 8, "undecodable"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n   \r\n", "empty"),
    ("controls.txt", b"ok\x01\x02\x03\x04\x05\x06\x07\x08 text \x0e\x0f\x10\x11", "binary"),
    ("page.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
    ("furniture.txt", b"Share on Facebook\nAdvertisement\n", "no text left"),
    ("page2.html", b"\x00\x01\x02<html>", "binary"),
])
def test_bad_files_give_a_clear_error(tmp_path: Path, options: Options, name: str, data: bytes,
                                      expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    err = error(path, options)
    assert expected in err.message and err.origin == str(path) and err.stage == "ingest"


def test_size_limits(tmp_path: Path, options: Options) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The ministry said the attack was repelled. " * 50, encoding="utf-8")
    assert "max_bytes" in error(big, options.with_(max_bytes=1000)).message
    assert "max_chars" in error(big, options.with_(max_chars=500)).message
    feed = tmp_path / "big.jsonl"
    feed.write_text(json.dumps({"text": "x" * 2000}) + "\n" + json.dumps({"text": "Short report."}) + "\n")
    items = read([feed], options.with_(max_bytes=1000))
    assert isinstance(items[0], ItemError) and "max_bytes" in items[0].message
    assert isinstance(items[1], Article)


def test_missing_and_unreadable_paths(tmp_path: Path, options: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "no such file" in error(tmp_path / "nowhere.txt", options).message
    locked = tmp_path / "locked.txt"
    locked.write_text("The ministry said so.", encoding="utf-8")
    real_open = os.open

    def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)  # root reads a chmod 000 file anyway
    assert "Permission denied" in error(locked, options).message


def test_a_bad_item_never_stops_the_batch(tmp_path: Path, options: Options) -> None:
    (tmp_path / "1.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "2.txt").write_text("The General Staff said 14 tanks were destroyed.", encoding="utf-8")
    (tmp_path / "3.txt").write_bytes(b"")
    (tmp_path / "4.jsonl").write_text("{bad\n" + json.dumps({"text": "The governor said so."}) + "\n")
    items = read([tmp_path / "missing", tmp_path], options)
    assert [type(i).__name__ for i in items] == ["ItemError", "ItemError", "Article", "ItemError", "ItemError",
                                                 "Article"]


CYRILLIC_UK = ("Міністерство оборони заявило, що українські сили відбили дванадцять атак поблизу села. "
               "Командир сказав, що ворог відступив, залишивши техніку.")
CYRILLIC_RU = ("Министерство обороны заявило, что войска отразили двенадцать атак у села. "
               "Командир сказал, что противник отступил, оставив технику.")


@pytest.mark.parametrize(("text", "encoding"), [
    (CYRILLIC_UK, "cp1251"), (CYRILLIC_RU, "cp1251"), (CYRILLIC_RU, "koi8-r"), (CYRILLIC_UK, "koi8-u"),
    (CYRILLIC_UK, "utf-8-sig"), (CYRILLIC_RU, "utf-16"), ("The ministry said “we held”.", "utf-8"),
])
def test_encodings_decode(tmp_path: Path, options: Options, text: str, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    art = article(path, options)
    assert art.text == text
    assert art.raw == text.encode(encoding)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-03-05T14:30:00+02:00", "2024-03-05T12:30:00"),
    ("2024-03-05T14:30:00Z", "2024-03-05T14:30:00"),
    ("2024-03-05 14:30", "2024-03-05T14:30:00"),  # naive: taken as UTC
    ("5 March 2024, 14:30 EEST", "2024-03-05T11:30:00"),
    ("5 March 2024, 14:30 EET", "2024-03-05T12:30:00"),
    ("06.03.2024 09:15 MSK", "2024-03-06T06:15:00"),
    ("5 January 2024, 14:30 (Kyiv time)", "2024-01-05T12:30:00"),  # winter: UTC+2
    ("5 July 2024, 14:30 Kyiv time", "2024-07-05T11:30:00"),  # summer: UTC+3
    ("5 July 2024 14:30 Moscow time", "2024-07-05T11:30:00"),
    ("5 березня 2024, 14:30 за київським часом", "2024-03-05T12:30:00"),
    ("5 марта 2024 14:30 по московскому времени", "2024-03-05T11:30:00"),
    ("March 5, 2024 2:30 pm Kyiv time", "2024-03-05T12:30:00"),
    ("Tue, 05 Mar 2024 14:30:00 +0300", "2024-03-05T11:30:00"),
    ("5 March 2024 23:30 GMT+3", "2024-03-05T20:30:00"),
    ("5 March 2024 23:30 UTC−05:00", "2024-03-06T04:30:00"),
    ("Published: 5 March 2024", "2024-03-05T00:00:00"),
])
def test_publication_times_honour_zones(raw: str, expected: str) -> None:
    found = parse_published(raw)
    assert found is not None and found.tzinfo is not None
    assert found.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert found.replace(tzinfo=None).isoformat() == expected


@pytest.mark.parametrize("raw", ["2 hours ago", "5 March", "yesterday", "", "no date here 12"])
def test_unreadable_or_yearless_times_are_refused(raw: str) -> None:
    assert parse_published(raw) is None


def test_unparsed_header_date_is_kept_as_text(tmp_path: Path, options: Options) -> None:
    path = tmp_path / "d.txt"
    path.write_text("Published: sometime last spring\n\n" + REPORT, encoding="utf-8")
    art = article(path, options)
    assert art.published is None and art.published_raw == "sometime last spring"


def test_every_example_reads_cleanly(examples_dir: Path, options: Options) -> None:
    items = read([examples_dir], options)
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, ItemError)]
    assert len(items) == count_items([examples_dir]) >= 12
    assert all(a.published is not None for a in items if isinstance(a, Article))
    assert len({a.content_hash for a in items if isinstance(a, Article)}) == len(items)
