"""ONNX plumbing folded into the node it serves (``GraphBuilder.fold``), so an export opens as its real operations.

- *constants*: ``Constant`` nodes and every node computed from initializers and constants alone — the ``Identity``
  copies of shared initializers the TorchScript exporter writes (a legacy ResNet-50 has ~40 of them around its
  convolutions), a weight's ``Transpose`` / ``Cast`` / ``DequantizeLinear`` — folded into their first consumer.
  An ``Identity`` of an initializer also hands that initializer over to its consumers as their own parameter, as
  if they read it directly (the way the dynamo exporter writes the same model).
- *shape computations*: ``Shape`` → ``Gather`` → ``Unsqueeze`` → ``Concat`` chains (and the arithmetic on them) whose
  results only feed the shape inputs of ``Reshape``, ``Expand``, ``Slice``… are folded into that consumer. A shape is
  not data: the edge from the tensor into ``Shape`` is left out, so hiding the chain adds no edge across the graph.

Only nodes whose every use is known to be plumbing are folded; a node with no drawn consumer stays drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

# The inputs of an op that are shapes, sizes, axes or indices of slicing rather than data.
SHAPE_INPUTS: Final[dict[str, frozenset[int]]] = {
    "Reshape": frozenset({1}),
    "Expand": frozenset({1}),
    "ConstantOfShape": frozenset({0}),
    "Tile": frozenset({1}),
    "Slice": frozenset({1, 2, 3, 4}),
    "Unsqueeze": frozenset({1}),
    "Squeeze": frozenset({1}),
    "Range": frozenset({0, 1, 2}),
    "Resize": frozenset({1, 2, 3}),
    "Upsample": frozenset({1}),
    "Pad": frozenset({1, 2, 3}),
    "TopK": frozenset({1}),
    "Split": frozenset({1}),
    "OneHot": frozenset({1}),
    "ReduceSum": frozenset({1}),
    "ReduceMean": frozenset({1}),
    "ReduceMax": frozenset({1}),
    "ReduceMin": frozenset({1}),
    "ReduceProd": frozenset({1}),
    "ReduceL2": frozenset({1}),
    "CenterCropPad": frozenset({1}),
    "Trilu": frozenset({1}),
    "EyeLike": frozenset(),
}
# Ops a shape computation is made of (besides Shape / Size, which start one).
SHAPE_OPS: Final = frozenset(
    {"Gather", "GatherElements", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity", "Reshape"}
    | {"Mul", "Div", "Add", "Sub", "Mod", "Neg", "Abs", "Floor", "Ceil", "Max", "Min", "Sqrt"}
    | {"Equal", "Less", "Greater", "Where", "Not", "And", "Or", "ReduceProd", "ConstantOfShape", "Range"}
)
_SHAPE_SOURCES: Final = frozenset({"Shape", "Size"})


@dataclass
class FoldNode:
    """What folding looks at: one node's op, inputs and outputs (value names; "" for an absent optional input)."""

    index: int  # the builder's node index
    op: str
    domain: str
    inputs: Sequence[str]
    outputs: Sequence[str]
    has_subgraph: bool = False

    @property
    def standard(self) -> bool:
        return self.domain in ("", "ai.onnx")


def constant_nodes(nodes: Sequence[FoldNode], constants: set[str]) -> tuple[set[int], set[str]]:
    """Positions (in ``nodes``) of the nodes computed from ``constants`` (initializer names) alone, and all the
    constant values (``constants`` plus those nodes' outputs)."""
    values = set(constants)
    const: set[int] = set()
    changed = True
    while changed:  # one pass for a sorted graph; more only for an unsorted one
        changed = False
        for k, n in enumerate(nodes):
            if k in const or n.has_subgraph:
                continue
            ins = [x for x in n.inputs if x]
            if (n.op == "Constant" and n.standard and not ins) or (ins and all(x in values for x in ins)):
                const.add(k)
                values.update(o for o in n.outputs if o)
                changed = True
    return const, values


def shape_nodes(nodes: Sequence[FoldNode], values: set[str], outputs: set[str]) -> set[int]:
    """Positions of the nodes of shape computations (see the module docstring): the largest set in which each node
    reads only constants, shapes or other members, and is read only at shape inputs or by other members."""
    producer: dict[str, int] = {}
    consumers: dict[str, list[tuple[int, int]]] = {}
    for k, n in enumerate(nodes):
        for o in n.outputs:
            if o:
                producer[o] = k
        for slot, x in enumerate(n.inputs):
            if x:
                consumers.setdefault(x, []).append((k, slot))
    members = {
        k
        for k, n in enumerate(nodes)
        if n.standard and not n.has_subgraph and (n.op in _SHAPE_SOURCES or n.op in SHAPE_OPS)
    }
    members -= {k for k, n in enumerate(nodes) if n.op in SHAPE_OPS and all(x in values for x in n.inputs if x)}

    def fits(k: int) -> bool:
        n = nodes[k]
        if n.op not in _SHAPE_SOURCES:
            for x in n.inputs:
                if x and x not in values and producer.get(x) not in members:
                    return False
        used = False
        for o in n.outputs:
            if not o:
                continue
            if o in outputs:
                return False
            for c, slot in consumers.get(o, ()):
                used = True
                if c in members:
                    continue
                consumer = nodes[c]
                if not consumer.standard or slot not in SHAPE_INPUTS.get(consumer.op, ()):
                    return False
        return used

    changed = True
    while changed:
        changed = False
        for k in sorted(members):
            if not fits(k):
                members.discard(k)
                changed = True
    return members


def hosts(nodes: Sequence[FoldNode], folded: set[int]) -> dict[int, int]:
    """The drawn node each folded node (position) goes into, as builder indices: its first consumer, or that
    consumer's host when the consumer is folded too. Folded nodes without a drawn consumer are left out."""
    consumers: dict[str, list[int]] = {}
    for k, n in enumerate(nodes):
        for x in n.inputs:
            if x:
                consumers.setdefault(x, []).append(k)
    # Last node first: in a sorted graph a node's consumers come after it, so theirs are known (more passes only
    # for an unsorted graph).
    found: dict[int, int] = {}
    changed = True
    while changed:
        changed = False
        for k in sorted(folded, reverse=True):
            if k in found:
                continue
            for c in sorted({c for o in nodes[k].outputs if o for c in consumers.get(o, ())}):
                h = found.get(c) if c in folded else c
                if h is not None:
                    found[k] = h
                    changed = True
                    break
    return {nodes[k].index: nodes[h].index for k, h in sorted(found.items())}
