"""Place-name normalisation and lookup variants (no index needed)."""

from __future__ import annotations

from claimwatch.geo.names import Query, indexable, level_word, norm, queries


def test_norm_folds_case_accents_apostrophes_and_hyphens() -> None:
    assert norm("Київ") == norm("КИЇВ")
    assert norm("Kharkivs’ka") == norm("Kharkivs'ka") == "kharkivska"
    assert norm("U.S.") == norm("US") == "us"
    assert norm("Ivano-Frankivsk") == "ivano frankivsk"
    assert norm("  Sudža ") == "sudza"


def test_queries_cut_articles_possessives_and_level_words() -> None:
    assert queries("Kursk")[0] == Query("kursk")
    assert Query("kursk", level="region", derived=True) in queries("the Kursk region")
    assert Query("kursk", level="region", derived=True) in queries("Kursk oblasts")
    assert Query("pokrovsk", level="district", derived=True) in queries("Pokrovsk raion")
    assert any(q.key == "moscow" for q in queries("Moscow's"))
    assert all(q.level is None for q in queries("Bakhmut"))


def test_level_word() -> None:
    assert level_word("Oblast") == "region"
    assert level_word("raion") == "district"
    assert level_word("soldiers") is None


def test_indexable_keeps_latin_and_cyrillic_names_only() -> None:
    assert indexable("Artemivsk")
    assert indexable("Бахмут")
    assert not indexable("IEV")  # an airport code
    assert not indexable("kyiva")  # a lower-case romanisation of another script
    assert not indexable("基辅")


def test_inflected_forms_share_a_stem_with_the_name() -> None:
    from claimwatch.geo.names import inflected_forms

    def shared(mention: str, name: str) -> set[str]:
        return set(inflected_forms(norm(mention))) & set(inflected_forms(norm(name), name=True))

    assert "херсон" in shared("Херсоне", "Херсон")
    assert "одес" in shared("Одесі", "Одеса")
    assert "харков" in shared("Харкова", "Харків")  # Ukrainian і -> о in an open syllable
    assert "курск област" in shared("Курской области", "Курская область")
    assert not shared("Микола", "Миколаїв")  # a name keeps its consonant ending: no first name matches it
    assert not shared("Песков", "Пески")  # a surname's ending is kept
    assert inflected_forms("kherson") == ("kherson",)
