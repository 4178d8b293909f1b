"""Cheap lexical relatedness between a short claim (a headline) and an article: content words and coverage.

Reads plain strings; writes nothing. No model is loaded: words are found by a regular expression, spaCy's English
stop-word list (a plain Python set; importing it loads no pipeline) drops function words, and a crude suffix
stripper (:func:`stem`) lets "captured" meet "capture" and "strikes" meet "strike". The similarity used to tell
related from unrelated articles is :func:`lead_weighted_coverage`: the share of the claim's content words found in
the article, averaged with the same share over the article's lead, where a related article restates its claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

#: A word: letters or digits, with an apostrophe ending kept on ("don't", "Russia's").
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: Characters of the article's beginning that count as its lead.
LEAD_CHARS = 300
#: Suffixes :func:`stem` strips, longest first, with what replaces them.
_SUFFIXES = (("'s", ""), ("’s", ""), ("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""),
             ("es", ""), ("s", ""), ("ly", ""))
#: A stem must keep at least this many characters.
_MIN_STEM = 3
_DOUBLE_END = re.compile(r"([bdfgmnprt])\1$")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude English stem: lower case, the possessive or one inflectional suffix and a final "e" stripped, so
    that inflected forms meet ("strikes", "striking", "strike" -> "strik")."""
    w = word.lower().replace("’", "'")
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_STEM:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            w = w[: len(w) - len(suffix)] + repl
            if suffix in ("ing", "ed"):
                w = _DOUBLE_END.sub(r"\1", w)
            break
    return w.rstrip("e") if len(w) > _MIN_STEM else w


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def content_stems(text: str) -> set[str]:
    """Stems of the words of ``text`` that are not stop words (numbers are kept)."""
    return {stem(w) for w in words(text) if _is_content(w)}


def _is_content(word: str) -> bool:
    return word.isdigit() or (len(word) > 1 and word not in STOP_WORDS and word.split("'")[0] not in STOP_WORDS)


def coverage(claim: set[str], text_stems: Iterable[str] | set[str]) -> float:
    """The share of ``claim``'s stems found among ``text_stems`` (0 for an empty claim)."""
    if not claim:
        return 0.0
    found = text_stems if isinstance(text_stems, set) else set(text_stems)
    return len(claim & found) / len(claim)


def lead_weighted_coverage(claim_text: str, article_text: str, lead_chars: int = LEAD_CHARS) -> float:
    """Relatedness of an article to a claim: the mean of the claim's content-word coverage by the whole article
    and by its first ``lead_chars`` characters (0..1)."""
    claim = content_stems(claim_text)
    return (coverage(claim, content_stems(article_text)) + coverage(claim, content_stems(article_text[:lead_chars]))) / 2
