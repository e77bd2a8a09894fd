"""torch.fx: symbolic tracing into every module with children (a submodule class whose forward cannot be traced is
retried as one opaque node), shapes from the example inputs, and the traced graph's nodes and edges."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

import torch
from torch import fx

from ._builder import GraphBuilder
from ._torch_base import (
    OPAQUE,
    Params,
    eval_mode,
    first_line,
    group_of,
    module_attrs,
    module_types,
    tensor_metas,
    totals,
    unused_params_note,
)
from ._torch_brief import module_brief, op_brief
from ._torch_fold import IO_OPS, fold, fx_plumbing, op_name

_MAX_RETRIES = 32


class _Tracer(fx.Tracer):
    def __init__(self, opaque: set[type[torch.nn.Module]]) -> None:
        super().__init__()
        self.opaque = opaque
        self.culprit: torch.nn.Module | None = None

    def is_leaf_module(self, m: torch.nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, OPAQUE) or type(m) in self.opaque or next(m.children(), None) is None

    def call_module(self, m: torch.nn.Module, forward: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return super().call_module(m, forward, args, kwargs)
        except Exception:
            if self.culprit is None:
                self.culprit = m
            raise


def trace(model: torch.nn.Module) -> tuple[fx.GraphModule, list[tuple[str, str]]]:
    """Trace; a submodule class that fails is made opaque and the trace retried. Raises if the root fails."""
    opaque: set[type[torch.nn.Module]] = set()
    notes: list[tuple[str, str]] = []
    for _ in range(_MAX_RETRIES):
        tracer = _Tracer(opaque)
        try:
            graph = tracer.trace(model)
        except Exception as e:
            culprit = tracer.culprit
            if culprit is None or type(culprit) in opaque or culprit is model:
                raise
            opaque.add(type(culprit))
            notes.append((type(culprit).__name__, f"{type(e).__name__}: {first_line(e)}"))
            continue
        return fx.GraphModule(tracer.root, graph, type(model).__name__), notes
    raise RuntimeError(f"gave up after {_MAX_RETRIES} untraceable submodule classes")


def placeholder_values(gm: fx.GraphModule, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    """The example inputs in placeholder order: positional first, then by parameter name, else the default."""
    rest = dict(kwargs)
    values: list[Any] = []
    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    for k, node in enumerate(placeholders):
        name = str(node.target)
        if name.startswith("*"):  # *args takes the remaining positional inputs; nothing can follow it here
            if name.startswith("**") or k != len(placeholders) - 1:
                raise TypeError(f"forward takes {name}: cannot place the example inputs")
            values.extend(args[k:])
            break
        if k < len(args):
            values.append(args[k])
        elif name in rest:
            values.append(rest.pop(name))
        elif node.args:
            values.append(node.args[0])
        else:
            raise TypeError(f"no example input for the argument {name!r}")
    if rest:
        raise TypeError(f"forward() has no argument named {', '.join(map(repr, rest))}")
    return tuple(values)


def propagate(model: torch.nn.Module, gm: fx.GraphModule, values: tuple[Any, ...]) -> None:
    """node.meta["tensor_meta"] for every node: on fake tensors (no compute) when ``_torch_shapes`` can, else by
    running the graph (torch's ShapeProp) in eval mode."""
    try:
        from ._torch_shapes import propagate_shapes

        with eval_mode(model):
            propagate_shapes(gm, values, {})
        return
    except Exception:
        pass
    from torch.fx.passes.shape_prop import ShapeProp

    with eval_mode(model):
        ShapeProp(gm).propagate(*values)


def build_fx(
    model: torch.nn.Module,
    gm: fx.GraphModule,
    opaque: list[tuple[str, str]],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    stats: bool,
) -> GraphBuilder:
    b = GraphBuilder("pytorch", title=type(model).__name__, method="fx")
    for cls, why in opaque:
        b.message("info", f"{cls} is shown as one node: torch.fx could not trace its forward.", details=why)
    if args or kwargs:
        try:
            propagate(model, gm, placeholder_values(gm, args, kwargs))
            b.source["method"] = "fx+shape_prop"
        except Exception as e:
            b.message("warning", f"No shapes from the example inputs: {_root_cause(e)}", _text(e))
    add_fx_graph(b, gm.graph, model, "", dict(model.named_modules()), module_types(model), Params(stats))
    totals(b, model)
    unused_params_note(b)
    return b


def _root_cause(e: BaseException) -> str:
    """The first line of the innermost exception (ShapeProp wraps the model's own error, e.g. a channel mismatch)."""
    seen = {id(e)}
    while (inner := e.__cause__ or e.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        e = inner
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def _text(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    return text if len(text) <= 2000 else text[:1999] + "…"


def _scope(node: fx.Node) -> str:
    if node.op == "call_module":
        return str(node.target).rpartition(".")[0]
    stack = node.meta.get("nn_module_stack")
    if stack:
        path, _ = list(stack.values())[-1]
        return str(path)
    return ""


def _resolve(model: torch.nn.Module, target: str) -> Any:
    obj: Any = model
    for part in target.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _has_node(value: Any) -> bool:
    if isinstance(value, fx.Node):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_node(v) for v in value)
    if isinstance(value, dict):
        return any(_has_node(v) for v in value.values())
    return False


def call_attrs(node: fx.Node) -> list[tuple[str, Any]]:
    """The constant arguments of a call (those that are not graph nodes)."""
    attrs = [(f"arg{i}", a) for i, a in enumerate(node.args) if not _has_node(a)]
    return attrs + [(k, v) for k, v in node.kwargs.items() if not _has_node(v)]


def edge_tensor(dst: fx.Node, outs: list[int]) -> int:
    if not outs:
        return -1
    if dst.op == "call_function" and dst.target is operator.getitem and len(outs) > 1:
        k = dst.args[1] if len(dst.args) > 1 else None
        if isinstance(k, int) and -len(outs) <= k < len(outs):
            return outs[k]
    return outs[0]


class FxNodes:
    """Builder indices of one fx graph's nodes, their dependencies and roles, then wiring and folding."""

    def __init__(self, b: GraphBuilder, graph: fx.Graph) -> None:
        self.b = b
        self.plumbing, self.selectors = fx_plumbing(graph.nodes)
        self.index: dict[fx.Node, int] = {}
        self.outputs: dict[fx.Node, list[int]] = {}
        self.order: list[int] = []
        self.preds: dict[int, list[int]] = {}
        self.roots: set[int] = set()
        self.keep: set[int] = set()

    def add(self, node: fx.Node, i: int, outs: list[int], *, root: bool = False) -> None:
        """Register builder node ``i`` for ``node``: edges from its inputs present in the graph (lifted parameters
        are not), except shape plumbing into real operations; its tensors in its details."""
        b = self.b
        self.index[node] = i
        self.outputs[node] = outs
        self.order.append(i)
        preds = self.preds[i] = []
        if root or node.op == "placeholder":
            self.roots.add(i)
        if node.op in ("placeholder", "output"):
            self.keep.add(i)
        ins: list[int] = []
        for src in node.all_input_nodes:
            j = self.index.get(src)
            if j is None:
                continue
            preds.append(j)
            if src in self.plumbing and node not in self.plumbing:
                continue
            t = edge_tensor(node, self.outputs[src])
            ins.append(t)
            b.edge(j, i, t)
        if outs or any(t >= 0 for t in ins):
            d = b.detail(i)
            d.inputs.extend(t for t in ins if t >= 0)
            d.outputs.extend(outs)

    def fold(self) -> int:
        return fold(
            self.b,
            self.order,
            self.preds,
            roots=self.roots,
            keep=self.keep,
            plumbing=[self.index[n] for n in self.plumbing if n in self.index],
            selectors=[self.index[n] for n in self.selectors if n in self.index],
        )


def add_fx_graph(
    b: GraphBuilder,
    graph: fx.Graph,
    model: torch.nn.Module,
    prefix: str,
    modules: dict[str, torch.nn.Module],
    types: dict[str, str],
    params: Params,
    skip: frozenset[fx.Node] = frozenset(),
) -> None:
    """Add the nodes and edges of one traced graph, plumbing folded; ``prefix`` is the traced module's path in
    ``model`` (targets and module scopes in ``graph`` are relative to it), ``skip`` the nodes left out (fixed default
    arguments)."""
    dot = f"{prefix}." if prefix else ""
    nodes = FxNodes(b, graph)
    used_names: set[str] = set()

    def shape_of(a: Any) -> list[int] | None:
        if not isinstance(a, fx.Node):
            return None
        metas = tensor_metas(a.meta.get("tensor_meta"))
        if metas:
            return [d if isinstance(d, int) else -1 for d in metas[0][0]]
        if a.op == "get_attr":
            value = _resolve(model, dot + str(a.target))
            if isinstance(value, torch.Tensor):
                return [int(d) for d in value.shape]
        return None

    for node in graph.nodes:
        if node in skip:
            continue
        outs = [b.tensor(shape, dtype) for shape, dtype in tensor_metas(node.meta.get("tensor_meta"))]
        target = dot + str(node.target)
        name = dot + node.name
        if node.op in ("call_module", "get_attr") and target not in used_names:
            name = target
        used_names.add(name)
        scope = _scope(node)
        group = group_of(b, dot + scope if scope else prefix, types)
        named: list[tuple[str, torch.Tensor]] = []
        attrs: list[tuple[str, Any]] = []
        brief: str | None = None
        if node.op == "call_module":
            module = modules[target]
            named = list(module.named_parameters())
            attrs = module_attrs(module)
            brief = module_brief(module)
            op = type(module).__name__
        elif node.op == "get_attr":
            value = _resolve(model, target)
            if isinstance(value, torch.nn.Parameter):
                named = [(target.rpartition(".")[2], value)]
            elif value is not None:
                attrs = [("value", value)]
            op = node.op
        elif node.op in ("call_function", "call_method"):
            attrs = call_attrs(node)
            op = op_name(node) if node.op == "call_method" else str(getattr(node.target, "__name__", node.target))
            brief = op_brief(op_name(node), node.args, node.kwargs, shape_of)
        else:
            op = IO_OPS.get(node.op, node.op)
        infos, count = params.infos(named)
        i = b.node(name, op, group, count, outs[0] if outs else -1, brief=brief)
        if attrs:
            b.attrs(i, attrs)
        if infos:
            b.detail(i).params.extend(infos)
        nodes.add(node, i, outs, root=node.op == "call_module" and bool(infos))
    nodes.fold()
