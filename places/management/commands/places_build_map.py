"""Build the world map of /countries/ offline, from Natural Earth's public-domain
country boundaries as the npm package world-atlas ships them (TopoJSON, 1:110m).

    make world-map   # installs world-atlas under var/ and runs this command

The result, places/data/world_map.json (an SVG path per ISO 3166-1 country in
the Equal Earth projection), is committed: the portal serves the map with no
tile server, no CDN and no JavaScript."""

import itertools
import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_countries import countries

DEFAULT_SOURCE = "var/mapdata/node_modules/world-atlas/countries-110m.json"
OUTPUT = Path(__file__).resolve().parents[2] / "data" / "world_map.json"
WIDTH = 1000.0
# Natural Earth ids that are not ISO 3166-1 numeric codes, and Antarctica (left
# out: nobody runs a school census there).
SKIPPED = {"010"}

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Šavrič, Patterson and Jenny's Equal Earth projection (2018), in radians."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are delta-encoded, quantized positions: back to degrees."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return clamp_antimeridian(points)


def clamp_antimeridian(points):
    """Rings crossing the 180th meridian (Russia, Fiji) would be drawn across the
    whole map: move their few points beyond it onto the meridian instead."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points)):
        return points
    east = sum(1 for lon, _lat in points if lon > 0) >= len(points) / 2
    edge = 180.0 if east else -180.0
    return [
        (edge if (lon < 0) == east and abs(lon) > 90 else lon, lat)
        for lon, lat in points
    ]


class Command(BaseCommand):
    help = "Build places/data/world_map.json from world-atlas' countries-110m.json."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=DEFAULT_SOURCE)

    def handle(self, *args, source, **options):
        path = Path(source)
        if not path.exists():
            raise CommandError(f"{path} not found: run `make world-map`.")
        topology = json.loads(path.read_text())
        arcs = decode_arcs(topology)
        x_max, _y = equal_earth(180, 0)
        _x, y_max = equal_earth(0, 90)
        k = WIDTH / (2 * x_max)
        projected_shapes = []
        for geometry in topology["objects"]["countries"]["geometries"]:
            numeric = geometry.get("id")
            if not numeric or numeric in SKIPPED:
                continue
            code = countries.alpha2(int(numeric))
            if not code:
                continue
            polygons = (
                [geometry["arcs"]]
                if geometry["type"] == "Polygon"
                else geometry["arcs"]
            )
            rings = []
            for polygon in polygons:
                for ring in polygon:
                    projected = []
                    for lon, lat in ring_points(ring, arcs):
                        x, y = equal_earth(lon, lat)
                        point = (round((x + x_max) * k, 1), round((y_max - y) * k, 1))
                        if not projected or projected[-1] != point:
                            projected.append(point)
                    if len(projected) >= 3:
                        rings.append(projected)
            if rings:
                projected_shapes.append((code, rings))
        # Crop to the land drawn (Antarctica is left out).
        top = min(y for _c, rings in projected_shapes for r in rings for _x, y in r)
        bottom = max(y for _c, rings in projected_shapes for r in rings for _x, y in r)
        top, height = max(0.0, top - 5), round(bottom - top + 10)
        shapes = []
        for code, rings in projected_shapes:
            parts = []
            for ring in rings:
                (x0, y0), *rest = ring
                parts.append(
                    f"M{x0:g},{round(y0 - top, 1):g}"
                    + "".join(f"L{x:g},{round(y - top, 1):g}" for x, y in rest)
                    + "Z"
                )
            shapes.append({"code": code, "d": "".join(parts)})
        shapes.sort(key=lambda shape: shape["code"])
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(
            json.dumps(
                {
                    "source": "Natural Earth 1:110m admin 0 countries "
                    "(public domain), via the npm package world-atlas 2",
                    "projection": "Equal Earth",
                    "width": int(WIDTH),
                    "height": height,
                    "countries": shapes,
                },
                separators=(",", ":"),
            )
            + "\n"
        )
        self.stdout.write(f"{len(shapes)} countries written to {OUTPUT}")
