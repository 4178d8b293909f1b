"""Quantities: numbers with units, kinds and bounds in claim contents.

Reads a stretch of the parsed ``Doc`` (a claim's content part); writes :class:`~claimwatch.model.Quantity` records
(spans are offsets into ``Article.text``). Numbers in digits or words ("1,200", "a thousand", "twenty-five",
"two dozen", "1.5 thousand") and ACLED's vague counts ("dozens" = 12, "tens" = 10, "hundreds" = 100) are read with
their modifiers: "more than"/"at least" give a lower bound, "up to"/"fewer than" an upper bound, "about" a value
with +-10% bounds; "a huge amount of equipment" is present but unquantified (value None). The unit comes from the
noun the number counts ("tanks", "sq. km", "settlements"), the kind from that noun and the nearby verb (killed,
wounded, captured...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from ...model import Quantity, Span
from ...text.intervals import StartIndex
from ...text.sentences import doc_text, sentence_index
from .lexicon import forms, positions, word_hashes

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES = MappingProxyType({**{w: i for i, w in enumerate(_UNITS)}, **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
                                "a": 1, "an": 1, "dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6,
                                "billion": 10**9, "k": 1000, "mln": 10**6, "bn": 10**9})
#: ACLED's conventions for vague counts (and "scores" = 20, "thousands" = 1000), as lower bounds.
VAGUE = MappingProxyType({"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1000, "scores": 20,
                          "millions": 10**6})

_WORD = "|".join(sorted([*WORD_VALUES.keys() - {"a", "an", "k", "mln", "bn"}], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?:thousand|million|billion|mln|bn|k)\b)?"
_WORDNUM = rf"(?:(?:a|an|one)\s+)?(?:{_WORD})(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{_WORD}))*"
_VAGUE = (r"(?:several\s+|a\s+few\s+)?(?:dozens|tens|hundreds|thousands|scores|millions)"
          r"(?:\s+of\s+(?:thousands|millions))?(?:\s+of)?")
_MODS = {
    "lower": r"more than|over|at least|no fewer than|no less than|upwards of|in excess of|above|not less than|"
             r"a minimum of|minimum of",
    "upper": r"up to|as many as|fewer than|less than|under|at most|no more than|not more than|nearly|almost|"
             r"just under|a maximum of|maximum of",
    "approx": r"about|around|approximately|roughly|some|an estimated|estimated|close to|circa|~",
}
_MOD = "|".join(f"(?P<{k}>{v})" for k, v in _MODS.items())
NUMBER = re.compile(
    rf"(?<![\w.,:])(?:(?:{_MOD})\s+)?(?:between\s+)?"
    rf"(?P<num>(?:{_DIGITS}){_SCALE}|{_VAGUE}|{_WORDNUM})"
    rf"(?:\s*(?:-|–|to|and)\s*(?P<num2>(?:{_DIGITS}){_SCALE}|{_WORDNUM}))?(?![\w])",
    re.IGNORECASE)
AREA = re.compile(r"\s*(?P<u>sq\.?\s*km|square\s+kilomet(?:er|re)s?|km²|km2|sq\.?\s*kilomet(?:er|re)s?|"
                  r"hectares?|ha\b|square\s+miles?|sq\.?\s*mi(?:les?)?)", re.IGNORECASE)
UNQUANTIFIED = re.compile(
    r"\b(?:an?\s+)?(?:huge|large|significant|great|big|considerable|enormous|vast|massive|substantial|"
    r"unknown|unspecified|certain|small)\s+(?:amount|number|quantity|quantities|numbers|amounts)\s+of\b"
    r"|\b(?:many|numerous|several|a\s+number\s+of|a\s+lot\s+of|lots\s+of|a\s+few|multiple|heavy|significant)\b",
    re.IGNORECASE)

_PEOPLE = {"soldier", "troop", "serviceman", "servicemen", "militant", "fighter", "civilian", "people", "person",
           "man", "men", "woman", "women", "child", "children", "resident", "personnel", "mercenary", "terrorist",
           "occupier", "prisoner", "pow", "protester", "demonstrator", "officer", "policeman", "policemen",
           "member", "rebel", "insurgent", "jihadist", "paratrooper", "marine", "conscript", "volunteer", "crew",
           "pilot", "guard", "staff", "worker", "student", "villager", "passenger", "journalist", "victim",
           "casualty", "body", "detainee", "hostage", "gunman", "gunmen", "invader", "nationalist", "militiaman",
           "commander", "sailor", "cadet", "reservist", "recruit", "individual", "employee", "citizen", "police"}
_EQUIPMENT = {"tank", "vehicle", "apc", "ifv", "bmp", "btr", "howitzer", "gun", "mortar", "launcher", "system",
              "aircraft", "helicopter", "plane", "jet", "boat", "ship", "vessel", "radar", "truck", "equipment",
              "mlrs", "himars", "weapon", "hardware", "piece", "unit", "warship", "car", "locomotive", "depot",
              "warehouse", "rifle", "firearm", "pistol", "carrier"}
_MUNITIONS = {"drone", "uav", "missile", "rocket", "shell", "bomb", "mine", "grenade", "round", "projectile",
              "shahed", "geran", "munition", "cartridge", "bullet", "explosive", "ied", "warhead"}
_SETTLEMENTS = {"settlement", "village", "town", "city", "locality", "hamlet", "community", "district",
                "neighbourhood", "neighborhood", "township"}
_DISTANCE = {"km": "km", "kilometre": "km", "kilometer": "km", "mile": "mi", "metre": "m", "meter": "m"}
_KILLED = {"kill", "killed", "dead", "die", "died", "death", "eliminate", "eliminated", "neutralise", "neutralize",
           "neutralised", "neutralized", "slain", "perish", "fatality", "toll", "body", "liquidate"}
_WOUNDED = {"wound", "wounded", "injure", "injured", "injury", "hurt", "hospitalise", "hospitalize", "hospitalised",
            "hospitalized"}
_CAPTURED = {"capture", "captured", "prisoner", "pow", "surrender", "surrendered", "captive", "detain", "detained",
             "arrest", "arrested", "abduct", "abducted", "kidnap", "kidnapped", "hostage", "detainee"}
_CASUALTY = {"casualty", "casualties", "loss", "losses", "lose", "lost"}


def find(tokens: SpacySpan | Sequence[Token] | Doc) -> list[Quantity]:
    """Quantities starting in ``tokens`` (a Span or tokens of a parsed doc); spans are offsets into its text."""
    if hasattr(tokens, "start_char"):  # a Span (or Doc): no Token objects needed
        span = cast("SpacySpan", tokens)
        doc, lo, hi = span.doc, span.start_char, span.end_char
    else:
        toks = list(tokens)
        if not toks:
            return []
        doc, lo, hi = toks[0].doc, toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return list(_indexed(doc).starting_in(lo, hi))


_CACHE_KEY = "claimwatch.quantities"


def find_all(doc: Doc) -> list[Quantity]:
    """Every quantity of the doc, computed once (candidates are number-like tokens and count words only)."""
    got = doc.user_data.get(_CACHE_KEY)
    if got is not None:
        return got
    text = doc_text(doc)
    idx = forms(doc).idx
    out: list[Quantity] = []
    for found in _scan(doc, text, idx, _number_hashes(), NUMBER, numbers=True):
        m = _unjoined(text, found)
        q = _quantity(doc, text, m, _sentence_end(doc, m.start())) if m is not None else None
        if q is not None:
            out.append(q)
    taken = [(q.span.start, q.span.end) for q in out]
    for m in _scan(doc, text, idx, _vague_hashes(), UNQUANTIFIED):
        if not any(s <= m.start() < e for s, e in taken):
            q = _unquantified(doc, text, m, _sentence_end(doc, m.start()))
            if q is not None:
                out.append(q)
    out.sort(key=lambda q: q.span.start)
    doc.user_data[_CACHE_KEY] = out
    return out


def _indexed(doc: Doc) -> StartIndex[Quantity]:
    """:func:`find_all`'s quantities indexed by start (built once per doc)."""
    got = doc.user_data.get(_INDEX_KEY)
    if got is None:
        got = StartIndex(find_all(doc), lambda q: q.span.start)
        doc.user_data[_INDEX_KEY] = got
    return got


_INDEX_KEY = "claimwatch.quantities.index"


def _scan(doc: Doc, text: str, idx: list[int], words: frozenset[int], rx: re.Pattern[str],
          numbers: bool = False) -> list[re.Match[str]]:
    """Matches of ``rx`` starting up to four tokens before a candidate token and reaching it (deduplicated)."""
    found: dict[int, re.Match[str]] = {}
    last_end = -1
    for i in positions(doc, words, numbers):
        if idx[i] < last_end:
            continue
        for j in range(max(0, i - 4), i + 1):
            m = rx.match(text, idx[j])
            if m is not None and m.end() > idx[i] and m.start() >= last_end:
                found[m.start()] = m
                last_end = m.end()
                break
    return list(found.values())


_SPACE_JOINED = re.compile(r"\d{1,3} (?=\d)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?\s+$")
#: words after which "5 300" is two numbers: "March 5 300 soldiers", "Section 7 120 shells"
_BOUNDARY_WORDS = frozenset("""january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec section sec article art paragraph para chapter
    part clause item no number page point rule line annex resolution table figure fig volume vol""".split())


def _unjoined(text: str, m: re.Match[str]) -> re.Match[str] | None:
    """A plain space joins thousands ("1 200 soldiers") except after a month or a section word: "March 5 300
    soldiers", "Section 7 120 shells" count 300 and 120 (the number is read again after the space). The tagger's
    DATE is no guide: it takes "the past day 1" of "over the past day 1 200 soldiers"."""
    joined = _SPACE_JOINED.match(m.group("num"))
    if joined is None:
        return m
    word = _WORD_BEFORE.search(text, max(0, m.start("num") - 16), m.start("num"))
    if word is None or word.group(1).lower() not in _BOUNDARY_WORDS:
        return m
    return NUMBER.match(text, m.start("num") + joined.end())


def _sentence_end(doc: Doc, char: int) -> int:
    tok = _token_at(doc, char)
    return sentence_index(doc).of(tok.i).end_char if tok is not None else len(doc_text(doc))


@lru_cache(maxsize=1)
def _number_hashes() -> frozenset[int]:
    return word_hashes([*WORD_VALUES, *VAGUE, "several", "few"])


@lru_cache(maxsize=1)
def _vague_hashes() -> frozenset[int]:
    return word_hashes(["amount", "amounts", "number", "numbers", "quantity", "quantities", "many", "numerous",
                        "several", "lot", "lots", "few", "multiple", "heavy", "significant"])


# ------------------------------------------------------------------------------------------------- numbers


_OF = re.compile(r"\s+of$")
_SEVERAL = re.compile(r"^(?:several|a few)\s+")
_VAGUE_FULL = re.compile(r"(\w+)(?:\s+of\s+(thousands|millions))?")
_DIGITS_FULL = re.compile(rf"({_DIGITS})\s*(thousand|million|billion|mln|bn|k)?")
_SEPARATOR = re.compile(r"[,\u00a0\u202f ](?=\d{3}\b)")
_WORD_SPLIT = re.compile(r"[\s-]+")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """The value of a number written in digits, words or ACLED's vague counts (None if not a number)."""
    s = _SEVERAL.sub("", _OF.sub("", text.lower().strip()))
    vague = _VAGUE_FULL.fullmatch(s)
    if vague and vague.group(1) in VAGUE:
        return float(VAGUE[vague.group(1)] * (VAGUE[vague.group(2)] if vague.group(2) else 1))
    digits = _DIGITS_FULL.fullmatch(s)
    if digits:
        raw = _SEPARATOR.sub("", digits.group(1))
        try:
            value = float(raw)
        except ValueError:
            return None
        return value * WORD_VALUES[digits.group(2)] if digits.group(2) else value
    return _words(s)


def _words(s: str) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for w in _WORD_SPLIT.split(s):
        if w == "and" or not w:
            continue
        if w not in WORD_VALUES:
            return None
        v = WORD_VALUES[w]
        seen = True
        if w in ("hundred", "dozen"):
            current = max(current, 1) * v
        elif v >= 1000:
            total += max(current, 1) * v
            current = 0
        else:
            current += v
    return total + current if seen else None


# ------------------------------------------------------------------------------------------------ units/kinds

_SKIP_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"}


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _unit_noun(doc: Doc, first: Token, last: Token, hi: int) -> Token | None:
    """The noun a number counts: its syntactic head when it is a numeric modifier, else the next noun; never
    past another number ("On 5 March 300 soldiers": the soldiers are the 300)."""
    head = last.head
    if last.dep_ in ("nummod", "quantmod", "compound", "amod") and head.pos_ in ("NOUN", "PROPN") \
            and head.i > last.i and _kind_of_noun(head) is not None and not _number_between(doc, last.i, head.i):
        return head
    for n, tok in enumerate(doc[last.i + 1: min(len(doc), last.i + 7)]):
        if n == 0 and _kind_of_noun(tok) is not None and tok.idx < hi:
            return tok  # right after the number, whatever the tagger says ("15 shells hit ...")
        if tok.idx >= hi or tok.pos_ in ("VERB", "AUX", "ADP") and tok.lower_ != "of" or tok.is_punct \
                and tok.text not in "-" or tok.like_num:
            return None
        if tok.pos_ in ("NOUN", "PROPN") and _kind_of_noun(tok) is not None:
            return tok
    return None


def _number_between(doc: Doc, left: int, right: int) -> bool:
    return any(t.like_num for t in doc[left + 1:right])


def _kind_of_noun(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    low = tok.lower_
    for words, kind in ((_PEOPLE, "people"), (_EQUIPMENT, "equipment"), (_MUNITIONS, "munitions"),
                        (_SETTLEMENTS, "settlements")):
        if lemma in words or low in words or low.rstrip("s") in words:
            return kind
    if lemma in _DISTANCE or low.rstrip("s") in _DISTANCE:
        return "distance"
    if lemma in _CASUALTY or low in _CASUALTY:
        return "casualties"
    return None


def _people_kind(doc: Doc, noun: Token | None, first: Token, last: Token) -> str:
    """killed / wounded / captured / casualties / people, from the governing verb, else the nearby words."""
    anchor = noun or last
    gov = _governing_verb(anchor)
    if gov is not None:
        kind = _verb_kind(gov)
        if kind is not None:
            return kind
        if gov.lemma_.lower() not in _LIGHT_VERBS:
            return "people"  # "hundreds of civilians fled": counted, but not as casualties
    near: list[Token] = []
    sent = sentence_index(doc).of(anchor.i)
    lo, hi = max(sent.start, first.i - 4), min(sent.end, anchor.i + 4)
    near += [t for t in doc[lo:hi] if t.i not in range(first.i, last.i + 1)]
    for tok in near:
        lemma, low = tok.lemma_.lower(), tok.lower_
        killed = lemma in _KILLED or low in _KILLED
        wounded = lemma in _WOUNDED or low in _WOUNDED
        if killed and any(t.lemma_.lower() in _WOUNDED for t in doc[lo:hi]):
            return "casualties"
        if killed:
            return "killed"
        if wounded:
            return "wounded"
        if lemma in _CAPTURED or low in _CAPTURED:
            return "captured"
        if lemma in _CASUALTY or low in _CASUALTY:
            return "casualties"
    return "people"


_LIGHT_VERBS = {"be", "have", "leave", "report", "say", "number", "include", "rise", "reach", "exceed", "stand",
                "total", "put", "estimate", "confirm", "count", "bring"}


def _governing_verb(tok: Token) -> Token | None:
    """The verb whose argument the counted phrase is (through "of" and conjunctions, at most four steps)."""
    for _ in range(4):
        if tok.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj", "prep", "conj", "appos", "attr", "npadvmod") \
                or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _verb_kind(tok: Token) -> str | None:
    lemma, low = tok.lemma_.lower(), tok.lower_
    for words, kind in ((_KILLED, "killed"), (_WOUNDED, "wounded"), (_CAPTURED, "captured"),
                        (_CASUALTY, "casualties")):
        if lemma in words or low in words:
            return kind
    return None


def _bounds(m: re.Match[str], value: float, value2: float | None) -> tuple[float, float | None, float | None]:
    if value2 is not None:
        return value, value, value2
    if m.group("lower") or _is_vague(m.group("num")):
        return value, value, None
    if m.group("upper"):
        return value, None, value
    if m.group("approx"):
        return value, round(value * 0.9, 2), round(value * 1.1, 2)
    return value, value, value


def _is_vague(num: str) -> bool:
    words = _SEVERAL.sub("", num.lower()).split()
    return bool(words) and words[0] in VAGUE


def _quantity(doc: Doc, text: str, m: re.Match[str], hi: int) -> Quantity | None:
    value = parse_number(m.group("num"))
    if value is None:
        return None
    value2 = parse_number(m.group("num2")) if m.group("num2") else None
    first, last = _token_at(doc, m.start("num")), _token_at(doc, m.end() - 1)
    if first is None or last is None or first.ent_type_ in _SKIP_ENTS or _not_a_count(text, m, value):
        if first is None or last is None or first.ent_type_ != "DATE" or _not_a_count(text, m, value):
            return None
        dated = True  # the tagger's DATE ("between 10 and 15 shells"): a count only with a unit noun
    else:
        dated = False
    area = AREA.match(text, m.end())
    if area and m.end() + len(area.group(0)) <= hi:
        unit = _area_unit(area.group("u"))
        return _make(text, m, m.end() + len(area.group(0)), value, value2, unit, "area")
    noun = _unit_noun(doc, first, last, hi)
    kind = _kind_of_noun(noun) if noun is not None else None
    end = noun.idx + len(noun.text) if noun is not None else m.end()
    if noun is None:
        if dated:
            return None
        kind = _bare_casualty(doc, first, last)
        if kind is None:
            return None
        return _make(text, m, end, value, value2, "people", kind)
    unit = _DISTANCE.get(noun.lemma_.lower(), noun.lemma_.lower())
    if kind == "people":
        return _make(text, m, end, value, value2, "people", _people_kind(doc, noun, first, last))
    if kind == "casualties":
        return _make(text, m, end, value, value2, "people", "casualties")
    kind = "other" if kind == "distance" else kind
    return _make(text, m, end, value, value2, unit, kind or "other")


def _not_a_count(text: str, m: re.Match[str], value: float) -> bool:
    """Years, times, percentages, money and unit numbers ("No. 5") are not counts."""
    after = text[m.end():m.end() + 2]
    before = text[max(0, m.start() - 1):m.start()]
    if after[:1] in ("%", ":") or after.startswith(" %") or before in ("$", "€", "£", "#"):
        return True
    digits = m.group("num").strip()
    return digits.isdigit() and len(digits) == 4 and 1900 <= value <= 2100 and not m.group("num2")


def _area_unit(raw: str) -> str:
    low = raw.lower()
    if "mi" in low:
        return "mi2"
    if low.startswith("h"):
        return "ha"
    return "km2"


def _bare_casualty(doc: Doc, first: Token, last: Token) -> str | None:
    """"killing 6", "14 dead", "two were wounded": a count of people with no noun."""
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    nxt2 = doc[last.i + 2] if last.i + 2 < len(doc) else None
    prev = doc[first.i - 1] if first.i > 0 else None
    for tok in (nxt, nxt2 if nxt is not None and nxt.lower_ in ("were", "was", "are", "have", "had") else None, prev):
        if tok is None:
            continue
        lemma, low = tok.lemma_.lower(), tok.lower_
        if lemma in _KILLED or low in _KILLED:
            return "killed"
        if lemma in _WOUNDED or low in _WOUNDED:
            return "wounded"
        if lemma in _CAPTURED or low in _CAPTURED:
            return "captured"
    return None


def _make(text: str, m: re.Match[str], end: int, value: float, value2: float | None, unit: str | None,
          kind: str) -> Quantity:
    if m.group("num").lower() == "one" and text[max(0, m.start() - 3):m.start()].lower() == "no ":
        return Quantity(0.0, 0.0, 0.0, unit, kind, Span.of(text, m.start() - 3, end))  # "no one was hurt"
    val, lower, upper = _bounds(m, value, value2)
    return Quantity(value=val, lower=lower, upper=upper, unit=unit, kind=kind, span=Span.of(text, m.start(), end))


def _unquantified(doc: Doc, text: str, m: re.Match[str], hi: int) -> Quantity | None:
    """"a huge amount of equipment", "heavy losses": present but not counted."""
    last = _token_at(doc, m.end() - 1)
    if last is None:
        return None
    noun = _unit_noun(doc, last, last, hi)
    if noun is None:
        return None
    kind = _kind_of_noun(noun)
    if kind in (None, "distance"):
        return None
    end = noun.idx + len(noun.text)
    span = Span.of(text, m.start(), end)
    if kind in ("people", "casualties"):
        pk = "casualties" if kind == "casualties" else _people_kind(doc, noun, last, last)
        return Quantity(None, None, None, "people", pk, span)
    return Quantity(None, None, None, noun.lemma_.lower(), kind, span)
