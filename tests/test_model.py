"""The data model's vocabularies: stored values stay the same strings, and precision has one ranking."""

from __future__ import annotations

import json

from claimwatch.model import Polarity, Precision, Role


def test_enum_values_are_the_strings_stored_before_they_were_enums() -> None:
    assert [p.value for p in Precision] == ["settlement", "district", "region", "country", "continent", "other"]
    assert [r.value for r in Role] == ["location", "actor"]
    assert [p.value for p in Polarity] == ["positive", "negative"]
    assert json.dumps([Precision.REGION, Role.ACTOR, Polarity.NEGATIVE]) == '["region", "actor", "negative"]'


def test_precision_rank_puts_the_most_specific_first() -> None:
    shuffled = [Precision.OTHER, Precision.COUNTRY, Precision.SETTLEMENT, Precision.CONTINENT, Precision.REGION,
                Precision.DISTRICT]
    assert sorted(shuffled, key=lambda p: p.rank) == [Precision.SETTLEMENT, Precision.DISTRICT, Precision.REGION,
                                                      Precision.COUNTRY, Precision.CONTINENT, Precision.OTHER]
    assert Precision.SETTLEMENT.rank == 0 and Precision.OTHER.rank == len(Precision) - 1
