"""Toponyms in Russian and Ukrainian text, with the nominative keys their inflected forms are looked up under.

Reads a ``Doc`` of :mod:`claimwatch.nlp.slavic` (tokens, lemmas, tags), pymorphy3 (every reading of a word, place
readings first; adjectives put into the gender of their noun) and the gazetteer (whether a key names a place).
Writes :class:`~claimwatch.geo.toponyms.Toponym` spans, each with the keys to resolve it by: "Киеве" -> "киев";
"Суджу" -> "суджа"; "над Сумской, Черниговской и Киевской областями" -> three mentions, "сумская область",
"черниговская область", "киевская область"; "на Запорожском направлении" -> "запорожское направление"; "в Черном
море" -> "черное море"; "берег Днепра" -> "река днепр". Country names and abbreviations ("России", "РФ", "США")
are places; "ВСУ" and other upper-case abbreviations are not. A name before or after a street word ("Каспийской
улице", "улица Ленина") is a street (a facility: never resolved to a town of that name). A place that names a
body ("Минобороны Украины") is a modifier; one that speaks ("Киев заявил") an actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..text.wordlists import fold, wordlists
from .gazetteer import LARGE_PLACE, MATCHER_COUNTRIES, Entry
from .names import norm
from .toponyms import PLACE_PREPOSITIONS, Toponym

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..nlp.slavic import Morphology

#: nouns that follow a name and say what it is: lemma -> (lookup noun, gender the name agrees in)
LEVELS = {
    "область": ("область", "femn"), "обл": ("область", "femn"), "район": ("район", "masc"),
    "край": ("край", "masc"), "округ": ("округ", "masc"), "республика": ("республика", "femn"),
    "республіка": ("республіка", "femn"), "направление": ("направление", "neut"),
    "напрямок": ("напрямок", "masc"), "напрямка": ("напрямок", "masc"), "море": ("море", "neut"),
}
STREETS = frozenset("""улица ул проспект переулок площадь бульвар шоссе проезд набережная тупик вулиця вул провулок
    площа шосе проїзд набережна узвіз""".split())
RIVER_CUES = frozenset("""река реки реке рекой берег берега берегу левобережье правобережье русло форсировать
    річка річки річці берега березі лівобережжя правобережжя форсувати""".split())
#: upper-case abbreviations that name places (every other one is taken for a body: "ВСУ", "ЗСУ", "СБУ")
PLACE_ABBREVIATIONS = frozenset({"рф", "сша", "кндр", "кнр", "оаэ", "оае", "фрг", "днр", "лнр"})
_JOINERS = frozenset({",", "и", "і", "й", "та", "или", "або"})
_PERSON = frozenset({"Name", "Surn", "Patr"})


@dataclass(frozen=True, slots=True)
class Found:
    """A Cyrillic toponym and the normalised keys to look it up by, best first."""

    toponym: Toponym
    keys: tuple[str, ...]


def detect(doc: Doc, morph: Morphology, lookup: Callable[[str], tuple[Entry, ...]]) -> list[Found]:
    """Toponyms of a Russian or Ukrainian ``doc`` in text order (see the module docstring)."""
    speech = wordlists(doc.lang_).speech_verbs if doc.lang_ in ("ru", "uk") else frozenset()
    out: list[Found] = []
    i = 0
    n = len(doc)
    while i < n:
        got, nxt = _at(doc, i, morph, lookup)
        for f in got:
            out.append(Found(_with_role(doc, f.toponym, speech), f.keys))
        i = max(nxt, i + 1)
    return out


def _at(doc: Doc, i: int, morph: Morphology, lookup: Callable[[str], tuple[Entry, ...]]) -> tuple[list[Found], int]:
    tok = doc[i]
    if not tok.is_alpha:
        return [], i + 1
    if tok.text.isupper() and len(tok.text) > 1:
        if fold(tok.text) in PLACE_ABBREVIATIONS:
            return [_found(doc, i, i + 1, (norm(tok.text),))], i + 1
        return [], i + 1
    listed = _level_list(doc, i, morph)
    if listed:
        return listed, _token_after(doc, listed[-1].toponym.end)
    if not tok.text[:1].isupper() or _in_quotes(doc, i):
        return [], i + 1
    street = _street(doc, i)
    if street is not None:
        return [street], _token_after(doc, street.toponym.end)
    landmark = _landmark(doc, i, morph, lookup)
    if landmark is not None:
        return [landmark], i + 2
    for width in (2, 1):
        if i + width > len(doc) or not all(t.is_alpha and t.text[:1].isupper() for t in doc[i:i + width]):
            continue
        keys = _keys(doc, i, i + width, morph)
        entries = [e for k in keys for e in lookup(k)]
        if entries and _plausible(doc, i, i + width, entries, morph):
            return [_found(doc, i, i + width, keys)], i + width
    return [], i + 1


def _landmark(doc: Doc, i: int, morph: Morphology, lookup: Callable[[str], tuple[Entry, ...]]) -> Found | None:
    """A capitalised adjective and a lower-case noun that together name a landmark of the gazetteer ("у Белого
    дома", "на Крымском мосту"); the adjective alone would be taken for a town ("Белый")."""
    if i + 1 >= len(doc) or doc[i].pos_ != "ADJ" or doc[i + 1].pos_ != "NOUN" or not doc[i + 1].text.islower():
        return None
    keys = _keys(doc, i, i + 2, morph)
    if any(e.kind == "other" for k in keys for e in lookup(k)):
        return _found(doc, i, i + 2, keys)
    return None


def _token_after(doc: Doc, char: int) -> int:
    for t in doc:
        if t.idx >= char:
            return t.i
    return len(doc)


def _found(doc: Doc, start: int, end: int, keys: tuple[str, ...], facility: bool = False) -> Found:
    span = doc[start:end]
    return Found(Toponym(span.start_char, span.end_char, span.text, "location", "matcher", facility),
                 tuple(dict.fromkeys(k for k in keys if k)))


def _in_quotes(doc: Doc, i: int) -> bool:
    """A name in quotation marks right after the mark is a unit, an operation or a brand ("группировки «Центр»")."""
    return i > 0 and doc[i - 1].text in ("«", "\"", "“", "„")


# ------------------------------------------------------------------------------------------------ keys


def _keys(doc: Doc, start: int, end: int, morph: Morphology) -> tuple[str, ...]:
    """Lookup keys of tokens [start, end): the river reading after a river word, the nominative (adjectives
    agreeing with their noun), then each word's lemmas, then the surface."""
    words = [t.text for t in doc[start:end]]
    keys: list[str] = []
    if start > 0 and fold(doc[start - 1].text) in RIVER_CUES and end - start == 1:
        keys += [f"река {lemma}" for lemma in morph.lemmas(words[0])[:2]]
        keys += [f"річка {lemma}" for lemma in morph.lemmas(words[0])[:2]]
    if len(words) == 2:
        noun = morph.lemmas(words[1])
        gender = _gender(morph, noun[0]) if noun else None
        first = morph.inflect(words[0], frozenset({"nomn", "sing", gender})) if gender else None
        for lemma in noun[:2]:
            keys.append(f"{first or morph.lemmas(words[0])[0]} {lemma}")
    else:
        keys += list(morph.lemmas(words[0]))
    keys.append(" ".join(words))
    return tuple(dict.fromkeys(norm(k) for k in keys))


def _gender(morph: Morphology, noun: str) -> str | None:
    for g in ("masc", "femn", "neut"):
        if morph.has(noun, g):
            return g
    return None


def _plausible(doc: Doc, start: int, end: int, entries: list[Entry], morph: Morphology) -> bool:
    """A capitalised word naming a place is one when a place reading, a preposition of place or a list of places
    backs it; otherwise only a country, a region or a large town of the matcher countries, away from the
    sentence start, and never a person's name."""
    word = doc[start].text
    tags = morph.tags(word)
    before = fold(doc[start - 1].text) if start > 0 else ""
    listed = before in _JOINERS and start > 1 and doc[start - 2].text[:1].isupper()
    if before in PLACE_PREPOSITIONS or listed:
        return True  # "в Киеве", "у Києві та Харкові": the Ukrainian dictionary reads them as people
    if end - start == 1 and tags and tags[0] & _PERSON and not any("Geox" in t for t in tags):
        return False
    if end - start == 1 and doc[start].ent_type_ == "PERSON":
        return False
    if any("Geox" in t for t in tags) or end - start > 1:
        return True
    if doc[start].is_sent_start:
        return any(e.kind in ("country", "region") for e in entries)
    return any(e.kind in ("country", "region", "other") or e.country in MATCHER_COUNTRIES and
               e.population >= LARGE_PLACE for e in entries)


# ------------------------------------------------------------------------------------- lists and streets


def _level_list(doc: Doc, i: int, morph: Morphology) -> list[Found]:
    """"Сумской, Черниговской и Киевской областями", "Запорожском направлении", "Черном море": adjectives
    joined by commas and conjunctions before a level word; one mention per adjective, keyed by the adjective
    in the level word's gender and the level word's nominative."""
    def adjective(k: int) -> bool:
        return doc[k].pos_ == "ADJ" or doc[k].is_alpha and any("ADJF" in t for t in morph.tags(doc[k].text))

    adjectives: list[int] = []
    j = i
    while j < len(doc) and doc[j].text[:1].isupper() and adjective(j):
        adjectives.append(j)
        j += 1
        if j < len(doc) and fold(doc[j].text) in _JOINERS and j + 1 < len(doc) and adjective(j + 1):
            j += 1
    if not adjectives or j >= len(doc):
        return []
    level = next((LEVELS[lemma] for lemma in (doc[j].lemma_, fold(doc[j].text)) if lemma in LEVELS), None)
    if level is None:
        return []
    noun, gender = level
    out = []
    for k, a in enumerate(adjectives):
        form = morph.inflect(doc[a].text, frozenset({"nomn", "sing", gender})) or doc[a].lemma_
        end = j + 1 if k == len(adjectives) - 1 else a + 1
        out.append(_found(doc, a, end, (norm(f"{form} {noun}"),)))
    return out


def _street(doc: Doc, i: int) -> Found | None:
    """A name next to a street word: the whole is a facility, not the town the name is taken from."""
    if doc[i].pos_ in ("ADP", "CCONJ", "SCONJ", "PRON", "PART", "ADV"):
        return None
    if i + 1 < len(doc) and (_lemma(doc[i + 1]) in STREETS or fold(doc[i + 1].text).rstrip(".") in STREETS):
        return _found(doc, i, i + 2, (), facility=True)
    if i > 0 and (_lemma(doc[i - 1]) in STREETS or fold(doc[i - 1].text) in STREETS):
        return _found(doc, i - 1, i + 1, (), facility=True)
    if i > 1 and doc[i - 1].text == "." and fold(doc[i - 2].text) in STREETS:
        return _found(doc, i - 2, i + 1, (), facility=True)
    return None


def _lemma(tok: Token) -> str:
    return tok.lemma_


def _with_role(doc: Doc, t: Toponym, speech: frozenset[str]) -> Toponym:
    """actor when a verb of speech follows the name ("Киев заявил"); modifier when it qualifies a noun before it
    ("Минобороны Украины", "президент России")."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or t.facility:
        return t
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.lemma_ in speech and nxt.pos_ == "VERB":
        t.role = "actor"
    elif span.start > 0 and doc[span.start - 1].pos_ in ("NOUN", "PROPN") and not doc[span.start - 1].is_punct:
        t.role = "modifier"
    return t
