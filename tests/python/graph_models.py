"""Models for the graph tests and benchmark, all built in code (nothing is downloaded).

torch and onnx are imported by the builders that need them, so importing this module costs nothing.
"""

from __future__ import annotations

import io
from typing import Any


def resnet50(num_classes: int = 1000) -> Any:
    """A bottleneck ResNet-50 (stages of 3-4-6-3 blocks, widths 64-512, x4 expansion), as torchvision builds it."""
    import torch
    from torch import nn

    class Bottleneck(nn.Module):
        expansion = 4

        def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
            super().__init__()
            width = planes
            self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(planes * 4)
            self.relu = nn.ReLU(inplace=True)
            self.downsample: nn.Module | None = None
            if stride != 1 or inplanes != planes * 4:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(planes * 4)
                )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            return self.relu(out + identity)

    class ResNet50(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
            inplanes = 64
            stages = []
            for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
                layers = [Bottleneck(inplanes, planes, stride)]
                inplanes = planes * 4
                layers += [Bottleneck(inplanes, planes) for _ in range(blocks - 1)]
                stages.append(nn.Sequential(*layers))
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(2048, num_classes)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(0)
    return ResNet50()


def transformer(d_model: int = 64, heads: int = 4, layers: int = 4, vocab: int = 100) -> Any:
    """Embedding + nn.TransformerEncoder + a classifier head; ``encoder.layers.3.self_attn`` exists."""
    import torch
    from torch import nn

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab, d_model)
            layer = nn.TransformerEncoderLayer(d_model, heads, 2 * d_model, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            self.head = nn.Linear(d_model, 2)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.head(self.encoder(self.embed(tokens)).mean(dim=1))

    torch.manual_seed(0)
    return Classifier()


def lstm_tagger(vocab: int = 50, hidden: int = 32, tags: int = 5) -> Any:
    import torch
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab, 16)
            self.lstm = nn.LSTM(16, hidden, num_layers=2, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, tags)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            seq, _ = self.lstm(self.embed(tokens))
            return self.out(seq)

    torch.manual_seed(0)
    return Tagger()


def data_dependent() -> Any:
    """forward() branches on a tensor value: torch.fx cannot trace it, so is torch.export."""
    import torch
    from torch import nn

    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(8, 8)
            self.b = nn.Linear(8, 8)
            self.head = nn.Sequential(nn.ReLU(), nn.Linear(8, 3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.a(x)
            if h.sum() > 0:
                h = self.b(h)
            return self.head(h)

    torch.manual_seed(0)
    return Gate()


def to_onnx(model: Any, example_inputs: tuple[Any, ...]) -> bytes:
    """torch.onnx.export (TorchScript exporter: the dynamo one needs onnxscript's optimizer and more time)."""
    import warnings

    import torch

    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), example_inputs, f, dynamo=False, opset_version=17)
    return f.getvalue()


def onnx_chain(n_nodes: int, width: int = 8, block: int = 50) -> Any:
    """A generated ONNX graph of ``n_nodes`` ops: a chain of MatMul -> Add -> Relu blocks with a skip Add every block,
    named ``/stage{s}/block{b}/{op}_{i}`` so that exporter-style groups appear. Weights are small and shared per block.
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes = []
    inits = []
    prev = "x"
    skip = "x"
    i = 0
    while len(nodes) < n_nodes:
        b = i // block
        s = b // 20
        prefix = f"/stage{s}/block{b}"
        if i % block == 0:
            w = f"{prefix}/W"
            bias = f"{prefix}/bias"
            inits.append(numpy_helper.from_array(rng.standard_normal((width, width)).astype(np.float32), w))
            inits.append(numpy_helper.from_array(rng.standard_normal(width).astype(np.float32), bias))
            skip = prev
        kind = i % 3
        out = f"t{i}"
        if kind == 0:
            nodes.append(helper.make_node("MatMul", [prev, f"{prefix}/W"], [out], name=f"{prefix}/MatMul_{i}"))
        elif kind == 1:
            nodes.append(helper.make_node("Add", [prev, f"{prefix}/bias"], [out], name=f"{prefix}/Add_{i}"))
        elif i % block == block - 1:
            nodes.append(helper.make_node("Add", [prev, skip], [out], name=f"{prefix}/Residual_{i}"))
        else:
            nodes.append(helper.make_node("Relu", [prev], [out], name=f"{prefix}/Relu_{i}"))
        prev = out
        i += 1
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, width])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def nested_data_dependent() -> Any:
    """The root's forward and one grandchild's forward branch on tensor values; everything else is traceable."""
    import torch
    from torch import nn

    class Gate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.lin(x) if x.sum() > 0 else x

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = nn.LayerNorm(8)
            self.gate = Gate()
            self.proj = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.proj(torch.relu(self.gate(self.norm(x))))

    class Outer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
            self.block = Block()
            self.head = nn.Linear(8, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.stem(x)
            if h.mean() > 0:
                h = self.block(h)
            return self.head(h)

    torch.manual_seed(0)
    return Outer()
