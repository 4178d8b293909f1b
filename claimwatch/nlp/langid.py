"""Language identification: the language of an article, with a confidence, and the language of each paragraph.

Reads a text, the language it declares (if any) and the configured languages; writes a
:class:`~claimwatch.model.Languages` record. The article's language is the declared one when there is one, else
lingua's answer among the configured languages over the first :data:`SAMPLE` characters (Latin-only text is
English without asking lingua; a text too short for lingua is judged by its script: Cyrillic with і/ї/є/ґ is
Ukrainian, with ы/э/ъ/ё Russian). Paragraphs are the text's lines: each line with at least :data:`MIN_LETTERS`
letters (links, @mentions and #hashtags not counted) is identified on its own and keeps its answer when lingua
is at least :data:`MIN_CONFIDENCE` sure and the line's letters do not contradict it (Ukrainian with ы/э/ъ/ё but
no і/ї/є/ґ, or the reverse); a Cyrillic line with ы/э/ъ/ё and none of і/ї/є/ґ is Russian without asking lingua
(most Russian lines: that keeps identification cheap), and a line almost without Cyrillic is English. Shorter or unsure
lines take the language of the line before them (else the one after, else the article's).
Neighbouring lines of one language make one span; the spans cover the text without gaps.

lingua's detectors load lazily, once per process and set of languages (low accuracy mode: trigram models only,
a fraction of a millisecond per line); nothing loads at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from ..model import Languages, LanguageSpan

#: characters of the text the article's language is judged on
SAMPLE = 2000
#: letters a line needs to be identified on its own (shorter lines take their neighbours' language)
MIN_LETTERS = 30
#: lingua's confidence a line needs to keep its own language
MIN_CONFIDENCE = 0.9
#: below this many letters lingua is not asked about the article: the script decides
SHORT = 12
#: the confidence given to a line whose letters alone decide (ы/э/ъ/ё and none of і/ї/є/ґ: Russian)
LETTERS_CONFIDENCE = 0.99
#: letters found in Ukrainian, not Russian, and the reverse
UK_LETTERS = frozenset("іїєґІЇЄҐ")
RU_LETTERS = frozenset("ыэъёЫЭЪЁ")
#: links, @mentions and #hashtags: not words of the line's language
_WEB = re.compile(r"(?:https?://|www\.|[@#])\S+")


def identify(text: str, languages: Sequence[str] = ("en", "uk", "ru"), default: str = "en",
             declared: str = "") -> Languages:
    """The article's language (``declared`` wins when given) and the language of each of its lines."""
    configured = tuple(languages) or (default,)
    if declared:
        language, confidence, method = declared, 1.0, "declared"
    else:
        language, confidence, method = guess(_WEB.sub(" ", text[:SAMPLE]), configured, default)
    spans = paragraphs(text, configured, language, confidence) if language in configured else ()
    return Languages(language, confidence, method, spans or _whole(text, language, confidence))


def guess(text: str, languages: tuple[str, ...], default: str = "en") -> tuple[str, float, str]:
    """(language, confidence, method) of ``text`` among ``languages``; see the module docstring."""
    if len(languages) == 1:
        return languages[0], 1.0, "only"
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return default, 0.0, "default"
    by_script = _by_script(letters, languages)
    if by_script is not None:
        return by_script
    if len(letters) < SHORT:
        return _by_letters(letters, languages, default)
    found = _lingua(text, languages)
    if found is None:
        return _by_letters(letters, languages, default)
    return found[0], found[1], "lingua"


def paragraphs(text: str, languages: tuple[str, ...], language: str,
               confidence: float = 1.0) -> tuple[LanguageSpan, ...]:
    """Spans of one language each, covering ``text``: its lines identified one by one (see the module docstring),
    short and unsure lines joined to their neighbours; ``language`` is the article's."""
    lines = list(_lines(text))
    found: list[tuple[str, float] | None] = [_line_language(text[s:e], languages) for s, e in lines]
    if all(f is None or f[0] == language for f in found):
        return _whole(text, language, confidence)
    filled = _filled(found, language, confidence)
    spans: list[LanguageSpan] = []
    weights: list[tuple[float, float]] = []  # (letters, letters * confidence) of the lines identified on their own
    for (start, end), (lang, conf), own in zip(lines, filled, found, strict=True):
        n = float(sum(c.isalpha() for c in text[start:end])) if own is not None else 0.0
        if spans and spans[-1].language == lang:
            spans[-1] = LanguageSpan(spans[-1].start, end, lang, spans[-1].confidence)
            weights[-1] = (weights[-1][0] + n, weights[-1][1] + n * conf)
        else:
            spans.append(LanguageSpan(start, end, lang, conf))
            weights.append((n, n * conf))
    return tuple(LanguageSpan(s.start, s.end, s.language, round(w[1] / w[0], 4) if w[0] else s.confidence)
                 for s, w in zip(spans, weights, strict=True))


def _whole(text: str, language: str, confidence: float) -> tuple[LanguageSpan, ...]:
    return (LanguageSpan(0, len(text), language, confidence),) if text else ()


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, its line break included (the last line may have none)."""
    start = 0
    while start < len(text):
        brk = text.find("\n", start)
        end = len(text) if brk < 0 else brk + 1
        yield start, end
        start = end


def _line_language(line: str, languages: tuple[str, ...]) -> tuple[str, float] | None:
    """A line's own language and confidence, or None when it is too short or lingua is unsure (links, mentions
    and hashtags left out)."""
    line = _WEB.sub(" ", line)
    letters = [c for c in line if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    by_script = _by_script(letters, languages)
    if by_script is not None:
        return by_script[0], by_script[1]
    if "ru" in languages and _against_letters("uk", letters):  # ы/э/ъ/ё, no і/ї/є/ґ: Russian, lingua not asked
        return "ru", LETTERS_CONFIDENCE
    found = _lingua(line, languages)
    if found is None or found[1] < MIN_CONFIDENCE or _against_letters(found[0], letters):
        return None
    return found


def _filled(found: list[tuple[str, float] | None], language: str,
            confidence: float) -> list[tuple[str, float]]:
    """Every line's language: its own, else the previous line's, else the next line's, else the article's."""
    out: list[tuple[str, float] | None] = []
    last: tuple[str, float] | None = None
    for f in found:
        last = f or last
        out.append(last)
    following: tuple[str, float] | None = None
    for i in range(len(out) - 1, -1, -1):
        following = found[i] or following
        if out[i] is None:
            out[i] = following
    return [f or (language, confidence) for f in out]


def _by_script(letters: Sequence[str], languages: tuple[str, ...]) -> tuple[str, float, str] | None:
    """English for text with (almost) no Cyrillic letters when English is configured, else None."""
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    if "en" in languages and cyrillic / len(letters) < 0.2:
        return "en", round(1.0 - cyrillic / len(letters), 4), "script"
    return None


def _against_letters(language: str, letters: Sequence[str]) -> bool:
    """Whether the letters of a line contradict ``language``: Ukrainian with ы/э/ъ/ё and no і/ї/є/ґ, or Russian
    with і/ї/є/ґ and none of ы/э/ъ/ё (lingua's trigrams misread some Russian headlines as Ukrainian)."""
    uk = any(c in UK_LETTERS for c in letters)
    ru = any(c in RU_LETTERS for c in letters)
    return (language == "uk" and ru and not uk) or (language == "ru" and uk and not ru)


def _by_letters(letters: Sequence[str], languages: tuple[str, ...], default: str) -> tuple[str, float, str]:
    """Short Cyrillic text: і/ї/є/ґ says Ukrainian, ы/э/ъ/ё Russian; neither (or both): the first configured of
    Russian and Ukrainian, at a low confidence."""
    uk = any(c in UK_LETTERS for c in letters)
    ru = any(c in RU_LETTERS for c in letters)
    if uk != ru and ("uk" if uk else "ru") in languages:
        return ("uk" if uk else "ru"), 0.75, "script"
    cyrillic = [code for code in languages if code in ("ru", "uk")]
    if cyrillic:
        return cyrillic[0], 0.5, "script"
    return default, 0.0, "default"


def _lingua(text: str, languages: tuple[str, ...]) -> tuple[str, float] | None:
    """lingua's most likely language of ``text`` among the ``languages`` it knows, with its confidence value."""
    detector = _detector(languages)
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value <= 0.0:
        return None
    return str(values[0].language.iso_code_639_1.name).lower(), round(float(values[0].value), 4)


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> Any:
    """lingua's detector for those of ``languages`` it knows (None for fewer than two)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages if hasattr(IsoCode639_1, code.upper())]
    if len(codes) < 2:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
