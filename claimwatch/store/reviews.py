"""Analysts' corrections of claims, kept apart from machine output and reapplied after re-extraction.

A review names a claim by its key (the content span, ``"start:end"``, stable while the text is the same), a
field as a dotted path into the serialized claim (``"status"``, ``"kind"``, ``"source.actor"``,
``"events.0.type"``) and the corrected JSON value. Reapplying finds the claim with the same key, else the
claim whose content overlaps the old span most (at least half of both), and sets the field there.
"""

from __future__ import annotations

import copy
from typing import Any

from ..model import Claim
from ..serialize import from_dict, to_dict


def claim_key(claim: Claim) -> str:
    """The identity a review uses for ``claim``."""
    return f"{claim.content.start}:{claim.content.end}"


def _span_of(key: str) -> tuple[int, int] | None:
    try:
        start, end = (int(x) for x in key.split(":"))
    except ValueError:
        return None
    return start, end


def match(key: str, claims: list[Claim]) -> int | None:
    """Index of the claim a review with ``key`` applies to, or None when none corresponds any more."""
    for i, claim in enumerate(claims):
        if claim_key(claim) == key:
            return i
    span = _span_of(key)
    if span is None:
        return None
    best, best_share = None, 0.5
    for i, claim in enumerate(claims):
        overlap = min(span[1], claim.content.end) - max(span[0], claim.content.start)
        if overlap <= 0:
            continue
        share = min(overlap / max(1, span[1] - span[0]), overlap / max(1, claim.content.end - claim.content.start))
        if share >= best_share:
            best, best_share = i, share
    return best


def apply(claim: Claim, field: str, value: Any) -> Claim:
    """``claim`` with ``field`` (dotted path into its serialized form) set to ``value``; validated by rebuilding."""
    data = copy.deepcopy(to_dict(claim))
    target: Any = data
    parts = field.split(".")
    for part in parts[:-1]:
        try:
            target = target[int(part)] if isinstance(target, list) else target[part]
        except (IndexError, KeyError, TypeError, ValueError):
            raise ValueError(f"a claim has no field {field!r}") from None
        if target is None:
            raise ValueError(f"cannot set {field!r}: {part!r} is empty on this claim")
    last = parts[-1]
    if isinstance(target, list):
        if not last.isdigit() or int(last) >= len(target):
            raise ValueError(f"a claim has no field {field!r}")
        target[int(last)] = value
    elif isinstance(target, dict) and last in target:
        target[last] = value
    else:
        raise ValueError(f"a claim has no field {field!r}")
    try:
        return from_dict(Claim, data)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"{value!r} is not a valid value for {field!r}: {exc}") from exc
