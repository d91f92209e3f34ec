"""Crisis geometry: points in polygons (with holes), great-circle distances, bounding boxes."""

from __future__ import annotations

import math

import pytest

from pravasi.crisis import geometry

# GeoJSON order: [lon, lat].
SQUARE = [[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]]
WITH_HOLE = [
    [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
    [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]],
]
DUBAI = (25.2048, 55.2708)
ABU_DHABI = (24.4539, 54.3773)


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [(5, 5, True), (0.5, 9.5, True), (9.9, 0.1, True), (5, 10.5, False), (-0.1, 5, False), (11, 11, False), (5, -3, False)],
)
def test_points_on_both_sides_of_a_square(lat, lon, inside):
    assert geometry.point_in_polygon(lat, lon, SQUARE) is inside


def test_a_hole_is_outside():
    assert geometry.point_in_polygon(2, 2, WITH_HOLE)
    assert not geometry.point_in_polygon(5, 5, WITH_HOLE)  # in the hole
    assert geometry.point_in_polygon(5, 7, WITH_HOLE)  # between the hole and the outer ring
    assert not geometry.point_in_polygon(5, 12, WITH_HOLE)


def test_a_concave_polygon():
    # A "U": the notch between its arms is outside.
    u_shape = [[[0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]]]
    assert geometry.point_in_polygon(4, 1, u_shape)
    assert geometry.point_in_polygon(5, 5, u_shape)
    assert not geometry.point_in_polygon(4, 3, u_shape)
    assert not geometry.point_in_polygon(1, 1, [])


def test_haversine_dubai_abu_dhabi():
    distance = geometry.haversine_km(*DUBAI, *ABU_DHABI)
    assert 120 <= distance <= 130
    assert geometry.haversine_km(*DUBAI, *DUBAI) == 0
    assert geometry.haversine_km(*DUBAI, *ABU_DHABI) == pytest.approx(geometry.haversine_km(*ABU_DHABI, *DUBAI))
    assert geometry.haversine_km(0, 0, 0, 180) == pytest.approx(20015, rel=1e-3)  # half the equator


def test_point_in_circle():
    assert geometry.point_in_circle(*ABU_DHABI, center_lat=DUBAI[0], center_lon=DUBAI[1], radius_km=130)
    assert not geometry.point_in_circle(*ABU_DHABI, center_lat=DUBAI[0], center_lon=DUBAI[1], radius_km=100)


def test_polygon_bounding_box():
    assert geometry.polygon_bounding_box(WITH_HOLE) == (0.0, 0.0, 10.0, 10.0)
    assert geometry.polygon_bounding_box([[[54.0, 24.0], [56.5, 24.2], [55.0, 26.0], [54.0, 24.0]]]) == (24.0, 54.0, 26.0, 56.5)


@pytest.mark.parametrize(("lat", "lon", "radius"), [(25.2, 55.3, 50), (60.0, 10.0, 500), (-33.9, 18.4, 1500), (0.0, 0.0, 2000)])
def test_circle_bounding_box_holds_the_circle(lat, lon, radius):
    min_lat, min_lon, max_lat, max_lon = geometry.circle_bounding_box(lat, lon, radius)
    # Points on the circle's edge in the four directions and at the widest longitude all fall inside the box.
    assert min_lat < lat < max_lat and min_lon < lon < max_lon
    assert geometry.haversine_km(lat, lon, max_lat, lon) == pytest.approx(radius, rel=1e-6)
    assert geometry.haversine_km(lat, lon, min_lat, lon) == pytest.approx(radius, rel=1e-6)
    for step in range(0, 360, 5):
        # Walk the circle's edge on a fine grid of bearings.
        r = radius / geometry.EARTH_RADIUS_KM
        phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(step)
        phi2 = math.asin(math.sin(phi) * math.cos(r) + math.cos(phi) * math.sin(r) * math.cos(theta))
        lam2 = lam + math.atan2(math.sin(theta) * math.sin(r) * math.cos(phi), math.cos(r) - math.sin(phi) * math.sin(phi2))
        assert min_lat - 1e-9 <= math.degrees(phi2) <= max_lat + 1e-9
        assert min_lon - 1e-9 <= math.degrees(lam2) <= max_lon + 1e-9
    # The box is not much wider than needed: a point well outside it is far outside the circle.
    assert geometry.haversine_km(lat, lon, max_lat + 1, lon) > radius


def test_circle_bounding_box_near_a_pole_or_across_the_antimeridian_takes_every_longitude():
    assert geometry.circle_bounding_box(89.5, 0.0, 200)[1::2] == (-180.0, 180.0)
    assert geometry.circle_bounding_box(-17.7, 179.5, 300)[1::2] == (-180.0, 180.0)
