"""Every renderer on the bare harness page in real Chromium: light and dark screenshots, errors, updates, disposal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import ROOT, screenshot_path

FIXTURES = ROOT / "schema" / "fixtures"
KINDS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "tensors")


def mime(kind: str) -> str:
    return f"application/vnd.modelviz.{kind}.v1+json"


def load(kind: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / kind / name).read_text())


VIEWPORT = (900, 900)


def render(page: Page, kind: str, payload: Any, theme: str = "light") -> str:
    out: str = page.evaluate("([m, p, t]) => window.modelviz.render(m, p, t)", [mime(kind), payload, theme])
    return out


CASES = [(k, f.name) for k in KINDS for f in sorted((FIXTURES / k).glob("*.json"))]


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[f"{k}/{n}" for k, n in CASES])
def test_fixture_renders_or_explains(page: Page, kind: str, name: str) -> None:
    fx = load(kind, name)
    for theme in ("light", "dark"):
        out = render(page, kind, fx["payload"], theme)
        root = page.locator(f"#{out} .mv-Root")
        if "error_path" in fx:
            assert root.get_attribute("data-mv-state") == "error"
            assert (fx["error_path"] or "(payload)") in (page.locator(f"#{out} .mv-Error").text_content() or "")
        else:
            assert root.get_attribute("data-mv-state") == "rendered"
            assert root.get_attribute("data-mv-theme") == theme
            assert page.locator(f"#{out} .mv-Error").count() == 0
        if theme == "light" or "error_path" not in fx:
            page.locator(f"#{out}").screenshot(path=str(screenshot_path(f"harness-{kind}-{name[:-5]}-{theme}")))


def test_not_json_and_newer_major_are_explained(page: Page) -> None:
    out = page.evaluate("t => window.modelviz.renderRaw(t)", '{"version": "1.0", "labels": [')
    assert "not valid JSON" in (page.locator(f"#{out} .mv-Error").text_content() or "")
    fx = load("confusion", "valid-basic.json")["payload"]
    out = render(page, "confusion", dict(fx, version="2.0"))
    assert "newer than this modelviz renderer understands" in (page.locator(f"#{out} .mv-Error").text_content() or "")


def test_heavy_libraries_load_lazily_and_once(page: Page) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
    result = page.evaluate(
        """async () => {
             const [a, b] = [window.modelviz.loadTfjs(), window.modelviz.loadTfjs()];
             const same = a === b;
             const tf = await a;
             const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.scalar(1)).dataSync());
             return { same, sum: Array.from(sum), backend: tf.getBackend() };
           }"""
    )
    # the op ran on the WebGL backend (software WebGL here: no GPU)
    assert result == {"same": True, "sum": [2, 3, 4], "backend": "webgl"}
    tfjs_chunks = list(fetched)
    assert len(tfjs_chunks) >= 1 and not any(f.startswith("plotly") for f in tfjs_chunks)
    assert page.evaluate(
        "Promise.all([window.modelviz.loadPlotly(), window.modelviz.loadPlotly()]).then(([a, b]) => a === b)"
    )
    page.evaluate("window.modelviz.loadTfjs()")
    assert sum(f.startswith("plotly") for f in fetched) == 1
    assert len(fetched) == len(set(fetched)), f"a chunk was fetched twice: {fetched}"


def test_payloads_from_the_python_package_parse_in_the_browser(page: Page) -> None:
    """What the kernel emits today (not just the fixtures) passes the renderer's schema and parse steps."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    import modelviz
    import torch

    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.LazyLinear(4))
    net(torch.zeros(1, 3, 8, 8))
    bundles = {
        "graph": modelviz.graph(net, example_inputs=(torch.zeros(1, 3, 8, 8),))._repr_mimebundle_(),
        "confusion": modelviz.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1])._repr_mimebundle_(),
    }
    for kind, bundle in bundles.items():
        out = render(page, kind, bundle[mime(kind)])
        assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "rendered", page.locator(
            f"#{out}"
        ).text_content()
