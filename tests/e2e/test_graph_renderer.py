"""The interactive graph renderer in real Chromium (WebGL through SwiftShader) on the harness page.

Payloads come from real models (tests/python/graph_models.py) through ``modelviz.graph``; expected counts are computed
here from those payloads, never typed in. Screenshots go to tests/screenshots/harness-graph-*.png.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from .conftest import HARNESS, ROOT, screenshot_path

sys.path.insert(0, str(ROOT / "tests" / "python"))
sys.path.insert(0, str(ROOT / "python-shim"))
os.environ.setdefault("KERAS_BACKEND", "torch")

import graph_models
import modelviz

MIME = "application/vnd.modelviz.graph.v1+json"
TIMES = "\u00d7"  # the multiplication sign of shape labels


def col(t: dict[str, Any]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(t["data"]), dtype=np.dtype(t["dtype"]).newbyteorder("<"))


@pytest.fixture(scope="module")
def resnet() -> dict[str, Any]:
    import torch

    return modelviz.graph(graph_models.resnet50(), (torch.randn(1, 3, 64, 64),)).payload


@pytest.fixture(scope="module")
def transformer() -> dict[str, Any]:
    import torch

    model = graph_models.transformer()
    return modelviz.graph(model, (torch.randint(0, 100, (2, 12)),)).payload


@pytest.fixture(scope="module")
def chain50k() -> str:
    return json.dumps(modelviz.graph(graph_models.onnx_chain(50_000)).payload)


VIEWPORT = (900, 900)


def render(page: Page, payload: dict[str, Any] | str, theme: str = "light", width: int = 760) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    # a string crosses the DevTools protocol far faster than a deep object
    out: str = page.evaluate(
        "([m, s, t, w]) => window.modelviz.render(m, JSON.parse(s), t, w)", [MIME, text, theme, width]
    )
    return out


def graph(page: Page, out: str, expr: str) -> Any:
    """Evaluate `expr` with `g` bound to the output's mvGraph automation hook (awaited)."""
    hook = "document.querySelector('#' + id + ' .mv-GraphView').mvGraph"
    return page.evaluate(f"async (id) => {{ const g = {hook}; return await ({expr}); }}", out)


def wait_idle(page: Page, out: str) -> None:
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' .mv-GraphView').dataset.mvLayout === 'idle'", arg=out
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def stage_pixels(page: Page, out: str, name: str) -> np.ndarray:
    path = screenshot_path(name)
    page.locator(f"#{out} .mv-GraphStage").screenshot(path=str(path))
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def click_box(page: Page, out: str, name: str, header: bool = False) -> None:
    """Clicks the middle of a drawn box, or the header of an open group (its middle is covered by its children)."""
    box = graph(page, out, f"g.locate({json.dumps(name)})")
    assert box is not None, f"{name} is not drawn"
    stage = page.locator(f"#{out} .mv-GraphStage").bounding_box()
    assert stage is not None
    x, y = (box["x"] + 6, box["y"] + 6) if header else (box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    page.mouse.click(stage["x"] + x, stage["y"] + y)


def group_index(p: dict[str, Any], path: str) -> int:
    names = [p["strings"][k] for k in col(p["groups"]["name"])]
    parents = col(p["groups"]["parent"])

    def full(j: int) -> str:
        return names[j] if parents[j] < 0 else f"{full(int(parents[j]))}/{names[j]}"

    return next(j for j in range(len(names)) if full(j) == path)


def test_resnet_collapsed_first_paint_light_and_dark(page: Page, resnet: dict[str, Any]) -> None:
    top_groups = int((col(resnet["groups"]["parent"]) == -1).sum())
    top_nodes = int((col(resnet["nodes"]["group"]) == -1).sum())
    for theme in ("light", "dark"):
        out = render(page, resnet, theme)
        root = page.locator(f"#{out} .mv-Root")
        assert root.get_attribute("data-mv-state") == "rendered"
        stats = graph(page, out, "g.stats()")
        assert stats["visibleGroups"] == top_groups
        assert stats["visibleNodes"] == top_nodes
        # the small top level was laid out on the main thread; the Blob worker starts (from the file:// page) after
        # the first paint, ready for big expansions
        page.wait_for_function(
            "id => document.querySelector('#' + id + ' .mv-GraphView').mvGraph.stats().worker", arg=out, timeout=10_000
        )
        assert stats["labels"] > 0
        summary = page.locator(f"#{out} .mv-Summary").text_content() or ""
        assert f"{len(col(resnet['nodes']['name'])):,} nodes" in summary and "via fx" in summary
        page.locator(f"#{out}").screenshot(path=str(screenshot_path(f"harness-graph-resnet-{theme}")))
        px = stage_pixels(page, out, f"harness-graph-resnet-{theme}-stage")
        corner = px[3, -4]
        assert (corner.mean() < 60) == (theme == "dark"), corner
        # boxes drawn: plenty of pixels far from the background colour
        assert (np.abs(px - corner).sum(axis=2) > 60).mean() > 0.01


def test_click_expands_groups_and_pixels_change(page: Page, resnet: dict[str, Any]) -> None:
    out = render(page, resnet)
    before = graph(page, out, "g.stats()")
    px0 = stage_pixels(page, out, "harness-graph-resnet-click-0")
    click_box(page, out, "layer1")
    wait_idle(page, out)
    after = graph(page, out, "g.stats()")
    layer1 = group_index(resnet, "layer1")
    children = int((col(resnet["groups"]["parent"]) == layer1).sum())
    assert after["visibleGroups"] == before["visibleGroups"] + children  # layer1 stays, as a container
    px1 = stage_pixels(page, out, "harness-graph-resnet-click-1")
    assert np.abs(px1 - px0).sum(axis=2).astype(bool).mean() > 0.02
    block = group_index(resnet, "layer1/0")
    direct = int((col(resnet["nodes"]["group"]) == block).sum())
    click_box(page, out, "layer1/0")
    wait_idle(page, out)
    assert graph(page, out, "g.stats()")["visibleNodes"] == after["visibleNodes"] + direct
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-resnet-expanded")))
    # clicking the open container collapses it again
    click_box(page, out, "layer1/0", header=True)
    wait_idle(page, out)
    assert graph(page, out, "g.stats()")["visibleNodes"] == after["visibleNodes"]


def test_search_jumps_expands_and_highlights(page: Page, resnet: dict[str, Any]) -> None:
    names = [resnet["strings"][k] for k in col(resnet["nodes"]["name"])]
    ops = [resnet["strings"][k] for k in col(resnet["nodes"]["op"])]
    query = "conv2"
    expected = [i for i, (n, o) in enumerate(zip(names, ops, strict=True)) if query in n.lower() or query in o.lower()]
    assert len(expected) > 3
    out = render(page, resnet)
    box = page.locator(f"#{out} .mv-GraphSearch")
    box.fill(query.upper())
    count = page.locator(f"#{out} .mv-GraphCount")
    assert count.text_content() == f"{len(expected)} matches"
    box.press("Enter")
    page.wait_for_function(
        "([id, t]) => document.querySelector('#' + id + ' .mv-GraphCount').textContent === t",
        arg=[out, f"1 of {len(expected)}"],
    )
    wait_idle(page, out)
    title = page.locator(f"#{out} .mv-GraphPanel-title")
    assert title.text_content() == names[expected[0]]
    assert graph(page, out, f"g.locate({json.dumps(names[expected[0]])})") is not None
    box.press("Enter")
    page.wait_for_function(
        "([id, t]) => document.querySelector('#' + id + ' .mv-GraphCount').textContent === t",
        arg=[out, f"2 of {len(expected)}"],
    )
    wait_idle(page, out)
    assert title.text_content() == names[expected[1]]
    px = stage_pixels(page, out, "harness-graph-resnet-search")
    # the current match is outlined in orange (230, 81, 0), other matches in amber
    orange = (np.abs(px - np.array([230, 81, 0])).sum(axis=2) < 60).sum()
    amber = (np.abs(px - np.array([249, 168, 37])).sum(axis=2) < 60).sum()
    assert orange > 20 and amber > 20, (orange, amber)


def test_details_panel_shows_conv_attributes_and_histogram(page: Page, resnet: dict[str, Any]) -> None:
    names = [resnet["strings"][k] for k in col(resnet["nodes"]["name"])]
    ops = [resnet["strings"][k] for k in col(resnet["nodes"]["op"])]
    conv = next(i for i, o in enumerate(ops) if o == "Conv2d")
    detail = next(d for d in resnet["details"] if d["node"] == conv)
    kernel = next(a["value"] for a in detail["attrs"] if a["key"] == "kernel_size")
    out = render(page, resnet)
    click_box(page, out, names[conv])  # a top-level node: conv1
    panel = page.locator(f"#{out} .mv-GraphPanel")
    assert panel.is_visible()
    text = panel.text_content() or ""
    assert "kernel_size" in text and json.dumps(kernel, separators=(",", ":")) in text
    weight = detail["params"][0]
    assert f"[{', '.join(map(str, weight['shape']))}]" in text
    assert f"{int(np.prod(weight['shape'])):,}" in text
    bars = panel.locator(".mv-GraphHistogram rect")
    assert bars.count() == 32
    heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(32)]
    counts = col(weight["stats"]["histogram"]["counts"])
    assert int(np.argmax(heights)) == int(np.argmax(counts))
    # inputs from the incoming edges' tensors, output from the node's output column
    dst, tensor = (col(resnet["edges"][k]) for k in ("dst", "tensor"))
    incoming = next(resnet["tensors"][tensor[i]] for i in range(len(dst)) if dst[i] == conv and tensor[i] >= 0)
    produced = resnet["tensors"][col(resnet["nodes"]["output"])[conv]]
    for t in (incoming, produced):
        assert f"[{', '.join(str(d) for d in t['shape'])}] {t['dtype']}" in text, t
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-resnet-details")))


def test_colour_mode_changes_pixels_and_legend(page: Page, resnet: dict[str, Any]) -> None:
    out = render(page, resnet)
    px0 = stage_pixels(page, out, "harness-graph-resnet-colour-op")
    page.locator(f"#{out} .mv-GraphMode").select_option("params")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    px1 = stage_pixels(page, out, "harness-graph-resnet-colour-params")
    assert np.abs(px1 - px0).sum(axis=2).astype(bool).mean() > 0.01
    legend = page.locator(f"#{out} .mv-GraphLegend").text_content() or ""
    assert legend.startswith("Parameters")
    total = resnet["totals"]["params"]
    top = max(total, 1)
    assert "M" in legend or str(top) in legend


def test_export_svg_and_png_downloads(page: Page, resnet: dict[str, Any]) -> None:
    out = render(page, resnet)
    with page.expect_download() as dl:
        page.locator(f"#{out} button[data-action='svg']").click()
    svg = Path(dl.value.path()).read_text()
    assert dl.value.suggested_filename.endswith(".svg")
    assert svg.startswith("<svg") and "<script" not in svg
    for label in ("layer1", "layer4", "conv1 · Conv2d"):
        assert f">{label}<" in svg, label
    with page.expect_download() as dl:
        page.locator(f"#{out} button[data-action='png']").click()
    png = Image.open(io.BytesIO(Path(dl.value.path()).read_bytes())).convert("RGB")
    arr = np.asarray(png).astype(int)
    assert png.size[0] >= 700 and png.size[1] >= 200
    assert (np.abs(arr - arr[2, 2]).sum(axis=2) > 60).mean() > 0.01
    png.save(screenshot_path("harness-graph-resnet-export"))


def test_edge_hover_shows_tensor_shape(page: Page, resnet: dict[str, Any]) -> None:
    names = [resnet["strings"][k] for k in col(resnet["nodes"]["name"])]
    src, dst, tensor = (col(resnet["edges"][k]) for k in ("src", "dst", "tensor"))
    groups = col(resnet["nodes"]["group"])
    # an edge between two top-level nodes that carries a known tensor
    e = next(i for i in range(len(src)) if groups[src[i]] == -1 and groups[dst[i]] == -1 and tensor[i] >= 0)
    info = resnet["tensors"][tensor[e]]
    out = render(page, resnet)
    graph(page, out, "g.collapseAll()")
    a = graph(page, out, f"g.locate({json.dumps(names[src[e]])})")
    b = graph(page, out, f"g.locate({json.dumps(names[dst[e]])})")
    stage = page.locator(f"#{out} .mv-GraphStage").bounding_box()
    assert a and b and stage
    x = stage["x"] + (a["x"] + a["w"] / 2 + b["x"] + b["w"] / 2) / 2
    y = stage["y"] + (a["y"] + a["h"] + b["y"]) / 2
    page.mouse.move(x - 20, y)
    page.mouse.move(x, y)
    tip = page.locator(f"#{out} .mv-GraphTooltip")
    tip.wait_for(state="visible")
    shape = f"[{', '.join(str(d) for d in info['shape'])}] {info['dtype']}"
    assert shape in (tip.text_content() or "")
    # node hover: name and op
    page.mouse.move(stage["x"] + a["x"] + a["w"] / 2, stage["y"] + a["y"] + a["h"] / 2)
    page.wait_for_function(
        "([id, n]) => document.querySelector('#' + id + ' .mv-GraphTooltip').textContent.startsWith(n)",
        arg=[out, names[src[e]]],
    )
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-resnet-hover")))


def test_transformer_expanded_with_fallback_notice(page: Page, transformer: dict[str, Any]) -> None:
    out = render(page, transformer, "dark")
    # the kernel's message says why it fell back, in one sentence with the reason behind "details"; the raw reason
    # is not repeated above the graph
    assert transformer["source"]["fallback_reason"] and transformer["messages"]
    assert not page.locator(f"#{out} .mv-GraphNotice").is_visible()
    message = page.locator(f"#{out} .mv-Message").first
    assert message.is_visible()
    assert len(message.evaluate("m => m.firstChild.textContent")) <= 200
    message.locator("summary").click()
    assert message.locator("pre").is_visible()
    for path in ("encoder", "encoder/layers", "encoder/layers/0"):
        graph(page, out, f"g.expand({json.dumps(path)})")
    stats = graph(page, out, "g.stats()")
    layer0 = group_index(transformer, "encoder/layers/0")
    assert graph(page, out, "g.locate('encoder/layers/0')") is not None
    inner = int((col(transformer["nodes"]["group"]) == layer0).sum())
    assert stats["visibleNodes"] >= inner
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-transformer-expanded")))
    graph(page, out, "g.expandAll()")
    # every node that is not folded into another (payload 1.2 plumbing folding) is drawn
    fold = transformer["nodes"].get("fold")
    drawn = int((col(fold) < 0).sum()) if fold else len(col(transformer["nodes"]["name"]))
    assert graph(page, out, "g.stats()")["visibleNodes"] == drawn


def test_50k_nodes_collapsed_fast_and_expand_all_finishes(page: Page, chain50k: str) -> None:
    p = json.loads(chain50k)
    top = int((col(p["groups"]["parent"]) == -1).sum())
    t0 = time.perf_counter()
    out = render(page, chain50k)
    first_paint = time.perf_counter() - t0
    stats = graph(page, out, "g.stats()")
    assert stats["visibleGroups"] == top
    assert first_paint < 15, first_paint
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-50k-collapsed")))
    t0 = time.perf_counter()
    graph(page, out, "g.expandAll()")
    expand_all = time.perf_counter() - t0
    stats = graph(page, out, "g.stats()")
    assert stats["visibleNodes"] == len(col(p["nodes"]["name"]))
    assert expand_all < 30, expand_all
    ms = graph(page, out, "g.draw()")  # 50k boxes and edges, rasterised in software (SwiftShader)
    assert ms < 10_000, ms
    print(f"50k: first paint {first_paint:.1f}s, expand all {expand_all:.1f}s, one frame expanded {ms:.0f}ms")
    assert page.locator(f"#{out} .mv-GraphStatus").text_content()  # says the layout was simplified
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-50k-expanded")))


def test_error_payload_shows_a_message(page: Page, resnet: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(resnet))
    n = len(col(bad["nodes"]["name"]))
    dst = col(bad["edges"]["dst"]).copy()
    dst[0] = n + 5
    bad["edges"]["dst"]["data"] = base64.b64encode(dst.astype(dst.dtype).tobytes()).decode()
    out = render(page, bad)
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "error"
    text = page.locator(f"#{out} .mv-Error").text_content() or ""
    assert "/edges/dst" in text and f"outside the {n} nodes" in text
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-error")))


def test_script_names_are_literal_text(page: Page) -> None:
    from onnx import TensorProto, helper

    evil = "<script>window.__pwned = 1</script>"
    img = '<img src=x onerror="window.__pwned = 2">'
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name=f"/{img}/{evil}"),
        helper.make_node("Neg", ["a"], ["y"], name="/plain/neg"),
    ]
    g = helper.make_graph(
        nodes,
        evil,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    payload = modelviz.graph(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])).payload
    out = render(page, payload)
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "rendered"
    graph(page, out, "g.expandAll()")
    node_name = next(s for s in payload["strings"] if s.endswith(evil))
    graph(page, out, f"g.select({json.dumps(node_name)})")
    assert page.locator(f"#{out} .mv-GraphPanel-title").text_content() == node_name
    assert page.locator(f"#{out} script, #{out} img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-script-names")))


def test_thirty_outputs_created_and_disposed_release_webgl(page: Page) -> None:
    small = json.dumps(modelviz.graph(graph_models.onnx_chain(120)).payload)
    for _ in range(30):
        out = render(page, small)
        assert graph(page, out, "g.stats()")["visibleGroups"] > 0
        page.evaluate("id => window.modelviz.dispose(id)", out)
    assert page.locator(".mv-GraphView").count() == 0
    out = render(page, small)
    px = stage_pixels(page, out, "harness-graph-after-30-disposals")
    assert (np.abs(px - px[3, -4]).sum(axis=2) > 60).mean() > 0.01
    assert page.locator(f"#{out} .mv-GraphStatus").text_content() == ""  # no "context lost"


def test_without_workers_layout_runs_on_the_main_thread(browser: Browser, resnet: dict[str, Any]) -> None:
    # As in a host whose content security policy refuses blob: workers: the same layout, computed in slices.
    p = browser.new_page(viewport={"width": 900, "height": 900})
    p.add_init_script("delete window.Worker")
    p.goto(HARNESS.as_uri())
    p.wait_for_function("document.body.dataset.ready === 'true'")
    out = render(p, resnet)
    stats = graph(p, out, "g.stats()")
    assert stats["worker"] is False
    assert stats["visibleGroups"] == int((col(resnet["groups"]["parent"]) == -1).sum())
    graph(p, out, "g.expand('layer2')")
    assert graph(p, out, "g.locate('layer2/0')") is not None
    p.close()


def test_lost_webgl_context_is_explained_and_redrawn(page: Page, resnet: dict[str, Any]) -> None:
    out = render(page, resnet)
    page.evaluate(
        """id => { const c = document.querySelector('#' + id + ' .mv-GraphCanvas');
                   window.__lose = c.getContext('webgl2').getExtension('WEBGL_lose_context');
                   window.__lose.loseContext(); }""",
        out,
    )
    status = page.locator(f"#{out} .mv-GraphStatus")
    status.wait_for(state="visible")
    assert "WebGL context was lost" in (status.text_content() or "")
    page.evaluate("() => window.__lose.restoreContext()")
    page.wait_for_function("id => !document.querySelector('#' + id + ' .mv-GraphStatus').textContent", arg=out)
    px = stage_pixels(page, out, "harness-graph-context-restored")
    assert (np.abs(px - px[3, -4]).sum(axis=2) > 60).mean() > 0.01


def test_wheel_zooms_at_cursor_drag_pans_dblclick_fits_and_update_keeps_view(
    page: Page, resnet: dict[str, Any]
) -> None:
    out = render(page, resnet)
    stage = page.locator(f"#{out} .mv-GraphStage").bounding_box()
    assert stage is not None
    a = graph(page, out, "g.locate('layer2')")
    cx, cy = stage["x"] + a["x"] + a["w"] / 2, stage["y"] + a["y"] + a["h"] / 2
    page.mouse.move(cx, cy)
    page.mouse.wheel(0, -300)
    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    b = graph(page, out, "g.locate('layer2')")
    assert b["w"] > a["w"] * 1.3
    # zoom is around the cursor: the point under it stays put
    assert abs((stage["x"] + b["x"] + b["w"] / 2) - cx) < 3 and abs((stage["y"] + b["y"] + b["h"] / 2) - cy) < 3
    page.mouse.move(stage["x"] + 40, stage["y"] + stage["height"] - 40)
    page.mouse.down()
    page.mouse.move(stage["x"] + 90, stage["y"] + stage["height"] - 70, steps=4)
    page.mouse.up()
    c = graph(page, out, "g.locate('layer2')")
    assert abs(c["x"] - b["x"] - 50) < 2 and abs(c["y"] - b["y"] + 30) < 2
    # a display update with the same model keeps the zoom, the pan and the expanded groups
    graph(page, out, "g.expand('layer3')")
    probe = "[g.locate('layer3/0'), g.stats().visibleNodes, g.stats().visibleGroups]"
    before = graph(page, out, probe)
    page.evaluate("([id, s]) => window.modelviz.update(id, JSON.parse(s))", [out, json.dumps(resnet)])
    assert graph(page, out, probe) == before
    # double-click on the background fits the whole graph
    page.mouse.dblclick(stage["x"] + 12, stage["y"] + stage["height"] - 12)
    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    fitted = graph(page, out, "g.locate('layer1')")
    assert fitted["w"] < c["w"]


def test_minimap_moves_the_view(page: Page) -> None:
    payload = modelviz.graph(graph_models.onnx_chain(3000)).payload
    out = render(page, payload)
    graph(page, out, "g.expand('stage0')")  # 20 blocks: taller than the view
    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    minimap = page.locator(f"#{out} .mv-GraphMinimap")
    assert minimap.is_visible()
    box = minimap.bounding_box()
    assert box is not None
    top = graph(page, out, "g.locate('stage0')")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 3)
    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    moved = graph(page, out, "g.locate('stage0')")
    assert moved["y"] < top["y"] - 100  # the view jumped towards the end of the chain
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-graph-minimap")))


@pytest.fixture(scope="module")
def gpt2() -> dict[str, Any]:
    model, inputs = graph_models.hf_model("gpt2")
    return modelviz.graph(model, inputs).payload


def test_labels_show_name_op_brief_weights_and_edge_shapes(page: Page, resnet: dict[str, Any]) -> None:
    strings = resnet["strings"]
    names = [strings[k] for k in col(resnet["nodes"]["name"])]
    briefs = [strings[k] if k >= 0 else "" for k in col(resnet["nodes"]["brief"])]
    conv = names.index("layer1.0.conv1")
    tensors = resnet["tensors"]
    out = render(page, resnet, width=900)
    graph(page, out, "g.expand('layer1/0')")
    wait_idle(page, out)
    # ordinary zoom: "name · Op" titles with the brief, no edge shapes yet
    graph(page, out, "g.zoomTo('layer1.0.conv1', 1)")
    texts = graph(page, out, "g.labelTexts()")
    assert "layer1.0.conv1 · Conv2d" in texts or "0.conv1 · Conv2d" in texts, texts
    assert briefs[conv] and briefs[conv] in texts
    shape_texts = {TIMES.join(str(d) for d in t["shape"]) for t in tensors if t.get("shape")}
    assert not any(t in shape_texts for t in texts)
    # zoomed in: weight shapes inside the nodes and tensor shapes on the edges
    graph(page, out, "g.zoomTo('layer1.0.conv1', 2)")
    texts = graph(page, out, "g.labelTexts()")
    detail = next(d for d in resnet["details"] if d["node"] == conv)
    weight = "W " + TIMES.join(str(d) for d in detail["params"][0]["shape"])
    assert any(t.startswith(weight) for t in texts), texts
    assert any(t.split(" " + TIMES)[0] in shape_texts for t in texts), texts
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("graph-labels-resnet")))
    graph(page, out, "g.zoomTo('layer1/0', 0.8)")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("graph-labels-resnet-ordinary")))


def test_gpt2_fold_toggle_and_group_search(page: Page, gpt2: dict[str, Any]) -> None:
    fold = col(gpt2["nodes"]["fold"])
    assert (fold >= 0).sum() > 0
    out = render(page, gpt2, width=900)
    graph(page, out, "g.expandAll()")
    wait_idle(page, out)
    folded = graph(page, out, "g.stats()")["visibleNodes"]
    graph(page, out, "g.zoomTo('transformer/h/0/attn', 1)")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("graph-gpt2-expanded")))
    graph(page, out, "g.toggleFold()")
    wait_idle(page, out)
    assert graph(page, out, "g.stats()")["visibleNodes"] == len(fold)
    graph(page, out, "g.toggleFold()")
    wait_idle(page, out)
    assert graph(page, out, "g.stats()")["visibleNodes"] == folded < len(fold)
    # a group's name finds it; choosing it expands its ancestors and frames it
    graph(page, out, "g.collapseAll()")
    wait_idle(page, out)
    assert graph(page, out, "g.search('c_attn')") > 0
    page.locator(f"#{out} .mv-GraphSearch").press("Enter")
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' .mv-GraphCount').textContent.startsWith('1 of')", arg=out
    )
    wait_idle(page, out)
    title = page.locator(f"#{out} .mv-GraphPanel-title").text_content() or ""
    assert "c_attn" in title, title
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("graph-gpt2-block")))
