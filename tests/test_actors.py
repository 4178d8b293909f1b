"""Actor registry: bundled defaults, user files, multilingual aliases, matching and references."""

from __future__ import annotations

import pytest

from claimwatch.actors import KINDS, ActorRegistry, load_registry, normalise


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    return load_registry()


def ids(registry: ActorRegistry, doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.actor.id for m in registry.find(doc)]


def test_bundled_defaults_cover_both_sides(registry: ActorRegistry) -> None:
    for actor_id in ("ua-armed-forces", "ua-general-staff", "ua-national-guard", "ua-border-guard", "rdk", "lsr",
                     "ru-armed-forces", "ru-mod", "ru-general-staff", "ru-rosgvardia", "ru-border-service", "wagner",
                     "ru-akhmat", "naftogaz", "ukrenergo", "gazprom", "rosatom", "kursk-resistance"):
        actor = registry.get(actor_id)
        assert actor is not None, actor_id
        assert actor.kind in KINDS
    sides = {a.side for a in registry.actors.values()}
    assert {"ukraine", "russia"} <= sides
    state = [a for a in registry.actors.values() if a.kind == "state force"]
    assert {a.side for a in state} >= {"ukraine", "russia"}


def test_aliases_in_three_languages_with_case_endings(nlp, registry: ActorRegistry) -> None:
    assert ids(registry, nlp("Ukraine's armed forces met the Russian Defence Ministry.")) == ["ua-armed-forces",
                                                                                              "ru-mod"]
    # Ukrainian and Russian, inflected forms and guillemets
    assert ids(registry, nlp("Заява Міністерства оборони України")) == ["ua-mod"]
    assert ids(registry, nlp("по данным Минобороны России")) == ["ru-mod"]
    assert ids(registry, nlp("бойцы ЧВК «Вагнер»")) == ["wagner"]
    assert ids(registry, nlp("Легион «Свобода России» заявил")) == ["lsr"]


def test_normalise_strips_cyrillic_endings_only() -> None:
    assert normalise("України") == normalise("Україна") == "україн"
    assert normalise("Forces") == "forces"
    assert normalise("ЗСУ") == "зсу"


def test_longest_alias_wins(nlp, registry: ActorRegistry) -> None:
    doc = nlp("the General Staff of the Armed Forces of Ukraine reported")
    found = registry.find(doc)
    assert [(m.actor.id, doc[m.start:m.end].text) for m in found] == [
        ("ua-general-staff", "General Staff of the Armed Forces of Ukraine")]


def test_unknown_actor_is_kept_whole_with_its_side(nlp, registry: ActorRegistry) -> None:
    text = "the Ukrainian 99th Battalion of the 61st Brigade"
    doc = nlp(text)
    ref = registry.ref(list(doc), text)
    assert ref.actor_id is None
    assert ref.name == "Ukrainian 99th Battalion of the 61st Brigade"
    assert ref.side == "ukraine"
    assert text[ref.span.start:ref.span.end] == ref.span.text


def test_known_actor_reference(nlp, registry: ActorRegistry) -> None:
    text = "Russian troops"
    ref = registry.ref(list(nlp(text)), text)
    assert (ref.actor_id, ref.name, ref.side, ref.kind) == ("ru-armed-forces", "Armed Forces of the Russian Federation",
                                                            "russia", "state force")


def test_kind_side_and_relations(nlp, registry: ActorRegistry) -> None:
    assert registry.kind_of(list(nlp("Wagner fighters"))) == "nonstate"
    assert registry.kind_of(list(nlp("the National Guard of Ukraine"))) == "state"
    assert registry.kind_of(list(nlp("local farmers"))) is None
    assert registry.side_of(list(nlp("a Russian convoy"))) == "russia"
    assert registry.acting_for(registry.get("ru-mod")).id == "ru-armed-forces"
    assert registry.acting_for(registry.get("ua-zelensky")).id == "ua-government"
    assert registry.opponent_forces("ukraine").id == "ru-armed-forces"
    assert registry.opponent_forces("russia").id == "ua-armed-forces"
    assert registry.opponent_forces(None) is None
    assert registry.find_text("the Russian Defence Ministry").id == "ru-mod"
    assert registry.find_text("a spokesman") is None


def test_user_file_adds_and_extends(nlp, tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "actors:\n"
        "  - id: night-owls\n    name: Night Owls Unit\n    kind: non-state armed group\n    side: russia\n"
        "    inter: 3\n    aliases:\n      en: [Night Owls]\n      ru: [Ночные совы]\n"
        "  - id: ua-armed-forces\n    aliases:\n      en: [the defenders of Ukraine]\n", "utf-8")
    reg = load_registry(str(path))
    assert reg.get("night-owls").inter == 3
    assert ids(reg, nlp("Night Owls and Ночных сов")) == ["night-owls", "night-owls"]
    assert ids(reg, nlp("the defenders of Ukraine")) == ["ua-armed-forces"]
    assert reg.get("ua-armed-forces").name == "Armed Forces of Ukraine"  # untouched fields kept
    assert ids(load_registry(), nlp("Night Owls")) == []  # the bundled registry is unchanged


@pytest.mark.parametrize("body", [
    "actors:\n  - id: x\n    name: X\n    kind: militia\n",
    "actors:\n  - name: X\n    kind: company\n",
    "just text",
])
def test_bad_user_file_says_what_is_wrong(tmp_path, body: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body, "utf-8")
    with pytest.raises(ValueError, match="bad.yaml"):
        load_registry(str(path))
