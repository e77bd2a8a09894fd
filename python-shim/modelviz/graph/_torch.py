"""PyTorch adapter: torch.fx symbolic tracing (+ ShapeProp with example inputs), or the module hierarchy.

Tracing goes into every module that has children; a module whose ``forward`` cannot be traced (data-dependent
control flow) is retried as one opaque node, by class. When the root's own ``forward`` cannot be traced: with example
inputs torch.export, then the module hierarchy in execution order from forward hooks; without them hierarchical fx
(``fx-partial``, see ``_torch_partial``: every submodule fx can trace keeps its data flow, unconnected to the others),
then the bare module hierarchy.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import fx

from ._builder import GraphBuilder, ParamInfo, dtype_name, weight_stats
from ._torch_partial import trace_units

# Built-in modules whose forward is not traceable or not worth tracing into: kept as single nodes up front.
_OPAQUE: tuple[type[torch.nn.Module], ...] = (torch.nn.MultiheadAttention, torch.nn.RNNBase)
_MAX_RETRIES = 32
_SIMPLE = (bool, int, float, str, type(None))


def build_torch(model: torch.nn.Module, example_inputs: Any = None, *, stats: bool = True) -> GraphBuilder:
    inputs = _as_tuple(example_inputs)
    try:
        gm, opaque = _trace(model)
    except Exception as e:
        reason = f"torch.fx: {type(e).__name__}: {_first_line(e)}"
    else:
        if not (opaque and inputs):
            return _build_fx(model, gm, opaque, inputs, stats)
        # Parts were traced as opaque nodes: with example inputs torch.export can look inside them.
        try:
            why = "; ".join(f"{cls}: {text}" for cls, text in opaque)
            return _build_export(model, inputs, f"torch.fx could not trace inside {why}", stats)
        except Exception:
            return _build_fx(model, gm, opaque, inputs, stats)
    if inputs:
        try:
            return _build_export(model, inputs, reason, stats)
        except Exception as e:
            reason += f"; torch.export: {type(e).__name__}: {_first_line(e)}"
    else:
        try:
            partial = _build_partial(model, reason, stats)
        except Exception as e:
            reason += f"; hierarchical torch.fx: {type(e).__name__}: {_first_line(e)}"
        else:
            if partial is not None:
                return partial
    return _build_hierarchy(model, inputs, reason, stats)


def _as_tuple(example_inputs: Any) -> tuple[Any, ...]:
    if example_inputs is None:
        return ()
    if isinstance(example_inputs, (tuple, list)):
        return tuple(example_inputs)
    return (example_inputs,)


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:300] if text else type(e).__name__


# -- tracing --
class _Tracer(fx.Tracer):
    def __init__(self, opaque: set[type[torch.nn.Module]]) -> None:
        super().__init__()
        self.opaque = opaque
        self.stack: list[torch.nn.Module] = []
        self.culprit: torch.nn.Module | None = None

    def is_leaf_module(self, m: torch.nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, _OPAQUE) or type(m) in self.opaque or next(m.children(), None) is None

    def call_module(self, m: torch.nn.Module, forward: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.stack.append(m)
        try:
            return super().call_module(m, forward, args, kwargs)
        except Exception:
            if self.culprit is None:
                self.culprit = m
            raise
        finally:
            self.stack.pop()


def _trace(model: torch.nn.Module) -> tuple[fx.GraphModule, list[tuple[str, str]]]:
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
            notes.append((type(culprit).__name__, f"{type(e).__name__}: {_first_line(e)}"))
            continue
        return fx.GraphModule(tracer.root, graph, type(model).__name__), notes
    raise RuntimeError(f"gave up after {_MAX_RETRIES} untraceable submodule classes")


@contextmanager
def _eval_mode(model: torch.nn.Module) -> Iterator[None]:
    """Run with eval() and no grad, then restore each module's training flag (so BatchNorm stats stay put)."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        for m, mode in modes:
            m.training = mode


# -- shared helpers --
def _tensor_metas(meta: Any) -> list[tuple[list[int], str]]:
    """(shape, dtype) per tensor in a ShapeProp TensorMetadata / tensor / nested tuple, list or dict."""
    if meta is None:
        return []
    if hasattr(meta, "shape") and hasattr(meta, "dtype"):
        return [([int(d) for d in meta.shape], dtype_name(meta.dtype))]
    if isinstance(meta, dict):
        meta = list(meta.values())
    if isinstance(meta, (list, tuple)):
        return [m for item in meta for m in _tensor_metas(item)]
    return []


def _module_attrs(m: torch.nn.Module) -> list[tuple[str, Any]]:
    """Simple scalar / tuple attributes (kernel_size, stride, num_heads…); the extra_repr() text if there are none."""
    out: list[tuple[str, Any]] = []
    for key, value in vars(m).items():
        if key.startswith("_") or key == "training":
            continue
        if isinstance(value, _SIMPLE) or (
            isinstance(value, (tuple, list)) and len(value) <= 16 and all(isinstance(v, _SIMPLE) for v in value)
        ):
            out.append((key, value))
    if not out:
        try:
            extra = m.extra_repr()
        except Exception:
            extra = ""
        if extra:
            out.append(("extra_repr", extra))
    return out


class _Params:
    """Parameter infos with statistics computed once per tensor; counts attributed to the first user only."""

    def __init__(self, stats: bool) -> None:
        self.stats = stats
        self.seen: set[int] = set()
        self.cache: dict[int, dict[str, Any] | None] = {}

    def infos(self, named: Sequence[tuple[str, torch.Tensor]]) -> tuple[list[ParamInfo], int]:
        infos: list[ParamInfo] = []
        first_use = 0
        for name, p in named:
            key = id(p)
            if key not in self.seen:
                self.seen.add(key)
                first_use += p.numel()
            stats = None
            if key not in self.cache:  # statistics travel once, with the first user of a shared parameter
                stats = self.cache[key] = self._stats(p) if self.stats else None
            infos.append(
                ParamInfo(
                    name=name,
                    shape=[int(d) for d in p.shape],
                    dtype=dtype_name(p.dtype),
                    count=p.numel(),
                    trainable=bool(p.requires_grad),
                    stats=stats,
                )
            )
        return infos, first_use

    @staticmethod
    def _stats(p: torch.Tensor) -> dict[str, Any] | None:
        try:
            t = p.detach()
            if t.is_meta:
                return None
            t = t.cpu()
            if t.is_floating_point() and t.dtype not in (torch.float32, torch.float64):
                t = t.float()
            return weight_stats(t.numpy())
        except Exception:
            return None


def _totals(b: GraphBuilder, model: torch.nn.Module) -> None:
    params = list(model.parameters())
    b.totals["params"] = int(sum(p.numel() for p in params))
    b.totals["trainable_params"] = int(sum(p.numel() for p in params if p.requires_grad))


def _module_types(model: torch.nn.Module) -> dict[str, str]:
    return {name: type(m).__name__ for name, m in model.named_modules()}


def _group_of(b: GraphBuilder, path: str, types: dict[str, str]) -> int:
    if not path:
        return -1
    parts = path.split(".")
    return b.group(parts, [types.get(".".join(parts[: i + 1])) for i in range(len(parts))])


# -- fx --
def _op_name(node: fx.Node, modules: dict[str, torch.nn.Module], dot: str = "") -> str:
    if node.op == "call_module":
        return type(modules[dot + str(node.target)]).__name__
    if node.op == "call_function":
        return str(getattr(node.target, "__name__", node.target))
    if node.op == "call_method":
        return str(node.target)
    return node.op


def _scope(node: fx.Node) -> str:
    if node.op == "call_module":
        return str(node.target).rpartition(".")[0]
    stack = node.meta.get("nn_module_stack")
    if stack:
        path, _ = list(stack.values())[-1]
        return str(path)
    return ""


def _build_fx(
    model: torch.nn.Module,
    gm: fx.GraphModule,
    opaque: list[tuple[str, str]],
    inputs: tuple[Any, ...],
    stats: bool,
) -> GraphBuilder:
    b = GraphBuilder("pytorch", title=type(model).__name__, method="fx")
    for cls, why in opaque:
        b.message("info", f"{cls} is shown as one node: its forward could not be traced ({why})")
    if inputs:
        try:
            from torch.fx.passes.shape_prop import ShapeProp

            with _eval_mode(model):
                ShapeProp(gm).propagate(*inputs)
            b.source["method"] = "fx+shape_prop"
        except Exception as e:
            b.message("warning", f"shape propagation with the example inputs failed: {type(e).__name__}: {e}")
    modules = dict(model.named_modules())
    _add_fx_graph(b, gm.graph, model, "", modules, _module_types(model), _Params(stats))
    _totals(b, model)
    unused = b.totals["params"] - sum(b.node_params)
    if unused > 0:
        b.message("info", f"{unused:,} parameters belong to modules that forward() does not call")
    return b


def _add_fx_graph(
    b: GraphBuilder,
    graph: fx.Graph,
    model: torch.nn.Module,
    prefix: str,
    modules: dict[str, torch.nn.Module],
    types: dict[str, str],
    params: _Params,
    skip: frozenset[fx.Node] = frozenset(),
) -> None:
    """Add the nodes and edges of one traced graph; ``prefix`` is the traced module's path in ``model`` (targets and
    module scopes in ``graph`` are relative to it), ``skip`` the nodes left out (fixed default arguments)."""
    dot = f"{prefix}." if prefix else ""
    index: dict[fx.Node, int] = {}
    outputs: dict[fx.Node, list[int]] = {}
    used_names: set[str] = set()
    for node in graph.nodes:
        if node in skip:
            continue
        metas = _tensor_metas(node.meta.get("tensor_meta"))
        outs = [b.tensor(shape, dtype) for shape, dtype in metas]
        outputs[node] = outs
        target = dot + str(node.target)
        name = dot + node.name
        if node.op in ("call_module", "get_attr") and target not in used_names:
            name = target
        used_names.add(name)
        scope = _scope(node)
        group = _group_of(b, dot + scope if scope else prefix, types)
        named: list[tuple[str, torch.Tensor]] = []
        attrs: list[tuple[str, Any]] = []
        if node.op == "call_module":
            module = modules[target]
            named = list(module.named_parameters())
            attrs = _module_attrs(module)
        elif node.op == "get_attr":
            value = _resolve(model, target)
            if isinstance(value, torch.nn.Parameter):
                named = [(target.rpartition(".")[2], value)]
            elif value is not None:
                attrs = [("value", value)]
        elif node.op in ("call_function", "call_method"):
            attrs = [(f"arg{i}", a) for i, a in enumerate(node.args) if not _has_node(a)]
            attrs += [(k, v) for k, v in node.kwargs.items() if not _has_node(v)]
        infos, count = params.infos(named)
        i = b.node(name, _op_name(node, modules, dot), group, count, outs[0] if outs else -1)
        index[node] = i
        if attrs:
            b.attrs(i, attrs)
        if infos:
            b.detail(i).params.extend(infos)
        _wire(b, node, i, index, outputs)


def _build_export(model: torch.nn.Module, inputs: tuple[Any, ...], reason: str, stats: bool) -> GraphBuilder:
    """torch.export with the example inputs: ATen-level nodes grouped by nn_module_stack, shapes from meta["val"]."""
    with _eval_mode(model):
        ep = torch.export.export(model, inputs, strict=False)
    b = GraphBuilder("pytorch", title=type(model).__name__, method="export")
    b.source["fallback_reason"] = reason
    b.message("info", f"{reason}; the graph comes from torch.export with the example inputs instead")
    sig = ep.graph_signature
    param_of = dict(sig.inputs_to_parameters)
    hidden = set(param_of) | set(sig.inputs_to_buffers) | set(sig.inputs_to_lifted_tensor_constants)
    named = dict(model.named_parameters(remove_duplicate=False))
    types = _module_types(model)
    params = _Params(stats)
    index: dict[fx.Node, int] = {}
    outputs: dict[fx.Node, list[int]] = {}
    for node in ep.graph.nodes:
        if node.op == "placeholder" and node.name in hidden:
            continue
        outs = [b.tensor(shape, dtype) for shape, dtype in _tensor_metas(node.meta.get("val"))]
        outputs[node] = outs
        own = [(param_of[a.name], named[param_of[a.name]]) for a in node.all_input_nodes if a.name in param_of]
        infos, count = params.infos(own)
        if node.op == "call_function":
            op = str(getattr(node.target, "__name__", node.target)).split(".")[0]
        else:
            op = node.op
        i = b.node(node.name, op, _group_of(b, _scope(node), types), count, outs[0] if outs else -1)
        index[node] = i
        if node.op == "call_function":
            attrs = [(f"arg{k}", a) for k, a in enumerate(node.args) if not _has_node(a)]
            b.attrs(i, attrs + [(k, v) for k, v in node.kwargs.items() if not _has_node(v)])
        if infos:
            b.detail(i).params.extend(infos)
        _wire(b, node, i, index, outputs)
    _totals(b, model)
    return b


def _wire(b: GraphBuilder, node: fx.Node, i: int, index: dict[fx.Node, int], outputs: dict[fx.Node, list[int]]) -> None:
    """Edges from the node's inputs present in the graph (lifted parameters are not); its tensors in its details."""
    ins: list[int] = []
    for src in node.all_input_nodes:
        if src in index:
            t = _edge_tensor(node, src, outputs[src])
            ins.append(t)
            b.edge(index[src], i, t)
    outs = outputs[node]
    if outs or any(t >= 0 for t in ins):
        d = b.detail(i)
        d.inputs.extend(t for t in ins if t >= 0)
        d.outputs.extend(outs)


def _has_node(value: Any) -> bool:
    if isinstance(value, fx.Node):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_node(v) for v in value)
    if isinstance(value, dict):
        return any(_has_node(v) for v in value.values())
    return False


def _edge_tensor(dst: fx.Node, src: fx.Node, outs: list[int]) -> int:
    if not outs:
        return -1
    if dst.op == "call_function" and dst.target is operator.getitem and len(outs) > 1:
        k = dst.args[1] if len(dst.args) > 1 else None
        if isinstance(k, int) and -len(outs) <= k < len(outs):
            return outs[k]
    return outs[0]


def _resolve(model: torch.nn.Module, target: str) -> Any:
    obj: Any = model
    for part in target.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


# -- fallback: module hierarchy --
def _build_hierarchy(model: torch.nn.Module, inputs: tuple[Any, ...], reason: str, stats: bool) -> GraphBuilder:
    b = GraphBuilder("pytorch", title=type(model).__name__, method="hooks" if inputs else "module-tree")
    b.source["fallback_reason"] = reason
    b.message(
        "warning",
        f"could not trace {type(model).__name__}.forward ({reason}); showing the module hierarchy instead"
        + (
            ", in execution order with shapes from forward hooks"
            if inputs
            else " without edges (give example_inputs for execution order and shapes)"
        ),
    )
    units: list[tuple[str, torch.nn.Module]] = []
    inside: tuple[str, ...] = ()  # prefixes of opaque units, whose submodules are theirs
    for name, m in model.named_modules():
        if name and any(name.startswith(p) for p in inside):
            continue
        if isinstance(m, _OPAQUE):
            units.append((name, m))
            inside += (f"{name}.",)
        elif next(m.children(), None) is None or next(m.parameters(recurse=False), None) is not None:
            units.append((name, m))
    calls: list[tuple[str, torch.nn.Module, list[tuple[list[int], str]]]] = []
    if inputs:
        handles = []

        def hook_for(name: str) -> Any:
            def hook(module: torch.nn.Module, args: Any, output: Any) -> None:
                calls.append((name, module, _tensor_metas(_flat_tensors(output))))

            return hook

        for name, m in units:
            handles.append(m.register_forward_hook(hook_for(name)))
        try:
            with _eval_mode(model):
                model(*inputs)
        except Exception as e:
            b.message("warning", f"running the model on the example inputs failed: {type(e).__name__}: {e}")
            calls.clear()
        finally:
            for h in handles:
                h.remove()
    types = _module_types(model)
    params = _Params(stats)
    seen_calls: dict[str, int] = {}
    prev = -1

    def add(name: str, m: torch.nn.Module, metas: list[tuple[list[int], str]]) -> int:
        k = seen_calls.get(name, 0)
        seen_calls[name] = k + 1
        label = (name or type(m).__name__) + (f"#{k + 1}" if k else "")
        recurse = isinstance(m, _OPAQUE) or next(m.children(), None) is None
        infos, count = params.infos(list(m.named_parameters(recurse=recurse)))
        outs = [b.tensor(s, d) for s, d in metas]
        i = b.node(
            label, type(m).__name__, _group_of(b, name.rpartition(".")[0], types), count, outs[0] if outs else -1
        )
        b.attrs(i, _module_attrs(m))
        if infos:
            b.detail(i).params.extend(infos)
        b.detail(i).outputs.extend(outs)
        return i

    for name, m, metas in calls:
        i = add(name, m, metas)
        if prev >= 0:
            b.edge(prev, i, b.node_output[prev])
        prev = i
    for name, m in units:
        if name not in seen_calls:
            add(name, m, [])
    _totals(b, model)
    return b


def _flat_tensors(value: Any) -> list[Any]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _flat_tensors(v)]
    return []


# -- fallback: hierarchical fx (``fx-partial``) --
def _build_partial(model: torch.nn.Module, reason: str, stats: bool) -> GraphBuilder | None:
    """Each module that fx can trace on its own (untraceable submodules as single nodes) keeps its data flow; modules
    whose own forward fails are split into their children. None when nothing with data flow could be traced."""
    units, failures = trace_units(model, _OPAQUE)
    if not any(u.graph is not None for u in units):
        return None
    b = GraphBuilder("pytorch", title=type(model).__name__, method="fx-partial")

    def label(path: str, cls: str) -> str:
        return f"{path} ({cls})" if path else f"{cls} (root)"

    b.source["fallback_reason"] = (
        reason
        + "; torch.fx could not trace the forward of "
        + "; ".join(f"{label(p, c)}: {t}" for p, c, t, _ in failures)
        if failures
        else reason + "; traced again with optional arguments fixed to their defaults and the attention fast path off"
    )
    split = [label(path, cls) for path, cls, _, is_split in failures if is_split]
    if split:
        b.message(
            "warning",
            f"could not trace the forward of {', '.join(split)}: shown as its submodules, each with its own data "
            "flow, unconnected (give example_inputs for the full graph)",
        )
    for path, cls, text, is_split in failures:
        if not is_split:
            b.message("info", f"{label(path, cls)} is shown as one node: its forward could not be traced ({text})")
    if not failures:
        b.message("info", "traced with optional arguments fixed to their defaults (masks None) and the fast path off")
    modules = dict(model.named_modules())
    types = _module_types(model)
    params = _Params(stats)
    for u in units:
        if u.graph is not None:
            _add_fx_graph(b, u.graph, model, u.path, modules, types, params, u.skip)
            continue
        m = modules[u.path]
        recurse = isinstance(m, _OPAQUE) or next(m.children(), None) is None
        infos, count = params.infos(list(m.named_parameters(recurse=recurse)))
        i = b.node(u.path, type(m).__name__, _group_of(b, u.path.rpartition(".")[0], types), count)
        b.attrs(i, _module_attrs(m))
        if infos:
            b.detail(i).params.extend(infos)
    _totals(b, model)
    unused = b.totals["params"] - sum(b.node_params)
    if unused > 0:
        b.message("info", f"{unused:,} parameters belong to modules that no traced forward() calls")
    return b
