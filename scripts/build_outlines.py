"""Build ``claimwatch/web/static/outlines.geojson``: the map's offline base layer (country outlines).

Reads ``countries-50m.json`` of the npm package ``world-atlas`` 2.0.2 (TopoJSON of Natural Earth's 1:50m admin-0
countries; Natural Earth is public domain, world-atlas is ISC-licensed), decodes its arcs, clips every polygon
to the box the workbench covers (Eastern Europe, the Caucasus and western Russia), rounds coordinates to 0.01°
(about 1 km) and writes a GeoJSON FeatureCollection with ``name`` and ``level: "country"`` properties.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_outlines.py package/countries-50m.json claimwatch/web/static/outlines.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

#: west, south, east, north of what the base layer covers
BOX = (12.0, 38.0, 60.0, 62.0)
DIGITS = 2

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


def main(source: str, target: str) -> None:
    topology = json.loads(Path(source).read_text("utf-8"))
    collection = {"type": "FeatureCollection",
                  "source": "Natural Earth 1:50m admin-0 countries (public domain) via world-atlas 2.0.2 (ISC)",
                  "features": features(topology)}
    Path(target).write_text(json.dumps(collection, separators=(",", ":")), "utf-8")
    print(f"{len(collection['features'])} countries, {Path(target).stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
