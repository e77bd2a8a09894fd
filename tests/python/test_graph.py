"""modelviz.graph: torch (fx, export, hooks), Keras 3 and ONNX models built in code, checked against the
frameworks' own numbers and validated against schema/graph.v1.schema.json."""

from __future__ import annotations

import json
import math
import os
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import modelviz
import numpy as np
import onnx
import pytest
import torch
from modelviz._formatters import _model_bundle
from modelviz._tensor import decode
from modelviz.graph._builder import weight_stats
from onnx import TensorProto, helper

from . import graph_models as gm
from .conftest import problems

MIME = "application/vnd.modelviz.graph.v1+json"


def payload_of(g: modelviz.Graph) -> dict[str, Any]:
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {MIME, "text/plain"}
    p = bundle[MIME]
    assert problems("graph", p) == []
    json.dumps(p)  # plain JSON
    return p


def col(p: dict[str, Any], table: str, name: str) -> np.ndarray:
    return decode(p[table][name])


def names(p: dict[str, Any]) -> list[str]:
    return [p["strings"][i] for i in col(p, "nodes", "name")]


def ops(p: dict[str, Any]) -> list[str]:
    return [p["strings"][i] for i in col(p, "nodes", "op")]


def group_paths(p: dict[str, Any]) -> list[str]:
    gname, gparent = col(p, "groups", "name"), col(p, "groups", "parent")

    def path(g: int) -> str:
        parts = []
        while g >= 0:
            parts.append(p["strings"][gname[g]])
            g = int(gparent[g])
        return ".".join(reversed(parts))

    return [path(g) for g in range(len(gname))]


def check_columns(p: dict[str, Any]) -> None:
    n = p["totals"]["nodes"]
    for key in ("name", "op", "group", "params", "output"):
        assert col(p, "nodes", key).shape == (n,)
    src, dst, ten = col(p, "edges", "src"), col(p, "edges", "dst"), col(p, "edges", "tensor")
    assert src.shape == dst.shape == ten.shape
    assert ((src >= 0) & (src < n) & (dst >= 0) & (dst < n)).all()
    assert (ten < len(p["tensors"])).all()
    groups = len(col(p, "groups", "name"))
    assert ((col(p, "nodes", "group") >= -1) & (col(p, "nodes", "group") < groups)).all()


def output_shape(p: dict[str, Any], node: int) -> list[Any]:
    t = int(col(p, "nodes", "output")[node])
    return list(p["tensors"][t]["shape"])


# -- PyTorch --


@pytest.fixture(scope="module")
def resnet() -> torch.nn.Module:
    return gm.resnet50()


def test_resnet50_fx_with_shapes_and_stats(resnet: torch.nn.Module) -> None:
    x = torch.randn(1, 3, 64, 64)
    gmod = torch.fx.symbolic_trace(resnet)
    from torch.fx.passes.shape_prop import ShapeProp

    ShapeProp(gmod).propagate(x)
    p = payload_of(modelviz.graph(resnet, x))
    check_columns(p)
    assert p["source"]["method"] == "fx+shape_prop"
    total = sum(q.numel() for q in resnet.parameters())
    assert p["totals"]["params"] == total == int(col(p, "nodes", "params").sum())
    assert p["totals"]["nodes"] == len(gmod.graph.nodes)  # leaf modules of torchvision-style resnet = fx's default
    nm = names(p)
    fc = nm.index("fc")
    assert ops(p)[fc] == "Linear"
    assert output_shape(p, fc) == list(resnet(x).shape)
    # every node's shape agrees with torch's own ShapeProp
    for i, node in enumerate(gmod.graph.nodes):
        meta = node.meta.get("tensor_meta")
        io = {"placeholder": "Input", "output": "Output"}.get(node.op, node.op)
        assert ops(p)[i] in (io, str(getattr(node.target, "__name__", "")), type(resnet).__name__) or (
            node.op == "call_module" and ops(p)[i] == type(resnet.get_submodule(str(node.target))).__name__
        )
        if meta is not None:
            assert output_shape(p, i) == list(meta.shape)
    assert "layer3.5" in group_paths(p)
    types = [p["strings"][t] for t in col(p, "groups", "type")]
    assert types[group_paths(p).index("layer3.5")] == "Bottleneck"
    conv = nm.index("layer1.0.conv2")
    detail = next(d for d in p["details"] if d["node"] == conv)
    attrs = {a["key"]: a["value"] for a in detail["attrs"]}
    assert attrs["kernel_size"] == [3, 3] and attrs["stride"] == [1, 1] and attrs["padding"] == [1, 1]
    (w,) = detail["params"]
    weight = resnet.layer1[0].conv2.weight.detach().numpy()
    assert w["shape"] == list(weight.shape) and w["trainable"] is True
    assert w["stats"]["count"] == weight.size
    assert w["stats"]["mean"] == pytest.approx(float(weight.mean()), abs=1e-6)
    assert w["stats"]["std"] == pytest.approx(float(weight.std()), rel=1e-4)
    assert decode(w["stats"]["histogram"]["counts"]).sum() == weight.size
    text = modelviz.graph(resnet, stats=False).text
    assert f"Total params: {total:,}" in text and "rows not shown" in text


def test_transformer_encoder_groups_by_module_path() -> None:
    model = gm.transformer(layers=4)
    tokens = torch.randint(0, 100, (2, 7))
    p = payload_of(modelviz.graph(model, tokens))
    check_columns(p)
    assert p["source"]["method"] == "export"
    assert "TransformerEncoder" in p["source"]["fallback_reason"]
    paths = group_paths(p)
    assert "encoder.layers.3.self_attn" in paths
    types = [p["strings"][t] if t >= 0 else None for t in col(p, "groups", "type")]
    assert types[paths.index("encoder.layers.3.self_attn")] == "MultiheadAttention"
    assert types[paths.index("encoder.layers.3")] == "TransformerEncoderLayer"
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters()) == int(col(p, "nodes", "params").sum())
    last = len(names(p)) - 1
    assert ops(p)[last] == "Output"
    assert output_shape(p, last) == list(model(tokens).shape)
    # without example inputs: fx with the encoder as one node, and a note saying why
    q = payload_of(modelviz.graph(model))
    assert "TransformerEncoder" in ops(q)
    assert any("TransformerEncoder" in m["text"] for m in q["messages"])


def test_lstm_tuple_outputs() -> None:
    model = gm.lstm_tagger()
    tokens = torch.randint(0, 50, (3, 11))
    p = payload_of(modelviz.graph(model, tokens))
    check_columns(p)
    lstm = names(p).index("lstm")
    assert ops(p)[lstm] == "LSTM"
    seq, (h, _c) = model.lstm(model.embed(tokens))
    outs = next(d for d in p["details"] if d["node"] == lstm)["outputs"]
    assert [o["shape"] for o in outs] == [list(seq.shape), list(h.shape), list(h.shape)]
    attrs = {a["key"]: a["value"] for a in next(d for d in p["details"] if d["node"] == lstm)["attrs"]}
    assert attrs["bidirectional"] is True and attrs["num_layers"] == 2
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters())


def test_example_input_of_the_wrong_shape_says_why_in_one_sentence(resnet: torch.nn.Module) -> None:
    p = payload_of(modelviz.graph(resnet, torch.randn(1, 5, 32, 32)))  # 5 channels into a 3-channel stem
    check_columns(p)
    (m,) = [m for m in p["messages"] if m["level"] == "warning"]
    assert m["text"].startswith("No shapes from the example inputs:") and "3 channels" in m["text"]
    assert len(m["text"]) <= 200 and "Traceback" not in m["text"] and "Traceback" in m["details"]
    assert p["source"]["method"] == "fx" and p["totals"]["params"] == sum(q.numel() for q in resnet.parameters())


def test_data_dependent_control_flow_falls_back_to_hooks() -> None:
    model = gm.data_dependent()
    x = torch.randn(2, 8)
    p = payload_of(modelviz.graph(model, x))
    check_columns(p)
    assert p["source"]["method"] == "hooks"
    assert "control flow" in p["source"]["fallback_reason"]
    (msg,) = p["messages"]
    assert msg["level"] == "warning" and "tensors passed between them" in msg["text"]
    assert "torch.export failed" in msg["details"]  # the full reasons, on demand
    with torch.no_grad():
        took_b = bool(model.a(x).sum() > 0)
    # one run's real data flow, wired by tensor identity: the branch condition hangs off `a`, `b` only if taken
    expected = {("x", "a"), ("a", "sum"), ("sum", "gt"), ("head.0", "head.1"), ("head.1", "output")}
    expected |= {("a", "b"), ("b", "head.0")} if took_b else {("a", "head.0")}
    nm = names(p)
    edges = {(nm[s], nm[d]) for s, d in zip(col(p, "edges", "src"), col(p, "edges", "dst"), strict=True)}
    assert edges == expected
    assert ops(p)[nm.index("a")] == "Linear" and ops(p)[nm.index("x")] == "Input"
    assert output_shape(p, nm.index("head.1")) == list(model(x).shape)
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters()) == int(col(p, "nodes", "params").sum())
    assert model.training  # the training flags are restored after the hooked run
    # without example inputs: hierarchical fx, a and b single nodes, head's own data flow traced
    q = payload_of(modelviz.graph(model))
    assert q["source"]["method"] == "fx-partial" and "Gate (root)" in q["source"]["fallback_reason"]
    qn = names(q)
    edges = {(qn[s], qn[d]) for s, d in zip(col(q, "edges", "src"), col(q, "edges", "dst"), strict=True)}
    assert ("head.0", "head.1") in edges and all(s.startswith("head.") and d.startswith("head.") for s, d in edges)


def test_one_node_model_and_script_names() -> None:
    model = torch.nn.Linear(3, 2)
    p = payload_of(modelviz.graph(model, torch.randn(1, 3)))
    assert "linear" in ops(p) and p["totals"]["params"] == 8
    evil = torch.nn.Sequential()
    evil.add_module("<script>alert(1)</script>", torch.nn.ReLU())
    q = payload_of(modelviz.graph(evil))
    assert "<script>alert(1)</script>" in names(q)  # just text in the payload; the renderer escapes it


def test_weight_stats_sampling_and_edge_cases() -> None:
    s = weight_stats(np.zeros(10, dtype=np.float32))
    assert s["zeros"] == 1.0 and s["min"] == s["max"] == 0.0
    s = weight_stats(np.array([np.nan, np.inf, 1.0], dtype=np.float32))
    assert s["count"] == 3 and s["mean"] == 1.0
    big = np.arange(5_000_000, dtype=np.float32)
    s = weight_stats(big)
    assert s["count"] == big.size and s["sample"] < big.size and s["max"] <= big.max()


# -- Keras --


def keras_functional() -> keras.Model:
    layers = keras.layers
    inner_in = keras.Input((16,), name="inner_in")
    inner = keras.Model(inner_in, layers.Dense(8, activation="relu", name="inner_dense")(inner_in), name="inner")
    a, b = keras.Input((16,), name="a"), keras.Input((16,), name="b")
    shared = layers.Dense(16, name="shared")
    left, right = shared(a), shared(b)
    branch = layers.Concatenate(name="concat")([inner(left), inner(right)])
    out1 = layers.Dense(3, name="head1")(branch)
    out2 = layers.Dense(1, name="head2")(layers.Add(name="add")([left, right]))
    return keras.Model([a, b], [out1, out2], name="two_towers")


def test_keras_functional_branches_shared_nested() -> None:
    model = keras_functional()
    p = payload_of(modelviz.graph(model))
    check_columns(p)
    assert p["framework"] == "keras" and p["source"]["method"] == "keras-functional"
    assert p["totals"]["params"] == model.count_params() == int(col(p, "nodes", "params").sum())
    nm = names(p)
    assert nm.count("shared") == 1 and "shared#2" in nm  # a shared layer: one node per call, params counted once
    assert "inner" in group_paths(p)
    # the nested model's layer is wired to the outer graph: shared -> inner_dense -> concat
    src, dst = col(p, "edges", "src"), col(p, "edges", "dst")
    pairs = {(nm[s], nm[d]) for s, d in zip(src, dst, strict=True)}
    assert ("shared", "inner_dense") in pairs and ("inner_dense", "concat") in pairs
    for out, name in zip(model.outputs, ("head1", "head2"), strict=True):
        assert output_shape(p, nm.index(name)) == list(out.shape)


def test_keras_sequential_and_subclassed() -> None:
    seq = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(2)], name="seq")
    p = payload_of(modelviz.graph(seq))
    check_columns(p)
    assert p["totals"]["params"] == seq.count_params()
    assert output_shape(p, p["totals"]["nodes"] - 1) == list(seq.outputs[0].shape)

    class Sub(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.d1 = keras.layers.Dense(4)
            self.d2 = keras.layers.Dense(2)

        def call(self, x: Any) -> Any:
            return self.d2(self.d1(x))

    sub = Sub()
    sub(keras.ops.zeros((1, 3)))
    q = payload_of(modelviz.graph(sub))
    assert q["source"]["method"] == "keras-layers" and q["totals"]["params"] == sub.count_params()
    assert any("subclassed" in m["text"] for m in q["messages"])


# -- ONNX --


@pytest.mark.parametrize("which", ["resnet50", "transformer", "lstm"])
def test_onnx_exported_from_torch(which: str, resnet: torch.nn.Module) -> None:
    if which == "resnet50":
        model, x = resnet, torch.randn(1, 3, 64, 64)
    elif which == "transformer":
        model, x = gm.transformer(layers=2), torch.randint(0, 100, (2, 7))
    else:
        model, x = gm.lstm_tagger(), torch.randint(0, 50, (2, 7))
    data = gm.to_onnx(model, (x,))
    proto = onnx.load_from_string(data)
    p = payload_of(modelviz.graph(data))
    check_columns(p)
    n_io = len([i for i in proto.graph.input if i.name not in {t.name for t in proto.graph.initializer}])
    assert p["totals"]["nodes"] == len(proto.graph.node) + n_io + len(proto.graph.output)
    assert p["totals"]["params"] == sum(math.prod(t.dims) for t in proto.graph.initializer)
    inferred = onnx.shape_inference.infer_shapes(proto)
    out = inferred.graph.output[0]
    assert output_shape(p, p["totals"]["nodes"] - 1) == [d.dim_value for d in out.type.tensor_type.shape.dim]
    assert output_shape(p, p["totals"]["nodes"] - 1) == list(model(x).shape)
    if which == "transformer":
        assert any(path.startswith("encoder.layers.1") or "layers.1" in path for path in group_paths(p))


def test_generated_50k_onnx_graph() -> None:
    proto = gm.onnx_chain(50_000)
    g = modelviz.graph(proto)
    p = payload_of(g)
    check_columns(p)
    assert p["totals"]["nodes"] == len(proto.graph.node) + 2
    assert len(col(p, "edges", "src")) == sum(
        1 for n in proto.graph.node for x in n.input if not x.endswith(("/W", "/bias"))
    ) + len(proto.graph.output)
    assert p["totals"]["params"] == sum(math.prod(t.dims) for t in proto.graph.initializer)
    assert "stage0.block3" in group_paths(p)
    assert len(p["tensors"]) == 1  # every edge carries the same [1, 8] float32: stored once
    assert g.text.count("\n") < 100 and "rows not shown" in g.text


def _node(op: str, ins: list[str], outs: list[str], name: str = "", **attrs: Any) -> onnx.NodeProto:
    return helper.make_node(op, ins, outs, name=name, **attrs)


def _model(nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto] | None = None) -> onnx.ModelProto:
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
        inits or [],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def test_onnx_bad_inputs_give_messages(tmp_path: Any) -> None:
    p = payload_of(modelviz.graph(b"\x00not an onnx file"))
    assert p["messages"][0]["level"] == "error" and "could not be parsed" in p["messages"][0]["text"]
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    p = payload_of(modelviz.graph(bad))
    assert "bad.onnx" in p["messages"][0]["text"]
    p = payload_of(modelviz.graph(str(tmp_path / "missing.onnx")))
    assert p["messages"][0]["level"] == "error"
    # a cycle: a -> b -> a
    cyc = _model([_node("Add", ["x", "b"], ["a"], "A"), _node("Relu", ["a"], ["b"], "B"), _node("Relu", ["a"], ["y"])])
    p = payload_of(modelviz.graph(cyc))
    assert any("cycle" in m["text"] for m in p["messages"])
    assert any("onnx.checker" in m["text"] for m in p["messages"])
    # unnamed nodes, a huge attribute tensor, a <script> name, a one-node model
    big = helper.make_tensor("v", TensorProto.FLOAT, [1000, 1000], np.zeros(10**6, dtype=np.float32))
    m = _model(
        [
            _node("Constant", [], ["c"], value=big),
            _node("Relu", ["x"], ["r"]),
            _node("Identity", ["r"], ["y"], "<script>alert(1)</script>"),
        ]
    )
    p = payload_of(modelviz.graph(m))
    assert len(json.dumps(p)) < 20_000  # the 4 MB constant is described, not shipped
    assert "Constant_0" in names(p) and "<script>alert(1)</script>" in names(p)
    assert any("no name" in msg["text"] for msg in p["messages"])
    const = next(d for d in p["details"] if d["node"] == names(p).index("Constant_0"))
    assert const["attrs"][0]["value"] == "tensor float32[1000, 1000]"
    p = payload_of(modelviz.graph(_model([_node("Relu", ["x"], ["y"], "only")])))
    assert names(p) == ["x", "only", "y"] and len(col(p, "edges", "src")) == 2


def test_onnx_if_subgraphs_are_groups() -> None:
    def branch(op: str) -> onnx.GraphProto:
        return helper.make_graph(
            [_node(op, ["x"], ["o"], f"/inner/{op}")],
            op,
            [],
            [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 3])],
        )

    nodes = [
        _node("ReduceSum", ["x"], ["s"], "/gate/sum", keepdims=0),
        _node("Greater", ["s", "zero"], ["cond"], "/gate/gt"),
        _node("If", ["cond"], ["y"], "/block/if", then_branch=branch("Relu"), else_branch=branch("Neg")),
    ]
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    p = payload_of(modelviz.graph(_model(nodes, [zero])))
    paths = group_paths(p)
    assert {"block.if.then_branch.inner", "block.if.else_branch.inner"} <= set(paths)
    nm = names(p)
    src, dst = col(p, "edges", "src"), col(p, "edges", "dst")
    pairs = {(nm[s], nm[d]) for s, d in zip(src, dst, strict=True)}
    assert ("x", "/inner/Relu") in pairs and ("/inner/Relu", "/block/if") in pairs


# -- display --


def test_formatter_never_raises() -> None:
    bundle = _model_bundle(gm.data_dependent())
    assert bundle is not None and problems("graph", bundle[MIME]) == []

    class Broken(torch.nn.Module):
        def named_modules(self, *a: Any, **k: Any) -> Any:
            raise RuntimeError("boom")

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    bundle = _model_bundle(Broken())
    assert bundle is not None and problems("graph", bundle[MIME]) == []
    assert "boom" in json.dumps(bundle[MIME]["messages"])
    assert _model_bundle(keras_functional()) is not None
    with pytest.raises(TypeError, match=r"expects a torch nn\.Module"):
        modelviz.graph(42)
