"""TorchScript models (torch.jit.trace and torch.jit.script) drawn from their own inlined graphs: connected from
their inputs, shapes on the edges, module groups, exact parameter counts, plumbing folded, the model untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import modelviz
import numpy as np
import pytest
import torch
from torch import nn

from . import graph_models as gm
from .test_graph import col, group_paths, names, ops, payload_of

# torch 2.13 deprecates TorchScript; users still hand us scripted and traced models.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning"),
]


class ScriptedCNN(nn.Module):
    """Control flow on sizes and values, a loop over a ModuleList, a BatchNorm (its running stats must stay put)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.blocks = nn.ModuleList([nn.Conv2d(8, 8, 3, padding=1) for _ in range(2)])
        self.fc = nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.bn(self.conv(x)))
        for b in self.blocks:
            x = x + torch.relu(b(x))
        if x.sum() > 0:
            x = x * 2
        else:
            x = -x
        return self.fc(x.mean([2, 3]).view(x.size(0), -1))


def _state(model: nn.Module) -> tuple[dict[str, torch.Tensor], list[bool]]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}, [m.training for m in model.modules()]


def _unchanged(model: nn.Module, before: tuple[dict[str, torch.Tensor], list[bool]]) -> bool:
    tensors, modes = before
    now = model.state_dict()
    same = set(now) == set(tensors) and all(torch.equal(now[k], v) for k, v in tensors.items())
    return same and [m.training for m in model.modules()] == modes


def _fold(p: dict[str, Any]) -> np.ndarray:
    n = len(names(p))
    return col(p, "nodes", "fold") if "fold" in p["nodes"] else np.full(n, -1)


def _check_graph(p: dict[str, Any], model: nn.Module, scalars: tuple[str, ...] = ()) -> None:
    """``scalars``: inputs that are not tensors (their edges carry no shape)."""
    fold = _fold(p)
    op = ops(p)
    drawn = [i for i in range(len(op)) if fold[i] < 0]
    # Plumbing folded: no prim:: bookkeeping drawn, nothing drawn that computes no tensor.
    assert not any(op[i].startswith("prim") or op[i] in ("size", "dim", "Int", "Bool", "format") for i in drawn)
    # Connected: every drawn node is reachable from an input.
    src, dst = col(p, "edges", "src"), col(p, "edges", "dst")
    succ: dict[int, list[int]] = {}
    for s, d in zip(src.tolist(), dst.tolist(), strict=False):
        succ.setdefault(s, []).append(d)
    seen = {i for i in range(len(op)) if op[i] == "Input"}
    assert seen
    stack = list(seen)
    while stack:
        for d in succ.get(stack.pop(), ()):
            if d not in seen:
                seen.add(d)
                stack.append(d)
    assert [names(p)[i] for i in drawn if i not in seen] == []
    # Shapes on the edges between drawn nodes.
    tensor = col(p, "edges", "tensor")
    skip = {names(p).index(k) for k in scalars}
    on_drawn = [t for s, d, t in zip(src, dst, tensor, strict=True) if fold[s] < 0 and fold[d] < 0 and s not in skip]
    assert on_drawn and all(t >= 0 for t in on_drawn)
    # Exact parameter counts, each parameter counted once.
    total = sum(q.numel() for q in model.parameters())
    assert p["totals"]["params"] == total
    assert int(col(p, "nodes", "params").sum()) == total


def test_traced_resnet50() -> None:
    model = gm.resnet50().eval()
    x = torch.randn(1, 3, 224, 224)
    traced = torch.jit.trace(model, x)
    before = _state(traced)
    p = payload_of(modelviz.graph(traced, example_inputs=x))
    assert _unchanged(traced, before)
    _check_graph(p, traced)
    assert p["source"]["method"].startswith("torchscript")
    op = ops(p)
    assert op.count("_convolution") == 53 and op.count("add") == 16
    paths = set(group_paths(p))
    assert {"layer1", "layer1.0", "layer4.2.conv3"} <= paths
    gi = col(p, "nodes", "group")
    conv1 = names(p).index("layer1.0.conv2._convolution")
    assert group_paths(p)[gi[conv1]] == "layer1.0.conv2"
    brief = col(p, "nodes", "brief")
    assert p["strings"][brief[names(p).index("conv1._convolution")]] == "7\u00d77/2"
    assert p["strings"][brief[names(p).index("fc.linear")]] == "2048\u21921000"
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("fc.linear")]]["shape"] == [1, 1000]


def test_scripted_cnn_with_control_flow() -> None:
    model = torch.jit.script(ScriptedCNN())
    model.train()  # a real run in train mode would update bn's running statistics
    x = torch.randn(2, 3, 16, 16)
    before = _state(model)
    p = payload_of(modelviz.graph(model, example_inputs=x))
    assert _unchanged(model, before) and model.training
    _check_graph(p, model)
    op = ops(p)
    assert op.count("conv2d") == 3 and "linear" in op and "batch_norm" in op
    assert {"conv", "bn", "blocks.0", "fc"} <= set(group_paths(p))
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("fc.linear")]]["shape"] == [2, 4]
    brief = col(p, "nodes", "brief")
    assert p["strings"][brief[names(p).index("conv.conv2d")]] == "3\u00d73/2"


def test_traced_without_inputs_and_view_plumbing() -> None:
    """Without example inputs: the same graph, no shapes, and a message saying how to get them."""
    model = torch.jit.trace(ScriptedCNN().eval(), torch.randn(1, 3, 8, 8))
    p = payload_of(modelviz.graph(model))
    fold = _fold(p)
    op = ops(p)
    assert "size" in op and all(fold[i] >= 0 for i, o in enumerate(op) if o in ("size", "NumToTensor", "Int"))
    assert any("example_inputs" in m["text"] for m in p.get("messages", []))
    assert p["totals"]["params"] == sum(q.numel() for q in model.parameters())


class _Counter(nn.Module):
    """Writes to its own state in forward, behind a branch on a value (so shapes come from a real run)."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.register_buffer("seen", torch.zeros(1))
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.add_(1)
        self.calls = self.calls + 1
        if bool(x.sum() > 0):
            x = x * 2
        return self.lin(x)


def test_scripted_state_writes_stay_off_the_model() -> None:
    model = torch.jit.script(_Counter())
    before = _state(model)
    p = payload_of(modelviz.graph(model, example_inputs=torch.ones(2, 4)))
    assert _unchanged(model, before) and model.calls == 0
    assert "+run" in p["source"]["method"]
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("lin.linear")]]["shape"] == [2, 4]


def test_scripted_lstm_and_transformer_weights_and_branches() -> None:
    """An LSTM's weights come as a list attribute (_flat_weights); the encoder's branches that did not run on the
    example inputs are folded, so what is drawn is the path taken, connected and shaped."""
    for build, x in ((gm.lstm_tagger, torch.randint(0, 50, (3, 5))), (gm.transformer, torch.randint(0, 100, (2, 7)))):
        model = torch.jit.script(build())
        before = _state(model)
        p = payload_of(modelviz.graph(model, example_inputs=x))
        assert _unchanged(model, before)
        _check_graph(p, model)
        drawn = [o for o, f in zip(ops(p), _fold(p), strict=True) if f < 0]
        assert len(drawn) < 20, drawn
        assert any("did not take" in m["text"] for m in p.get("messages", []))


def test_convolution_sizes_match_the_kernels() -> None:
    """Convolution and linear sizes come from a formula on meta tensors: each op's output equals the real one."""
    layers = nn.Sequential(
        nn.Conv2d(3, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
        nn.Conv2d(6, 6, 3, padding="same", groups=3),
        nn.Conv2d(6, 4, 3, padding="valid", bias=False),
        nn.Flatten(2),
        nn.Conv1d(4, 5, 4, stride=3),
    ).eval()
    x = torch.randn(2, 3, 13, 11)
    layers.append(nn.Linear(layers(x).shape[-1], 7))
    real = [x]
    for m in layers:
        real.append(m(real[-1]))
    for model in (torch.jit.trace(layers, x), torch.jit.script(layers)):
        p = payload_of(modelviz.graph(model, example_inputs=x))
        assert "+meta" in p["source"]["method"]
        out = col(p, "nodes", "output")
        got = [p["tensors"][out[i]]["shape"] for i, o in enumerate(ops(p)) if o.startswith(("_convolution", "conv"))]
        got += [p["tensors"][out[i]]["shape"] for i, o in enumerate(ops(p)) if o == "linear"]
        want = [list(real[k].shape) for k in (1, 2, 3, 5, 6)]
        assert got == want


class _Keywords(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor, scale: float = 2.0, bias: torch.Tensor | None = None) -> torch.Tensor:
        y = self.lin(x) * scale
        if bias is not None:
            y = y + bias
        return y


def test_scripted_keyword_inputs_and_defaults() -> None:
    model = torch.jit.script(_Keywords())
    x = torch.randn(5, 4)
    p = payload_of(modelviz.graph(model, example_inputs={"x": x, "bias": torch.zeros(3)}))
    assert [o for o, f in zip(ops(p), _fold(p), strict=True) if f < 0].count("add") == 1
    _check_graph(p, model, scalars=("scale",))
    p = payload_of(modelviz.graph(model, example_inputs=x))  # scale and bias from their defaults
    assert "add" not in [o for o, f in zip(ops(p), _fold(p), strict=True) if f < 0]
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("lin.linear")]]["shape"] == [5, 3]
    p = payload_of(modelviz.graph(model, example_inputs={"z": x}))
    assert any(m["level"] == "warning" and "No shapes" in m["text"] for m in p["messages"])


def test_traced_in_train_mode_leaves_running_stats() -> None:
    """Traced in train mode, the graph updates BatchNorm's running statistics in place: the shape run must not."""
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5)).train()
    x = torch.randn(2, 3, 8, 8)
    traced = torch.jit.trace(model, x, check_trace=False)
    before = _state(traced)
    p = payload_of(modelviz.graph(traced, example_inputs=x))
    assert _unchanged(traced, before)
    _check_graph(p, traced)
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("1.batch_norm")]]["shape"] == [2, 4, 6, 6]


def test_real_interpretation_leaves_buffers() -> None:
    """When the fake run fails and the graph runs on real tensors, a train-mode batch_norm updates copies."""
    from modelviz.graph._torchscript_run import _Interp

    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).train()
    x = torch.randn(2, 3, 8, 8)
    traced = torch.jit.trace(model, x, check_trace=False)
    before = _state(traced)
    interp = _Interp(traced, None)
    with torch.no_grad():
        interp.run(traced.inlined_graph, [x])
    assert _unchanged(traced, before)


def test_scripted_groups_follow_the_module_calls() -> None:
    """A scripted module's operators are grouped by the module whose forward ran them, weights or not."""
    model = torch.jit.script(gm.resnet50())
    p = payload_of(modelviz.graph(model, example_inputs=torch.randn(1, 3, 64, 64)))
    _check_graph(p, model)
    paths, gi = group_paths(p), col(p, "nodes", "group")
    relus = {paths[gi[i]] for i, o in enumerate(ops(p)) if o == "relu_"}
    assert "layer1.0.relu" in relus and "relu" in relus
    assert paths[gi[names(p).index("layer2.0.downsample.0.conv2d")]] == "layer2.0.downsample.0"
    assert not any("grouped by the module whose weights" in m["text"] for m in p.get("messages", []))


def test_traced_resnet_shapes_need_no_dynamo() -> None:
    """In a fresh kernel, a traced ResNet's shapes come from meta tensors and formulas: FakeTensorMode would import
    torch._dynamo (~1.3 s here, more than the whole graph otherwise takes)."""
    code = (
        "import sys, warnings, torch, modelviz\n"
        "warnings.simplefilter('ignore')\n"
        "from tests.python import graph_models as gm\n"
        "x = torch.randn(1, 3, 64, 64)\n"
        "g = modelviz.graph(torch.jit.trace(gm.resnet50().eval(), x), example_inputs=x)\n"
        "p = g._repr_mimebundle_()['application/vnd.modelviz.graph.v1+json']\n"
        "print(p['source']['method'], 'torch._dynamo' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "python-shim"), str(root)])}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["torchscript-trace+meta", "False"]


class _SizeArithmetic(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.size(0) * x.size(1)  # traced as tensors (NumToTensor, mul), read back by aten::Int
        return self.lin(x.reshape(n, -1))


def test_size_arithmetic_stays_on_the_meta_path() -> None:
    x = torch.randn(2, 3, 6)
    traced = torch.jit.trace(_SizeArithmetic(), x)
    assert "aten::Int" in {n.kind() for n in traced.inlined_graph.nodes()}
    p = payload_of(modelviz.graph(traced, example_inputs=x))
    assert p["source"]["method"].endswith("+meta")
    out = col(p, "nodes", "output")
    assert p["tensors"][out[names(p).index("lin.linear")]]["shape"] == [6, 5]
