"""Plugin data of the TensorBoard dashboards that store tensors: histograms, images, PR curves, hparams.

Each ``parse_*`` function takes what one summary value holds and either returns the decoded form or raises
``PluginError`` with a message that says what is wrong; the reader turns that into a message and goes on.

Formats (tensorboard/plugins/*/metadata.py and *.proto):

* ``histograms``: a float tensor ``[k, 3]`` of (left edge, right edge, count) per bucket (TF2 ``tf.summary``).
* ``images``: a string tensor ``[2 + n]``: width, height (decimal strings), then ``n`` encoded images (PNG).
* ``pr_curves``: a float tensor ``[6, num_thresholds]``: TP, FP, TN, FN, precision, recall per threshold;
  thresholds are ``linspace(0, 1, num_thresholds)`` (the PR-curve plugin's ``_make_pr_entry``).
* ``hparams``: the content is an ``HParamsPluginData`` (version=1, experiment=2, session_start_info=3,
  session_end_info=4). SessionStartInfo: hparams=1 (map string -> google.protobuf.Value), model_uri=2,
  monitor_url=3, group_name=4, start_time_secs=5. SessionEndInfo: status=1, end_time_secs=2. Experiment:
  hparam_infos=4 (name=1), metric_infos=5 (name=1: MetricName group=1, tag=2). google.protobuf.Value:
  null_value=1, number_value=2, string_value=3, bool_value=4, struct_value=5, list_value=6.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _events as ev


class PluginError(ValueError):
    """A summary value whose plugin data or tensor is not what its plugin writes."""


# ---------------------------------------------------------------------------------------------------- tensors


def histogram_buckets(arr: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """The ``[k, 3]`` (left, right, count) buckets of a TF2 histogram tensor, as float64."""
    if arr.dtype.kind not in "fiu":
        raise PluginError(f"histogram tensor of dtype {arr.dtype} (expected numbers)")
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise PluginError(f"histogram tensor of shape {list(arr.shape)} (expected [k, 3])")
    return np.asarray(arr, dtype=np.float64)


def image_parts(arr: npt.NDArray[Any]) -> tuple[int, int, list[bytes]]:
    """Width, height and encoded images of a TF2 image tensor ``[width, height, image...]``."""
    flat = np.asarray(arr).reshape(-1)
    if arr.dtype != object or len(flat) < 2:
        raise PluginError(f"image tensor of dtype {arr.dtype} and shape {list(arr.shape)} (expected [2 + n] strings)")
    try:
        width, height = int(flat[0]), int(flat[1])
    except (TypeError, ValueError) as exc:
        raise PluginError(f"image tensor whose width/height are not numbers ({flat[0]!r}, {flat[1]!r})") from exc
    return width, height, [bytes(x) for x in flat[2:]]


_TP, _FP, _TN, _FN, _PRECISION, _RECALL = range(6)


class PrCurve(NamedTuple):
    tp: npt.NDArray[np.float64]
    fp: npt.NDArray[np.float64]
    tn: npt.NDArray[np.float64]
    fn: npt.NDArray[np.float64]
    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    thresholds: npt.NDArray[np.float64]


def pr_curve(arr: npt.NDArray[Any]) -> PrCurve:
    """The curve of a ``[6, num_thresholds]`` PR-curve tensor, trimmed as TensorBoard's PR-curve plugin shows it.

    Trailing thresholds where TP + FP = 0 (precision undefined) are dropped from every array, as in
    ``PrCurvesPlugin._make_pr_entry``; ``thresholds`` is ``linspace(0, 1, num_thresholds)`` cut the same way.
    """
    if arr.dtype.kind not in "fiu":
        raise PluginError(f"PR-curve tensor of dtype {arr.dtype} (expected numbers)")
    if arr.ndim != 2 or arr.shape[0] != 6 or arr.shape[1] < 1:
        raise PluginError(f"PR-curve tensor of shape {list(arr.shape)} (expected [6, num_thresholds])")
    data = np.asarray(arr, dtype=np.float64)
    positives = arr[[_TP, _FP], :].astype(int).sum(axis=0)
    end = len(positives) - 1
    while end > 0 and positives[end] == 0:
        end -= 1
    n = end + 1
    thresholds = np.linspace(0.0, 1.0, arr.shape[1])[:n]
    rows = [data[i, :n].copy() for i in range(6)]
    return PrCurve(rows[_TP], rows[_FP], rows[_TN], rows[_FN], rows[_PRECISION], rows[_RECALL], thresholds)


# ---------------------------------------------------------------------------------------------------- hparams

HParamValue = str | float | bool

STATUS: Final = {0: "unknown", 1: "success", 2: "failure", 3: "running"}


@dataclass
class HParamsRecord:
    """What one ``hparams`` summary value says: an experiment, a session start or a session end."""

    kind: str  # "experiment" | "session_start" | "session_end"
    hparams: dict[str, HParamValue] = field(default_factory=dict)
    group_name: str = ""
    start_time: float = 0.0
    status: str = ""
    end_time: float = 0.0
    metrics: list[tuple[str, str]] = field(default_factory=list)  # experiment: (group, tag) per metric


def _string(buf: bytes, span: tuple[int, int]) -> str:
    return buf[span[0] : span[1]].decode("utf-8", "replace")


def _f64(bits: int) -> float:
    return float(struct.unpack("<d", bits.to_bytes(8, "little"))[0])


def _pb_value(buf: bytes, pos: int, end: int) -> Any:
    """A ``google.protobuf.Value`` as Python (None, float, str, bool, dict, list)."""
    out: Any = None
    for number, wire, v, _ in ev.fields(buf, pos, end):
        if number == 1 and wire == 0:
            out = None
        elif number == 2 and wire == 1:
            out = _f64(v)
        elif number == 3 and wire == 2:
            out = _string(buf, v)
        elif number == 4 and wire == 0:
            out = bool(v)
        elif number == 5 and wire == 2:  # Struct: fields=1 (map string -> Value)
            out = {}
            for n2, w2, v2, _ in ev.fields(buf, v[0], v[1]):
                if n2 == 1 and w2 == 2:
                    key, val = _map_entry(buf, v2)
                    out[key] = val
        elif number == 6 and wire == 2:  # ListValue: values=1
            out = [_pb_value(buf, v2[0], v2[1]) for n2, w2, v2, _ in ev.fields(buf, v[0], v[1]) if n2 == 1 and w2 == 2]
        else:
            raise ev.DecodeError(f"unexpected field {number} (wire type {wire}) in a google.protobuf.Value")
    return out


def _map_entry(buf: bytes, span: tuple[int, int]) -> tuple[str, Any]:
    key = ""
    val: Any = None
    for number, wire, v, _ in ev.fields(buf, span[0], span[1]):
        if number == 1 and wire == 2:
            key = _string(buf, v)
        elif number == 2 and wire == 2:
            val = _pb_value(buf, v[0], v[1])
    return key, val


def _as_hparam(value: Any) -> HParamValue:
    if isinstance(value, bool | str | float):
        return value
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"))  # a struct or list value, shown as its JSON


def parse_hparams(content: bytes) -> HParamsRecord:
    """Decode an ``HParamsPluginData``; raises PluginError when it is not one."""
    try:
        return _parse_hparams(content)
    except (ev.DecodeError, UnicodeDecodeError, IndexError) as exc:
        raise PluginError(f"hparams plugin data does not parse ({exc})") from exc


def _parse_hparams(buf: bytes) -> HParamsRecord:
    found: HParamsRecord | None = None
    for number, wire, v, _ in ev.fields(buf, 0, len(buf)):
        if wire != 2 or number not in (2, 3, 4):
            if number in (2, 3, 4) or (number == 1 and wire != 0):
                raise ev.DecodeError(f"field {number} has wire type {wire}")
            continue
        if number == 2:
            found = HParamsRecord("experiment")
            for n2, w2, v2, _ in ev.fields(buf, v[0], v[1]):
                if n2 == 5 and w2 == 2:  # MetricInfo
                    group = tag = ""
                    for n3, w3, v3, _ in ev.fields(buf, v2[0], v2[1]):
                        if n3 == 1 and w3 == 2:
                            for n4, w4, v4, _ in ev.fields(buf, v3[0], v3[1]):
                                if n4 == 1 and w4 == 2:
                                    group = _string(buf, v4)
                                elif n4 == 2 and w4 == 2:
                                    tag = _string(buf, v4)
                    found.metrics.append((group, tag))
        elif number == 3:
            found = HParamsRecord("session_start")
            for n2, w2, v2, _ in ev.fields(buf, v[0], v[1]):
                if n2 == 1 and w2 == 2:
                    key, val = _map_entry(buf, v2)
                    found.hparams[key] = _as_hparam(val)
                elif n2 == 4 and w2 == 2:
                    found.group_name = _string(buf, v2)
                elif n2 == 5 and w2 == 1:
                    found.start_time = _f64(v2)
        else:
            found = HParamsRecord("session_end")
            found.status = STATUS[0]
            for n2, w2, v2, _ in ev.fields(buf, v[0], v[1]):
                if n2 == 1 and w2 == 0:
                    found.status = STATUS.get(v2, f"status {v2}")
                elif n2 == 2 and w2 == 1:
                    found.end_time = _f64(v2)
    if found is None:
        raise ev.DecodeError("no experiment, session_start_info or session_end_info in it")
    return found
