"""The event vocabulary and the trigger lexicon behind event typing.

Reads ``claimwatch/data/events/lexicon.yaml`` once, lazily. Provides the ACLED event and sub-event types (spelled
as ACLED spells them) plus claimwatch's extensions, and :func:`matches`: every lexicon phrase found in a run of
spaCy tokens (matched on the lower-case form or the lemma of each token), as :class:`Match` records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

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


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    name: str
    start: int  #: token index in the doc
    end: int
    weight: float


@dataclass(frozen=True)
class Lexicon:
    index: MappingProxyType[str, tuple[Phrase, ...]]  #: first phrase token -> phrases
    families: MappingProxyType[str, float]  #: family -> default weight

    def words(self, context: str) -> frozenset[str]:
        """The one-word entries of a context set."""
        return frozenset(p.tokens[0] for ps in self.index.values() for p in ps
                         if p.kind == "context" and p.name == context and len(p.tokens) == 1)


def _parse(entry: str, default: float) -> tuple[tuple[str, ...], float]:
    text, _, weight = str(entry).partition("|")
    return tuple(text.lower().split()), (float(weight) if weight else default)


def build_lexicon(data: dict) -> Lexicon:  # type: ignore[type-arg]
    """Compile the YAML structure (``families`` and ``contexts``) into a first-token index."""
    index: dict[str, list[Phrase]] = {}
    families: dict[str, float] = {}
    for name, fam in data.get("families", {}).items():
        families[name] = float(fam.get("weight", 1.0))
        for cue in fam.get("cues", []):
            toks, w = _parse(cue, families[name])
            index.setdefault(toks[0], []).append(Phrase(toks, "family", name, w))
    for name, words in data.get("contexts", {}).items():
        for cue in words:
            toks, w = _parse(cue, 1.0)
            index.setdefault(toks[0], []).append(Phrase(toks, "context", name, w))
    frozen = {k: tuple(sorted(v, key=lambda p: -len(p.tokens))) for k, v in index.items()}
    return Lexicon(MappingProxyType(frozen), MappingProxyType(families))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, loaded once."""
    import yaml

    text = resources.files("claimwatch").joinpath("data/events/lexicon.yaml").read_text("utf-8")
    return build_lexicon(yaml.safe_load(text))


def _forms(tok: Token) -> tuple[str, ...]:
    low = tok.lower_
    lemma = tok.lemma_.lower()
    return (low,) if lemma == low else (low, lemma)


def _fits(tok: Token, want: str) -> bool:
    return want == "*" or want == tok.lower_ or want == tok.lemma_.lower()


def matches(tokens: Sequence[Token], lex: Lexicon | None = None) -> list[Match]:
    """Every lexicon phrase occurring in ``tokens`` (a Span or a list of consecutive tokens)."""
    lex = lex or lexicon()
    out: list[Match] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        seen: set[tuple[str, str, int]] = set()
        for form in _forms(tok):
            for ph in lex.index.get(form, ()):
                k = len(ph.tokens)
                if i + k > n or (ph.kind, ph.name, k) in seen:
                    continue
                if all(_fits(tokens[i + j], ph.tokens[j]) for j in range(1, k)):
                    seen.add((ph.kind, ph.name, k))
                    out.append(Match(ph.kind, ph.name, tok.i, tokens[i + k - 1].i + 1, ph.weight))
    return _longest(out)


def _longest(found: Iterable[Match]) -> list[Match]:
    """Drop family matches lying inside a longer family match (any family), and shorter duplicates."""
    fams = [m for m in found if m.kind == "family"]
    keep = [m for m in found if m.kind == "context"]
    for m in fams:
        inside = any(o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                     for o in fams)
        if not inside:
            keep.append(m)
    keep.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return keep
