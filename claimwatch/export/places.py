"""Places export: one JSON object per resolved place mention.

Reads :class:`~claimwatch.model.Extraction` records (``extraction.places``); writes lines of::

    {"article": <id>, "text", "start", "end", "geonameid", "name", "feature": {"class", "code"},
     "admin1", "country", "lat", "lon", "precision", "role", "confidence"}

``start``/``end`` are offsets into the stored article text; ``country`` is an ISO 3166-1 alpha-2 code;
``precision`` is settlement | district | region | country | continent | other ("other": placed only
approximately, at a nearby town); ``role`` is ``location``, or ``actor`` when the place stands for its
government ("Kyiv announced"). Mentions the gazetteer could not resolve are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ..model import Extraction, PlaceMention
from ..settings import Options


def place_record(article_id: int | None, mention: PlaceMention) -> dict[str, Any] | None:
    """The export record of one mention, or None when it has no resolved place."""
    place = mention.place
    if place is None:
        return None
    return {
        "article": article_id,
        "text": mention.span.text,
        "start": mention.span.start,
        "end": mention.span.end,
        "geonameid": place.geonameid,
        "name": place.name,
        "feature": {"class": place.feature_class, "code": place.feature_code},
        "admin1": place.admin1,
        "country": place.country,
        "lat": place.lat,
        "lon": place.lon,
        "precision": mention.precision.value if mention.precision else None,
        "role": mention.role.value,
        "confidence": mention.confidence,
    }


def records(extractions: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    for extraction in extractions:
        for mention in extraction.places:
            record = place_record(extraction.article.id, mention)
            if record is not None:
                yield record


def write(extractions: Iterable[Extraction], out: TextIO, options: Options | None = None) -> int:
    """Write one JSON line per resolved place mention; returns the number of lines."""
    n = 0
    for record in records(extractions):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n
