"""Running an inlined TorchScript graph in Python to learn its values' shapes: on meta tensors with the shape
formulas of ``_torch_shapes`` (no compute, and no import of torch._dynamo, which FakeTensorMode costs: ~1.3 s),
then on fake tensors, and when a branch depends on values, on the real inputs in eval mode. The model is left
alone: ``training`` reads as False, attribute writes go to an overlay, buffers and in-place targets are copies on
real tensors."""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, Final

import torch
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.utils._pytree import tree_map

from ._torch_shapes import aten_shape, conv_shape, meta_mode, to_meta


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


_SCALARS: Final[dict[str, Callable[[Any], Any]]] = {
    "aten::Int": int,
    "aten::Float": float,
    "aten::Bool": bool,
    "aten::ScalarImplicit": lambda v: v,
}


# Operators that read a tensor's values: on a meta tensor, the example inputs' values are needed (a branch on them).
_VALUE_READS: Final = frozenset(
    {*_SCALARS, "aten::item", "aten::is_nonzero", "aten::tolist", "aten::equal", "aten::allclose", "aten::nonzero"}
)


def _tensors(v: Any) -> list[torch.Tensor]:
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, (list, tuple)):
        return [t for item in v for t in _tensors(item)]
    return []


class _DataDependent(Exception):
    """A tensor's value was read during the meta interpretation: only a real run can tell."""


class _Stop(Exception):
    """A ``prim::RaiseException`` reached: the example inputs do not fit the model."""


class _Interp:
    """Interprets an inlined TorchScript graph in Python, recording every value (by ``Value.unique()``)."""

    def __init__(
        self, model: torch.jit.ScriptModule, fake: FakeTensorMode | None, meta: torch.device | None = None
    ) -> None:
        self.model = model
        self.fake = fake
        self.meta = meta is not None  # on meta stand-ins (``fake`` is then None) of tensors on device ``meta``
        self.device = meta
        self.real = fake is None and not meta
        self.values: dict[int, Any] = {}
        self.overlay: dict[tuple[int, str], Any] = {}  # attribute writes (prim::SetAttr), kept off the model
        self.state: set[int] = set()  # the model's own tensors: an in-place op on one works on a copy

    def run(self, graph: Any, inputs: list[Any]) -> None:
        ins = list(graph.inputs())
        self.values[ins[0].unique()] = self.model
        for v, x in zip(ins[1:], inputs, strict=False):
            self.values[v.unique()] = x
        with self.fake if self.fake is not None else nullcontext():  # meta: modes around each operator only
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
                if self.real and not isinstance(value, torch.nn.Parameter):
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
        if kind == "prim::device":  # a meta stand-in answers for the tensor it stands for (fast paths check devices)
            return self.device if self.device is not None and ins[0].device.type == "meta" else ins[0].device
        if kind == "prim::dtype":
            return ins[0].dtype
        if kind in ("aten::__is__", "aten::__isnot__"):
            return (ins[0] is ins[1]) == (kind == "aten::__is__")
        if kind in ("prim::min", "prim::max"):
            pick = min if kind == "prim::min" else max
            return pick(*ins) if len(ins) > 1 else pick(ins[0])
        if kind == "prim::Print":
            return None
        if self.meta and kind.startswith("aten::"):
            return self._meta_op(n, kind, ins)
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

    def _meta_op(self, n: Any, kind: str, ins: list[Any]) -> Any:
        """An ATen operator on meta stand-ins: by formula when there is one; on real tensors when it only does
        arithmetic on sizes (0-dim tensors made by NumToTensor); a read of a meta tensor's value raises."""
        sized = aten_shape(kind[6:], ins)
        if sized is not None:
            return sized
        tensors = [t for v in ins for t in _tensors(v)]
        if any(t.device.type == "meta" for t in tensors):
            if kind in _VALUE_READS:
                raise _DataDependent(kind)
        elif tensors and all(t.dim() == 0 and id(t) not in self.state for t in tensors):
            if kind in _SCALARS:
                return _SCALARS[kind](tensors[0].item())
            return self._aten(n, kind, ins)
        py = _PY.get(kind[6:])
        if py is not None and not tensors:
            return py(*ins)
        # Meta stand-ins for every tensor, the model's included (C++ composites such as aten::lstm check devices
        # before dispatch); the modes give stand-ins to tensors made inside the operator.
        ins = [tree_map(to_meta, v) for v in ins]
        with meta_mode():
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


def record(model: torch.jit.ScriptModule, graph: Any, inputs: list[Any]) -> tuple[dict[int, Any], str]:
    """Values of one interpretation and how it ran ("meta", "fake" or "run"): on meta tensors, else on fake tensors
    (an op without a meta kernel, arithmetic on sizes), else, when a branch depends on values, on the real inputs."""
    try:
        device = next((x.device for x in inputs if isinstance(x, torch.Tensor)), torch.device("cpu"))
        interp = _Interp(model, None, meta=device)
        with torch.no_grad():
            interp.run(graph, [to_meta(x) for x in inputs])
        return interp.values, "meta"
    except _DataDependent:
        pass  # fake tensors have no values either
    except Exception:
        try:
            return _fake_record(model, graph, inputs), "fake"
        except Exception:
            pass
    interp = _Interp(model, None)
    with torch.no_grad():
        interp.run(graph, inputs)
    return interp.values, "run"


def _fake_record(model: torch.jit.ScriptModule, graph: Any, inputs: list[Any]) -> dict[int, Any]:
    fake = FakeTensorMode(allow_non_fake_inputs=True)

    def to_fake(x: Any) -> Any:
        return fake.from_tensor(x) if isinstance(x, torch.Tensor) else x

    interp = _Interp(model, fake)
    with torch.no_grad():
        interp.run(graph, [to_fake(x) for x in inputs])
    return interp.values


def inputs_of(model: torch.jit.ScriptModule, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
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
