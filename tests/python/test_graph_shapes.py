"""Shape propagation on fake tensors (modelviz.graph._torch_shapes): the same shapes and dtypes as torch's ShapeProp
(a real run), the model untouched, and a failure raised so that the caller can fall back to the real run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from modelviz._tensor import decode
from modelviz.graph._builder import weight_stats
from modelviz.graph._torch_fx import trace
from modelviz.graph._torch_shapes import aten_shape, propagate_shapes, to_meta
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp

from . import graph_models as gm


def _metas(g: fx.GraphModule) -> dict[str, Any]:
    def flat(m: Any) -> Any:
        if m is None:
            return None
        if hasattr(m, "shape") and hasattr(m, "dtype"):
            return (tuple(int(d) for d in m.shape), m.dtype, tuple(m.stride), m.memory_format)
        if isinstance(m, (list, tuple)):
            return tuple(flat(x) for x in m)
        if isinstance(m, dict):
            return {k: flat(v) for k, v in m.items()}
        return m

    return {n.name: flat(n.meta.get("tensor_meta")) for n in g.graph.nodes}


def _state(model: nn.Module) -> tuple[dict[str, torch.Tensor], list[bool]]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}, [m.training for m in model.modules()]


def _same_state(model: nn.Module, before: tuple[dict[str, torch.Tensor], list[bool]]) -> bool:
    tensors, modes = before
    now = model.state_dict()
    return (
        set(now) == set(tensors)
        and all(torch.equal(now[k], v) for k, v in tensors.items())
        and [m.training for m in model.modules()] == modes
    )


CASES: list[tuple[str, Callable[[], Any], Callable[[], torch.Tensor]]] = [
    ("resnet50", gm.resnet50, lambda: torch.randn(2, 3, 64, 64)),
    ("transformer", gm.transformer, lambda: torch.randint(0, 100, (2, 7))),
    ("lstm_tagger", gm.lstm_tagger, lambda: torch.randint(0, 50, (3, 5))),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_same_shapes_as_shapeprop_model_untouched(case: tuple[str, Callable[[], Any], Callable[[], Any]]) -> None:
    _, build, example = case
    model = build()
    model.train()  # BatchNorm in train mode would update its running statistics on a real training-mode run
    x = example()
    g, _ = trace(model)
    before = _state(model)
    propagate_shapes(g, (x,), {})
    assert _same_state(model, before)
    fake = _metas(g)
    for n in g.graph.nodes:
        n.meta.pop("tensor_meta", None)
    model.eval()
    with torch.no_grad():
        ShapeProp(g).propagate(x)
    model.train()
    real = _metas(g)
    assert fake == real
    assert sum(v is not None for v in fake.values()) >= len(fake) - 2  # all but the odd non-tensor node


def test_keyword_inputs_by_placeholder_name() -> None:
    class Two(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(4, 3)

        def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return self.lin(x) + y

    g = fx.symbolic_trace(Two())
    propagate_shapes(g, (torch.randn(2, 4),), {"y": torch.randn(2, 3)})
    out = next(n for n in g.graph.nodes if n.op == "output")
    assert tuple(out.meta["tensor_meta"].shape) == (2, 3)


def test_shortcut_checks_like_the_kernel() -> None:
    """A BatchNorm given the wrong channel count fails as the real run would (the shortcut does not hide it)."""
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(4))
    g = fx.symbolic_trace(model)
    with pytest.raises(RuntimeError):
        propagate_shapes(g, (torch.randn(1, 3, 8, 8),), {})


def test_failure_raises() -> None:
    """A data-dependent output (nonzero) has no shape without the data: raise, the caller falls back."""

    class Picky(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.nonzero(x).float().sum(0)

    g = fx.symbolic_trace(Picky())
    with pytest.raises(RuntimeError):
        propagate_shapes(g, (torch.randn(4, 4),), {})
    with pytest.raises(RuntimeError):  # a missing input
        propagate_shapes(fx.symbolic_trace(nn.Bilinear(2, 2, 2)), (torch.randn(1, 2),), {})


@pytest.mark.parametrize(
    "layer,shape",
    [
        (nn.Conv2d(3, 5, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), (2, 3, 11, 9)),
        (nn.Conv1d(4, 6, 5, stride=3, padding="valid"), (2, 4, 17)),
        (nn.Conv2d(3, 4, 3, padding="same"), (1, 3, 7, 7)),
        (nn.Conv3d(2, 3, 2, stride=2), (1, 2, 5, 6, 7)),
        (nn.Conv2d(3, 4, 3, groups=1, padding_mode="reflect", padding=1), (1, 3, 6, 6)),
        (nn.Linear(6, 3), (2, 4, 6)),
    ],
)
def test_computed_layer_shapes_match_the_kernels(layer: nn.Module, shape: tuple[int, ...]) -> None:
    g = fx.symbolic_trace(nn.Sequential(layer))
    x = torch.randn(*shape)
    propagate_shapes(g, (x,), {})
    out = next(n for n in g.graph.nodes if n.op == "output").meta["tensor_meta"]
    real = layer(x)
    assert (tuple(out.shape), out.dtype, tuple(out.stride)) == (tuple(real.shape), real.dtype, real.stride())


@pytest.mark.parametrize(
    "layer,shape",
    [
        (nn.MaxPool2d(3, stride=2, padding=1), (2, 4, 15, 16)),
        (nn.MaxPool2d(3, stride=2, ceil_mode=True), (1, 2, 10, 11)),
        (nn.MaxPool1d(2, dilation=2), (1, 2, 9)),
        (nn.AvgPool2d(2, ceil_mode=True, padding=1), (1, 3, 7, 6)),
        (nn.AdaptiveAvgPool2d((None, 3)), (2, 5, 9, 8)),
        (nn.AdaptiveAvgPool2d(1), (1, 2048, 7, 7)),
        (nn.Flatten(), (3, 2, 4, 5)),
        (nn.LayerNorm(6), (2, 3, 6)),
        (nn.BatchNorm1d(4), (5, 4, 3)),
        (nn.Dropout(0.5), (2, 3)),
        (nn.GELU(), (2, 3)),
    ],
)
def test_formula_modules_match_the_kernels(layer: nn.Module, shape: tuple[int, ...]) -> None:
    g = fx.symbolic_trace(nn.Sequential(layer))
    x = torch.randn(*shape)
    propagate_shapes(g, (x,), {})
    out = next(n for n in g.graph.nodes if n.op == "output").meta["tensor_meta"]
    layer.eval()
    real = layer(x)
    assert (tuple(out.shape), out.dtype, tuple(out.stride)) == (tuple(real.shape), real.dtype, real.stride())


def test_aten_formulas_match_the_kernels() -> None:
    """TorchScript graphs call ATen operators with their schema's arguments: each formula against the real op."""
    x = torch.randn(2, 3, 9, 10)
    w, b = torch.randn(4, 3, 3, 3), torch.randn(4)
    cases: list[tuple[str, list[Any]]] = [
        ("_convolution", [x, w, b, [2, 1], [1, 0], [1, 1], False, [0, 0], 1, False, False, True, True]),
        ("conv2d", [x, w, None, [1, 1], "same", [1, 1], 1]),
        ("linear", [torch.randn(5, 7), torch.randn(3, 7), None]),
        ("max_pool2d", [x, [3, 3], [2, 2], [1, 1], [1, 1], True]),
        ("adaptive_avg_pool2d", [x, [1, 1]]),
        ("flatten", [x, 1, -1]),
        ("add", [x, x]),
        ("relu_", [x.clone()]),
        ("batch_norm", [x, None, None, torch.zeros(3), torch.ones(3), False, 0.1, 1e-5, True]),
    ]
    for name, args in cases:
        real = getattr(torch.ops.aten, name)(*args)
        meta = aten_shape(name, [to_meta(a) for a in args])
        assert meta is not None, name
        assert (tuple(meta.shape), meta.dtype, meta.stride()) == (tuple(real.shape), real.dtype, real.stride()), name
    # Unusual arguments are left to the operator: a transposed convolution, batch norm in training mode.
    assert aten_shape("_convolution", [to_meta(a) for a in cases[0][1][:6]] + [True, [0, 0], 1]) is None
    assert aten_shape("batch_norm", [to_meta(x), None, None, None, None, True, 0.1, 1e-5, True]) is None


def test_buffers_written_in_forward_stay_put() -> None:
    """An in-place write to a buffer lands on its meta stand-in (the formula does not apply: the op runs)."""

    class Counting(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("seen", torch.zeros(3))
            self.lin = nn.Linear(3, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.seen.add_(x.sum(0))
            return self.lin(x) + torch.zeros(3)  # a CPU tensor made inside forward meets the meta input

    model = Counting()
    g = fx.symbolic_trace(model)
    before = _state(model)
    propagate_shapes(g, (torch.randn(4, 3),), {})
    assert _same_state(model, before)
    out = next(n for n in g.graph.nodes if n.op == "output").meta["tensor_meta"]
    assert tuple(out.shape) == (4, 3)


def test_fresh_process_imports_neither_dynamo_nor_sympy() -> None:
    """The first graph in a fresh kernel: FakeTensorMode or a Python meta kernel would import torch._dynamo (~1.3 s
    here) and torch's metadata helper sympy (~0.35 s); a ResNet's shapes come from formulas and need neither."""
    code = (
        "import sys, torch\n"
        "from tests.python import graph_models as gm\n"
        "from modelviz.graph._torch_fx import trace\n"
        "from modelviz.graph._torch_shapes import propagate_shapes\n"
        "g, _ = trace(gm.resnet50())\n"
        "propagate_shapes(g, (torch.randn(1, 3, 64, 64),), {})\n"
        "out = [n for n in g.graph.nodes if n.op == 'output'][0].meta['tensor_meta']\n"
        "assert tuple(out.shape) == (1, 1000), out\n"
        "print(sorted(m for m in ('torch._dynamo', 'sympy') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "python-shim"), str(root)])}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_weight_stats_agree_with_float64() -> None:
    """Statistics summed in float32 (numpy's pairwise sums) agree with a float64 computation."""
    rng = np.random.default_rng(0)
    for values in (
        rng.normal(0.5, 0.02, 3_000_000).astype(np.float32),
        rng.normal(0, 1, 1000).astype(np.float16),
        rng.integers(-5, 5, 5000).astype(np.int8),
        np.concatenate([np.zeros(10, np.float32), rng.normal(size=90).astype(np.float32), [np.nan, np.inf]]),
    ):
        s = weight_stats(values)
        ref = values.astype(np.float64)
        ref = ref[np.isfinite(ref)]
        assert s["count"] == values.size
        assert s["mean"] == pytest.approx(ref.mean(), rel=1e-5, abs=1e-6)
        assert s["std"] == pytest.approx(ref.std(), rel=1e-5)
        assert (s["min"], s["max"]) == (ref.min(), ref.max())
        assert s["zeros"] == pytest.approx(np.count_nonzero(values == 0) / values.size)
        counts = decode(s["histogram"]["counts"])
        edges = decode(s["histogram"]["edges"]).astype(np.float64)
        assert counts.sum() == ref.size
        ref_counts, _ = np.histogram(ref, bins=edges)
        assert np.abs(counts - ref_counts).sum() <= 0.0001 * ref.size + 2  # only values on a bin edge may move
