"""Tests of the real-architecture graph benchmarks' own parts (bench/graph/run_real.py, run_real_e2e.py,
real_models.py): the block they zoom onto, the kernel's timing of its execution, their result lines (scripts/bench.sh
must count them whatever happened to Netron), the memory and payload figures; then both runners end to end on tiny
models (a real JupyterLab, kernel and Netron for the second), so that CI catches a broken runner.

Run: PYTHONPATH=python-shim .venv/bin/python -m pytest -q bench/graph/test_run_real.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, modelviz_module
from bench.graph import real_models
from bench.graph import run_real as rr
from bench.graph import run_real_e2e as re2e
from bench.graph.run_browser import Netron
from bench.graph.test_run_browser import bench_counts


@pytest.mark.parametrize(
    ("paths", "block"),
    [
        (["conv1", "layer1", "layer1/0", "layer1/0/downsample", "layer1/0/downsample/0", "layer2/0"], "layer1/0"),
        (["transformer", "transformer/h", "transformer/h/0", "transformer/h/1", "lm_head"], "transformer/h/0"),
        (["stage2/0", "stage1/0"], "stage2/0"),  # of two at one depth, the earlier in the payload's order
        (["transformer", "transformer/h.0", "transformer/h.1"], "transformer/h.0"),
        (["encoder", "encoder/layers", "encoder/layers/encoder_layer_0"], "encoder/layers/encoder_layer_0"),
        (["embed", "encoder/layer10", "head"], None),  # "layer10" is not a first block
        ([], None),
    ],
)
def test_first_block_is_the_shallowest_first_of_a_list(paths: list[str], block: str | None) -> None:
    assert re2e.first_block(paths) == block


def test_kernel_time_comes_from_jupyterlab_record_timing() -> None:
    execution = {
        "iopub.status.busy": "2026-12-03T06:00:00.000Z",
        "shell.execute_reply.started": "2026-12-03T06:00:00.010Z",
        "shell.execute_reply": "2026-12-03T06:00:01.260Z",
    }
    assert re2e.kernel_s(execution) == pytest.approx(1.25)
    assert re2e.kernel_s(None) is None and re2e.kernel_s({"shell.execute_reply": "x"}) is None


def cell_round(ms: float, **kw: Any) -> dict[str, Any]:
    r = {"ms": ms, "outputMs": ms * 0.8, "stats": {"visibleNodes": 40, "visibleEdges": 45, "visibleGroups": 9}}
    return r | {"messages": ["Traced with torch.export."], "execution": None, "state": "rendered"} | kw


def model_run(netron: list[Netron]) -> re2e.ModelRun:
    run = re2e.ModelRun("gpt2")
    run.ours.rounds = [cell_round(3000.0), cell_round(1000.0), cell_round(1200.0), cell_round(800.0)]
    run.ours_onnx.rounds = [cell_round(2000.0), cell_round(500.0)]
    run.netron = netron
    return run


@pytest.mark.parametrize(
    ("netron", "ratio_text"),
    [
        ([Netron("drawn", 9000.0, nodes=900), Netron("drawn", 3000.0), Netron("drawn", 2000.0)], "ratio 2.5x faster"),
        ([Netron("drawn", 500.0)], "ratio 2.0x slower"),  # one round: its only figure is the median
        ([Netron("timeout", 240_000.0, detail="not drawn in 240 s")], "ratio n/a (Netron timeout after 240 s"),
        ([], "ratio n/a (--no-netron)"),
    ],
)
def test_e2e_lines_are_counted_whatever_netron_did(netron: list[Netron], ratio_text: str) -> None:
    lines = re2e.report(model_run(netron), no_netron=not netron)
    assert [ln.split()[0] for ln in lines] == ["graph/cell-gpt2", "graph/cell-gpt2-onnx"]
    assert bench_counts("\n".join(lines)) == 2
    text = re.sub(r"\s+", " ", lines[0])
    assert "ours 1.00 s" in text  # the median of the rounds after the first (1000, 1200, 800)
    assert "first in the fresh kernel 3.00 s" in text
    assert "output in the page at 0.80 s, drawn 0.20 s after it" in text  # the breakdown of the median round
    assert ratio_text in text


def test_e2e_summary_gives_netron_over_ours() -> None:
    run = model_run([Netron("drawn", 9000.0), Netron("drawn", 2000.0), Netron("drawn", 3000.0)])
    rows = re2e.summary_table([run, re2e.ModelRun("bert")])
    assert rows[1].split() == ["gpt2", "1.00", "0.50", "2.50", "2.50", "5.00"]
    assert rows[2].split() == ["bert", "-", "-", "-", "-", "-"]


def test_a_cell_that_never_drew_is_reported_not_counted() -> None:
    run = model_run([Netron("drawn", 2000.0)])
    run.ours_onnx = re2e.CellRuns(rounds=[cell_round(900.0)], error="the graph not done in 600 s")
    lines = re2e.report(run, no_netron=False)
    assert bench_counts("\n".join(lines)) == 1
    assert lines[1].startswith("graph/cell-gpt2-onnx") and "not measured: the graph not done in 600 s" in lines[1]


# ------------------------------------------------------------ kernel side


def test_peak_memory_of_a_call_is_its_own() -> None:
    if not rr.reset_peak():
        pytest.fail("/proc/self/clear_refs cannot reset the peak here: the memory figures would be wrong")
    calls = rr.Calls()
    calls.record(lambda: len(b"x" * 200_000_000))  # 200 MB written and freed inside the call
    assert 150 < calls.peak_mb < 400
    small = rr.Calls()
    small.record(lambda: None)
    assert small.peak_mb < 50  # the earlier peak was reset


def test_payload_facts_count_folded_nodes() -> None:
    encode = modelviz_module("modelviz._tensor").encode
    import numpy as np

    class FakeGraph:
        def __init__(self) -> None:
            self.payload = {
                "totals": {"nodes": 5, "params": 10},
                "nodes": {"fold": encode(np.array([-1, 0, 0, -1, 3], dtype=np.int32))},
                "edges": {"src": encode(np.array([0, 3], dtype=np.int32))},
                "groups": {"name": encode(np.array([1], dtype=np.int32))},
                "messages": [{"level": "info", "text": "Traced with torch.export."}],
            }

        def _repr_mimebundle_(self) -> dict[str, Any]:
            return {"text/plain": "x", "application/vnd.modelviz.graph.v1+json": self.payload}

    facts = rr.payload_facts(FakeGraph())
    assert (facts["nodes"], facts["folded"], facts["edges"], facts["groups"]) == (5, 3, 2, 1)
    assert facts["messages"] == ["Traced with torch.export."] and facts["bytes"] > 100


def test_kernel_lines_are_counted_and_say_what_failed() -> None:
    calls = {"cold_s": 0.5, "times": [0.2, 0.3, 0.1], "peak_mb": 12.0, "rss_peak_mb": 500.0}
    payload = {"bytes": 10**5, "dumps_s": 0.01, "nodes": 10, "folded": 4, "edges": 9, "groups": 2, "messages": []}
    r = {"calls": {"forward": calls, "graph": calls, "graph_inputs": calls}, "payload": payload,
         "payload_inputs": payload}  # fmt: skip
    lines = rr.report_torch("gpt2", r)
    assert bench_counts("\n".join(lines)) == 2
    assert "10 nodes (6 drawn, 4 folded)" in lines[1] and "ours 200 ms" in lines[1]
    ours = {"calls": calls, "payload": payload, "baseline_mb": 60.0, "file_mb": 498.0, "peak_reset": True}
    load = dict(ours, payload=None, calls=dict(calls, rss_peak_mb=1000.0))
    lines = rr.report_onnx("gpt2", "dynamo", ours, load)
    assert [ln.split()[0] for ln in lines] == ["graph/kernel-gpt2-onnx", "graph/memory-gpt2-onnx"]
    assert bench_counts("\n".join(lines)) == 2 and "target < 600 MB: meets" in lines[1]
    assert "ratio 2.0x smaller" in re.sub(r"\s+", " ", lines[1])  # 500 MB against onnx.load's 1000 MB
    failed = rr.report_onnx("gpt2", "legacy", {"error": "worker exited with 1: boom"}, load)
    assert bench_counts("\n".join(failed)) == 0 and "not measured: worker exited with 1: boom" in failed[0]


def test_tiny_models_have_the_inputs_the_runners_pass() -> None:
    import torch

    for name in ("gpt2", "bert"):
        model, inputs = real_models.build(name, "tiny")
        assert sorted(inputs) == ["attention_mask", "input_ids"]  # keyword inputs, BERT without token_type_ids
        with torch.no_grad():
            model(**inputs)
    assert real_models.onnx_path("gpt2", "tiny", "legacy").name.startswith("gpt2-tiny-legacy-")


# ------------------------------------------------------------ the runners, end to end on tiny models


def run_runner(script: str, *argv: str, timeout: float = 600) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python-shim"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "graph" / script), *argv], capture_output=True,
                          text=True, timeout=timeout, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_kernel_runner_end_to_end_on_a_tiny_model() -> None:
    out = run_runner("run_real.py", "--size", "tiny", "--models", "gpt2", "--reps", "1", "--exporters", "dynamo")
    assert bench_counts(out) == 4, out  # kernel-gpt2, kernel-gpt2-inputs, kernel-gpt2-onnx, memory-gpt2-onnx
    assert "not measured" not in out, out


def test_jupyterlab_runner_end_to_end_on_a_tiny_model(tmp_path: Path) -> None:
    out = run_runner("run_real_e2e.py", "--size", "tiny", "--models", "gpt2", "--rounds", "1", "--shots-dir",
                     str(tmp_path))  # fmt: skip
    assert bench_counts(out) == 2, out
    assert "anchor(Netron) " in out and "not measured" not in out, out
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert {"netron-compare-gpt2-ours.png", "netron-compare-gpt2-netron.png"} <= set(shots), (shots, out)
