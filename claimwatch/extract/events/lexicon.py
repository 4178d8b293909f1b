"""The event vocabulary and the trigger lexicon behind event typing.

Reads ``claimwatch/data/events/lexicon.yaml`` once, lazily. Provides the ACLED event and sub-event types (spelled
as ACLED spells them) plus claimwatch's extensions, and :func:`matches`: every lexicon phrase found in a stretch
of a parsed doc (matched on the lower-case form or the lemma of each token, through string hashes computed once
per doc), as :class:`Match` records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

# ----------------------------------------------------------------------------------------------- vocabulary

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VAC = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

#: ACLED sub-event type -> event type (ACLED codebook spelling).
ACLED_TYPES = MappingProxyType({
    "Armed clash": BATTLES,
    "Government regains territory": BATTLES,
    "Non-state actor overtakes territory": BATTLES,
    "Chemical weapon": EXPLOSIONS,
    "Air/drone strike": EXPLOSIONS,
    "Suicide bomb": EXPLOSIONS,
    "Shelling/artillery/missile attack": EXPLOSIONS,
    "Remote explosive/landmine/IED": EXPLOSIONS,
    "Grenade": EXPLOSIONS,
    "Sexual violence": VAC,
    "Attack": VAC,
    "Abduction/forced disappearance": VAC,
    "Peaceful protest": PROTESTS,
    "Protest with intervention": PROTESTS,
    "Excessive force against protesters": PROTESTS,
    "Violent demonstration": RIOTS,
    "Mob violence": RIOTS,
    "Agreement": STRATEGIC,
    "Arrests": STRATEGIC,
    "Change to group/activity": STRATEGIC,
    "Disrupted weapons use": STRATEGIC,
    "Headquarters or base established": STRATEGIC,
    "Looting/property destruction": STRATEGIC,
    "Non-violent transfer of territory": STRATEGIC,
    "Other": STRATEGIC,
})

#: claimwatch's extensions for what war reporting is full of: event type -> its sub-types.
EXTENSIONS = MappingProxyType({
    "Casualties": ("Military casualties", "Civilian casualties", "Casualties"),
    "Equipment loss": ("Equipment destroyed", "Equipment captured"),
    "Prisoners": ("Prisoners taken",),
    "Military aid": ("Weapons supplied",),
    "Recruitment/mobilisation call": ("Recruitment call", "Mobilisation"),
    "Responsibility claim or denial": ("Claim of responsibility", "Denial of responsibility", "Accusation"),
    "Election/referendum": ("Election", "Referendum"),
    "Statement/press conference": ("Press conference", "Statement"),
    "Diplomacy": ("Sanctions", "Diplomatic expulsion", "Diplomatic action"),
    "Disaster": ("Natural disaster", "Man-made disaster"),
    "Crime": ("Organised crime",),
})


def event_type_of(sub_type: str) -> str:
    """The event type a sub-type belongs to (ACLED or extension)."""
    if sub_type in ACLED_TYPES:
        return ACLED_TYPES[sub_type]
    for etype, subs in EXTENSIONS.items():
        if sub_type in subs:
            return etype
    raise KeyError(sub_type)


# ----------------------------------------------------------------------------------------------- lexicon


@dataclass(frozen=True, slots=True)
class Phrase:
    tokens: tuple[str, ...]
    kind: str  #: "family" or "context"
    name: str
    weight: float
    hashes: tuple[int, ...] = ()  #: spaCy string hashes of ``tokens`` (0 for the "*" wildcard)


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    name: str
    start: int  #: token index in the doc
    end: int
    weight: float


@dataclass(frozen=True)
class Lexicon:
    index: MappingProxyType[int, tuple[Phrase, ...]]  #: hash of the first phrase token -> phrases
    families: MappingProxyType[str, float]  #: family -> default weight

    def words(self, context: str) -> frozenset[str]:
        """The one-word entries of a context set."""
        return frozenset(p.tokens[0] for ps in self.index.values() for p in ps
                         if p.kind == "context" and p.name == context and len(p.tokens) == 1)


def _parse(entry: str, default: float) -> tuple[tuple[str, ...], float]:
    text, _, weight = str(entry).partition("|")
    return tuple(text.lower().split()), (float(weight) if weight else default)


def _phrase(toks: tuple[str, ...], kind: str, name: str, weight: float) -> Phrase:
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return Phrase(toks, kind, name, weight, tuple(0 if t == "*" else hash_string(t) for t in toks))


def build_lexicon(data: dict) -> Lexicon:  # type: ignore[type-arg]
    """Compile the YAML structure (``families`` and ``contexts``) into a first-token index."""
    index: dict[int, list[Phrase]] = {}
    families: dict[str, float] = {}
    for name, fam in data.get("families", {}).items():
        families[name] = float(fam.get("weight", 1.0))
        for cue in fam.get("cues", []):
            toks, w = _parse(cue, families[name])
            ph = _phrase(toks, "family", name, w)
            index.setdefault(ph.hashes[0], []).append(ph)
    for name, words in data.get("contexts", {}).items():
        for cue in words:
            toks, w = _parse(cue, 1.0)
            ph = _phrase(toks, "context", name, w)
            index.setdefault(ph.hashes[0], []).append(ph)
    frozen = {k: tuple(sorted(v, key=lambda p: -len(p.tokens))) for k, v in index.items()}
    return Lexicon(MappingProxyType(frozen), MappingProxyType(families))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, loaded once."""
    import yaml

    text = resources.files("claimwatch").joinpath("data/events/lexicon.yaml").read_text("utf-8")
    return build_lexicon(yaml.safe_load(text))


_ARRAYS_KEY = "claimwatch.token_arrays"


@dataclass(frozen=True, slots=True)
class TokenArrays:
    """Per-token attributes as plain lists, built once per doc (no Token objects)."""

    low: list[int]  #: hash of the lower-case form
    lem: list[int]  #: hash of the lemma
    num: list[int]  #: 1 where the token looks like a number
    idx: list[int]  #: character offset
    array: Any = None  #: the same as a numpy array (columns: lower, lemma, like_num, idx)


def forms(doc: Doc) -> TokenArrays:
    got = doc.user_data.get(_ARRAYS_KEY)
    if got is None:
        from spacy.attrs import IDX, LEMMA, LIKE_NUM, LOWER

        if len(doc):
            arr = doc.to_array([LOWER, LEMMA, LIKE_NUM, IDX])
            got = TokenArrays(arr[:, 0].tolist(), arr[:, 1].tolist(), arr[:, 2].tolist(), arr[:, 3].tolist(), arr)
        else:
            got = TokenArrays([], [], [], [])
        doc.user_data[_ARRAYS_KEY] = got
    return got


def word_hashes(words: Iterable[str]) -> frozenset[int]:
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return frozenset(hash_string(w.lower()) for w in words)


def positions(doc: Doc, words: frozenset[int], numbers: bool = False) -> list[int]:
    """Token indices whose lower-case form (or lemma) hashes into ``words``, plus number-like ones if asked."""
    import numpy as np

    arr = forms(doc).array
    if arr is None:
        return []
    wanted = np.fromiter(words, dtype=arr.dtype, count=len(words))
    hit = np.isin(arr[:, 0], wanted) | np.isin(arr[:, 1], wanted)
    if numbers:
        hit |= arr[:, 2] == 1
    return np.flatnonzero(hit).tolist()


def matches(doc: Doc, start: int, end: int, lex: Lexicon | None = None) -> list[Match]:
    """Every lexicon phrase occurring in tokens [start, end) of ``doc``, each token matched on its lower-case
    form or its lemma."""
    lex = lex or lexicon()
    arrays = forms(doc)
    low, lem = arrays.low, arrays.lem
    index = lex.index
    out: list[Match] = []
    for i in range(start, end):
        cands = index.get(low[i], ())
        if lem[i] != low[i]:
            cands = cands + index.get(lem[i], ())
        seen: set[tuple[str, str, int]] = set()
        for ph in cands:
            k = len(ph.hashes)
            if i + k > end or (ph.kind, ph.name, k) in seen:
                continue
            if all(h == 0 or h == low[i + j] or h == lem[i + j] for j, h in enumerate(ph.hashes[1:], 1)):
                seen.add((ph.kind, ph.name, k))
                out.append(Match(ph.kind, ph.name, i, i + k, ph.weight))
    return _longest(out)


def _longest(found: list[Match]) -> list[Match]:
    """Drop family matches lying inside a longer family match (any family)."""
    fams = [m for m in found if m.kind == "family"]
    long = [m for m in fams if m.end - m.start > 1]
    keep = [m for m in found if m.kind == "context"]
    for m in fams:
        if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in long):
            keep.append(m)
    keep.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return keep
