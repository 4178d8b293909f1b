"""The paragraphs stage (claimwatch/extract/mixed.py): a paragraph in another language than its article's gets
its claims from that language's stages. Fictional mixed posts; each case also runs with the stage off, to show
that the right lexicon is what made the difference."""

from __future__ import annotations

import pytest

from claimwatch import Article, Pipeline, load_options
from claimwatch.extract.mixed import merged, shifted
from claimwatch.model import (
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    LanguageSpan,
    Source,
    Span,
    Status,
)

RU_WITH_UK_QUOTE = (
    "Штаб группировки опубликовал очередную сводку о потерях противника на южном направлении.\n\n"
    "«Ворог нібито відступив з позицій біля села, але ми це не можемо підтвердити», — заявив речник угруповання.\n\n"
    "Подробности уточняются.")
UK_WITH_RU_QUOTE = (
    "Командування угруповання оприлюднило нове зведення про обстріли прикордонних районів області.\n\n"
    "За словами начальника обласної військової адміністрації, внаслідок атаки пошкоджено три будинки.\n\n"
    "По данным Минобороны России, средства ПВО якобы сбили двенадцать беспилотников над Курской областью.\n\n"
    "Офіційного підтвердження цієї інформації поки немає.")
EN_WITH_RU_QUOTE = (
    "Officials in the region said the strike damaged a power plant overnight.\n\n"
    "По данным Минобороны России, средства ПВО сбили двенадцать беспилотников над Курской областью.\n\n"
    "The claim could not be independently verified.")


@pytest.fixture(scope="module")
def on() -> Pipeline:
    return Pipeline(load_options())


@pytest.fixture(scope="module")
def off() -> Pipeline:
    return Pipeline(load_options(disable=["paragraphs"]))


def _in(result: Extraction, text: str) -> Claim:
    """The claim whose content starts in the line holding ``text``."""
    full = result.article.text
    at = full.index(text)
    line, end = full.rfind("\n", 0, at) + 1, (full.find("\n", at) + 1 or len(full))
    found = [c for c in result.claims if line <= c.content.start < end]
    assert found, [c.content.text for c in result.claims]
    return found[0]


def _spans_point_into_the_text(result: Extraction) -> None:
    text = result.article.text
    for claim in result.claims:
        spans = [claim.content, *claim.status_evidence, *(e.trigger for e in claim.events)]
        spans += [claim.cue] if claim.cue else []
        spans += [claim.source.span] if claim.source else []
        for span in spans:
            assert text[span.start:span.end] == span.text


def test_ukrainian_quote_in_a_russian_post_gets_the_ukrainian_hedges(on: Pipeline, off: Pipeline) -> None:
    result = on.extract(Article(text=RU_WITH_UK_QUOTE))
    spans = result.article.languages.spans if result.article.languages else ()
    assert result.article.language == "ru"
    assert [s.language for s in spans] == ["ru", "uk"]
    assert RU_WITH_UK_QUOTE[spans[1].start:].startswith("«Ворог")
    quote = _in(result, "«Ворог")
    assert quote.source is not None and quote.source.span.text == "речник угруповання"
    assert quote.status is Status.HEDGED and [e.text for e in quote.status_evidence] == ["нібито"]
    assert _in(off.extract(Article(text=RU_WITH_UK_QUOTE)), "«Ворог").status is Status.CLAIMED  # ru lists only
    first = _in(result, "Штаб")  # the Russian paragraph keeps the Russian rules' claim
    assert first.source is not None and first.source.span.text == "Штаб группировки"
    _spans_point_into_the_text(result)


def test_russian_quote_in_a_ukrainian_post_gets_the_russian_cues_and_hedges(on: Pipeline, off: Pipeline) -> None:
    result = on.extract(Article(text=UK_WITH_RU_QUOTE))
    assert result.article.language == "uk"
    assert [s.language for s in result.article.languages.spans] == ["uk", "ru", "uk"]  # type: ignore[union-attr]
    quote = _in(result, "По данным")
    assert quote.source is not None and quote.source.span.text == "Минобороны России"
    assert quote.cue is not None and quote.cue.text == "По данным"
    assert quote.status is Status.HEDGED and [e.text for e in quote.status_evidence] == ["якобы"]
    without = _in(off.extract(Article(text=UK_WITH_RU_QUOTE)), "По данным")
    assert without.source is None or without.status is not Status.HEDGED
    ukrainian = _in(result, "За словами")
    assert ukrainian.source is not None and ukrainian.source.span.text.startswith("начальника")
    _spans_point_into_the_text(result)


@pytest.mark.model
def test_russian_quote_in_an_english_article_gets_the_russian_rules(on: Pipeline, off: Pipeline) -> None:
    result = on.extract(Article(text=EN_WITH_RU_QUOTE))
    assert result.article.language == "en"
    assert [s.language for s in result.article.languages.spans] == ["en", "ru", "en"]  # type: ignore[union-attr]
    quote = _in(result, "По данным")
    assert quote.source is not None and quote.source.span.text == "Минобороны России"
    assert quote.kind is not ClaimKind.OUTLET and quote.events
    assert _in(off.extract(Article(text=EN_WITH_RU_QUOTE)), "По данным").kind is ClaimKind.OUTLET
    english = _in(result, "Officials")
    assert english.source is not None and english.source.span.text == "Officials in the region"
    _spans_point_into_the_text(result)


@pytest.mark.model
def test_batched_extraction_handles_mixed_posts_like_single(on: Pipeline) -> None:
    texts = [RU_WITH_UK_QUOTE, UK_WITH_RU_QUOTE, EN_WITH_RU_QUOTE]
    batched = [r for r in on.extract_many(Article(text=t) for t in texts) if isinstance(r, Extraction)]
    single = [on.extract(Article(text=t)) for t in texts]
    assert [[(c.content.start, c.status) for c in r.claims] for r in batched] == \
        [[(c.content.start, c.status) for c in r.claims] for r in single]


def _claim(text: str, start: int, end: int, cue: tuple[int, int] | None = None) -> Claim:
    return Claim(content=Span.of(text, start, end), kind=ClaimKind.INDIRECT if cue else ClaimKind.OUTLET,
                 status=Status.CLAIMED if cue else Status.ASSERTED, cue=Span.of(text, *cue) if cue else None)


def test_merge_keeps_claims_cued_outside_the_run_and_replaces_the_rest() -> None:
    text = "A said:\nquoted words here.\nmore words."
    run = LanguageSpan(8, len(text), "uk")
    cued_outside = _claim(text, 8, 25, cue=(2, 6))
    outlet_inside = _claim(text, 27, 37)
    new_overlapping = _claim(text, 8, 25)
    new_inside = _claim(text, 27, 37, cue=(27, 31))
    got = merged([cued_outside, outlet_inside], [new_overlapping, new_inside], run)
    assert got == [cued_outside, new_inside]


def test_shifted_moves_every_span_of_a_claim() -> None:
    text = "xx said: words"
    claim = Claim(content=Span(3, 8, "words"), kind=ClaimKind.INDIRECT, status=Status.CLAIMED,
                  source=Source(Span(0, 2, "xx")), cue=Span(3, 7, "said"),
                  events=[Event("Battles", None, Span(3, 8, "words"), date=DateRange("2024", None, "year",
                                                                                     Span(0, 2, "xx")))])
    moved = shifted(claim, 10)
    assert moved.content == Span(13, 18, "words") and moved.cue == Span(13, 17, "said")
    assert moved.source is not None and moved.source.span == Span(10, 12, "xx")
    assert moved.events[0].trigger.start == 13 and moved.events[0].date.span == Span(10, 12, "xx")  # type: ignore[union-attr]
    assert claim.content.start == 3 and text  # the original is left as it was
