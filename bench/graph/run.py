"""Graph benchmark, kernel side: build the payload of a generated 50,000-node ONNX graph.

ours:   modelviz.graph(model_proto) (checker, shape inference, columns, string table, weight statistics, summary),
        then json.dumps of the payload, i.e. what a kernel ships for display(model).
anchors, measured in the same run on the same model: for time, onnx's own checker + shape inference (the floor any
ONNX viewer pays; modelviz runs both inside its build, so the ratio is our whole cost over that floor); for size,
the serialized ONNX model itself. The issue's target (<= 5 s) is shown beside. The Netron comparison (time to a
drawn graph in Chromium) belongs to the renderer benchmark, not to this runner.
The graph comes from tests/python/graph_models.py::onnx_chain (MatMul -> Add -> Relu blocks, a residual Add per
block, exporter-style names /stage{s}/block{b}/{op}_{i}, an 8x8 weight and a bias per block).
"""

from __future__ import annotations

import importlib
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import line, load_average, modelviz_module, ratio, timed

N_NODES = 50_000
WARMUP = 1
REPS = 5
TARGET_S = 5.0


def main() -> None:
    modelviz = modelviz_module()
    graph_models = importlib.import_module("tests.python.graph_models")
    import onnx

    proto = graph_models.onnx_chain(N_NODES)

    def build() -> str:
        return json.dumps(modelviz.graph(proto).payload)

    for _ in range(WARMUP):
        build()
    times: list[float] = []
    text = ""
    for _ in range(REPS):
        t0 = time.perf_counter()
        text = build()
        times.append(time.perf_counter() - t0)
    payload = json.loads(text)
    nodes = payload["totals"]["nodes"]
    if nodes != len(proto.graph.node) + len(proto.graph.input) + len(proto.graph.output):
        raise SystemExit(f"graph: {nodes} nodes in the payload for {len(proto.graph.node)} ONNX nodes")
    med = statistics.median(times)
    size = len(text.encode())

    def floor() -> None:
        onnx.checker.check_model(proto)
        onnx.shape_inference.infer_shapes(proto)

    floor()
    anchor_times = timed(floor, REPS)
    anchor = statistics.median(anchor_times)
    onnx_size = len(proto.SerializeToString())
    print(
        line(
            "graph/build-50k-onnx",
            f"{med:.2f} s",
            f"anchor(onnx check+infer_shapes) {anchor:.2f} s",
            ratio(med, anchor, "faster", "slower"),
            f"target <= {TARGET_S:.0f} s: {'meets' if med <= TARGET_S else 'MISSES'}; median of {REPS}; "
            f"ours {min(times):.2f}-{max(times):.2f} s; {nodes} nodes incl. graph input/output",
        )
    )
    print(
        line(
            "graph/size-50k-onnx",
            f"{size / 1e6:.2f} MB",
            f"anchor(.onnx file) {onnx_size / 1e6:.2f} MB",
            ratio(size, onnx_size, "smaller", "larger"),
            f"{size / nodes:.0f} bytes/node; {len(payload['details'])} node details, "
            f"{len(payload['strings'])} strings, {len(payload['tensors'])} distinct tensor shapes",
        )
    )
    print(
        f"  ({len(proto.graph.node)} ONNX nodes, {len(proto.graph.initializer)} initializers, {WARMUP} warm-up + "
        f"{REPS} timed rounds; python {platform.python_version()}, onnx {onnx.__version__}, "
        f"modelviz from {Path(modelviz.__file__).parent}; {load_average()})"
    )


if __name__ == "__main__":
    main()
