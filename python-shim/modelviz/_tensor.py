"""Packed tensors: ``{"dtype", "shape", "data": base64 of little-endian C-order bytes}``.

One encoder and one decoder on the Python side; the TypeScript decoder in
``renderers/src/core/tensor.ts`` is tested against the same fixtures (``schema/fixtures/tensors``).
"""

from __future__ import annotations

import base64
from typing import Any, Final

import numpy as np
import numpy.typing as npt

DTYPES: Final = (
    "float32",
    "float64",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "bool",
)

# numpy kinds that travel as another dtype: float16 widens to float32.
_WIDEN: Final = {"float16": "float32"}


def encode(array: npt.ArrayLike, dtype: str | None = None) -> dict[str, Any]:
    """Pack an array (numpy, list, or anything with ``__array__`` such as a CPU torch tensor)."""
    a = np.asarray(array)
    target = dtype or _WIDEN.get(a.dtype.name, a.dtype.name)
    if target not in DTYPES:
        raise TypeError(f"cannot pack dtype {a.dtype.name!r}; supported: {', '.join(DTYPES)}")
    packed = np.ascontiguousarray(a, dtype=np.dtype(target).newbyteorder("<"))
    return {
        "dtype": target,
        "shape": [int(n) for n in packed.shape],
        "data": base64.b64encode(packed.tobytes()).decode("ascii"),
    }


def decode(tensor: dict[str, Any]) -> npt.NDArray[Any]:
    """Unpack a tensor dict, checking that the byte count matches the shape."""
    dtype = tensor["dtype"]
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}")
    dt = np.dtype(dtype).newbyteorder("<")
    raw = base64.b64decode(tensor["data"], validate=True)
    shape = tuple(int(n) for n in tensor["shape"])
    expected = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    if len(raw) != expected:
        raise ValueError(f"{len(raw)} bytes for shape {list(shape)} {dtype}, expected {expected}")
    return np.frombuffer(raw, dtype=dt).reshape(shape).astype(dt.newbyteorder("="))
