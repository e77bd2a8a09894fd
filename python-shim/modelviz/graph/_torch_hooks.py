"""Fallback without a trace: run the model once on the example inputs and record what really happened.

Leaf modules (and built-ins kept opaque) become one node per call, seen through forward pre-hooks and hooks; torch
operations called between them (residual adds, reshapes, ``torch.cat``) are seen through a ``TorchFunctionMode``.
Edges come only from tensor identity: a node's input is wired to the node that produced that very tensor object,
never to whatever ran before it. A tensor whose producer is unknown (it came back from numpy, or from outside the
model) gets no edge, and a message says so. Data-dependent control flow is no obstacle: the run takes one path and
the graph shows that path.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any, Final

import torch
from torch.overrides import TorchFunctionMode

from ._builder import GraphBuilder
from ._torch_base import (
    OPAQUE,
    Params,
    eval_mode,
    flat_tensors,
    group_of,
    is_unit,
    module_attrs,
    module_types,
    totals,
)
from ._torch_brief import module_brief
from ._torch_fold import fold
from ._torch_quiet import no_cache

# Tensor methods through which data leaves torch: the flow past them cannot be followed by identity.
_EXITS: Final = frozenset({"numpy", "tolist", "__array__", "__reduce_ex__", "__deepcopy__"})
_INPLACE_NONE: Final = frozenset({"__setitem__", "copy_", "set_"})


def _func_name(func: Any) -> str:
    name = str(getattr(func, "__name__", func))
    if name == "__get__":  # a property such as x.T
        name = str(getattr(getattr(func, "__self__", None), "__name__", name))
    return name


class _Recorder:
    """Nodes and identity-matched edges of one run of the model."""

    def __init__(self, b: GraphBuilder, model: torch.nn.Module, params: Params) -> None:
        self.b = b
        self.params = params
        self.types = module_types(model)
        self.paths = {id(m): name for name, m in model.named_modules()}
        self.param_names = {id(p): name for name, p in model.named_parameters()}
        self.buffers = {id(t) for t in model.buffers()}
        self.producer: dict[int, tuple[weakref.ref[torch.Tensor], int]] = {}
        self.order: list[int] = []
        self.preds: dict[int, list[int]] = {}
        self.roots: set[int] = set()
        self.keep: set[int] = set()
        self.stack: list[str] = []
        self.frames: list[tuple[torch.nn.Module, list[tuple[int, int]]]] = []
        self.leaf_depth = 0
        self.busy = False
        self.calls: dict[str, int] = {}
        self.op_names: dict[str, int] = {}
        self.unknown = 0
        self.exits = 0
        self.ops: set[int] = set()  # torch operations (not module calls, inputs or the output)

    def dead_ends(self) -> set[int]:
        """Operations whose results feed nothing drawn (``mask.sum() == 0`` deciding a branch, a cache update):
        bookkeeping of the run, folded into what they read."""
        users: dict[int, list[int]] = {}
        for i in self.order:
            for p in self.preds[i]:
                users.setdefault(p, []).append(i)
        dead: set[int] = set()
        for i in reversed(self.order):
            if i in self.ops and all(u in dead for u in users.get(i, ())):
                dead.add(i)
        return dead

    # -- tensors --
    def source(self, t: torch.Tensor) -> int | None:
        entry = self.producer.get(id(t))
        if entry is not None and entry[0]() is t:
            return entry[1]
        return None

    def produce(self, t: torch.Tensor, node: int) -> None:
        try:
            self.producer[id(t)] = (weakref.ref(t), node)
        except TypeError:  # not weak-referenceable: no identity to follow
            pass

    def tensor(self, t: torch.Tensor) -> int:
        try:
            return self.b.tensor([int(d) for d in t.shape], str(t.dtype).removeprefix("torch."))
        except Exception:
            return -1

    def add(self, node: int, ins: list[tuple[int, int]], root: bool = False) -> None:
        """Register ``node`` with its (producer, tensor) inputs, drawing one edge per distinct pair."""
        self.order.append(node)
        preds: list[int] = []
        seen: set[tuple[int, int]] = set()
        for p, t in ins:
            if (p, t) not in seen:
                seen.add((p, t))
                self.b.edge(p, node, t)
            if p not in preds:
                preds.append(p)
        self.preds[node] = preds
        if root:
            self.roots.add(node)
        d = self.b.detail(node)
        d.inputs.extend(t for _, t in ins if t >= 0)

    def inputs_of(self, value: Any) -> tuple[list[tuple[int, int]], list[tuple[str, torch.Tensor]]]:
        """(producer, tensor) of each tensor in ``value`` whose producer is known; the parameters among them."""
        ins: list[tuple[int, int]] = []
        named: list[tuple[str, torch.Tensor]] = []
        for t in flat_tensors(value):
            p = self.source(t)
            if p is not None:
                ins.append((p, self.tensor(t)))
            elif id(t) in self.param_names:
                named.append((self.param_names[id(t)], t))
            elif id(t) not in self.buffers:
                self.unknown += 1
        return ins, named

    def outputs(self, node: int, value: Any) -> None:
        outs = flat_tensors(value)
        metas = [self.tensor(t) for t in outs]
        for t in outs:
            self.produce(t, node)
        if metas:
            self.b.node_output[node] = metas[0]
            self.b.detail(node).outputs.extend(metas)

    # -- model inputs and outputs --
    def model_inputs(self, model: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            names = [
                p.name
                for p in inspect.signature(model.forward).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            names = []
        items = [(names[k] if k < len(names) else f"input_{k}", a) for k, a in enumerate(args)]
        for name, value in [*items, *kwargs.items()]:
            tensors = flat_tensors(value)
            for k, t in enumerate(tensors):
                label = name if len(tensors) == 1 and isinstance(value, torch.Tensor) else f"{name}.{k}"
                i = self.b.node(label, "Input")
                self.add(i, [], root=True)
                self.keep.add(i)
                self.outputs(i, t)

    def model_output(self, value: Any) -> None:
        ins, _ = self.inputs_of(value)
        i = self.b.node("output", "Output")
        self.add(i, ins)
        self.keep.add(i)
        if ins:
            self.b.node_output[i] = ins[0][1]

    # -- module hooks --
    def pre_hook(self, module: torch.nn.Module, args: Any, kwargs: Any) -> None:
        self.busy = True
        try:
            path = self.paths.get(id(module), type(module).__name__)
            self.stack.append(path)
            if self.leaf_depth == 0 and is_unit(module):
                ins, _ = self.inputs_of((args, kwargs))
                self.frames.append((module, ins))
                self.leaf_depth += 1
            elif self.leaf_depth:
                self.leaf_depth += 1
        finally:
            self.busy = False

    def post_hook(self, module: torch.nn.Module, args: Any, kwargs: Any, output: Any) -> None:
        self.busy = True
        try:
            path = self.stack.pop() if self.stack else ""
            if self.leaf_depth == 0:
                return
            self.leaf_depth -= 1
            if self.leaf_depth or not self.frames or self.frames[-1][0] is not module:
                return
            _, ins = self.frames.pop()
            i = self.unit_node(path, module)
            self.add(i, ins, root=self.b.node_params[i] > 0 or bool(self.b.detail(i).params))
            self.outputs(i, output)
        finally:
            self.busy = False

    def unit_node(self, path: str, module: torch.nn.Module) -> int:
        k = self.calls.get(path, 0)
        self.calls[path] = k + 1
        label = (path or type(module).__name__) + (f"#{k + 1}" if k else "")
        recurse = isinstance(module, OPAQUE) or next(module.children(), None) is None
        infos, count = self.params.infos(list(module.named_parameters(recurse=recurse)))
        group = group_of(self.b, path.rpartition(".")[0], self.types)
        i = self.b.node(label, type(module).__name__, group, count, brief=module_brief(module))
        self.b.attrs(i, module_attrs(module))
        if infos:
            self.b.detail(i).params.extend(infos)
        return i

    # -- torch operations between modules --
    def op(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
        name = _func_name(func)
        if name in _EXITS:
            if any(self.source(t) is not None for t in flat_tensors(args)):
                self.exits += 1
            return
        outs = flat_tensors(out)
        if not outs:
            if name not in _INPLACE_NONE or not args or not isinstance(args[0], torch.Tensor):
                return
            outs = [args[0]]
        ins, named = self.inputs_of((args, kwargs))
        label = name.strip("_") or name
        k = self.op_names.get(label, 0)
        self.op_names[label] = k + 1
        scope = self.stack[-1] if self.stack else ""
        infos, count = self.params.infos(named)
        i = self.b.node(f"{label}_{k}" if k else label, label, group_of(self.b, scope, self.types), count)
        if infos:
            self.b.detail(i).params.extend(infos)
        self.add(i, ins, root=bool(infos))
        self.outputs(i, outs)
        self.ops.add(i)


class _Mode(TorchFunctionMode):
    def __init__(self, rec: _Recorder) -> None:
        super().__init__()
        self.rec = rec

    def __torch_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        rec = self.rec
        if not rec.busy and rec.leaf_depth == 0:
            rec.busy = True
            try:
                rec.op(func, args, kwargs, out)
            finally:
                rec.busy = False
        return out


def build_hooks(
    model: torch.nn.Module,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    stats: bool,
    b: GraphBuilder,
) -> BaseException | None:
    """Record one run of ``model`` into ``b``; returns the error if the run failed (``b`` then holds the modules
    without edges)."""
    params = Params(stats)
    rec = _Recorder(b, model, params)
    handles = []
    error: BaseException | None = None
    try:
        for m in model.modules():
            handles.append(m.register_forward_pre_hook(rec.pre_hook, with_kwargs=True))
            handles.append(m.register_forward_hook(rec.post_hook, with_kwargs=True))
        rec.model_inputs(model, args, kwargs)
        with eval_mode(model), no_cache(model), _Mode(rec):
            out = model(*args, **kwargs)
        rec.busy = True
        rec.model_output(out)
    except Exception as e:
        error = e
    finally:
        for h in handles:
            h.remove()
    if error is not None:
        _reset(b)
        add_units(b, model, Params(stats), set(), containers=True)
        totals(b, model)
        return error
    fold(b, rec.order, rec.preds, roots=rec.roots, keep=rec.keep, plumbing=rec.dead_ends())
    idle = [name for name, m in _units(model) if name not in rec.calls]
    # a module that did not run but whose weights did (tied to a module that ran) has nothing left to show
    with_params = {name for name, m in _units(model) if any(id(q) not in params.seen for q in m.parameters())}
    add_units(b, model, params, set(rec.calls) | (set(idle) - with_params))
    totals(b, model)
    if idle:
        shown = sorted(set(idle) & with_params)
        text = f"{_count(len(idle), 'module')} did not run on the example inputs" + (
            f"; {_count(len(shown), 'module')} holding parameters shown unconnected." if shown else "."
        )
        b.message("info", text, details="\n".join(idle))
    if rec.exits:
        b.message(
            "warning",
            f"Tensors left torch {rec.exits} times (.numpy() or .tolist()): the data flow through those points is "
            "unknown and not drawn.",
        )
    if rec.unknown:
        b.message(
            "info",
            f"{rec.unknown} tensor inputs came from outside the recorded run (numpy, globals): no edges for them.",
        )
    if not b.edge_src:
        b.message("warning", "No tensor passed between the modules could be matched: the graph has no edges.")
    return None


def _reset(b: GraphBuilder) -> None:
    for column in (b.node_name, b.node_op, b.node_group, b.node_params, b.node_output, b.node_brief, b.node_fold):
        column.clear()
    b.edge_src.clear()
    b.edge_dst.clear()
    b.edge_tensor.clear()
    b.details.clear()


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _units(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    """The modules shown as one node: leaves, and built-ins kept opaque (not their insides)."""
    out: list[tuple[str, torch.nn.Module]] = []
    inside: tuple[str, ...] = ()
    for name, m in model.named_modules():
        if name and any(name.startswith(p) for p in inside):
            continue
        if isinstance(m, OPAQUE):
            inside += (f"{name}.",)
        if is_unit(m):
            out.append((name, m))
    return out


def add_units(
    b: GraphBuilder, model: torch.nn.Module, params: Params, called: set[str], containers: bool = False
) -> int:
    """One node per leaf module (built-ins kept opaque count as leaves) not in ``called``, without edges; with
    ``containers`` also one per module holding parameters of its own."""
    types = module_types(model)
    inside: tuple[str, ...] = ()
    count = 0
    for name, m in model.named_modules():
        if name and any(name.startswith(p) for p in inside):
            continue
        leaf = is_unit(m)
        if isinstance(m, OPAQUE):
            inside += (f"{name}.",)
        if name in called or not (leaf or (containers and next(m.parameters(recurse=False), None) is not None)):
            continue
        infos, n = params.infos(list(m.named_parameters(recurse=leaf)))
        group = group_of(b, name.rpartition(".")[0], types)
        i = b.node(name or type(m).__name__, type(m).__name__, group, n, brief=module_brief(m) if leaf else None)
        b.attrs(i, module_attrs(m))
        if infos:
            b.detail(i).params.extend(infos)
        count += 1
    return count
