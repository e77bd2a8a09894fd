"""Shapes of an fx graph without running it: every node interpreted on meta tensors (shapes, strides and dtypes, no
storage, no arithmetic), the result's metadata in ``node.meta["tensor_meta"]`` as torch's ShapeProp records it.

- The common layers and operators (convolution, linear, pooling, batch / layer norm, activations, same-shape
  arithmetic, flatten) are sized by their shape formula, after the checks their kernels make.
- Everything else runs on meta tensors: a torch-function mode and a dispatch mode hand every operator meta
  stand-ins of the tensors it is given (a parameter or buffer is seen through a stand-in, never copied or written:
  BatchNorm's running statistics in train mode would be updated on the stand-in only). The run is in eval mode under
  no_grad anyway, each module's training flag restored afterwards.

Meta tensors rather than torch's FakeTensorMode: creating a FakeTensorMode imports ``torch._dynamo`` (~1.3 s on a
2-core machine, more than a real ResNet-50 forward pass at batch 1), and so does the first operator that reaches one
of torch's Python meta kernels. With the formulas a ResNet reaches none, so a fresh kernel pays neither.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, Final

import torch
from torch import fx, nn
from torch.fx.node import map_aggregate
from torch.fx.passes.shape_prop import TensorMetadata, _extract_tensor_metadata
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_map

from ._torch_base import eval_mode

F = nn.functional


def to_meta(x: Any) -> Any:
    """A meta tensor with ``x``'s size, strides and dtype (``x`` itself when it is not a tensor or already meta)."""
    if isinstance(x, torch.Tensor) and x.device.type != "meta":
        return torch.empty_strided(x.size(), x.stride(), dtype=x.dtype, device="meta")
    return x


class _MetaFunctions(TorchFunctionMode):
    """Torch functions get meta stand-ins for their tensor arguments: C++ composites such as ``_VF.lstm`` check that
    the input and the parameters are on one device before any operator is dispatched."""

    def __torch_function__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        return func(*tree_map(to_meta, args), **tree_map(to_meta, kwargs or {}))


class _MetaDispatch(TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Operators get meta stand-ins for their tensor arguments (tensors made inside a Python composite, e.g. a
    ``torch.zeros`` without a device, meet the meta inputs here)."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # True (torch's default) wraps __torch_dispatch__ in torch._dynamo.disable, which imports torch._dynamo.
        return False

    def __torch_dispatch__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        return func(*tree_map(to_meta, args), **tree_map(to_meta, kwargs or {}))


@contextmanager
def meta_mode() -> Iterator[None]:
    """Every torch function and operator run inside sees meta stand-ins of its tensors."""
    with ExitStack() as stack:
        stack.enter_context(_MetaFunctions())
        stack.enter_context(_MetaDispatch())  # type: ignore[no-untyped-call]
        yield


# Shape formulas. Each returns a meta tensor, or None when anything is unusual (the operator then runs on meta
# tensors, with its own checks and errors). Inputs must be contiguous meta tensors: the outputs are then contiguous
# as the kernels make them.


def _new(x: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    return x.new_empty(shape)


def _plain(x: Any) -> bool:
    return isinstance(x, torch.Tensor) and x.device.type == "meta" and x.is_contiguous()


def _ints(v: Any, n: int) -> list[int] | None:
    if isinstance(v, int):
        return [v] * n
    if isinstance(v, (list, tuple)) and all(isinstance(i, int) for i in v):
        items = [int(i) for i in v]
        if len(items) == 1:
            return items * n
        return items if len(items) == n else None
    return None


def _floating(x: torch.Tensor, *others: Any) -> bool:
    return x.is_floating_point() and all(
        o is None or (isinstance(o, torch.Tensor) and o.dtype == x.dtype) for o in others
    )


def conv_shape(
    x: list[int], out_channels: int, kernel: Sequence[int], stride: Any, padding: Any, dilation: Any
) -> list[int] | None:
    """A (not transposed) convolution's output size, as its shape function computes it; None when unsure."""
    d = len(x) - 2
    if len(kernel) != d or d < 1:
        return None
    strides, dilations = _ints(stride, d), _ints(dilation, d)
    if strides is None or dilations is None or min(strides) < 1 or min(dilations) < 1:
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
            pads = _ints(padding, d)
            if pads is None or pads[i] < 0:
                return None
            pad = pads[i]
        n = (size + 2 * pad - dil * (k - 1) - 1) // s + 1
        if n <= 0:
            return None
        out.append(n)
    return out


def conv_out(
    x: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any, groups: Any
) -> torch.Tensor | None:
    """A plain (not transposed) convolution of a batched input, zero padding given as numbers or "valid" / "same"."""
    if not _plain(x) or not isinstance(weight, torch.Tensor) or not isinstance(groups, int) or groups < 1:
        return None
    d = weight.dim() - 2
    if d < 1 or x.dim() != d + 2 or not _floating(x, weight, bias) or x.shape[1] != weight.shape[1] * groups:
        return None
    if weight.shape[0] % groups or (bias is not None and tuple(bias.shape) != (weight.shape[0],)):
        return None
    out = conv_shape([int(v) for v in x.shape], int(weight.shape[0]), list(weight.shape[2:]), stride, padding, dilation)
    return None if out is None else _new(x, out)


def linear_shape(x: Any, weight: Any, bias: Any = None) -> torch.Tensor | None:
    if not _plain(x) or not isinstance(weight, torch.Tensor) or weight.dim() != 2 or not _floating(x, weight, bias):
        return None
    if x.dim() < 1 or x.shape[-1] != weight.shape[1]:
        return None
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        return None
    return _new(x, [*x.shape[:-1], int(weight.shape[0])])


def pool_shape(
    x: Any, d: int, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: Any
) -> torch.Tensor | None:
    """Max / average pooling of a batched input (torch's pooling_output_shape)."""
    if not _plain(x) or x.dim() != d + 2 or not x.is_floating_point() or not isinstance(ceil_mode, bool):
        return None
    k = _ints(kernel, d)
    s = _ints(stride, d) if stride not in (None, [], ()) else k
    p, dil = _ints(padding, d), _ints(dilation, d)
    if k is None or s is None or p is None or dil is None or min(k) < 1 or min(s) < 1 or min(dil) < 1:
        return None
    out = [int(x.shape[0]), int(x.shape[1])]
    for i in range(d):
        size = int(x.shape[2 + i])
        if p[i] < 0 or 2 * p[i] > k[i]:
            return None
        span = size + 2 * p[i] - dil[i] * (k[i] - 1) - 1 + (s[i] - 1 if ceil_mode else 0)
        n = span // s[i] + 1
        if ceil_mode and (n - 1) * s[i] >= size + p[i]:
            n -= 1
        if n <= 0:
            return None
        out.append(n)
    return _new(x, out)


def adaptive_shape(x: Any, d: int, output_size: Any) -> torch.Tensor | None:
    if not _plain(x) or x.dim() != d + 2 or not x.is_floating_point() or min(x.shape[2:], default=0) <= 0:
        return None
    sizes = [output_size] * d if isinstance(output_size, int) or output_size is None else list(output_size)
    if len(sizes) == 1:
        sizes = sizes * d
    if len(sizes) != d:
        return None
    out = [int(x.shape[0]), int(x.shape[1])]
    for i, n in enumerate(sizes):
        if n is None:
            out.append(int(x.shape[2 + i]))
        elif isinstance(n, int) and n >= 0:
            out.append(n)
        else:
            return None
    return _new(x, out)


def same_shape(x: Any, *others: Any) -> torch.Tensor | None:
    """An elementwise result on floating tensors of one shape and dtype (or Python numbers): like its input."""
    if not _plain(x) or not x.is_floating_point():
        return None
    for o in others:
        if isinstance(o, torch.Tensor):
            if not _plain(o) or o.shape != x.shape or o.dtype != x.dtype:
                return None
        elif not isinstance(o, (int, float)) or isinstance(o, bool):
            return None
    return _new(x, x.shape)


def flatten_shape(x: Any, start: Any = 0, end: Any = -1) -> torch.Tensor | None:
    if not _plain(x) or not isinstance(start, int) or not isinstance(end, int):
        return None
    n = x.dim()
    if n == 0:
        return None
    a, b = start + n if start < 0 else start, end + n if end < 0 else end
    if not 0 <= a <= b < n:
        return None
    size = 1
    for v in x.shape[a : b + 1]:
        size *= int(v)
    return _new(x, [*x.shape[:a], size, *x.shape[b + 1 :]])


def batch_norm_shape(x: Any, weight: Any, bias: Any, mean: Any, var: Any) -> torch.Tensor | None:
    if not _plain(x) or x.dim() < 2 or not _floating(x, weight, bias):
        return None
    c = (int(x.shape[1]),)
    if any(
        t is not None and (not isinstance(t, torch.Tensor) or tuple(t.shape) != c) for t in (weight, bias, mean, var)
    ):
        return None
    return _new(x, x.shape)


def layer_norm_shape(x: Any, shape: Any, weight: Any, bias: Any) -> torch.Tensor | None:
    dims = _ints(shape, len(shape)) if isinstance(shape, (list, tuple)) else None
    if not _plain(x) or dims is None or not dims or x.dim() < len(dims) or not _floating(x, weight, bias):
        return None
    if list(x.shape[x.dim() - len(dims) :]) != dims:
        return None
    if any(t is not None and list(t.shape) != dims for t in (weight, bias)):
        return None
    return _new(x, x.shape)


def _conv_call(m: nn.Module, x: Any) -> torch.Tensor | None:
    if not isinstance(m, nn.modules.conv._ConvNd) or m.transposed or m.padding_mode != "zeros":
        return None
    return conv_out(x, m.weight, m.bias, m.stride, m.padding, m.dilation, m.groups)


_ACTIVATIONS: Final = (
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

# Modules sized by formula: exact types whose forward is torch's own (a subclass may do anything).
_MODULES: Final[dict[type[nn.Module], Callable[[Any, Any], torch.Tensor | None]]] = {
    nn.Conv1d: _conv_call,
    nn.Conv2d: _conv_call,
    nn.Conv3d: _conv_call,
    nn.Linear: lambda m, x: linear_shape(x, m.weight, m.bias),
    nn.BatchNorm1d: lambda m, x: (
        batch_norm_shape(x, m.weight, m.bias, m.running_mean, m.running_var) if x.dim() in (2, 3) else None
    ),
    nn.BatchNorm2d: lambda m, x: (
        batch_norm_shape(x, m.weight, m.bias, m.running_mean, m.running_var) if x.dim() == 4 else None
    ),
    nn.BatchNorm3d: lambda m, x: (
        batch_norm_shape(x, m.weight, m.bias, m.running_mean, m.running_var) if x.dim() == 5 else None
    ),
    nn.LayerNorm: lambda m, x: layer_norm_shape(x, m.normalized_shape, m.weight, m.bias),
    nn.MaxPool1d: lambda m, x: (
        None if m.return_indices else pool_shape(x, 1, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
    ),
    nn.MaxPool2d: lambda m, x: (
        None if m.return_indices else pool_shape(x, 2, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
    ),
    nn.MaxPool3d: lambda m, x: (
        None if m.return_indices else pool_shape(x, 3, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
    ),
    nn.AvgPool1d: lambda m, x: pool_shape(x, 1, m.kernel_size, m.stride, m.padding, 1, m.ceil_mode),
    nn.AvgPool2d: lambda m, x: pool_shape(x, 2, m.kernel_size, m.stride, m.padding, 1, m.ceil_mode),
    nn.AvgPool3d: lambda m, x: pool_shape(x, 3, m.kernel_size, m.stride, m.padding, 1, m.ceil_mode),
    nn.AdaptiveAvgPool1d: lambda m, x: adaptive_shape(x, 1, m.output_size),
    nn.AdaptiveAvgPool2d: lambda m, x: adaptive_shape(x, 2, m.output_size),
    nn.AdaptiveAvgPool3d: lambda m, x: adaptive_shape(x, 3, m.output_size),
    nn.AdaptiveMaxPool2d: lambda m, x: None if m.return_indices else adaptive_shape(x, 2, m.output_size),
    nn.Flatten: lambda m, x: flatten_shape(x, m.start_dim, m.end_dim),
}
for _act in _ACTIVATIONS:
    if _act is not nn.modules.dropout._DropoutNd:
        _MODULES[_act] = lambda m, x: same_shape(x)
for _drop in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout):
    _MODULES[_drop] = lambda m, x: same_shape(x)


def module_shape(m: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
    """``m(*args)`` sized by formula (eval mode), or None."""
    rule = _MODULES.get(type(m))
    if rule is None or kwargs or len(args) != 1 or m._forward_hooks or m._forward_pre_hooks:
        return None
    return rule(m, args[0])


_FUNCTIONS: Final[dict[Any, Callable[..., torch.Tensor | None]]] = {
    operator.add: same_shape,
    operator.iadd: same_shape,
    operator.sub: same_shape,
    operator.mul: same_shape,
    torch.add: same_shape,
    torch.mul: same_shape,
    torch.sub: same_shape,
    torch.relu: same_shape,
    torch.sigmoid: same_shape,
    torch.tanh: same_shape,
    F.relu: same_shape,
    F.gelu: same_shape,
    F.silu: same_shape,
    torch.flatten: flatten_shape,
}
_METHODS: Final[dict[str, Callable[..., torch.Tensor | None]]] = {
    "add": same_shape,
    "mul": same_shape,
    "sub": same_shape,
    "relu": same_shape,
    "sigmoid": same_shape,
    "tanh": same_shape,
    "flatten": flatten_shape,
}

# ATen operators (TorchScript graphs) sized by formula, keyed by name; arguments in schema order.
ATEN: Final[dict[str, Callable[..., torch.Tensor | None]]] = {
    "_convolution": lambda x, w, b, s, p, d, transposed, *rest: (
        None if transposed else conv_out(x, w, b, s, p, d, rest[1] if len(rest) > 1 else None)
    ),
    "conv1d": lambda x, w, b=None, s=1, p=0, d=1, g=1: conv_out(x, w, b, s, p, d, g),
    "conv2d": lambda x, w, b=None, s=1, p=0, d=1, g=1: conv_out(x, w, b, s, p, d, g),
    "conv3d": lambda x, w, b=None, s=1, p=0, d=1, g=1: conv_out(x, w, b, s, p, d, g),
    "linear": linear_shape,
    "batch_norm": lambda x, w, b, mean, var, training, *rest: (
        None if training else batch_norm_shape(x, w, b, mean, var)
    ),
    "layer_norm": lambda x, shape, w=None, b=None, *rest: layer_norm_shape(x, shape, w, b),
    "max_pool1d": lambda x, k, s=(), p=0, d=1, c=False: pool_shape(x, 1, k, s, p, d, c),
    "max_pool2d": lambda x, k, s=(), p=0, d=1, c=False: pool_shape(x, 2, k, s, p, d, c),
    "max_pool3d": lambda x, k, s=(), p=0, d=1, c=False: pool_shape(x, 3, k, s, p, d, c),
    "avg_pool2d": lambda x, k, s=(), p=0, c=False, *rest: pool_shape(x, 2, k, s, p, 1, c),
    "adaptive_avg_pool1d": lambda x, size: adaptive_shape(x, 1, size),
    "adaptive_avg_pool2d": lambda x, size: adaptive_shape(x, 2, size),
    "adaptive_avg_pool3d": lambda x, size: adaptive_shape(x, 3, size),
    "flatten": flatten_shape,
    "add": lambda x, y, alpha=1: same_shape(x, y),
    "add_": lambda x, y, alpha=1: same_shape(x, y),
    "sub": lambda x, y, alpha=1: same_shape(x, y),
    "mul": same_shape,
    "mul_": same_shape,
    "relu": same_shape,
    "relu_": same_shape,
    "sigmoid": same_shape,
    "tanh": same_shape,
    "hardswish": same_shape,
    "hardswish_": same_shape,
    "silu": same_shape,
    "silu_": same_shape,
    "gelu": lambda x, approximate="none": same_shape(x),
    "dropout": lambda x, p, train: None if train else same_shape(x),
    "dropout_": lambda x, p, train: None if train else same_shape(x),
}


def aten_shape(name: str, args: list[Any]) -> torch.Tensor | None:
    """The result of ATen operator ``name`` (no namespace) on ``args`` sized by formula, or None."""
    rule = ATEN.get(name)
    if rule is None:
        return None
    try:
        return rule(*args)
    except TypeError:  # another overload's arguments
        return None


_FORMATS: Final = (torch.contiguous_format, torch.channels_last, torch.channels_last_3d)


def tensor_metadata(t: torch.Tensor) -> TensorMetadata:
    """ShapeProp's ``TensorMetadata`` of a dense tensor, read from the tensor's own contiguity flags (torch's
    ``_extract_tensor_metadata`` asks its Python prims, whose first use imports sympy: ~0.35 s)."""
    if t.is_quantized or t.layout != torch.strided:
        return _extract_tensor_metadata(t)
    fmt = next((f for f in _FORMATS if t.is_contiguous(memory_format=f)), None)
    return TensorMetadata(t.shape, t.dtype, t.requires_grad, t.stride(), fmt, False, {})


class _MetaProp(fx.Interpreter):
    def __init__(self, gm: fx.GraphModule) -> None:
        super().__init__(gm, garbage_collect_values=True)

    def _formula(self, n: fx.Node, args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.Tensor | None:
        if n.op == "call_module":
            m = self.fetch_attr(str(n.target))
            return module_shape(m, args, kwargs) if isinstance(m, nn.Module) else None
        if kwargs:
            return None
        if n.op == "call_function":
            rule = _FUNCTIONS.get(n.target)
        elif n.op == "call_method":
            rule = _METHODS.get(str(n.target))
        else:
            return None
        try:
            return rule(*args) if rule is not None else None
        except TypeError:
            return None

    def run_node(self, n: fx.Node) -> Any:
        result: Any = None
        if n.op in ("call_module", "call_function", "call_method"):
            args, kwargs = self.fetch_args_kwargs_from_env(n)
            result = self._formula(n, args, kwargs)
        if result is None:
            with meta_mode():
                result = super().run_node(n)
        found = False

        def meta(obj: Any) -> Any:
            nonlocal found
            if isinstance(obj, torch.Tensor):
                found = True
                return tensor_metadata(obj)
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
    (by placeholder name), on meta tensors. Raises when an operation cannot run on meta tensors (a data-dependent
    output, an op without a meta kernel): the caller can then fall back to a real run."""
    values = list(args)
    if kwargs:
        names = [str(n.target) for n in gm.graph.nodes if n.op == "placeholder"]
        for name in names[len(values) :]:
            if name not in kwargs:
                raise TypeError(f"no example input for the argument {name!r}")
            values.append(kwargs[name])
    meta_values = [map_aggregate(v, to_meta) for v in values]
    with eval_mode(gm):
        _MetaProp(gm).run(*meta_values)
