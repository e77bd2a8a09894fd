from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from modelviz._tensor import DTYPES, decode, encode

from .conftest import FIXTURES, SCHEMA

TENSOR_FIXTURES = sorted((FIXTURES / "tensors").glob("*.json"))


def test_dtypes_match_the_schema() -> None:
    schema = json.loads((SCHEMA / "common.v1.schema.json").read_text())
    assert list(DTYPES) == schema["definitions"]["tensor"]["properties"]["dtype"]["enum"]


@pytest.mark.parametrize("path", TENSOR_FIXTURES, ids=[p.stem for p in TENSOR_FIXTURES])
def test_encoder_reproduces_the_fixture_bytes(path: Path) -> None:
    doc = json.loads(path.read_text())
    t = doc["tensor"]
    values = np.asarray(doc["values"], dtype=t["dtype"]).reshape(t["shape"])
    assert encode(values) == t
    np.testing.assert_array_equal(decode(t), values)


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != "bool"])
def test_round_trip(dtype: str) -> None:
    rng = np.random.default_rng(1)
    a = (rng.normal(size=(4, 5, 3)) * 100).astype(dtype)
    t = encode(a)
    assert t["shape"] == [4, 5, 3]
    assert len(base64.b64decode(t["data"])) == a.nbytes
    out = decode(t)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, a)


def test_non_contiguous_and_big_endian_input_is_packed_little_endian_c_order() -> None:
    a = np.arange(12, dtype=">i4").reshape(3, 4).T
    t = encode(a)
    assert t["dtype"] == "int32"
    assert base64.b64decode(t["data"]) == np.ascontiguousarray(a).astype("<i4").tobytes()


def test_float16_travels_as_float32() -> None:
    t = encode(np.array([0.5, 2.0], dtype=np.float16))
    assert t["dtype"] == "float32"
    np.testing.assert_array_equal(decode(t), [0.5, 2.0])


def test_unsupported_dtype_is_named() -> None:
    with pytest.raises(TypeError, match="cannot pack dtype 'complex128'"):
        encode(np.array([1 + 2j]))


def test_decode_checks_the_byte_count() -> None:
    t = encode(np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match=r"16 bytes for shape \[5\] float32, expected 20"):
        decode({**t, "shape": [5]})
