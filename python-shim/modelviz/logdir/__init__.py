"""Reading TensorBoard log directories (event files) in the kernel: ``read_logdir(path)`` / ``LogdirReader``.

Only numpy and the standard library: no TensorFlow, TensorBoard or protobuf.
"""

from __future__ import annotations

from .reader import (
    HistogramSeries,
    ImageEvent,
    LogdirReader,
    ScalarSeries,
    TensorEvent,
    TextEvent,
    read_logdir,
)

__all__ = [
    "HistogramSeries",
    "ImageEvent",
    "LogdirReader",
    "ScalarSeries",
    "TensorEvent",
    "TextEvent",
    "read_logdir",
]
