"""Fuzzing: arbitrary mutations of valid inputs raise only KurskgeoError, or succeed."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kurskgeo
from kurskgeo.claims import read_claims
from kurskgeo.io import read_snapshot

HERE = Path(__file__).parent
VALID_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"zone": "liberated", "date": "2025-01-17", "name": "a"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [35.0, 51.0, 0],
                            [35.2, 51.0, 0],
                            [35.2, 51.2, 0],
                            [35.0, 51.2, 0],
                            [35.0, 51.0, 0],
                        ],
                        [[35.05, 51.05], [35.1, 51.05], [35.1, 51.1], [35.05, 51.05]],
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {"zone": "contested"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[35.3, 51.0], [35.4, 51.0], [35.4, 51.1], [35.3, 51.0]]]
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": None,
                "geometry": {"type": "Point", "coordinates": [35, 51]},
            },
        ],
    }
).encode()

VALID_CLAIMS = (HERE / "data" / "claims" / "synthetic.yaml").read_bytes()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def byte_mutations(draw, data: bytes):
    """Delete, insert, replace or duplicate random byte ranges."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        i = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "delete":
            del out[i : i + draw(st.integers(1, 12))]
        elif kind == "insert":
            out[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "replace" and out:
            out[i] = draw(st.integers(0, 255))
        else:
            out = out[:i]
    return bytes(out)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


@st.composite
def structural_mutations(draw):
    """Replace one node of the valid document by an arbitrary JSON value."""
    doc = json.loads(VALID_GEOJSON)
    paths = [p for p in _paths(doc) if p]
    path = draw(st.sampled_from(paths))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = draw(json_values)
    return json.dumps(doc).encode()


def _read(path: Path, reader):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kurskgeo.KurskgeoWarning)
        try:
            reader(path)
        except kurskgeo.KurskgeoError:
            pass


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(byte_mutations(VALID_GEOJSON))
def test_reader_survives_byte_mutations(tmp_path, data):
    path = tmp_path / "fuzz.geojson"
    path.write_bytes(data)
    _read(path, lambda p: kurskgeo.measure(read_snapshot(p)))


@FUZZ
@given(structural_mutations())
def test_reader_survives_structural_mutations(tmp_path, data):
    path = tmp_path / "fuzz.geojson"
    path.write_bytes(data)
    _read(path, lambda p: kurskgeo.measure(read_snapshot(p)))


@FUZZ
@given(byte_mutations(VALID_CLAIMS))
def test_claims_parser_survives_byte_mutations(tmp_path, data):
    path = tmp_path / "claims.yaml"
    path.write_bytes(data)
    _read(path, lambda p: kurskgeo.claim_findings(read_claims(p)))


@FUZZ
@given(
    st.sampled_from(VALID_CLAIMS.decode().splitlines()),
    st.integers(0, 200),
    json_values,
)
def test_claims_parser_survives_changed_values(tmp_path, line, index, value):
    lines = VALID_CLAIMS.decode().splitlines()
    i = index % len(lines)
    key = lines[i].split(":", 1)[0]
    lines[i] = f"{key}: {json.dumps(value)}" if ":" in lines[i] else json.dumps(value)
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines))
    _read(path, lambda p: kurskgeo.claim_findings(read_claims(p)))


def test_fuzz_inputs_are_valid_to_start_with(tmp_path):
    path = tmp_path / "ok.geojson"
    path.write_bytes(VALID_GEOJSON)
    with pytest.warns(kurskgeo.SkippedFeatureWarning):
        snap = read_snapshot(path)
    assert len(snap) == 2
    assert read_claims(HERE / "data" / "claims" / "synthetic.yaml")
