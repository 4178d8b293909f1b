"""Cleaning: furniture goes, reporting stays, and every character of the clean text maps back to the raw text."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.clean import Cleaned, clean, furniture_reason
from claimwatch.model import Article
from claimwatch.readers.files import read_paths
from claimwatch.settings import Options


def assert_traceable(raw: str, cleaned: Cleaned) -> None:
    """The invariant: segments tile the clean text and each is an unchanged copy of raw text."""
    pos = 0
    for s in cleaned.segments:
        assert s.start == pos
        assert cleaned.text[s.start:s.start + s.length] == raw[s.raw_start:s.raw_start + s.length]
        pos += s.length
    assert pos == len(cleaned.text)
    raw_starts = [s.raw_start for s in cleaned.segments]
    assert raw_starts == sorted(raw_starts)


def example_articles(examples_dir: Path, options: Options) -> list[Article]:
    return [a for a in read_paths([examples_dir], options) if isinstance(a, Article)]


def test_offset_invariant_on_every_example(examples_dir: Path, options: Options) -> None:
    articles = example_articles(examples_dir, options)
    assert len(articles) >= 10
    for art in articles:
        assert art.raw_text is not None
        assert_traceable(art.raw_text, Cleaned(art.text, art.segments, art.removed))
        for start, end, _why in art.removed:
            assert 0 <= start < end <= len(art.raw_text)


def test_examples_lose_their_furniture_and_keep_their_reporting(examples_dir: Path, options: Options) -> None:
    by_name = {Path(a.origin or "").name: a for a in example_articles(examples_dir, options)}
    partisan = by_name["01_partisan_video.txt"]
    for furniture in ("Share on Facebook", "Follow us on Telegram", "Photo: screenshot", "Read also",
                      "Who are the armed groups", "Tags:", "Advertisement", "Title:"):
        assert furniture not in partisan.text
    for reporting in ("a masked man in camouflage", "he declared that", ("There has been no independent "
                      "confirmation"), "\"Every train that carries shells"):
        assert reporting in partisan.text
    reasons = {why for _s, _e, why in partisan.removed}
    assert {"header", "share", "credit", "related", "tags", "advertisement"} <= reasons
    assert "Copyright" not in by_name["02_ministry_repelled.txt"].text
    assert "— Ministry of Defence" in by_name["02_ministry_repelled.txt"].text


FURNITURE = [
    ("Share on Facebook", "share"),
    ("Share this article", "share"),
    ("Follow us on Telegram", "share"),
    ("Subscribe to our channel", "share"),
    ("Join us on Viber for breaking news", "share"),
    ("Read also: Ukraine says it repelled 14 attacks", "related"),
    ("Read more: Attacks on the grid since winter", "related"),
    ("See also — How the front line moved", "related"),
    ("Photo: Reuters", "credit"),
    ("Photo credit: 47th Brigade press service", "credit"),
    ("(Photo by AFP via Getty Images)", "credit"),
    ("Illustrative photo / Getty Images", "credit"),
    ("Video: screenshot from the group's Telegram channel", "credit"),
    ("Reporting by Olena Petrenko; Editing by Mark Smith", "credit"),
    ("Tags: war, Kursk, drones", "tags"),
    ("Sign up for our daily newsletter", "newsletter"),
    ("Get the morning briefing delivered to your inbox", "newsletter"),
    ("We use cookies to improve your experience on this website.", "cookies"),
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("Copyright 2024 Example Wire", "copyright"),
    ("© 2024 Steppe Monitor. All rights reserved.", "copyright"),
    ("By Olena Hrytsenko", "byline"),
    ("By Ivan Petrov and Maria Koval", "byline"),
]


@pytest.mark.parametrize(("line", "reason"), FURNITURE)
def test_furniture_lines_are_recognised(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


REPORTING = [
    "Video posted on Telegram shows a column of tanks entering the village.",
    "Photos taken by residents showed the damaged school.",
    "The group urged its followers to subscribe to its Telegram channel and share the video.",
    "By Sunday evening, the troops had withdrawn from the town.",
    "By nightfall the shelling stopped.",
    "Share prices of defence companies rose after the announcement.",
    "Read the statement, the minister told reporters, and you will see we were right.",
    "Tags on the drones showed they had been made in 2023, the officer said.",
    "The ministry said its forces had taken control of 35 sq. km, a claim denied by Kyiv.",
    "“We took the village,” the commander said.",
    "— Ministry of Defence",
    "According to the governor, the advertisement hoarding was hit by debris.",
]


@pytest.mark.parametrize("line", REPORTING)
def test_reporting_is_never_furniture(line: str) -> None:
    assert furniture_reason(line) is None
    raw = f"First paragraph of the report.\n\n{line}\n\nLast paragraph."
    assert line in clean(raw).text


def test_long_lines_are_kept_even_when_they_start_like_furniture() -> None:
    line = "Photo: " + "the ministry said that its forces had repelled the attack and destroyed equipment " * 3
    assert furniture_reason(line) is None


def test_removed_ranges_point_at_the_furniture_in_raw_text() -> None:
    raw = "Kyiv says it repelled 12 attacks.\nShare on Facebook\nPhoto: Getty Images\nThe enemy retreated.\n"
    cleaned = clean(raw)
    assert cleaned.text == "Kyiv says it repelled 12 attacks.\nThe enemy retreated."
    assert [(raw[s:e].strip(), why) for s, e, why in cleaned.removed] == [
        ("Share on Facebook", "share"), ("Photo: Getty Images", "credit")]
    assert_traceable(raw, cleaned)


def test_bare_read_also_takes_its_link_line_but_not_a_sentence() -> None:
    raw = "Para one.\n\nRead also:\nWhat we know about the offensive\n\nPara two.\n\nRead also:\nThe army said so.\n"
    text = clean(raw).text
    assert "What we know" not in text
    assert "The army said so." in text


def test_crlf_blank_runs_and_edges_are_normalised_through_segments() -> None:
    raw = "\r\n\r\n  \r\nFirst line.\r\nSecond line.\r\n\r\n\r\n\r\nThird paragraph.\r\n\r\n"
    cleaned = clean(raw)
    assert cleaned.text == "First line.\nSecond line.\n\nThird paragraph."
    assert_traceable(raw, cleaned)


def test_cuts_remove_whole_lines_and_are_reported() -> None:
    raw = "Title: Test\nOutlet: Wire\n\nBody text stays.\n"
    cleaned = clean(raw, [(0, 26, "header")])
    assert cleaned.text == "Body text stays."
    assert cleaned.removed == ((0, 26, "header"),)
    assert cleaned.segments[0].raw_start == raw.index("Body")


def test_text_without_furniture_is_unchanged() -> None:
    raw = "The General Staff said 14 tanks were destroyed.\nIt gave no details."
    cleaned = clean(raw)
    assert cleaned.text == raw
    assert cleaned.segments[0].raw_start == 0 and cleaned.removed == ()


def test_only_furniture_gives_empty_text() -> None:
    cleaned = clean("Share on Facebook\nAdvertisement\n")
    assert cleaned.text == "" and cleaned.segments == ()
