"""modelviz.graph on ONNX files as exporters write them: module groups from torch's dynamo exporter (GPT2, a ResNet),
local functions, plumbing folded (a legacy ResNet-50's wall of Identity copies, shape computations), briefs, weights
read lazily (statistics equal numpy's, external data, bounded memory, files over 2 GB), and paths that are not model
files refused at once."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import modelviz
import numpy as np
import onnx
import onnx.parser
import pytest
import torch
from modelviz.graph._builder import STATS_SAMPLE, weight_stats
from modelviz.graph._onnx_read import _encode_varint
from onnx import TensorProto, helper, numpy_helper

from . import graph_models as gm
from .test_graph import check_columns, col, group_paths, names, ops, payload_of

ROOT = Path(__file__).resolve().parents[2]


def fold_col(p: dict[str, Any]) -> np.ndarray:
    return col(p, "nodes", "fold") if "fold" in p["nodes"] else np.full(p["totals"]["nodes"], -1)


def briefs(p: dict[str, Any]) -> list[str | None]:
    if "brief" not in p["nodes"]:
        return [None] * p["totals"]["nodes"]
    return [p["strings"][b] if b >= 0 else None for b in col(p, "nodes", "brief")]


def group_types(p: dict[str, Any]) -> dict[str, str | None]:
    types = [p["strings"][t] if t >= 0 else None for t in col(p, "groups", "type")]
    return dict(zip(group_paths(p), types, strict=True))


def node_paths(p: dict[str, Any]) -> list[str]:
    paths = group_paths(p)
    return [paths[g] if g >= 0 else "" for g in col(p, "nodes", "group")]


def details(p: dict[str, Any], node: int) -> dict[str, Any]:
    return next((d for d in p["details"] if d["node"] == node), {})


def init_total(proto: onnx.ModelProto) -> int:
    return sum(math.prod(t.dims) for t in proto.graph.initializer)


def dynamo_export(model: torch.nn.Module, args: tuple[Any, ...], path: Path, **kwargs: Any) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(model.eval(), args, kwargs=kwargs or None, dynamo=True, verbose=False)
    assert program is not None
    program.save(str(path))
    return path


# -- hierarchy from torch's dynamo exporter --


@pytest.fixture(scope="module")
def gpt2_onnx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    transformers = pytest.importorskip("transformers", reason="transformers is in requirements-dev.txt")
    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000)
    model = transformers.GPT2LMHeadModel(config)
    ids = torch.randint(0, 1000, (1, 8))
    return dynamo_export(model, (), tmp_path_factory.mktemp("gpt2") / "gpt2.onnx", input_ids=ids, use_cache=False)


def test_dynamo_gpt2_opens_with_its_module_groups(gpt2_onnx: Path) -> None:
    proto = onnx.load(str(gpt2_onnx))
    assert not any("/" in n.name for n in proto.graph.node)  # dynamo names (node_Gemm_342): hierarchy only in metadata
    p = payload_of(modelviz.graph(gpt2_onnx))
    check_columns(p)
    types = group_types(p)
    for path, kind in {
        "transformer": "GPT2Model",
        "transformer.h.0": "GPT2Block",
        "transformer.h.0.attn": "GPT2Attention",
        "transformer.h.0.attn.c_attn": "Conv1D",
        "transformer.h.1.mlp": "GPT2MLP",
        "transformer.h.1.ln_2": "LayerNorm",
        "transformer.wte": "Embedding",
    }.items():
        assert types.get(path) == kind, path
    assert types["transformer.h"] is None  # a ModuleList: on the path, no forward of its own
    nm, op, where, brief = names(p), ops(p), node_paths(p), briefs(p)
    # Nodes are named after their torch operation, the ONNX name kept in their details.
    gemm = [i for i, o in enumerate(op) if o == "Gemm"]
    assert len(gemm) == 8 and "addmm" in [nm[i] for i in gemm]
    first = nm.index("addmm")
    assert where[first] == "transformer.h.0.attn.c_attn" and brief[first] == "64→192"
    onnx_names = {a["value"] for a in details(p, first)["attrs"] if a["key"] == "onnx node"}
    assert len(onnx_names) == 1 and next(iter(onnx_names)).startswith("node_Gemm")
    # Every operation sits in a module group, the optimizer's own nodes (no metadata) in the module of their
    # neighbours: the Split of c_attn's output into q, k, v in the attention.
    io_ops = {"Input", "Output"}
    assert all(where[i] for i in range(len(nm)) if op[i] not in io_ops)
    split = op.index("Split")
    assert where[split] == "transformer.h.0.attn" and nm[split].startswith("node_Split")
    assert {"1000\u00d764", "64"} <= set(brief)  # the token embedding's table, the LayerNorms' size
    assert p["totals"]["params"] == init_total(proto)
    assert p["totals"]["nodes"] == len(proto.graph.node) + 2


@pytest.fixture(scope="module")
def resnet_onnx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    return dynamo_export(gm.resnet50(), (torch.randn(1, 3, 64, 64),), tmp_path_factory.mktemp("cnn") / "resnet.onnx")


def test_dynamo_resnet_groups_and_conv_briefs(resnet_onnx: Path) -> None:
    proto = onnx.load(str(resnet_onnx))
    p = payload_of(modelviz.graph(resnet_onnx))
    check_columns(p)
    types = group_types(p)
    assert types["layer3.5"] == "Bottleneck" and types["layer1"] == "Sequential" and types["maxpool"] == "MaxPool2d"
    nm, op, where, brief = names(p), ops(p), node_paths(p), briefs(p)
    convs = [i for i, o in enumerate(op) if o == "Conv"]
    assert len(convs) == 53
    # The exporter fused each BatchNorm into its convolution and kept the BatchNorm's scope; the convolution goes
    # back to its own module, the one its weight is named after.
    for i in convs:
        (w,) = [q for q in details(p, i)["params"] if q["name"].endswith(".weight")]
        assert where[i] == w["name"].removesuffix(".weight")
        assert brief[i] is not None
    assert brief[nm.index(next(nm[i] for i in convs if where[i] == "conv1"))] == "7\u00d77/2"
    stride2 = [i for i in convs if where[i] == "layer2.0.conv2"]
    assert [brief[i] for i in stride2] == ["3\u00d73/2"]
    assert brief[op.index("MaxPool")] == "3\u00d73/2" and brief[op.index("Gemm")] == "2048→1000"
    assert p["totals"]["params"] == init_total(proto)


# -- local functions --

FUNCTION_MODEL = """
<ir_version: 8, opset_import: ["" : 17, "local" : 1]>
agraph (float[2, 4] x) => (float[2, 4] y) <float[4, 4] W = {1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1}, float[4] b = {1,2,3,4}>
{
    h = local.Dense <alpha: float = 2.0> (x, W, b)
    y = local.Dense <alpha: float = 0.5> (h, W, b)
}
<domain: "local", opset_import: ["" : 17]>
Dense <alpha> (X, M, B) => (Y)
{
    P = MatMul(X, M)
    Q = Add(P, B)
    S = Constant <value_float: float = @alpha> ()
    Y = Mul(Q, S)
}
"""


def test_local_functions_are_groups_of_their_body() -> None:
    model = onnx.parser.parse_model(FUNCTION_MODEL)
    for i, node in enumerate(model.graph.node):
        node.name = f"/block/dense{i}"
    onnx.checker.check_model(model)
    p = payload_of(modelviz.graph(model))
    check_columns(p)
    types = group_types(p)
    assert types["block.dense0"] == "Dense" and types["block.dense1"] == "Dense"
    nm, op, where = names(p), ops(p), node_paths(p)
    assert "local.Dense" not in op  # the calls are their bodies
    assert op == ["Input", "MatMul", "Add", "Constant", "Mul", "MatMul", "Add", "Constant", "Mul", "Output"]
    assert where[1:5] == ["block.dense0"] * 4 and where[5:9] == ["block.dense1"] * 4
    src, dst = col(p, "edges", "src"), col(p, "edges", "dst")
    pairs = {(int(s), int(d)) for s, d in zip(src, dst, strict=True)}
    assert {(0, 1), (1, 2), (2, 4), (4, 5), (8, 9)} <= pairs  # x → first body, first call's Y → second call
    # the caller's attribute shows in the body's node; its weights are the body's parameters
    assert details(p, 3)["attrs"] == [{"key": "value_float", "value": 2.0}]
    assert details(p, 7)["attrs"] == [{"key": "value_float", "value": 0.5}]
    assert [q["name"] for q in details(p, 1)["params"]] == ["W"] and briefs(p)[1] == "4→4"
    assert p["totals"]["params"] == 20 and int(col(p, "nodes", "params")[1]) == 16
    assert fold_col(p)[3] == 4 and fold_col(p)[7] == 8  # the Constants fold into their Mul
    assert nm[1] == "MatMul_0"


# -- plumbing folded --


def test_legacy_resnet_identity_wall_is_folded() -> None:
    torch.manual_seed(0)
    data = gm.to_onnx(gm.resnet50(), (torch.randn(1, 3, 64, 64),))
    proto = onnx.load_from_string(data)
    identities = [n for n in proto.graph.node if n.op_type == "Identity"]
    inits = {t.name for t in proto.graph.initializer}
    assert len(identities) >= 40 and all(n.input[0] in inits for n in identities)
    p = payload_of(modelviz.graph(data))
    check_columns(p)
    nm, op, fold = names(p), ops(p), fold_col(p)
    assert p["totals"]["nodes"] == len(proto.graph.node) + 2  # folded nodes are still there, hidden
    assert p["totals"]["params"] == init_total(proto) == int(col(p, "nodes", "params").sum())
    folded = [i for i in range(len(nm)) if fold[i] >= 0]
    assert sorted(nm[i] for i in folded) == sorted(n.name for n in identities)
    assert all(op[int(fold[i])] == "Conv" for i in folded)
    assert int((fold < 0).sum()) == len(nm) - len(identities)
    # Each copy's consumer reads the initializer as its own parameter (as in a dynamo export): every Conv has its
    # weight and bias.
    convs = [i for i, o in enumerate(op) if o == "Conv"]
    assert all(len(details(p, i)["params"]) == 2 for i in convs)
    assert all(int(col(p, "nodes", "params")[i]) == 0 for i in folded)
    first_reader = {int(fold[i]) for i in folded}
    assert all(any(q["name"] in inits for q in details(p, i)["params"]) for i in first_reader)
    # slash-named scopes repeating their parent's name give the module's path
    assert {"layer1.0.conv1", "layer1.0.downsample.0", "layer4.2.conv3"} <= set(group_paths(p))
    assert briefs(p)[nm.index("/conv1/Conv")] == "7\u00d77/2"


def _node(op: str, ins: list[str], outs: list[str], name: str, **attrs: Any) -> onnx.NodeProto:
    return helper.make_node(op, ins, outs, name=name, **attrs)


def test_shape_computations_and_constants_fold_into_their_consumer() -> None:
    """x → Relu → Reshape(·, Concat(Unsqueeze(Gather(Shape(·), 0)), [-1])) → Add(·, Constant) → Mul(·, 1 / sqrt of
    its last dimension, from its Shape) → Gather (on data: no plumbing) → y."""
    scalar = numpy_helper.from_array
    nodes = [
        _node("Relu", ["x"], ["r"], "relu"),
        _node("Shape", ["r"], ["s"], "shape"),
        _node("Constant", [], ["zero"], "zero", value=scalar(np.array(0, dtype=np.int64))),
        _node("Gather", ["s", "zero"], ["batch"], "take_batch", axis=0),
        _node("Unsqueeze", ["batch", "axes"], ["batch1"], "unsqueeze"),
        _node("Concat", ["batch1", "minus_one"], ["shape2"], "concat", axis=0),
        _node("Reshape", ["r", "shape2"], ["flat"], "reshape"),
        _node("Constant", [], ["c"], "bias", value=scalar(np.ones(12, dtype=np.float32))),
        _node("Add", ["flat", "c"], ["added"], "add"),
        _node("Shape", ["added"], ["s2"], "measure", start=-1),
        _node("Cast", ["s2"], ["d"], "cast", to=TensorProto.FLOAT),
        _node("Sqrt", ["d"], ["root"], "sqrt"),
        _node("Div", ["one", "root"], ["inv"], "inverse"),
        _node("Mul", ["added", "inv"], ["scaled"], "scale"),
        _node("Gather", ["scaled", "idx"], ["y"], "pick", axis=1),
    ]
    inits = [
        scalar(np.array([0], dtype=np.int64), "axes"),
        scalar(np.array([-1], dtype=np.int64), "minus_one"),
        scalar(np.array([0, 2], dtype=np.int64), "idx"),
        scalar(np.array(1.0, dtype=np.float32), "one"),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])],
        inits,
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    p = payload_of(modelviz.graph(model))
    nm, fold = names(p), fold_col(p)
    host = {nm[i]: nm[int(fold[i])] for i in range(len(nm)) if fold[i] >= 0}
    assert host == {
        **dict.fromkeys(["shape", "zero", "take_batch", "unsqueeze", "concat"], "reshape"),
        "bias": "add",
        **dict.fromkeys(["measure", "cast", "sqrt", "inverse"], "scale"),
    }
    src, dst = col(p, "edges", "src"), col(p, "edges", "dst")
    pairs = {(nm[s], nm[d]) for s, d in zip(src, dst, strict=True)}
    assert ("relu", "shape") not in pairs and ("add", "measure") not in pairs  # a shape read is not data flow
    drawn_pairs = {(a, b) for a, b in pairs if a not in host and b not in host}
    assert drawn_pairs == {
        ("x", "relu"),
        ("relu", "reshape"),
        ("reshape", "add"),
        ("add", "scale"),
        ("scale", "pick"),
        ("pick", "y"),
    }
    assert len(output_of(p, "reshape")) == 2


def output_of(p: dict[str, Any], name: str) -> list[Any]:
    t = int(col(p, "nodes", "output")[names(p).index(name)])
    return list(p["tensors"][t]["shape"])


# -- weights read lazily --


def _weights_model(tensors: list[onnx.TensorProto]) -> onnx.ModelProto:
    """y = x + the mean of each initializer, plus a Reshape whose shape is an initializer."""
    nodes, acc = [], "x"
    for k, t in enumerate(tensors):
        nodes.append(_node("Cast", [t.name], [f"f{k}"], f"/w{k}/cast", to=TensorProto.FLOAT))
        nodes.append(_node("ReduceMean", [f"f{k}"], [f"m{k}"], f"/w{k}/mean", keepdims=0))
        nodes.append(_node("Add", [acc, f"m{k}"], [f"a{k}"], f"/w{k}/add"))
        acc = f"a{k}"
    nodes.append(_node("Reshape", [acc, "shape"], ["y"], "/out/reshape"))
    shape = numpy_helper.from_array(np.array([2, -1], dtype=np.int64), "shape")
    g = helper.make_graph(
        nodes,
        "weights",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 12])],
        [*tensors, shape],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def _mixed_tensors() -> list[onnx.TensorProto]:
    rng = np.random.default_rng(0)
    big = rng.normal(0.5, 2.0, STATS_SAMPLE + 12_345).astype(np.float32)  # sampled with a stride
    big[::1000] = 0.0
    return [
        numpy_helper.from_array(big, "big"),
        numpy_helper.from_array(rng.normal(size=(300, 200)).astype(np.float32), "raw"),
        numpy_helper.from_array(rng.normal(size=(64, 64)).astype(np.float16), "half"),
        helper.make_tensor("packed", TensorProto.FLOAT, [50, 40], rng.normal(size=2000).astype(np.float32)),
        helper.make_tensor("ints", TensorProto.INT64, [3000], rng.integers(-5, 5, 3000)),
        numpy_helper.from_array(rng.normal(size=8).astype(np.float32), "tiny"),
    ]


def _params(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["name"]: q for d in p["details"] for q in d.get("params", [])}


def test_lazy_statistics_equal_numpy(tmp_path: Path) -> None:
    tensors = _mixed_tensors()
    model = _weights_model(tensors)
    path = tmp_path / "weights.onnx"
    onnx.save(model, str(path))
    p = payload_of(modelviz.graph(path))
    check_columns(p)
    assert "messages" not in p
    params = _params(p)
    for t in tensors:
        a = numpy_helper.to_array(t)
        s = params[t.name]["stats"]
        assert s == weight_stats(a), t.name  # exactly what the whole tensor in memory gives
        sample = a.reshape(-1)[:: math.ceil(a.size / STATS_SAMPLE)].astype(np.float64)
        assert s["count"] == a.size
        assert s["mean"] == pytest.approx(float(sample.mean()), rel=1e-6, abs=1e-9)
        assert s["std"] == pytest.approx(float(sample.std()), rel=1e-6)
        assert (s["min"], s["max"]) == (float(sample.min()), float(sample.max()))
    assert params["big"]["stats"]["sample"] <= STATS_SAMPLE and params["raw"]["stats"].get("sample") is None
    assert output_of(p, "/out/reshape") == [2, 12]  # shape inference read the small shape initializer
    # the same payload from the file, its bytes and the ModelProto in memory
    untitled = json.dumps({**p, "title": None})
    assert json.dumps({**payload_of(modelviz.graph(path.read_bytes())), "title": None}) == untitled
    assert json.dumps({**payload_of(modelviz.graph(model)), "title": None}) == untitled


def test_external_data_is_read_lazily(tmp_path: Path) -> None:
    tensors = _mixed_tensors()[1:4]
    model = _weights_model(tensors)
    path = tmp_path / "ext" / "model.onnx"
    path.parent.mkdir()
    onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location="w.bin",
              size_threshold=0)  # fmt: skip
    stored = onnx.load(str(path), load_external_data=False)
    external = {t.name for t in stored.graph.initializer if t.data_location == TensorProto.EXTERNAL}
    assert {"shape", "raw", "half"} <= external
    p = payload_of(modelviz.graph(path))
    assert "messages" not in p
    params = _params(p)
    for t in tensors:
        assert params[t.name]["stats"] == weight_stats(numpy_helper.to_array(t)), t.name
    assert output_of(p, "/out/reshape") == [2, 12]  # the external shape initializer is small: read for inference
    # without its weights file the graph still opens, with one message saying what is missing
    (path.parent / "w.bin").rename(path.parent / "elsewhere.bin")
    q = payload_of(modelviz.graph(path))
    assert q["totals"]["nodes"] == p["totals"]["nodes"] and q["totals"]["params"] == p["totals"]["params"]
    assert [m["text"] for m in q["messages"]] == ["the weights file 'w.bin' was not found next to the model"]
    assert {name for name, v in _params(q).items() if "stats" not in v} == external


# -- memory and size --

_MEASURE = """
import gc, json, sys, time
import onnx, modelviz, modelviz.graph._onnx

def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key + ":"))

path, kind, stats = sys.argv[1], sys.argv[2], sys.argv[3] == "stats"
model = onnx.load(path) if kind == "proto" else path
gc.collect()
with open("/proc/self/clear_refs", "w") as f:  # the peak so far (imports, onnx.load) is not the graph's
    f.write("5")
base = status("VmRSS")
t = time.perf_counter()
g = modelviz.graph(model, stats=stats)
print(json.dumps({"increase": status("VmHWM") - base, "seconds": time.perf_counter() - t, "payload": g.payload}))
"""


def measure(path: Path, kind: str = "path", stats: bool = True) -> dict[str, Any]:
    """Peak resident memory ``modelviz.graph`` adds, in a fresh process (imports and, for ``proto``, onnx.load done
    and the peak reset before it starts)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python-shim"), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), kind, "stats" if stats else "-"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# What weight_stats itself allocates for its largest sample (float64 copies for the moments and the histogram).
STATS_BYTES = 32 * STATS_SAMPLE


def test_moderate_model_opens_in_bounded_memory(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    tensors = [
        numpy_helper.from_array(rng.standard_normal((1024, 9 * 1024), dtype=np.float32), f"w{k}") for k in range(4)
    ]
    path = tmp_path / "moderate.onnx"
    onnx.save(_weights_model(tensors), str(path))
    del tensors
    size = path.stat().st_size
    tensor = 4 * 1024 * 9 * 1024
    assert size > 150e6
    # Reading the model costs next to nothing: its weights stay in the file.
    r = measure(path, stats=False)
    assert r["increase"] < size / 10, r["increase"]
    assert r["payload"]["totals"]["params"] == 4 * tensor // 4 + 2
    # Statistics add what one sample of one tensor costs, whatever the size of the file.
    r = measure(path)
    assert r["increase"] < min(size * 0.75, STATS_BYTES), r["increase"]
    assert all("stats" in q for q in _params(r["payload"]).values())
    # A ModelProto already in memory is not copied: one tensor's bytes at a time, while its sample is taken.
    r = measure(path, "proto", stats=False)
    assert r["increase"] < size / 10, r["increase"]
    r = measure(path, "proto")
    assert r["increase"] < tensor + STATS_BYTES, r["increase"]


def write_over_2gb(path: Path, n: int) -> None:
    """A model whose initializer ``big`` (n float32 zeros, inline) makes the file larger than protobuf's 2 GB limit;
    the zeros are a hole in a sparse file, so the test costs no disk."""
    g = helper.make_graph(
        [_node("ReduceMean", ["big"], ["m"], "mean", keepdims=0), _node("Add", ["x", "m"], ["y"], "add")],
        "over2gb",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    big = TensorProto(name="big", data_type=TensorProto.FLOAT, dims=[n])
    header = big.SerializeToString()
    raw = b"\x4a" + _encode_varint(4 * n)  # raw_data (field 9, length-delimited)
    tensor_len = len(header) + len(raw) + 4 * n
    initializer = b"\x2a" + _encode_varint(tensor_len) + header + raw  # GraphProto.initializer (field 5)
    graph_head = model.graph.SerializeToString() + initializer
    graph_len = len(graph_head) + 4 * n
    model.ClearField("graph")
    with open(path, "wb") as f:
        f.write(model.SerializeToString() + b"\x3a" + _encode_varint(graph_len) + graph_head)  # graph (7)
        f.truncate(f.tell() + 4 * n)


def test_model_over_2gb_opens(tmp_path: Path) -> None:
    path = tmp_path / "big.onnx"
    n = (2**31 + 2**27) // 4
    write_over_2gb(path, n)
    assert path.stat().st_size > 2**31
    r = measure(path)
    p = r["payload"]
    assert "messages" not in p, p.get("messages")
    assert p["totals"]["params"] == n and names(p) == ["x", "mean", "add", "y"]
    stats = _params(p)["big"]["stats"]
    assert stats["count"] == n and stats["zeros"] == 1.0 and stats["sample"] <= STATS_SAMPLE
    assert r["increase"] < STATS_BYTES, r["increase"]


# -- paths that are not model files --

_BAD_PATHS = """
import json, sys, time
import modelviz
out = []
for path in sys.argv[1:]:
    t = time.perf_counter()
    g = modelviz.graph(path)
    out.append({"path": path, "seconds": time.perf_counter() - t, "messages": g.messages})
print(json.dumps(out))
"""


def test_paths_that_are_not_models_fail_fast(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.onnx"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.onnx"
    folder.mkdir()
    empty = tmp_path / "empty.onnx"
    empty.touch()
    text = tmp_path / "notes.onnx"
    text.write_text("this is not a model\n" * 1000)
    zipped = tmp_path / "weights.onnx"
    buf = io.BytesIO()
    torch.save({"w": torch.zeros(3)}, buf)
    zipped.write_bytes(buf.getvalue())
    cut = tmp_path / "cut.onnx"
    whole = _weights_model(_mixed_tensors()[1:2]).SerializeToString()
    cut.write_bytes(whole[: len(whole) // 2])
    cases: dict[str, str] = {
        str(fifo): "'pipe.onnx' is a FIFO (named pipe), not an ONNX model file",
        str(folder): "'folder.onnx' is a directory, not an ONNX model file",
        str(tmp_path / "missing.onnx"): f"no such file: {str(tmp_path / 'missing.onnx')!r}",
        str(empty): "'empty.onnx' is empty, not an ONNX model",
        str(text): "'notes.onnx' could not be parsed as an ONNX model (it looks like text)",
        str(zipped): "'weights.onnx' could not be parsed as an ONNX model (it is a zip archive, such as a PyTorch .pt",
        str(cut): "'cut.onnx' could not be parsed as an ONNX model: it is cut short",
    }
    if os.path.exists("/dev/zero"):
        cases["/dev/zero"] = "'zero' is a character device, not an ONNX model file"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python-shim"), os.environ.get("PYTHONPATH", "")])}
    # In a subprocess with a timeout: a regression that hangs on the FIFO fails here instead of hanging the run.
    out = subprocess.run(
        [sys.executable, "-c", _BAD_PATHS, *cases], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for r in results:
        (m,) = r["messages"]
        assert m["level"] == "error" and m["text"].startswith(cases[r["path"]]), (r["path"], m["text"])
        assert r["seconds"] < 2.0, r
