"""Language identification (claimwatch/nlp/langid.py): the article's language with a confidence, declared
languages, script fall-backs, and the language of each paragraph as spans into the text. Fictional texts."""

from __future__ import annotations

import pytest

from claimwatch import Article, Pipeline, load_options
from claimwatch.model import Extraction, Languages, LanguageSpan
from claimwatch.nlp import langid
from claimwatch.nlp.langid import identify
from claimwatch.stage import Analysis

RU = "Штаб группировки опубликовал очередную сводку о потерях противника на южном направлении."
UK = "«Ворог нібито відступив з позицій біля села, але ми це не можемо підтвердити», — заявив речник."
EN = "Officials in the region said the strike damaged a power plant overnight."


def _covers(text: str, found: Languages) -> None:
    """The spans cover the text in order, without gaps or overlaps."""
    assert found.spans[0].start == 0 and found.spans[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(found.spans, found.spans[1:], strict=False))


def test_single_language_texts_are_one_span_with_lingua_confidence() -> None:
    found = identify(RU)
    assert (found.language, found.method) == ("ru", "lingua")
    assert found.confidence > 0.9
    assert found.spans == (LanguageSpan(0, len(RU), "ru", found.confidence),) and not found.mixed


def test_latin_text_is_english_by_script_and_links_do_not_count() -> None:
    assert identify(EN).language == "en" and identify(EN).method == "script"
    # a Russian line under a long link is still Russian: the link's letters are not words
    text = f"{RU}\nhttps://example.org/news/very-long-address-of-an-article-about-the-front-line"
    found = identify(text)
    assert found.language == "ru" and not found.mixed


@pytest.mark.parametrize(("text", "expected"), [("Київ, ніч.", "uk"), ("Ещё взрывы.", "ru")])
def test_short_cyrillic_text_goes_by_its_letters(text: str, expected: str) -> None:
    found = identify(text)
    assert (found.language, found.method) == (expected, "script")
    assert found.confidence < 1.0


def test_declared_language_wins_but_paragraphs_are_still_identified() -> None:
    text = f"{UK}\n\n{UK}"
    found = identify(text, declared="ru")
    assert (found.language, found.confidence, found.method) == ("ru", 1.0, "declared")
    assert [s.language for s in found.spans] == ["uk"] and found.mixed


def test_a_quoted_ukrainian_paragraph_in_a_russian_post_is_its_own_span() -> None:
    text = f"{RU}\n\n{UK}\n\nПодробности уточняются позже.\n\n{RU}"
    found = identify(text)
    assert found.language == "ru"
    _covers(text, found)
    assert [s.language for s in found.spans] == ["ru", "uk", "ru"]
    quote = found.spans[1]
    # the short Russian line after the quote (under 30 letters) joins the line before it
    assert text[quote.start:quote.end] == f"{UK}\n\nПодробности уточняются позже.\n\n"
    assert quote.confidence > 0.9
    assert found.at(quote.start) == "uk" and found.at(0) == "ru" and found.at(len(text) - 1) == "ru"


def test_an_english_paragraph_in_a_russian_post() -> None:
    text = f"{RU}\n{EN}\n{RU}"
    found = identify(text)
    assert [(s.language, text[s.start:s.end]) for s in found.spans] == [
        ("ru", RU + "\n"), ("en", EN + "\n"), ("ru", RU)]


def test_lingua_answers_against_the_letters_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line lingua calls Ukrainian that has ы/э/ъ/ё and none of і/ї/є/ґ takes its neighbours' language."""
    line = "Звёзды эстрады съехались на фестиваль в подмосковном городе"

    def wrong(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
        return ("uk", 0.99) if text.startswith("Звёзды") else ("ru", 0.99)

    monkeypatch.setattr(langid, "_lingua", wrong)
    found = identify(f"{RU}\n{line}", declared="ru")
    assert [s.language for s in found.spans] == ["ru"]


def test_unsure_lines_join_their_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langid, "_lingua", lambda text, languages: ("uk", 0.5) if "речник" in text else ("ru", 0.99))
    found = identify(f"{RU}\n{UK}", declared="ru")
    assert not found.mixed


def test_one_configured_language_needs_no_identification() -> None:
    found = identify(EN, languages=("uk",), default="en")
    assert (found.language, found.method) == ("uk", "only")


def test_empty_text_has_no_spans() -> None:
    found = identify("", default="en")
    assert (found.language, found.method, found.spans) == ("en", "default", ())


def test_pipeline_sets_the_paragraph_languages_and_options_language_is_declared() -> None:
    pipeline = Pipeline(load_options())
    article = pipeline.with_language(Article(text=f"{RU}\n\n{UK}"))
    assert article.language == "ru" and article.languages is not None and article.languages.mixed
    analysis = Analysis(Extraction(article=article))
    assert analysis.language_at(0) == "ru" and analysis.language_at(len(RU) + 3) == "uk"
    declared = Pipeline(load_options(language="uk"))
    assert declared.language_of(Article(text=EN)) == "uk"
    assert declared.language_of(Article(text=EN, language="en-GB")) == "en"  # the article's own declaration wins
    assert Analysis(Extraction(article=Article(text=EN, language="en"))).language_at(3) == "en"
