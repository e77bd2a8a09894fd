"""The columnar graph payload (``schema/graph.v1.schema.json``), built by every framework adapter.

One :class:`GraphBuilder` per graph: nodes, edges and groups are appended to plain Python lists of ints and
packed as int32 tensors at the end, every name goes through one shared string table, and identical tensor
descriptions (shape + dtype) are stored once. Everything is linear in the size of the graph.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .._tensor import encode

GRAPH_VERSION: Final = "1.2"
# A message's text is one sentence of at most this many characters; the rest goes into its details.
MESSAGE_CHARS: Final = 200
HISTOGRAM_BINS: Final = 32
# Statistics of larger tensors come from an evenly strided sample of about this many values.
STATS_SAMPLE: Final = 1 << 22
MAX_ATTR_ITEMS: Final = 16
MAX_ATTR_TEXT: Final = 256
MAX_ATTRS: Final = 48

Shape = Sequence[int | str | None]


def summarize_value(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, bounded rendering of an attribute value: big tensors and long lists are described, not shipped."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else str(f)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value if len(value) <= MAX_ATTR_TEXT else value[: MAX_ATTR_TEXT - 1] + "…"
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:  # numpy array, torch tensor, keras variable
        dims = [int(d) if d is not None else None for d in shape]
        size = math.prod(d or 0 for d in dims) if dims else 1
        if size <= MAX_ATTR_ITEMS and depth < 2:
            try:
                return summarize_value(np.asarray(value).tolist(), depth + 1)
            except Exception:  # a symbolic or device tensor: describe it instead
                pass
        return f"tensor {dtype_name(dtype)}{dims}"
    if isinstance(value, Mapping):
        if depth >= 2:
            return f"{{{len(value)} entries}}"
        if "class_name" in value and isinstance(value.get("class_name"), str):  # a keras config object
            return value["class_name"]
        items = list(value.items())
        out = {str(k): summarize_value(v, depth + 1) for k, v in items[:MAX_ATTR_ITEMS]}
        if len(items) > MAX_ATTR_ITEMS:
            out["…"] = f"{len(items) - MAX_ATTR_ITEMS} more entries"
        return out
    if isinstance(value, (list, tuple, range)):
        seq = list(value)
        if depth >= 2:
            return f"[{len(seq)} items]"
        head = [summarize_value(v, depth + 1) for v in seq[:MAX_ATTR_ITEMS]]
        if len(seq) > MAX_ATTR_ITEMS:
            head.append(f"… {len(seq) - MAX_ATTR_ITEMS} more")
        return head
    name = getattr(value, "__name__", None)
    text = name if isinstance(name, str) else repr(value)
    return summarize_value(text, depth)


def dtype_name(dtype: Any) -> str:
    """``torch.float32`` / ``dtype('float32')`` / ``"float32"`` → ``"float32"``."""
    text = str(getattr(dtype, "name", None) or dtype)
    return text.removeprefix("torch.")


def weight_stats(values: npt.ArrayLike) -> dict[str, Any]:
    """count, mean, std, min, max, fraction of zeros and a 32-bin histogram (packed tensors) of finite values.

    Tensors over ``STATS_SAMPLE`` values are described by every k-th value. Floats stay in their own precision
    (min, max and the sum over the whole array, numpy's pairwise summation); the squares, the zeros and the histogram
    are computed chunk by chunk in small buffers that stay in cache, so no array of the tensor's size is allocated
    (fresh allocations cost page faults: float64 copies made ResNet-50's 25M weights take ~0.2-0.3 s).
    """
    a = np.asarray(values).reshape(-1)
    count = int(a.size)
    if a.dtype.kind == "c":
        a = np.abs(a)
    if a.dtype.kind not in "fiub":
        return {"count": count, "mean": None, "std": None, "min": None, "max": None, "zeros": 0.0}
    sample = count
    if count > STATS_SAMPLE:
        a = a[:: math.ceil(count / STATS_SAMPLE)]
        sample = int(a.size)
    if a.dtype.kind in "iub" or a.dtype.itemsize > 8:
        x = a.astype(np.float64)
    elif a.dtype.itemsize < 4:
        x = a.astype(np.float32)
    else:
        x = a
    out: dict[str, Any] = {"count": count, "mean": None, "std": None, "min": None, "max": None, "zeros": 0.0}
    if sample != count:
        out["sample"] = sample
    if x.size == 0:
        return out
    lo, hi = float(x.min()), float(x.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        x = x[np.isfinite(x)]
        if x.size == 0:
            return out
        lo, hi = float(x.min()), float(x.max())
    n = int(x.size)
    mean = float(x.sum()) / n
    top = hi if hi > lo else (lo + 1.0 if lo == 0 else lo + abs(lo) * 1e-6 + 1e-12)
    squares, zeros, counts = _chunked(x, mean, lo, HISTOGRAM_BINS / (top - lo))
    out.update(mean=mean, std=math.sqrt(squares / n), min=lo, max=hi, zeros=zeros / sample)
    edges = np.linspace(lo, top, HISTOGRAM_BINS + 1)
    out["histogram"] = {"edges": encode(edges, "float32"), "counts": encode(counts, "int32")}
    return out


_CHUNK: Final = 1 << 16


def _chunked(x: npt.NDArray[Any], mean: float, lo: float, scale: float) -> tuple[float, int, npt.NDArray[Any]]:
    """(sum of squared deviations from ``mean``, number of zeros, histogram counts of ``(x - lo) * scale``)."""
    step = min(int(x.size), _CHUNK)
    f = np.empty(step, x.dtype)
    idx = np.empty(step, np.intp)
    eq = np.empty(step, np.bool_)
    counts = np.zeros(HISTOGRAM_BINS, np.int64)
    m, low, s = x.dtype.type(mean), x.dtype.type(lo), x.dtype.type(scale)
    squares, zeros = 0.0, 0
    for start in range(0, int(x.size), step):
        c = x[start : start + step]
        k = int(c.size)
        fk, ik, ek = f[:k], idx[:k], eq[:k]
        np.equal(c, 0, out=ek)
        zeros += int(np.count_nonzero(ek))
        np.subtract(c, m, out=fk)
        np.multiply(fk, fk, out=fk)
        squares += float(fk.sum())
        np.subtract(c, low, out=fk)  # >= 0: x >= lo
        np.multiply(fk, s, out=fk)
        np.copyto(ik, fk, casting="unsafe")  # truncation: the bin
        np.minimum(ik, HISTOGRAM_BINS - 1, out=ik)
        counts += np.bincount(ik, minlength=HISTOGRAM_BINS)
    return squares, zeros, counts


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at the last word boundary before it, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-(") + "…"


class GraphInputError(ValueError):
    """The input is not a model we can read (its message is shown to the user as is)."""


@dataclass
class ParamInfo:
    """One parameter (weight, bias, initializer) of a node, with its statistics."""

    name: str
    shape: list[int]
    dtype: str
    count: int
    trainable: bool | None = None
    stats: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "shape": self.shape, "dtype": self.dtype}
        if self.trainable is not None:
            out["trainable"] = self.trainable
        if self.stats is not None:
            out["stats"] = self.stats
        return out


@dataclass
class _Detail:
    attrs: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    params: list[ParamInfo] = field(default_factory=list)


class GraphBuilder:
    """Append nodes, edges, groups and tensors; :meth:`payload` packs them into the v1 columns."""

    def __init__(self, framework: str, title: str | None = None, method: str | None = None) -> None:
        self.framework = framework
        self.title = title
        self.source: dict[str, str] = {"method": method} if method else {}
        self.strings: list[str] = []
        self._string_index: dict[str, int] = {}
        self.group_name: list[int] = []
        self.group_parent: list[int] = []
        self.group_type: list[int] = []
        self._group_index: dict[tuple[str, ...], int] = {}
        self.node_name: list[int] = []
        self.node_op: list[int] = []
        self.node_group: list[int] = []
        self.node_params: list[int] = []
        self.edge_src: list[int] = []
        self.edge_dst: list[int] = []
        self.edge_tensor: list[int] = []
        self.tensors: list[dict[str, Any]] = []
        self._tensor_index: dict[tuple[Any, ...], int] = {}
        self.details: dict[int, _Detail] = {}
        self.messages: list[dict[str, str]] = []
        self.totals: dict[str, int] = {}
        # Per node: the tensor index of its (first) output, for the text summary.
        self.node_output: list[int] = []
        # Per node: string index of its short attribute summary (-1 none) and the node it is folded into (-1 drawn).
        self.node_brief: list[int] = []
        self.node_fold: list[int] = []

    # -- tables ---------------------------------------------------------------------------------------------------
    def string(self, text: str) -> int:
        i = self._string_index.get(text)
        if i is None:
            i = self._string_index[text] = len(self.strings)
            self.strings.append(text)
        return i

    def group(self, path: Sequence[str], types: Sequence[str | None] | None = None) -> int:
        """The group for a path such as ``("encoder", "layers", "3")``, creating missing ancestors; -1 for ``()``."""
        parent = -1
        for depth in range(len(path)):
            key = tuple(path[: depth + 1])
            g = self._group_index.get(key)
            if g is None:
                g = self._group_index[key] = len(self.group_name)
                self.group_name.append(self.string(path[depth]))
                self.group_parent.append(parent)
                kind = types[depth] if types is not None and depth < len(types) else None
                self.group_type.append(self.string(kind) if kind else -1)
            elif types is not None and depth < len(types) and types[depth] and self.group_type[g] < 0:
                self.group_type[g] = self.string(types[depth] or "")
            parent = g
        return parent

    def tensor(self, shape: Shape | None, dtype: str | None) -> int:
        """Index of a ``{"shape", "dtype"}`` entry (shared by all edges with the same description); -1 if unknown."""
        if shape is None and dtype is None:
            return -1
        dims = tuple(d if d is None or isinstance(d, str) else int(d) for d in (shape or ()))
        key = (dims, dtype or "")
        t = self._tensor_index.get(key)
        if t is None:
            t = self._tensor_index[key] = len(self.tensors)
            self.tensors.append({"shape": list(dims), "dtype": dtype or "unknown"})
        return t

    def node(
        self, name: str, op: str, group: int = -1, params: int = 0, output: int = -1, brief: str | None = None
    ) -> int:
        self.node_brief.append(self.string(brief) if brief else -1)
        self.node_fold.append(-1)
        self.node_name.append(self.string(name))
        self.node_op.append(self.string(op))
        self.node_group.append(group)
        self.node_params.append(int(params))
        self.node_output.append(output)
        return len(self.node_name) - 1

    def edge(self, src: int, dst: int, tensor: int = -1) -> None:
        self.edge_src.append(src)
        self.edge_dst.append(dst)
        self.edge_tensor.append(tensor)

    def detail(self, node: int) -> _Detail:
        d = self.details.get(node)
        if d is None:
            d = self.details[node] = _Detail()
        return d

    def attrs(self, node: int, items: Iterable[tuple[str, Any]]) -> None:
        out = self.detail(node).attrs
        for key, value in items:
            if len(out) >= MAX_ATTRS:
                out.append({"key": "…", "value": "more attributes not shown"})
                break
            out.append({"key": str(key), "value": summarize_value(value)})

    def fold(self, node: int, into: int) -> None:
        """Fold plumbing ``node`` into ``into`` (a viewer hides it by default and shows it in ``into``'s details)."""
        if node != into:
            self.node_fold[node] = into

    def message(self, level: str, text: str, details: str | None = None) -> None:
        """One short sentence (cut at a word boundary past :data:`MESSAGE_CHARS`, the whole text then moving into
        ``details``) plus optional details; an identical message is kept once."""
        text = " ".join(text.split())
        short = shorten(text)
        if short != text:
            details = text if not details else f"{text}\n\n{details}"
        item = {"level": level, "text": short}
        if details and details.strip() and details.strip() != short:
            item["details"] = details.strip()
        if item not in self.messages:
            self.messages.append(item)

    # -- output ---------------------------------------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.node_name)

    def payload(self) -> dict[str, Any]:
        def i32(values: list[int]) -> dict[str, Any]:
            return encode(np.asarray(values, dtype=np.int32), "int32")

        details = []
        for node in sorted(self.details):
            d = self.details[node]
            item: dict[str, Any] = {"node": node}
            if d.attrs:
                item["attrs"] = d.attrs
            # Shapes travel in the node `output` column and on edges; the per-node lists only where they add
            # something (several outputs): this keeps big graphs compact.
            if len(d.outputs) > 1:
                if d.inputs:
                    item["inputs"] = [self.tensors[t] for t in d.inputs if t >= 0]
                if d.outputs:
                    item["outputs"] = [self.tensors[t] for t in d.outputs if t >= 0]
            if d.params:
                item["params"] = [p.as_json() for p in d.params]
            if len(item) > 1:
                details.append(item)
        p: dict[str, Any] = {"version": GRAPH_VERSION, "framework": self.framework}
        if self.title:
            p["title"] = self.title
        if self.source:
            p["source"] = dict(self.source)
        p["strings"] = self.strings
        p["groups"] = {"name": i32(self.group_name), "parent": i32(self.group_parent), "type": i32(self.group_type)}
        p["nodes"] = {
            "name": i32(self.node_name),
            "op": i32(self.node_op),
            "group": i32(self.node_group),
            "params": encode(np.asarray(self.node_params, dtype=np.int64), "int64"),
            "output": i32(self.node_output),
        }
        if any(b >= 0 for b in self.node_brief):
            p["nodes"]["brief"] = i32(self.node_brief)
        if any(f >= 0 for f in self.node_fold):
            p["nodes"]["fold"] = i32(self.node_fold)
        p["edges"] = {"src": i32(self.edge_src), "dst": i32(self.edge_dst), "tensor": i32(self.edge_tensor)}
        p["tensors"] = self.tensors
        p["details"] = details
        totals = {"nodes": self.n_nodes, **self.totals}
        totals.setdefault("params", int(sum(self.node_params)))
        p["totals"] = totals
        if self.messages:
            p["messages"] = self.messages
        return p


def error_payload(framework: str, text: str, title: str | None = None) -> dict[str, Any]:
    """An empty graph carrying one error message: what a failed conversion shows instead of raising."""
    b = GraphBuilder(framework, title=title)
    b.message("error", text)
    return b.payload()
