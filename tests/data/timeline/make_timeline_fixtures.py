"""Write the authored fixtures of this folder (run from anywhere; idempotent).

A made-up front line near 35° E, 51° N, built from strips 0.05° wide whose
corners are vertices of every polygon that covers them, so that each area
and change is a sum of strip areas (geodesic edges shared exactly):

- front_2024-08-06: strips 0-3 (35.00-35.20° E, 51.00-51.20° N) and a
  separate square near 35.5° E; coordinates with 6 decimals.
- front_2024-08-07: the same geometry written with 7 decimals, every
  coordinate moved by less than half of 1e-6° (a redraw, no change).
- front_2024-08-09: strips 1-5 (strip 0 lost, strips 4 and 5 gained), the
  square unchanged, coordinates with 6 decimals.
- dup/dup_2024-08-07: a copy of front_2024-08-07 under another name (two
  snapshots of one date), kept apart from the series.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
X0, STEP, LAT0, LAT1 = 35.0, 0.05, 51.0, 51.2
SQUARE = [[35.5, 51.0], [35.55, 51.0], [35.55, 51.05], [35.5, 51.05], [35.5, 51.0]]


def strips(first: int, last: int) -> list[list[float]]:
    """Counter-clockwise ring covering strips first..last (inclusive)."""
    xs = [round(X0 + STEP * k, 6) for k in range(first, last + 2)]
    ring = [[x, LAT0] for x in xs] + [[x, LAT1] for x in reversed(xs)]
    return [*ring, ring[0]]


def nudge(ring: list[list[float]]) -> list[list[float]]:
    """Write 7 decimals: move each coordinate by +-4e-7 degrees at most."""
    out = []
    for i, (x, y) in enumerate(ring):
        d = (4e-7 if i % 2 else -3e-7) if i < len(ring) - 1 else None
        out.append([x, y] if d is None else [round(x + d, 7), round(y - d, 7)])
    out[-1] = out[0]
    return out


def write(name: str, rings: list[list[list[float]]], decimals: int) -> None:
    polys = [[[[round(c, decimals) for c in xy] for xy in ring]] for ring in rings]
    doc = {
        "type": "FeatureCollection",
        "name": name,
        "features": [
            {
                "type": "Feature",
                "properties": {"zone": "occupied"},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        ],
    }
    (HERE / f"{name}.geojson").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    write("front_2024-08-06", [strips(0, 3), SQUARE], 6)
    write("front_2024-08-07", [nudge(strips(0, 3)), nudge(SQUARE)], 7)
    write("front_2024-08-09", [strips(1, 5), SQUARE], 6)
    (HERE / "dup").mkdir(exist_ok=True)
    text = (HERE / "front_2024-08-07.geojson").read_text()
    (HERE / "dup" / "dup_2024-08-07.geojson").write_text(text)
