"""The fast reader parses only what a file's text does not share with the last one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurskgeo import _fastread, _geojson


def text(*features, indent=None):
    """A FeatureCollection of MultiPolygons given as lists of lists of rings."""
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "MultiPolygon", "coordinates": parts},
            }
            for parts in features
        ],
    }
    return json.dumps(doc, indent=indent).encode()


def ring(cx, cy, n, r=0.1, wobble=0.0, seed=0):
    rng = np.random.default_rng(seed)
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    rad = r * (1 + wobble * rng.random(n))
    pts = np.round(np.column_stack([cx + rad * np.cos(a), cy + rad * np.sin(a)]), 6)
    return [*pts.tolist(), pts[0].tolist()]


def same(a, b):
    """Two Plain readings hold the same arrays, bit for bit."""
    assert a is not None and b is not None
    assert a.ragged[0].tobytes() == b.ragged[0].tobytes()
    for x, y in zip(a.ragged[1], b.ragged[1], strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.texts == b.texts


def read(raw, prev=None, name="s_2024-08-10.geojson"):
    return _fastread.read_plain(Path(name), raw, prev)


@pytest.fixture
def partial(monkeypatch):
    """Count the readings that reused the previous file's positions."""
    calls = {"reused": 0}
    positions_from = _fastread._from_prev

    def counting(*args):
        out = positions_from(*args)
        calls["reused"] += out is not None
        return out

    monkeypatch.setattr(_fastread, "_from_prev", counting)
    return calls


BASE = [[ring(35.0, 51.0, 40), ring(35.0, 51.0, 12, r=0.03)], [ring(36.0, 51.5, 20)]]


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p[0][0].__setitem__(20, [35.0, 51.05]),  # one vertex, mid-ring
        lambda p: p[0][0].__setitem__(1, [35.09, 51.01]),  # the second vertex
        lambda p: p[0][0].__setitem__(-2, [35.09, 50.99]),  # the last but one
        lambda p: None,  # nothing
        lambda p: p[0][0].__delitem__(slice(10, 15)),  # vertices deleted
        lambda p: p[0][0].__setitem__(slice(10, 10), [[35.0, 51.2], [35.01, 51.2]]),
        lambda p: p[0].__delitem__(1),  # a hole removed
        lambda p: p.append([ring(37.0, 52.0, 8)]),  # a part added
        lambda p: p[0][0].__setitem__(0, [35.2, 51.0]),  # the first vertex
    ],
)
def test_partial_reading_equals_reading_whole(edit, partial):
    before = json.loads(json.dumps(BASE))
    after = json.loads(json.dumps(BASE))
    edit(after)
    if after[0][0][0] != after[0][0][-1]:
        after[0][0][-1] = after[0][0][0]
    prev = read(text(before))
    same(read(text(after), prev), read(text(after)))


def test_most_of_a_changed_text_is_not_parsed_again(partial):
    after = json.loads(json.dumps(BASE))
    after[0][0][20] = [35.0, 51.05]
    read(text(after), read(text(BASE)))
    assert partial["reused"] == 1


def test_white_space_does_not_count(partial):
    """The texts are compared without white space: indented or not, one geometry."""
    prev = read(text(BASE, indent=2))
    again = read(text(BASE), prev)
    same(again, read(text(BASE)))
    assert prev.texts == again.texts


def test_three_dimensional_positions_are_parsed_whole(partial):
    def with_z(parts):
        return [[[[x, y, 100.0] for x, y in r] for r in rings] for rings in parts]

    after = json.loads(json.dumps(BASE))
    after[0][0][20] = [35.0, 51.05]
    prev = read(text(with_z(BASE)))
    same(read(text(with_z(after)), prev), read(text(with_z(after))))
    assert partial["reused"] == 0


def test_a_malformed_change_is_refused():
    """A position of three numbers among pairs: not plain, with or without prev."""
    prev = read(text(BASE))
    good = text(BASE).decode()
    bad = good.replace("51.0", "51.0, 7.0", 1).encode()
    assert read(bad) is None
    assert read(bad, prev) is None


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    n=st.integers(8, 40),
)
def test_random_edits_read_as_whole(data, n):
    rings = [ring(35.0, 51.0, n, wobble=0.3, seed=n), ring(35.0, 51.0, 6, r=0.02)]
    before = [rings]
    after = json.loads(json.dumps(before))
    shell = after[0][0]
    i = data.draw(st.integers(1, len(shell) - 2))
    j = data.draw(st.integers(i, len(shell) - 1))
    new = data.draw(
        st.lists(
            st.tuples(st.floats(34.8, 35.2), st.floats(50.8, 51.2)).map(list),
            max_size=5,
        )
    )
    shell[i:j] = new
    shell[-1] = shell[0]
    if len(shell) < 4:
        return
    prev = read(text(before))
    same(read(text(after), prev), read(text(after)))


@pytest.mark.realdata
@pytest.mark.parametrize("folder", ["deepstate-occupied", "isw-kursk"])
def test_real_series_read_partially_as_whole(shared_data, folder, partial):
    prev = None
    plain = 0
    for path in sorted((shared_data / folder).glob("*.geojson")):
        raw = _geojson.read_bytes(path)
        whole = _fastread.read_plain(path, raw)
        again = _fastread.read_plain(path, raw, prev)
        assert (whole is None) == (again is None)
        if whole is not None:
            same(again, whole)
            plain += 1
        prev = again
    assert plain
    if folder == "deepstate-occupied":
        assert partial["reused"] >= 0.8 * plain


def test_a_pickled_reading_keeps_its_key_not_its_texts():
    import pickle

    plain = read(text(BASE))
    again = pickle.loads(pickle.dumps(plain))
    assert again.key == plain.key and again.texts == ()
    same_arrays = again.ragged[0].tobytes() == plain.ragged[0].tobytes()
    assert same_arrays and again.zones == plain.zones
    assert not again.same_geometry(pickle.loads(pickle.dumps(plain)))
    assert read(text(BASE), again).ragged[0].tobytes() == plain.ragged[0].tobytes()
