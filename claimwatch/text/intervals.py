"""Intervals over an article's text: items sorted by start once per document ("what starts in this range")
and a cover test ("is [start, end) inside any of these").

Reads nothing and writes nothing: a pure helper for the events, quantities and geoparsing stages, where every
event or claim part asks about its own range (bisection keeps long articles at n log n instead of n²).
"""

from __future__ import annotations

import bisect
import itertools
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class StartIndex(Generic[T]):
    """``items`` in order of ``start(item)`` (ties keep their order)."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Iterable[T], start: Callable[[T], int]) -> None:
        keyed = sorted(((start(x), x) for x in items), key=lambda p: p[0])
        self.items: tuple[T, ...] = tuple(x for _, x in keyed)
        self.starts: tuple[int, ...] = tuple(s for s, _ in keyed)

    def __len__(self) -> int:
        return len(self.items)

    def starting_in(self, lo: int, hi: int) -> tuple[T, ...]:
        """The items whose start is in ``[lo, hi)``, in order."""
        return self.items[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]


class Cover:
    """Does any of many intervals contain [start, end)? O(log n) per question (prefix maxima of the ends).

    A claim's own content never contains its own cue (contents overlapping their cue are dropped), so asking
    with the whole set is the same as asking with every other claim's contents."""

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        intervals = sorted(intervals)
        self.starts = [s for s, _ in intervals]
        self.max_end = list(itertools.accumulate((e for _, e in intervals), max))

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.max_end[i - 1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.max_end[i - 1] > start
