"""Where the data of a tensor the stripped model left out lies, and its statistics read from there.

A :class:`TensorData` is a span of a file or of a buffer in memory: ``raw`` bytes of the tensor's element type
(``raw_data``, packed ``float_data`` / ``double_data``, an external data file) or a whole serialized ``TensorProto``
decoded by onnx. Statistics are :func:`weight_stats` of the tensor, exactly, reading for a tensor over
``STATS_SAMPLE`` values only the evenly strided sample weight_stats itself would take, in chunks through one reusable
buffer, so the tensor is never in memory at once.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import onnx
from onnx import helper, numpy_helper

from ._builder import STATS_SAMPLE, weight_stats

# Bytes read at a time when a big tensor's statistics are computed from its file.
CHUNK_BYTES: Final = 1 << 22


class Blob:
    """Bytes of a file or of a buffer in memory, read by offset."""

    def __init__(self, path: str | None = None, buffer: Any = None) -> None:
        self.path = path
        self.buffer = buffer

    def read_into(self, offset: int, out: np.ndarray) -> None:
        """Fill ``out`` (a contiguous array) with the bytes at ``offset``."""
        view: Any = out.reshape(-1).view(np.uint8)
        if self.buffer is not None:
            src = memoryview(self.buffer)[offset : offset + view.size]
            if len(src) != view.size:
                raise EOFError("the tensor's data runs past the end of the model")
            view[:] = np.frombuffer(src, dtype=np.uint8)
            return
        assert self.path is not None
        with open(self.path, "rb", buffering=0) as f:
            f.seek(offset)
            got = 0
            mv = memoryview(view)
            while got < view.size:
                n = f.readinto(mv[got:])
                if not n:
                    raise EOFError(f"{os.path.basename(self.path)} ends before the tensor's data")
                got += n

    def read(self, offset: int, length: int) -> bytes:
        out = np.empty(length, dtype=np.uint8)
        self.read_into(offset, out)
        return out.tobytes()


def _little(dtype: np.dtype[Any]) -> np.dtype[Any]:
    return dtype.newbyteorder("<") if dtype.kind in "fiuc" and dtype.itemsize > 1 else dtype


@dataclass
class TensorData:
    """Where a stripped tensor's data lies: ``raw`` bytes of its element type (``raw_data``, packed
    ``float_data`` / ``double_data``, an external file), or a whole serialized ``TensorProto`` (``proto``)."""

    blob: Blob
    offset: int
    length: int
    data_type: int
    dims: list[int]
    kind: str = "raw"

    def stats(self) -> dict[str, Any]:
        got = self.values()
        return got if isinstance(got, dict) else _stats_of(*got)

    def values(self) -> dict[str, Any] | tuple[np.ndarray, int]:
        """(the values weight_stats looks at, the tensor's size) — the statistics themselves when onnx decodes the
        tensor or its type has none."""
        count = math.prod(self.dims)
        if self.kind == "proto":
            t = onnx.TensorProto()
            t.ParseFromString(self.blob.read(self.offset, self.length))
            return weight_stats(numpy_helper.to_array(t))
        dtype = helper.tensor_dtype_to_np_dtype(self.data_type)
        if dtype.kind not in "fiubc":  # bfloat16, float8, 4-bit…: counted, no statistics (as weight_stats does)
            return weight_stats(np.broadcast_to(np.zeros(1, dtype=dtype), (count,)))
        if dtype.itemsize * count != self.length:  # not one element per itemsize bytes: let onnx decode it
            t = helper.make_tensor("t", self.data_type, self.dims, self.blob.read(self.offset, self.length), raw=True)
            return weight_stats(numpy_helper.to_array(t))
        dtype = _little(dtype)
        if count <= STATS_SAMPLE:
            values = np.empty(count, dtype=dtype)
            self.blob.read_into(self.offset, values)
            return values, count
        # Only the values weight_stats would sample (every step-th one), read through one reusable buffer.
        step = math.ceil(count / STATS_SAMPLE)
        per_chunk = max(1, CHUNK_BYTES // (dtype.itemsize * step)) * step
        buf = np.empty(per_chunk, dtype=dtype)
        sample = np.empty(math.ceil(count / step), dtype=dtype)
        done = 0
        for start in range(0, count, per_chunk):
            n = min(per_chunk, count - start)
            part = buf[:n]
            self.blob.read_into(self.offset + start * dtype.itemsize, part)
            picked = part[::step]
            sample[done : done + picked.size] = picked
            done += picked.size
        return sample, count


def _stats_of(values: np.ndarray, count: int) -> dict[str, Any]:
    """weight_stats of the whole tensor from the sample it would take of it (``values``, ``count`` values in all)."""
    out = weight_stats(values)
    if values.size == count:
        return out
    ordered: dict[str, Any] = {}
    for key, value in out.items():
        ordered[key] = count if key == "count" else value
        if key == "zeros":
            ordered["sample"] = int(values.size)
    return ordered


def _in_memory_data(t: onnx.TensorProto) -> TensorData | None:
    if t.data_location == onnx.TensorProto.EXTERNAL:
        return None  # its file is unknown without the model's path
    dims = [int(d) for d in t.dims]
    if t.HasField("raw_data"):
        raw = t.raw_data  # one tensor's bytes at a time, when its statistics are computed
        return TensorData(Blob(buffer=raw), 0, len(raw), t.data_type, dims)
    data = t.SerializeToString()
    return TensorData(Blob(buffer=data), 0, len(data), t.data_type, dims, kind="proto")


class ProtoData(TensorData):
    """The data of a tensor of the user's ModelProto, taken out of it only while its statistics are computed."""

    def __init__(self, tensor: onnx.TensorProto) -> None:
        super().__init__(Blob(buffer=b""), 0, 0, tensor.data_type, [int(d) for d in tensor.dims])
        self.tensor = tensor

    def stats(self) -> dict[str, Any]:
        d = _in_memory_data(self.tensor)
        if d is None:
            raise LookupError("external data")
        got = d.values()
        del d  # the copy of the tensor's bytes goes before the statistics' own arrays come
        return got if isinstance(got, dict) else _stats_of(*got)
