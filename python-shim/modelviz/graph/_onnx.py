"""ONNX adapter: a ModelProto, a path or serialized bytes.

- Reading (``_onnx_read``): a path or bytes are walked at the protobuf wire level and only a stripped model — large
  initializers without their data — is parsed; weight statistics are read from the file when computed, in bounded
  chunks (``_onnx_data``). A ModelProto in memory is used as it is. The checker and shape inference run on the
  stripped model. A path that is no model file (a FIFO, a device, a directory, text…) is refused at once.
- Hierarchy (``_onnx_scope``): groups from the module stack torch's dynamo exporter keeps in each node's
  ``metadata_props`` (typed with the modules' classes), from slash-separated names (``/encoder/layer.0/MatMul``),
  from calls of the model's local functions (a group named after the calling node, typed with the function's name,
  holding the function body's nodes), and from the subgraphs of If / Loop / Scan (groups inside their node's group).
- Initializers are parameters of the nodes that read them; plumbing (constants, initializer ``Identity`` copies,
  shape computations) is folded into its consumer (``_onnx_fold``); nodes get a brief of their key attributes
  (``_onnx_brief``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Final

import onnx
from onnx import helper, numpy_helper

from ._builder import GraphBuilder, ParamInfo, weight_stats
from ._onnx_brief import BRIEF_OPS, onnx_brief
from ._onnx_fold import FoldNode, constant_nodes, hosts
from ._onnx_read import Loaded, OnnxInputError, load, zero_stand_ins
from ._onnx_scope import common_path, slash_parts, torch_scope

__all__ = ["OnnxInputError", "build_onnx", "load"]

_EXTERNAL = onnx.TensorProto.EXTERNAL
_GRAPH_ATTRS: Final = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
# Local functions calling local functions: expanded this deep, then drawn as nodes.
MAX_FUNCTION_DEPTH: Final = 8


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
    if attr.ref_attr_name:
        return f"(the caller's {attr.ref_attr_name})"
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


def _count(t: onnx.TensorProto) -> int:
    count = 1
    for d in t.dims:
        count *= int(d)
    return count


@dataclass
class _Item:
    """A node to draw: an ONNX node of the graph or of a local function's body (its values then renamed apart)."""

    node: onnx.NodeProto
    name: str
    path: list[str]
    types: list[str | None]
    inputs: list[str]
    outputs: list[str]
    onnx_name: str | None = None  # the node's ONNX name when it is drawn under another one
    caller: dict[str, onnx.AttributeProto] = field(default_factory=dict)  # a function call's attributes


class _OnnxBuilder:
    def __init__(self, loaded: Loaded, stats: bool) -> None:
        model = loaded.proto
        self.loaded = loaded
        self.b = GraphBuilder("onnx", title=model.graph.name or None, method="onnx")
        self.stats = stats
        self.infos: dict[str, tuple[list[int | str | None] | None, str | None]] = {}
        self.unnamed = 0
        self.tindex: dict[str, int] = {}
        self.param_seen: set[str] = set()
        self.total_params = 0
        self.functions = {(f.domain, f.name, f.overload): f for f in model.functions}
        self.calls = 0

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
        if self.stats and init.name in self.loaded.data:
            stats = self.loaded.stats(init.name)
        elif self.stats and init.data_location != _EXTERNAL:
            try:
                stats = weight_stats(numpy_helper.to_array(init))
            except Exception:
                stats = None
        return ParamInfo(name=init.name, shape=shape, dtype=_dtype(init.data_type), count=count, stats=stats)

    # -- where nodes go ---------------------------------------------------------------------------------------
    def items(self, nodes: Any, prefix: list[str]) -> list[_Item]:
        """The graph's nodes with their names and groups, local function calls expanded into their bodies."""
        scopes = [torch_scope(n) for n in nodes]
        torch_graph = any(s is not None and (s.path or s.types) for s in scopes)
        op_names = Counter(s.op_name for s in scopes if s is not None and s.op_name)
        if torch_graph:  # nodes an optimizer added (no metadata) go into the module their neighbours share
            self.inherit_scopes(nodes, scopes)
        out: list[_Item] = []
        for k, node in enumerate(nodes):
            name = node.name
            if not name:
                self.unnamed += 1
                name = f"{node.op_type}_{k}" if not prefix else f"{'/'.join(prefix)}/{node.op_type}_{k}"
            scope = scopes[k]
            onnx_name = None
            if scope is not None and torch_graph:
                parts = scope.path.split(".") if scope.path else []
                types = [scope.types.get(".".join(parts[: i + 1])) for i in range(len(parts))]
                if scope.op_name and op_names[scope.op_name] == 1 and scope.op_name != name:
                    name, onnx_name = scope.op_name, node.name or None
            else:
                parts = slash_parts(node.name)
                types = [None for _ in parts]
            full: list[str | None] = [None for _ in prefix]
            item = _Item(node, name, [*prefix, *parts], full + types, list(node.input), list(node.output))
            item.onnx_name = onnx_name
            out.extend(self.expand(item, 0))
        return out

    def inherit_scopes(self, nodes: Any, scopes: list[Any]) -> None:
        producer: dict[str, int] = {}
        consumers: dict[str, list[int]] = {}
        for k, n in enumerate(nodes):
            for o in n.output:
                producer[o] = k
            for x in n.input:
                consumers.setdefault(x, []).append(k)
        for k, n in enumerate(nodes):
            if scopes[k] is not None:
                continue
            near = [producer[x] for x in n.input if x in producer]
            near += [c for o in n.output for c in consumers.get(o, ())]
            known = [scopes[j] for j in near if scopes[j] is not None]
            if known:
                path = common_path([s.path for s in known])
                types = {p: t for s in known for p, t in s.types.items() if p == path or path.startswith(p + ".")}
                scopes[k] = replace(known[0], path=path, types=types, op_name=None)

    def expand(self, item: _Item, depth: int) -> list[_Item]:
        """``item`` itself, or, when it calls a local function, the function body's nodes in a group named after it
        (values inside renamed apart, the function's inputs and outputs bound to the call's)."""
        node = item.node
        fn = self.functions.get((node.domain, node.op_type, getattr(node, "overload", "")))
        if fn is None or not fn.node or depth >= MAX_FUNCTION_DEPTH:
            return [item]
        self.calls += 1
        path = [*item.path, item.name.rsplit("/", 1)[-1]]
        types = [*item.types, fn.name]
        names = {formal: actual for formal, actual in zip(fn.input, item.inputs, strict=False)}
        names.update({formal: actual for formal, actual in zip(fn.output, item.outputs, strict=False)})
        local = f"{'/'.join(path)}#{self.calls}/"

        def rename(v: str) -> str:
            return "" if not v else names.get(v, local + v)

        caller = {a.name: a for a in node.attribute}
        out: list[_Item] = []
        for k, body in enumerate(fn.node):
            name = body.name or f"{body.op_type}_{k}"
            inner = _Item(body, name, path, types, [rename(x) for x in body.input], [rename(o) for o in body.output])
            inner.caller = caller
            out.extend(self.expand(inner, depth + 1))
        return out

    # -- a graph ----------------------------------------------------------------------------------------------
    def graph(self, g: onnx.GraphProto, prefix: list[str], scope: dict[str, tuple[int, int]]) -> dict[str, int]:
        """Add a (sub)graph's nodes under the group path ``prefix``; returns producers of its values by name."""
        b = self.b
        inits = {t.name: t for t in g.initializer}
        for t in g.sparse_initializer:
            inits.setdefault(t.values.name, t.values)
        items = self.items(g.node, prefix)
        graph_outputs = {vi.name for vi in g.output}
        plan = [
            FoldNode(-1, it.node.op_type, it.node.domain, it.inputs, it.outputs, _has_subgraph(it.node)) for it in items
        ]
        const_values, folded = constant_nodes(plan, set(inits))
        alias = _aliases(items, inits, graph_outputs)
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
        for k, it in enumerate(items):
            node = it.node
            group = b.group(it.path, it.types) if it.path else -1
            outs = [self.tensor(o) for o in it.outputs if o]
            mine: list[ParamInfo] = []
            first = 0
            is_alias = bool(it.outputs) and it.outputs[0] in alias
            for x in it.inputs:
                root = alias.get(x, x)
                if root not in inits or is_alias:
                    continue
                if root not in params:
                    params[root] = self.param(inits[root])
                if root not in self.param_seen:
                    self.param_seen.add(root)
                    first += params[root].count
                    self.total_params += params[root].count
                    mine.append(params[root])
                else:  # a shared initializer: its statistics travel once, with its first user
                    mine.append(replace(params[root], stats=None))
            op = f"{node.domain}.{node.op_type}" if node.domain not in ("", "ai.onnx") else node.op_type
            i = b.node(
                it.name, op, group, first, outs[0] if outs else -1, brief=self.brief(it, inits, alias, const_values)
            )
            plan[k].index = i
            d = b.detail(i)
            d.outputs.extend(t for t in outs if t >= 0)
            d.params.extend(mine)
            attrs: list[tuple[str, Any]] = [("onnx node", it.onnx_name)] if it.onnx_name else []
            attrs += [(a.name, _attr_value(it.caller.get(a.ref_attr_name, a))) for a in node.attribute]
            if attrs:
                b.attrs(i, attrs)
            pending.extend((x, i) for x in it.inputs if x and x not in inits)
            for o in it.outputs:
                if o:
                    produced[o] = i
            for attr in node.attribute:
                subs = [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs)
                for s, sub in enumerate(subs):
                    label = attr.name if len(subs) == 1 else f"{attr.name}[{s}]"
                    path = [*it.path, it.name.rsplit("/", 1)[-1], label]
                    b.group(path[:-1], [None] * (len(path) - 2) + [node.op_type])
                    b.group(path, [None] * (len(path) - 1) + ["Graph"])
                    visible = {**outer, **{k2: (v, 0) for k2, v in produced.items()}}
                    inner = self.graph(sub, path, visible)
                    for out in sub.output:  # the subgraph's results flow into its node
                        if out.name in inner:
                            b.edge(inner[out.name], i, self.tensor(out.name))
        into = hosts(plan, folded)
        for node_index, host in into.items():
            b.fold(node_index, host)
        # A folded Shape / Size reads no data: no edge from the tensor it measures (its shape stays in its details).
        measuring = {plan[k].index for k in folded if plan[k].op in ("Shape", "Size") and plan[k].index in into}
        # Edges once every producer of this graph is known (so a value read before it is written, i.e. a cycle or
        # an unsorted graph, still gets its edge).
        for x, i in pending:
            src = produced.get(x, outer[x][0] if x in outer else -1)
            if src >= 0:
                t = self.tensor(x)
                if i not in measuring:
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

    def brief(
        self, it: _Item, inits: dict[str, onnx.TensorProto], alias: dict[str, str], const_values: set[str]
    ) -> str | None:
        if it.node.op_type not in BRIEF_OPS:
            return None
        ins = it.inputs

        def value(k: int) -> str:
            return ins[k] if k < len(ins) else ""

        def shape_of(k: int) -> list[int] | None:
            x = value(k)
            root = alias.get(x, x)
            if root in inits:
                return [int(d) for d in inits[root].dims]
            info = self.infos.get(x)
            if info is None or info[0] is None:
                return None
            return [d if isinstance(d, int) else -1 for d in info[0]]

        def is_weight(k: int) -> bool:
            return bool(value(k)) and value(k) in const_values

        attrs = {a.name: it.caller.get(a.ref_attr_name, a) for a in it.node.attribute}
        return onnx_brief(it.node.op_type, attrs, shape_of, is_weight)


def _has_subgraph(node: onnx.NodeProto) -> bool:
    return any(a.type in _GRAPH_ATTRS for a in node.attribute)


def _aliases(items: list[_Item], inits: dict[str, onnx.TensorProto], graph_outputs: set[str]) -> dict[str, str]:
    """Outputs of ``Identity`` copies of initializers read by nodes only → the initializer they copy."""
    read = Counter(x for it in items for x in it.inputs if x)
    alias: dict[str, str] = {}
    for it in items:
        node = it.node
        if node.op_type != "Identity" or node.domain not in ("", "ai.onnx") or not it.inputs or not it.outputs:
            continue
        src, out = it.inputs[0], it.outputs[0]
        root = alias.get(src, src)
        if root in inits and out and out not in graph_outputs and read[out]:
            alias[out] = root
    return alias


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
    loaded = load(model)
    proto = loaded.proto
    ob = _OnnxBuilder(loaded, stats)
    b = ob.b
    restore = zero_stand_ins(loaded)
    try:
        onnx.checker.check_model(loaded.checked)
    except Exception as e:
        text = " ".join(str(e).split())
        b.message("warning", f"onnx.checker: {text[:400] or type(e).__name__}")
    finally:
        restore()
    try:
        inferred = onnx.shape_inference.infer_shapes(loaded.checked)
    except Exception as e:
        inferred = loaded.checked
        b.message(
            "warning", f"shape inference failed ({type(e).__name__}: {e}); shapes are the ones stored in the file"
        )
    ob.learn_shapes(inferred.graph)
    del inferred
    ob.learn_shapes(proto.graph)
    ob.graph(proto.graph, [], {})
    if ob.unnamed:
        b.message("info", f"{ob.unnamed} nodes have no name; they are named op_type_index")
    cyclic = _find_cycle(b)
    if cyclic:
        b.message(
            "warning", f"the graph has a cycle: {cyclic} nodes are on it or behind it (ONNX graphs must be acyclic)"
        )
    for problem in dict.fromkeys(loaded.problems):
        b.message("warning", problem)
    b.totals["params"] = ob.total_params
    opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in proto.opset_import)
    if proto.producer_name:
        b.source["producer"] = f"{proto.producer_name} {proto.producer_version}".strip()
    if opset:
        b.source["opset"] = opset
    return b
