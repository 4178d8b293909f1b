"""Russian and Ukrainian word lists: speech verbs, fronted-source cues, hedges, denials (``data/slavic/*.yaml``).

Reads ``claimwatch/data/slavic/<language>.yaml`` once per language, lazily; writes nothing. The parse stage uses
them to choose the sentences worth a syntactic parse, the attribution stage to find cues, the status stage to
find hedges and denials. Lemmas are compared with "ё" written "е" (:func:`fold`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

#: languages with a word-list file
LANGUAGES = ("ru", "uk")

Phrase = tuple[str, ...]


def fold(word: str) -> str:
    """Lower case, "ё" as "е", typographic apostrophes as "'"."""
    return word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


@dataclass(frozen=True, slots=True)
class WordLists:
    """One language's lists (lemmas folded; phrases as folded word tuples, longest first)."""

    language: str
    speech_verbs: frozenset[str]
    impersonal: tuple[Phrase, ...]
    according: tuple[Phrase, ...]
    according_nouns: frozenset[str]
    anaphoric: frozenset[str]
    subject_pronouns: frozenset[str]
    report_nouns: frozenset[str]
    hedges: tuple[Phrase, ...]
    no_confirmation: tuple[Phrase, ...]
    denial_verbs: frozenset[str]
    denial_words: frozenset[str]
    confirm_verbs: frozenset[str]
    speech_nouns: frozenset[str] = frozenset()
    source_nouns: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()
    that_verbs: frozenset[str] = frozenset()

    @property
    def cue_words(self) -> frozenset[str]:
        """Every first word of a fronted or impersonal cue (folded surface forms): sentences with one of them, or
        with a speech verb, get a syntactic parse."""
        return frozenset(p[0] for p in (*self.according, *self.impersonal))


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(fold(str(v)) for v in values)


def _phrases(values: Iterable[Sequence[Any]]) -> tuple[Phrase, ...]:
    found = {tuple(fold(str(w)) for w in p) for p in values if p}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=len(LANGUAGES))
def wordlists(language: str) -> WordLists:
    """The word lists of ``language`` ("ru" or "uk"), loaded once."""
    import yaml

    if language not in LANGUAGES:
        raise KeyError(f"no word lists for language {language!r} (have {', '.join(LANGUAGES)})")
    text = resources.files("claimwatch").joinpath(f"data/slavic/{language}.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return WordLists(
        language=language,
        speech_verbs=_words(data.get("speech_verbs", ())),
        impersonal=_phrases(data.get("impersonal", ())),
        according=_phrases(data.get("according", ())),
        according_nouns=_words(data.get("according_nouns", ())),
        anaphoric=_words(data.get("anaphoric", ())),
        subject_pronouns=_words(data.get("subject_pronouns", ())),
        report_nouns=_words(data.get("report_nouns", ())),
        hedges=_phrases(data.get("hedges", ())),
        no_confirmation=_phrases(data.get("no_confirmation", ())),
        denial_verbs=_words(data.get("denial_verbs", ())),
        denial_words=_words(data.get("denial_words", ())),
        confirm_verbs=_words(data.get("confirm_verbs", ())),
        speech_nouns=_words(data.get("speech_nouns", ())),
        source_nouns=_words(data.get("source_nouns", ())),
        labels=_words(data.get("labels", ())),
        that_verbs=_words(data.get("that_verbs", ())),
    )


def phrase_at(words: Sequence[str], i: int, phrases: Iterable[Phrase]) -> Phrase | None:
    """The first (longest) of ``phrases`` that ``words`` (folded) spell from position ``i``."""
    for p in phrases:
        if tuple(words[i:i + len(p)]) == p:
            return p
    return None
