"""Claims the page layout signals, with no parse needed (so they work in every language): "… — Ministry of
Defence" trailers, "Name: …" speaker lines, and the outlet's own sentences that no attributed claim touches.

Reads the text (and, for the outlet's sentences, the ``Doc``'s sentence boundaries) and the claims found so far;
writes :class:`~claimwatch.model.Claim` records.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from ...model import Claim, ClaimKind, Source, Span, Status
from ...text.intervals import Cover
from ...text.sentences import doc_text, sentence_index
from .coref import GROUP_NOUNS, PERSON_NOUNS
from .quotes import Quotes
from .spans import claim_kind, paragraph_pieces, trim

if TYPE_CHECKING:
    from spacy.tokens import Doc

_TRAILER = re.compile(r"(?m)^(?P<content>[^\n]*?\S)[ \t]+(?P<cue>[—–]|--)[ \t]*"
                      r"(?P<source>[A-ZА-ЯІЇЄҐ][^\n.!?—–]{1,60}?)[ \t]*$")


def dash_trailers(text: str, claims: list[Claim], quotes: Quotes) -> list[Claim]:
    """'... pushed back by artillery fire. — Ministry of Defence': the paragraph is the named source's claim."""
    for m in _TRAILER.finditer(text):
        if len(m.group("source").split()) > 8:
            continue
        whole = (m.start("content"), m.end("source"))
        claims = [c for c in claims if not (c.cue and whole[0] <= c.cue.start < whole[1])]
        start, end = trim(text, m.start("content"), m.end("content"))
        if not _has_words(text[start:end]):
            continue
        parts = (Span.of(text, start, end),)
        claims.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                            source=Source(span=Span.of(text, m.start("source"), m.end("source"))),
                            cue=Span.of(text, m.start("cue"), m.end("cue"))))
    return claims


def _has_words(content: str) -> bool:
    return len(content) >= 3 and sum(ch.isalpha() for ch in content) >= 3


#: Labels that open a line like a speaker's name but name nobody ("BREAKING: ...", "Контекст: ...").
_LABELS = frozenset("""
photo photos video source sources tags tag update updated note see also related watch read more breaking
exclusive background context correction analysis opinion live explainer summary timeline map warning
latest contributing contributors credit credits notice
revealed bombshell look leaked
фото видео відео источник джерело контекст довідка справка важно срочно терміново оновлено обновлено
""".split())


def _is_label(source: str) -> bool:
    words = source.lower().replace("’", "'").split()
    if not words:
        return True
    if words[-1] in _LABELS or source.lower() in ("editor's note", "read also", "see also", "read more"):
        return True
    return len(words) == 1 and source.isupper() and len(source) > 2  # "BREAKING", "UPDATE", "LIVE"


_SPEAKER = re.compile(r"(?m)^(?P<source>[A-ZА-ЯІЇЄҐ][\w.'’&-]*(?:[ \t]+[\w.'’&-]+){0,5}?)(?P<cue>:)"
                      r"[ \t]+(?P<content>\S[^\n]*)$")
#: the same after a run-in heading and a dash, as roundups and digests set their items out: "Pollsters were not
#: wrong, just early - Carl Bialik: “...”", "Strikes on the south -More from Maria Lopez: “...”"
_RUN_IN = re.compile(r"(?m)^[^\n:]{3,200}?[ \t][-—–][ \t]*(?:(?:More[ \t]+)?[Ff]rom[ \t]+)?"
                     r"(?P<source>[A-ZА-ЯІЇЄҐ][\w.'’&-]*(?:[ \t]+[\w.'’&-]+){0,5}?)(?P<cue>:)"
                     r"[ \t]+(?P<content>\S[^\n]*)$")


def colon_speakers(text: str, claims: list[Claim], quotes: Quotes) -> list[Claim]:
    """'Reid: "Never underestimate Trump."', interview transcripts and headlines naming a speaker.

    In a transcript (two or more lines opened by a name in capitals: "TAPPER: ...", "ZELENSKY: ...") a single
    capitalised word is a speaker, not a label like "BREAKING", and the speaker's line is their claim even where
    a cue inside it has a claim of its own (what they said holds that claim); so is a headline's ("Rubio: I Still
    Believe Trump Can't Be Trusted", the text's first line)."""
    found = list(_SPEAKER.finditer(text))
    at = {m.start("cue") for m in found}
    found += [m for m in _RUN_IN.finditer(text) if m.start("cue") not in at]
    found = [m for m in found if m.group("source").split()[-1][0].isupper()]
    turns = [m for m in found if _caps_name(m.group("source"))]
    transcript = len(turns) >= 2
    for m in found:
        turn = transcript and _caps_name(m.group("source"))
        if (_is_label(m.group("source")) and not turn) or m.group("source").lower().split()[-1] in _LABELS:
            continue
        start, end = trim(text, m.start("content"), _off_credit(text, m.start("content"), m.end("content")))
        if end - start < 8 or not _has_words(text[start:end]) or _names_only(text[start:end]):
            continue
        headline = not text[:m.start()].strip() and len(text[start:end].split()) <= _HEADLINE_WORDS
        if not (turn or headline) and any(c.cue and m.start("source") <= c.cue.start < m.end() for c in claims):
            continue
        parts = (Span.of(text, start, end),)
        claims.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                            source=Source(span=Span.of(text, _after_dash(text, m.start("source"),
                                                                         m.end("source")), m.end("source"))),
                            cue=Span.of(text, m.start("cue"), m.end("cue"))))
    return claims


#: a bracketed credit closing a roundup's item: '“...” [Gallup.]', '“...” [Full story]'
_CREDIT = re.compile(r"[ \t]*\[[^\[\]\n]{1,40}\][ \t.]*$")


def _off_credit(text: str, start: int, end: int) -> int:
    """Where a speaker's line ends without the bracketed credit after its last sentence or quotation."""
    m = _CREDIT.search(text, start, end)
    return m.start() if m is not None and text[start:m.start()].rstrip()[-1:] in ".!?…”\"»'’" else end


_ITEM = re.compile(r"\s*(?:,|;|\band\b)\s*")


def _names_only(content: str) -> bool:
    """What follows the colon is a handle, a link, or a list of names ("Iowa: Tim Albrecht, Brad Anderson, Rob
    Barron, ...", "Contributing: Nicole Gaudiano and Ledyard King"): a roster, not something said."""
    if content.startswith(("@", "http://", "https://", "www.")):
        return True
    items = [i for i in _ITEM.split(content.rstrip(" .")) if i]
    return len(items) >= 3 and all(1 <= len(i.split()) <= 4 and all(w[:1].isupper() for w in i.split())
                                   for i in items)


_DASH = re.compile(r"\s[-—–]\s*")
_MORE_FROM = re.compile(r"(?:More\s+)?[Ff]rom\s+(?=[A-ZА-ЯІЇЄҐ])")


def _after_dash(text: str, start: int, end: int) -> int:
    """Where a speaker's name begins after a run-in heading ("Pollsters agree - Carl Bialik: ...", "Crossings go
    on -More from Lopez: ...")."""
    found = list(_DASH.finditer(text, start, end))
    if not found:
        return start
    more = _MORE_FROM.match(text, found[-1].end(), end)
    return more.end() if more is not None else found[-1].end()


#: a first line "Name: ..." this short is a headline: the named speaker's claim, whatever cues it holds
_HEADLINE_WORDS = 25


def _caps_name(source: str) -> bool:
    """A name written in capitals, as transcripts name their speakers ("JAKE TAPPER", "ZELENSKY")."""
    words = source.split()
    return 1 <= len(words) <= 3 and source.isupper() and sum(ch.isalpha() for ch in source) >= 3


_COLON_TRAILER = re.compile(r"(?m)^(?P<content>[^\n]*?\S)[ \t]*(?P<cue>:)[ \t]+(?P<source>[^\n:]+?)[ \t]*$")
#: words that end a source named after a headline's colon ("...: Polish PM", "...: regional governor") besides the
#: person and group nouns pronoun resolution knows
_TRAILER_NOUNS = PERSON_NOUNS | GROUP_NOUNS | frozenset("""
pm fm mp mod spokesmen report reports media survey poll study data watchdog monitor monitors observers
intelligence statement kremlin pentagon un nato osce iaea unhcr unicef who icrc eu
""".split())
#: a source named after a colon in a headline: a few words, no digits, no list or sentence punctuation
_TRAILER_SOURCE = re.compile(r"[A-Za-zА-Яа-яІіЇїЄєҐґ][\w'’.&-]*(?:[ \t]+[\w'’.&-]+){0,3}")
_TRAILER_LOWER = frozenset("of the for and in on de".split())


def colon_trailers(doc: Doc, claims: list[Claim], quotes: Quotes) -> list[Claim]:
    """Wire headlines that name their source after a colon: "Ukraine repels attacks near Bakhmut: General Staff",
    "Ukraine leader willing to hold early elections: Polish PM". The line before the colon is the named source's
    claim, and the colon is not a speaker's ("Name: ...") nor part of another claim's content.

    The words after the colon must look like a speaker: up to four words, no digits or commas, ending on a person
    or group noun ("ministry", "officials", "regional governor", "Ukraine's military"), or, on one of the text's
    first three lines with words (its headline), a capitalised name ("Kremlin", "Donald Tusk"); and the words
    before it must hold a verb (so "War in Ukraine: Day 45" and "Live updates: Russian Volunteer Corps" stay as
    they are)."""
    text = doc_text(doc)
    head_end = _headline_end(text)
    for m in _COLON_TRAILER.finditer(text):
        source = m.group("source")
        if not _TRAILER_SOURCE.fullmatch(source) or _is_label(source):
            continue
        words = source.split()
        last = words[-1].lower().removesuffix("'s").removesuffix("’s")
        named = all(w[:1].isupper() or w in _TRAILER_LOWER for w in words) and words[0][:1].isupper()
        if not (last in _TRAILER_NOUNS or (named and m.start() < head_end)):
            continue
        c_start = m.start("content")
        before = text.rfind(": ", c_start, m.start("cue"))
        if before >= 0:  # "Ukraine war: Russia takes Avdiivka: ministry": the claim is after the rubric
            c_start = before + 2
        start, end = trim(text, c_start, m.end("content"))
        if len(text[start:end].split()) < 3 or text[end - 1] in ".!?" or not has_verb(doc, start, end):
            continue
        colon, line_end = m.start("cue"), m.end("source")
        kept = []
        for c in claims:
            if c.cue and colon <= c.cue.start < line_end:
                continue  # the speaker reading of the colon, or a cue inside the source's words
            if c.source and colon <= c.source.span.start < line_end:
                continue
            if any(p.start < colon < p.end or (p.start < line_end and p.end > colon) for p in c.parts):
                cut = _cut_before(text, c, colon, quotes)
                if cut is not None:
                    kept.append(cut)
                continue
            kept.append(c)
        parts = (Span.of(text, start, end),)
        kept.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                          source=Source(span=Span.of(text, m.start("source"), m.end("source"))),
                          cue=Span.of(text, colon, colon + 1)))
        claims = kept
    return claims


def _headline_end(text: str) -> int:
    """Where the text's third line with words ends (all of it when it has fewer)."""
    end, seen = 0, 0
    for line in re.finditer(r"[^\n]*\S[^\n]*", text):
        seen += 1
        end = line.end()
        if seen == 3:
            break
    return end if seen == 3 else len(text)


def has_verb(doc: Doc, start: int, end: int) -> bool:
    """Whether the words between two character offsets hold a verb."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.pos_ in ("VERB", "AUX") or t.tag_ in ("VBD", "VBZ", "VBP", "VBN", "VBG")
                                    for t in span)


def _cut_before(text: str, claim: Claim, colon: int, quotes: Quotes) -> Claim | None:
    """``claim`` with its content ending before ``colon`` (None when nothing with words is left)."""
    parts = []
    for p in claim.parts:
        s, e = trim(text, p.start, min(p.end, colon))
        if e > s and _has_words(text[s:e]):
            parts.append(Span.of(text, s, e))
    if not parts:
        return None
    claim.content = Span.of(text, parts[0].start, parts[-1].end)
    claim.content_parts = tuple(parts) if len(parts) > 1 else ()
    claim.kind = claim_kind(tuple(parts), quotes)
    return claim


def colon_quotes(doc: Doc, claims: list[Claim], quotes: Quotes) -> list[Claim]:
    """'… - pollster Carl Bialik: “One of the lessons …”': a quotation right after a colon is the claim of the
    person or organisation named just before the colon, unless a claim already holds it or a cue on its line
    introduces it ('he said: "…"')."""
    text = doc_text(doc)
    held = Cover([(p.start, p.end) for c in claims for p in c.parts])
    cues = sorted(c.cue.start for c in claims if c.cue is not None)
    names = {e.end: e for e in doc.ents if e.label_ in ("PERSON", "ORG")}  #: by the token after the name
    for q in quotes.ranges:
        colon = q[0] - 1
        while colon >= 0 and text[colon] in " \t":
            colon -= 1
        if colon < 0 or text[colon] != ":" or held.overlaps(*q):
            continue
        tok = doc.char_span(colon, colon + 1, alignment_mode="expand")
        if tok is None or tok.start == 0:
            continue
        last = doc[tok.start - 1]
        line_start = text.rfind("\n", 0, colon) + 1
        k = bisect.bisect_left(cues, line_start)
        if k < len(cues) and cues[k] < colon:
            continue  # a cue on the quote's line introduces it
        name = names.get(last.i + 1)
        if name is None or name.start_char < line_start or _is_label(name.text):
            continue
        parts = (Span.of(text, *q),)
        claims.append(Claim(content=parts[0], kind=claim_kind(parts, quotes), status=Status.CLAIMED,
                            source=Source(span=Span.of(text, name.start_char, name.end_char)),
                            cue=Span.of(text, colon, colon + 1)))
    return claims


def outlet_claims(doc: Doc, claims: list[Claim]) -> list[Claim]:
    """Sentences (cut at blank lines) no attributed claim touches are the outlet's own assertions."""
    spans = [(p.start, p.end) for c in claims for p in c.parts]
    spans += [(c.cue.start, c.cue.end) for c in claims if c.cue]
    spans += [(c.source.span.start, c.source.span.end) for c in claims if c.source]
    covered = Cover(spans)
    out = []
    text = doc_text(doc)
    for sent in sentence_index(doc).sents:
        for start, end in paragraph_pieces(text, sent.start_char, sent.end_char):
            s, e = trim(text, start, end)
            if e - s < 3 or not any(ch.isalpha() for ch in text[s:e]) or _CREDIT.fullmatch(text, s, e):
                continue  # nothing asserted: no words, or a bracketed credit ("[Gallup.]")
            if covered.overlaps(s, e):
                continue
            out.append(Claim(content=Span.of(text, s, e), kind=ClaimKind.OUTLET, status=Status.ASSERTED))
    return out
