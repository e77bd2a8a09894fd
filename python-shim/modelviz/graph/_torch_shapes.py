"""Shapes of an fx graph without running it: every node interpreted on fake tensors (shapes and dtypes only, no
storage, no arithmetic), the result's metadata in ``node.meta["tensor_meta"]`` as torch's ShapeProp records it.

The model is left alone: parameters and buffers are seen through fake copies made on first use (no data copied),
so an in-place update (BatchNorm's running statistics in train mode) lands on the fake copy; the run is in eval mode
under no_grad anyway, each module's training flag restored afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import torch
from torch import fx, nn
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.fx.node import map_aggregate
from torch.fx.passes.shape_prop import _extract_tensor_metadata

from ._torch_base import eval_mode

# Modules whose output is a new tensor like their one input (same shape, dtype, strides): their result is made with
# one ``empty_like`` instead of interpreting their kernels on fake tensors (a BatchNorm decomposes into ~20 ops).
_ELEMENTWISE: Final = (
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.GELU,
    nn.SiLU,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Mish,
    nn.ELU,
    nn.Identity,
    nn.modules.dropout._DropoutNd,
)


def _like_input(m: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether ``m(*args)`` (eval mode) is a tensor like its only argument, checked as its kernel would."""
    if kwargs or len(args) != 1 or not isinstance(args[0], torch.Tensor):
        return False
    x = args[0]
    if type(m) in _ELEMENTWISE or isinstance(m, nn.modules.dropout._DropoutNd):
        return x.is_floating_point()
    weight = m._parameters.get("weight")
    if weight is not None and weight.dtype != x.dtype:
        return False
    if isinstance(m, nn.modules.batchnorm._BatchNorm) and type(m).forward is nn.modules.batchnorm._BatchNorm.forward:
        dims = {nn.BatchNorm1d: (2, 3), nn.BatchNorm2d: (4,), nn.BatchNorm3d: (5,)}.get(type(m))
        return dims is not None and x.dim() in dims and x.shape[1] == m.num_features and x.is_floating_point()
    if type(m) is nn.LayerNorm:
        shape = tuple(m.normalized_shape)
        return x.is_floating_point() and x.dim() >= len(shape) and tuple(x.shape[x.dim() - len(shape) :]) == shape
    return False


_CONVS: Final[dict[type[nn.Module], int]] = {nn.Conv1d: 1, nn.Conv2d: 2, nn.Conv3d: 3}


def _shape_of_call(m: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[int] | None:
    """The output size of a plain convolution or linear layer on a contiguous input of its dtype, computed as its
    kernel's shape function does (None when anything is unusual: the op then runs on fake tensors)."""
    if kwargs or len(args) != 1 or not isinstance(args[0], torch.Tensor):
        return None
    x = args[0]
    weight = m._parameters.get("weight")
    if weight is None or weight.dtype != x.dtype or not x.is_contiguous() or not x.is_floating_point():
        return None
    if type(m) is nn.Linear:
        if x.dim() < 1 or x.shape[-1] != m.in_features:
            return None
        return [*x.shape[:-1], m.out_features]
    d = _CONVS.get(type(m))
    if d is None or not isinstance(m, nn.modules.conv._ConvNd) or m.padding_mode != "zeros":
        return None
    if x.dim() != d + 2 or x.shape[1] != m.in_channels:
        return None
    return conv_shape(list(x.shape), m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation)


def conv_shape(
    x: list[int], out_channels: int, kernel: Sequence[int], stride: Any, padding: Any, dilation: Any
) -> list[int] | None:
    """A (not transposed) convolution's output size, as its shape function computes it; None when unsure."""
    d = len(x) - 2
    if len(kernel) != d:
        return None

    def per_dim(v: Any) -> list[int] | None:
        if isinstance(v, int):
            return [v] * d
        if isinstance(v, (list, tuple)) and all(isinstance(i, int) for i in v):
            return [int(i) for i in v] * d if len(v) == 1 else [int(i) for i in v]
        return None

    strides, dilations = per_dim(stride), per_dim(dilation)
    if strides is None or dilations is None or len(strides) != d or len(dilations) != d:
        return None
    out = [int(x[0]), int(out_channels)]
    for i in range(d):
        size, k, s, dil = int(x[2 + i]), int(kernel[i]), strides[i], dilations[i]
        if isinstance(padding, str):
            if padding == "same" and s == 1:
                out.append(size)
                continue
            if padding != "valid":
                return None
            pad = 0
        else:
            pads = per_dim(padding)
            if pads is None or len(pads) != d:
                return None
            pad = pads[i]
        n = (size + 2 * pad - dil * (k - 1) - 1) // s + 1
        if n <= 0 or s <= 0:
            return None
        out.append(n)
    return out


class _FakeProp(fx.Interpreter):
    def __init__(self, gm: fx.GraphModule, mode: FakeTensorMode) -> None:
        super().__init__(gm, garbage_collect_values=True)
        self.mode = mode

    def call_module(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        m = self.fetch_attr(str(target))
        if isinstance(m, nn.Module) and _like_input(m, args, kwargs):
            return torch.empty_like(args[0])
        if isinstance(m, nn.Module):
            shape = _shape_of_call(m, args, kwargs)
            if shape is not None:
                return args[0].new_empty(shape)
        return super().call_module(target, args, kwargs)

    def run_node(self, n: fx.Node) -> Any:
        with self.mode:
            result = super().run_node(n)
        found = False

        def meta(obj: Any) -> Any:
            nonlocal found
            if isinstance(obj, torch.Tensor):
                found = True
                return _extract_tensor_metadata(obj)
            return obj

        value = map_aggregate(result, meta)
        if found:
            n.meta["tensor_meta"] = value
        else:
            n.meta.pop("tensor_meta", None)
        n.meta["type"] = type(result)
        return result


def propagate_shapes(gm: fx.GraphModule, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Set ``node.meta["tensor_meta"]`` (a ``TensorMetadata``, or nested tuples / lists of them for several outputs)
    on every node that produces tensors, from ``args`` (the example inputs in placeholder order) and ``kwargs``
    (by placeholder name), on fake tensors. Raises when an operation cannot run on fake tensors (a data-dependent
    output, an op without a fake kernel): the caller can then fall back to a real run."""
    mode = FakeTensorMode(allow_non_fake_inputs=True)
    values = list(args)
    if kwargs:
        names = [str(n.target) for n in gm.graph.nodes if n.op == "placeholder"]
        for name in names[len(values) :]:
            if name not in kwargs:
                raise TypeError(f"no example input for the argument {name!r}")
            values.append(kwargs[name])

    def fake(v: Any) -> Any:
        return mode.from_tensor(v) if isinstance(v, torch.Tensor) else v

    fake_values = [map_aggregate(v, fake) for v in values]
    with eval_mode(gm):
        _FakeProp(gm, mode).run(*fake_values)
