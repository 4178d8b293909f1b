"""ClaimReview export: schema.org ``ClaimReview`` JSON-LD for the stories an analyst has rated.

Reads rated stories (:class:`~claimwatch.model.StoryRecord` plus the analyst's latest rating from
``story_reviews``); writes a JSON array of ClaimReview objects, as fact-checkers publish them
(https://schema.org/ClaimReview). A rating is an analyst's review: claimwatch never produces one by itself, and a
story without one is not exported. The claim reviewed is the story's first corroborating claim; its appearances
are the articles that carry it (not those that deny or only report it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from ..model import StoryRecord


def claim_review(story: StoryRecord, rating: dict[str, Any], who: str, at: datetime,
                 urls: dict[int, str | None]) -> dict[str, Any]:
    """One ClaimReview; ``rating``: ``{"label": "Unproven", "value": 2, "best": 5, "worst": 1, "url": …}``;
    ``urls``: article id -> its URL."""
    lead = next((c for c in story.claims if c.stance == "corroborates"), story.claims[0] if story.claims else None)
    claimant = (lead.source or lead.outlet) if lead is not None else None
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": at.date().isoformat(),
        "claimReviewed": lead.content.text if lead is not None else "",
        "author": {"@type": "Person", "name": who},
        "reviewRating": {"@type": "Rating", "alternateName": rating.get("label")},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": claimant} if claimant else None,
            "datePublished": story.first_seen.date().isoformat() if story.first_seen else None,
            "appearance": [{"@type": "CreativeWork", "url": u} for u in dict.fromkeys(
                urls.get(c.article_id) for c in story.claims if c.stance == "corroborates") if u],
        },
        "identifier": story.id,
    }
    for key, name in (("value", "ratingValue"), ("best", "bestRating"), ("worst", "worstRating")):
        if rating.get(key) is not None:
            review["reviewRating"][name] = rating[key]
    if rating.get("url"):
        review["url"] = rating["url"]
    return review


def write(reviews: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array of ClaimReview objects; returns how many."""
    items = list(reviews)
    out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    return len(items)
