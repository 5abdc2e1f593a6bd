"""A map measured after the one before it is measured as if it were alone.

In a series the engine rebuilds a large polygon from the last map's, and
densifies and projects only the edges that changed. Whatever the edit (a
stretch of the front moved, vertices added or dropped, the start vertex
moved, a ring reversed, a hole or a part added or removed, parts reordered,
a vertex repeated), the area must be the one a fresh measurement gives, to
the last bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, mapping

from kurskgeo.area import measure_files
from tests.common import collection, feature, write_geojson

N = 320  # vertices of the large ring: above the size the engine splices


def _ring(radii: np.ndarray, start: int = 0) -> list[tuple[float, float]]:
    angles = np.linspace(0, 2 * np.pi, len(radii), endpoint=False)
    # about 1.5 degrees across: edges of 3 km, which are densified
    pts = np.column_stack(
        [35 + 1.5 * radii * np.cos(angles), 51 + radii * np.sin(angles)]
    )
    pts = np.roll(pts, -start, axis=0)
    return [tuple(p) for p in pts]


@st.composite
def edits(draw):
    """A large polygon with a hole and a second part, and an edited copy of it."""
    radii = np.array(
        draw(st.lists(st.floats(0.6, 1.0), min_size=N, max_size=N)), dtype=float
    )
    hole = [(35.1, 51.1), (35.1, 51.2), (35.2, 51.2), (35.2, 51.1)]
    island = [(38, 50), (38.1, 50), (38.1, 50.1), (38, 50.1)]
    before = MultiPolygon([Polygon(_ring(radii), [hole]), Polygon(island)])
    kind = draw(
        st.sampled_from(
            ["move", "drop", "add", "start", "reverse", "hole", "parts", "repeat"]
        )
    )
    lo = draw(st.integers(0, N - 40))
    hi = lo + draw(st.integers(1, 30))
    new = radii.copy()
    holes, start = [hole], 0
    if kind == "move":
        new[lo:hi] = draw(
            st.lists(st.floats(0.6, 1.0), min_size=hi - lo, max_size=hi - lo)
        )
    elif kind == "drop":
        new = np.delete(new, np.arange(lo, hi))
    elif kind == "add":
        new = np.insert(new, lo, np.linspace(0.7, 0.8, hi - lo))
    elif kind == "start":
        start = lo
    elif kind == "hole":
        holes = [] if draw(st.booleans()) else [hole, [(x, y - 0.2) for x, y in hole]]
    ring = _ring(new, start)
    if kind == "reverse":
        ring = ring[::-1]
    if kind == "repeat":
        ring.insert(lo, ring[lo])
    parts = [Polygon(ring, holes), Polygon(island)]
    if kind == "parts":
        parts = parts[::-1] if draw(st.booleans()) else parts[:1]
    return before, MultiPolygon(parts)


@settings(max_examples=60, deadline=None)
@given(edits())
def test_an_edited_polygon_measures_as_if_alone(tmp_path_factory, pair):
    folder = tmp_path_factory.mktemp("series")
    before, after = pair
    for day, geom in (("2025-01-01", before), ("2025-01-02", after)):
        write_geojson(
            folder / f"{day}.geojson",
            collection(feature(mapping(geom), zone="occupied")),
        )
    series = measure_files(folder)
    alone = measure_files(folder / "2025-01-02.geojson")
    pd.testing.assert_frame_equal(
        series.iloc[[1]].reset_index(drop=True), alone, check_exact=True
    )
    assert series["area_km2"].iloc[1] > 0
