"""The events stage: what each claim says happened, typed in ACLED's vocabulary, with actors, place, date and
quantities.

- :mod:`.classify`: trigger matches to typed events (``classify``), events per claim (``annotate``)
- :mod:`.lexicon`: the event vocabulary and trigger lexicon (``data/events/lexicon.yaml``)
- :mod:`.rules`, :mod:`.rules_strategic`: sub-type resolvers over the dependency parse
- :mod:`.arguments`: actor1/actor2 of an event, resolved against the actor registry
- :mod:`.dates`: date expressions normalised against the publication date
- :mod:`.quantities`: numbers with units, kinds and bounds
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...stage import Analysis, Stage
from .classify import Typed, annotate, best, claim_events, classify, refine_with_places, territory_sub_type

if TYPE_CHECKING:
    from ...actors import ActorRegistry


class EventsStage(Stage):
    """What each claim says happened: ACLED type and sub-type, actors, date, quantities, negation."""

    name = "events"
    requires = ("doc", "claims")
    assigns = ("claims.events", "claims.source.actor")

    def __init__(self, actors: Callable[[], ActorRegistry]) -> None:
        self._actors = actors  #: the actor registry, loaded on first use

    def __call__(self, analysis: Analysis) -> None:
        annotate(analysis.parsed, analysis.article, analysis.extraction.claims, self._actors())


class TerritoryStage(Stage):
    """Territory events retyped by ACLED's rule once their place is known (own country: regains)."""

    name = "territory"
    requires = ("claims.events", "events.place")
    assigns = ("events.sub_type",)

    def __init__(self, actors: Callable[[], ActorRegistry]) -> None:
        self._actors = actors

    def __call__(self, analysis: Analysis) -> None:
        refine_with_places(analysis.extraction.claims, self._actors())


__all__ = ["EventsStage", "TerritoryStage", "Typed", "annotate", "best", "claim_events", "classify",
           "refine_with_places", "territory_sub_type"]
