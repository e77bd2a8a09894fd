"""Regenerate schema/fixtures/ (run by hand when the schemas change; the output is committed).

Tensors here are packed with numpy + base64 directly, independent of modelviz's own encoder,
so that the fixtures check the encoder (Python) and the decoder (TypeScript) against a third party.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent / "schema" / "fixtures"


def t(arr: Any, dtype: str) -> dict[str, Any]:
    a = np.ascontiguousarray(np.asarray(arr, dtype=dtype))
    return {
        "dtype": dtype,
        "shape": list(a.shape),
        "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode(),
    }


def write(
    kind: str, name: str, description: str, payload: Any, error_path: str | None = None, level: str = "schema"
) -> None:
    d = ROOT / kind
    d.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {"description": description, "payload": payload}
    if error_path is not None:
        doc["error_path"] = error_path
        doc["level"] = level
    (d / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")


def invalid(
    kind: str, name: str, description: str, base: dict[str, Any], patch: Any, error_path: str, level: str = "schema"
) -> None:
    p = copy.deepcopy(base)
    patch(p)
    write(kind, f"invalid-{name}", description, p, error_path, level)


def main() -> None:
    # tensors: one file per dtype, with the plain values both sides must decode to
    tv = ROOT / "tensors"
    tv.mkdir(parents=True, exist_ok=True)
    cases = {
        "float32": [[0.5, -1.25, 3.0], [1e-3, 65504.0, -0.0]],
        "float64": [1.0 / 3.0, -2.5e300, 7.0],
        "int8": [-128, 0, 127],
        "uint8": [0, 200, 255],
        "int16": [-32768, 1, 32767],
        "uint16": [0, 65535],
        "int32": [[-(2**31), 0], [1, 2**31 - 1]],
        "uint32": [0, 2**32 - 1],
        "int64": [-(2**53), 0, 2**53],
        "uint64": [0, 2**53],
        "bool": [True, False, True],
    }
    for dtype, values in cases.items():
        doc = {"tensor": t(values, dtype), "values": np.asarray(values, dtype=dtype).reshape(-1).tolist()}
        (tv / f"{dtype}.json").write_text(json.dumps(doc, indent=1) + "\n")
    empty = {"tensor": t(np.zeros((0, 3)), "float32"), "values": []}
    (tv / "empty.json").write_text(json.dumps(empty, indent=1) + "\n")

    # confusion
    conf = {
        "version": "1.0",
        "title": "3-class test",
        "labels": ["cat", "dog", "<b>bird</b>"],
        "matrix": t([[5, 1, 0], [2, 7, 1], [0, 0, 9]], "int64"),
        "normalize": "none",
        "total": 25,
    }
    write("confusion", "valid-basic", "int64 counts with an HTML-looking label (must render as text)", conf)
    write(
        "confusion",
        "valid-float-future-minor",
        "float weights, a newer minor version and an unknown field (ignored)",
        {
            **conf,
            "version": "1.7",
            "matrix": t([[0.5, 0.5, 0.0], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]], "float32"),
            "future_field": {"x": 1},
        },
    )
    invalid("confusion", "labels-type", "labels is a string", conf, lambda p: p.update(labels="cat,dog"), "/labels")
    invalid(
        "confusion", "dtype", "unknown dtype", conf, lambda p: p["matrix"].update(dtype="complex64"), "/matrix/dtype"
    )
    invalid("confusion", "missing-matrix", "no matrix", conf, lambda p: p.pop("matrix"), "/matrix")
    invalid("confusion", "version", "version not a string", conf, lambda p: p.update(version=1), "/version")
    invalid(
        "confusion",
        "base64",
        "data is not base64",
        conf,
        lambda p: p["matrix"].update(data="@@not base64@@"),
        "/matrix/data",
        "semantic",
    )
    invalid(
        "confusion",
        "shape-labels",
        "matrix is 2x2 but there are 3 labels",
        conf,
        lambda p: p.update(matrix=t([[1, 2], [3, 4]], "int64")),
        "/matrix/shape",
        "semantic",
    )
    invalid(
        "confusion",
        "byte-count",
        "shape says 3x3 but data holds 4 values",
        conf,
        lambda p: p["matrix"].update(data=t([1, 2, 3, 4], "int64")["data"]),
        "/matrix/data",
        "semantic",
    )

    # scalars
    steps = np.arange(0, 50, dtype=np.int64)
    sc = {
        "version": "1.0",
        "logdir": "logs",
        "runs": [{"name": "run-a"}, {"name": "run-b", "color": "#1f77b4"}],
        "scalars": [
            {
                "run": 0,
                "tag": "train/loss",
                "step": t(steps, "int64"),
                "wall_time": t(1.7e9 + steps.astype(float), "float64"),
                "value": t(np.exp(-steps / 20.0), "float64"),
                "total_points": 50,
                "last": {"step": 49, "wall_time": 1.7e9 + 49, "value": float(np.exp(-49 / 20))},
            },
            {"run": 1, "tag": "train/loss", "step": t(steps, "int64"), "value": t(np.exp(-steps / 10.0), "float32")},
        ],
        "histograms": [
            {
                "run": 0,
                "tag": "w",
                "step": t([0, 10], "int64"),
                "edges": t([[0, 1, 2], [0, 1, 2]], "float64"),
                "counts": t([[3, 4], [5, 6]], "float64"),
            }
        ],
        "text": [{"run": 0, "tag": "notes", "step": 0, "text": "<script>alert(1)</script>"}],
        "hparams": {
            "columns": [{"name": "lr", "kind": "hparam"}, {"name": "acc", "kind": "metric"}],
            "rows": [{"run": 0, "values": [0.001, 0.9]}],
        },
        "options": {"smoothing": 0.6, "x_axis": "step"},
        "status": {"live": True, "updated": 1.7e9, "corrupt_records": 0},
    }
    write("scalars", "valid-basic", "two runs, one tag, a histogram, text and hparams", sc)
    write(
        "scalars",
        "valid-empty",
        "an empty logdir",
        {"version": "1.0", "runs": [], "messages": [{"level": "info", "text": "no event files yet"}]},
    )
    invalid(
        "scalars",
        "smoothing",
        "smoothing of 1 is out of range",
        sc,
        lambda p: p["options"].update(smoothing=1),
        "/options/smoothing",
    )
    invalid(
        "scalars", "run-index", "negative run index", sc, lambda p: p["scalars"][0].update(run=-1), "/scalars/0/run"
    )
    invalid("scalars", "runs-missing", "no runs", sc, lambda p: p.pop("runs"), "/runs")

    # graph: x -> conv -> relu -> fc
    g = {
        "version": "1.0",
        "framework": "pytorch",
        "source": {"method": "fx"},
        "strings": [
            "x",
            "placeholder",
            "features",
            "Sequential",
            "conv",
            "Conv2d",
            "relu",
            "ReLU",
            "fc",
            "Linear",
            "output",
        ],
        "groups": {"name": t([2], "int32"), "parent": t([-1], "int32"), "type": t([3], "int32")},
        "nodes": {
            "name": t([0, 4, 6, 8], "int32"),
            "op": t([1, 5, 7, 9], "int32"),
            "group": t([-1, 0, 0, -1], "int32"),
            "params": t([0, 448, 0, 650], "int64"),
        },
        "edges": {"src": t([0, 1, 2], "int32"), "dst": t([1, 2, 3], "int32"), "tensor": t([0, 1, 1], "int32")},
        "tensors": [{"shape": [1, 3, 8, 8], "dtype": "float32"}, {"shape": [1, 16, 8, 8], "dtype": "float32"}],
        "details": [
            {
                "node": 1,
                "attrs": [{"key": "kernel_size", "value": [3, 3]}],
                "params": [
                    {
                        "name": "weight",
                        "shape": [16, 3, 3, 3],
                        "dtype": "float32",
                        "trainable": True,
                        "stats": {"count": 432, "mean": 0.0, "std": 0.1, "min": -0.3, "max": 0.3, "zeros": 0.0},
                    }
                ],
            }
        ],
        "totals": {"params": 1098, "trainable_params": 1098, "nodes": 4},
    }
    write("graph", "valid-basic", "a four-node model with one group", g)
    invalid("graph", "framework", "unknown framework", g, lambda p: p.update(framework="caffe"), "/framework")
    invalid("graph", "nodes-missing-op", "node column op missing", g, lambda p: p["nodes"].pop("op"), "/nodes/op")
    invalid(
        "graph",
        "edge-range",
        "an edge points past the last node",
        g,
        lambda p: p["edges"].update(dst=t([1, 2, 9], "int32")),
        "/edges/dst",
        "semantic",
    )

    # explanation
    ex = {
        "version": "1.0",
        "modality": "text",
        "method": "integrated_gradients",
        "tokens": ["the", "movie", "was", "<i>great</i>"],
        "attributions": t([0.01, 0.2, -0.05, 0.9], "float32"),
        "layout": ["token"],
        "outputs": [{"label": "positive", "score": 0.97}],
    }
    write("explanation", "valid-text", "token attributions", ex)
    invalid("explanation", "modality", "unknown modality", ex, lambda p: p.update(modality="audio"), "/modality")
    invalid(
        "explanation",
        "attributions-type",
        "attributions as a JSON list",
        ex,
        lambda p: p.update(attributions=[0.1, 0.2]),
        "/attributions",
    )

    # projection
    rng = np.random.default_rng(0)
    pr = {
        "version": "1.0",
        "points": t(rng.normal(size=(20, 5)), "float32"),
        "columns": [
            {"name": "label", "kind": "category", "categories": ["a", "b"], "codes": t(np.arange(20) % 2, "int32")},
            {"name": "text", "kind": "text", "text": [f"point {i}" for i in range(20)]},
        ],
        "method": "pca",
        "dims": 2,
    }
    write("projection", "valid-basic", "20 points in 5 dims with a category and a text column", pr)
    invalid("projection", "dims", "4 dims", pr, lambda p: p.update(dims=4), "/dims")
    invalid("projection", "points-missing", "no points", pr, lambda p: p.pop("points"), "/points")
    invalid(
        "projection",
        "points-rank",
        "points is 1-d",
        pr,
        lambda p: p.update(points=t(np.zeros(5), "float32")),
        "/points/shape",
        "semantic",
    )


if __name__ == "__main__":
    main()
