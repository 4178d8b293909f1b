"""The pipeline: ``extract(article) -> Extraction``, pure (no database), single or batched.

Reads an :class:`~claimwatch.model.Article` (already cleaned); writes an :class:`~claimwatch.model.Extraction`.
The CLI, the API, the evaluators and the distributed runner all call these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from . import nlp as nlp_mod
from .about import PIPELINE_VERSION
from .actors import ActorRegistry, load_registry
from .extract import attribution, events, status
from .geo import Geoparser
from .model import Article, Extraction, ItemError
from .settings import Options, load_options

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)


class Pipeline:
    """Loaded resources plus the stages that run over one parsed document."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or load_options()

    @cached_property
    def nlp(self) -> Language:
        nlp = nlp_mod.english(self.options.english_model)
        nlp.max_length = max(nlp.max_length, self.options.max_chars + 1)  # ingest enforces max_chars itself
        return nlp

    @cached_property
    def actors(self) -> ActorRegistry:
        """The actor registry: bundled defaults merged with ``options.actors`` (loaded once)."""
        return load_registry(self.options.actors or None)

    @cached_property
    def geoparser(self) -> Geoparser:
        """Toponym detection and resolution (the gazetteer index opens on first use)."""
        return Geoparser(self.options)

    def language_of(self, article: Article) -> str:
        """The article's ISO 639-1 code: as given (normalised: "EN", "en-GB", "ua"), else detected."""
        given = _language_code(article.language)
        if given:
            return given
        return nlp_mod.detect_language(article.text, self.options.languages, self.options.default_language)

    def analyse(self, doc: Doc, article: Article) -> Extraction:
        """Run every extraction stage over an already parsed ``doc`` of ``article.text``."""
        claims = attribution.find_claims(doc)
        status.assign(doc, claims)
        events.annotate(doc, article, claims, self.actors)
        places = self.geoparser.annotate(doc, article, claims)
        events.refine_with_places(claims, self.actors)
        return Extraction(article=article, claims=claims, places=places, pipeline_version=PIPELINE_VERSION)

    def parser_for(self, language: str) -> Language:
        """The English pipeline for English; a tokenizer and sentence splitter for other languages."""
        if language == "en":
            return self.nlp
        nlp = nlp_mod.tokenizer_only(language)
        nlp.max_length = max(nlp.max_length, self.options.max_chars + 1)
        return nlp

    def with_language(self, article: Article) -> Article:
        """A copy of ``article`` with its language set (the caller's object is left as it was)."""
        return replace(article, language=self.language_of(article))

    def extract(self, article: Article) -> Extraction:
        art = self.with_language(article)
        return self.analyse(self.parser_for(art.language or "en")(art.text), art)

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        """Batched extraction (``nlp.pipe`` over the English articles of each batch), results in input order;
        one bad article yields an ItemError and the rest go on."""
        for batch in _batches(articles, self.options.batch_size):
            prepared: list[Article | ItemError] = [self._prepare(a) for a in batch]
            english = [a for a in prepared if isinstance(a, Article) and a.language == "en"]
            try:
                parsed = dict(zip(map(id, english), self.nlp.pipe([a.text for a in english],
                                                                  batch_size=self.options.batch_size)))
            except Exception:  # the batch failed as a whole: parse article by article below
                log.warning("batch of %d articles failed to parse; parsing one by one", len(english), exc_info=True)
                parsed = {}
            for art in prepared:
                yield art if isinstance(art, ItemError) else self._analyse_safely(parsed.get(id(art)), art)

    def _prepare(self, article: Article) -> Article | ItemError:
        try:
            return self.with_language(article)
        except Exception as exc:  # noqa: BLE001 - reported as this article's error
            return _failure(article, f"language identification failed: {exc}")

    def _analyse_safely(self, doc: Doc | None, art: Article) -> Extraction | ItemError:
        try:
            if doc is None:
                doc = self.parser_for(art.language or self.options.default_language)(art.text)
            return self.analyse(doc, art)
        except Exception as exc:  # one article must never stop the batch
            log.exception("extraction failed for %s", art.origin)
            return _failure(art, f"extraction failed: {exc}")


def _failure(article: Article, message: str) -> ItemError:
    return ItemError(origin=article.origin or article.title or "?", message=message, stage="extract")


#: Language codes seen in metadata and ``<html lang>`` that are not ISO 639-1.
_LANGUAGE_ALIASES = {"ua": "uk", "ukr": "uk", "rus": "ru", "eng": "en"}


def _language_code(value: str | None) -> str:
    """'EN' -> 'en', 'en-GB' -> 'en', 'ua' -> 'uk'; '' when there is nothing usable."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if code.isalpha() and len(code) in (2, 3) else ""


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@lru_cache(maxsize=4)
def get_pipeline(options: Options | None = None) -> Pipeline:
    """A process-wide pipeline per options value (models load once)."""
    return Pipeline(options)


def extract(article: Article, options: Options | None = None) -> Extraction:
    """Extract attributed claims (and, as stages land, events and places) from one article."""
    return get_pipeline(options).extract(article)


def extract_many(articles: Iterable[Article], options: Options | None = None) -> Iterator[Extraction | ItemError]:
    return get_pipeline(options).extract_many(articles)
