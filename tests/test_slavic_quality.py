"""Regressions for the Russian and Ukrainian quality bar (issue 10): layout claims (list headers, "Source:" lead
lines), source patterns, events and places on fictional Telegram-style posts.

The texts are fiction written for these tests, in the shapes real channels use (markdown, emoji, bullets).
Marked ``model``: the parse loads natasha's bundled slovnet models.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_geo_gazetteer import built_index

from claimwatch import Article
from claimwatch.model import Extraction
from claimwatch.pipeline import Pipeline
from claimwatch.settings import load_options

pytestmark = pytest.mark.model

PUBLISHED = datetime(2024, 3, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline(load_options(gazetteer_path=str(built_index()[0])))


def run(pipe: Pipeline, text: str, language: str = "ru") -> Extraction:
    return pipe.extract(Article(text=text, language=language, published=PUBLISHED))


def claim_with(ex: Extraction, words: str):  # type: ignore[no-untyped-def]
    found = [c for c in ex.claims if words in c.content.text]
    assert found, f"no claim with {words!r}: {[c.content.text for c in ex.claims]}"
    return found[0]


def source(claim) -> str | None:  # type: ignore[no-untyped-def]
    return claim.source.span.text if claim.source else None


# ------------------------------------------------------------------------------------------------ layout


def test_header_list_items_are_the_speakers_claims(pipe: Pipeline) -> None:
    text = ("**Другие заявления Сидоренко на брифинге:**\n\n"
            "▪️ Переговоры с соседями продолжатся на следующей неделе\n\n"
            "▪️ Ведомство не планирует новых учений у границы\n\n"
            "❗️ [Подписывайся на Канал](https://t.me/example_channel)")
    ex = run(pipe, text)
    first, second = claim_with(ex, "Переговоры с соседями"), claim_with(ex, "не планирует новых учений")
    assert source(first) == source(second) == "Сидоренко"
    assert first.cue is not None and first.cue.text == "заявления"
    assert first.content.text == "Переговоры с соседями продолжатся на следующей неделе"
    assert not any("Подписывайся" in (source(c) or "") for c in ex.claims)
    assert not any(c.content.text.startswith("Другие заявления") for c in ex.claims)  # the header is no claim


def test_header_with_a_speech_verb_and_dashes(pipe: Pipeline) -> None:
    text = ("О чём ещё говорил Иван Петренко на форуме:\n\n"
            "— Экономика региона выросла за год\n"
            "— Новый мост откроют весной")
    ex = run(pipe, text)
    assert source(claim_with(ex, "Экономика региона")) == "Иван Петренко"
    assert source(claim_with(ex, "Новый мост")) == "Иван Петренко"


def test_header_without_list_is_left_alone(pipe: Pipeline) -> None:
    ex = run(pipe, "Другие заявления Сидоренко на брифинге:\nПереговоры с соседями продолжатся.")
    assert source(claim_with(ex, "Переговоры с соседями")) is None


def test_lead_line_one_claim_per_sentence(pipe: Pipeline) -> None:
    text = "⚡️Глава разведки Коваленко: **противник перебросил две бригады** к городу. О наступлении речь не идёт."
    ex = run(pipe, text)
    a, b = claim_with(ex, "перебросил две бригады"), claim_with(ex, "О наступлении речь не идёт")
    assert a is not b
    assert source(a) == source(b) == "Глава разведки Коваленко"
    assert a.cue is not None and a.cue.text == ":"


def test_lead_line_alone_takes_the_next_paragraph(pipe: Pipeline) -> None:
    text = "**⚡️Минобороны РФ:**\n\n__«Средства ПВО уничтожили три беспилотника над областью».__"
    ex = run(pipe, text)
    claim = claim_with(ex, "Средства ПВО уничтожили")
    assert source(claim) == "Минобороны РФ"
    assert claim.content.text == "Средства ПВО уничтожили три беспилотника над областью"


@pytest.mark.parametrize("speaker", ["Песков", "Зеленский", "Сырский", "Шойгу"])
def test_lead_line_with_a_surname_alone(pipe: Pipeline, speaker: str) -> None:
    # surnames the dictionary also reads as common words ("песок", "зелёный")
    assert source(claim_with(run(pipe, f"{speaker}: переговоров на этой неделе не будет."), "переговоров")) == speaker


@pytest.mark.parametrize("text", [
    "Главное: в городе ночью было тихо, службы работают в штатном режиме.",
    "Белгород: в городе ночью было тихо, службы работают в штатном режиме.",
    "UPD: в городе ночью было тихо, службы работают в штатном режиме.",
])
def test_labels_and_datelines_are_no_speakers(pipe: Pipeline, text: str) -> None:
    ex = run(pipe, text)
    assert source(claim_with(ex, "в городе ночью было тихо")) is None


def test_ukrainian_lead_line(pipe: Pipeline) -> None:
    text = "Речник Повітряних сил: над областю збито чотири ударні дрони."
    ex = run(pipe, text, "uk")
    assert source(claim_with(ex, "збито чотири ударні дрони")) == "Речник Повітряних сил"


def test_emoji_glued_to_a_word_is_a_token_of_its_own(pipe: Pipeline) -> None:
    ex = run(pipe, "⚡️Минобороны сообщило, что ночью над областью сбиты два беспилотника.")
    assert source(claim_with(ex, "сбиты два беспилотника")) == "Минобороны"


# ------------------------------------------------------------------------------------------------ places


def places(ex: Extraction) -> dict[str, tuple[str | None, float | None, float | None]]:
    return {m.span.text: ((m.place.name, m.place.lat, m.place.lon) if m.place else (None, None, None))
            for m in ex.places}


def test_landmarks_and_abbreviated_regions_are_places(pipe: Pipeline) -> None:
    ex = run(pipe, "В Кремле обсудили удары по ДНР, а в Пентагоне и у Белого дома ответили на вопросы о ЛНР.")
    found = places(ex)
    assert found["Кремле"][0] == "Moscow Kremlin"
    assert found["Пентагоне"][0] == "The Pentagon"
    assert found["Белого дома"][0] == "White House"  # not the town Bely
    assert found["ДНР"][0] == "Donetsk Oblast"
    assert found["ЛНР"][0] == "Luhansk Oblast"


def test_every_country_has_its_russian_and_ukrainian_name(pipe: Pipeline) -> None:
    assert places(run(pipe, "Делегация прибыла из Афганистана и Мозамбика."))["Афганистана"][0] == "Afghanistan"
    assert places(run(pipe, "Делегація прибула з Афганістану.", "uk"))["Афганістану"][0] == "Afghanistan"
    assert "Того" not in places(run(pipe, "Того же дня делегация уехала в Киев."))  # Togo's name is a word


# ------------------------------------------------------------------------------------------------ events


def sub_types(ex: Extraction) -> set[str]:
    return {e.sub_type for c in ex.claims for e in c.events}


@pytest.mark.parametrize(("text", "sub_type"), [
    ("Уночі над областю були збиті чотири шахеди.", "Disrupted weapons use"),
    ("Уламки збитої ракети впали на поле.", "Disrupted weapons use"),
    ("Ворог атакував село FPV-дронами.", "Air/drone strike"),
    ("Окупанти скинули на місто дві керовані авіабомби.", "Air/drone strike"),
    ("Обласна адміністрація повідомляє про двох загиблих мешканців.", "Civilian casualties"),
    ("Поблизу міста тривають бої.", "Armed clash"),
    ("Противник намагався прорвати оборону біля села.", "Armed clash"),
    ("Двоє диверсантів ліквідовані.", "Military casualties"),
    ("Уражено склад боєприпасів ворога.", "Shelling/artillery/missile attack"),
])
def test_ukrainian_event_words(pipe: Pipeline, text: str, sub_type: str) -> None:
    assert sub_type in sub_types(run(pipe, text, "uk"))


def test_ukrainian_event_words_need_their_context(pipe: Pipeline) -> None:
    assert not sub_types(run(pipe, "Він скинув куртку і пішов додому.", "uk"))  # no bomb, no drone: no strike


# ------------------------------------------------------------------------------------------------ actors


@pytest.mark.parametrize(("name", "actor_id", "side"), [
    ("Росгвардией", "ru-rosgvardia", "russia"),
    ("Росгвардією", "ru-rosgvardia", "russia"),
    ("Нацгвардии", "ua-national-guard", "ukraine"),
    ("Національна гвардія", "ua-national-guard", "ukraine"),
    ("спецподразделения «Кракен»", "ua-kraken", "ukraine"),
    ("Воздушных сил ВСУ", "ua-air-force", "ukraine"),
    ("Народной милиции ДНР", "ru-dpr", "russia"),
    ("группировки войск «Днепр»", "ru-group-dnepr", "russia"),
    ("Генштабом ВСУ", "ua-general-staff", "ukraine"),
])
def test_actor_aliases_in_every_case(name: str, actor_id: str, side: str) -> None:
    from claimwatch.actors import load_registry

    actor = load_registry().find_text(name)
    assert actor is not None and actor.id == actor_id and actor.side == side


@pytest.mark.parametrize(("text", "sub_type"), [
    ("Ночью беспилотник попал в жилой дом на окраине.", "Air/drone strike"),
    ("В результате попадания ракеты повреждён склад.", "Shelling/artillery/missile attack"),
    ("Силами ПВО отражена атака трёх беспилотников.", "Disrupted weapons use"),
    ("Раненый мужчина скончался в больнице.", "Civilian casualties"),
    ("Около двухсот военных попали в окружение у села.", "Armed clash"),
    ("Сейчас в посёлке идёт зачистка.", "Armed clash"),
    ("На кадрах подбитый броневик противника.", "Equipment destroyed"),
    ("На автомобиль напали неизвестные.", "Attack"),
    ("Источники сообщают о задержании заместителя начальника управления.", "Arrests"),
    ("Суд уже заключил офицера под арест.", "Arrests"),
    ("За сутки взяты в плен двое, пленных отправили в тыл.", "Prisoners taken"),
])
def test_russian_event_words(pipe: Pipeline, text: str, sub_type: str) -> None:
    assert sub_type in sub_types(run(pipe, text))


@pytest.mark.parametrize("text", [
    "Мяч попал в ворота на последней минуте.",  # a hit with no drone, missile or bomb
    "Коллекционер попал под арест имущества банка.",  # an asset freeze, nobody taken into custody
])
def test_russian_event_words_need_their_context(pipe: Pipeline, text: str) -> None:
    found = sub_types(run(pipe, text))
    assert "Arrests" not in found and "Shelling/artillery/missile attack" not in found and "Air/drone strike" not in found


# ------------------------------------------------------------------------------------------ source patterns


def test_dash_trailer_covers_its_line(pipe: Pipeline) -> None:
    text = "В округе объявлена опасность атаки БПЛА. Один беспилотник движется с юга, — власти"
    claim = claim_with(run(pipe, text), "Один беспилотник")
    assert source(claim) == "власти"
    assert claim.content.text.startswith("В округе объявлена опасность")


def test_dash_trailer_stops_at_a_claim_on_its_line(pipe: Pipeline) -> None:
    text = "По словам мэра, дороги открыты. Один беспилотник движется с юга, — власти"
    ex = run(pipe, text)
    assert source(claim_with(ex, "дороги открыты")) == "мэра"
    assert claim_with(ex, "Один беспилотник").content.text.startswith("Один беспилотник")


@pytest.mark.parametrize(("text", "speaker"), [
    ("Следователи считают, что чиновник причастен к хищениям.", "Следователи"),
    ("Военный суд решил, что чиновник останется под стражей.", "Военный суд"),
])
def test_opinion_verbs_with_a_that_clause(pipe: Pipeline, text: str, speaker: str) -> None:
    assert source(claim_with(run(pipe, text), "чиновник")) == speaker


def test_opinion_verb_without_that_clause_is_no_cue(pipe: Pipeline) -> None:
    ex = run(pipe, "Комиссия решила перенести заседание на вторник.")
    assert all(c.source is None for c in ex.claims)


def test_speech_verb_inside_a_markdown_link(pipe: Pipeline) -> None:
    text = "Министр обороны Петренко [сообщил](https://example.org/post/1), что ночью дрон попал в жилой дом."
    claim = claim_with(run(pipe, text), "ночью дрон попал")
    assert source(claim) == "Министр обороны Петренко"
    assert claim.content.text == "ночью дрон попал в жилой дом"


@pytest.mark.parametrize(("text", "speaker"), [
    ("Как сказано в сводке Воздушных сил, дроны запустили с юга.", "Воздушных сил"),
    ("Как стало известно «Вестнику», дроны запустили с юга.", "Вестнику"),
])
def test_fronted_report_and_known_to(pipe: Pipeline, text: str, speaker: str) -> None:
    assert speaker in (source(claim_with(run(pipe, text), "дроны запустили с юга")) or "")


def test_known_without_a_name_has_no_source(pipe: Pipeline) -> None:
    assert source(claim_with(run(pipe, "Стало известно, что дроны запустили с юга."), "дроны")) is None
