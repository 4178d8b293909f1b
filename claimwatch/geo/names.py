"""Place-name normalisation and the lookup variants of a mention.

Reads: a surface string. Writes: normalised keys (the form every name is indexed and looked up under) and
:class:`Query` variants ("the Kursk region" -> "kursk" with a region hint). Pure functions, no data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from ..text.inflection import ENDINGS

_APOSTROPHES = str.maketrans({"’": "", "‘": "", "`": "", "´": "", "ʼ": "", "ʹ": "", "'": "", "\u02bb": "",
                              ".": "", "-": " ", "‐": " ", "–": " ", "—": " ", ",": " ", "/": " "})
_SPACES = re.compile(r"\s+")
_LEADING = re.compile(r"^(?:the|city of|town of|village of|settlement of|город|місто|село|с|г|м)\s+")
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")
#: trailing words that name an administrative level: "Kursk region", "Kharkiv Oblast", "Bakhmut raion"
_LEVEL_WORDS: dict[str, str] = {
    "oblast": "region", "oblasts": "region", "region": "region", "regions": "region", "province": "region",
    "provinces": "region", "krai": "region", "kray": "region", "governorate": "region", "state": "region",
    "prefecture": "region", "voivodeship": "region", "canton": "region", "republic": "region",
    "область": "region", "обл": "region", "краи": "region", "край": "region",
    "raion": "district", "rayon": "district", "raions": "district", "district": "district",
    "districts": "district", "county": "district", "counties": "district", "parish": "district",
    "municipality": "district", "hromada": "district", "район": "district", "округ": "district",
    "city": "settlement", "town": "settlement", "village": "settlement", "township": "district",
}
_LEVEL_RE = re.compile(r"^(?P<base>.+?)\s+(?P<level>" + "|".join(sorted(_LEVEL_WORDS, key=len, reverse=True))
                       + r")$")


def norm(text: str) -> str:
    """The index key of a name: case-folded, accents and apostrophes dropped, hyphens as spaces.

    Cyrillic letters keep their base form ("й" -> "и", "ї" -> "і", "ё" -> "е": NFKD splits off the marks) the same
    way on both sides of a lookup.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = stripped.casefold().translate(_APOSTROPHES)
    return _SPACES.sub(" ", cleaned).strip()


@dataclass(frozen=True, slots=True)
class Query:
    """One way to look a mention up: a normalised key and the feature level the wording asks for."""

    key: str
    level: str | None = None  #: settlement | district | region, when the mention says so ("Kursk region")
    derived: bool = False  #: the key was cut from the surface form (level word, article, possessive)


@lru_cache(maxsize=65536)
def queries(text: str) -> tuple[Query, ...]:
    """Lookup variants for a mention, most literal first."""
    key = norm(text)
    out = [Query(key)]
    base = _LEADING.sub("", key)
    if base != key and base:
        out.append(Query(base, derived=True))
    possessive = _POSSESSIVE.sub("", text.strip())
    if possessive != text.strip():
        out.append(Query(norm(possessive), derived=True))
    match = _LEVEL_RE.match(base)
    if match and len(match["base"]) > 1:
        stem = _LEADING.sub("", match["base"])
        out.append(Query(stem, level=_LEVEL_WORDS[match["level"]], derived=True))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for q in out:
        if q.key and (q.key, q.level) not in seen:
            seen.add((q.key, q.level))
            unique.append(q)
    return tuple(unique)


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a word-list literal."""
    return frozenset(text.split())


def level_word(word: str) -> str | None:
    """The level a word names ("oblast" -> region, "raion" -> district), or None."""
    return _LEVEL_WORDS.get(norm(word))


def inflected_level(word: str) -> str | None:
    """The level an inflected Cyrillic level word names ("області", "районе"), or None."""
    forms = _cyrillic_level_forms()
    return next((forms[f] for f in inflected_forms(norm(word)) if f in forms), None)


@lru_cache(maxsize=1)
def _cyrillic_level_forms() -> dict[str, str]:
    return {f: level for w, level in _LEVEL_WORDS.items() if not w.isascii() and len(w) > 3
            for f in inflected_forms(norm(w), name=True)}


_LATIN_OR_CYRILLIC = re.compile(r"^[\sA-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff'’.\-()]+$")


def indexable(name: str) -> bool:
    """Whether an alternate name is worth indexing: Latin or Cyrillic script, not a code or a romanised stub.

    GeoNames' alternate names include airport codes ("IEV") and lower-case romanisations of other scripts
    ("kyiva") that match ordinary words; they are left out.
    """
    if len(name) < 2 or not _LATIN_OR_CYRILLIC.match(name):
        return False
    if name == name.lower() and not any("\u0400" <= c <= "\u04ff" for c in name):
        return False
    return not (name.isupper() and len(name) <= 4)


_CYRILLIC_CONSONANTS = frozenset("бвгґджзклмнпрстфхцчшщ")
#: endings a mention keeps: genitive plurals of place names are rare, surnames in -ов/-ев/-ів common ("Песков")
_SURNAME_ENDINGS = frozenset({"ов", "ев", "ів"})
_MAX_FORM_WORDS = 3
_MIN_STEM = 3


@lru_cache(maxsize=1)
def _case_endings() -> tuple[str, ...]:
    """Russian/Ukrainian case endings as :func:`norm` leaves them ("ій" -> "іи"), longest first."""
    extra = ["ої", "ою", "ові", "еві", "єві"]
    return tuple(sorted({norm(e) for e in [*ENDINGS, *extra]}, key=len, reverse=True))


def _word_forms(word: str, name: bool) -> tuple[str, ...]:
    """A normalised Cyrillic word, as it is and less one case ending. A name (nominative) loses only a vowel
    ending ("одеса" -> "одес", not "миколаів" -> "микола", the first name) and gets the stem its Ukrainian "і" in
    a last closed syllable turns into when inflected ("харків" -> "харков" of "харкова"); a mention loses any
    ending but a surname's ("песков")."""
    if len(word) <= _MIN_STEM or not any("\u0400" <= c <= "\u04ff" for c in word):
        return (word,)
    out = [word]
    if name and word[-2] == "і" and word[-1] in _CYRILLIC_CONSONANTS:
        out += [word[:-2] + v + word[-1] for v in "оеє"]
    for e in _case_endings():
        if word.endswith(e) and len(word) - len(e) >= _MIN_STEM and (
                e[-1] not in _CYRILLIC_CONSONANTS if name else e not in _SURNAME_ENDINGS):
            out.append(word[:-len(e)])
    return tuple(dict.fromkeys(out))


def inflected_forms(key: str, name: bool = False) -> tuple[str, ...]:
    """Forms a normalised Cyrillic name (``name=True``) shares with its inflected mentions, longest first: each
    word as it is or less one case ending ("херсон" and "херсона" both give "херсон"; "курская область" and
    "курскои области" both give "курск област"). Other keys and names of over three words give only themselves."""
    parts = key.split()
    if not parts or len(parts) > _MAX_FORM_WORDS:
        return (key,)
    forms = {" ".join(p) for p in product(*(_word_forms(w, name) for w in parts))}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))
