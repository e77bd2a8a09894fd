"""A Keras layer's key attributes in a few characters, drawn inside its node (the same forms as the torch and ONNX
adapters', sizes joined by a multiplication sign): Conv2D "3x3/2 relu", DepthwiseConv2D "3x3 dw", Dense "128→10"
("→10" before the layer is built), Embedding "1000x64", MultiHeadAttention "heads 8", pooling "2x2/2", Dropout
"p=0.5", norms "64" / "64 g4", LSTM "32→64 bi".

From the layer's config and its weights' shapes (never their values). A fused activation is appended when it fits.
"""

from __future__ import annotations

from typing import Any, Final

from ._brief import MAX_BRIEF, TIMES, window
from ._brief import dims as _dims
from ._brief import fit as _fit
from ._brief import ints as _ints

_CONV: Final = frozenset({"Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})
_SEPARABLE: Final = frozenset({"SeparableConv1D", "SeparableConv2D"})
_DEPTHWISE: Final = frozenset({"DepthwiseConv1D", "DepthwiseConv2D"})
_POOL: Final = frozenset(
    {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"}
)
_DROPOUT: Final = frozenset(
    {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "AlphaDropout", "GaussianDropout"}
)
_ATTENTION: Final = frozenset({"MultiHeadAttention", "GroupedQueryAttention"})
_RNN: Final = frozenset({"LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})
_NORMS: Final = frozenset({"BatchNormalization", "LayerNormalization", "RMSNormalization", "UnitNormalization"})


def _weight_shape(layer: Any, *names: str) -> list[int] | None:
    """The shape of the layer's own weight called one of ``names`` (``kernel``, ``gamma``…), if built."""
    for v in getattr(layer, "weights", None) or []:
        name = str(getattr(v, "name", "")).rsplit("/", 1)[-1]
        if name in names:
            try:
                return [int(d) for d in v.shape]
            except (TypeError, ValueError):
                return None
    return None


def _activation(config: dict[str, Any]) -> str | None:
    act = config.get("activation")
    if isinstance(act, dict):  # a serialized custom activation
        act = act.get("config", {}).get("name") if isinstance(act.get("config"), dict) else act.get("class_name")
    return str(act) if isinstance(act, str) and act not in ("linear", "") else None


def _with_activation(text: str | None, config: dict[str, Any]) -> str | None:
    act = _activation(config)
    if text and act and len(text) + 1 + len(act) <= MAX_BRIEF:
        return f"{text} {act}"
    return text


def _rate(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return f"p={value:g}"
    return None


def keras_brief(layer: Any, config: dict[str, Any]) -> str | None:
    """The brief of ``layer`` (its ``get_config()`` in ``config``), or None. Never raises."""
    try:
        return _fit(_brief(type(layer).__name__, layer, config))
    except Exception:  # an odd layer must not break the graph
        return None


def _brief(kind: str, layer: Any, c: dict[str, Any]) -> str | None:
    if kind in _CONV:
        return _with_activation(
            window(c.get("kernel_size"), c.get("strides"), c.get("groups", 1), c.get("dilation_rate")), c
        )
    if kind in _DEPTHWISE or kind in _SEPARABLE:
        text = window(c.get("kernel_size"), c.get("strides"), 1, c.get("dilation_rate"))
        text = f"{text} {'dw' if kind in _DEPTHWISE else 'sep'}" if text else None
        return _with_activation(text, c)
    if kind == "Dense":
        kernel = _weight_shape(layer, "kernel")
        units = c.get("units")
        text = (
            f"{kernel[0]}→{kernel[1]}"
            if kernel and len(kernel) == 2
            else f"→{units}"
            if isinstance(units, int)
            else None
        )
        return _with_activation(text, c)
    if kind == "EinsumDense":
        out = _ints(c.get("output_shape"))
        return "→" + _dims(out) if out else None
    if kind == "Embedding":
        n, d = c.get("input_dim"), c.get("output_dim")
        return f"{n}{TIMES}{d}" if isinstance(n, int) and isinstance(d, int) else None
    if kind in _ATTENTION:
        heads = c.get("num_heads", c.get("num_query_heads"))
        return f"heads {heads}" if isinstance(heads, int) else None
    if kind in _POOL:
        return window(c.get("pool_size"), c.get("strides") or c.get("pool_size"))
    if kind in _DROPOUT:
        return _rate(c.get("rate"))
    if kind == "GroupNormalization":
        gamma = _weight_shape(layer, "gamma", "beta")
        groups = c.get("groups")
        return f"{gamma[0]} g{groups}" if gamma and len(gamma) == 1 else f"g{groups}" if groups else None
    if kind in _NORMS:
        shape = _weight_shape(layer, "gamma", "beta", "moving_mean", "scale")
        return _dims(shape) if shape else None
    if kind in _RNN or kind == "Bidirectional":
        rnn = getattr(layer, "forward_layer", None) if kind == "Bidirectional" else layer
        cell = getattr(rnn, "cell", rnn)
        units = getattr(cell, "units", None) or getattr(cell, "filters", None)
        kernel = _weight_shape(cell, "kernel")
        if not isinstance(units, int):
            return None
        text = f"{kernel[0]}→{units}" if kernel and len(kernel) == 2 else f"→{units}"
        return text + " bi" if kind == "Bidirectional" else text
    if kind == "Activation":
        return _activation(c)
    if kind == "Reshape":
        shape = _ints(c.get("target_shape"))
        return "→" + _dims(shape) if shape else None
    if kind.startswith("UpSampling"):
        size = _ints(c.get("size"))
        return TIMES + (str(size[0]) if size and len(set(size)) == 1 else _dims(size)) if size else None
    return None
