"""StartIndex: items sorted by span start once, then "what starts in [lo, hi)" by bisection."""

from __future__ import annotations

from claimwatch.text.intervals import StartIndex


def test_starting_in_returns_items_that_start_in_the_range() -> None:
    index = StartIndex(["c@30", "a@10", "b@20", "b2@20", "d@40"], lambda s: int(s.split("@")[1]))
    assert index.items == ("a@10", "b@20", "b2@20", "c@30", "d@40")  # sorted, ties keep their order
    assert index.starting_in(20, 40) == ("b@20", "b2@20", "c@30")  # lo inclusive, hi exclusive
    assert index.starting_in(0, 10) == ()
    assert index.starting_in(41, 100) == ()
    assert len(index) == 5


def test_an_empty_index_answers_empty() -> None:
    assert StartIndex([], lambda x: 0).starting_in(0, 10) == ()
