"""ONNX adapter: a ModelProto, a path or serialized bytes. Shapes from onnx.shape_inference, initializers as
parameters of the nodes that read them, groups from the slash-separated names exporters write
(``/encoder/layer.0/attention/MatMul``), and the subgraphs of If / Loop / Scan as groups inside their node's group.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import cache
from typing import Any

import onnx
from onnx import helper, numpy_helper

from ._builder import GraphBuilder, GraphInputError, ParamInfo, weight_stats

_EXTERNAL = onnx.TensorProto.EXTERNAL


class OnnxInputError(GraphInputError):
    """The input could not be read as an ONNX model."""


def load(model: Any) -> onnx.ModelProto:
    if isinstance(model, onnx.ModelProto):
        return model
    try:
        if isinstance(model, bytes):
            return onnx.load_from_string(model)
        return onnx.load(os.fspath(model))
    except Exception as e:
        what = "the bytes" if isinstance(model, bytes) else repr(os.fspath(model))
        raise OnnxInputError(f"{what} could not be parsed as an ONNX model ({type(e).__name__}: {e})") from e


@cache
def _dtype(elem_type: int) -> str:
    try:
        return str(helper.tensor_dtype_to_np_dtype(elem_type).name)
    except Exception:
        return onnx.TensorProto.DataType.Name(elem_type).lower() if elem_type else "unknown"


def _value_shape(vi: onnx.ValueInfoProto) -> tuple[list[int | str | None] | None, str | None]:
    t = vi.type.tensor_type
    if not vi.type.HasField("tensor_type"):
        return None, None
    dtype = _dtype(t.elem_type) if t.elem_type else None
    if not t.HasField("shape"):
        return None, dtype
    dims: list[int | str | None] = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            dims.append(int(d.dim_value))
        elif d.HasField("dim_param"):
            dims.append(d.dim_param)
        else:
            dims.append(None)
    return dims, dtype


def _attr_value(attr: onnx.AttributeProto) -> Any:
    if attr.type == onnx.AttributeProto.GRAPH:
        return f"subgraph ({len(attr.g.node)} nodes)"
    if attr.type == onnx.AttributeProto.GRAPHS:
        return f"{len(attr.graphs)} subgraphs"
    if attr.type == onnx.AttributeProto.TENSOR:
        t = attr.t
        count = 1
        for d in t.dims:
            count *= int(d)
        if count <= 16 and t.data_location != _EXTERNAL:
            return numpy_helper.to_array(t)
        return f"tensor {_dtype(t.data_type)}{[int(d) for d in t.dims]}"
    if attr.type == onnx.AttributeProto.TENSORS:
        return f"{len(attr.tensors)} tensors"
    return helper.get_attribute_value(attr)


class _OnnxBuilder:
    def __init__(self, model: onnx.ModelProto, stats: bool) -> None:
        self.b = GraphBuilder("onnx", title=model.graph.name or None, method="onnx")
        self.stats = stats
        self.infos: dict[str, tuple[list[int | str | None] | None, str | None]] = {}
        self.unnamed = 0
        self.tindex: dict[str, int] = {}
        self.param_seen: set[str] = set()
        self.total_params = 0

    def learn_shapes(self, g: onnx.GraphProto) -> None:
        for vi in (*g.input, *g.output, *g.value_info):
            shape, dtype = _value_shape(vi)
            if shape is not None or dtype is not None:
                self.infos[vi.name] = (shape, dtype)
        for node in g.node:
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    self.learn_shapes(attr.g)
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    for sub in attr.graphs:
                        self.learn_shapes(sub)

    def tensor(self, name: str) -> int:
        t = self.tindex.get(name)
        if t is None:
            info = self.infos.get(name)
            t = self.tindex[name] = self.b.tensor(*info) if info else -1
        return t

    def param(self, init: onnx.TensorProto) -> ParamInfo:
        shape = [int(d) for d in init.dims]
        count = 1
        for d in shape:
            count *= d
        stats = None
        if self.stats and init.data_location != _EXTERNAL:
            try:
                stats = weight_stats(numpy_helper.to_array(init))
            except Exception:
                stats = None
        return ParamInfo(name=init.name, shape=shape, dtype=_dtype(init.data_type), count=count, stats=stats)

    def graph(self, g: onnx.GraphProto, prefix: list[str], scope: dict[str, tuple[int, int]]) -> dict[str, int]:
        """Add a (sub)graph's nodes under the group path ``prefix``; returns producers of its values by name."""
        b = self.b
        inits = {t.name: t for t in g.initializer}
        for t in g.sparse_initializer:
            inits.setdefault(t.values.name, t.values)
        params: dict[str, ParamInfo] = {}
        produced: dict[str, int] = {}
        pending: list[tuple[str, int]] = []
        outer = dict(scope)
        base = b.group(prefix) if prefix else -1
        for vi in g.input:
            if vi.name in inits:
                continue
            t = self.tensor(vi.name)
            i = b.node(vi.name or "input", "Input", base, 0, t)
            b.detail(i).outputs.append(t)
            produced[vi.name] = i
        for n, node in enumerate(g.node):
            name = node.name
            if not name:
                self.unnamed += 1
                name = f"{node.op_type}_{n}" if not prefix else f"{'/'.join(prefix)}/{node.op_type}_{n}"
            parts = [p for p in node.name.split("/") if p][:-1] if "/" in node.name else []
            group = b.group([*prefix, *parts]) if (prefix or parts) else -1
            outs = [self.tensor(o) for o in node.output if o]
            mine: list[ParamInfo] = []
            first = 0
            for x in node.input:
                if x in inits:
                    if x not in params:
                        params[x] = self.param(inits[x])
                    if x not in self.param_seen:
                        self.param_seen.add(x)
                        first += params[x].count
                        self.total_params += params[x].count
                        mine.append(params[x])
                    else:  # a shared initializer: its statistics travel once, with its first user
                        mine.append(replace(params[x], stats=None))
            op = f"{node.domain}.{node.op_type}" if node.domain not in ("", "ai.onnx") else node.op_type
            i = b.node(name, op, group, first, outs[0] if outs else -1)
            d = b.detail(i)
            d.outputs.extend(t for t in outs if t >= 0)
            d.params.extend(mine)
            if node.attribute:
                b.attrs(i, [(a.name, _attr_value(a)) for a in node.attribute])
            pending.extend((x, i) for x in node.input if x and x not in inits)
            for o in node.output:
                if o:
                    produced[o] = i
            for attr in node.attribute:
                subs = [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs)
                for k, sub in enumerate(subs):
                    label = attr.name if len(subs) == 1 else f"{attr.name}[{k}]"
                    path = [*prefix, *parts, name.rsplit("/", 1)[-1], label]
                    b.group(path[:-1], [None] * (len(path) - 2) + [node.op_type])
                    b.group(path, [None] * (len(path) - 1) + ["Graph"])
                    visible = {**outer, **{k2: (v, 0) for k2, v in produced.items()}}
                    inner = self.graph(sub, path, visible)
                    for out in sub.output:  # the subgraph's results flow into its node
                        if out.name in inner:
                            b.edge(inner[out.name], i, self.tensor(out.name))
        # Edges once every producer of this graph is known (so a value read before it is written, i.e. a cycle or
        # an unsorted graph, still gets its edge).
        for x, i in pending:
            src = produced.get(x, outer[x][0] if x in outer else -1)
            if src >= 0:
                t = self.tensor(x)
                b.edge(src, i, t)
                if t >= 0:
                    b.detail(i).inputs.append(t)
        for t in inits.values():
            if t.name not in self.param_seen:
                self.param_seen.add(t.name)
                self.total_params += _count(t)
        for vi in g.output:
            t = self.tensor(vi.name)
            i = b.node(vi.name or "output", "Output", base, 0, t)
            src = produced.get(vi.name, outer.get(vi.name, (-1, -1))[0])
            if src >= 0:
                b.edge(src, i, t)
        return produced


def _count(t: onnx.TensorProto) -> int:
    count = 1
    for d in t.dims:
        count *= int(d)
    return count


def _find_cycle(b: GraphBuilder) -> int:
    """Number of nodes on or behind a cycle (Kahn's algorithm); 0 for a DAG."""
    n = b.n_nodes
    indeg = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for s, d in zip(b.edge_src, b.edge_dst, strict=True):
        succ[s].append(d)
        indeg[d] += 1
    stack = [i for i in range(n) if indeg[i] == 0]
    done = 0
    while stack:
        v = stack.pop()
        done += 1
        for w in succ[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                stack.append(w)
    return n - done


def build_onnx(model: Any, *, stats: bool = True) -> GraphBuilder:
    proto = load(model)
    ob = _OnnxBuilder(proto, stats)
    b = ob.b
    try:
        onnx.checker.check_model(proto)
    except Exception as e:
        text = " ".join(str(e).split())
        b.message("warning", f"onnx.checker: {text[:400] or type(e).__name__}")
    try:
        inferred = onnx.shape_inference.infer_shapes(proto)
    except Exception as e:
        inferred = proto
        b.message(
            "warning", f"shape inference failed ({type(e).__name__}: {e}); shapes are the ones stored in the file"
        )
    ob.learn_shapes(inferred.graph)
    ob.learn_shapes(proto.graph)
    ob.graph(proto.graph, [], {})
    if ob.unnamed:
        b.message("info", f"{ob.unnamed} nodes have no name; they are named op_type_index")
    cyclic = _find_cycle(b)
    if cyclic:
        b.message(
            "warning", f"the graph has a cycle: {cyclic} nodes are on it or behind it (ONNX graphs must be acyclic)"
        )
    b.totals["params"] = ob.total_params
    opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in proto.opset_import)
    if proto.producer_name:
        b.source["producer"] = f"{proto.producer_name} {proto.producer_version}".strip()
    if opset:
        b.source["opset"] = opset
    return b
