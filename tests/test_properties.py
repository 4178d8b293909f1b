"""Property-based tests (hypothesis): the readers never raise, whatever the bytes; the cleaner's offset map is
exact, whatever the text; the time parser answers a UTC instant or None, whatever the string."""

from __future__ import annotations

import json
import math
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claimwatch import clean
from claimwatch.model import Article, ItemError, content_hash
from claimwatch.readers.files import read_paths
from claimwatch.readers.pubtime import from_timestamp, parse_published
from claimwatch.settings import Options, load_options

OPTIONS = load_options()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Bytes that look a little like the inputs: text, markup, JSON, encodings, junk.
FRAGMENTS = st.sampled_from([
    b"The ministry said ", b"attack was repelled.", b"\n", b"\r\n", b"\n\n", b"Title: ", b"Published: ",
    b"2024-03-05T14:30:00+99:99", b"5 March 2024 14:30 UTC+99", b"<html>", b"<p>", b"</p>", b"<body>",
    b"<meta property='article:published_time' content='2024-03-05T14:30:00+25:00'>", b"<script type='application/ld+json'>",
    b"[[[[[[", b"]]]", b"{\"text\": \"", b"\"}", b"\\ud800", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b",
    "Міністерство заявило".encode("cp1251"), "Café".encode(), "😀".encode() * 20, b"!" * 300,
])
CONTENT = st.one_of(st.binary(max_size=3_000), st.lists(FRAGMENTS, max_size=40).map(b"".join))


def _read(path: Path, options: Options) -> list[Article | ItemError]:
    items = list(read_paths([path], options))
    assert items and all(isinstance(i, (Article, ItemError)) for i in items)
    return items


@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".dat"])
@given(data=CONTENT)
@SETTINGS
def test_readers_turn_any_bytes_into_articles_or_item_errors(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in _read(path, OPTIONS.with_(max_bytes=100_000)):
        if isinstance(item, Article):
            assert item.text.strip() and item.content_hash == content_hash(item.text, item.url)
            assert item.published is None or item.published.utcoffset() == timedelta(0)
            item.text.encode("utf-8")  # storable: no lone surrogates
        else:
            assert item.origin.startswith(str(path)) and item.message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
RECORDS = st.fixed_dictionaries({}, optional={
    "text": st.one_of(st.text(max_size=300), JSON_VALUES), "title": JSON_VALUES, "url": JSON_VALUES,
    "published": st.one_of(st.floats(), st.integers(), st.text(max_size=40), JSON_VALUES),
    "language": JSON_VALUES,
})


@given(records=st.lists(st.one_of(RECORDS, JSON_VALUES), min_size=1, max_size=5))
@SETTINGS
def test_jsonl_records_of_any_shape_never_raise(tmp_path: Path, records: list[object]) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r, allow_nan=True) for r in records) + "\n", encoding="utf-8")
    items = _read(path, OPTIONS)
    assert len(items) == len(records)


@given(st.text(max_size=2_000), st.lists(st.tuples(st.integers(0, 2_000), st.integers(0, 300)), max_size=3))
@settings(max_examples=300, deadline=None)
def test_cleaner_segments_map_clean_text_back_to_raw_text_exactly(raw: str, cuts: list[tuple[int, int]]) -> None:
    marked = [(min(s, len(raw)), min(s + n, len(raw)), "header") for s, n in cuts]
    result = clean.clean(raw, marked)
    pos = 0
    for seg in result.segments:
        assert seg.start == pos and seg.length > 0
        assert result.text[seg.start:seg.start + seg.length] == raw[seg.raw_start:seg.raw_start + seg.length]
        pos += seg.length
    assert pos == len(result.text)
    assert all(0 <= s <= e <= len(raw) for s, e, _ in result.removed)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda s: f"Share on Facebook\n{s}\n"))
@settings(max_examples=100, deadline=None)
def test_cleaner_segments_are_ordered_in_the_raw_text(raw: str) -> None:
    result = clean.clean(raw)
    starts = [s.raw_start for s in result.segments]
    assert starts == sorted(starts)


DATEISH = st.builds(
    lambda y, mo, d, h, mi, sign, oh, om, sep: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:00{sign}{oh:02d}:{om:02d}",
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25), st.integers(0, 61),
    st.sampled_from("+-"), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["T", " "]),
) | st.builds(
    lambda d, mo, y, zone: f"{d} {mo} {y} 14:30 {zone}",
    st.integers(0, 40), st.sampled_from(["March", "березня", "марта", "Foo"]), st.integers(0, 99999),
    st.sampled_from(["UTC+99", "GMT-25", "+25:00", "−99:99", "EEST", "Kyiv time", "(Moscow time)", "Z", ""]),
)


@given(st.one_of(st.text(max_size=80), DATEISH))
@settings(max_examples=400, deadline=None)
def test_time_parser_answers_utc_or_none(value: str) -> None:
    found = parse_published(value)
    assert found is None or (found.tzinfo is not None and found.utcoffset() == timedelta(0))


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**30, 10**30).map(float))
@settings(max_examples=200, deadline=None)
def test_timestamps_give_utc_or_none(value: float) -> None:
    found = from_timestamp(value)
    assert found is None or found.tzinfo is UTC
    if found is not None:
        assume(math.isfinite(value))
        assert abs(found.timestamp() - value) < 1
