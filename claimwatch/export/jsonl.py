"""JSONL export: one JSON object per claim, every evidence span with offsets into the stored article text.

Reads :class:`~claimwatch.model.Extraction` records; writes lines of :func:`claimwatch.records.claim_dict`::

    {"article": {"id", "title", "url", "outlet", "published", "language",
                 "languages": [{"start", "end", "language", "confidence"}]},
     "source": {"text", "start", "end", "entity": {"text", "start", "end"} | null, "actor"} | null,
     "cue": {"text", "start", "end"} | null,
     "content": {"text", "start", "end", "parts": [{"text", "start", "end"}, ...] (only when discontinuous)},
     "kind", "status", "status_evidence": [{"text", "start", "end"}], "polarity", "confidence",
     "pipeline_version",
     "events": [{"type", "sub_type", "actor1", "actor2", "place", "date": {"start", "end", "precision"},
                 "quantities": [{"value", "lower", "upper", "unit", "kind", "text", "start", "end"}],
                 "negated", "hypothetical", "trigger": {"text", "start", "end"}}]}

``article.languages`` are the runs of one language each that language identification found in the text (a
Ukrainian quote in a Russian post is a run of its own). ``source`` null means the outlet's own voice. ``actor1``/``actor2`` are ``{"name", "actor_id", "side", "kind",
"text", "start", "end"}`` or null; ``place`` is the place dict of every export (:func:`claimwatch.records.place_dict`:
``{"text", "start", "end", "geonameid", "name", "feature": {"class", "code"}, "admin1", "country", "lat", "lon",
"precision", "role", "confidence"}``) or null until geoparsing fills it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ..model import Extraction
from ..records import claim_dict, languages_list
from ..settings import Options


def records(extraction: Extraction) -> Iterator[dict[str, Any]]:
    """The export records of ``extraction``'s claims: :func:`~claimwatch.records.claim_dict` with the article's
    paragraph languages added to its ``article``."""
    languages = languages_list(extraction.article)
    for claim in extraction.claims:
        record = claim_dict(claim, extraction.article, extraction.pipeline_version)
        record["article"]["languages"] = languages
        yield record


def write(extractions: Iterable[Extraction], out: TextIO, options: Options | None = None) -> int:
    """Write one JSON line per claim of ``extractions`` to ``out``; returns the number of lines."""
    n = 0
    for extraction in extractions:
        for record in records(extraction):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n
