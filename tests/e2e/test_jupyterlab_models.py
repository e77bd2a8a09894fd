"""The issue's "done when": ``display(model)`` of a PyTorch, a Keras and an ONNX model in a real JupyterLab draws the
interactive graph, and its counts are the frameworks' own."""

from __future__ import annotations

import json
import textwrap

from PIL import Image
from playwright.sync_api import Browser

from .conftest import LabServer, run_notebook, screenshot_path

GRAPH = ".mv-Root.mv-Graph[data-mv-state='rendered'] .mv-GraphView"

CELLS = [
    textwrap.dedent(
        """
        import json, os
        os.environ.setdefault("KERAS_BACKEND", "torch")
        import torch
        from torch import nn
        import modelviz
        torch.manual_seed(0)
        cnn = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU()),
            nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU()),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
        )
        print(json.dumps({"torch": sum(p.numel() for p in cnn.parameters())}))
        cnn
        """
    ),
    textwrap.dedent(
        """
        import keras
        inp = keras.Input((20,), name="features")
        tower = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(8)], name="tower")
        out = keras.layers.Dense(1, name="score")(keras.layers.Concatenate()([tower(inp), keras.layers.Dense(8)(inp)]))
        km = keras.Model(inp, out, name="two_branch")
        print(json.dumps({"keras": km.count_params()}))
        km
        """
    ),
    textwrap.dedent(
        """
        import io, warnings
        import onnx
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(cnn.eval(), (torch.randn(1, 3, 16, 16),), buf, dynamo=False, opset_version=17)
        proto = onnx.load_from_string(buf.getvalue())
        print(json.dumps({"onnx": len(proto.graph.node)}))
        proto
        """
    ),
]


def test_display_model_draws_torch_keras_and_onnx_graphs(browser: Browser, lab: LabServer) -> None:
    page = run_notebook(browser, lab, "models.ipynb", CELLS)
    try:
        page.wait_for_function(f'document.querySelectorAll("{GRAPH}").length === 3', timeout=60_000)
        truth: dict[str, int] = {}
        for text in page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']"
        ).all_text_contents():
            truth.update(json.loads(text))
        views = page.locator(GRAPH)
        outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".mv-Graph"))
        for i, (framework, expected) in enumerate(
            (("pytorch", truth["torch"]), ("keras", truth["keras"]), ("onnx", truth["onnx"]))
        ):
            view = views.nth(i)
            view.scroll_into_view_if_needed()
            header = page.locator(".mv-Root.mv-Graph").nth(i).text_content() or ""
            assert framework in header, header
            if framework == "onnx":
                # every ONNX node becomes a visible node once everything is expanded
                view.evaluate("(v) => v.mvGraph.expandAll()")
                stats = view.evaluate("(v) => v.mvGraph.stats()")
                assert stats["visibleNodes"] >= expected, (stats, expected)
            else:
                assert f"{expected:,}" in header or f"{expected}" in header, (header, expected)
            page.wait_for_timeout(300)
            shot = screenshot_path(f"jupyterlab-graph-{framework}")
            outputs.nth(i).screenshot(path=str(shot))
            assert len(Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20) or []) > 30
        # a click on a top-level group expands it in place: more nodes are shown afterwards
        first = views.nth(0)
        first.scroll_into_view_if_needed()
        before = first.evaluate("(v) => v.mvGraph.stats()")
        box = first.evaluate("(v) => v.mvGraph.locate('0')")
        stage = page.locator(".mv-Root.mv-Graph").nth(0).locator(".mv-GraphStage")
        assert box is not None
        stage.click(position={"x": box["x"] + box["w"] / 2, "y": box["y"] + box["h"] / 2})
        page.wait_for_function(
            "(n) => document.querySelectorAll('.mv-GraphView')[0].mvGraph.stats().visibleNodes > n",
            arg=before["visibleNodes"],
            timeout=20_000,
        )
        outputs.nth(0).screenshot(path=str(screenshot_path("jupyterlab-graph-expanded")))
        assert page.locator(".jp-OutputArea-output .mv-Error").count() == 0
    finally:
        page.close()
