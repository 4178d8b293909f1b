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
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..model import Quantity, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
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
_VAGUE = r"(?:several\s+|a\s+few\s+)?(?:dozens|tens|hundreds|thousands|scores|millions)(?:\s+of)?"
_MODS = {
    "lower": r"more than|over|at least|no fewer than|no less than|upwards of|in excess of|above|not less than|"
             r"a minimum of|minimum of|from",
    "upper": r"up to|as many as|fewer than|less than|under|at most|no more than|not more than|nearly|almost|"
             r"just under|a maximum of|maximum of",
    "approx": r"about|around|approximately|roughly|some|an estimated|estimated|close to|circa|~|nearly|almost",
}
_MOD = "|".join(f"(?P<{k}>{v})" for k, v in _MODS.items())
NUMBER = re.compile(
    rf"(?<![\w.,])(?:(?:{_MOD})\s+)?(?:between\s+)?"
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


def find(tokens: Sequence[Token] | Doc, text: str | None = None) -> list[Quantity]:
    """Quantities in ``tokens`` (a Span of a parsed doc); spans are offsets into the doc's text."""
    toks = list(tokens)
    if not toks:
        return []
    doc = toks[0].doc
    text = text if text is not None else doc.text
    lo, hi = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    out: list[Quantity] = []
    for m in NUMBER.finditer(text, lo, hi):
        q = _quantity(doc, text, m, hi)
        if q is not None:
            out.append(q)
    taken = [(q.span.start, q.span.end) for q in out]
    for m in UNQUANTIFIED.finditer(text, lo, hi):
        if not any(s <= m.start() < e for s, e in taken):
            q = _unquantified(doc, text, m, hi)
            if q is not None:
                out.append(q)
    return sorted(out, key=lambda q: q.span.start)
