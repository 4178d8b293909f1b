"""Actors: a registry of canonical actors (YAML, bundled defaults merged with a user file) and fast matching.

Reads ``claimwatch/data/actors.yaml`` and, when given, the user's file (``Options.actors`` / ``--actors FILE``) once,
lazily. Provides :class:`ActorRegistry`: ``find(tokens)`` (longest alias matches over spaCy tokens, lower-cased,
tolerant of Ukrainian/Russian case endings and of quotation marks), ``ref(tokens)`` (an
:class:`~claimwatch.model.ActorRef` for an argument phrase: the canonical actor when an alias covers it, else the
phrase itself with ``actor_id=None`` so unknown actors are kept), ``kind_of`` (state / non-state) and ``side_of``.
Its entries are :class:`~claimwatch.model.Actor` records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .model import Actor, ActorRef, Span
from .text.inflection import ENDINGS

if TYPE_CHECKING:
    from spacy.tokens import Token

KINDS = ("state force", "non-state armed group", "government", "person", "organisation", "company")
_STATE = {"state force", "government"}
_QUOTES = set("«»\"“”„‘’`'")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LEADING = {"the", "a", "an", "this", "these", "those", "that"}
#: the shared endings plus the "-ия"/"-ие" noun endings, so that "управления" and "управление" meet
_ENDINGS = tuple(sorted({*ENDINGS, "ия", "ию", "ии", "ией", "иею", "ием", "иям", "иями", "иях", "ія", "ію", "ії",
                         "ією", "ієй"}, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class ActorMatch:
    actor: Actor
    start: int  #: token index (end exclusive)
    end: int


def normalise(word: str) -> str:
    """Lower-case, unify apostrophes and ё, and strip Ukrainian/Russian endings from Cyrillic words."""
    w = word.lower().replace("’", "'").replace("ё", "е")
    if len(w) > 3 and _CYRILLIC.search(w):
        for end in _ENDINGS:
            if w.endswith(end) and len(w) - len(end) >= 3:
                return w[: -len(end)]
    return w


Phrases = Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]


class ActorRegistry:
    """Canonical actors and an index of their aliases (first normalised token -> alias token tuples)."""

    def __init__(self, actors: Mapping[str, Actor], sides: Mapping[str, Iterable[str]],
                 tokenize: Callable[[str], list[str]], forces: Mapping[str, str] | None = None) -> None:
        self.actors = MappingProxyType(dict(actors))
        self.forces = MappingProxyType(dict(forces or {}))  #: side -> id of its armed forces
        self._tokenize = tokenize
        self._index = _index(((a, act.id) for act in actors.values() for a in act.aliases), tokenize)
        self._sides = _index(((w, side) for side, words in sides.items() for w in words), tokenize)
        self._names: dict[str, Actor | None] = {}  # find_text memo (source names repeat)

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, actor_id: str | None) -> Actor | None:
        return self.actors.get(actor_id) if actor_id else None

    def find(self, tokens: Iterable[Token]) -> list[ActorMatch]:
        """Non-overlapping longest alias matches in ``tokens``, in text order."""
        return [ActorMatch(self.actors[key], s, e) for s, e, key in _scan(tokens, self._index)]

    def find_text(self, text: str) -> Actor | None:
        """The actor whose alias covers the whole of ``text`` (a source name, say), if any."""
        if text not in self._names:
            if len(self._names) > 50_000:
                self._names.clear()
            self._names[text] = self._find_text(text)
        return self._names[text]

    def _find_text(self, text: str) -> Actor | None:
        words = [normalise(w) for w in self._tokenize(text) if w not in _QUOTES]
        words = words[1:] if words and words[0] in _LEADING else words
        for alias, key in self._index.get(words[0], ()) if words else ():
            if list(alias) == words:
                return self.actors[key]
        return None

    def side_of(self, tokens: Iterable[Token]) -> str | None:
        for m in self.find(tokens):
            if m.actor.side:
                return m.actor.side
        hits = _scan(tokens, self._sides)
        return hits[0][2] if hits else None

    def kind_of(self, tokens: Sequence[Token]) -> str | None:
        """"state" or "nonstate" for an argument phrase whose alias is known, else None."""
        for m in self.find(tokens):
            if m.actor.kind in _STATE:
                return "state"
            if m.actor.kind == "non-state armed group":
                return "nonstate"
        return None

    def opponent_forces(self, side: str | None) -> Actor | None:
        """The armed forces of the other party (when the registry knows exactly two sides): "the enemy"."""
        others = [s for s in self.forces if s != side]
        if side not in self.forces or len(others) != 1:
            return None
        return self.get(self.forces[others[0]])

    def acting_for(self, actor: Actor) -> Actor:
        """The armed forces a ministry/staff speaks for, or the body a person represents (else the actor)."""
        target = self.get(actor.forces or actor.represents)
        return target or actor

    def ref(self, tokens: Sequence[Token], text: str) -> ActorRef:
        """An ActorRef for an argument phrase (``text`` is the article text the tokens index into)."""
        toks = _trim(tokens)
        if not toks:
            raise ValueError("empty actor phrase")
        span = Span.of(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
        head = _head(toks)
        for m in self.find(toks):
            if m.start <= head.i < m.end or (m.end - m.start) == len(toks):
                a = m.actor
                return ActorRef(name=a.name, span=span, actor_id=a.id, side=a.side, kind=a.kind)
        return ActorRef(name=span.text, span=span, actor_id=None, side=self.side_of(toks), kind=None)


def _index(pairs: Iterable[tuple[str, str]], tokenize: Callable[[str], list[str]]) -> Phrases:
    index: dict[str, set[tuple[tuple[str, ...], str]]] = {}
    for alias, key in pairs:
        words = tuple(normalise(w) for w in tokenize(alias) if w not in _QUOTES)
        if words:
            index.setdefault(words[0], set()).add((words, key))
    return MappingProxyType({k: tuple(sorted(v, key=lambda p: (-len(p[0]), p[1]))) for k, v in index.items()})


def _scan(tokens: Iterable[Token], index: Phrases) -> list[tuple[int, int, str]]:
    """Longest matches as (start token index, end token index, key); quotation marks are skipped."""
    seq = [(t.i, normalise(t.text)) for t in tokens if t.text not in _QUOTES]
    out = []
    i = 0
    while i < len(seq):
        hit = None
        for alias, key in index.get(seq[i][1], ()):
            k = len(alias)
            if i + k <= len(seq) and all(seq[i + j][1] == alias[j] for j in range(1, k)):
                hit = (k, key)
                break
        if hit:
            out.append((seq[i][0], seq[i + hit[0] - 1][0] + 1, hit[1]))
            i += hit[0]
        else:
            i += 1
    return out


def _trim(tokens: Sequence[Token]) -> list[Token]:
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].lower_ in _LEADING):
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    return toks


def _head(toks: list[Token]) -> Token:
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head is t:
            return t
    return toks[-1]


# ------------------------------------------------------------------------------------------------- loading


def _actor(entry: Mapping[str, Any], origin: str) -> Actor:
    try:
        actor_id, name, kind = str(entry["id"]), str(entry["name"]), str(entry["kind"])
    except KeyError as exc:
        raise ValueError(f"{origin}: actor entry without {exc.args[0]!r}: {dict(entry)}") from exc
    if kind not in KINDS:
        raise ValueError(f"{origin}: actor {actor_id!r} has kind {kind!r}; use one of {', '.join(KINDS)}")
    aliases = entry.get("aliases") or {}
    words = [name] + [a for lang in aliases.values() for a in (lang or [])] if isinstance(aliases, dict) \
        else [name, *aliases]
    return Actor(id=actor_id, name=name, kind=kind, side=entry.get("side") or None,
                 country=entry.get("country") or None, inter=int(entry.get("inter") or 0),
                 acled_name=entry.get("acled_name") or None, parent=entry.get("parent") or None,
                 forces=entry.get("forces") or None, represents=entry.get("represents") or None,
                 aliases=tuple(dict.fromkeys(str(w) for w in words)))


def merge(base: dict[str, Actor], entries: Iterable[Mapping[str, Any]], origin: str) -> dict[str, Actor]:
    """Actors of ``entries`` over ``base``: a known id is updated field by field, its aliases extended."""
    out = dict(base)
    for entry in entries:
        old = out.get(str(entry.get("id")))
        if old is not None:
            full = {"name": old.name, "kind": old.kind, **entry}
            new = _actor(full, origin)
            fields = {k: getattr(new, k) for k in ("name", "kind", "side", "country", "inter", "acled_name",
                                                   "parent", "forces", "represents") if k in entry}
            out[old.id] = replace(old, **fields, aliases=tuple(dict.fromkeys(old.aliases + new.aliases)))
        else:
            new = _actor(entry, origin)
            out[new.id] = new
    return out


def _read(text: str, origin: str) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("actors", []), list):
        raise ValueError(f"{origin}: expected a mapping with an 'actors' list")  # noqa: TRY004 - a bad file, reported as such
    return data


@lru_cache(maxsize=8)
def load_registry(user_file: str | None = None) -> ActorRegistry:
    """The bundled registry merged with ``user_file`` (YAML of the same layout), loaded once per file."""
    import spacy

    bundled = _read(resources.files("claimwatch").joinpath("data/actors.yaml").read_text("utf-8"), "actors.yaml")
    actors = merge({}, bundled.get("actors", []), "actors.yaml")
    sides: dict[str, list[str]] = {}
    forces: dict[str, str] = {}
    datas = [bundled]
    if user_file:
        user = _read(Path(user_file).read_text("utf-8"), str(user_file))
        actors = merge(actors, user.get("actors", []), str(user_file))
        datas.append(user)
    for data in datas:
        for side, entry in (data.get("sides") or {}).items():
            entry = dict(entry or {})
            if entry.get("forces"):
                forces[side] = str(entry.pop("forces"))
            sides.setdefault(side, []).extend(str(w) for words in entry.values() for w in (words or []))
    tokenizer = spacy.blank("en").tokenizer
    return ActorRegistry(actors, sides, lambda s: [t.text for t in tokenizer(s)], forces)
