"""The Ukrainian pipeline: tokenize-uk and pymorphy3 parse (no dependency parser), attribution, status, events,
places and actors, on fictional Telegram-style posts written from each side's point of view.

Marked ``model``: the parse loads pymorphy3's Ukrainian dictionaries (and the tests share the gazetteer build).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_geo_gazetteer import built_index

from claimwatch import Article
from claimwatch.model import ClaimKind, Extraction, Precision, Status
from claimwatch.pipeline import Pipeline
from claimwatch.settings import load_options

pytestmark = pytest.mark.model

PUBLISHED = datetime(2024, 3, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def uk() -> Pipeline:
    return Pipeline(load_options(gazetteer_path=str(built_index()[0])))


def run(pipe: Pipeline, text: str) -> Extraction:
    return pipe.extract(Article(text=text, language="uk", published=PUBLISHED))


def claim_with(ex: Extraction, words: str):  # type: ignore[no-untyped-def]
    found = [c for c in ex.claims if words in c.content.text]
    assert found, f"no claim with {words!r}: {[c.content.text for c in ex.claims]}"
    return found[0]


def source(claim) -> str | None:  # type: ignore[no-untyped-def]
    return claim.source.span.text if claim.source else None


def test_stage_list_and_parse(uk: Pipeline) -> None:
    from claimwatch.nlp.slavic import parser

    assert [s.name for s in uk.stages("uk")] == ["parse", "attribution", "status", "events", "paragraphs", "geo",
                                                 "territory"]
    text = "**Зведення**  на ранок:\n\n«Ворог відступив», — заявив речник.\n"
    doc = parser("uk")(text)
    assert doc.text == text
    assert [t.lemma_ for t in doc if t.text == "заявив"] == ["заявити"]
    assert not doc.has_annotation("DEP")  # no Ukrainian dependency parser
    assert len(list(doc.sents)) >= 2


@pytest.mark.parametrize("post, content, who", [
    ("Сили ППО збили 12 шахедів над Київщиною, — Повітряні сили.", "збили 12 шахедів", "Повітряні сили"),
    ("**Окупанти втратили 40 танків**, — [Міноборони РФ](https://t.me/example).", "втратили 40 танків",
     "Міноборони РФ"),
])
def test_dash_trailer(uk: Pipeline, post: str, content: str, who: str) -> None:
    c = claim_with(run(uk, post), content)
    assert source(c) == who and c.cue is not None and c.cue.text == "—"


@pytest.mark.parametrize("post, content, who, cue", [
    ("«Ворог зазнав втрат», — заявив речник Повітряних сил.", "«Ворог зазнав втрат»", "речник Повітряних сил",
     "заявив"),
    ("«ЗСУ відступили», — заявила речниця Міноборони РФ.", "«ЗСУ відступили»", "речниця Міноборони РФ", "заявила"),
    ("Генштаб ЗСУ повідомив, що захисники відбили 14 атак.", "захисники відбили 14 атак", "Генштаб ЗСУ",
     "повідомив"),
    ("Росія готує новий наступ, стверджує розвідка.", "Росія готує новий наступ", "розвідка", "стверджує"),
    ("Окупанти втратили 200 солдатів, повідомляє Генштаб ЗСУ.", "Окупанти втратили 200", "Генштаб ЗСУ",
     "повідомляє"),
])
def test_speech_verbs(uk: Pipeline, post: str, content: str, who: str, cue: str) -> None:
    c = claim_with(run(uk, post), content)
    assert source(c) == who and c.cue is not None and c.cue.text == cue


@pytest.mark.parametrize("post, content, who, cue", [
    ("Як повідомив Генштаб ЗСУ, сили ППО збили 12 шахедів.", "збили 12 шахедів", "Генштаб ЗСУ", "Як повідомив"),
    ("За словами начальника ОВА, у Харкові поранено двох людей.", "поранено двох людей", "начальника ОВА",
     "За словами"),
    ("За даними Міноборони РФ, російські війська зайняли село.", "зайняли село", "Міноборони РФ", "За даними"),
    ("Окупанти обстріляли Херсон, повідомляє ТАСС з посиланням на джерело.", "Окупанти обстріляли Херсон",
     "джерело", "з посиланням на"),
])
def test_fronted_sources(uk: Pipeline, post: str, content: str, who: str, cue: str) -> None:
    c = claim_with(run(uk, post), content)
    assert source(c) == who and c.cue is not None and c.cue.text == cue


def test_anaphoric_source(uk: Pipeline) -> None:
    ex = run(uk, "За словами начальника ОВА, у Харкові поранено двох людей. За його даними, пошкоджено три будинки.")
    second = claim_with(ex, "пошкоджено три будинки")
    assert source(second) == "його" and second.source is not None
    assert second.source.entity is not None and second.source.entity.text == "начальника ОВА"


def test_impersonal_report(uk: Pipeline) -> None:
    c = claim_with(run(uk, "Повідомляється, що у Києві чути вибухи."), "у Києві чути вибухи")
    assert c.source is None and c.status is Status.CLAIMED


def test_outlet_claim(uk: Pipeline) -> None:
    c = claim_with(run(uk, "У місті оголошено повітряну тривогу."), "оголошено повітряну тривогу")
    assert c.kind is ClaimKind.OUTLET and c.status is Status.ASSERTED


@pytest.mark.parametrize("post, status", [
    ("Міноборони РФ нібито знищило 5 танків, — пише ТАСС.", Status.HEDGED),
    ("За попередніми даними, окупанти втратили 30 солдатів, повідомив Генштаб.", Status.HEDGED),
    ("Генштаб ЗСУ повідомив про звільнення села. Офіційного підтвердження поки немає.", Status.UNCONFIRMED),
])
def test_status(uk: Pipeline, post: str, status: Status) -> None:
    claims = [c for c in run(uk, post).claims if c.kind is not ClaimKind.OUTLET]
    assert claims[0].status is status


@pytest.mark.parametrize("post", [
    "Російські канали заявили, що знищено склад у Херсоні. СБУ спростувала повідомлення про знищення складу.",
    "Українські канали заявили, що знищено склад у Бєлгороді. ФСБ спростувала повідомлення про знищення складу.",
])
def test_denial(uk: Pipeline, post: str) -> None:
    assert claim_with(run(uk, post), "знищено склад").status is Status.DENIED


@pytest.mark.parametrize("post, sub_type", [
    ("Сили ППО збили 12 шахедів, — Повітряні сили.", "Disrupted weapons use"),
    ("Росіяни атакували Харків дронами, — ОВА.", "Air/drone strike"),
    ("Окупанти завдали удару по Одесі, — ОВА.", "Shelling/artillery/missile attack"),
    ("Захисники звільнили Роботине, — Генштаб ЗСУ.", "Government regains territory"),
    ("Захисники знищили 5 танків, — Генштаб ЗСУ.", "Equipment destroyed"),
    ("У Херсоні загинули двоє мирних жителів, — ОВА.", "Civilian casualties"),
])
def test_event_types(uk: Pipeline, post: str, sub_type: str) -> None:
    assert sub_type in [e.sub_type for e in run(uk, post).events]


def test_quantities_and_dates(uk: Pipeline) -> None:
    ev = run(uk, "Вночі 5 березня сили ППО збили понад 20 шахедів, — Повітряні сили.").events[0]
    q = ev.quantities[0]
    assert (q.value, q.lower, q.upper, q.unit) == (20, 20, None, "drone")
    assert ev.date is not None and ev.date.start == "2024-03-05"
    ev = run(uk, "Учора окупанти обстріляли Херсон, — ОВА.").events[0]
    assert ev.date is not None and (ev.date.start, ev.date.precision) == ("2024-03-05", "day")


@pytest.mark.parametrize("post, actor", [
    ("ЗСУ атакували позиції ворога, — Генштаб.", "ua-armed-forces"),
    ("Окупанти обстріляли Херсон, — ОВА.", "ru-armed-forces"),
])
def test_actors(uk: Pipeline, post: str, actor: str) -> None:
    ev = run(uk, post).events[0]
    assert ev.actor1 is not None and ev.actor1.actor_id == actor


def test_places(uk: Pipeline) -> None:
    ex = run(uk, "Ворог атакував Київщину. У Києві та Харкові пролунали вибухи. Над Сумською, Чернігівською та "
                 "Київською областями збито дрони. На Запорізькому напрямку тривають бої. Росія вдарила по Україні. "
                 "У Чорному морі знищено катер. На вулиці Шевченка у Львові пожежа.")
    got = {m.span.text: (m.place.name if m.place else None, m.precision) for m in ex.places}
    assert got["Київщину"] == ("Kyiv Oblast", Precision.REGION)
    assert got["Києві"][0] == "Kyiv" and got["Харкові"][0] == "Kharkiv"
    assert got["Сумською"][0] == "Sumy Oblast" and got["Чернігівською"][0] == "Chernihiv Oblast"
    assert got["Запорізькому напрямку"] == ("Zaporizhzhia direction", Precision.OTHER)
    assert got["Росія"] == ("Russia", Precision.COUNTRY) and got["Україні"][0] == "Ukraine"
    assert got["Чорному морі"] == ("Black Sea", Precision.OTHER)
    assert got["вулиці Шевченка"][1] in (None, Precision.OTHER)
