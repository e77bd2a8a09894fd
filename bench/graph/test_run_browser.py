"""Tests of the browser graph benchmark's own parts: the generated models, the group sizes it picks, its result
lines (scripts/bench.sh must count them whatever happened to Netron), and the page-side driver against a stand-in
view that follows the renderer's automation contract.

Run: PYTHONPATH=python-shim .venv/bin/python -m pytest -q bench/graph/test_run_browser.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, modelviz_module
from bench.graph import run_browser as rb
from bench.graph.models import LAYER_OPS, RESIDUAL_UNITS, layered

# scripts/bench.sh's own pattern for a result line, read from the script so that the two cannot drift apart
RESULT_LINE = re.search(r"result_line='([^']+)'", (ROOT / "scripts" / "bench.sh").read_text())


def bench_counts(text: str) -> int:
    """How many lines of ``text`` scripts/bench.sh counts as results (grep -E with its pattern)."""
    assert RESULT_LINE is not None, "scripts/bench.sh no longer defines result_line"
    done = subprocess.run(["grep", "-Ec", RESULT_LINE.group(1)], input=text, capture_output=True, text=True)
    return int(done.stdout.strip() or 0)


@pytest.mark.parametrize("n", [1, 26, 499, 500, 501, 3000])
def test_layered_has_exactly_n_ops_in_500_op_layers(n: int) -> None:
    import onnx

    model = layered(n)
    onnx.checker.check_model(model, full_check=True)  # shapes infer, every input is produced somewhere
    assert len(model.graph.node) == n
    layers = Counter(node.name.split("/")[1] for node in model.graph.node)
    assert list(layers.values())[:-1] == [LAYER_OPS] * (len(layers) - 1)  # all full but the last
    assert sum(layers.values()) == n


def test_layered_has_long_residual_edges() -> None:
    model = layered(1000)
    index = {out: i for i, node in enumerate(model.graph.node) for out in node.output}
    index["x"] = -1
    spans = [i - index[x] for i, node in enumerate(model.graph.node) for x in node.input if x in index]
    # a residual Add reaches back over RESIDUAL_UNITS diamonds of 5 ops (plus the previous residual)
    assert max(spans) == 5 * RESIDUAL_UNITS + 1
    assert sum(s > 5 for s in spans) == 1000 // (5 * RESIDUAL_UNITS + 1)


def test_group_paths_match_the_onnx_names() -> None:
    """The group sizes the runner reads from our payload equal the counts of the ONNX node names. The adapter reads
    a numbered scope as a module path (``/layers.0/...`` -> group ``layers`` holding ``0``, as torch's ``layers.0``),
    so each layer is ``layers/<L>`` inside one ``layers`` group."""
    modelviz = modelviz_module()
    model = layered(2 * LAYER_OPS + 7)
    payload = json.loads(json.dumps(modelviz.graph(model).payload))
    groups = rb.group_paths(payload, modelviz_module("modelviz._tensor").decode)
    expected = Counter(node.name.split("/")[1].replace(".", "/") for node in model.graph.node)
    assert dict(groups) == dict(expected) | {"layers": len(model.graph.node)}
    assert groups[0] == ("layers", 2 * LAYER_OPS + 7) and groups[1][1] == LAYER_OPS and groups[-1][1] == 7


def fake_ours(**kw: Any) -> rb.Ours:
    base: dict[str, Any] = {"model": "10k", "nodes": 10_002, "payload_mb": 1.5, "build_s": 1.0}
    o = rb.Ours(**base)
    for k, v in kw.items():
        setattr(o, k, v)
    return o


INTERACTIVE = {
    "interactive": True,
    "first_paint": [40.0, 50.0, 60.0],
    "expand_all": [400.0, 500.0, 600.0],
    "expand500": [30.0, 35.0, 40.0],
    "group": "layers.9",
    "group_size": 500,
    "stats_collapsed": {"visibleNodes": 22, "visibleEdges": 21, "visibleGroups": 20, "labels": 22},
    "stats_expanded": {"visibleNodes": 10_002, "visibleEdges": 12_000, "visibleGroups": 0, "labels": 300},
    "pan": {
        "frameMs": [5.0] * 30 + [7.0] * 30,
        "syncMs": [1.0] * 60,
        "drawMs": [4.0] * 10,
        "intervals": [16.7] * 59,
        "gpuSync": True,
        "before": {"visibleNodes": 5_010},
    },
}


@pytest.mark.parametrize(
    ("netron", "ratio_text"),
    [
        (rb.Netron("drawn", 150_000.0, nodes=10_002), "ratio 3000.0x faster"),  # 150 s / 50 ms
        (rb.Netron("timeout", 240_000.0, detail="not drawn in 240 s"), "ratio >4800x faster (Netron not drawn"),
        (rb.Netron("oom", 95_000.0, detail="page crashed (out of memory)"), "ratio n/a (Netron out of memory after 95"),
        (rb.Netron("skipped", detail="--no-netron"), "ratio n/a (--no-netron)"),
    ],
)
def test_result_lines_are_counted_whatever_netron_did(netron: rb.Netron, ratio_text: str) -> None:
    lines = rb.report(fake_ours(**INTERACTIVE), netron)
    names = [ln.split()[0] for ln in lines]
    assert names == ["graph/first-paint-10k", "graph/expanded-10k", "graph/expand-500-10k", "graph/pan-5k"]
    assert bench_counts("\n".join(lines)) == 4
    assert ratio_text in re.sub(r"\s+", " ", lines[0])


def test_expanded_is_first_paint_plus_expand_all_and_targets_are_judged() -> None:
    lines = rb.report(fake_ours(**INTERACTIVE), rb.Netron("drawn", 5_000.0))
    text = {ln.split()[0]: re.sub(r"\s+", " ", ln) for ln in lines}
    assert "ours 550 ms" in text["graph/expanded-10k"]  # median of 440, 550, 660
    assert "ratio 9.1x faster" in text["graph/expanded-10k"]  # 5000 / 550
    assert "ours 35 ms" in text["graph/expand-500-10k"] and "meets target" in text["graph/expand-500-10k"]
    assert "ours 6.0 ms" in text["graph/pan-5k"] and "meets target" in text["graph/pan-5k"]
    slow = dict(INTERACTIVE, expand500=[150.0])
    assert "MISSES target" in rb.report(fake_ours(**slow), rb.Netron("drawn", 5_000.0))[2]


def test_expanded_line_flags_a_graph_that_did_not_fully_expand() -> None:
    partial = dict(INTERACTIVE, stats_expanded={"visibleNodes": 9_000})
    assert "CHECK: 9000 nodes visible of 10002" in rb.report(fake_ours(**partial), rb.Netron("drawn", 1.0))[1]


def test_placeholder_renderer_gives_a_first_paint_line_and_says_so() -> None:
    o = fake_ours(first_paint=[10.0], placeholder_text="modelviz graph: 10002 nodes")
    lines = rb.report(o, rb.Netron("drawn", 150_000.0))
    assert bench_counts("\n".join(lines)) == 1
    assert "PLACEHOLDER, renderer not interactive yet" in lines[0]
    assert lines[1].startswith("graph/expanded-10k") and "not measured" in lines[1]


# ------------------------------------------------------------ the page-side driver, in Chromium


STAND_IN = """
// A stand-in for the graph view: the automation contract, with a layout that stays busy for `delay` ms.
(delay) => {
  const box = document.createElement('div');
  box.id = 'out-fake';
  const el = document.createElement('div');
  el.className = 'mv-GraphView';
  el.dataset.mvLayout = 'idle';
  let visible = 1, x = 0;
  el.mvGraph = {
    async expand(path) {
      el.dataset.mvLayout = 'busy';
      setTimeout(() => { visible += 500; el.dataset.mvLayout = 'idle'; }, delay);
    },
    collapse() { visible -= 500; },
    async expandAll() { visible = 10000; },
    fit() {},
    panBy(dx) { x += dx; const t = performance.now(); while (performance.now() - t < 2) {} },
    draw() { return 1.5; },
    stats() { return { visibleNodes: visible, visibleEdges: 0, visibleGroups: 0, labels: 0, x }; },
  };
  box.appendChild(el);
  document.body.appendChild(box);
}
"""


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    harness = Path(os.environ.get("MV_HARNESS", ROOT / "build" / "harness"))
    if not (harness / "index.html").exists():
        pytest.fail(f"no harness page at {harness} (bash scripts/setup.sh, or set MV_HARNESS)")
    with sync_playwright() as pw, rb.static_server(harness) as url:
        browser = pw.chromium.launch(executable_path=rb.CHROMIUM, args=rb.CHROMIUM_ARGS, headless=True)
        try:
            yield rb.open_harness(browser, url, "{}")
        finally:
            browser.close()


def test_expand_is_timed_until_the_layout_is_idle(page: Any) -> None:
    page.evaluate(STAND_IN, 120)
    out = rb.step(page, "op", "out-fake", "expand", "layers.0", 1)
    assert out["ms"] >= 120  # the promise resolved at once, the layout stayed busy for 120 ms
    assert out["stats"]["visibleNodes"] == 501
    shown = rb.step(page, "expandUntil", "out-fake", [f"layers.{i}" for i in range(20)], 5_000)["stats"]
    assert shown["visibleNodes"] == 5_001  # stopped as soon as 5,000 were visible
    pan = rb.step(page, "pan", "out-fake", 20, 12, 60_000)
    assert len(pan["frameMs"]) == 20 and min(pan["frameMs"]) >= 2
    assert pan["gpuSync"] is False  # the stand-in has no canvas: the synchronous part only
    assert pan["stats"]["x"] == 0  # back and forth: the view ends where it started
    assert pan["drawMs"] == [1.5] * 10
    assert len(rb.step(page, "pan", "out-fake", 20, 12, 1)["frameMs"]) == 1  # the time budget cuts the frames short
    page.evaluate("() => document.getElementById('out-fake').remove()")


def test_pan_waits_for_the_pixels_of_a_webgl_view(page: Any) -> None:
    page.evaluate(STAND_IN, 0)
    page.evaluate(
        """() => {
        const el = document.querySelector('#out-fake .mv-GraphView');
        const canvas = document.createElement('canvas');
        el.appendChild(canvas);
        const gl = canvas.getContext('webgl2');
        el.mvGraph.panBy = () => { gl.clearColor(1, 0, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT); };
        }"""
    )
    pan = rb.step(page, "pan", "out-fake", 5, 12, 60_000)
    assert pan["gpuSync"] is True and len(pan["frameMs"]) == 5
    assert all(f >= s for f, s in zip(pan["frameMs"], pan["syncMs"], strict=True))
    page.evaluate("() => document.getElementById('out-fake').remove()")


def test_a_view_without_the_contract_is_reported_not_crashed(page: Any) -> None:
    with pytest.raises(rb.StepError, match="renderer not interactive yet"):
        rb.step(page, "op", "out-missing", "expandAll", None, 1)


def test_a_step_that_never_ends_hits_the_time_limit(page: Any) -> None:
    page.evaluate(STAND_IN, 60_000)
    with pytest.raises(rb.StepError, match="did not finish in 1 s"):
        rb.step(page, "op", "out-fake", "expand", "layers.0", 1, limit_s=1)
    page.evaluate("() => document.getElementById('out-fake').remove()")
