"""Plane and sphere geometry for crisis areas: points in GeoJSON polygons, great-circle distances, bounding boxes."""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180

# (min_lat, min_lon, max_lat, max_lon)
BoundingBox = tuple[float, float, float, float]
Ring = Sequence[Sequence[float]]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: a ray from the point towards +longitude crosses the ring's edges an odd number of times
    when the point is inside. Rings are [lon, lat] positions as in GeoJSON."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            crossing = xi + (lat - yi) * (xj - xi) / (yj - yi)
            if lon < crossing:
                inside = not inside
        j = i
    return inside


def point_in_polygon(lat: float, lon: float, polygon: Sequence[Ring]) -> bool:
    """True when the point is inside the GeoJSON Polygon coordinates: inside the outer ring and in none of
    the holes. Polygons are read on the plane of longitude and latitude and must not cross the antimeridian;
    a point exactly on an edge may fall either way."""
    if not polygon:
        return False
    if not _in_ring(lon, lat, polygon[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in polygon[1:])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def point_in_circle(lat: float, lon: float, *, center_lat: float, center_lon: float, radius_km: float) -> bool:
    return haversine_km(lat, lon, center_lat, center_lon) <= radius_km


def polygon_bounding_box(polygon: Sequence[Ring]) -> BoundingBox:
    """The outer ring's extent (holes lie inside it)."""
    outer = polygon[0]
    lons = [p[0] for p in outer]
    lats = [p[1] for p in outer]
    return min(lats), min(lons), max(lats), max(lons)


def circle_bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """A box that holds the whole circle. Near a pole, or when the circle crosses the antimeridian, the box
    takes every longitude: it only narrows the candidates, so a wider box costs time, never correctness."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    if min_lat <= -90.0 or max_lat >= 90.0:
        return min_lat, -180.0, max_lat, 180.0
    # The circle's widest longitude span (J. P. Matuschek, "Finding points within a distance of a
    # latitude/longitude point using bounding coordinates"), with a hair of margin for rounding.
    angular = radius_km / EARTH_RADIUS_KM
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat))))) + 1e-9
    if dlon >= 180 or lon - dlon < -180 or lon + dlon > 180:
        return min_lat, -180.0, max_lat, 180.0
    return min_lat, lon - dlon, max_lat, lon + dlon
