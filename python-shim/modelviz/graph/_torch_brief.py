"""A node's key attributes in a few characters, drawn inside it: Conv "3x3/2", Linear "768→3072", Embedding
"50257x768", norms "768", attention "heads 12", pooling "3x3/2", dropout "p=0.1" (sizes joined by a multiplication
sign).

From a module (fx leaf calls, hooks) or from an operator's arguments (ATen ops of torch.export, functional calls
in fx), the weight's shape coming from the graph's tensor metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from ._brief import TIMES, window
from ._brief import dims as _dims
from ._brief import fit as _fit
from ._brief import ints as _ints

ShapeOf = Callable[[Any], "list[int] | None"]


def _p(p: Any) -> str | None:
    return f"p={p:g}" if isinstance(p, (int, float)) and not isinstance(p, bool) and p > 0 else None


def module_brief(m: nn.Module) -> str | None:
    try:
        return _fit(_module_brief(m))
    except Exception:  # an odd module must not break the graph
        return None


def _module_brief(m: nn.Module) -> str | None:
    if isinstance(m, nn.modules.conv._ConvNd):
        return window(m.kernel_size, m.stride, m.groups, m.dilation)
    if isinstance(m, nn.Linear):
        return f"{m.in_features}→{m.out_features}"
    if isinstance(m, nn.Bilinear):
        return f"{m.in1_features},{m.in2_features}→{m.out_features}"
    if isinstance(m, (nn.Embedding, nn.EmbeddingBag)):
        return f"{m.num_embeddings}{TIMES}{m.embedding_dim}"
    if isinstance(m, nn.MultiheadAttention):
        return f"heads {m.num_heads}"
    if isinstance(m, nn.modules.rnn.RNNBase):
        text = f"{m.input_size}→{m.hidden_size}"
        if m.num_layers > 1:
            text += f" {TIMES}{m.num_layers}"
        return text + (" bi" if m.bidirectional else "")
    if isinstance(m, nn.modules.dropout._DropoutNd):
        return _p(m.p)
    if isinstance(m, nn.GroupNorm):
        return f"{m.num_channels} g{m.num_groups}"
    if isinstance(m, nn.modules.batchnorm._NormBase):
        return str(m.num_features)
    if isinstance(m, (nn.LayerNorm, getattr(nn, "RMSNorm", nn.LayerNorm))):
        shape = _ints(vars(m).get("normalized_shape"))
        return _dims(shape) if shape else None
    if isinstance(m, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        return window(m.kernel_size, m.stride)
    if isinstance(m, (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)) or isinstance(
        m, (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)
    ):
        out = _ints(m.output_size)
        return "→" + _dims(out) if out else None
    # Hugging Face: Conv1D (GPT2's linear with a transposed weight), RMSNorm-style norms with one weight vector.
    nf, nx = vars(m).get("nf"), vars(m).get("nx")
    if isinstance(nf, int) and isinstance(nx, int):
        return f"{nx}→{nf}"
    weight = m._parameters.get("weight")
    if type(m).__name__.endswith("Norm") and isinstance(weight, torch.Tensor) and weight.dim() == 1:
        return str(weight.shape[0])
    return None


def op_brief(name: str, args: Sequence[Any], kwargs: dict[str, Any], shape_of: ShapeOf) -> str | None:
    """From an operator's arguments: ``name`` is the bare op name (``convolution``, ``linear``, ``conv2d``…),
    ``shape_of`` gives the shape of a graph node argument (None if unknown)."""
    try:
        return _fit(_op_brief(name, args, kwargs, shape_of))
    except Exception:
        return None


def _arg(args: Sequence[Any], kwargs: dict[str, Any], i: int, key: str) -> Any:
    if key in kwargs:
        return kwargs[key]
    return args[i] if len(args) > i else None


def _op_brief(name: str, args: Sequence[Any], kwargs: dict[str, Any], shape_of: ShapeOf) -> str | None:
    name = name.lstrip("_").removesuffix("_")
    if name in ("convolution", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d"):
        w = shape_of(_arg(args, kwargs, 1, "weight"))
        if not w or len(w) < 3:
            return None
        stride = _arg(args, kwargs, 3, "stride")
        if name == "convolution":
            groups, dilation = _arg(args, kwargs, 8, "groups"), _arg(args, kwargs, 5, "dilation")
        elif name.startswith("conv_transpose"):
            groups, dilation = _arg(args, kwargs, 6, "groups"), _arg(args, kwargs, 7, "dilation")
        else:
            groups, dilation = _arg(args, kwargs, 6, "groups"), _arg(args, kwargs, 5, "dilation")
        return window(w[2:], stride if stride is not None else 1, groups if isinstance(groups, int) else 1, dilation)
    if name == "linear":
        w = shape_of(_arg(args, kwargs, 1, "weight"))
        return f"{w[1]}→{w[0]}" if w and len(w) == 2 else None
    if name == "addmm":  # bias + x @ w, w stored (in, out): GPT2's Conv1D
        w = shape_of(_arg(args, kwargs, 2, "mat2"))
        return f"{w[0]}→{w[1]}" if w and len(w) == 2 else None
    if name == "embedding":
        w = shape_of(_arg(args, kwargs, 0, "weight"))
        if w and len(w) == 2:
            return f"{w[0]}{TIMES}{w[1]}"
        w = shape_of(_arg(args, kwargs, 1, "weight"))  # F.embedding(input, weight)
        return f"{w[0]}{TIMES}{w[1]}" if w and len(w) == 2 else None
    if name in ("layer_norm", "rms_norm"):
        shape = _ints(_arg(args, kwargs, 1, "normalized_shape"))
        return _dims(shape) if shape else None
    if name in ("batch_norm", "native_batch_norm", "native_batch_norm_legit_no_training", "native_batch_norm_legit"):
        w = shape_of(_arg(args, kwargs, 1, "weight"))
        return str(w[0]) if w and len(w) == 1 else None
    if name == "group_norm":
        groups = _arg(args, kwargs, 1, "num_groups")
        x = shape_of(_arg(args, kwargs, 0, "input"))
        return f"{x[1]} g{groups}" if x and len(x) > 1 and isinstance(groups, int) else None
    if name in ("scaled_dot_product_attention", "scaled_dot_product_flash_attention"):
        q = shape_of(_arg(args, kwargs, 0, "query"))
        return f"heads {q[-3]}" if q and len(q) == 4 else None
    if name in ("dropout", "native_dropout", "feature_dropout", "dropout1d", "dropout2d", "dropout3d"):
        return _p(_arg(args, kwargs, 1, "p"))
    if name in ("max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d"):
        kernel = _arg(args, kwargs, 1, "kernel_size")
        stride = _arg(args, kwargs, 2, "stride")
        return window(kernel, stride if stride not in (None, []) else kernel)
    if name.startswith("max_pool") and name.endswith("with_indices"):
        return window(_arg(args, kwargs, 1, "kernel_size"), _arg(args, kwargs, 2, "stride"))
    if name.startswith(("adaptive_avg_pool", "adaptive_max_pool")):
        out = _ints(_arg(args, kwargs, 1, "output_size"))
        return "→" + _dims(out) if out else None
    return None
