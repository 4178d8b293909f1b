"""The pipeline: ``extract(article) -> Extraction``, pure (no database), single or batched.

Reads an :class:`~claimwatch.model.Article` (already cleaned); writes an :class:`~claimwatch.model.Extraction`.
A :class:`Pipeline` holds, per language, an ordered list of stages (:mod:`claimwatch.stage`): English is
parse → attribution → status → events → paragraphs → geo → territory; Russian and Ukrainian have their own parse,
attribution and events stages (:mod:`.nlp.slavic`, :mod:`.extract.attribution.slavic`, :mod:`.extract.events.slavic`)
and the shared status, geo and territory stages; other languages swap the parse for a tokenizer and sentence
splitter, so the rule-based parts of the later stages still run. Before any stage, language identification
(:mod:`.nlp.langid`) sets the article's language (a declared one wins) and the language of each paragraph; the
paragraphs stage (:mod:`.extract.mixed`) gives paragraphs in another language the claims of that language's
stages. The lists are checked when the pipeline is built, and ``Options.disable`` switches stages off. The CLI,
the API, the evaluators and the distributed runner all call these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from . import nlp as nlp_mod
from .about import pipeline_version
from .actors import ActorRegistry, load_registry
from .extract.attribution import AttributionStage
from .extract.attribution.slavic import SlavicAttributionStage
from .extract.events import EventsStage, TerritoryStage
from .extract.events.slavic import SlavicEventsStage
from .extract.mixed import RUN_STAGES, ParagraphsStage
from .extract.status import StatusStage
from .geo import Geoparser, GeoStage, Prior
from .model import Article, Extraction, ItemError, Languages
from .nlp.langid import identify
from .nlp.parse import ParseStage
from .nlp.slavic import SlavicParseStage
from .settings import Options, load_options
from .stage import Analysis, PipelineError, Stage, check, unknown_names, without

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: languages with their own parse and attribution stages (:mod:`claimwatch.nlp.slavic`)
SLAVIC = ("ru", "uk")


class Pipeline:
    """Loaded resources (lazily: nothing loads until a stage needs it) plus the stages of each language.

    ``stages`` replaces the default lists for the languages it names (``{"en": [...]}``); every list is checked
    here, so a stage whose requirement no earlier stage meets fails now, not on the first article.
    """

    def __init__(self, options: Options | None = None, stages: Mapping[str, Sequence[Stage]] | None = None,
                 outlet_priors: Mapping[str, Prior] | None = None) -> None:
        self.options = options or load_options()
        self._custom = {k: list(v) for k, v in (stages or {}).items()}
        #: where each outlet usually reports from, by outlet name (see :func:`claimwatch.geo.outlet_priors`):
        #: the geo stage resolves an article of that outlet with it
        self.outlet_priors: dict[str, Prior] = dict(outlet_priors or {})
        self._lists: dict[str, tuple[list[Stage], dict[str, str]]] = {}
        for language in dict.fromkeys([*self.options.languages, *self._custom]):
            self._list(language)

    def __reduce__(self) -> tuple[type[Pipeline], tuple[Options, dict[str, list[Stage]] | None,
                                                           dict[str, Prior] | None]]:
        """Pickled as what builds it (options, custom stage lists, outlet priors), never its loaded models: a
        copy sent to a worker process (:mod:`claimwatch.workers`) loads its own, once, when first used."""
        return type(self), (self.options, self._custom or None, self.outlet_priors or None)

    # ------------------------------------------------------------------------------------------ resources

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

    def parser_for(self, language: str) -> Language:
        """The English pipeline for English; a tokenizer and sentence splitter for other languages (Russian and
        Ukrainian use :func:`claimwatch.nlp.slavic.parser` instead)."""
        if language == "en":
            return self.nlp
        nlp = nlp_mod.tokenizer_only(language)
        nlp.max_length = max(nlp.max_length, self.options.max_chars + 1)
        return nlp

    # ------------------------------------------------------------------------------------------- stages

    def default_stages(self, language: str) -> list[Stage]:
        """The stages a language gets unless the caller gave its own list."""
        actors = lambda: self.actors
        paragraphs = ParagraphsStage(self.run_stages)
        if language in SLAVIC:
            return [SlavicParseStage(language, self.options.batch_size), SlavicAttributionStage(language),
                    StatusStage(language), SlavicEventsStage(language, actors), paragraphs,
                    GeoStage(lambda: self.geoparser, lambda: self.outlet_priors), TerritoryStage(actors)]
        if language == "en":
            parse = ParseStage(lambda: self.nlp, f"spaCy {self.options.english_model} with claimwatch's "
                                                 "entity rules", self.options.batch_size)
        else:
            parse = ParseStage(lambda: self.parser_for(language), f"spaCy tokenizer and sentence splitter "
                                                                  f"({language}); no tagger or parser yet",
                               self.options.batch_size)
        return [parse, AttributionStage(self.options.accurate), StatusStage(), EventsStage(actors), paragraphs,
                GeoStage(lambda: self.geoparser, lambda: self.outlet_priors), TerritoryStage(actors)]

    def run_stages(self, language: str) -> list[Stage]:
        """What a run of ``language`` paragraphs inside an article of another language goes through: that
        language's stages named in :data:`~claimwatch.extract.mixed.RUN_STAGES` (those not disabled)."""
        return [s for s in self.stages(language) if s.name in RUN_STAGES]

    def _list(self, language: str) -> tuple[list[Stage], dict[str, str]]:
        if language not in self._lists:
            stages = self._custom.get(language) or self.default_stages(language)
            check(stages)
            unknown = unknown_names(stages, self.options.disable)
            if unknown:
                names = ", ".join(s.name for s in stages)
                raise PipelineError(f"cannot disable unknown stage(s) {', '.join(unknown)}: the {language} "
                                    f"stages are {names}")
            kept, dropped = without(stages, self.options.disable)
            for name, why in dropped.items():
                if why != "disabled":
                    log.info("%s stage %s is off: it %s", language, name, why)
            self._lists[language] = (kept, dropped)
        return self._lists[language]

    def stages(self, language: str = "en") -> list[Stage]:
        """The stages that run for ``language``, in order (disabled ones left out)."""
        return list(self._list(language)[0])

    def dropped(self, language: str = "en") -> dict[str, str]:
        """Stages of ``language`` that do not run, with why: "disabled", or what they lack."""
        return dict(self._list(language)[1])

    @property
    def version(self) -> str:
        """What this pipeline writes into ``Extraction.pipeline_version`` (it names disabled stages)."""
        return pipeline_version(self.options.disable, self.options.accurate)

    # ----------------------------------------------------------------------------------------- running

    def language_of(self, article: Article) -> str:
        """The article's ISO 639-1 code: as given (normalised: "EN", "en-GB", "ua"), else ``Options.language``,
        else identified."""
        return self.languages_of(article).language

    def languages_of(self, article: Article) -> Languages:
        """Language identification of ``article``: its language (declared by the article or ``Options.language``,
        else identified among ``Options.languages``) with a confidence, and the language of each paragraph."""
        declared = _language_code(article.language) or _language_code(self.options.language)
        return identify(article.text, self.options.languages, self.options.default_language, declared)

    def with_language(self, article: Article) -> Article:
        """A copy of ``article`` with its language and paragraph languages set (the caller's object is left as
        it was)."""
        languages = self.languages_of(article)
        return replace(article, language=languages.language, languages=languages)

    def analyse(self, doc: Doc, article: Article) -> Extraction:
        """Run every stage after the parse over an already parsed ``doc`` of ``article.text``."""
        analysis = self._analysis(article)
        analysis.doc = doc
        for stage in self.stages(article.language or "en"):
            if stage.name != "parse":
                stage(analysis)
        return analysis.extraction

    def extract(self, article: Article) -> Extraction:
        """Every stage of the article's language over one article; a failing stage raises."""
        analysis = self._analysis(self.with_language(article))
        for stage in self.stages(analysis.article.language or "en"):
            stage(analysis)
        return analysis.extraction

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]:
        """Batched extraction (the parse takes each batch of one language in one go), results in input order;
        an article that fails in some stage yields an ItemError naming it, and the rest go on."""
        for batch in batches(articles, self.options.batch_size):
            prepared = [self._prepare(a) for a in batch]
            failed: dict[int, ItemError] = {}
            by_language: dict[str, list[Analysis]] = {}
            for item in prepared:
                if isinstance(item, Analysis):
                    by_language.setdefault(item.article.language or "en", []).append(item)
            for language, group in by_language.items():
                failed.update(self._run(group, self.stages(language)))
            for item in prepared:
                if isinstance(item, ItemError):
                    yield item
                else:
                    yield failed.get(id(item)) or item.extraction

    def _run(self, group: list[Analysis], stages: Sequence[Stage]) -> dict[int, ItemError]:
        """Run ``stages`` over ``group``; returns the failures by ``id`` of their analysis."""
        failed: dict[int, ItemError] = {}
        live = group
        for stage in stages:
            if stage.batched and len(live) > 1 and self._pipe(stage, live):
                continue
            survivors = []
            for analysis in live:
                try:
                    stage(analysis)
                    survivors.append(analysis)
                except Exception as exc:  # one article must never stop the batch
                    log.exception("stage %s failed for %s", stage.name, analysis.article.origin)
                    failed[id(analysis)] = _failure(analysis.article, f"{stage.name} failed: {exc}")
            live = survivors
        for analysis in group:
            analysis.doc = None  # the parse is not part of the result; free it with the batch
        return failed

    @staticmethod
    def _pipe(stage: Stage, live: list[Analysis]) -> bool:
        try:
            stage.pipe(live)
            return True
        except Exception:  # the batch failed as a whole: the caller goes article by article
            log.warning("stage %s failed on a batch of %d; running it article by article", stage.name, len(live),
                        exc_info=True)
            return False

    def _analysis(self, article: Article) -> Analysis:
        return Analysis(Extraction(article=article, pipeline_version=self.version))

    def _prepare(self, article: Article) -> Analysis | ItemError:
        try:
            return self._analysis(self.with_language(article))
        except Exception as exc:  # noqa: BLE001 - reported as this article's error
            return _failure(article, f"language identification failed: {exc}")


def _failure(article: Article, message: str) -> ItemError:
    return ItemError(origin=article.origin or article.title or "?", message=message, stage="extract")


#: Language codes seen in metadata and ``<html lang>`` that are not ISO 639-1.
_LANGUAGE_ALIASES = {"ua": "uk", "ukr": "uk", "rus": "ru", "eng": "en"}


def _language_code(value: str | None) -> str:
    """'EN' -> 'en', 'en-GB' -> 'en', 'ua' -> 'uk'; '' when there is nothing usable."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if code.isalpha() and len(code) in (2, 3) else ""


def batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily."""
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
    """Attributed claims, their statuses, events and places of one article."""
    return get_pipeline(options).extract(article)


def extract_many(articles: Iterable[Article], options: Options | None = None) -> Iterator[Extraction | ItemError]:
    return get_pipeline(options).extract_many(articles)
