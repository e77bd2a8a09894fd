"""TorchScript (``torch.jit.trace`` / ``torch.jit.script``): the graph from the module's own inlined graph.

- ATen operators are nodes (``aten::_convolution`` drawn as ``_convolution``), the graph's inputs (the module itself
  left out) Input nodes, its outputs an Output node; edges follow the values' uses.
- ``prim::`` bookkeeping (constants, attribute reads, list / tuple packing and unpacking) is not drawn: a value passes
  through it to the operator that uses it. Operators computing no tensor (``dim``, ``size``, ``format``, ``Bool``…)
  are drawn folded into the nodes they serve. Control flow (``prim::If`` / ``prim::Loop``) is flattened: the
  operators of each branch appear, a branch's results feeding what follows the ``If``.
- Parameters reached through ``GetAttr`` chains belong to the operator that consumes them, with their statistics.
- Groups: a traced module's scope names (``__module.layer1/__module.layer1.0``); a scripted module's operators are
  grouped by the module whose parameters they use.
- Shapes: with example inputs, the graph is interpreted once on fake tensors (no compute), or, when a branch depends
  on values, on the real inputs in eval mode (attribute writes and ``training`` reads kept away from the model).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any, Final

import torch
from torch._subclasses.fake_tensor import FakeTensorMode

from ._builder import GraphBuilder, dtype_name
from ._torch_base import Params, group_of, totals, unused_params_note
from ._torch_brief import op_brief
from ._torch_fold import fold
from ._torch_shapes import conv_shape

_PASS: Final = frozenset(
    {
        "prim::ListConstruct",
        "prim::TupleConstruct",
        "prim::ListUnpack",
        "prim::TupleUnpack",
        "prim::TupleIndex",
        "prim::DictConstruct",
        "prim::unchecked_cast",
        "prim::GetAttr",
        "prim::Constant",
        "prim::Uninitialized",
        "prim::If",
        "prim::Loop",
        "prim::SetAttr",
        "prim::RaiseException",
        "prim::Print",
    }
)


def _walk(block: Any) -> Iterator[Any]:
    for n in block.nodes():
        yield n
        for sub in n.blocks():
            yield from _walk(sub)


def _is_tensor_type(t: Any) -> bool:
    kind = t.kind()
    if kind == "TensorType":
        return True
    if kind == "OptionalType":
        return _is_tensor_type(t.getElementType())
    return False


def _slice(xs: Any, start: Any = None, end: Any = None, step: Any = 1) -> Any:
    return xs[start:end:step]


def _setitem(xs: Any, i: Any, v: Any) -> Any:
    xs[i] = v
    return xs


def _append(xs: Any, v: Any) -> Any:
    xs.append(v)
    return xs


def _range_length(lo: int, hi: int, step: int) -> int:
    return len(range(lo, hi, step))


def _derive_index(index: int, start: int, step: int) -> int:
    return start + index * step


# Operators on Python values (sizes, lists, strings, scalars) whose schemas take type variables, which torch.ops
# cannot bind from Python values: evaluated in Python.
_PY: Final[dict[str, Any]] = {
    "len": len,
    "__getitem__": lambda xs, i: xs[i],
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "remainder": lambda a, b: a % b,
    "pow": lambda a, b: a**b,
    "neg": lambda a: -a,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "le": lambda a, b: a <= b,
    "ge": lambda a, b: a >= b,
    "__not__": lambda a: not a,
    "__and__": lambda a, b: a and b,
    "__or__": lambda a, b: a or b,
    "__contains__": lambda xs, v: v in xs,
    "Int": int,
    "Float": float,
    "Bool": bool,
    "str": str,
    "list": list,
    "format": lambda f, *a: str(f).format(*a),
    "append": _append,
    "_set_item": _setitem,
    "slice": _slice,
    "__range_length": _range_length,
    "__derive_index": _derive_index,
    "floor": math.floor,
    "ceil": math.ceil,
    "sqrt": math.sqrt,
    "warn": lambda *a: None,
    "min": min,
    "max": max,
}


_SIZED: Final = frozenset({"aten::_convolution", "aten::conv1d", "aten::conv2d", "aten::conv3d", "aten::linear"})


def _sized(kind: str, ins: list[Any]) -> list[int] | None:
    """The output size of a plain convolution or linear op on a contiguous input, by formula (fake convolutions are
    most of an interpretation's time); None when anything is unusual (the op then runs on fake tensors)."""
    x, w = ins[0], ins[1]
    if not (isinstance(x, torch.Tensor) and isinstance(w, torch.Tensor)) or x.dtype != w.dtype:
        return None
    if not x.is_contiguous() or not x.is_floating_point():
        return None
    if kind == "aten::linear":
        if w.dim() != 2 or x.dim() < 1 or x.shape[-1] != w.shape[1]:
            return None
        return [*(int(d) for d in x.shape[:-1]), int(w.shape[0])]
    groups = ins[8] if kind == "aten::_convolution" else ins[6]
    if kind == "aten::_convolution" and ins[6]:  # transposed
        return None
    if not isinstance(groups, int) or x.dim() != w.dim() or x.dim() < 3 or x.shape[1] != w.shape[1] * groups:
        return None
    bias = ins[2]
    if bias is not None and (not isinstance(bias, torch.Tensor) or bias.shape != (w.shape[0],)):
        return None
    return conv_shape([int(d) for d in x.shape], int(w.shape[0]), list(w.shape[2:]), ins[3], ins[4], ins[5])


class _Stop(Exception):
    """A ``prim::RaiseException`` reached: the example inputs do not fit the model."""


class _Interp:
    """Interprets an inlined TorchScript graph in Python, recording every value (by ``Value.unique()``)."""

    def __init__(self, model: torch.jit.ScriptModule, fake: FakeTensorMode | None) -> None:
        self.model = model
        self.fake = fake
        self.values: dict[int, Any] = {}
        self.overlay: dict[tuple[int, str], Any] = {}  # attribute writes (prim::SetAttr), kept off the model
        self.state: set[int] = set()  # the model's own tensors: an in-place op on one works on a copy

    def run(self, graph: Any, inputs: list[Any]) -> None:
        ins = list(graph.inputs())
        self.values[ins[0].unique()] = self.model
        for v, x in zip(ins[1:], inputs, strict=False):
            self.values[v.unique()] = x
        with self.fake if self.fake is not None else nullcontext():
            self._block(graph.block() if hasattr(graph, "block") else graph)

    def _block(self, block: Any) -> list[Any]:
        for n in block.nodes():
            self._node(n)
        return [self.values[v.unique()] for v in block.returnNode().inputs()]

    def _node(self, n: Any) -> None:
        kind = n.kind()
        vals = self.values
        ins = [vals[v.unique()] for v in n.inputs()]
        outs = list(n.outputs())
        if kind == "prim::If":
            branch = list(n.blocks())[0 if bool(ins[0]) else 1]
            result = self._block(branch)
        elif kind == "prim::Loop":
            trips, cond, carried = ins[0], ins[1], ins[2:]
            body = next(iter(n.blocks()))
            params = list(body.inputs())
            k = 0
            while bool(cond) and k < int(trips):
                vals[params[0].unique()] = k
                for p, x in zip(params[1:], carried, strict=False):
                    vals[p.unique()] = x
                back = self._block(body)
                cond, carried = back[0], back[1:]
                k += 1
            result = carried
        else:
            result = [self._op(n, kind, ins)] if len(outs) == 1 else self._multi(n, kind, ins, len(outs))
        for v, x in zip(outs, result, strict=False):
            vals[v.unique()] = x

    def _multi(self, n: Any, kind: str, ins: list[Any], count: int) -> list[Any]:
        if kind in ("prim::ListUnpack", "prim::TupleUnpack"):
            return list(ins[0])
        out = self._op(n, kind, ins)
        if count == 0:
            return []
        return list(out)

    def _op(self, n: Any, kind: str, ins: list[Any]) -> Any:
        if kind == "prim::Constant":
            return n.output().toIValue()
        if kind == "prim::GetAttr":
            name = n.s("name")
            key = (id(ins[0]), name)
            if key in self.overlay:
                return self.overlay[key]
            if name == "training":
                return False  # eval semantics: BatchNorm reads its running statistics and leaves them alone
            value = getattr(ins[0], name)
            if isinstance(value, torch.Tensor):
                if self.fake is None and not isinstance(value, torch.nn.Parameter):
                    # A buffer (running statistics, counters) may be updated in place by the op reading it (a
                    # batch_norm traced in train mode): on real tensors it is read from a copy.
                    value = value.clone()
                self.state.add(id(value))
            return value
        if kind == "prim::SetAttr":
            self.overlay[(id(ins[0]), n.s("name"))] = ins[1]
            return None
        if kind == "prim::ListConstruct":
            return list(ins)
        if kind == "prim::TupleConstruct":
            return tuple(ins)
        if kind == "prim::DictConstruct":
            return dict(zip(ins[0::2], ins[1::2], strict=False))
        if kind == "prim::TupleIndex":
            return ins[0][ins[1]]
        if kind in ("prim::unchecked_cast", "aten::detach", "prim::data"):
            return ins[0]
        if kind == "prim::Uninitialized":
            return None
        if kind == "prim::RaiseException":
            raise _Stop(str(ins[0]) if ins else "exception")
        if kind == "prim::NumToTensor":
            return torch.scalar_tensor(ins[0])
        if kind == "prim::device":
            return ins[0].device
        if kind == "prim::dtype":
            return ins[0].dtype
        if kind in ("aten::__is__", "aten::__isnot__"):
            return (ins[0] is ins[1]) == (kind == "aten::__is__")
        if kind in ("prim::min", "prim::max"):
            pick = min if kind == "prim::min" else max
            return pick(*ins) if len(ins) > 1 else pick(ins[0])
        if kind == "prim::Print":
            return None
        if self.fake is not None and kind in _SIZED:
            shape = _sized(kind, ins)
            if shape is not None:
                return ins[0].new_empty(shape)
        if kind == "aten::batch_norm" and self.fake is not None and not ins[5]:
            # Eval-mode batch norm keeps its input's shape: one empty_like instead of the decomposition's ~20 ops.
            x, w = ins[0], ins[1]
            if isinstance(x, torch.Tensor) and x.dim() >= 2 and (w is None or w.shape == (x.shape[1],)):
                return torch.empty_like(x)
        if kind.endswith("_") and ins and isinstance(ins[0], torch.Tensor) and id(ins[0]) in self.state:
            ins = [ins[0].clone(), *ins[1:]]
        py = _PY.get(kind.split("::", 1)[1])
        if py is not None and not any(isinstance(x, torch.Tensor) for x in ins):
            return py(*ins)
        return self._aten(n, kind, ins)

    @staticmethod
    def _aten(n: Any, kind: str, ins: list[Any]) -> Any:
        ns, name = kind.split("::", 1)
        schema = torch._C.parse_schema(n.schema())
        packet = getattr(getattr(torch.ops, ns), name)
        op = getattr(packet, schema.overload_name or "default")
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for a, v in zip(schema.arguments, ins, strict=False):
            if a.kwarg_only:
                kwargs[a.name] = v
            else:
                args.append(v)
        return op(*args, **kwargs)


def _record(model: torch.jit.ScriptModule, graph: Any, inputs: list[Any]) -> tuple[dict[int, Any], str]:
    """Values of one interpretation: on fake tensors when no branch depends on values, else on the real inputs."""
    fake = FakeTensorMode(allow_non_fake_inputs=True)

    def to_fake(x: Any) -> Any:
        return fake.from_tensor(x) if isinstance(x, torch.Tensor) else x

    try:
        interp = _Interp(model, fake)
        with torch.no_grad():
            interp.run(graph, [to_fake(x) for x in inputs])
        return interp.values, "fake"
    except Exception:
        pass
    interp = _Interp(model, None)
    with torch.no_grad():
        interp.run(graph, inputs)
    return interp.values, "run"


def _meta(x: Any) -> tuple[list[int | str], str] | None:
    if isinstance(x, torch.Tensor):
        return [int(d) for d in x.shape], dtype_name(x.dtype)
    return None


def _scope_path(n: Any) -> str:
    scope = n.scopeName()
    if not scope:
        return ""
    last: str = str(scope).split("/")[-1]
    return last.removeprefix("__module.").removeprefix("__module")


def build_torchscript(
    model: torch.jit.ScriptModule, args: tuple[Any, ...], kwargs: dict[str, Any], *, stats: bool
) -> GraphBuilder:
    name = str(getattr(model, "original_name", None) or type(model).__name__)
    traced = isinstance(model, torch.jit._trace.TracedModule)
    b = GraphBuilder("pytorch", title=name, method="torchscript-trace" if traced else "torchscript")
    graph = model.inlined_graph
    g_inputs = list(graph.inputs())
    values: dict[int, Any] = {}
    if args or kwargs:
        try:
            values, how = _record(model, graph, _inputs(model, args, kwargs))
            b.source["method"] += "+fake" if how == "fake" else "+run"
        except Exception as e:
            b.message("warning", "No shapes: interpreting the TorchScript graph on the example inputs failed.", str(e))

    # Module paths: every module object value reached by GetAttr from the root, and the parameters among tensors.
    named_params = dict(model.named_parameters())
    param_ids = {id(p): k for k, p in named_params.items()}
    types = {k: str(getattr(m, "original_name", type(m).__name__)) for k, m in model.named_modules()}
    types.pop("", None)
    obj_path: dict[int, str] = {g_inputs[0].unique(): ""}
    objects: dict[int, Any] = {g_inputs[0].unique(): model}
    param_of: dict[int, list[tuple[str, torch.Tensor]]] = {}  # value -> [(qualified name, parameter)]
    for n in _walk(graph.block()):
        if n.kind() != "prim::GetAttr":
            continue
        src = n.input().unique()
        if src not in objects:
            continue
        attr = n.s("name")
        try:
            obj = getattr(objects[src], attr)
        except Exception:
            continue
        path = f"{obj_path[src]}.{attr}" if obj_path[src] else attr
        out = n.output().unique()
        if isinstance(obj, torch.jit.ScriptModule) or isinstance(obj, torch.nn.Module):
            objects[out], obj_path[out] = obj, path
        elif isinstance(obj, torch.Tensor) and id(obj) in param_ids:
            param_of[out] = [(param_ids[id(obj)], obj)]
        elif isinstance(obj, (list, tuple)) and obj and all(id(t) in param_ids for t in obj):  # LSTM._flat_weights
            param_of[out] = [(param_ids[id(t)], t) for t in obj]

    params = Params(stats)
    producers: dict[int, list[int]] = {}  # value -> drawn / folded builder nodes producing it
    order: list[int] = []
    preds: dict[int, list[int]] = {}
    roots: set[int] = set()
    keep: set[int] = set()
    plumbing: list[int] = []
    used_names: dict[str, int] = {}

    def unique(text: str) -> str:
        k = used_names.get(text, 0)
        used_names[text] = k + 1
        return text if k == 0 else f"{text}_{k}"

    def tensor_of(v: Any) -> int:
        meta = _meta(values.get(v.unique()))
        return b.tensor(*meta) if meta else -1

    def shape_of(v: Any) -> list[int] | None:
        if not hasattr(v, "unique"):
            return None
        p = param_of.get(v.unique())
        if p is not None and len(p) == 1:
            return [int(d) for d in p[0][1].shape]
        meta = _meta(values.get(v.unique()))
        return [d if isinstance(d, int) else -1 for d in meta[0]] if meta else None

    def const(v: Any) -> Any:
        """A value known without running: constants and lists of constants (for briefs and attributes)."""
        node = v.node()
        if node.kind() == "prim::Constant":
            try:
                return node.output().toIValue()
            except Exception:
                return v
        if node.kind() == "prim::ListConstruct":
            items = [const(i) for i in node.inputs()]
            return v if any(hasattr(i, "unique") for i in items) else items
        return v

    def weights(v: Any, depth: int = 0) -> list[tuple[str, torch.Tensor]]:
        """The parameters a value is, or packs (an LSTM takes its weights as a list)."""
        q = param_of.get(v.unique())
        if q is not None:
            return q
        node = v.node()
        if depth < 4 and node.kind() in ("prim::ListConstruct", "prim::TupleConstruct"):
            return [w for i in node.inputs() for w in weights(i, depth + 1)]
        return []

    def add(node_name: str, op: str, group: int, ins: list[Any], outs: list[Any], *, is_plumbing: bool) -> int:
        own = [q for v in ins for q in weights(v)]
        infos, count = params.infos(own)
        out_t = [tensor_of(v) for v in outs]
        i = b.node(node_name, op, group, count, out_t[0] if out_t else -1)
        order.append(i)
        pl = preds[i] = []
        if infos:
            b.detail(i).params.extend(infos)
            roots.add(i)
        if is_plumbing:
            plumbing.append(i)
        in_t: list[int] = []
        for v in ins:
            for j in producers.get(v.unique(), ()):
                if j in pl:
                    continue
                pl.append(j)
                if j in plumbing_set and not is_plumbing:
                    continue
                t = tensor_of(v)
                b.edge(j, i, t)
                in_t.append(t)
        if any(t >= 0 for t in in_t + out_t):
            d = b.detail(i)
            d.inputs.extend(t for t in in_t if t >= 0)
            d.outputs.extend(t for t in out_t if t >= 0)
        for v in outs:
            producers[v.unique()] = [i]
        return i

    plumbing_set: set[int] = set()
    idle: list[Any] = []
    for v in g_inputs[1:]:
        i = add(_value_name(v, "input"), "Input", -1, [], [v], is_plumbing=False)
        roots.add(i)
        keep.add(i)

    def through(n: Any) -> None:
        """A prim node not drawn: its outputs come from the producers of its inputs."""
        kind = n.kind()
        src = sorted({j for v in n.inputs() for j in producers.get(v.unique(), ())})
        if kind in ("prim::Constant", "prim::GetAttr", "prim::SetAttr", "prim::RaiseException", "prim::Print"):
            return
        if kind == "prim::If":
            for block in n.blocks():
                walk(block)
            for k, v in enumerate(n.outputs()):
                back = [list(block.returnNode().inputs())[k].unique() for block in n.blocks()]
                producers[v.unique()] = sorted({j for u in back for j in producers.get(u, ())})
            return
        if kind == "prim::Loop":
            body = next(iter(n.blocks()))
            carried = list(n.inputs())[2:]
            for p, v in zip(list(body.inputs())[1:], carried, strict=False):
                producers[p.unique()] = list(producers.get(v.unique(), ()))
            walk(body)
            back = list(body.returnNode().inputs())[1:]
            for k, v in enumerate(n.outputs()):
                producers[v.unique()] = sorted(
                    set(producers.get(carried[k].unique(), ())) | set(producers.get(back[k].unique(), ()))
                )
            return
        for v in n.outputs():
            producers[v.unique()] = src

    def walk(block: Any) -> None:
        for n in block.nodes():
            kind = n.kind()
            if kind in _PASS:
                through(n)
                continue
            outs = list(n.outputs())
            # Operators computing no tensor, and prim:: operators (NumToTensor of a size…), serve the others.
            is_plumbing = not kind.startswith("aten::") or not _tensor_out(n)
            if values and outs and not any(v.unique() in values for v in outs):
                idle.append(n)  # in a branch the example inputs did not take
                is_plumbing = True
            op = kind.split("::", 1)[1]
            path = _scope_path(n) if traced else ""
            if not path:
                owners = [w[0].rpartition(".")[0] for v in n.inputs() for w in weights(v)]
                path = owners[0] if owners else ""
            label = f"{path}.{op}" if path else _value_name(outs[0], op) if outs else op
            ins = [v for v in n.inputs()]
            i = add(unique(label), op, group_of(b, path, types), ins, outs, is_plumbing=is_plumbing)
            if is_plumbing:
                plumbing_set.add(i)
            else:
                attrs = [(f"arg{k}", c) for k, c in enumerate(const(v) for v in ins) if not hasattr(c, "unique")]
                if attrs:
                    b.attrs(i, attrs)
                brief = op_brief(op, [const(v) for v in ins], {}, shape_of)
                if brief:
                    b.node_brief[i] = b.string(brief)

    walk(graph.block())
    out_node = add("output", "Output", -1, list(graph.outputs()), [], is_plumbing=False)
    keep.add(out_node)
    fold(b, order, preds, roots=roots, keep=keep, plumbing=plumbing)
    totals(b, model)
    unused_params_note(b)
    idle_ops = sum(1 for n in idle if n.kind().startswith("aten::") and _tensor_out(n))
    if idle_ops:
        b.message("info", f"{idle_ops} operators in branches the example inputs did not take are folded.")
    if not traced:
        b.message(
            "info",
            "Scripted module: operators are grouped by the module whose weights they use; the others are not grouped.",
        )
    if not (args or kwargs):
        b.message("info", "No shapes: give example_inputs to see the tensor shapes on the edges.")
    return b


def _inputs(model: torch.jit.ScriptModule, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """The forward's arguments in order: positional, then by name, then the defaults."""
    schema: Any = getattr(model.forward, "schema")  # noqa: B009 (torch's stubs do not declare it)
    names = list(schema.arguments)[1:]
    if len(args) > len(names):
        raise TypeError(f"forward takes {len(names)} arguments, {len(args)} example inputs were given")
    rest = dict(kwargs)
    values = list(args)
    for a in names[len(args) :]:
        if a.name in rest:
            values.append(rest.pop(a.name))
        elif a.has_default_value():
            values.append(a.default_value)
        else:
            raise TypeError(f"no example input for the argument {a.name!r}")
    if rest:
        raise TypeError(f"forward() has no argument named {', '.join(map(repr, rest))}")
    return values


def _tensor_out(n: Any) -> bool:
    return any(_is_tensor_type(v.type()) for v in n.outputs())


def _value_name(v: Any, default: str) -> str:
    """A value's name from the source (``x.5`` -> ``x``), else ``default`` (numbered values have none)."""
    name: str = str(v.debugName()).split(".")[0]
    return default if not name or name.isdigit() else name
