"""Leave the user's model exactly as it was: mode of every submodule, ``requires_grad`` and ``.grad`` of every
parameter, buffers (eval mode keeps BatchNorm's running statistics), and no hook left behind, also when the model's
forward raises. The device never changes (inputs go to the model's device instead)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def preserved(model: Any, train: bool = False) -> Iterator[list[Any]]:
    """Within the block the model is in eval mode (or train mode if ``train``) with every parameter requiring no
    grad; yields a list where the caller puts the hook handles it adds (all removed on exit)."""
    modes = [(m, m.training) for m in model.modules()]
    params = list(model.parameters())
    flags = [p.requires_grad for p in params]
    grads = [p.grad for p in params]
    handles: list[Any] = []
    try:
        model.train(train)
        for p in params:
            p.requires_grad_(False)
        yield handles
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            m.training = mode
        for p, flag, g in zip(params, flags, grads, strict=True):
            p.requires_grad_(flag)
            p.grad = g


def device_of(model: Any) -> Any:
    """The device of the model's first parameter or buffer (CPU for a model without either)."""
    import torch

    for t in model.parameters():
        return t.device
    for t in model.buffers():
        return t.device
    return torch.device("cpu")
