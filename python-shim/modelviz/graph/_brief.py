"""What every adapter's node brief shares (no framework imported): its length, its multiplication sign and the
``3x3/2 g32 d2`` form of a convolution or pooling window. The framework-specific modules (``_torch_brief``,
``_onnx_brief``, ``_keras_brief``) read their attributes and write them in these forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

MAX_BRIEF: Final = 16
TIMES: Final = "\u00d7"  # the multiplication sign of "3x3" and "50257x768"


def fit(text: str | None) -> str | None:
    """``text`` if it fits in :data:`MAX_BRIEF` characters, else cut with "…"; None for nothing."""
    if not text:
        return None
    return text if len(text) <= MAX_BRIEF else text[: MAX_BRIEF - 1] + "…"


def ints(value: Any) -> list[int] | None:
    """An int or a non-empty sequence of ints (bools are not sizes) as a list, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if (
        isinstance(value, (tuple, list))
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return [int(v) for v in value]
    return None


def dims(values: Sequence[int]) -> str:
    return TIMES.join(str(v) for v in values)


def window(kernel: Any, strides: Any = None, groups: Any = 1, dilation: Any = None) -> str | None:
    """``3x3``, ``3x3/2`` (a stride ≠ 1), `` g32`` for grouped convolutions, `` d2`` for dilation."""
    k = ints(kernel)
    if k is None:
        return None
    text = dims(k)
    s = ints(strides)
    if s and any(v != 1 for v in s):
        text += "/" + (str(s[0]) if len(set(s)) == 1 else dims(s))
    if isinstance(groups, int) and groups > 1:
        text += f" g{groups}"
    d = ints(dilation)
    if d and any(v != 1 for v in d):
        text += " d" + (str(d[0]) if len(set(d)) == 1 else dims(d))
    return text
