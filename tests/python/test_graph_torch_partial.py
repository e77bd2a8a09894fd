"""Hierarchical torch.fx tracing (``fx-partial``): models whose top-level forward cannot be traced still get data flow
inside every piece fx can trace; checked against torch's own module tree, parameters and fx traces."""

from __future__ import annotations

from collections import Counter
from typing import Any

import modelviz
import numpy as np
import torch
from torch import fx, nn

from . import graph_models as gm
from .test_graph import check_columns, col, group_paths, names, ops, payload_of


def edge_names(p: dict[str, Any]) -> set[tuple[str, str]]:
    n = names(p)
    return {(n[s], n[d]) for s, d in zip(col(p, "edges", "src"), col(p, "edges", "dst"), strict=True)}


def group_of(p: dict[str, Any]) -> dict[str, str]:
    paths = group_paths(p)
    return {name: (paths[g] if g >= 0 else "") for name, g in zip(names(p), col(p, "nodes", "group"), strict=True)}


def leaf_modules(m: nn.Module, prefix: str) -> set[str]:
    """Paths of the modules fx keeps as calls: childless modules and MultiheadAttention (not its out_proj)."""
    out: set[str] = set()
    for name, sub in m.named_modules():
        path = ".".join(x for x in (prefix, name) if x)
        if any(path.startswith(f"{p}.") for p in out):
            continue
        if isinstance(sub, nn.MultiheadAttention) or next(sub.children(), None) is None:
            out.add(path)
    return out


def test_transformer_encoder_without_inputs_traces_each_layer() -> None:
    model = nn.TransformerEncoder(nn.TransformerEncoderLayer(64, 4, batch_first=True), 3, enable_nested_tensor=False)
    with np.testing.assert_raises(Exception):
        fx.symbolic_trace(model)  # the premise: plain fx fails on the root
    p = payload_of(modelviz.graph(model))
    check_columns(p)
    assert p["source"]["method"] == "fx-partial"
    reason = p["source"]["fallback_reason"]
    assert "TransformerEncoder" in reason and "_none_or_dtype" in reason
    assert any(m["level"] == "warning" and "TransformerEncoder" in m["text"] for m in p["messages"])
    total = sum(q.numel() for q in model.parameters())
    assert p["totals"]["params"] == total == int(col(p, "nodes", "params").sum())
    edges = edge_names(p)
    groups = group_of(p)
    module_nodes = {n for n in names(p) if n in dict(model.named_modules())}
    for i, layer in enumerate(model.layers):
        pre = f"layers.{i}"
        # every module fx calls inside the layer is a node of that layer, with the layer's own parameter count
        called = leaf_modules(layer, pre)
        assert called <= module_nodes
        assert {n for n in module_nodes if n.startswith(pre + ".")} == called
        own = sum(int(c) for n, c in zip(names(p), col(p, "nodes", "params"), strict=True) if groups[n].startswith(pre))
        assert own == sum(q.numel() for q in layer.parameters())
        # data flow inside the layer: attention -> dropout1 -> residual add -> norm1 -> feed-forward -> norm2
        assert (f"{pre}.self_attn", f"{pre}.getitem") in edges
        assert (f"{pre}.getitem", f"{pre}.dropout1") in edges
        assert (f"{pre}.dropout1", f"{pre}.add") in edges
        assert (f"{pre}.add", f"{pre}.norm1") in edges
        assert (f"{pre}.norm1", f"{pre}.linear1") in edges
        assert (f"{pre}.linear2", f"{pre}.dropout2") in edges
        assert (f"{pre}.add_1", f"{pre}.norm2") in edges
        assert (f"{pre}.norm2", f"{pre}.output") in edges
        assert groups[f"{pre}.linear1"] == pre and groups[f"{pre}.src"] == pre
    # layers are not wired to each other (nothing tells how without running the model)
    assert all(s.split(".")[1] == d.split(".")[1] for s, d in edges)
    # fixed default arguments (masks, is_causal) leave no placeholders or asserts behind
    assert not any("mask" in n or "assert" in n for n in names(p))
    assert Counter(ops(p))["Input"] == 3


def test_layer_counts_match_fx_reference_trace() -> None:
    """Nodes per layer equal an fx trace of that layer by hand (fast path off, masks fixed to None, MHA a leaf)."""
    layer = nn.TransformerEncoderLayer(32, 2, 64, batch_first=True)
    model = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    class T(fx.Tracer):
        def is_leaf_module(self, m: nn.Module, q: str) -> bool:
            return isinstance(m, nn.MultiheadAttention) or super().is_leaf_module(m, q)

    before = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        ref = T().trace(
            model.layers[0], concrete_args={"src_mask": None, "src_key_padding_mask": None, "is_causal": False}
        )
    finally:
        torch.backends.mha.set_fastpath_enabled(before)
    assert torch.backends.mha.get_fastpath_enabled() == before
    kept = [
        n
        for n in ref.nodes
        if not (n.op == "placeholder" and n.name != "src") and "assert" not in n.name and n.name != "eq"
    ]
    p = payload_of(modelviz.graph(model))
    assert p["source"]["method"] == "fx-partial"
    assert p["totals"]["nodes"] == 2 * len(kept)
    assert sorted(n for n in names(p) if n.startswith("layers.0.")) == sorted(f"layers.0.{n.name}" for n in kept)
    assert torch.backends.mha.get_fastpath_enabled() == before  # tracing restores the global flag


def test_untraceable_root_and_grandchild_keep_the_rest_traced() -> None:
    model = gm.nested_data_dependent()
    p = payload_of(modelviz.graph(model))
    check_columns(p)
    assert p["source"]["method"] == "fx-partial"
    reason = p["source"]["fallback_reason"]
    assert "Outer" in reason and "block.gate (Gate)" in reason and "control flow" in reason
    assert any(m["level"] == "info" and "block.gate (Gate) is shown as one node" in m["text"] for m in p["messages"])
    edges = edge_names(p)
    # stem traced on its own (a Sequential), block traced with its untraceable child gate as one node
    assert ("stem.0", "stem.1") in edges
    assert ("block.norm", "block.gate") in edges and ("block.gate", "block.relu") in edges
    assert ("block.relu", "block.proj") in edges and ("block.proj", "block.add") in edges
    assert "block.gate.lin" not in names(p)
    assert ops(p)[names(p).index("block.gate")] == "Gate"
    assert ops(p)[names(p).index("head")] == "Linear"  # a childless child of the split root: one node
    assert not any(s.split(".")[0] != d.split(".")[0] for s, d in edges)
    total = sum(q.numel() for q in model.parameters())
    assert p["totals"]["params"] == total == int(col(p, "nodes", "params").sum())
    gate = int(col(p, "nodes", "params")[names(p).index("block.gate")])
    assert gate == sum(q.numel() for q in model.block.gate.parameters())


def test_child_with_control_flow_inside_traceable_root_stays_fx() -> None:
    """When the root traces with the failing child as one node, the full top-level data flow is kept (plain fx)."""
    model = nn.Sequential(nn.Linear(8, 8), gm.data_dependent(), nn.ReLU())
    p = payload_of(modelviz.graph(model))
    assert p["source"]["method"] == "fx"
    assert ("0", "1") in edge_names(p) and ("1", "2") in edge_names(p)
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters())


def test_with_example_inputs_export_still_wins() -> None:
    model = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(16, 2, 32, batch_first=True), 2, enable_nested_tensor=False
    )
    p = payload_of(modelviz.graph(model, torch.randn(2, 5, 16)))
    assert p["source"]["method"] == "export"


def test_nothing_traceable_falls_back_to_module_tree() -> None:
    class Flat(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(3, 3)
            self.b = nn.Linear(3, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.a(x) if x.sum() > 0 else self.b(x)

    p = payload_of(modelviz.graph(Flat()))
    assert p["source"]["method"] == "module-tree"
    assert "control flow" in p["source"]["fallback_reason"]
    assert len(col(p, "edges", "src")) == 0 and sorted(names(p)) == ["a", "b"]


def test_encoder_layer_root_traces_with_defaults_fixed() -> None:
    """The root itself traces once its optional masks are fixed to None: one unit, the whole layer's data flow."""
    layer = nn.TransformerEncoderLayer(16, 2, 32)
    p = payload_of(modelviz.graph(layer))
    assert p["source"]["method"] == "fx-partial"
    assert "_none_or_dtype" in p["source"]["fallback_reason"]
    assert "defaults" in p["source"]["fallback_reason"]
    edges = edge_names(p)
    assert ("src", "self_attn") in edges and ("linear1", "relu") in edges and ("norm2", "output") in edges
    assert leaf_modules(layer, "") <= set(names(p))
    assert p["totals"]["params"] == sum(q.numel() for q in layer.parameters()) == int(col(p, "nodes", "params").sum())
