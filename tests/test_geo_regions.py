"""Region precision, region centres and distances."""

from __future__ import annotations

import pytest

from claimwatch.geo.regions import centre_of, distance_km, precision_of
from claimwatch.model import Precision


@pytest.mark.parametrize(("fclass", "fcode", "expected"), [
    ("P", "PPL", "settlement"), ("P", "PPLC", "settlement"), ("A", "ADM1", "region"), ("A", "ADM2", "district"),
    ("A", "PCLI", "country"), ("L", "CONT", "continent"), ("H", "STM", "other"), (None, None, "other"),
])
def test_precision_of(fclass: str | None, fcode: str | None, expected: str) -> None:
    assert precision_of(fclass, fcode) is Precision(expected)


def test_centre_is_the_middle_of_the_places_extent_not_the_population_mean() -> None:
    # one big town at the western edge, small villages spread east: the middle is in between
    points = [(50.0, 30.0, 1_000_000)] + [(50.0, 30.0 + i * 0.1, 600) for i in range(1, 41)]
    centre = centre_of(points)
    assert centre.lat == pytest.approx(50.0)
    assert 31.5 < centre.lon < 32.5


def test_centre_trims_a_stray_point_and_unwraps_the_antimeridian() -> None:
    many = [(60.0 + i * 0.01, 170.0 + i * 0.05, 500) for i in range(100)]
    many += [(60.5, -175.0 + i * 0.05, 500) for i in range(100)]
    centre = centre_of(many)
    assert abs(centre.lon) > 170  # near the antimeridian, not near Greenwich
    stray = [(48.0, 37.0, 500)] * 200 + [(-33.0, 151.0, 500)]  # a place with a wrong region code
    assert distance_km(48.0, 37.0, centre_of(stray).lat, centre_of(stray).lon) < 1


def test_distance_km() -> None:
    assert distance_km(50.45466, 30.5238, 49.98081, 36.25272) == pytest.approx(411, abs=5)  # Kyiv - Kharkiv
    assert distance_km(10, 10, 10, 10) == 0
