"""Toponym detection in parsed text: roles (metonymy, modifiers, demonyms), organisation names, the matcher."""

from __future__ import annotations

import pytest
from test_geo_gazetteer import built_index

from claimwatch.geo import Geoparser
from claimwatch.geo.toponyms import Toponym
from claimwatch.settings import Options


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser(Options(gazetteer_path=str(built_index()[0])))


def _found(geoparser: Geoparser, nlp, text: str, demonyms: bool = False) -> dict[str, Toponym]:  # type: ignore[no-untyped-def]
    found = geoparser.detect(nlp(text), demonyms=demonyms)
    for t in found:
        assert text[t.start:t.end] == t.text
    return {t.text: t for t in found}


@pytest.mark.parametrize(("text", "place"), [
    ("The Kremlin said on Monday that the talks had failed.", "Kremlin"),
    ("Kyiv announced new sanctions against the shipping firm.", "Kyiv"),
    ("Moscow denied that its aircraft had crossed the border.", "Moscow"),
    ("Washington warned of further measures after the strike.", "Washington"),
])
def test_metonymic_places_are_actors(geoparser: Geoparser, nlp, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    found = _found(geoparser, nlp, text)
    assert found[place].role == "actor"


def test_literal_places_are_locations(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    found = _found(geoparser, nlp, "Two people were wounded when shells hit Kharkiv on Friday.")
    assert found["Kharkiv"].role == "location"


def test_demonyms_are_not_places_unless_asked(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Russian soldiers and Ukrainian medics were seen near Kupiansk."
    assert "Russian" not in _found(geoparser, nlp, text)
    with_demonyms = _found(geoparser, nlp, text, demonyms=True)
    assert with_demonyms["Russian"].role == "demonym" and "Kupiansk" in with_demonyms


def test_places_inside_organisation_names_are_not_toponyms(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Fighters of the Freedom of Russia Legion said they had entered the village of Tetkino."
    found = _found(geoparser, nlp, text)
    assert "Russia" not in found
    assert "Tetkino" in found


def test_small_towns_the_model_misses_are_found(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("The brigade said its drones struck positions outside Vuhledar and Kurakhove, and that Robotyne "
            "and Zoriane Pole remained contested.")
    found = _found(geoparser, nlp, text)
    assert {"Vuhledar", "Kurakhove", "Zoriane Pole"} <= set(found)


def test_level_words_join_the_toponym(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    found = _found(geoparser, nlp, "Air defence was active over the Kharkiv Oblast and the Sumy region.")
    assert "Kharkiv Oblast" in found and "Sumy region" in found


def test_common_words_named_like_villages_are_not_matched(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    found = _found(geoparser, nlp, "The Star reported that Police and Progress were the themes of the debate.")
    assert not set(found) & {"Star", "Police", "Progress"}


# ------------------------------------------------------------------ Russian/Ukrainian: tokenizer-only documents


@pytest.fixture(scope="module")
def tokenizers():  # type: ignore[no-untyped-def]
    from claimwatch.nlp.resources import tokenizer_only

    return {"ru": tokenizer_only("ru"), "uk": tokenizer_only("uk")}


def _places(geoparser: Geoparser, tokenizers, text: str, language: str) -> dict[str, tuple[str | None, str | None]]:  # type: ignore[no-untyped-def]
    """Surface -> (place name, precision) of every mention in an untagged Russian/Ukrainian document."""
    from claimwatch.model import Article

    doc = tokenizers[language](text)
    assert not doc.has_annotation("POS")
    mentions = geoparser.annotate(doc, Article(text=text, language=language), [])
    return {m.span.text: (m.place.name if m.place else None, m.precision) for m in mentions}


def test_untagged_russian_text_gets_places(geoparser: Geoparser, tokenizers) -> None:  # type: ignore[no-untyped-def]
    found = _places(geoparser, tokenizers, "Войска вошли в Работино и Херсон. Москва заявила об успехе.", "ru")
    assert found["Херсон"] == ("Kherson", "settlement")
    assert found["Москва"][0] == "Moscow"
    assert "Войска" not in found


def test_inflected_cyrillic_names_resolve(geoparser: Geoparser, tokenizers) -> None:  # type: ignore[no-untyped-def]
    ru = _places(geoparser, tokenizers, "Бои шли в Херсоне и Курской области.", "ru")
    assert ru == {"Херсоне": ("Kherson", "settlement"), "Курской области": ("Kursk Oblast", "region")}
    uk = _places(geoparser, tokenizers, "Дрони атакували по Одесі, Миколаєву і Дніпру, а також Курської області.",
                 "uk")
    assert uk["Одесі"][0] == "Odesa" and uk["Миколаєву"][0].startswith("Mykola") and uk["Дніпру"][0] == "Dnipro"
    assert uk["Курської області"] == ("Kursk Oblast", "region")


def test_inflected_names_need_a_place_context(geoparser: Geoparser, tokenizers) -> None:  # type: ignore[no-untyped-def]
    # an inflected name without a preposition of place is as often a word or a surname: left alone
    assert "Москве" not in _places(geoparser, tokenizers, "Москве ничего не угрожает, сказал он.", "ru")
    assert "Москве" in _places(geoparser, tokenizers, "Он сказал, что в Москве спокойно.", "ru")
    assert "Микола" not in _places(geoparser, tokenizers, "Микола Коваль сказав, що в Харкові тихо.", "uk")


# ------------------------------------------------------------------- towns the small model takes for people


@pytest.mark.parametrize(("text", "places"), [
    ("Kherson was shelled overnight.", {"Kherson"}),
    ("Drones attacked Odesa, Mykolaiv and Dnipro.", {"Odesa", "Mykolaiv", "Dnipro"}),
])
def test_towns_tagged_person_are_places(geoparser: Geoparser, nlp, text: str, places: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert places <= set(_found(geoparser, nlp, text))


def _with_person(nlp, text: str, *names: str):  # type: ignore[no-untyped-def]
    """``text`` parsed, with exactly the given names (in text order) labelled PERSON."""
    from spacy.tokens import Span as SpacySpan

    doc = nlp(text)
    ents, at = [], 0
    for name in names:
        start = text.index(name, at)
        at = start + len(name)
        span = doc.char_span(start, at)
        ents.append(SpacySpan(doc, span.start, span.end, label="PERSON"))
    doc.ents = ents
    return doc


def test_person_entities_stay_people_when_titled_or_used_as_surnames(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    def found(doc) -> set[str]:  # type: ignore[no-untyped-def]
        return {t.text for t in geoparser.detect(doc)}

    assert "Sumy" in found(_with_person(nlp, "Sumy was quiet on Sunday.", "Sumy"))
    assert "Sumy" not in found(_with_person(nlp, "Colonel Sumy was quiet on Sunday.", "Sumy"))
    assert "Sumy" not in found(_with_person(nlp, "Petro Sumy spoke. Sumy was quiet.", "Petro Sumy", "Sumy"))
    assert "Pushkin" not in found(_with_person(nlp, "Pushkin wrote the poem.", "Pushkin"))
    # a village too small to outweigh a surname
    assert "Tetkino" not in found(_with_person(nlp, "Tetkino was quiet on Sunday.", "Tetkino"))


def test_a_possessive_is_not_part_of_the_toponym(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Officials said South Korea's new port would open next year, and Canada's would follow."
    found = _found(geoparser, nlp, text)
    assert "South Korea" in found and "Canada" in found
    assert not any(name.endswith(("'s", "’s")) for name in found)


def test_places_inside_organisation_names_only_when_asked(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("A reporter for the Toronto Gazette wrote that the Bank of Portugal and the Nigerian Army had "
            "sent observers to Lagos.")
    plain = _found(geoparser, nlp, text)
    assert "Toronto" not in plain and "Portugal" not in plain
    found = geoparser.detect(nlp(text), demonyms=True, embedded=True)
    embedded = {t.text: t for t in found if t.source == "embedded"}
    assert {"Toronto", "Portugal"} <= set(embedded)
    assert all(t.role in ("modifier", "demonym") for t in embedded.values())
    assert "Bank" not in {t.text for t in found}  # a word that opens organisation names, and names a town


def test_a_surname_the_model_takes_for_a_place_is_a_person(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.geo.toponyms import detect

    doc = nlp("Minister Arvid Quellberg arrived on Monday. Quellberg said the talks in Paris went well.")
    # whatever the model makes of the second "Quellberg", a GPE entity with that text is taken for a person
    from spacy.tokens import Span

    second = [t.i for t in doc if t.text == "Quellberg"][-1]
    doc.ents = [Span(doc, 1, 3, label="PERSON"), Span(doc, second, second + 1, label="GPE"),
                *(e for e in doc.ents if e.text == "Paris")]
    found = {t.text for t in detect(doc, notable=geoparser._notable)}
    assert "Quellberg" not in found and "Paris" in found
    assert "Quellberg" in {t.text for t in detect(doc)}  # without the check it stays a place


@pytest.mark.parametrize("text", [
    "HARBOURVILLE — Flooding closed roads in Toronto on Tuesday, officials said.",
    "Storm hits the coast. TORONTO (AP) — Flooding closed roads on Tuesday, officials said.",
    "TORONTO, Ontario: Flooding closed roads on Tuesday, officials said.",
])
def test_a_dateline_is_a_toponym(geoparser: Geoparser, nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    found = _found(geoparser, nlp, text)
    if text.startswith("HARBOURVILLE"):  # a made-up name is no place, however it is written
        assert "HARBOURVILLE" not in found
    else:
        assert found["TORONTO"].source == "dateline" and found["TORONTO"].role == "location"
        assert not any(t.start < text.index("TORONTO") + 7 and t.end > text.index("TORONTO") and name != "TORONTO"
                       for name, t in found.items())


def test_major_places_the_model_labels_otherwise_are_places(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Span

    doc = nlp("Officials in Tamil Nadu and Nokia managers met in Harare on Friday.")
    by_text = {doc[i:j].text: (i, j) for i in range(len(doc)) for j in range(i + 1, min(i + 3, len(doc)) + 1)}
    doc.ents = [Span(doc, *by_text["Tamil Nadu"], label="PERSON"), Span(doc, *by_text["Nokia"], label="ORG"),
                Span(doc, *by_text["Harare"], label="ORG")]
    found = {t.text for t in geoparser.detect(doc)}
    assert {"Tamil Nadu", "Harare"} <= found  # a region, a capital
    assert "Nokia" not in found  # a town of 36,000 people in Finland, and a company


def test_the_matcher_finds_major_places_anywhere_the_model_missed(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Talks between the ministers resumed in Azerbaijan after a delegation left Toronto.")
    doc.ents = []  # as if the model had found no entity at all
    found = {t.text: t for t in geoparser.detect(doc)}
    assert found["Azerbaijan"].source == "matcher" and found["Toronto"].source == "matcher"
    assert "Talks" not in found and "Tamil Nadu" not in found


def test_buildings_and_streets_the_model_labels_org_are_facilities(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Span

    doc = nlp("Patients at Brenwick General Hospital and staff of Orvale Analytics were moved on Tuesday.")
    hospital = next(i for i, t in enumerate(doc) if t.text == "Brenwick")
    firm = next(i for i, t in enumerate(doc) if t.text == "Orvale")
    doc.ents = [Span(doc, hospital, hospital + 3, label="ORG"), Span(doc, firm, firm + 2, label="ORG")]
    found = {t.text: t for t in geoparser.detect(doc)}
    assert found["Brenwick General Hospital"].facility
    assert "Orvale Analytics" not in found


def test_demonyms_the_model_left_out_are_found_when_asked(geoparser: Geoparser, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Salvadoran and South Korean volunteers met the mayor.")
    doc.ents = []
    assert not {t.role for t in geoparser.detect(doc)} & {"demonym"}
    found = {t.text: t.role for t in geoparser.detect(doc, demonyms=True)}
    assert found.get("Salvadoran") == "demonym" and found.get("South Korean") == "demonym"
