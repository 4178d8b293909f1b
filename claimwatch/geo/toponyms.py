"""Toponym detection in a parsed document: spaCy's place entities plus a gazetteer matcher.

Reads: a spaCy ``Doc`` (entities, tags, dependencies) and the gazetteer's matcher names. Writes:
:class:`Toponym` spans with their role: a place where something is (``location``), a place standing for its
government ("the Kremlin said", "Kyiv announced": ``actor``), a modifier ("U.S. officials") or a demonym
("Russian soldiers"). Places inside organisation or person names ("Freedom of Russia Legion") are not toponyms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..text.sentences import doc_text
from .candidates import FACILITY_WORDS
from .names import inflected_level, level_word, norm, words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: labels the small English model gives small towns it does not know ("Robotyne" NORP, "Vuhledar" ORG,
#: "Kursk" PRODUCT); such an entity is a toponym when its whole text names a matcher place. A PERSON entity
#: ("Kherson was shelled", "Mykolaiv") is one only when it is a single word naming a large place, no title
#: comes before it and the document does not use it as a surname ("Sergei Shoigu ... Shoigu said"); towns named
#: after people ("Pushkin") are in COMMON_NAMES.
RELABELLED = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
#: words before a person's name: "President", "Gen.", "Mr"
TITLES = words("""mr mrs ms miss dr prof president premier minister general gen colonel col lieutenant lt
    major maj captain capt sergeant sgt commander admiral marshal governor mayor spokesman spokeswoman
    ambassador senator judge sir lord lady father patriarch""")
#: town names that news uses mostly for units, companies, words or people ("Azov", "Akhmat", "Progress"): an
#: ORG/NORP/PERSON entity with one of these names stays what the model says it is
COMMON_NAMES = frozenset({"azov", "akhmat", "wagner", "progress", "star", "sad", "mir", "zarya", "lenin", "kirov",
                          "pushkin", "stalin", "gorky", "kalinin", "kuibyshev", "molotov", "zhdanov", "voroshilov",
                          "dzerzhinsky", "ordzhonikidze", "frunze", "ivanov", "romanov"})
#: last words that make a name a building or a street, whether the model labels it FAC or ORG ("Colchester
#: General Hospital", "Royal Street"); schools, courts and offices are left to the model (as often institutions)
SITE_WORDS = words("""street avenue road boulevard lane highway bridge square airport airfield station church
    cathedral mosque temple synagogue park library museum stadium arena plaza mall prison jail hospital hotel
    theatre theater plantation""")
#: seats of power that stand for a government ("the Kremlin said"); the gazetteer places them in their city
SEATS_OF_POWER = frozenset({"kremlin", "white house", "pentagon", "downing street", "elysee", "elysee palace",
                            "bankova", "whitehall", "capitol hill", "zhongnanhai"})
#: verbs whose subject acts, speaks or decides: a place there stands for its government or forces
AGENT_VERBS = words("""say announce deny claim accuse warn demand insist reject condemn respond refuse agree
    decide want threaten sign sanction recognise recognize support urge call vow pledge state declare report
    confirm admit blame dismiss retaliate expel summon protest complain argue believe hope fear seek plan propose
    offer negotiate ask request allege acknowledge maintain assert stress note add explain tell inform order
    approve ratify veto annex invade attack launch strike shell bomb fire deploy send supply provide recapture
    capture seize withdraw retreat mobilize mobilise impose ban suspend halt resume criticize criticise denounce
    welcome praise thank invite host meet talk discuss tell reply counter insist lobby pressure promise pay fund
    arm train help aid back oppose boycott veto vote elect appoint nominate arrest detain jail sentence prosecute
    investigate probe charge sue win lose beat defeat push press expect estimate say""")
#: nouns that make a possessive place an actor: "Moscow's response", "Kyiv's decision"
AGENT_NOUNS = words("""response decision claim claims statement position demand demands refusal offer proposal
    plan strategy policy accusation accusations allegation allegations denial insistence warning warnings threat
    threats request refusal support opposition rejection invasion aggression attack attacks offensive
    counteroffensive forces troops army military government leadership officials diplomats envoy ambassador
    spokesman spokeswoman spokesperson delegation negotiators president ministry intelligence
    propaganda narrative version""")
#: nouns after a place name that still locate something there: "the Pokrovsk direction", "Kherson airport"
AREA_NOUNS = words("""direction axis front sector area areas outskirts suburb suburbs district region border
    frontier airport airfield port station bridge highway road city town village countryside coast coastline
    bridgehead salient pocket enclave province oblast raion settlement neighbourhood neighborhood center centre
    outpost base dam plant refinery""")
_MAX_NGRAM = 3
_POSSESSIVES = frozenset({"'s", "’s", "'", "’", "'S", "’S"})
#: Russian and Ukrainian prepositions of place, before an inflected name
PLACE_PREPOSITIONS = words("""в во на у под подо над за из изо с со к ко по до от около возле близ вблизи
    под через між между після после біля під від із зі з поблизу навколо коло вздовж вдоль""")
_LIST_JOINERS = frozenset({",", "и", "і", "й", "та", "или", "або", "а"})


@dataclass(slots=True)
class Toponym:
    start: int
    end: int
    text: str
    role: str = "location"  #: location | actor | modifier | demonym
    source: str = "ner"  #: ner | matcher | embedded (inside an organisation name)
    facility: bool = False  #: a building, street or site (FAC, "... Street"): may be placed at a nearby town


def detect(doc: Doc, matcher_names: frozenset[str] = frozenset(), demonym_names: frozenset[str] = frozenset(),
           demonyms: bool = False, known: Callable[[str], bool] | None = None,
           inflected: Callable[[str], bool] | None = None, large: Callable[[str], bool] | None = None,
           notable: Callable[[str], bool] | None = None, embedded: bool = False) -> list[Toponym]:
    """Toponyms of ``doc`` in text order. Demonyms ("Russian") only with ``demonyms=True``.

    ``matcher_names``: normalised names the matcher looks for in text outside entities; ``known``: whether a
    normalised name is a place, for entities the model labelled otherwise (default: in ``matcher_names``);
    ``inflected``: whether a normalised Cyrillic name is an inflected form of a matcher name ("херсоне");
    ``large``: whether a normalised name is a large matcher place, for one-word PERSON entities ("Kherson was
    shelled"; without it they stay people); ``notable``: whether a normalised name is a country, region or
    large town anywhere. With ``notable``, a one-word GPE entity that the document uses as a surname ("Prime
    Minister Narendra Modi ... Modi said") and that names no notable place is a person; with ``embedded=True``,
    notable places inside organisation names ("The Washington Post", "Air Zimbabwe") are toponyms too (role
    ``modifier``; gold corpora such as GeoWebNews and LGL count them).
    """
    is_place = known or matcher_names.__contains__
    found: list[Toponym] = []
    taken = [False] * len(doc)
    ents = doc.ents  # spaCy builds the tuple anew on every access: once per document, not once per entity
    surnames = {e[-1].lower_ for e in ents if e.label_ == "PERSON" and len(e) > 1}
    people: dict[str, set[str]] = {}  #: a PERSON entity's last word -> the texts of the entities it ends
    for e in ents:
        if e.label_ == "PERSON":
            people.setdefault(e[-1].lower_, set()).add(e.text)
    for ent in ents:
        if ent.label_ == "PERSON" and large is not None:
            relabel = _person_place(ent, large if len(ent) == 1 else is_place, surnames, people)
        else:
            relabel = ent.label_ in RELABELLED and _known_place(ent, is_place)
        if notable is not None and ent.label_ == "GPE" and _surname(ent, surnames, notable):
            pass  # "Modi": a person the model took for a place
        elif ent.label_ in PLACE_LABELS or relabel or (ent.label_ == "ORG" and ent[-1].lower_ in SITE_WORDS):
            found.append(_from_entity(ent))  # an ORG named "... Hospital", "... Street" is the building or street
        elif demonyms and (ent.label_ == "NORP" or len(ent) == 1) and norm(ent.text) in demonym_names:
            found.append(Toponym(ent.start_char, ent.end_char, ent.text, "demonym"))
        elif embedded and notable is not None and ent.label_ in RELABELLED:
            found.extend(_embedded(ent, notable, demonym_names if demonyms else frozenset()))
        _mark(taken, ent.start, ent.end)
    if demonyms:
        found.extend(_demonyms(doc, taken, demonym_names))  # "Salvadoran" the model left out
    if matcher_names:
        found.extend(_matched(doc, taken, matcher_names, inflected))
    if notable is not None:
        found = _with_datelines(doc_text(doc), found, notable)
    found.sort(key=lambda t: t.start)
    return found


#: a dateline: a place name in capitals opening the text, a line or a sentence, before a dash, a colon or "(AP)",
#: maybe with a state or country after a comma ("ALBUQUERQUE, N.M. (AP) -", "TORONTO —", "NEW DELHI:"), or a
#: capitalised one opening the text ("Muscat: The festival opened")
_DATELINE = re.compile(r"(?:^|(?<=\n)|(?<=[.!?] ))\s*(?P<place>[A-Z][A-Z'’.\-]*(?: [A-Z][A-Z'’.\-]*){0,2})"
                       r"(?=(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?\s*(?:\(|—|–|--? |:))"
                       r"|^\s*(?P<opening>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=\s*(?:—|–|--? |:))")


def _with_datelines(text: str, found: list[Toponym], notable: Callable[[str], bool]) -> list[Toponym]:
    """``found`` with the place of each dateline (a ``notable`` one) instead of what overlapped it: the model
    labels capitalised datelines ORG or splits them ("ST", "LOUIS")."""
    for m in _DATELINE.finditer(text):
        start, end = m.span("place") if m["place"] else m.span("opening")  # "Muscat: The festival opened"
        name = text[start:end].rstrip(".")
        if len(name) < 3 or not notable(norm(name)):
            continue
        end = start + len(name)
        found = [t for t in found if t.end <= start or t.start >= end]
        found.append(Toponym(start, end, name, "location", "dateline"))
    return found


def _known_place(ent: Span, is_place: Callable[[str], bool]) -> bool:
    key = norm(ent.text)
    key = key.removeprefix("the ")
    if key in SEATS_OF_POWER:
        return True
    words = [t for t in ent if t.is_alpha and t.lower_ != "the"]
    return key not in COMMON_NAMES and all(t.text[:1].isupper() for t in words) and is_place(key)


def _person_place(ent: Span, is_place: Callable[[str], bool], surnames: set[str],
                  people: dict[str, set[str]]) -> bool:
    """A PERSON entity that names a matcher place (``is_place``: a large one for a single word, "Kherson was
    shelled overnight"; any known one for several, "Chasiv Yar"), unless a title comes before it or the document
    uses its last word as a surname (``people``: each PERSON entity's last word and the texts it ends)."""
    before = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
    last = ent[-1].lower_
    used_as_surname = last in surnames if len(ent) == 1 else bool(people.get(last, set()) - {ent.text})
    return before not in TITLES and not used_as_surname and _known_place(ent, is_place)


def _surname(ent: Span, surnames: set[str], notable: Callable[[str], bool]) -> bool:
    """A one-word entity that ends a person's name elsewhere in the document and names no notable place."""
    return len(ent) == 1 and ent[0].lower_ in surnames and not notable(norm(ent.text))


#: words after which an organisation name holds a place: "Bank of America", "Centre for ... Indian Economy"
_EMBEDDING_WORDS = frozenset({"of", "for"})
#: words that open organisation names and are also the names of some town or region ("Central", "Union",
#: "Commerce", "University" in Florida): never a place inside an organisation's name
_ORG_WORDS = FACILITY_WORDS | words("""central national union international royal federal general united bank
    commerce police human mass summit real best no nord first new great grand old saint st state city county
    republic people peoples democratic liberal labour independent free global world community""")


def _embedded(ent: Span, notable: Callable[[str], bool], demonym_names: frozenset[str]) -> Iterator[Toponym]:
    """Notable places (and, with ``demonym_names``, demonyms) at the start of an organisation name or right after
    its "of"/"for": "The Washington Post", "Nigerian Army", "Kidney Foundation of Canada"."""
    starts = [ent.start + (ent[0].lower_ == "the")]
    starts += [t.i + 1 for t in ent[:-1] if t.lower_ in _EMBEDDING_WORDS]
    for start in starts:
        for n in range(min(_MAX_NGRAM, ent.end - start), 0, -1):
            span = ent.doc[start:start + n]
            if span.end - span.start == len(ent) or not all(t.text[:1].isupper() for t in span):
                continue
            key = norm(span.text)
            if key in demonym_names:
                yield Toponym(span.start_char, span.end_char, span.text, "demonym", "embedded")
                break
            if key not in COMMON_NAMES and key not in _ORG_WORDS and notable(key):
                yield Toponym(span.start_char, span.end_char, span.text, "modifier", "embedded")
                break


def _mark(taken: list[bool], start: int, end: int) -> None:
    for i in range(start, end):
        taken[i] = True


def _from_entity(ent: Span) -> Toponym:
    doc = ent.doc
    start, end = ent.start, ent.end
    while end - start > 1 and (doc[start].lower_ == "the" or doc[start].is_space):
        start += 1
    while end - start > 1 and (doc[end - 1].is_space or doc[end - 1].text in _POSSESSIVES):
        end -= 1  # "South Korea's": the place is "South Korea"
    if end < len(doc) and doc[end].is_alpha and level_word(doc[end].text) is not None:
        end += 1  # "Kursk region", "Kharkiv Oblast": the level word decides between town and region
    span = doc[start:end]
    facility = ent.label_ == "FAC" or span[-1].lower_ in FACILITY_WORDS
    return Toponym(span.start_char, span.end_char, span.text.strip(), _role(span), "ner", facility)


def _demonyms(doc: Doc, taken: list[bool], demonym_names: frozenset[str]) -> Iterator[Toponym]:
    """Capitalised demonyms of one or two words outside entities ("Salvadoran migrants"); marks them taken."""
    i = 0
    while i < len(doc):
        n = next((n for n in (2, 1) if i + n <= len(doc) and not any(taken[i:i + n])
                  and all(t.text[:1].isupper() and t.is_alpha for t in doc[i:i + n])
                  and norm(doc[i:i + n].text) in demonym_names), 0)
        if n:
            span = doc[i:i + n]
            _mark(taken, i, i + n)
            yield Toponym(span.start_char, span.end_char, span.text, "demonym")
        i += n or 1


def _matched(doc: Doc, taken: list[bool], names: frozenset[str],
             inflected: Callable[[str], bool] | None = None) -> Iterator[Toponym]:
    """Capitalised token runs (up to three tokens) outside other entities that name a matcher place (or, with
    ``inflected``, an inflected Cyrillic form of one)."""
    tagged = doc.has_annotation("POS")  # not for the tokenizer-only pipelines of other languages
    i, last_end = 0, -1
    while i < len(doc):
        hit = _hit(doc, i, taken, names, tagged, inflected, last_end) if not taken[i] and _capitalised(doc[i]) else 0
        if hit:
            if i + hit < len(doc) and not doc[i + hit - 1].text.isascii() and _cyrillic_level(doc[i + hit].text):
                hit += 1  # "Курской области", "Херсонського району": the level word decides the place
            elif i + hit < len(doc) and doc[i + hit].is_alpha and level_word(doc[i + hit].text) is not None:
                hit += 1  # "the Donetsk region", "Kharkiv Oblast"
            span = doc[i:i + hit]
            yield Toponym(span.start_char, span.end_char, span.text, _role(span), "matcher")
            i = last_end = i + hit
        else:
            i += 1


def _hit(doc: Doc, i: int, taken: list[bool], names: frozenset[str], tagged: bool,
         inflected: Callable[[str], bool] | None, last_end: int) -> int:
    """The length of the longest matcher name starting at token ``i`` (0 for none)."""
    for n in range(min(_MAX_NGRAM, len(doc) - i), 0, -1):
        span = doc[i:i + n]
        key = norm(span.text)
        if any(taken[i:i + n]) or not _plausible(span, tagged) or key in COMMON_NAMES:
            continue
        if key in names:
            return n
        if inflected is None or key.isascii():
            continue
        level = i + n < len(doc) and _cyrillic_level(doc[i + n].text)
        if level and inflected(f"{key} {norm(doc[i + n].text)}"):
            return n
        if _place_context(span, last_end) and inflected(key):
            return n
    return 0


def _place_context(span: Span, last_end: int) -> bool:
    """An inflected name needs a preposition of place before it ("в Херсоне", "під Бахмутом"), or to follow
    another place in a list ("в Одесі, Миколаєві і Дніпрі"): elsewhere it is as often a surname or a word."""
    before = span.doc[span.start - 1].lower_ if span.start > 0 else ""
    return before in PLACE_PREPOSITIONS or (before in _LIST_JOINERS and span.start - 1 == last_end)


def _cyrillic_level(word: str) -> bool:
    return not word.isascii() and (level_word(word) is not None or inflected_level(word) is not None)


def _capitalised(token: Token) -> bool:
    text = token.text
    return len(text) > 2 and text[0].isupper() and not token.is_stop and not text.isupper()


def _plausible(span: Span, tagged: bool = True) -> bool:
    """A proper-name run: a lone word must be tagged PROPN and not follow an article ("the Star"). Untagged
    documents (other languages go through a tokenizer-only pipeline) are judged on capitals and articles alone."""
    last = span[-1]
    if not all(t.is_alpha or t.text == "-" for t in span) or not last.text[0].isupper():
        return False
    if len(span) == 1:
        before = span.doc[span.start - 1] if span.start > 0 else None
        after = span.doc[span.end] if span.end < len(span.doc) else None
        level = after is not None and after.is_alpha and level_word(after.text) is not None
        return (not tagged or last.pos_ == "PROPN" or level) and (
            before is None or before.lower_ not in ("the", "a", "an") or level)
    return not tagged or last.pos_ in ("PROPN", "NOUN", "ADJ")


def _role(span: Span) -> str:
    """actor when the place stands for who governs or fights from it; modifier for "U.S. officials"."""
    root = span.root
    dep = root.dep_
    head = root.head
    while dep == "conj" and head is not head.head:
        dep, head = head.dep_, head.head
    if dep == "nsubj" and head.lemma_.lower() in AGENT_VERBS:
        return "actor"
    if dep == "pobj" and head.lower_ == "by" and head.dep_ == "agent" and head.head.lemma_.lower() in AGENT_VERBS:
        return "actor"
    if dep == "poss" and head.lemma_.lower() in AGENT_NOUNS:
        return "actor"
    if dep in ("compound", "amod", "nmod") and head.pos_ == "NOUN" and head.ent_type_ not in PLACE_LABELS and (
            head.lemma_.lower() not in AREA_NOUNS):
        return "modifier"
    return "location"
