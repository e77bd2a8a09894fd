"""TorchScript (``torch.jit.trace`` / ``torch.jit.script``): the graph from the module's own inlined graph.

- ATen operators are nodes (``aten::_convolution`` drawn as ``_convolution``), the graph's inputs (the module itself
  left out) Input nodes, its outputs an Output node; edges follow the values' uses.
- ``prim::`` bookkeeping (constants, attribute reads, list / tuple packing and unpacking) is not drawn: a value passes
  through it to the operator that uses it. Operators computing no tensor (``dim``, ``size``, ``format``, ``Bool``…)
  are drawn folded into the nodes they serve. Control flow (``prim::If`` / ``prim::Loop``) is flattened: the
  operators of each branch appear, a branch's results feeding what follows the ``If``; with example inputs, the
  operators of branches that did not run are folded.
- Parameters reached through ``GetAttr`` chains belong to the operator that consumes them, with their statistics.
- Groups: a traced module's scope names (``__module.layer1/__module.layer1.0``); a scripted module's operators are
  grouped by the module whose parameters they use.
- Shapes: with example inputs, the graph is interpreted once (``_torchscript_run``) on meta or fake tensors (no
  compute), or, when a branch depends on values, on the real inputs in eval mode, the model left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import torch

from ._builder import GraphBuilder, dtype_name
from ._torch_base import Params, group_of, totals, unused_params_note
from ._torch_brief import op_brief
from ._torch_fold import fold
from ._torchscript_run import inputs_of, record

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


def _scripted_scopes(model: torch.jit.ScriptModule, graph: Any) -> list[str] | None:
    """The module path of each non-``prim`` node of ``graph`` (the inlined forward), in walk order: the methods are
    walked through their calls (``prim::CallMethod`` into submodules, ``prim::CallFunction`` into script functions)
    and the resulting operator sequence matched in order against the inlined graph's, which only lacks what the
    inliner's optimizations removed. None when a call cannot be followed or the sequences do not match."""
    cu = torch.jit._state._python_cu
    seq: list[tuple[str, str]] = []

    def frame(g: Any, obj: Any, path: str, depth: int) -> None:
        if depth > 64:
            raise RecursionError("calls nested too deep")
        objects: dict[int, tuple[Any, str]] = {}
        if obj is not None:
            objects[next(iter(g.inputs())).unique()] = (obj, path)

        def block(blk: Any) -> None:
            for n in blk.nodes():
                k = n.kind()
                if k == "prim::CallMethod":
                    o, p = objects[n.inputsAt(0).unique()]
                    frame(o._c._get_method(n.s("name")).graph, o, p, depth + 1)
                    continue
                if k == "prim::CallFunction":
                    fn = cu.find_function(str(n.inputsAt(0).type()))
                    if fn is None:
                        raise LookupError(f"no script function {n.inputsAt(0).type()}")
                    frame(fn.graph, None, path, depth + 1)
                    continue
                if k == "prim::GetAttr" and n.input().unique() in objects:
                    o, p = objects[n.input().unique()]
                    name = n.s("name")
                    sub = getattr(o, name, None)
                    if isinstance(sub, torch.nn.Module):
                        objects[n.output().unique()] = (sub, f"{p}.{name}" if p else name)
                if not k.startswith("prim::"):
                    seq.append((k, path))
                for sub_block in n.blocks():
                    block(sub_block)

        block(g.block())

    try:
        frame(model.graph, model, "", 0)
    except Exception:
        return None
    paths: list[str] = []
    j = 0
    for n in _walk(graph.block()):
        k = n.kind()
        if k.startswith("prim::"):
            continue
        while j < len(seq) and seq[j][0] != k:
            j += 1
        if j == len(seq):
            return None
        paths.append(seq[j][1])
        j += 1
    return paths


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
    model: torch.jit.ScriptModule, args: tuple[Any, ...], kwargs: dict[str, Any], *, stats: bool, _scopes: bool = True
) -> GraphBuilder:
    name = str(getattr(model, "original_name", None) or type(model).__name__)
    traced = isinstance(model, torch.jit._trace.TracedModule)
    b = GraphBuilder("pytorch", title=name, method="torchscript-trace" if traced else "torchscript")
    graph = model.inlined_graph
    g_inputs = list(graph.inputs())
    values: dict[int, Any] = {}
    if args or kwargs:
        try:
            values, how = record(model, graph, inputs_of(model, args, kwargs))
            b.source["method"] += "+" + how
        except Exception as e:
            why = f"{type(e).__name__}: {e}"
            why = why if len(why) <= 2000 else why[:1999] + "…"
            b.message("warning", "No shapes: interpreting the TorchScript graph on the example inputs failed.", why)

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
    scopes = None if traced or not _scopes else _scripted_scopes(model, graph)
    scoped: list[tuple[str, str | None]] = []  # (path from the calls, path of the weights' owner)
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
            owners = [w[0].rpartition(".")[0] for v in n.inputs() for w in weights(v)]
            if traced:
                path = _scope_path(n)
            elif scopes is not None and not kind.startswith("prim::"):
                path = scopes[len(scoped)]
                scoped.append((path, owners[0] if owners else None))
            else:
                path = ""
            if not path:
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
    if scopes is not None and any(owner is not None and owner != path for path, owner in scoped):
        # The calls and the weights disagree: the walk was misaligned. Rebuild with groups from the weights only.
        return build_torchscript(model, args, kwargs, stats=stats, _scopes=False)
    out_node = add("output", "Output", -1, list(graph.outputs()), [], is_plumbing=False)
    keep.add(out_node)
    fold(b, order, preds, roots=roots, keep=keep, plumbing=plumbing)
    totals(b, model)
    unused_params_note(b)
    idle_ops = sum(1 for n in idle if n.kind().startswith("aten::") and _tensor_out(n))
    if idle_ops:
        b.message("info", f"{idle_ops} operators in branches the example inputs did not take are folded.")
    if not traced and scopes is None:
        b.message(
            "info",
            "Scripted module: operators are grouped by the module whose weights they use; the others are not grouped.",
        )
    if not (args or kwargs):
        b.message("info", "No shapes: give example_inputs to see the tensor shapes on the edges.")
    return b


def _tensor_out(n: Any) -> bool:
    return any(_is_tensor_type(v.type()) for v in n.outputs())


def _value_name(v: Any, default: str) -> str:
    """A value's name from the source (``x.5`` -> ``x``), else ``default`` (numbered values have none)."""
    name: str = str(v.debugName()).split(".")[0]
    return default if not name or name.isdigit() else name
