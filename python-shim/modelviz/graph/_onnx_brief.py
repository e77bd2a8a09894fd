"""An ONNX node's key attributes in a few characters, drawn inside it (the same forms as the torch adapter's,
sizes joined by a multiplication sign):
Conv "3x3/2 g32", Gemm / MatMul with a weight "768→3072", Gather on an embedding table "50257x768", pooling
"3x3/2", norms "768", attention "heads 12", recurrent layers "128→256 bi".

Weights' shapes come from the initializers' dims (never their data); a value's inferred shape serves when the weight
is not an initializer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import onnx

from ._brief import dims as _dims
from ._brief import fit as _fit
from ._brief import window

# The shape of a node's i-th input (None unknown) and whether it is a weight (an initializer, maybe via Identity).
ShapeOf = Callable[[int], "list[int] | None"]
IsWeight = Callable[[int], bool]

_CONV: Final = frozenset({"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "FusedConv", "NhwcConv"})
_POOL: Final = frozenset({"MaxPool", "AveragePool", "LpPool", "QLinearAveragePool", "MaxRoiPool"})
_MATMUL: Final = frozenset({"MatMul", "MatMulInteger", "FusedMatMul", "MatMulNBits"})
_NORMS: Final = frozenset({"BatchNormalization", "InstanceNormalization", "LayerNormalization"})
_NORMS_EXTRA: Final = frozenset({"SimplifiedLayerNormalization", "SkipLayerNormalization", "RMSNormalization"})
_ATTENTION: Final = frozenset({"Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention"})
_RNN: Final = frozenset({"LSTM", "GRU", "RNN"})
# The ops that have a brief (others are not looked at).
BRIEF_OPS: Final = (
    _CONV | _POOL | _MATMUL | _NORMS | _NORMS_EXTRA | _ATTENTION | _RNN | {"Gemm", "Gather", "GroupNormalization"}
)


def _ints(attrs: dict[str, onnx.AttributeProto], name: str) -> list[int] | None:
    a = attrs.get(name)
    if a is None:
        return None
    if a.type == onnx.AttributeProto.INTS:
        return [int(v) for v in a.ints]
    if a.type == onnx.AttributeProto.INT:
        return [int(a.i)]
    return None


def _int(attrs: dict[str, onnx.AttributeProto], name: str, default: int) -> int:
    a = attrs.get(name)
    return int(a.i) if a is not None and a.type == onnx.AttributeProto.INT else default


def _known(shape: list[int] | None) -> bool:
    return bool(shape) and all(isinstance(d, int) and d > 0 for d in shape or [])


def onnx_brief(op: str, attrs: dict[str, onnx.AttributeProto], shape_of: ShapeOf, is_weight: IsWeight) -> str | None:
    try:
        return _fit(_brief(op, attrs, shape_of, is_weight))
    except Exception:  # an odd node must not break the graph
        return None


def _brief(op: str, attrs: dict[str, onnx.AttributeProto], shape_of: ShapeOf, is_weight: IsWeight) -> str | None:
    if op in _CONV:
        w_index = 3 if op == "QLinearConv" else 1
        w = shape_of(w_index)
        kernel = _ints(attrs, "kernel_shape") or (w[2:] if w and len(w) > 2 and _known(w[2:]) else None)
        return window(kernel, _ints(attrs, "strides"), _int(attrs, "group", 1))
    if op in _POOL:
        return window(_ints(attrs, "kernel_shape"), _ints(attrs, "strides"))
    if op == "Gemm" and is_weight(1):
        w = shape_of(1)
        if w and len(w) == 2 and _known(w):
            k, n = (w[1], w[0]) if _int(attrs, "transB", 0) else (w[0], w[1])
            return f"{k}→{n}"
        return None
    if op in _MATMUL and is_weight(1):
        w = shape_of(1)
        return f"{w[0]}→{w[1]}" if w and len(w) == 2 and _known(w) else None
    if op == "Gather" and is_weight(0) and _int(attrs, "axis", 0) == 0:
        w = shape_of(0)
        return _dims(w) if w and len(w) == 2 and _known(w) else None
    if op in _NORMS or op in _NORMS_EXTRA:
        w = shape_of(2 if op == "SkipLayerNormalization" else 1)
        return _dims(w) if w and _known(w) else None
    if op == "GroupNormalization":
        w = shape_of(1)
        groups = _int(attrs, "num_groups", 0)
        return f"{w[0]} g{groups}" if w and len(w) == 1 and groups else None
    if op in _ATTENTION:
        heads = _int(attrs, "num_heads", 0) or _int(attrs, "q_num_heads", 0)
        return f"heads {heads}" if heads else None
    if op in _RNN:
        hidden = _int(attrs, "hidden_size", 0)
        if not hidden:
            return None
        w = shape_of(1)  # [num_directions, gates * hidden, input_size]
        text = f"{w[2]}→{hidden}" if w and len(w) == 3 and _known(w) else f"→{hidden}"
        direction = attrs.get("direction")
        if direction is not None and direction.s == b"bidirectional":
            text += " bi"
        return text
    return None
