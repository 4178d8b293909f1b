"""Places export: one JSON object per resolved place mention.

Reads :class:`~claimwatch.model.Extraction` records (``extraction.places``); writes lines of the article id
and the place dict of every export (:func:`claimwatch.records.place_dict`)::

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
from ..records import place_dict
from ..settings import Options


def place_record(article_id: int | None, mention: PlaceMention) -> dict[str, Any] | None:
    """The export record of one mention, or None when it has no resolved place."""
    if mention.place is None:
        return None
    return {"article": article_id, **place_dict(mention)}


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
