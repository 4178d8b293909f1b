"""The paragraphs stage: stretches of an article in another language than the article's (a Ukrainian statement
quoted in a Russian post, an English one in a Ukrainian post) extracted again by their own language's stages.

Reads the article's paragraph languages (``article.languages``, from :mod:`claimwatch.nlp.langid`; asked through
:meth:`~claimwatch.stage.Analysis.language_at`) and the claims the article's own stages found; writes
``claims``: for each run of other-language paragraphs, the claims whose content starts in it and whose cue (if
any) is in it too are replaced by what the run's language finds when its stages up to the events (parse,
attribution, status, events, whichever run) read the run alone. Claims whose cue is outside the run (a Russian
"Зеленский заявил:" over a Ukrainian quote) are kept; a new claim overlapping a kept one is left out. Offsets
of the new claims are moved to the article's text, so every span still points into ``Article.text``. The
geo and territory stages run afterwards over the whole article, as for any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..model import Article, Claim, Extraction, Languages, LanguageSpan, Span
from ..stage import Analysis, Stage

T = TypeVar("T")

#: the stages a run of other-language paragraphs goes through (those its language has, in its order)
RUN_STAGES = ("parse", "attribution", "status", "events")


class ParagraphsStage(Stage):
    """Paragraphs in another language than the article's get their claims from that language's rules."""

    name = "paragraphs"
    requires = ("claims",)
    assigns = ("claims",)

    def __init__(self, stages_for: Callable[[str], Sequence[Stage]]) -> None:
        self._stages_for = stages_for  #: a language's stages for a run (see :data:`RUN_STAGES`)

    def __call__(self, analysis: Analysis) -> None:
        article = analysis.article
        for run in foreign_runs(article):
            found = self._extract(article, run)
            analysis.extraction.claims = merged(analysis.extraction.claims, found, run)

    def _extract(self, article: Article, run: LanguageSpan) -> list[Claim]:
        """The claims of ``run`` read alone by its language's stages, in the article's offsets."""
        analysis = Analysis(Extraction(article=_run_article(article, run)))
        for stage in self._stages_for(run.language):
            stage(analysis)
        return [shifted(c, run.start) for c in analysis.extraction.claims]


def foreign_runs(article: Article) -> list[LanguageSpan]:
    """The spans of ``article`` whose language is not the article's, with some letters in them."""
    languages = article.languages
    if languages is None or not languages.mixed:
        return []
    return [s for s in languages.spans if s.language != article.language
            and any(c.isalpha() for c in article.text[s.start:s.end])]


def merged(claims: list[Claim], found: list[Claim], run: LanguageSpan) -> list[Claim]:
    """``claims`` less those that belong to ``run`` (content starting in it, cue in it or none), plus ``found``
    (claims of the run, in article offsets) that overlap none kept; ordered by content."""
    kept = [c for c in claims if not _belongs(c, run)]
    added = [c for c in found if not any(c.content.overlaps(k.content) for k in kept)]
    return sorted([*kept, *added], key=lambda c: (c.content.start, c.content.end))


def _belongs(claim: Claim, run: LanguageSpan) -> bool:
    inside = run.start <= claim.content.start < run.end
    return inside and (claim.cue is None or run.start <= claim.cue.start < run.end)


def shifted(value: T, delta: int) -> T:
    """``value`` with every :class:`~claimwatch.model.Span` in it (nested records, lists, tuples) moved by
    ``delta`` characters."""
    return _shift(value, delta)  # type: ignore[no-any-return]


def _shift(value: Any, delta: int) -> Any:
    if isinstance(value, Span):
        return Span(value.start + delta, value.end + delta, value.text)
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, tuple):
        return tuple(_shift(v, delta) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _shift(getattr(value, f.name), delta)
                                            for f in dataclasses.fields(value) if f.init})
    return value


def _run_article(article: Article, run: LanguageSpan) -> Article:
    """The run as an article of its own: its text, language and paragraph span; date, outlet and URL kept."""
    text = article.text[run.start:run.end]
    spans = (LanguageSpan(0, len(text), run.language, run.confidence),)
    return Article(text=text, title=article.title, url=article.url, outlet=article.outlet,
                   published=article.published, published_raw=article.published_raw, language=run.language,
                   origin=article.origin, languages=Languages(run.language, run.confidence, "paragraph", spans))
