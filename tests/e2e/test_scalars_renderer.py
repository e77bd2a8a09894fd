"""The run dashboard (scalars renderer) on the harness page in real Chromium: WebGL charts per tag with run colours,
run toggles, zoom that survives updates, smoothing, every tab, downloads, the WebGL context budget, the empty
logdir note and the dark theme. Payloads are built here with numpy (and Pillow for images)."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from playwright.sync_api import Page

from .conftest import screenshot_path

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


VIEWPORT = (1000, 900)


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


def tab(page: Page, out: str, name: str) -> None:
    page.locator(f"#{out} .mv-ScalarsTabs button[data-tab='{name}']").click()


def test_tabs_render_every_kind(page: Page) -> None:
    out = render(page, full_payload())
    wait_live(page, out, 2)
    labels = page.locator(f"#{out} .mv-ScalarsTabs button").all_text_contents()
    assert labels == ["Scalars", "Histograms", "Distributions", "Images", "Text", "HParams", "PR curves"]

    tab(page, out, "histograms")
    ridges = page.locator(f"#{out} .mv-Scalars-histograms .mv-ScalarsCard")
    assert ridges.count() == 2
    # one filled curve per step (10 steps) per run
    assert ridges.first.locator("g.trace.scatter").count() == 10
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-histograms-light")))
    assert (
        colour_pixels(page, f"#{out} .mv-Scalars-histograms .mv-ScalarsCard", COLORS[0], "harness-scalars-hist0") > 100
    )

    tab(page, out, "distributions")
    dist = page.locator(f"#{out} .mv-Scalars-distributions .mv-ScalarsCard")
    assert dist.count() == 2
    # 4 bands (8 traces) and the median
    assert dist.first.locator("g.trace.scatter").count() == 9
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-distributions-light")))

    tab(page, out, "images")
    img = page.locator(f"#{out} .mv-ScalarsImage-img")
    assert img.count() == 1
    assert img.get_attribute("data-step") == "200"
    assert page.locator(f"#{out} .mv-ScalarsImage-caption").text_content() == "32 \u00d7 24 px"
    page.wait_for_function("img => img.complete && img.naturalWidth === 32", arg=img.element_handle())
    slider = page.locator(f"#{out} .mv-ScalarsImage .mv-ScalarsStep input")
    slider.fill("0")
    assert img.get_attribute("data-step") == "0"
    assert (img.get_attribute("src") or "").startswith("data:image/png;base64,")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-images-light")))

    tab(page, out, "text")
    pres = page.locator(f"#{out} .mv-ScalarsText-text")
    assert pres.count() == 2
    assert pres.first.text_content() == "first line\n  indented <b>not bold</b>"
    assert page.locator(f"#{out} .mv-Scalars-text b").count() == 0

    tab(page, out, "hparams")
    rows = page.locator(f"#{out} .mv-ScalarsHParams tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.run)") == ["run-0", "run-1"]
    page.locator(f"#{out} .mv-ScalarsHParams thead button", has_text="accuracy").click()
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.run)") == ["run-1", "run-0"]
    page.locator(f"#{out} .mv-ScalarsHParams thead button", has_text="accuracy").click()
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.run)") == ["run-0", "run-1"]
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-hparams-light")))

    tab(page, out, "pr")
    pr = page.locator(f"#{out} .mv-ScalarsPr-plot")
    assert pr.get_attribute("data-step") == "100"
    assert pr.locator("g.trace.scatter").count() == 2
    page.locator(f"#{out} .mv-ScalarsPr .mv-ScalarsStep input").fill("0")
    page.wait_for_function("el => el.dataset.step === '0'", arg=pr.element_handle())
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-pr-light")))


def traces(page: Page, out: str, tag: str) -> list[dict[str, Any]]:
    """The chart's Plotly traces as drawn: run, kind (raw/smoothed/inf), x and y."""
    got: list[dict[str, Any]] = page.evaluate(
        """([id, tag]) => {
            const gd = document.querySelector(`#${id} .mv-ScalarsChart[data-tag="${tag}"] .mv-ScalarsChart-plot`);
            const num = v => (v === null ? NaN : v);
            return (gd.data || []).map(t => ({...t.meta, x: Array.from(t.x), y: Array.from(t.y, num)}));
        }""",
        [out, tag],
    )
    return got


def tb_smooth(values: npt.NDArray[np.float64], w: float) -> npt.NDArray[np.float64]:
    """TensorBoard's debiased EMA, written here independently of the renderer."""
    out = np.empty_like(values)
    finite = values[np.isfinite(values)]
    ema, k = 0.0, 0
    for i, v in enumerate(values):
        if not np.isfinite(v) or (finite.size == values.size and np.all(values == values[0])):
            out[i] = v
            continue
        ema = ema * w + (1 - w) * v
        k += 1
        out[i] = ema / (1 - w**k)
    return out


def settled(page: Page, out: str) -> None:
    """Two animation frames after the last redraw the charts queued."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_toggling_a_run_removes_its_colour(page: Page) -> None:
    out = render(page, scalars_payload(tags=2))
    wait_live(page, out, 2)
    plot = f"#{out} .mv-ScalarsChart[data-tag='train/loss0'] .mv-ScalarsChart-plot"
    assert colour_pixels(page, plot, COLORS[1], "harness-scalars-toggle-before") > 50
    page.locator(f"#{out} .mv-ScalarsRun[data-run='run-1'] input").uncheck()
    page.wait_for_function(
        "sel => !document.querySelector(sel).data.some(t => t.meta.run === 'run-1')", arg=plot.replace("'", '"')
    )
    settled(page, out)
    assert colour_pixels(page, plot, COLORS[1], "harness-scalars-toggle-after") == 0
    assert colour_pixels(page, plot, COLORS[0], "harness-scalars-toggle-after-0") > 50
    # the regex filter hides runs too; "All" brings back only those matching it
    page.locator(f"#{out} .mv-ScalarsRuns-filter").fill("run-[02]")
    assert page.locator(f"#{out} .mv-ScalarsRun:visible").count() == 2
    page.locator(f"#{out} .mv-ScalarsRuns-buttons button[data-action='none']").click()
    page.wait_for_function("sel => document.querySelector(sel).data.length === 0", arg=plot.replace("'", '"'))
    page.locator(f"#{out} .mv-ScalarsRuns-filter").fill("")
    page.locator(f"#{out} .mv-ScalarsRuns-buttons button[data-action='all']").click()
    page.wait_for_function("sel => document.querySelector(sel).data.length === 6", arg=plot.replace("'", '"'))


def test_smoothing_matches_tensorboard_and_the_slider_changes_it(page: Page) -> None:
    rng = np.random.default_rng(3)
    values = curve(rng, 300, 1.0, 0.0)
    values[50] = np.nan
    values[120] = np.inf
    p = scalars_payload(runs=1, tags=1, steps=300)
    p["scalars"] = [series(0, "loss", values)]
    out = render(page, p)
    wait_live(page, out, 1)
    for w in (0.6, 0.95, 0.0):
        if w != 0.6:
            page.locator(f"#{out} .mv-ScalarsSettings-slider").fill(str(w))
            page.wait_for_function(
                "([id, n]) => document.querySelector(`#${id} .mv-ScalarsChart-plot`).data.length === n",
                arg=[out, 3 if w > 0 else 2],
            )
            settled(page, out)
        got = traces(page, out, "loss")
        line = next(t for t in got if t["kind"] == ("smoothed" if w > 0 else "raw"))
        want = tb_smooth(values, w)
        want[~np.isfinite(want)] = np.nan  # ±Inf is drawn as a gap (and a marker)
        np.testing.assert_allclose(np.array(line["y"]), want, rtol=1e-12, equal_nan=True)
        inf = [t for t in got if t["kind"] == "inf"]
        assert len(inf) == 1 and inf[0]["x"] == [120]
    # the ±Inf value does not stretch the axis: the range stays near the finite values
    yr = page.evaluate(f"() => document.querySelector('#{out} .mv-ScalarsChart-plot')._fullLayout.yaxis.range")
    finite = values[np.isfinite(values)]
    assert finite.min() - 1 < yr[0] < finite.min() and finite.max() < yr[1] < finite.max() + 1
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-nonfinite-light")))


def test_zoom_refines_from_full_data_and_survives_an_update(page: Page) -> None:
    p = scalars_payload(runs=2, tags=1, steps=20000)
    out = render(page, p)
    wait_live(page, out, 1)
    before = traces(page, out, "train/loss0")
    assert all(len(t["x"]) < 20000 / 2 for t in before)  # downsampled for the chart's width
    plot = f"#{out} .mv-ScalarsChart-plot"
    page.evaluate(
        "async sel => (await window.modelviz.loadPlotly()).relayout(document.querySelector(sel), "
        "{'xaxis.range': [1000, 1600]})",
        plot,
    )
    page.wait_for_function(
        "sel => document.querySelector(sel).data.every(t => t.x.length > 600 && t.x.length < 700)", arg=plot
    )
    for t in traces(page, out, "train/loss0"):
        # every point of the zoomed range, from the full data (plus one beyond each side)
        assert t["x"] == list(range(999, 1602))
    p2 = scalars_payload(runs=2, tags=1, steps=22000, seed=5)
    draws = int(page.locator(f"#{out} .mv-ScalarsChart").get_attribute("data-draws") or 0)
    update(page, out, p2)
    page.wait_for_function(
        "([id, n]) => Number(document.querySelector(`#${id} .mv-ScalarsChart`).dataset.draws) > n", arg=[out, draws]
    )
    settled(page, out)
    rng = page.evaluate(f"() => document.querySelector('{plot}')._fullLayout.xaxis.range")
    assert rng == [1000, 1600]
    assert all(t["x"] == list(range(999, 1602)) for t in traces(page, out, "train/loss0"))
    # a double click (autorange) goes back to the whole series, downsampled
    page.evaluate(
        "async sel => (await window.modelviz.loadPlotly()).relayout(document.querySelector(sel), "
        "{'xaxis.autorange': true, 'yaxis.autorange': true})",
        plot,
    )
    page.wait_for_function("sel => document.querySelector(sel).data[0].x.at(-1) === 21999", arg=plot)


def test_spikes_survive_display_downsampling(page: Page) -> None:
    rng = np.random.default_rng(7)
    n = 300_000
    values = np.cumsum(rng.normal(0, 0.01, n))
    spikes = rng.choice(n, 12, replace=False)
    values[spikes] += np.where(np.arange(12) % 2 == 0, 50.0, -50.0)
    p = scalars_payload(runs=1, tags=1, steps=10)
    s = series(0, "spiky", values)
    del s["wall_time"]
    p["scalars"] = [s]
    p["options"] = {"smoothing": 0}
    out = render(page, p)
    wait_live(page, out, 1)
    (t,) = traces(page, out, "spiky")
    assert len(t["x"]) < 7 * 1000
    drawn = dict(zip(t["x"], t["y"], strict=True))
    for s in spikes:
        assert drawn.get(int(s)) == pytest.approx(values[s])
    status = page.locator(f"#{out} .mv-ScalarsStatus-points").text_content()
    assert status == "300,000 points"


def test_csv_and_png_downloads(page: Page) -> None:
    p = scalars_payload(runs=3, tags=1, steps=200)
    out = render(page, p)
    wait_live(page, out, 1)
    page.locator(f"#{out} .mv-ScalarsRun[data-run='run-2'] input").uncheck()
    with page.expect_download() as dl:
        page.locator(f"#{out} .mv-ScalarsChart-action", has_text="CSV").click()
    assert dl.value.suggested_filename == "train_loss0.csv"
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path()).read())))
    assert len(rows) == 2 * 200
    for r in range(2):
        mine = [row for row in rows if row["run"] == f"run-{r}"]
        s = p["scalars"][r]
        want = np.frombuffer(base64.b64decode(s["value"]["data"]), "<f8")
        np.testing.assert_array_equal([float(row["value"]) for row in mine], want)
        assert [int(row["step"]) for row in mine] == list(range(200))
        assert float(mine[3]["wall_time"]) == 1.7e9 + 3 * 2.0
    with page.expect_download() as dl:
        page.locator(f"#{out} .mv-ScalarsChart-action", has_text="PNG").click()
    assert dl.value.suggested_filename == "train_loss0.png"
    img = Image.open(dl.value.path())
    assert img.format == "PNG" and img.size[0] >= 300 and img.size[1] > 200
    assert np.asarray(img.convert("RGBA"))[..., 3].min() == 255  # on the theme's background, not transparent
    pix = np.asarray(img.convert("RGB")).astype(np.int32)
    assert (np.abs(pix - hex_rgb(COLORS[0])).sum(axis=2) < 40).sum() > 50
    assert (np.abs(pix - hex_rgb(COLORS[2])).sum(axis=2) < 40).sum() == 0


def live_canvases(page: Page) -> int:
    n: int = page.evaluate("() => document.querySelectorAll('canvas.gl-canvas-context').length")
    return n


def test_forty_tags_stay_within_the_webgl_budget(page: Page) -> None:
    p = scalars_payload(runs=2, tags=40, steps=200)
    out = render(page, p)
    wait_live(page, out, 2)
    assert page.locator(f"#{out} .mv-ScalarsChart").count() == 40
    assert 2 <= live_canvases(page) <= 8
    # a second dashboard on the same page shares the budget
    out2 = render(page, scalars_payload(runs=1, tags=6, steps=100, seed=2))
    charts = page.locator(f"#{out} .mv-ScalarsChart")
    # every chart that goes live while scrolling, recorded as it happens (sampling only at each stop could miss a
    # chart drawn and freed between two samples)
    page.evaluate(
        """(id) => { window.mvDrawn = new Set(); const root = document.getElementById(id);
             new MutationObserver((records) => { for (const r of records)
               if (r.target.dataset && r.target.dataset.live === 'true' && r.target.dataset.tag)
                 window.mvDrawn.add(r.target.dataset.tag); })
               .observe(root, { attributes: true, attributeFilter: ['data-live'], subtree: true });
             for (const e of root.querySelectorAll('.mv-ScalarsChart[data-live]'))
               window.mvDrawn.add(e.dataset.tag); }""",
        out,
    )
    # three rows of two charts per stop: the view holds about that many
    for i in [*range(0, 40, 6), 39]:
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("el => el.dataset.live === 'true'", arg=charts.nth(i).element_handle())
        assert live_canvases(page) <= 8
    drawn = set(page.evaluate("() => [...window.mvDrawn]"))
    assert len(drawn) >= 39
    page.locator(f"#{out2}").scroll_into_view_if_needed()
    wait_live(page, out2, 2)
    assert live_canvases(page) <= 8
    # a purged chart comes back when scrolled to again
    charts.nth(0).scroll_into_view_if_needed()
    page.wait_for_function("el => el.dataset.live === 'true'", arg=charts.nth(0).element_handle())
    assert live_canvases(page) <= 8
    charts.nth(8).scroll_into_view_if_needed()
    page.wait_for_function("el => el.dataset.live === 'true'", arg=charts.nth(8).element_handle())
    page.screenshot(path=str(screenshot_path("harness-scalars-budget-light")))


def test_tag_filter_hides_charts_and_sections(page: Page) -> None:
    out = render(page, scalars_payload(runs=1, tags=4, steps=100))
    wait_live(page, out, 1)
    page.locator(f"#{out} .mv-ScalarsTags-filter").fill("^eval/")
    assert page.locator(f"#{out} .mv-ScalarsChart:visible").count() == 2
    assert page.locator(f"#{out} .mv-ScalarsSection:visible").count() == 1
    page.locator(f"#{out} .mv-ScalarsTags-filter").fill("nothing-matches")
    assert page.locator(f"#{out} .mv-ScalarsNote:visible").text_content() == "No tag matches the filter."


def test_empty_logdir_then_data_fills_in_place(page: Page) -> None:
    empty = {"version": "1.0", "logdir": "/tmp/logs", "runs": [], "status": {"live": True}}
    out = render(page, empty)
    note = page.locator(f"#{out} .mv-ScalarsEmpty")
    assert note.text_content() == "No event files yet in /tmp/logs — watching"
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-empty-light")))
    root = page.locator(f"#{out} .mv-Root").element_handle()
    update(page, out, scalars_payload(runs=2, tags=2, steps=100))
    wait_live(page, out, 2)
    assert not note.is_visible()
    assert page.evaluate("r => r.isConnected", root)  # same output, filled in place
    assert page.locator(f"#{out} .mv-ScalarsStatus-points").text_content() == "400 points"


def test_live_updates_keep_tab_and_hidden_runs(page: Page) -> None:
    out = render(page, full_payload())
    wait_live(page, out, 1)
    page.locator(f"#{out} .mv-ScalarsRun[data-run='run-1'] input").uncheck()
    tab(page, out, "hparams")
    p2 = full_payload(seed=9)
    p2["status"]["corrupt_records"] = 3
    p2["scalars"][0]["total_points"] = 90000
    update(page, out, p2)
    assert page.locator(f"#{out} .mv-ScalarsTabs button[aria-selected='true']").text_content() == "HParams"
    assert not page.locator(f"#{out} .mv-ScalarsRun[data-run='run-1'] input").is_checked()
    assert page.locator(f"#{out} .mv-ScalarsHParams tbody tr").count() == 1
    assert page.locator(f"#{out} .mv-ScalarsStatus-corrupt").text_content() == "3 corrupt records skipped"
    assert "of 90,900 points" in (page.locator(f"#{out} .mv-ScalarsStatus-points").text_content() or "")


def test_dark_theme(page: Page) -> None:
    out = render(page, full_payload(), theme="dark")
    wait_live(page, out, 2)
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-theme") == "dark"
    shot = screenshot_path("harness-scalars-dark")
    page.locator(f"#{out}").screenshot(path=str(shot))
    img = np.asarray(Image.open(shot).convert("RGB")).astype(np.int32)
    assert np.median(img.sum(axis=2)) < 3 * 60  # mostly dark
    assert (
        colour_pixels(
            page, f"#{out} .mv-ScalarsChart[data-live] .mv-ScalarsChart-plot", COLORS[0], "harness-scalars-dark-run0"
        )
        > 50
    )
    tab(page, out, "histograms")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-histograms-dark")))
    tab(page, out, "distributions")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-distributions-dark")))


def test_hover_lists_every_shown_run_smoothed_and_raw(page: Page) -> None:
    out = render(page, scalars_payload(runs=3, tags=1, steps=400))
    wait_live(page, out, 1)
    page.locator(f"#{out} .mv-ScalarsRun[data-run='run-2'] input").uncheck()
    page.wait_for_function("id => document.querySelector(`#${id} .mv-ScalarsChart-plot`).data.length === 4", arg=out)
    box = page.locator(f"#{out} .mv-ScalarsChart-plot .nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_selector(f"#{out} .hoverlayer .legend")
    text = page.locator(f"#{out} .hoverlayer").text_content() or ""
    for name in ("run-0", "run-0 (raw)", "run-1", "run-1 (raw)"):
        assert name in text
    assert "run-2" not in text
    page.locator(f"#{out} .mv-ScalarsChart").first.screenshot(path=str(screenshot_path("harness-scalars-hover-light")))


def test_wall_and_relative_axes(page: Page) -> None:
    out = render(page, scalars_payload(runs=2, tags=1, steps=3600))
    wait_live(page, out, 1)
    plot = f"#{out} .mv-ScalarsChart-plot"
    page.locator(f"#{out} .mv-ScalarsSettings-axis button[data-axis='relative']").click()
    page.wait_for_function("sel => document.querySelector(sel)._fullLayout.xaxis.ticksuffix === ' h'", arg=plot)
    settled(page, out)
    (t0, *_) = traces(page, out, "train/loss0")
    # 3,600 steps 2 s apart: two hours
    assert t0["x"][0] == 0 and abs(t0["x"][-1] - 3599 * 2 / 3600) < 1e-9
    page.locator(f"#{out} .mv-ScalarsSettings-axis button[data-axis='wall']").click()
    page.wait_for_function("sel => document.querySelector(sel)._fullLayout.xaxis.type === 'date'", arg=plot)
    settled(page, out)
    ticks = page.locator(f"{plot} .xtick text").all_text_contents()
    assert any(":" in t for t in ticks), ticks  # clock times
    page.locator(f"#{out} .mv-ScalarsSettings-log input").check()
    page.wait_for_function("sel => document.querySelector(sel)._fullLayout.yaxis.type === 'log'", arg=plot)
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-wall-log-light")))


def test_a_real_logdir_through_the_kernel_side(page: Page, tmp_path: Any) -> None:
    """tensorboardX writes every kind; modelviz's Dashboard (the kernel side) builds the payload; every tab draws."""
    writer_mod = pytest.importorskip("tensorboardX", reason="tensorboardX writes the event files")
    dashboard = pytest.importorskip("modelviz.dashboard", reason="the kernel-side Dashboard (PYTHONPATH=python-shim)")
    rng = np.random.default_rng(0)
    for r, lr in enumerate([0.1, 0.01]):
        w = writer_mod.SummaryWriter(str(tmp_path / f"lr{lr}"))
        for s in range(300):
            w.add_scalar("train/loss", float(np.exp(-s / 80) * (1 + r) + rng.normal(0, 0.05)), s)
            if s % 50 == 0:
                w.add_histogram("weights/fc", rng.normal(s / 300, 1, 1000), s)
                w.add_image("samples", rng.integers(0, 255, (3, 16, 16)).astype(np.uint8), s)
                w.add_text("notes", f"step {s} <b>x</b>", s)
                w.add_pr_curve("pr", rng.integers(0, 2, 100), rng.random(100), s)
        w.add_hparams({"lr": lr, "opt": "adam"}, {"hparam/acc": 0.9 - r * 0.1})
        w.close()
    dash = dashboard.Dashboard(str(tmp_path), display=lambda *a: None, update=lambda *a: None)
    payload = dash._repr_mimebundle_()[MIME]
    out = render(page, payload)
    wait_live(page, out, 1)
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "rendered"
    labels = page.locator(f"#{out} .mv-ScalarsTabs button").all_text_contents()
    assert labels == ["Scalars", "Histograms", "Distributions", "Images", "Text", "HParams", "PR curves"]
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-real-light")))
    # the hparams metric is one point per run: drawn as dots, not as an empty line
    acc = f"#{out} .mv-ScalarsChart[data-tag='hparam/acc'] .mv-ScalarsChart-plot"
    assert page.evaluate(f"() => document.querySelector(\"{acc}\").data.every(t => t.mode === 'markers')")
    run = next(s["run"] for s in payload["scalars"] if s["tag"] == "hparam/acc")
    color = payload["runs"][run].get("color") or page.evaluate(
        f'() => document.querySelector("{acc}").data[0].line.color'
    )
    assert colour_pixels(page, acc, color, "harness-scalars-real-acc") > 10
    for name, selector in [
        ("histograms", ".mv-Scalars-histograms g.trace.scatter"),
        ("distributions", ".mv-Scalars-distributions g.trace.scatter"),
        ("images", ".mv-ScalarsImage-img"),
        ("text", ".mv-ScalarsText-text"),
        ("hparams", ".mv-ScalarsHParams tbody tr"),
        ("pr", ".mv-ScalarsPr-plot g.trace.scatter"),
    ]:
        tab(page, out, name)
        assert page.locator(f"#{out} {selector}").count() > 0, name
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-scalars-real-pr-light")))
