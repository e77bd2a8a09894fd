"""The ONNX files of the browser graph benchmark, written once into .cache/bench/graph/ (git-ignored).

- ``resnet50.onnx`` and ``transformer.onnx``: tests/python/graph_models.py's ResNet-50 and TransformerEncoder, exported
  with torch.onnx.export (graph_models.to_onnx), as a user would hand them to Netron.
- ``layers-<n>.onnx``: a generated graph of exactly n ops named the way exporters name them, ``/layers.<L>/<Op>_<k>``,
  500 ops per layer, so that a collapsed view shows n / 500 layer groups and expanding one shows ~500 nodes. Inside a
  layer the ops repeat a diamond (MatMul -> Add -> Relu beside a second MatMul, joined by an Add), and a residual Add
  closes every 5 diamonds (an edge across 26 ops, as around attention or an MLP block), so edges branch, merge and
  skip as in real models rather than forming a single chain.
Both viewers open the same file: Netron reads the .onnx, modelviz.graph() reads the same file's ModelProto.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

LAYER_OPS = 500
RESIDUAL_UNITS = 5
WIDTH = 8


def layered(n_nodes: int, layer_ops: int = LAYER_OPS, width: int = WIDTH) -> Any:
    """A ModelProto of exactly ``n_nodes`` ops in layers of ``layer_ops`` ops (see the module docstring)."""
    import numpy as np
    from onnx import TensorProto, checker, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes: list[Any] = []
    inits: list[Any] = []
    weights: dict[int, tuple[str, str, str]] = {}

    def layer_weights(layer: int) -> tuple[str, str, str]:
        if layer not in weights:
            names = (f"/layers.{layer}/W", f"/layers.{layer}/W2", f"/layers.{layer}/bias")
            for name, shape in zip(names, ((width, width), (width, width), (width,)), strict=True):
                inits.append(numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name))
            weights[layer] = names
        return weights[layer]

    def op(kind: str, inputs: list[str]) -> str:
        k = len(nodes)
        out = f"t{k}"
        nodes.append(helper.make_node(kind, inputs, [out], name=f"/layers.{k // layer_ops}/{kind}_{k}"))
        return out

    prev = skip = "x"
    units = 0
    while len(nodes) < n_nodes:
        if units and units % RESIDUAL_UNITS == 0:
            # the residual Add around the last RESIDUAL_UNITS diamonds (a long edge, as around attention or an MLP)
            prev = skip = op("Add", [prev, skip])
        w, w2, b = layer_weights(len(nodes) // layer_ops)
        # one diamond (MatMul, Add, Relu | MatMul, then Add of both branches), cut short when the budget runs out
        outs: list[str] = []
        for kind in ("MatMul", "Add", "Relu", "MatMul", "Add"):
            if len(nodes) >= n_nodes:
                break
            inputs = {0: [prev, w], 1: [outs[-1], b] if outs else [], 2: outs[-1:], 3: [prev, w2], 4: outs[2:4]}
            outs.append(op(kind, inputs[len(outs)]))
        prev = outs[-1] if outs else prev
        units += 1
    graph = helper.make_graph(
        nodes,
        f"layers-{n_nodes}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, width])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="modelviz-bench")
    checker.check_model(model)
    return model


def onnx_file(name: str, cache: Path) -> Path:
    """The cached .onnx file for ``name`` ("resnet50", "transformer" or "layers-<n>"), written on first use."""
    path = cache / f"{name}.onnx"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    if name.startswith("layers-"):
        data = layered(int(name.split("-", 1)[1])).SerializeToString()
    else:
        import torch

        graph_models = importlib.import_module("tests.python.graph_models")
        if name == "resnet50":
            model, inputs = graph_models.resnet50(), (torch.randn(1, 3, 224, 224),)
        elif name == "transformer":
            model, inputs = graph_models.transformer(), (torch.randint(0, 100, (1, 16)),)
        else:
            raise ValueError(f"unknown benchmark model {name!r}")
        data = graph_models.to_onnx(model, inputs)
    tmp = path.with_suffix(".partial")
    tmp.write_bytes(data)
    tmp.rename(path)
    return path
