"""Reading TensorBoard log directories (event files) in the kernel: ``read_logdir(path)`` / ``LogdirReader``.

Only numpy and the standard library: no TensorFlow, TensorBoard or protobuf (fsspec only for URLs). Kinds read:
scalars (``simple_value`` and TF2 scalar tensors), histograms (``HistogramProto`` and TF2 ``[k, 3]`` tensors),
images (``Summary.Image`` and TF2 image tensors), text, PR curves, hparams sessions, and any other tensor summary.
See :class:`LogdirReader` for the attributes.
"""

from __future__ import annotations

from .reader import (
    HistogramSeries,
    HParams,
    ImageEvent,
    LogdirReader,
    PrCurveEvent,
    ScalarSeries,
    TensorEvent,
    TextEvent,
    read_logdir,
)

__all__ = [
    "HParams",
    "HistogramSeries",
    "ImageEvent",
    "LogdirReader",
    "PrCurveEvent",
    "ScalarSeries",
    "TensorEvent",
    "TextEvent",
    "read_logdir",
]
