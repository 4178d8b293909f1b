"""Candidate ranking: the features of a gazetteer candidate in its article, and the weights that score them.

Reads: ``claimwatch/data/geo/ranker.json`` (weights learned by ``scripts/train_geo_ranker.py``), when present;
else the hand-set weights below. Writes: nothing; :func:`~claimwatch.geo.resolve.resolve` scores each candidate
as the dot product of its :data:`FEATURES` and a :class:`Ranker`'s weights, and takes the softmax of the
scores of a mention's candidates as the confidence of its choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: what a candidate is scored on; the first group needs only the candidate, the rest the article around it
FEATURES = (
    "log_population",  # log10(population + 10)
    "country", "continent", "region", "district", "other",  # feature type (settlement: none of these)
    "alternate_name", "alias", "demonym",  # how the looked-up name belongs to it (primary: none)
    "derived",  # reached through a cut form of the name ("Kursk region" -> "kursk")
    "partial",  # only part of the name matched ("University of California" -> California)
    "capital",  # a national capital
    "namesake",  # +1 a town a same-named region is named after ("New York", "Kharkiv"), -1 that region
    "outlet_country", "outlet_admin1",  # the outlet's share of places in its country / region (a Prior)
    "top_population",  # the most populous of the mention's candidates
    "population_gap",  # log10 population below the most populous candidate's (0 for that one)
    "context_country", "context_admin1",  # the other mentions' share in its country / region
    "qualifier",  # a qualifier right after the mention contains it ("Athens, Ga.")
    "near",  # another mention's chosen town lies within 200 km
)
#: features that depend on the other mentions' choices (recomputed in each round)
CONTEXT = ("context_country", "context_admin1", "qualifier", "near")

#: the hand-set weights (the scoring before a ranker was learned; ``top_population`` and ``population_gap``
#: unused)
HAND_WEIGHTS = {
    "log_population": 0.35, "country": 1.6, "continent": 1.6, "region": 0.8, "district": -0.2, "other": -0.3,
    "alternate_name": -0.5, "alias": -0.8, "derived": -0.3, "partial": -1.2, "capital": 1.2, "namesake": 1.2,
    "outlet_country": 1.5, "outlet_admin1": 2.0, "context_country": 2.0, "context_admin1": 2.5,
    "qualifier": 4.0, "near": 1.2,
}
_RANKER_FILE = "data/geo/ranker.json"


@dataclass(frozen=True, slots=True)
class Ranker:
    """Weights over :data:`FEATURES`; ``name`` says where they come from ("hand" or the training data)."""

    weights: tuple[float, ...]
    name: str = "hand"

    @classmethod
    def of(cls, weights: dict[str, float], name: str) -> Ranker:
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown ranking features: {', '.join(sorted(unknown))}")
        return cls(tuple(float(weights.get(f, 0.0)) for f in FEATURES), name)

    def score(self, features: tuple[float, ...]) -> float:
        return sum(w * x for w, x in zip(self.weights, features) if x)


def hand_ranker() -> Ranker:
    return Ranker.of(HAND_WEIGHTS, "hand")


@lru_cache(maxsize=1)
def default_ranker() -> Ranker:
    """The learned weights shipped in the package, else the hand-set ones."""
    path = resources.files("claimwatch").joinpath(_RANKER_FILE)
    if not path.is_file():
        return hand_ranker()
    data = json.loads(path.read_text("utf-8"))
    return Ranker.of(data["weights"], str(data.get("data", "learned")))
