"""The pipeline entry points: single and batched extraction, language routing, per-article failures."""

from __future__ import annotations

import pytest

from claimwatch import Article, Extraction, ItemError, Pipeline
from claimwatch.model import ClaimKind
from claimwatch.stage import Analysis

RUSSIAN = ("Силы ПВО за ночь уничтожили 12 беспилотников над Курской областью. — Минобороны\n\n"
           "Губернатор области Иван Петров: в селе повреждены два жилых дома.\n\n"
           "Информация о пострадавших уточняется.")


def test_extract_english(pipeline: Pipeline) -> None:
    result = pipeline.extract(Article(text="The ministry said its forces repelled an attack near Kupiansk."))
    assert result.article.language == "en"
    assert result.pipeline_version
    said = [c for c in result.claims if c.cue and c.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.span.text == "The ministry"


def test_russian_article_gets_rule_based_claims(pipeline: Pipeline) -> None:
    result = pipeline.extract(Article(text=RUSSIAN))
    assert result.article.language == "ru"
    sources = {c.source.span.text for c in result.claims if c.source}
    assert sources == {"Минобороны", "Губернатор области Иван Петров"}
    outlet = [c.content.text for c in result.claims if c.kind is ClaimKind.OUTLET]
    assert outlet == ["Информация о пострадавших уточняется"]


def test_batch_keeps_input_order_across_languages(pipeline: Pipeline) -> None:
    texts = ["The governor said two people were hurt.", RUSSIAN, "Officials said the bridge was hit."] * 3
    results = list(pipeline.extract_many(Article(text=t, origin=str(i)) for i, t in enumerate(texts)))
    assert [r.article.origin for r in results if isinstance(r, Extraction)] == [str(i) for i in range(len(texts))]
    assert [r.article.language for r in results if isinstance(r, Extraction)] == ["en", "ru", "en"] * 3


def test_one_failing_article_does_not_stop_the_batch(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimwatch.extract.events import EventsStage

    real = EventsStage.__call__

    def flaky(self: EventsStage, analysis: Analysis) -> None:
        if analysis.article.origin == "bad":
            raise RuntimeError("boom")
        real(self, analysis)

    monkeypatch.setattr(EventsStage, "__call__", flaky)
    arts = [Article(text="The army said it held the line.", origin=o) for o in ("a", "bad", "c")]
    results = list(pipeline.extract_many(arts))
    assert [type(r) for r in results] == [Extraction, ItemError, Extraction]
    assert isinstance(results[1], ItemError) and results[1].origin == "bad"
    assert results[1].message == "events failed: boom"


@pytest.mark.parametrize(("given", "expected"), [("EN", "en"), ("en-GB", "en"), ("ua", "uk"), ("ru_RU", "ru")])
def test_language_codes_are_normalised(pipeline: Pipeline, given: str, expected: str) -> None:
    assert pipeline.language_of(Article(text="x", language=given)) == expected


def test_extract_leaves_the_callers_article_alone(pipeline: Pipeline) -> None:
    article = Article(text="The governor said the bridge was hit.")
    result = pipeline.extract(article)
    assert article.language is None and result.article.language == "en"
    assert result.article.text == article.text


def test_english_metadata_variants_get_the_english_parse(pipeline: Pipeline) -> None:
    result = pipeline.extract(Article(text="The ministry said its forces repelled an attack.", language="en-GB"))
    assert any(c.cue is not None and c.cue.text == "said" for c in result.claims)
