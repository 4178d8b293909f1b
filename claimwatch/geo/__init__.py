"""Offline geoparsing: toponyms found in text, resolved against a GeoNames-based gazetteer index.

Library use::

    from claimwatch.geo import Geoparser
    geoparser = Geoparser(options)            # the index opens (or is built) on first use
    mentions = geoparser.annotate(doc, article, claims)
    resolved = geoparser.resolve_spans(text, [(0, 6)])

Data: GeoNames (https://www.geonames.org), CC BY 4.0.
"""

from .gazetteer import Entry, Gazetteer, build, default_path
from .geoparser import Geoparser, GeoStage, event_place, outlet_priors
from .resolve import Prior, Resolution, resolve

__all__ = ["Entry", "Gazetteer", "GeoStage", "Geoparser", "Prior", "Resolution", "build", "default_path", "event_place", "outlet_priors", "resolve"]
