"""Items with a character span, sorted by start once per document, for "what starts in this range" questions.

Reads nothing and writes nothing: a pure helper for the events, quantities and geoparsing stages, where every
event or claim part asks about its own range (bisection keeps long articles at n log n instead of n²).
"""

from __future__ import annotations

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
