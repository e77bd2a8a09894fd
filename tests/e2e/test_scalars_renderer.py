"""The run dashboard (scalars renderer) on the harness page in real Chromium: WebGL charts per tag with run colours,
run toggles, zoom that survives updates, smoothing, every tab, downloads, the WebGL context budget, the empty
logdir note and the dark theme. Payloads are built here with numpy (and Pillow for images)."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from .conftest import HARNESS, screenshot_path

MIME = "application/vnd.modelviz.scalars.v1+json"
COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4"]


def packed(a: npt.ArrayLike, dtype: str) -> dict[str, Any]:
    arr = np.ascontiguousarray(np.asarray(a, dtype=dtype))
    return {
        "dtype": dtype,
        "shape": list(arr.shape),
        "data": base64.b64encode(arr.astype(f"<{arr.dtype.str[1:]}").tobytes()).decode(),
    }


def curve(rng: np.random.Generator, steps: int, scale: float, offset: float) -> npt.NDArray[np.float64]:
    """A noisy decaying training curve."""
    t = np.arange(steps, dtype=np.float64)
    return offset + scale * np.exp(-t / (steps / 4)) + rng.normal(0, 0.05 * scale, steps)


def series(run: int, tag: str, values: npt.NDArray[np.float64], t0: float = 1.7e9, dt: float = 2.0) -> dict[str, Any]:
    n = len(values)
    step = np.arange(n, dtype=np.int64)
    wall = t0 + step * dt
    last = float(values[-1]) if np.isfinite(values[-1]) else None
    return {
        "run": run,
        "tag": tag,
        "step": packed(step, "int64"),
        "wall_time": packed(wall, "float64"),
        "value": packed(values, "float64"),
        "total_points": n,
        "last": {"step": int(step[-1]), "wall_time": float(wall[-1]), "value": last},
    }


def scalars_payload(runs: int = 3, tags: int = 4, steps: int = 5000, seed: int = 0, **extra: Any) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    tag_names = [f"train/loss{i}" if i % 2 == 0 else f"eval/metric{i}" for i in range(tags)]
    return {
        "version": "1.0",
        "logdir": "runs/experiment",
        "runs": [{"name": f"run-{r}", "color": COLORS[r % len(COLORS)]} for r in range(runs)],
        "scalars": [series(r, tag, curve(rng, steps, 1.0 + r, 0.2 * r)) for tag in tag_names for r in range(runs)],
        "options": {"smoothing": 0.6},
        "status": {"live": True, "updated": 1.7e9, "corrupt_records": 0},
        **extra,
    }


def png_b64(w: int, h: int, color: tuple[int, int, int]) -> str:
    img = Image.new("RGB", (w, h), color)
    for x in range(w):
        img.putpixel((x, h // 2), (255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def full_payload(seed: int = 1) -> dict[str, Any]:
    """Every kind: scalars, histograms, images, text, hparams, PR curves."""
    rng = np.random.default_rng(seed)
    p = scalars_payload(runs=2, tags=2, steps=300, seed=seed)
    hists = []
    for r in range(2):
        steps = np.arange(0, 50, 5)
        edges = np.stack([np.linspace(-3 - 0.05 * s, 3 + 0.05 * s, 31) for s in steps])
        samples = [rng.normal(0.02 * s * (r + 1), 1 + 0.01 * s, 2000) for s in steps]
        counts = np.stack([np.histogram(x, bins=e)[0] for x, e in zip(samples, edges, strict=True)])
        hists.append(
            {
                "run": r,
                "tag": "layer1/weights",
                "step": packed(steps, "int64"),
                "edges": packed(edges, "float64"),
                "counts": packed(counts.astype(np.float64), "float64"),
            }
        )
    p["histograms"] = hists
    p["images"] = [
        {
            "run": 0,
            "tag": "samples/input",
            "step": s,
            "mime": "image/png",
            "data": png_b64(32, 24, (200, 30 * i, 40)),
            "width": 32,
            "height": 24,
        }
        for i, s in enumerate([0, 100, 200])
    ]
    p["text"] = [
        {"run": 0, "tag": "notes", "step": 0, "text": "first line\n  indented <b>not bold</b>"},
        {"run": 1, "tag": "notes", "step": 10, "text": "run-1 says hi"},
    ]
    p["hparams"] = {
        "columns": [
            {"name": "lr", "kind": "hparam"},
            {"name": "optimizer", "kind": "hparam"},
            {"name": "accuracy", "kind": "metric"},
        ],
        "rows": [{"run": 0, "values": [0.01, "adam", 0.91]}, {"run": 1, "values": [0.1, "sgd", 0.85]}],
    }
    prs = []
    for r in range(2):
        for s in (0, 100):
            recall = np.linspace(1, 0, 21)
            precision = np.clip(1 - (0.5 - 0.2 * r - 0.001 * s) * recall**2, 0, 1)
            prs.append(
                {
                    "run": r,
                    "tag": "pr/class0",
                    "step": s,
                    "precision": packed(precision, "float64"),
                    "recall": packed(recall, "float64"),
                }
            )
    p["pr_curves"] = prs
    return p


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    p = browser.new_page(viewport={"width": 1000, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(HARNESS.as_uri())
    p.wait_for_function("document.body.dataset.ready === 'true'")
    yield p
    p.close()
    assert errors == [], errors


def render(page: Page, payload: Any, theme: str = "light", width: int = 960) -> str:
    out: str = page.evaluate("([m, p, t, w]) => window.modelviz.render(m, p, t, w)", [MIME, payload, theme, width])
    return out


def update(page: Page, out: str, payload: Any) -> None:
    page.evaluate("([id, p]) => window.modelviz.update(id, p)", [out, payload])


def hex_rgb(c: str) -> npt.NDArray[np.int32]:
    return np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int32)


def colour_pixels(page: Page, selector: str, color: str, name: str, tol: int = 40) -> int:
    """Pixels close to `color` in a screenshot of the element."""
    path = screenshot_path(name)
    page.locator(selector).first.screenshot(path=str(path))
    img = np.asarray(Image.open(path).convert("RGB")).astype(np.int32)
    return int((np.abs(img - hex_rgb(color)).sum(axis=2) < tol).sum())


def wait_live(page: Page, out: str, n: int) -> None:
    page.wait_for_function(
        "([id, n]) => document.querySelectorAll(`#${id} .mv-ScalarsChart[data-live]`).length >= n", arg=[out, n]
    )


def test_charts_draw_each_run_in_its_colour(page: Page) -> None:
    out = render(page, scalars_payload())
    wait_live(page, out, 2)
    root = page.locator(f"#{out} .mv-Root")
    assert root.get_attribute("data-mv-state") == "rendered"
    # sections by tag prefix, one chart per tag
    assert page.locator(f"#{out} .mv-ScalarsSection").evaluate_all("els => els.map(e => e.dataset.section)") == [
        "train",
        "eval",
    ]
    assert page.locator(f"#{out} .mv-ScalarsChart").count() == 4
    assert page.locator(f"#{out} .mv-ScalarsChart[data-live] canvas.gl-canvas-context").count() >= 2
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-light")))
    for r in range(3):
        assert (
            colour_pixels(
                page, f"#{out} .mv-ScalarsChart[data-live] .mv-ScalarsChart-plot", COLORS[r], f"harness-scalars-run{r}"
            )
            > 50
        )
