"""What the workbench's pages need beyond their templates: inert links, marked article text, page addresses.

Reads records of :mod:`claimwatch.query` (article text with highlight spans, filters, cursors); writes
:class:`markupsafe.Markup` built only from escaped pieces, and plain strings the templates escape themselves.
Hostile text (article bodies, titles, URLs, filter values) never reaches a page unescaped: the marked text is
cut at the highlights' offsets and every piece goes through :func:`markupsafe.escape`; a URL becomes a link only
when it is ``http`` or ``https``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup, escape

#: highlight kinds the article page marks, in the order a legend lists them
MARK_KINDS = ("content", "source", "cue", "evidence", "trigger", "place")


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host and nothing a browser would run, else None."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    cleaned = url.strip()
    if any(c.isspace() or not c.isprintable() for c in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return cleaned


def page_url(path: str, params: Mapping[str, Any] | Iterable[tuple[str, Any]], **changes: Any) -> str:
    """``path`` with the query string of ``params`` (empty values left out), ``changes`` applied on top."""
    pairs = dict(params.items() if isinstance(params, Mapping) else params)
    pairs.update(changes)
    kept = [(k, str(v)) for k, v in pairs.items() if v not in (None, "")]
    return f"{path}?{urlencode(kept)}" if kept else path


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of article text under the same highlights."""

    start: int
    end: int
    kinds: frozenset[str]
    claims: frozenset[int]


def pieces(length: int, marks: Sequence[Mapping[str, Any]]) -> list[Piece]:
    """The text ``[0, length)`` cut at every highlight boundary, each run with the kinds and claims over it.

    Spans outside the text or empty are ignored (offsets come from the store and are not trusted here).
    """
    valid = [m for m in marks if _valid(m, length)]
    cuts = sorted({0, length, *(m["start"] for m in valid), *(m["end"] for m in valid)})
    out: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        over = [m for m in valid if m["start"] <= start and end <= m["end"]]
        out.append(Piece(start, end, frozenset(str(m["kind"]) for m in over),
                         frozenset(m["claim"] for m in over if isinstance(m.get("claim"), int))))
    return out


def _valid(mark: Mapping[str, Any], length: int) -> bool:
    start, end = mark.get("start"), mark.get("end")
    return (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
            and 0 <= start < end <= length and mark.get("kind") in MARK_KINDS)


def marked_text(text: str, marks: Sequence[Mapping[str, Any]]) -> Markup:
    """``text`` as HTML with each highlighted run in a ``<span class="hl hl-KIND…" data-claims="…">``; the
    first run of claim N's content carries ``id="claim-N"`` (the target of ``/articles/{id}#claim-N``)."""
    anchored: set[int] = set()
    html: list[str] = []
    for piece in pieces(len(text), marks):
        chunk = escape(text[piece.start:piece.end])
        if not piece.kinds:
            html.append(str(chunk))
            continue
        classes = " ".join(["hl", *(f"hl-{k}" for k in MARK_KINDS if k in piece.kinds)])
        attributes = f' class="{classes}"'
        if piece.claims:
            attributes += f' data-claims="{" ".join(str(c) for c in sorted(piece.claims))}"'
        starts = sorted(c for c in piece.claims if c not in anchored and _content_starts(marks, c, piece.start))
        if starts:
            anchored.add(starts[0])
            attributes += f' id="claim-{starts[0]}"'
        html.append(f"<span{attributes}>{chunk}</span>")
    return Markup("".join(html))


def _content_starts(marks: Sequence[Mapping[str, Any]], claim: int, at: int) -> bool:
    return any(m.get("kind") == "content" and m.get("claim") == claim and m.get("start") == at for m in marks)


def claim_key(record: Mapping[str, Any]) -> str:
    """The key a stored review names a claim record by (its content span, as :mod:`claimwatch.store.reviews`)."""
    content = record.get("content") or {}
    return f"{content.get('start')}:{content.get('end')}"


def value_text(value: Any) -> str:
    """A corrected value as one short line: a name for places and actors, the text otherwise."""
    if value is None:
        return "(cleared)"
    if isinstance(value, dict):
        for key in ("name", "label", "actor", "text"):
            if isinstance(value.get(key), str):
                return str(value[key])
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
