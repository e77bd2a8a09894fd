"""Hand-decoded protobuf wire format for ``Event`` and ``Summary`` (no protobuf classes: they are slow and optional).

Field numbers (tensorflow/core/util/event.proto, summary.proto, tensor.proto):
Event: wall_time=1 (double), step=2 (int64), file_version=3, summary=5, session_log=7 (status=1; START=1).
Summary: value=1. Summary.Value: tag=1, simple_value=2 (float), image=4, histo=5, tensor=8, metadata=9.
SummaryMetadata: plugin_data=1 (plugin_name=1, content=2). Summary.Image: height=1, width=2, colorspace=3,
encoded_image_string=4. HistogramProto: min=1, max=2, num=3, sum=4, sum_squares=5, bucket_limit=6, bucket=7 (packed
doubles). TensorProto: dtype=1, tensor_shape=2 (dim=2: size=1), tensor_content=4, float_val=5, double_val=6,
int_val=7, string_val=8, int64_val=10, bool_val=11, half_val=13.

``decode_event`` is the general decoder. ``scalar_layout`` describes where the variable bytes of a one-scalar event
are, so that the reader can decode every record with the same layout at once with numpy.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt


class DecodeError(ValueError):
    """The bytes are not a well-formed message of the expected type."""


_F64: Final = struct.Struct("<d")
_F32: Final = struct.Struct("<f")

# TensorProto dtypes we turn into numpy (DataType enum in types.proto).
DT_FLOAT: Final = 1
DT_DOUBLE: Final = 2
DT_STRING: Final = 7
_NUMPY_DTYPES: Final[dict[int, str]] = {
    1: "<f4",
    2: "<f8",
    3: "<i4",
    4: "<u1",
    5: "<i2",
    6: "<i1",
    9: "<i8",
    10: "bool",
    17: "<u2",
    19: "<f2",
    22: "<u4",
    23: "<u8",
}


def read_varint(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= end or shift > 63:
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def fields(buf: bytes, pos: int, end: int) -> Any:
    """Yield ``(field_number, wire_type, value, start)`` for a message in ``buf[pos:end]``.

    ``value`` is an int for varints and fixed32/64 (raw bits), a ``(start, stop)`` span for length-delimited fields.
    """
    while pos < end:
        start = pos
        key, pos = read_varint(buf, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire == 0:
            value, pos = read_varint(buf, pos, end)
            yield number, wire, value, start
        elif wire == 1:
            if pos + 8 > end:
                raise DecodeError("truncated fixed64")
            yield number, wire, int.from_bytes(buf[pos : pos + 8], "little"), start
            pos += 8
        elif wire == 2:
            n, pos = read_varint(buf, pos, end)
            if pos + n > end:
                raise DecodeError("truncated length-delimited field")
            yield number, wire, (pos, pos + n), start
            pos += n
        elif wire == 5:
            if pos + 4 > end:
                raise DecodeError("truncated fixed32")
            yield number, wire, int.from_bytes(buf[pos : pos + 4], "little"), start
            pos += 4
        else:
            raise DecodeError(f"unsupported wire type {wire}")


def _f64(bits: int) -> float:
    return float(_F64.unpack(bits.to_bytes(8, "little"))[0])


def _f32(bits: int) -> float:
    return float(_F32.unpack(bits.to_bytes(4, "little"))[0])


def _signed64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


class Histogram(NamedTuple):
    min: float
    max: float
    num: float
    sum: float
    sum_squares: float
    bucket_limit: npt.NDArray[np.float64]
    bucket: npt.NDArray[np.float64]


class Image(NamedTuple):
    width: int
    height: int
    colorspace: int
    encoded: bytes


@dataclass
class Tensor:
    dtype: int
    shape: tuple[int, ...]
    content: bytes = b""
    packed: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # field -> spans in the source
    strings: list[bytes] = field(default_factory=list)
    source: bytes = b""

    def to_numpy(self) -> npt.NDArray[Any]:
        """The tensor as a numpy array (strings as an object array of bytes)."""
        n = 1
        for d in self.shape:
            n *= d
        if self.dtype == DT_STRING:
            out = np.empty(len(self.strings), dtype=object)
            out[:] = self.strings
            return out.reshape(self.shape) if len(self.strings) == n else out
        dt = _NUMPY_DTYPES.get(self.dtype)
        if dt is None:
            raise DecodeError(f"tensor dtype {self.dtype} not supported")
        if self.content:
            a = np.frombuffer(self.content, dtype=dt)
        else:
            a = self._from_vals(dt)
        a = a.astype(np.dtype(dt).newbyteorder("="))
        if a.size == n:
            return a.reshape(self.shape)
        if a.size == 1 and n > 1:  # a repeated single value fills the tensor (TensorProto convention)
            return np.full(self.shape, a[0])
        return a

    def _from_vals(self, dt: str) -> npt.NDArray[Any]:
        src = self.source
        if self.dtype == DT_FLOAT:
            return self._fixed(5, "<f4")
        if self.dtype == DT_DOUBLE:
            return self._fixed(6, "<f8")
        number = {9: 10, 10: 11, 19: 13, 23: 17, 22: 16}.get(self.dtype, 7)
        vals: list[int] = []
        for s, e in self.packed.get(number, []):
            p = s
            while p < e:
                v, p = read_varint(src, p, e)
                vals.append(v)
        if self.dtype == 19:  # half_val holds the raw 16 bits
            return np.array(vals, dtype=np.uint16).view("<f2")
        if dt in ("<i4", "<i2", "<i1", "<i8"):
            vals = [_signed64(v) for v in vals]
        return np.array(vals).astype(dt)

    def _fixed(self, number: int, dt: str) -> npt.NDArray[Any]:
        parts = [np.frombuffer(self.source[s:e], dtype=dt) for s, e in self.packed.get(number, [])]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dt)


class Value(NamedTuple):
    tag: str
    kind: str  # "simple_value" | "histo" | "image" | "tensor" | "" (none we read)
    payload: Any
    plugin: str | None  # plugin_name from the metadata, None without metadata
    content: bytes = b""  # the plugin's own data (PluginData.content), b"" without metadata


class Event(NamedTuple):
    wall_time: float
    step: int
    what: str  # "summary" | "file_version" | "session_log" | other oneof names | ""
    file_version: str
    session_start: bool
    values: list[Value]


_WHAT: Final = {4: "graph_def", 6: "log_message", 8: "tagged_run_metadata", 9: "meta_graph_def"}


def decode_event(buf: bytes) -> Event:
    end = len(buf)
    wall_time = 0.0
    step = 0
    what = ""
    file_version = ""
    session_start = False
    values: list[Value] = []
    for number, wire, v, _ in fields(buf, 0, end):
        if number == 1 and wire == 1:
            wall_time = _f64(v)
        elif number == 2 and wire == 0:
            step = _signed64(v)
        elif number == 3 and wire == 2:
            what = "file_version"
            file_version = buf[v[0] : v[1]].decode("utf-8", "replace")
        elif number == 5 and wire == 2:
            what = "summary"
            values = decode_summary(buf, v[0], v[1])
        elif number == 7 and wire == 2:
            what = "session_log"
            status = 0
            for n2, w2, v2, _ in fields(buf, v[0], v[1]):
                if n2 == 1 and w2 == 0:
                    status = v2
            session_start = status == 1
        elif number in _WHAT:
            what = _WHAT[number]
    return Event(wall_time, step, what, file_version, session_start, values)


def decode_summary(buf: bytes, pos: int, end: int) -> list[Value]:
    out = []
    for number, wire, v, _ in fields(buf, pos, end):
        if number == 1 and wire == 2:
            out.append(decode_value(buf, v[0], v[1]))
    return out


def decode_value(buf: bytes, pos: int, end: int) -> Value:
    tag = ""
    kind = ""
    payload: Any = None
    plugin: str | None = None
    content = b""
    for number, wire, v, _ in fields(buf, pos, end):
        if number == 1 and wire == 2:
            tag = buf[v[0] : v[1]].decode("utf-8", "replace")
        elif number == 2 and wire == 5:
            kind, payload = "simple_value", _f32(v)
        elif number == 4 and wire == 2:
            kind, payload = "image", decode_image(buf, v[0], v[1])
        elif number == 5 and wire == 2:
            kind, payload = "histo", decode_histogram(buf, v[0], v[1])
        elif number == 8 and wire == 2:
            kind, payload = "tensor", decode_tensor(buf, v[0], v[1])
        elif number == 9 and wire == 2:
            plugin, content = decode_plugin(buf, v[0], v[1])
    return Value(tag, kind, payload, plugin, content)


def decode_plugin(buf: bytes, pos: int, end: int) -> tuple[str, bytes]:
    """``(plugin_name, content)`` of a SummaryMetadata (plugin_data=1: plugin_name=1, content=2)."""
    name = ""
    content = b""
    for number, wire, v, _ in fields(buf, pos, end):
        if number == 1 and wire == 2:
            for n2, w2, v2, _ in fields(buf, v[0], v[1]):
                if n2 == 1 and w2 == 2:
                    name = buf[v2[0] : v2[1]].decode("utf-8", "replace")
                elif n2 == 2 and w2 == 2:
                    content = bytes(buf[v2[0] : v2[1]])
    return name, content


def decode_plugin_name(buf: bytes, pos: int, end: int) -> str:
    return decode_plugin(buf, pos, end)[0]


def decode_image(buf: bytes, pos: int, end: int) -> Image:
    height = width = colorspace = 0
    encoded = b""
    for number, wire, v, _ in fields(buf, pos, end):
        if number == 1 and wire == 0:
            height = v
        elif number == 2 and wire == 0:
            width = v
        elif number == 3 and wire == 0:
            colorspace = v
        elif number == 4 and wire == 2:
            encoded = bytes(buf[v[0] : v[1]])
    return Image(width, height, colorspace, encoded)


def _doubles(buf: bytes, spans: list[tuple[int, int]]) -> npt.NDArray[np.float64]:
    if not spans:
        return np.zeros(0, dtype=np.float64)
    return np.concatenate([np.frombuffer(buf[s:e], dtype="<f8") for s, e in spans]).astype(np.float64)


def decode_histogram(buf: bytes, pos: int, end: int) -> Histogram:
    scalars = [0.0] * 5
    limits: list[tuple[int, int]] = []
    counts: list[tuple[int, int]] = []
    for number, wire, v, s in fields(buf, pos, end):
        if 1 <= number <= 5 and wire == 1:
            scalars[number - 1] = _f64(v)
        elif number in (6, 7):
            if wire == 2:
                if (v[1] - v[0]) % 8:
                    raise DecodeError("packed double field of odd length")
                span = v
            elif wire == 1:  # unpacked repeated double
                span = (s + 1, s + 9)
            else:
                raise DecodeError("bad wire type in histogram")
            (limits if number == 6 else counts).append(span)
    lo, hi, num, total, squares = scalars
    return Histogram(lo, hi, num, total, squares, _doubles(buf, limits), _doubles(buf, counts))


def decode_tensor(buf: bytes, pos: int, end: int) -> Tensor:
    t = Tensor(dtype=0, shape=(), source=buf)
    for number, wire, v, s in fields(buf, pos, end):
        if number == 1 and wire == 0:
            t.dtype = v
        elif number == 2 and wire == 2:
            dims = []
            for n2, w2, v2, _ in fields(buf, v[0], v[1]):
                if n2 == 2 and w2 == 2:
                    size = 0
                    for n3, w3, v3, _ in fields(buf, v2[0], v2[1]):
                        if n3 == 1 and w3 == 0:
                            size = _signed64(v3)
                    dims.append(size)
            t.shape = tuple(dims)
        elif number == 4 and wire == 2:
            t.content = bytes(buf[v[0] : v[1]])
        elif number == 8 and wire == 2:
            t.strings.append(bytes(buf[v[0] : v[1]]))
        elif number in (5, 6, 7, 10, 11, 13, 16, 17):
            if wire == 2:
                span = v
            elif wire == 5:
                span = (s + 1, s + 5)
            elif wire == 1:
                span = (s + 1, s + 9)
            else:  # unpacked varint: re-read it from its start after the key
                _, after = read_varint(buf, s, end)
                _, stop = read_varint(buf, after, end)
                span = (after, stop)
            t.packed.setdefault(number, []).append(span)
    return t


class ScalarLayout(NamedTuple):
    """Where the variable bytes of a one-scalar event record lie (offsets from the record's first data byte)."""

    length: int
    wall_at: int  # 8 bytes, little-endian double
    step_at: int  # -1 when the record has no step field (step 0)
    step_len: int
    value_at: int
    value_dtype: str  # "<f4" | "<f8"
    tag: str
    from_tensor: bool  # the value lies in a TensorProto (plugin decides), not in simple_value
    plugin: str | None


def scalar_layout(buf: bytes) -> ScalarLayout | None:
    """The layout of ``buf`` if it is an event holding exactly one scalar value; None otherwise (or on bad bytes)."""
    try:
        return _scalar_layout(buf)
    except DecodeError:
        return None


def _scalar_layout(buf: bytes) -> ScalarLayout | None:
    end = len(buf)
    wall_at = step_at = -1
    step_len = 0
    summary: tuple[int, int] | None = None
    seen: set[int] = set()
    for number, wire, v, s in fields(buf, 0, end):
        if number in seen:
            return None
        seen.add(number)
        if number == 1 and wire == 1:
            wall_at = s + 1
        elif number == 2 and wire == 0:
            step_at = s + 1
            _, stop = read_varint(buf, step_at, end)
            step_len = stop - step_at
            if step_len > 8:  # huge or negative steps: leave them to the general decoder
                return None
        elif number == 5 and wire == 2:
            summary = v
        else:
            return None
    if wall_at < 0 or summary is None:
        return None
    value: tuple[int, int] | None = None
    for number, wire, v, _ in fields(buf, summary[0], summary[1]):
        if number != 1 or wire != 2 or value is not None:
            return None
        value = v
    if value is None:
        return None
    tag = None
    plugin: str | None = None
    found: tuple[int, str, bool] | None = None
    for number, wire, v, s in fields(buf, value[0], value[1]):
        if number == 1 and wire == 2 and tag is None:
            tag = buf[v[0] : v[1]].decode("utf-8")
        elif number == 2 and wire == 5 and found is None:
            found = (s + 1, "<f4", False)
        elif number == 8 and wire == 2 and found is None:
            t = _tensor_scalar_at(buf, v[0], v[1])
            if t is None:
                return None
            found = (t[0], t[1], True)
        elif number == 9 and wire == 2 and plugin is None:
            plugin = decode_plugin_name(buf, v[0], v[1])
        else:
            return None
    if tag is None or found is None:
        return None
    return ScalarLayout(end, wall_at, step_at, step_len, found[0], found[1], tag, found[2], plugin)


def _tensor_scalar_at(buf: bytes, pos: int, end: int) -> tuple[int, str] | None:
    """Offset and dtype of the single float/double value of a rank-0 (or one-element) tensor."""
    t = decode_tensor(buf, pos, end)
    n = 1
    for d in t.shape:
        n *= d
    if n != 1 or t.dtype not in (DT_FLOAT, DT_DOUBLE):
        return None
    dt, size, number = ("<f4", 4, 5) if t.dtype == DT_FLOAT else ("<f8", 8, 6)
    # Find where the bytes are: tensor_content or the (packed or not) float_val/double_val field.
    for num, wire, v, s in fields(buf, pos, end):
        if num == 4 and wire == 2 and v[1] - v[0] == size:
            return v[0], dt
        if num == number and wire == 2 and v[1] - v[0] == size:
            return v[0], dt
        if num == number and wire == (5 if size == 4 else 1):
            return s + 1, dt
    return None
