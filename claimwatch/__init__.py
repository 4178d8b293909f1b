"""claimwatch: an evidence-linked ledger of attributed claims from conflict reporting.

Library use::

    from claimwatch import Article, extract
    result = extract(Article(text="The ministry said its forces repelled an attack."))
    for claim in result.claims:
        print(claim.source and claim.source.name, claim.cue, claim.content.text, claim.status.value)

On a Ray cluster (the extra ``claimwatch[ray]``; Ray is imported only then)::

    from claimwatch import ingest_ray, load_options
    from claimwatch.store import Store
    with Store("sqlite:///cw.db") as store:
        summary = ingest_ray(store, ["feeds/"], load_options(ray_cpus=2))
"""

import logging
from typing import Any as _Any

from .about import PIPELINE_VERSION, __version__
from .model import (
    Actor,
    ActorRef,
    Article,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Extraction,
    ItemError,
    Outlet,
    Place,
    PlaceMention,
    Polarity,
    Precision,
    Quantity,
    Review,
    Role,
    Source,
    Span,
    Status,
)
from .pipeline import Pipeline, extract, extract_many
from .settings import Options, load_options

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> _Any:
    """``ingest_ray`` on first use: its module imports the store and numpy, which ``import claimwatch`` does not."""
    if name == "ingest_ray":
        from .engines.ray_engine import ingest_ray

        return ingest_ray
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PIPELINE_VERSION",
    "Actor",
    "ActorRef",
    "Article",
    "Claim",
    "ClaimKind",
    "DateRange",
    "Event",
    "Extraction",
    "ItemError",
    "Options",
    "Outlet",
    "Pipeline",
    "Place",
    "PlaceMention",
    "Polarity",
    "Precision",
    "Quantity",
    "Review",
    "Role",
    "Source",
    "Span",
    "Status",
    "__version__",
    "extract",
    "extract_many",
    "ingest_ray",
    "load_options",
]
