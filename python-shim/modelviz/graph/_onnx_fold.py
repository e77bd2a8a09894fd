"""ONNX plumbing folded into the node it serves (``GraphBuilder.fold``), so an export opens as its real operations.

- *constants*: ``Constant`` nodes and every node computed from initializers and constants alone — the ``Identity``
  copies of shared initializers the TorchScript exporter writes (a legacy ResNet-50 has ~40 of them around its
  convolutions), a weight's ``Transpose`` / ``Cast`` / ``DequantizeLinear`` — folded into their first consumer.
  An ``Identity`` of an initializer also hands that initializer over to its consumers as their own parameter, as
  if they read it directly (the way the dynamo exporter writes the same model).
- *shape computations*: what is computed from tensors' shapes and constants alone — ``Shape`` → ``Gather`` →
  ``Unsqueeze`` → ``Concat`` chains feeding a ``Reshape``, an attention's ``1 / sqrt(head size)`` from ``Shape`` →
  ``Slice`` → ``Cast`` → ``Sqrt``, position ids and masks from ``Range`` — folded into their first consumer that is
  drawn. A shape is not data: the edge from the tensor into ``Shape`` is left out, so hiding the chain adds no edge
  across the graph.

A node with no drawn consumer (a graph output, say) stays drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

# Ops that read only their input's shape, never its values.
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


def constant_nodes(nodes: Sequence[FoldNode], constants: set[str]) -> tuple[set[str], set[int]]:
    """The values computed from ``constants`` (initializer names) alone (``constants`` included), and the positions
    (in ``nodes``) of the nodes computed from constants and from the shapes of tensors (``Shape``, ``Size`` and what
    is computed from them). One pass over the edges each, in any node order."""
    consumers: dict[str, list[int]] = {}
    distinct = [0] * len(nodes)
    constant_sources: list[int] = []
    shape_sources: list[int] = []
    for k, n in enumerate(nodes):
        ins = {x for x in n.inputs if x}
        distinct[k] = len(ins)
        for x in ins:
            consumers.setdefault(x, []).append(k)
        if n.standard and n.op == "Constant" and not ins:
            constant_sources.append(k)
        elif n.standard and n.op in _SHAPE_SOURCES:
            shape_sources.append(k)

    def spread(sources: list[int]) -> tuple[set[str], set[int]]:
        missing = list(distinct)  # per node: its distinct inputs not yet known
        queue = list(sources)
        values: set[str] = set()

        def known(v: str) -> None:
            if v in values:
                return
            values.add(v)
            for c in consumers.get(v, ()):
                missing[c] -= 1
                if missing[c] == 0:
                    queue.append(c)

        for v in constants:
            known(v)
        found: set[int] = set()
        while queue:
            k = queue.pop()
            if k in found or nodes[k].has_subgraph:
                continue
            found.add(k)
            for o in nodes[k].outputs:
                if o:
                    known(o)
        return values, found

    constant_values, _ = spread(constant_sources)
    _, folded = spread(constant_sources + shape_sources)
    return constant_values, folded


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
