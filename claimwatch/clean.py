"""Cleaning: page furniture out, offsets kept.

Reads the decoded text of one input (``Article.raw_text``) and optional regions already marked for removal
(e.g. a header block found by ingest). Writes a :class:`Cleaned`: the clean ``text`` that every span of the
analysis points into, ``segments`` mapping each piece of it back onto ``raw_text``, and ``removed``
``(start, end, reason)`` triples in ``raw_text``.

The rules are line-based and conservative: a line goes only when the whole line is furniture (share and follow
prompts, "Read also:" links, photo/video credits, tag lines, newsletter and cookie blurbs, "Advertisement",
copyright and byline-only lines). Kept lines are copied unchanged; the only other edits are dropping the ``\\r``
of ``\\r\\n``, blank lines at the start and end, and runs of blank lines collapsed to one. So for every segment
``text[s.start:s.start+s.length] == raw_text[s.raw_start:s.raw_start+s.length]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .model import Segment

#: Lines longer than this are never treated as furniture (a paragraph of reporting is longer).
MAX_FURNITURE_CHARS = 220

_NETWORKS = (r"facebook|twitter|x|telegram|whatsapp|viber|linkedin|reddit|vk|vkontakte|instagram|youtube|"
             r"tiktok|e-?mail|messenger|threads|bluesky|mastodon|google news|our (?:telegram )?channel")

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("share", (rf"^(?:share|tweet|email|e-mail|print|copy link|comments?|leave a comment|\d+ comments?)"
                  rf"(?: this(?: article| story| post| page)?)?(?:\s*(?:on|via|to)\s*(?:{_NETWORKS}))?\W*$")),
        ("share", (rf"^(?:share on|share via|share to|post to|send via)\s+(?:{_NETWORKS})"
                  rf"(?:\W+(?:{_NETWORKS}))*\W*$")),
        ("share", (rf"^(?:(?:please )?follow us|join us|join our|subscribe to|subscribe on|find us)\b"
                  rf"(?:.{{0,80}}\b(?:{_NETWORKS}|channel|page|account|feed|updates|news)\b).{{0,40}}$")),
        ("share", r"^(?:subscribe|follow)(?: now)?\W*$"),
        ("share", (rf"^(?:(?:stay|keep) (?:updated|up to date|informed|tuned|connected|in touch)|for (?:the latest|more|"
                  rf"breaking)\b).{{0,120}}\b(?:follow(?:ing)? us|subscrib\w*|join(?:ing)? (?:us|our))\b"
                  rf".{{0,80}}\b(?:{_NETWORKS}|channel|page|account|feed)\b.{{0,40}}$")),
        ("related", (r"^(?:read also|also read|read more|see also|more on (?:this|the topic)|related(?: articles?| "
                    r"news| stories)?|recommended|you (?:may|might) also like|more news)\s*(?::|\||-|–|—|>>|»).*$")),
        ("related", (r"^(?:read also|also read|read more|see also|related(?: articles?| news| stories)?|"
                    r"more news|recommended)\W*$")),
        ("credit", (r"^(?:\(?\s*(?:illustrative |archive |file |cover |main |featured )?"
                   r"(?:photo|photos|photograph|video|image|picture|footage|illustration)s?"
                   r"(?: credit| courtesy| source)?\s*(?::|/|\||—|–|©|by\b|courtesy\b).{0,120})$")),
        ("credit", r"^.{0,80}\b(?:getty images|afp via getty|reuters/|ap photo|epa-efe|shutterstock)\b.{0,80}$"),
        # "Ivan Petrenko / Example Wire", "Olena Koval /": a name and a slash, the credit of a photo above
        ("credit", r"^(?:[A-ZА-ЯІЇЄҐ][\w'’.-]+\s+){1,3}[A-ZА-ЯІЇЄҐ][\w'’.-]+\s*/\s*(?:[A-ZА-ЯІЇЄҐ][\w&'’. -]{0,40})?$"),
        ("credit", (r"^(?:\(?\s*)?(?:reporting|writing|editing|additional reporting|translated|translation)"
                   r" by\b.{0,150}$")),
        ("tags", r"^(?:tags?|topics?|keywords|filed under|categories)\s*:.*$"),
        ("newsletter", (r"^(?:sign up|subscribe|get|receive|want|don't miss|stay informed|never miss)\b"
                       r".*\b(?:newsletters?|inbox|digest|email updates)\b.*$")),
        ("newsletter", r"^(?=.*\bnewsletters?\b)(?=.*\b(?:sign up|subscribe)\b).*$"),
        ("cookies", (r"^(?=.*\bcookies?\b)(?=.*\b(?:we use|this (?:web)?site|accept|cookie policy|consent|"
                    r"settings|browsing experience)\b).*$")),
        ("advertisement", r"^(?:advertisement|advertising|sponsored(?: content)?|ad|promoted|partner content)\W*$"),
        ("copyright", r"^(?:copyright\b|©|\(c\)\s|all rights reserved).*$"),
        ("copyright", r"^.{0,120}\ball rights reserved\W*$"),
    )
) + (("byline", re.compile(r"^(?:By|BY)\s+(?:[A-ZА-ЯІЇЄҐ][\w'’.-]*\s*){1,4}"
                           r"(?:(?:,|and)\s*(?:[A-ZА-ЯІЇЄҐ][\w'’.-]*\s*){1,4})*$")),)
#: A "Read also:" line with nothing after it: the next short line without sentence punctuation is its link.
_BARE_RELATED = re.compile(r"^(?:read also|also read|read more|see also|related)\s*[:|>»-]?\s*$", re.IGNORECASE)
_HEADLINE_END = re.compile(r"[.!?\"”»]\s*$")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of :func:`clean`."""

    text: str
    segments: tuple[Segment, ...]
    removed: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  #: offset in raw of the first character
    end: int  #: offset just past the content (before the line break)
    brk: int  #: offset of the ``\n`` (== end when the line has no break, end+1 for ``\r\n``)
    stop: int  #: offset just past the line break


def furniture_reason(line: str) -> str | None:
    """Why ``line`` is page furniture, or None when it is (or may be) reporting."""
    s = line.strip()
    if not s or len(s) > MAX_FURNITURE_CHARS:
        return None
    for reason, pattern in _RULES:
        if pattern.match(s):
            return reason
    return None


def _lines(raw: str) -> Iterator[_Line]:
    pos, n = 0, len(raw)
    while pos < n:
        nl = raw.find("\n", pos)
        if nl < 0:
            yield _Line(pos, n, n, n)
            return
        end = nl - 1 if nl > pos and raw[nl - 1] == "\r" else nl
        yield _Line(pos, end, nl, nl + 1)
        pos = nl + 1


def _inside(line: _Line, cuts: list[tuple[int, int, str]]) -> str | None:
    for start, end, reason in cuts:
        if start <= line.start < end and line.end <= end:
            return reason
    return None


def _classify(raw: str, lines: list[_Line], cuts: list[tuple[int, int, str]]) -> list[str | None]:
    """The removal reason of each line (None: keep)."""
    reasons: list[str | None] = []
    pending_link = False
    for line in lines:
        body = raw[line.start:line.end]
        reason = _inside(line, cuts) or furniture_reason(body)
        if reason is None and pending_link and body.strip():
            short = len(body.strip()) <= 150 and not _HEADLINE_END.search(body)
            reason = "related" if short else None
        if body.strip():
            pending_link = reason == "related" and bool(_BARE_RELATED.match(body.strip()))
        reasons.append(reason)
    _tag_line(raw, lines, reasons)
    return reasons


_TAG_ITEM = re.compile(r"^[\w'’ -]{2,40}$")


def _tag_line(raw: str, lines: list[_Line], reasons: list[str | None]) -> None:
    """The article's last kept line when it is a list of topics and places ("War in Ukraine, Rivnopil, Kharkiv
    region"): three or more short comma-separated items with no sentence punctuation and no verb-like length."""
    for k in range(len(lines) - 1, -1, -1):
        body = raw[lines[k].start:lines[k].end].strip()
        if not body or reasons[k] is not None:
            continue
        items = [i.strip() for i in body.split(",")]
        if (len(items) >= 3 and len(body) <= 150 and all(_TAG_ITEM.match(i) and len(i.split()) <= 4 for i in items)
                and sum(i[:1].isupper() for i in items) >= len(items) - 1):
            reasons[k] = "tags"
        return


def _pieces(raw: str, lines: list[_Line], reasons: list[str | None]) -> Iterator[tuple[int, int]]:
    """Raw ranges to keep, in order: kept lines without ``\\r``, one line break per run of blank lines."""
    kept = [line for line, reason in zip(lines, reasons, strict=True) if reason is None]
    first = next((i for i, ln in enumerate(kept) if ln.end > ln.start and raw[ln.start:ln.end].strip()), None)
    if first is None:
        return
    last = max(i for i, ln in enumerate(kept) if raw[ln.start:ln.end].strip())
    previous_blank = False
    for i in range(first, last + 1):
        line = kept[i]
        blank = not raw[line.start:line.end].strip()
        if blank:
            if not previous_blank and line.brk < line.stop:
                yield line.brk, line.stop
            previous_blank = True
            continue
        previous_blank = False
        yield line.start, line.end
        if i < last and line.brk < line.stop:
            yield line.brk, line.stop


def _segments(pieces: Iterable[tuple[int, int]]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for start, end in pieces:
        if end <= start:
            continue
        if out and out[-1].raw_start + out[-1].length == start:
            prev = out[-1]
            out[-1] = Segment(prev.start, prev.raw_start, prev.length + end - start)
        else:
            out.append(Segment(pos, start, end - start))
        pos += end - start
    return out


def _removed(raw: str, segments: list[Segment], lines: list[_Line], reasons: list[str | None],
             cuts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Furniture lines and pre-marked regions, merged per reason (whitespace-only gaps are not listed)."""
    marks = list(cuts)
    for line, reason in zip(lines, reasons, strict=True):
        if reason is not None and not _inside(line, cuts):
            marks.append((line.start, line.stop, reason))
    marks.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in marks:
        if merged and merged[-1][2] == reason and not raw[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), reason)
        else:
            merged.append((start, end, reason))
    return merged


def clean(raw_text: str, cuts: Iterable[tuple[int, int, str]] = ()) -> Cleaned:
    """Remove furniture lines (and the ``cuts`` regions of ``raw_text``) from ``raw_text``."""
    marked = sorted(cuts)
    lines = list(_lines(raw_text))
    reasons = _classify(raw_text, lines, marked)
    segments = _segments(_pieces(raw_text, lines, reasons))
    text = "".join(raw_text[s.raw_start:s.raw_start + s.length] for s in segments)
    return Cleaned(text, tuple(segments), tuple(_removed(raw_text, segments, lines, reasons, marked)))
