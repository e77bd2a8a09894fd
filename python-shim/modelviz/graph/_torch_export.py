"""torch.export (non-strict) on the example inputs: the ATen operator graph, grouped by the module each operator ran
in (``nn_module_stack``), shapes from the exporter's own fake-tensor values, plumbing folded.

Keyword inputs go in as keywords; a Hugging Face model runs with its KV cache off for the trace only (a cache object
in the output stops the exporter), its config restored afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import torch
from torch import fx

from ._builder import GraphBuilder
from ._torch_base import Params, eval_mode, group_of, module_types, tensor_metas, totals
from ._torch_brief import op_brief
from ._torch_fold import IO_OPS, op_name
from ._torch_fx import FxNodes, call_attrs
from ._torch_quiet import no_cache

_CALL_SUFFIX = re.compile(r"@\d+$")


def export(model: torch.nn.Module, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
    with eval_mode(model), no_cache(model):
        return torch.export.export(model, args, dict(kwargs), strict=False)


def _scope(node: fx.Node) -> tuple[str, str | None]:
    """(module path, class name) of the innermost module the node ran in."""
    stack = node.meta.get("nn_module_stack")
    if not stack:
        return "", None
    path, cls = list(stack.values())[-1]
    cls_name = cls if isinstance(cls, str) else getattr(cls, "__name__", None)
    return _CALL_SUFFIX.sub("", str(path)), (str(cls_name).rpartition(".")[2] if cls_name else None)


def build_export(model: torch.nn.Module, ep: Any, stats: bool) -> GraphBuilder:
    b = GraphBuilder("pytorch", title=type(model).__name__, method="export")
    sig = ep.graph_signature
    param_of = dict(sig.inputs_to_parameters)
    hidden = set(param_of) | set(sig.inputs_to_buffers) | set(sig.inputs_to_lifted_tensor_constants)
    named = dict(model.named_parameters(remove_duplicate=False))
    types = module_types(model)
    params = Params(stats)
    nodes = FxNodes(b, ep.graph)

    def shape_of(a: Any) -> list[int] | None:
        val = a.meta.get("val") if isinstance(a, fx.Node) else None
        shape = getattr(val, "shape", None)
        if shape is None:
            return None
        return [int(d) if isinstance(d, int) else -1 for d in shape]

    for node in ep.graph.nodes:
        if node.op == "placeholder" and node.name in hidden:
            continue
        val = node.meta.get("val")
        if node.op == "output":  # the exporter keeps no value on the output node: its inputs' values
            val = [a.meta.get("val") for a in node.all_input_nodes]
        outs = [b.tensor(shape, dtype) for shape, dtype in tensor_metas(val)]
        own = [(param_of[a.name], named[param_of[a.name]]) for a in node.all_input_nodes if a.name in param_of]
        infos, count = params.infos(own)
        path, cls = _scope(node)
        if cls and path and path not in types:
            types[path] = cls
        brief = None
        if node.op == "call_function":
            op = op_name(node)
            brief = op_brief(op, node.args, node.kwargs, shape_of)
        else:
            op = IO_OPS.get(node.op, node.op)
        i = b.node(node.name, op, group_of(b, path, types), count, outs[0] if outs else -1, brief=brief)
        if node.op == "call_function":
            b.attrs(i, call_attrs(node))
        if infos:
            b.detail(i).params.extend(infos)
        nodes.add(node, i, outs, root=bool(infos))
    nodes.fold()
    totals(b, model)
    return b
