"""Analysts' corrections from the workbench (the HTTP API and ``claimwatch review``): one field of a claim.

Reads a field name (a dotted path into the published claim record: ``status``, ``events.0.place``…) and a
value in the published shape of :mod:`claimwatch.records`; checks both (the field against the fields an
analyst may correct, every span in the value against the article text); writes a review through
:meth:`claimwatch.store.Store.add_review`, which stores it with who, when and why, applies it at once and
reapplies it whenever the article is extracted again. Stories are corrected in :mod:`claimwatch.link.edit`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from .model import Span
from .records import actor_of, place_mention_of, source_of
from .serialize import to_dict
from .store.schema import ArticleRow, ClaimRow
from .text.safe import has_controls

if TYPE_CHECKING:
    from .store import Store

#: the claim fields an analyst may correct (``N``: an event's position in ``events``)
REVIEWABLE = ("status", "kind", "polarity", "source", "source.actor", "events.N.type", "events.N.sub_type",
              "events.N.place", "events.N.actor1", "events.N.actor2", "events.N.negated", "events.N.hypothetical")
_FIELD = re.compile(r"status|kind|polarity|source|source\.actor|"
                    r"events\.\d{1,3}\.(?:type|sub_type|place|actor1|actor2|negated|hypothetical)")
MAX_WHY = 2000


def check_field(field: str) -> str:
    if not isinstance(field, str) or not _FIELD.fullmatch(field):
        raise ValueError(f"field must be one of: {', '.join(REVIEWABLE)}")
    return field


def check_note(who: str, why: str | None) -> tuple[str, str]:
    """The analyst's name and reason, both required and printable (``why`` up to 2,000 characters)."""
    if not who or not who.strip() or has_controls(who) or len(who) > 200:
        raise ValueError("a correction needs the analyst's name (printable, at most 200 characters)")
    if why is None or not why.strip():
        raise ValueError("a correction needs a reason (why)")
    if len(why) > MAX_WHY or has_controls(why, lines=True):
        raise ValueError(f"why must be printable text of at most {MAX_WHY} characters")
    return who.strip(), why.strip()


def check_value(value: Any, depth: int = 0) -> Any:
    """``value`` when it is plain JSON of printable text (at most 1,000 characters a string, 5 levels deep)."""
    if depth > 5:
        raise ValueError("the value is nested too deeply")
    if isinstance(value, str) and (len(value) > 1000 or has_controls(value, lines=True)):
        raise ValueError("text in a value must be printable, at most 1,000 characters")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers in a value must be finite")
    if isinstance(value, list):
        for item in value:
            check_value(item, depth + 1)
    if isinstance(value, dict):
        for key, item in value.items():
            check_value(key, depth + 1)
            check_value(item, depth + 1)
    return value


def stored_value(field: str, value: Any, text: str) -> Any:
    """``value`` (published shape) as the review stores it (the serialized record); spans checked in ``text``."""
    check_value(value)
    if value is None:
        return None
    last = field.rsplit(".", 1)[-1]
    if field == "source":
        record: Any = source_of(value)
        spans = [record.span, record.entity]
    elif last == "place":
        record = place_mention_of(value)
        spans = [record.span]
    elif last in ("actor1", "actor2"):
        record = actor_of(value)
        spans = [record.span]
    else:
        return value
    for span in spans:
        _check_span(span, text)
    return to_dict(record)


def _check_span(span: Span | None, text: str) -> None:
    if span is not None and (span.end > len(text) or text[span.start:span.end] != span.text):
        raise ValueError(f"the span {span.start}..{span.end} does not hold {span.text!r} in the article text")


def review_claim_at(store: Store, article_id: int, index: int, field: str, value: Any, who: str,
                    why: str | None) -> int:
    """Correct ``field`` of claim ``index`` of ``article_id``; returns the review id. KeyError: no such claim;
    ValueError: a field that may not be corrected, or a value it cannot take."""
    check_field(field)
    who, why = check_note(who, why)
    with Session(store.engine) as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise KeyError(f"no article {article_id}")
        text = article.text
    return store.add_review(article_id, index, field, stored_value(field, value, text), who, why)


def review_claim(store: Store, claim_id: int, field: str, value: Any, who: str, why: str | None) -> int:
    """:func:`review_claim_at` for the claim with database id ``claim_id`` (as the API lists it)."""
    with Session(store.engine) as session:
        row = session.get(ClaimRow, claim_id)
        if row is None:
            raise KeyError(f"no claim {claim_id}")
        article_id, index = row.article_id, row.idx
    return review_claim_at(store, article_id, index, field, value, who, why)
