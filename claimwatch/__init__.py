"""claimwatch: an evidence-linked ledger of attributed claims from conflict reporting.

Library use::

    from claimwatch import Article, extract
    result = extract(Article(text="The ministry said its forces repelled an attack."))
    for claim in result.claims:
        print(claim.source and claim.source.name, claim.cue, claim.content.text, claim.status.value)
"""

import logging

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
    "load_options",
]
