"""Keras layers carry a brief of their key attributes (kernel and stride, units, heads, rates, norm sizes), as torch
and ONNX nodes do, in at most 16 characters; the graph is unchanged otherwise."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

from typing import Any

import keras
import modelviz
from modelviz.graph._keras_brief import MAX_BRIEF, keras_brief

from .test_graph import col, names, payload_of

L = keras.layers
X = "\u00d7"


def _briefs(p: dict[str, Any]) -> dict[str, str | None]:
    brief = col(p, "nodes", "brief")
    return {n: (p["strings"][b] if b >= 0 else None) for n, b in zip(names(p), brief.tolist(), strict=True)}


def test_cnn_briefs() -> None:
    x = keras.Input((32, 32, 3), name="image")
    y = L.Conv2D(16, 3, strides=2, padding="same", activation="relu", name="stem")(x)
    y = L.BatchNormalization(name="bn")(y)
    y = L.DepthwiseConv2D(3, padding="same", name="dw")(y)
    y = L.SeparableConv2D(32, 5, dilation_rate=2, padding="same", name="sep")(y)
    y = L.Conv2D(32, 3, groups=4, padding="same", name="grouped")(y)
    y = L.MaxPooling2D(name="pool")(y)
    y = L.AveragePooling2D(3, strides=1, name="avg")(y)
    y = L.GroupNormalization(4, name="gn")(y)
    y = L.GlobalAveragePooling2D(name="gap")(y)
    y = L.Dropout(0.5, name="drop")(y)
    y = L.Dense(10, activation="softmax", name="head")(y)
    model = keras.Model(x, y, name="cnn")
    b = _briefs(payload_of(modelviz.graph(model)))
    assert b["stem"] == f"3{X}3/2 relu"
    assert b["bn"] == "16"
    assert b["dw"] == f"3{X}3 dw"
    assert b["sep"] == f"5{X}5 d2 sep"
    assert b["grouped"] == f"3{X}3 g4"
    assert b["pool"] == f"2{X}2/2"
    assert b["avg"] == f"3{X}3"
    assert b["gn"] == "32 g4"
    assert b["drop"] == "p=0.5"
    assert b["head"] == "32→10 softmax"
    assert b["gap"] is None and b["image"] is None  # nothing to say: no brief rather than a made-up one


def test_sequence_briefs() -> None:
    tokens = keras.Input((12,), dtype="int32", name="tokens")
    e = L.Embedding(1000, 64, name="embed")(tokens)
    a = L.MultiHeadAttention(8, 8, name="attn")(e, e)
    a = L.LayerNormalization(name="ln")(a + e)
    r = L.Bidirectional(L.LSTM(32, return_sequences=True), name="bilstm")(a)
    r = L.GRU(16, name="gru")(r)
    r = L.Dense(24, name="proj")(r)
    r = L.Reshape((4, 6), name="reshape")(r)
    r = L.Activation("gelu", name="act")(r)
    model = keras.Model(tokens, r, name="seq")
    p = payload_of(modelviz.graph(model))
    b = _briefs(p)
    assert b["embed"] == f"1000{X}64"
    assert b["attn"] == "heads 8"
    assert b["ln"] == "64"
    assert b["bilstm"] == "64→32 bi"
    assert b["gru"] == "64→16"
    assert b["proj"] == "16→24"
    assert b["reshape"] == f"→4{X}6"
    assert b["act"] == "gelu"
    assert all(len(v) <= MAX_BRIEF for v in b.values() if v)
    assert p["totals"]["params"] == model.count_params()


def test_unbuilt_layers_and_odd_configs() -> None:
    """Before a layer is built its weights are unknown: Dense says only its units; a long brief is cut with '…';
    a layer whose attributes make no sense gets none instead of an error."""
    seq = keras.Sequential([L.Dense(128, activation="relu", name="d1"), L.Dense(4, name="d2")], name="unbuilt")
    b = _briefs(payload_of(modelviz.graph(seq)))
    assert b["d1"] == "→128 relu" and b["d2"] == "→4"
    long = L.Conv3D(8, (11, 13, 17), strides=(2, 3, 4), groups=8, activation="sigmoid")
    text = keras_brief(long, long.get_config())
    assert text is not None and len(text) == MAX_BRIEF and text.endswith("…")
    assert keras_brief(L.Dense(3), {"units": object()}) is None
    assert keras_brief(object(), {"kernel_size": "x"}) is None
