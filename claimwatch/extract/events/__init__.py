"""The events stage: what each claim says happened, typed in ACLED's vocabulary, with actors, place, date and
quantities.

- :mod:`.classify`: trigger matches to typed events (``classify``), events per claim (``annotate``)
- :mod:`.lexicon`: the event vocabulary and trigger lexicon (``data/events/lexicon.yaml``)
- :mod:`.rules`, :mod:`.rules_strategic`: sub-type resolvers over the dependency parse
- :mod:`.arguments`: actor1/actor2 of an event, resolved against the actor registry
- :mod:`.dates`: date expressions normalised against the publication date
- :mod:`.quantities`: numbers with units, kinds and bounds
"""

from .classify import Typed, annotate, best, claim_events, classify, refine_with_places, territory_sub_type

__all__ = ["Typed", "annotate", "best", "claim_events", "classify", "refine_with_places", "territory_sub_type"]
