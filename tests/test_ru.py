"""The Russian pipeline: parse, attribution, status, events, places and actors, on fictional Telegram-style posts.

Every pattern is tested in a post written from each side's point of view (the rules name no party). The texts
are fiction written for these tests. Marked ``model``: the parse loads natasha's bundled slovnet models.
"""

from __future__ import annotations

import json
import subprocess
import sys
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
def ru() -> Pipeline:
    return Pipeline(load_options(gazetteer_path=str(built_index()[0])))


def run(pipe: Pipeline, text: str) -> Extraction:
    return pipe.extract(Article(text=text, language="ru", published=PUBLISHED))


def claim_with(ex: Extraction, words: str):  # type: ignore[no-untyped-def]
    found = [c for c in ex.claims if words in c.content.text]
    assert found, f"no claim with {words!r}: {[c.content.text for c in ex.claims]}"
    return found[0]


def source(claim) -> str | None:  # type: ignore[no-untyped-def]
    return claim.source.span.text if claim.source else None


def spans_exact(ex: Extraction) -> None:
    text = ex.article.text
    for c in ex.claims:
        for span in [c.content, *(x for x in (c.cue, c.source and c.source.span) if x)]:
            assert text[span.start:span.end] == span.text


# ------------------------------------------------------------------------------------------------ stages


def test_stage_list_is_russian(ru: Pipeline) -> None:
    names = [s.name for s in ru.stages("ru")]
    assert names == ["parse", "attribution", "status", "events", "paragraphs", "geo", "territory"]
    assert type(ru.stages("ru")[0]).__name__ == "SlavicParseStage"
    assert type(ru.stages("ru")[1]).__name__ == "SlavicAttributionStage"


def test_cli_stages_json_lists_the_russian_stages() -> None:
    out = subprocess.run([sys.executable, "-m", "claimwatch", "stages", "--language", "ru", "--json"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["language"] == "ru"
    assert [s["name"] for s in data["stages"]] == ["parse", "attribution", "status", "events", "paragraphs", "geo",
                                                       "territory"]


# ------------------------------------------------------------------------------------------------- parse


def test_parse_keeps_the_text_exactly_and_parses_speech_sentences() -> None:
    from claimwatch.nlp.slavic import parser

    text = ("⚡️**Сводка**  за сутки:\n\n«Противник отступил», — заявил Конашенков.\t Погода ясная.\n"
            "[👉 Подписаться](https://t.me/+abc)\n")
    doc = parser("ru")(text)
    assert doc.text == text
    assert [t.lemma_ for t in doc if t.text == "заявил"] == ["заявить"]
    speech = next(s for s in doc.sents if "заявил" in s.text)
    assert any(t.dep_ == "nsubj" for t in speech)  # the speech sentence went through the syntax parser
    weather = next(s for s in doc.sents if "Погода" in s.text)
    assert {t.dep_ for t in weather} <= {"ROOT", "dep"}  # the rest is not parsed (speed)
    assert any(s.text.startswith("[") for s in doc.sents)  # a new line starts a sentence


def test_parse_many_equals_parse_one() -> None:
    from claimwatch.nlp.slavic import parser

    texts = ["Минобороны заявило, что атака отбита.", "Погода ясная.", "Как сообщает ТАСС, в Курске тихо."]
    one = [[(t.text, t.dep_, t.head.i) for t in parser("ru")(x)] for x in texts]
    many = [[(t.text, t.dep_, t.head.i) for t in d] for d in parser("ru").pipe(texts)]
    assert one == many


# ------------------------------------------------------------------------------------------- attribution


@pytest.mark.parametrize("post, content, who", [
    ("Средства ПВО сбили 12 беспилотников над Белгородской областью, — Минобороны.", "сбили 12 беспилотников",
     "Минобороны"),
    ("**Силы обороны отбили 14 атак у Покровска**, — [Генштаб ВСУ](https://t.me/example).", "отбили 14 атак",
     "Генштаб ВСУ"),
])
def test_dash_trailer(ru: Pipeline, post: str, content: str, who: str) -> None:
    ex = run(ru, post)
    c = claim_with(ex, content)
    assert source(c) == who and c.cue is not None and c.cue.text == "—"
    assert not c.content.text.startswith("*") and not c.content.text.endswith(",")
    spans_exact(ex)


@pytest.mark.parametrize("post, content, who, cue", [
    ("«Противник понёс потери», — заявил Игорь Конашенков.", "«Противник понёс потери»", "Игорь Конашенков", "заявил"),
    ("«Оккупанты отступили», — заявила пресс-секретарь бригады.", "«Оккупанты отступили»", "пресс-секретарь бригады",
     "заявила"),
    ("Генштаб ВСУ заявил, что украинские военные отбили 14 атак.", "украинские военные отбили 14 атак",
     "Генштаб ВСУ", "заявил"),
    ("Министерство обороны России сообщило об уничтожении трех танков.", "об уничтожении трех танков",
     "Министерство обороны России", "сообщило"),
    ("ВСУ потеряли около 200 военнослужащих, утверждает Минобороны России.", "ВСУ потеряли около 200",
     "Минобороны России", "утверждает"),
    ("Россия готовит новое наступление, передаёт Укринформ.", "Россия готовит новое наступление", "Укринформ",
     "передаёт"),
    ("Военные корреспонденты написали, что линия фронта стабильна.", "линия фронта стабильна",
     "Военные корреспонденты", "написали"),
])
def test_speech_verbs_in_every_tense_and_gender(ru: Pipeline, post: str, content: str, who: str, cue: str) -> None:
    ex = run(ru, post)
    c = claim_with(ex, content)
    assert source(c) == who
    assert c.cue is not None and c.cue.text == cue
    assert c.status is Status.CLAIMED
    spans_exact(ex)


@pytest.mark.parametrize("post, content, who, cue", [
    ("Как сообщило министерство обороны, подразделения группировки «Центр» освободили Новомихайловку.",
     "освободили Новомихайловку", "министерство обороны", "Как сообщило"),
    ("По словам губернатора Вячеслава Гладкова, в Белгороде ранены двое мирных жителей.", "ранены двое",
     "губернатора Вячеслава Гладкова", "По словам"),
    ("По данным Генштаба ВСУ, за сутки произошло 120 боевых столкновений.", "произошло 120", "Генштаба ВСУ",
     "По данным"),
    ("Согласно сводке Минобороны, за неделю сбиты 300 дронов.", "сбиты 300 дронов", "сводке Минобороны",
     "Согласно"),
    ("Российские войска продвинулись у Кременной, по данным украинских военных.", "продвинулись у Кременной",
     "украинских военных", "по данным"),
    ("Потери ВСУ превысили тысячу человек, сообщает ТАСС со ссылкой на источник в силовых структурах.",
     "Потери ВСУ превысили", "источник в силовых структурах", "со ссылкой на"),
])
def test_fronted_and_trailing_sources(ru: Pipeline, post: str, content: str, who: str, cue: str) -> None:
    ex = run(ru, post)
    c = claim_with(ex, content)
    assert source(c) == who and c.cue is not None and c.cue.text == cue
    assert "сообщает" not in c.content.text
    spans_exact(ex)


@pytest.mark.parametrize("post, first, pronoun", [
    ("По словам губернатора Гладкова, в Белгороде ранены двое. По его данным, повреждены три дома.",
     "губернатора Гладкова", "его"),
    ("По словам мэра Харькова, город обстреляли ракетами. По ее словам, пострадали пятеро.", "мэра Харькова", "ее"),
])
def test_anaphoric_source_is_the_previous_speaker(ru: Pipeline, post: str, first: str, pronoun: str) -> None:
    ex = run(ru, post)
    second = ex.claims[1]
    assert source(second) == pronoun
    assert second.source is not None and second.source.entity is not None and second.source.entity.text == first


@pytest.mark.parametrize("post, content, cue", [
    ("Сообщается, что в Курске слышны взрывы.", "в Курске слышны взрывы", "Сообщается"),
    ("Приходят сообщения о взрывах в Харькове.", "о взрывах в Харькове", "Приходят сообщения"),
    ("Как сообщается, колонна техники вошла в село.", "колонна техники вошла в село", "Как сообщается"),
])
def test_impersonal_reports_have_no_source_and_stay_claimed(ru: Pipeline, post: str, content: str, cue: str) -> None:
    c = claim_with(run(ru, post), content)
    assert c.source is None and c.cue is not None and c.cue.text == cue
    assert c.status is Status.CLAIMED


@pytest.mark.parametrize("post, content, who", [
    ("Потери ВСУ за сутки составили 250 военнослужащих, [сообщили в Минобороны России](https://t.me/example).",
     "Потери ВСУ за сутки составили 250", "Минобороны России"),
    ("Оккупанты потеряли 40 танков, [пишет Генштаб ЗСУ](https://t.me/example).", "Оккупанты потеряли 40 танков",
     "Генштаб ЗСУ"),
])
def test_inverted_cue_inside_a_link(ru: Pipeline, post: str, content: str, who: str) -> None:
    ex = run(ru, post)
    c = claim_with(ex, content)
    assert source(c) == who
    spans_exact(ex)


def test_this_was_reported_points_at_the_previous_sentence(ru: Pipeline) -> None:
    ex = run(ru, "Над Курской областью сбиты три беспилотника. Об этом сообщил губернатор региона.")
    c = claim_with(ex, "сбиты три беспилотника")
    assert source(c) == "губернатор региона" and c.cue is not None and c.cue.text == "сообщил"


def test_the_channels_own_sentences_are_outlet_claims(ru: Pipeline) -> None:
    ex = run(ru, "В городе объявлена воздушная тревога.\n\nМинобороны заявило, что все цели поражены.")
    own = claim_with(ex, "объявлена воздушная тревога")
    assert own.kind is ClaimKind.OUTLET and own.status is Status.ASSERTED and own.source is None


# ------------------------------------------------------------------------------------------------ status


@pytest.mark.parametrize("post, content, hedge", [
    ("ВСУ якобы потеряли более тысячи военнослужащих, сообщает The Times.", "якобы потеряли", "якобы"),
    ("По предварительным данным, российские войска предположительно заняли Кременную, заявил военный эксперт.",
     "заняли Кременную", "По предварительным данным"),
])
def test_hedges(ru: Pipeline, post: str, content: str, hedge: str) -> None:
    c = claim_with(run(ru, post), content)
    assert c.status is Status.HEDGED
    assert hedge in [e.text for e in c.status_evidence]


@pytest.mark.parametrize("post", [
    "Генштаб ВСУ заявил об освобождении села. Информация не подтверждена.",
    "Минобороны России заявило об освобождении села. Официального подтверждения пока нет.",
])
def test_unconfirmed(ru: Pipeline, post: str) -> None:
    c = claim_with(run(ru, post), "освобождении села")
    assert c.status is Status.UNCONFIRMED


@pytest.mark.parametrize("post, claimed, denier", [
    (("Российские каналы заявили, что уничтожен мост в Херсоне. Минобороны Украины опровергло сообщения об "
     "уничтожении моста."), "уничтожен мост", "Минобороны Украины"),
    (("Украинские каналы заявили, что уничтожен мост в Белгороде. Минобороны России опровергло сообщения об "
     "уничтожении моста."), "уничтожен мост", "Минобороны России"),
])
def test_denials_mark_the_denied_claim(ru: Pipeline, post: str, claimed: str, denier: str) -> None:
    ex = run(ru, post)
    assert claim_with(ex, claimed).status is Status.DENIED
    denial = next(c for c in ex.claims if c.source and c.source.span.text == denier)
    assert denial.status is Status.DENIED and denial.polarity.value == "negative"


def test_fake_in_a_short_content_is_a_denial(ru: Pipeline) -> None:
    c = claim_with(run(ru, "В Минобороны заявили, что это фейк."), "фейк")
    assert c.polarity.value == "negative"


# ------------------------------------------------------------------------------------------------ events


@pytest.mark.parametrize("post, sub_type", [
    ("Средства ПВО сбили 12 беспилотников, — Минобороны.", "Disrupted weapons use"),
    ("ВСУ атаковали Белгород беспилотниками, — губернатор.", "Air/drone strike"),
    ("Российские войска нанесли удар по Одессе, — Генштаб ВСУ.", "Shelling/artillery/missile attack"),
    ("Подразделения освободили Работино, — Генштаб ВСУ.", "Government regains territory"),
    ("Армия уничтожила три танка противника, — Минобороны.", "Equipment destroyed"),
    ("В Курске задержали диверсанта, — ФСБ.", "Arrests"),
    ("В Харькове погибли двое мирных жителей, — глава области.", "Civilian casualties"),
    ("Украинские военные отбили 14 атак, — Генштаб ВСУ.", "Armed clash"),
])
def test_event_types(ru: Pipeline, post: str, sub_type: str) -> None:
    ex = run(ru, post)
    assert sub_type in [e.sub_type for e in ex.events]


@pytest.mark.parametrize("post, value, lower, upper, kind, unit", [
    ("Средства ПВО сбили 12 беспилотников, — Минобороны.", 12, 12, 12, "munitions", "drone"),
    ("ВСУ потеряли более тысячи военнослужащих, — Минобороны.", 1000, 1000, None, "casualties", "people"),
    ("В Белгороде ранены двое мирных жителей, — губернатор.", 2, 2, 2, "wounded", "people"),
    ("Армия уничтожила около 20 танков противника, — Генштаб ВСУ.", 20, 18, 22, "equipment", "tank"),
])
def test_quantities_in_words_and_digits(ru: Pipeline, post: str, value: float, lower: float | None,
                                        upper: float | None, kind: str, unit: str) -> None:
    qs = [q for e in run(ru, post).events for q in e.quantities]
    assert qs, "no quantity"
    q = qs[0]
    assert (q.value, q.lower, q.upper, q.kind, q.unit) == (value, lower, upper, kind, unit)


@pytest.mark.parametrize("post, start, end", [
    ("Вчера ВСУ атаковали Белгород беспилотниками, — губернатор.", "2024-03-05", "2024-03-05"),
    ("В ночь на 5 марта средства ПВО сбили 12 беспилотников, — Минобороны.", "2024-03-04", "2024-03-05"),
    ("В ночь на среду средства ПВО сбили 7 ракет, — Воздушные силы.", "2024-03-05", "2024-03-06"),
])
def test_dates_relative_to_the_post(ru: Pipeline, post: str, start: str, end: str) -> None:
    ev = run(ru, post).events[0]
    assert ev.date is not None and (ev.date.start, ev.date.end, ev.date.precision) == (start, end, "day")


@pytest.mark.parametrize("post, actor1, actor2", [
    ("ВСУ атаковали Белгород беспилотниками, — губернатор.", "ua-armed-forces", None),
    ("ВС РФ нанесли удар по позициям ВСУ, — Минобороны России.", "ru-armed-forces", "ua-armed-forces"),
])
def test_event_actors_from_the_registry(ru: Pipeline, post: str, actor1: str, actor2: str | None) -> None:
    ev = run(ru, post).events[0]
    assert ev.actor1 is not None and ev.actor1.actor_id == actor1
    assert (ev.actor2.actor_id if ev.actor2 else None) == actor2


@pytest.mark.parametrize("post, enemy", [
    ("«Противник понёс потери», — заявил представитель Минобороны России.", "ua-armed-forces"),
    ("«Противник понёс потери», — заявил представитель Генштаба ВСУ.", "ru-armed-forces"),
])
def test_the_enemy_is_the_other_sides_forces(ru: Pipeline, post: str, enemy: str) -> None:
    ev = run(ru, post).events[0]
    assert ev.actor1 is not None and ev.actor1.actor_id == enemy


# ------------------------------------------------------------------------------------------------ places


def places(ex: Extraction) -> dict[str, tuple[str | None, Precision | None]]:
    return {m.span.text: (m.place.name if m.place else None, m.precision) for m in ex.places}


@pytest.mark.parametrize("form", ["Киев", "Киева", "Киеве", "Киеву"])
def test_every_case_of_a_name_resolves(ru: Pipeline, form: str) -> None:
    got = places(run(ru, f"Дроны летели на {form}, сообщили военные."))
    assert got[form][0] == "Kyiv"


def test_inflected_small_town(ru: Pipeline) -> None:
    assert places(run(ru, "ВСУ вошли в Суджу, — Минобороны."))["Суджу"][0] == "Sudzha"


def test_a_list_of_regions_before_one_level_word(ru: Pipeline) -> None:
    got = places(run(ru, "Дроны сбиты над Сумской, Черниговской и Киевской областями."))
    assert got["Сумской"] == ("Sumy Oblast", Precision.REGION)
    assert got["Черниговской"] == ("Chernihiv Oblast", Precision.REGION)
    assert got["Киевской областями"] == ("Kyiv Oblast", Precision.REGION)


def test_crimea_is_the_region_and_a_street_is_no_town(ru: Pipeline) -> None:
    got = places(run(ru, "Удар по Крыму. В Махачкале горит дом на Каспийской улице."))
    assert got["Крыму"][1] is Precision.REGION
    street = got["Каспийской улице"]
    assert street[0] != "Kaspiysk" and street[1] in (None, Precision.OTHER)


def test_countries_and_abbreviations(ru: Pipeline) -> None:
    got = places(run(ru, "РФ и США провели переговоры об Украине. ВСУ отступили из России."))
    assert got["РФ"] == ("Russia", Precision.COUNTRY)
    assert got["США"][1] is Precision.COUNTRY and got["Украине"][0] == "Ukraine"
    assert got["России"][0] == "Russia"
    assert "ВСУ" not in got


def test_seas_rivers_regions_and_directions(ru: Pipeline) -> None:
    got = places(run(ru, "В Черном море уничтожен катер. Бои идут на Запорожском направлении и на Донбассе. "
                         "Противник пытался форсировать Днепр."))
    assert got["Черном море"] == ("Black Sea", Precision.OTHER)
    assert got["Запорожском направлении"] == ("Zaporizhzhia direction", Precision.OTHER)
    assert got["Донбассе"] == ("Donbas", Precision.REGION)
    assert got["Днепр"] == ("Dnieper", Precision.OTHER)


def test_event_gets_its_place(ru: Pipeline) -> None:
    ev = run(ru, "В Белгороде ранены двое мирных жителей, — губернатор.").events[0]
    assert ev.place is not None and ev.place.place is not None and ev.place.place.name == "Belgorod"


# ------------------------------------------------------------------------------------------------ actors


@pytest.mark.parametrize("form, actor", [
    ("Минобороны России", "ru-mod"), ("Министерства обороны РФ", "ru-mod"), ("Генштабом ВСУ", "ua-general-staff"),
    ("Вооруженных сил Украины", "ua-armed-forces"), ("группировки войск «Север»", "ru-group-north"),
    ("Росгвардии", "ru-rosgvardia"), ("Главного управления разведки", "ua-hur"), ("ЧВК «Вагнер»", "wagner"),
])
def test_registry_aliases_in_case_forms(ru: Pipeline, form: str, actor: str) -> None:
    c = claim_with(run(ru, f"Колонна уничтожена, — сообщили в {form}."), "Колонна уничтожена")
    assert c.source is not None and c.source.actor == actor
