"""Plumbing folded into the nodes it serves, so a graph opens as its real operations.

Three kinds of node are folded (``GraphBuilder.fold``; a viewer hides them, connecting their producers to their
consumers, and shows them in the details of the node they are folded into):

- *plumbing*: shape and metadata bookkeeping (``x.shape``, ``size``, ``dim``, ``getattr``, ``getitem`` / ``eq`` /
  arithmetic on those, ``_assert``, ``sym_size``, ``_assert_tensor_metadata``, ``_check``…), folded into its first
  consumer that is drawn, or its producer when it has none. Its edges into real operations are not emitted: a shape
  is not data, and contracting it would draw an edge from a tensor to every op that reads its size.
- *constants*: nodes no model input (or parameter-holding op) reaches, like ``get_attr`` of a parameter or buffer,
  ``arange`` position ids and the masks built from them, folded into their first drawn consumer.
- *selectors*: ``getitem`` taking one tensor out of a multi-output op (``lstm(x)[0]``, ``split``, ``topk``), folded
  into that op: contraction then connects the op to the selected tensor's consumers, which is the true data flow.
  So are *pass-throughs* whose output is their input's data unchanged (``contiguous``, ``alias``, ``detach``, a cast
  to the dtype the tensor already has, as RMSNorm's ``x.to(float32)`` in a float32 model).
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from torch import fx

from ._builder import GraphBuilder

_ALWAYS: Final = frozenset(
    {
        "size",
        "dim",
        "numel",
        "len",
        "isinstance",
        "is_tensor",
        "is_floating_point",
        "is_complex",
        "item",
        "tolist",
        "_local_scalar_dense",
        "scalar_tensor",
        "_print",
        "guard_size_oblivious",
    }
)
_PREFIXES: Final = ("_assert", "sym_", "_sym_", "_check", "_functional_assert", "_functional_sym_", "_guard")
# getattr results that are tensors (x.T), not metadata (x.shape, x.dtype, x.device…).
_TENSOR_ATTRS: Final = frozenset({"T", "mT", "H", "mH", "real", "imag", "data", "grad"})
_SCALAR_MODULES: Final = frozenset({"_operator", "operator", "builtins", "math"})
# Calls whose output is their input's data, unchanged: folded into their producer like selectors.
_PASS_THROUGH: Final = frozenset({"alias", "contiguous", "detach", "clone", "lift_fresh_copy"})
_CASTS: Final = frozenset({"to", "_to_copy", "type", "type_as", "float"})
# Calls that return a tuple of tensors (when fx has no shapes to tell).
_MULTI_OUTPUT: Final = frozenset(
    {"split", "chunk", "unbind", "topk", "sort", "max", "min", "median", "mode", "kthvalue", "lstm", "gru", "rnn_tanh"}
    | {"split_with_sizes", "tensor_split", "hsplit", "vsplit", "dsplit", "unique", "svd", "qr", "eig", "eigh", "lu"}
    | {"batch_norm_with_update", "native_batch_norm", "native_layer_norm", "multi_head_attention_forward"}
)


# A graph's inputs and outputs are drawn with the names ONNX and Keras graphs use for them.
IO_OPS: Final = {"placeholder": "Input", "output": "Output"}


def op_name(node: fx.Node) -> str:
    """The bare name of a call: ``getattr``, ``sym_size`` (``aten.sym_size.int``), ``size`` (a method)."""
    if node.op == "call_method":
        return str(node.target)
    name = getattr(node.target, "__name__", None)
    return str(name if name is not None else node.target).split(".")[0]


def fx_plumbing(nodes: Iterable[fx.Node]) -> tuple[set[fx.Node], set[fx.Node]]:
    """(plumbing, selectors) of an fx / export graph, decided from the graph's structure alone (no shapes needed)."""
    plumbing: set[fx.Node] = set()
    selectors: set[fx.Node] = set()
    for node in nodes:
        if node.op not in ("call_function", "call_method"):
            continue
        name = op_name(node)
        if name == "getattr":
            attr = node.args[1] if len(node.args) > 1 else None
            if attr not in _TENSOR_ATTRS:
                plumbing.add(node)
            continue
        if name in _ALWAYS or name.startswith(_PREFIXES):
            plumbing.add(node)
            continue
        if getattr(node.target, "__module__", None) in _SCALAR_MODULES:
            ins = node.all_input_nodes
            if ins and all(i in plumbing for i in ins):
                plumbing.add(node)
            elif node.target is operator.getitem and _selects_output(node):
                selectors.add(node)
        elif name in _PASS_THROUGH or (name in _CASTS and _same_dtype(node)):
            selectors.add(node)
    return plumbing, selectors


def _dtype(value: Any) -> Any:
    meta = value.meta.get("val", value.meta.get("tensor_meta")) if isinstance(value, fx.Node) else None
    return getattr(meta, "dtype", None)


def _same_dtype(node: fx.Node) -> bool:
    """A cast to the dtype the tensor already has (``x.to(torch.float32)`` of a float32 ``x``): the same data."""
    src = node.args[0] if node.args else None
    out = _dtype(node)
    return out is not None and out == _dtype(src)


def _selects_output(node: fx.Node) -> bool:
    """``getitem(op, k)`` taking one output of a multi-output op (not indexing into a tensor: ``x[:, 0]``)."""
    src = node.args[0] if node.args else None
    if not isinstance(src, fx.Node) or not isinstance(node.args[1], int):
        return False
    if "val" in src.meta:  # torch.export: getitem only ever picks from a tuple
        return isinstance(src.meta["val"], (tuple, list))
    meta = src.meta.get("tensor_meta")
    if meta is not None:
        return isinstance(meta, (tuple, list))
    return src.op == "call_module" or op_name(src) in _MULTI_OUTPUT


def fold(
    b: GraphBuilder,
    order: Sequence[int],
    preds: Mapping[int, Sequence[int]],
    *,
    roots: Iterable[int],
    keep: Iterable[int] = (),
    plumbing: Iterable[int] = (),
    selectors: Iterable[int] = (),
) -> int:
    """Fold the plumbing, constants and selectors among builder nodes ``order`` (topological), whose inputs are
    ``preds`` (every dependency, emitted as an edge or not). ``roots`` start the data flow (model inputs, ops holding
    parameters), ``keep`` are never folded (inputs, outputs). Returns the number of folded nodes."""
    plumb = set(plumbing)
    sel = set(selectors)
    keep_set = set(keep)
    reach = set(roots)
    for i in order:
        if i not in reach and i not in plumb and any(p in reach and p not in plumb for p in preds.get(i, ())):
            reach.add(i)
    folded: dict[int, str] = {}  # node -> how its host is found: "consumer" or "producer"
    for i in order:
        if i in keep_set:
            continue
        if i in plumb or i not in reach:
            folded[i] = "consumer"
        elif i in sel:
            folded[i] = "producer"
    if not folded:
        return 0
    users: dict[int, list[int]] = {}
    for i in order:
        for p in preds.get(i, ()):
            users.setdefault(p, []).append(i)
    target: dict[int, int] = {}
    for i in reversed(order):
        if folded.get(i) != "consumer":
            continue
        for u in users.get(i, ()):
            t = u if u not in folded else target.get(u)
            if t is not None:
                target[i] = t
                break
    for i in order:
        if i not in folded or i in target:
            continue
        for p in preds.get(i, ()):
            t = p if p not in folded else target.get(p)
            if t is not None:
                target[i] = t
                break
    drawn = [k for k, n in enumerate(order) if n not in folded]  # positions in ``order``
    count = 0
    for k, i in enumerate(order):
        if i not in folded:
            continue
        t = target.get(i)
        if t is None and drawn:  # nothing connects it to a drawn node: the nearest drawn node before it, else after
            at = bisect.bisect_left(drawn, k)
            t = order[drawn[at - 1] if at > 0 else drawn[0]]
        if t is not None and t != i:
            b.fold(i, t)
            count += 1
    return count
