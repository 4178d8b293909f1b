"""The workbench's query layer: filtered, paged reads of the store, shared by the HTTP API, the pages and the CLI.

    from claimwatch.query import Filters, claims, parse_filters
    page = claims(store, parse_filters([("status", "denied"), ("q", "village")]), limit=20)
    page.items, page.next          # claim records with ids; the cursor of the next page (None: the last)

- :mod:`.filters`: the :class:`Filters` record, parsing from strings, limits, cursors
- :mod:`.sql`: what each filter means in SQL (full text on SQLite and PostgreSQL)
- :mod:`.reads`: ``claims``, ``claim``, ``stories``, ``story``, ``article``, ``places``
- :mod:`.overview`: ``map_features`` (GeoJSON), ``map_clusters`` (counts per grid cell) and ``timeline``
"""

from .filters import (
    DEFAULT_LIMIT,
    FILTER_NAMES,
    MAX_LIMIT,
    BBox,
    FilterError,
    Filters,
    parse_bbox,
    parse_filters,
    parse_limit,
)
from .overview import CLUSTER_CELLS, MAP_LIMIT, MAX_MAP_LIMIT, map_clusters, map_features, timeline
from .reads import Page, article, claim, claims, highlights, places, stories, story

__all__ = ["CLUSTER_CELLS", "DEFAULT_LIMIT", "FILTER_NAMES", "MAP_LIMIT", "MAX_LIMIT", "MAX_MAP_LIMIT", "BBox", "FilterError",
           "Filters", "Page", "article", "claim", "claims", "highlights", "map_clusters", "map_features", "parse_bbox", "parse_filters",
           "parse_limit", "places", "stories", "story", "timeline"]
