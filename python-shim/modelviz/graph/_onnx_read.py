"""Reading an ONNX model without holding its weights in memory.

A path is checked before anything is opened (a FIFO, a device, a directory or an empty file is refused at once), then
mapped and walked at the protobuf wire level: every field of the model and of its graph is copied as it is, except
the data of large initializers (more than :data:`SMALL_TENSOR` bytes), which keep their name, dims and data type and
leave only the place of their bytes behind. The resulting *stripped* ``ModelProto`` is small (nodes, value infos,
small constants: what shape inference and the graph need), whatever the size of the file, and also opens models over
protobuf's 2 GB limit. Weights with external data (``onnx.save(..., save_as_external_data=True)``) are never loaded
either, except small ones that shape inference may read (a Reshape's shape).

Statistics of a stripped tensor are read from the file when asked for (``_onnx_data``), and equal
``weight_stats(numpy_helper.to_array(t))``.

A ``ModelProto`` given in memory is not copied: its large initializers are replaced by data-less stand-ins in a
stripped copy used for the checker and shape inference (both serialize the model they are given).
"""

from __future__ import annotations

import math
import mmap
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import onnx
from onnx import helper

from ._builder import GraphInputError
from ._onnx_data import Blob, ProtoData, TensorData

# Initializers with at most this many bytes of data stay whole (shape inference reads Reshape / Slice constants).
SMALL_TENSOR: Final = 4096

_LEN: Final = 2
# ModelProto / GraphProto / TensorProto field numbers used by the walk.
_MODEL_GRAPH: Final = 7
_GRAPH_INITIALIZER: Final = 5
_T_DIMS, _T_DATA_TYPE, _T_NAME, _T_RAW = 1, 2, 8, 9
_T_FLOAT, _T_DOUBLE = 4, 10
_T_EXTERNAL, _T_LOCATION = 13, 14
_T_DATA: Final = frozenset({4, 5, 6, 7, 9, 10, 11})
_FLOAT, _DOUBLE = onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE
# Wire type of each protobuf field type (descriptor FieldDescriptor.TYPE_*).
_WIRE_OF_TYPE: Final = {1: 1, 2: 5, 3: 0, 4: 0, 5: 0, 6: 1, 7: 5, 8: 0, 9: 2, 10: 3, 11: 2, 12: 2, 13: 0, 14: 0}
_WIRE_OF_TYPE.update({15: 5, 16: 1, 17: 0, 18: 0})


class OnnxInputError(GraphInputError):
    """The input could not be read as an ONNX model."""


class _Bad(Exception):
    """The bytes are not a well-formed protobuf message."""


def _wires(message: Any) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for f in message.DESCRIPTOR.fields:
        wire = _WIRE_OF_TYPE.get(f.type, 2)
        repeated = getattr(f, "is_repeated", None)
        if repeated is None:
            repeated = f.label == f.LABEL_REPEATED
        out[f.number] = {wire, _LEN} if repeated and wire != _LEN else {wire}
    return out


_MODEL_WIRES: Final = _wires(onnx.ModelProto)
_GRAPH_WIRES: Final = _wires(onnx.GraphProto)
_TENSOR_WIRES: Final = _wires(onnx.TensorProto)


# -- what load() returns --------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    """A model ready to draw: ``proto`` to walk (the user's own object, or the stripped one read from bytes / a
    file), ``checked`` to hand to the checker and shape inference (small: large initializers without data),
    ``data`` the lazy data of initializers whose bytes are not in ``proto``, ``problems`` notes for the user."""

    proto: onnx.ModelProto
    checked: onnx.ModelProto
    data: dict[str, TensorData] = field(default_factory=dict)
    stand_ins: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def stats(self, name: str) -> dict[str, Any] | None:
        d = self.data.get(name)
        if d is None:
            return None
        try:
            return d.stats()
        except FileNotFoundError as e:
            self.problems.append(f"the weights file {os.path.basename(str(e.filename))!r} was not found")
        except Exception as e:
            self.problems.append(f"the weights of {name!r} could not be read ({type(e).__name__}: {e})")
        return None


# -- path checks ------------------------------------------------------------------------------------------------


def _kind(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_path(path: str) -> int:
    """The size of ``path`` if it is a non-empty regular file (nothing is opened); else :class:`OnnxInputError`."""
    name = os.path.basename(path) or path
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise OnnxInputError(f"no such file: {path!r}") from None
    except OSError as e:
        raise OnnxInputError(f"{name!r} cannot be read ({e.strerror or type(e).__name__})") from None
    kind = _kind(st.st_mode)
    if kind:
        raise OnnxInputError(f"{name!r} is {kind}, not an ONNX model file")
    if st.st_size == 0:
        raise OnnxInputError(f"{name!r} is empty, not an ONNX model")
    if not os.access(path, os.R_OK):
        raise OnnxInputError(f"{name!r} cannot be read (permission denied)")
    return st.st_size


def _looks_like(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return " (it is a zip archive, such as a PyTorch .pt or a Keras .keras file)"
    if head.startswith(b"\x89HDF"):
        return " (it is an HDF5 file, such as a Keras .h5 file)"
    if head.startswith(b"\x80") and len(head) > 1 and head[1] <= 5:
        return " (it is a Python pickle)"
    text = head.lstrip()
    if text[:1] in (b"{", b"["):
        return " (it looks like JSON)"
    if text and all(32 <= c < 127 or c in (9, 10, 13) for c in text[:64]):
        return " (it looks like text)"
    return ""


# -- the wire-level walk ----------------------------------------------------------------------------------------


def _varint(buf: Any, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise _Bad("it is cut short")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Bad("a number is too long")


def _key(number: int, wire: int) -> bytes:
    return _encode_varint(number << 3 | wire)


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fields(buf: Any, start: int, end: int, wires: dict[int, set[int]]) -> Iterator[tuple[int, int, int, int, int]]:
    """(number, wire type, value start, value end, field start) of each field of a message; checks wire types
    against the message's known fields and lengths against the bytes there are."""
    pos = start
    while pos < end:
        first = pos
        key, pos = _varint(buf, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise _Bad("not protobuf (field number 0)")
        if wire == 0:
            vstart = pos
            _, pos = _varint(buf, pos, end)
        elif wire == 1:
            vstart, pos = pos, pos + 8
        elif wire == 2:
            n, vstart = _varint(buf, pos, end)
            pos = vstart + n
        elif wire == 5:
            vstart, pos = pos, pos + 4
        else:
            raise _Bad(f"not protobuf (wire type {wire})")
        if pos > end:
            raise _Bad("it is cut short, or not protobuf")
        known = wires.get(number)
        if known is not None and wire not in known:
            raise _Bad(f"field {number} has wire type {wire}")
        yield number, wire, vstart, pos, first


def _len_field(number: int, payload: bytes | bytearray) -> bytes:
    return _key(number, _LEN) + _encode_varint(len(payload))


class _Walk:
    def __init__(self, buf: Any, blob: Blob, base_dir: str | None) -> None:
        self.buf = buf
        self.blob = blob
        self.base_dir = base_dir
        self.data: dict[str, TensorData] = {}
        self.stand_ins: set[str] = set()
        self.problems: list[str] = []

    def model(self, size: int) -> bytes:
        buf = self.buf
        out = bytearray()
        graphs = 0
        for k, (number, _wire, vstart, vend, first) in enumerate(_fields(buf, 0, size, _MODEL_WIRES)):
            if k == 0 and number not in _MODEL_WIRES:
                raise _Bad("its first bytes are not those of an ONNX model")
            if number == _MODEL_GRAPH:
                graphs += 1
                g = self.graph(vstart, vend)
                out += _len_field(_MODEL_GRAPH, g)
                out += g
            else:
                out += buf[first:vend]
        if not graphs:
            raise _Bad("it has no graph")
        return bytes(out)

    def graph(self, start: int, end: int) -> bytearray:
        buf = self.buf
        out = bytearray()
        for number, _wire, vstart, vend, first in _fields(buf, start, end, _GRAPH_WIRES):
            if number == _GRAPH_INITIALIZER:
                out += self.tensor(vstart, vend, first)
            else:
                out += buf[first:vend]
        return out

    def tensor(self, start: int, end: int, first: int) -> bytes:
        """The initializer as it goes into the stripped model: whole if small, else without its data."""
        buf = self.buf
        kept: list[tuple[int, int]] = []  # (field start, field end) of the fields that are not data
        data: list[tuple[int, int, int, int]] = []  # (number, wire, value start, value end)
        dims: list[int] = []
        data_type = 0
        name = ""
        external = False
        entries: dict[str, str] = {}
        for number, wire, vstart, vend, ffirst in _fields(buf, start, end, _TENSOR_WIRES):
            if number in _T_DATA:
                data.append((number, wire, vstart, vend))
                continue
            if number == _T_DIMS:
                pos = vstart
                while pos < vend:
                    d, pos = _varint(buf, pos, vend)
                    dims.append(d - (1 << 64) if d >= 1 << 63 else d)
            elif number == _T_DATA_TYPE:
                data_type = _varint(buf, vstart, vend)[0]
            elif number == _T_NAME:
                name = bytes(buf[vstart:vend]).decode("utf-8", "replace")
            elif number == _T_LOCATION:
                external = _varint(buf, vstart, vend)[0] == onnx.TensorProto.EXTERNAL
            elif number == _T_EXTERNAL:
                entry = onnx.StringStringEntryProto()
                entry.ParseFromString(bytes(buf[vstart:vend]))
                entries[entry.key] = entry.value
            kept.append((ffirst, vend))
        nbytes = sum(vend - vstart for _, _, vstart, vend in data)
        if not external and nbytes <= SMALL_TENSOR:
            return bytes(buf[first:end])
        stripped = bytearray()
        for a, b in kept:
            number = _varint(buf, a, b)[0] >> 3
            if external and number in (_T_EXTERNAL, _T_LOCATION):
                continue
            stripped += buf[a:b]
        if external:
            where = self.external(name, data_type, dims, entries)
            if where is not None and where.length <= SMALL_TENSOR:
                try:
                    raw = where.blob.read(where.offset, where.length)
                except OSError as e:
                    self.problems.append(f"the weights file of {name!r} could not be read ({e})")
                else:
                    stripped += _len_field(_T_RAW, raw) + raw
                    return _len_field(_GRAPH_INITIALIZER, stripped) + stripped
            if where is not None:
                self.data[name] = where
        elif len(data) == 1 and data[0][0] == _T_RAW:
            self.data[name] = TensorData(self.blob, data[0][2], nbytes, data_type, dims)
        elif (
            len(data) == 1
            and data[0][1] == _LEN
            and (data[0][0], data_type) in ((_T_FLOAT, _FLOAT), (_T_DOUBLE, _DOUBLE))
        ):
            self.data[name] = TensorData(self.blob, data[0][2], nbytes, data_type, dims)
        else:  # data in another field (int64_data, string_data, several fields): decoded by onnx when asked
            self.data[name] = TensorData(self.blob, start, end - start, data_type, dims, kind="proto")
        self.stand_ins.add(name)
        return _len_field(_GRAPH_INITIALIZER, stripped) + stripped

    def external(self, name: str, data_type: int, dims: list[int], entries: dict[str, str]) -> TensorData | None:
        location = entries.get("location")
        if self.base_dir is None or not location:
            return None
        path = os.path.realpath(os.path.join(self.base_dir, location))
        base = os.path.realpath(self.base_dir)
        if os.path.isabs(location) or os.path.commonpath([base, path]) != base:
            self.problems.append(f"the weights of {name!r} point outside the model's folder ({location!r})")
            return None
        try:
            size = os.stat(path).st_size
        except OSError:
            self.problems.append(f"the weights file {location!r} was not found next to the model")
            return None
        offset = int(entries.get("offset", 0) or 0)
        length = int(entries["length"]) if entries.get("length") else size - offset
        if offset < 0 or length < 0 or offset + length > size:
            self.problems.append(f"the weights of {name!r} run past the end of {location!r}")
            return None
        return TensorData(Blob(path=path), offset, length, data_type, dims)


def _parse(data: bytes, what: str) -> onnx.ModelProto:
    proto = onnx.ModelProto()
    try:
        proto.ParseFromString(data)
    except Exception as e:
        raise OnnxInputError(f"{what} could not be parsed as an ONNX model ({type(e).__name__}: {e})") from e
    return proto


def _read(buf: Any, size: int, blob: Blob, base_dir: str | None, what: str) -> Loaded:
    walk = _Walk(buf, blob, base_dir)
    try:
        stripped = walk.model(size)
    except _Bad as e:
        hint = _looks_like(bytes(buf[: min(size, 64)]))
        raise OnnxInputError(f"{what} could not be parsed as an ONNX model{hint or f': {e}'}") from None
    proto = _parse(stripped, what)
    return Loaded(proto, proto, walk.data, walk.stand_ins, walk.problems)


def read_path(path: str) -> Loaded:
    size = check_path(path)
    what = repr(os.path.basename(path) or path)
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            if hasattr(mm, "madvise") and hasattr(mmap, "MADV_RANDOM"):
                mm.madvise(mmap.MADV_RANDOM)  # only the headers are read: no read-ahead of the weights
            return _read(mm, size, Blob(path=path), os.path.dirname(os.path.abspath(path)), what)
    except OSError as e:
        raise OnnxInputError(f"{what} cannot be read ({e.strerror or type(e).__name__})") from None


def read_bytes(data: bytes | bytearray | memoryview) -> Loaded:
    view = memoryview(data)
    if view.nbytes == 0:
        raise OnnxInputError("the bytes are empty, not an ONNX model")
    return _read(view.cast("B"), view.nbytes, Blob(buffer=data), None, "the bytes")


# -- a ModelProto in memory ---------------------------------------------------------------------------------------


def _copy_fields(src: Any, dst: Any, skip: str) -> None:
    for fd, value in src.ListFields():
        if fd.name == skip:
            continue
        target = getattr(dst, fd.name)
        if hasattr(value, "extend") or isinstance(value, list):
            target.extend(value)
        elif fd.type == fd.TYPE_MESSAGE:
            target.CopyFrom(value)
        else:
            setattr(dst, fd.name, value)


def _nbytes(t: onnx.TensorProto) -> int:
    """The size of a tensor's data from its dims and type (``ByteSize()`` would serialize it to tell)."""
    try:
        itemsize = helper.tensor_dtype_to_np_dtype(t.data_type).itemsize
    except Exception:
        itemsize = 8
    return math.prod(int(d) for d in t.dims) * itemsize


def from_proto(model: onnx.ModelProto) -> Loaded:
    """The user's ModelProto, walked as it is; a stripped copy for the checker and shape inference when it has
    large initializers (both serialize what they are given)."""
    big = [
        t for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL or _nbytes(t) > SMALL_TENSOR
    ]
    if not big:
        return Loaded(model, model)
    big_names = {t.name for t in big}
    checked = onnx.ModelProto()
    _copy_fields(model, checked, "graph")
    _copy_fields(model.graph, checked.graph, "initializer")
    data: dict[str, TensorData] = {}
    for t in model.graph.initializer:
        if t.name not in big_names:
            checked.graph.initializer.add().CopyFrom(t)
            continue
        s = checked.graph.initializer.add()
        s.name = t.name
        s.data_type = t.data_type
        s.dims.extend(t.dims)
        if t.data_location != onnx.TensorProto.EXTERNAL:
            data[t.name] = ProtoData(t)
    return Loaded(model, checked, data, big_names)


def load(model: Any) -> Loaded:
    """A ModelProto, serialized bytes or a path (str / os.PathLike) as a :class:`Loaded` model."""
    if isinstance(model, onnx.ModelProto):
        return from_proto(model)
    if isinstance(model, (bytes, bytearray, memoryview)):
        return read_bytes(model)
    try:
        path = os.fspath(model)
    except TypeError:
        raise OnnxInputError(f"cannot read an ONNX model from a {type(model).__name__}") from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return read_path(path)


def zero_stand_ins(loaded: Loaded) -> Callable[[], None]:
    """Give the data-less stand-ins of ``loaded.checked`` zero elements (the checker wants a tensor's data to match
    its dims); returns the function that puts their dims back."""
    saved: list[tuple[onnx.TensorProto, list[int]]] = []
    for t in loaded.checked.graph.initializer:
        if t.name in loaded.stand_ins:
            saved.append((t, list(t.dims)))
            del t.dims[:]
            t.dims.append(0)

    def restore() -> None:
        for t, dims in saved:
            del t.dims[:]
            t.dims.extend(dims)

    return restore
