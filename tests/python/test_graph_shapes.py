"""Shape propagation on fake tensors (modelviz.graph._torch_shapes): the same shapes and dtypes as torch's ShapeProp
(a real run), the model untouched, and a failure raised so that the caller can fall back to the real run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from modelviz.graph._torch_fx import trace
from modelviz.graph._torch_shapes import propagate_shapes
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp

from . import graph_models as gm


def _metas(g: fx.GraphModule) -> dict[str, Any]:
    def flat(m: Any) -> Any:
        if m is None:
            return None
        if hasattr(m, "shape") and hasattr(m, "dtype"):
            return (tuple(int(d) for d in m.shape), m.dtype, tuple(m.stride))
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
