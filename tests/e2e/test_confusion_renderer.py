"""The confusion view on the bare harness page in real Chromium, fed by the real package's payloads: the canvas
heatmap's pixels and hidden cell table, zoom kept across updates, 1,000 classes, the metrics table linked to the
matrix, the ROC / PR curves, the threshold slider, the samples behind a cell, two models compared, CSV export."""

from __future__ import annotations

import base64
import csv
import io
import warnings
from functools import cache
from typing import Any

import numpy as np
from playwright.sync_api import Page

from .conftest import screenshot_path

MIME = "application/vnd.modelviz.confusion.v1+json"


VIEWPORT = (1100, 1000)


def render(page: Page, payload: Any, theme: str = "light") -> str:
    out: str = page.evaluate("([m, p, t]) => window.modelviz.render(m, p, t)", [MIME, payload, theme])
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "rendered", page.locator(
        f"#{out}"
    ).text_content()
    return out


def call(page: Page, out: str, expr: str, arg: Any = None) -> Any:
    """Evaluate `expr` with `cm` bound to the view's automation object (the actions a user takes)."""
    return page.evaluate(
        f"([id, arg]) => {{ const cm = document.querySelector('#' + id + ' .mv-CmView').mvConfusion; return {expr}; }}",
        [out, arg],
    )


def cells(page: Page, out: str) -> list[list[str]]:
    rows = page.locator(f"#{out} .mv-CmCells tr").all()
    return [[td.text_content() or "" for td in r.locator("td").all()] for r in rows[1:]]


@cache
def digits() -> dict[str, Any]:
    import modelviz
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    d = load_digits()
    x_tr, x_te, y_tr, y_te, _, img_te = train_test_split(d.data, d.target, d.images, test_size=0.5, random_state=0)
    proba = LogisticRegression(max_iter=3000).fit(x_tr, y_tr).predict_proba(x_te)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0).fit(x_tr, y_tr)
    names = [f"digit {i}" for i in range(10)]
    cm = modelviz.confusion_matrix(y_te, proba, labels=names, samples=img_te, title="digits")
    both = modelviz.confusion_matrix(y_te, {"logreg": proba, "mlp": mlp.predict_proba(x_te)}, labels=names)
    return {"cm": cm, "both": both, "y": y_te, "proba": proba}


def payload(cm: Any) -> Any:
    return cm._repr_mimebundle_()[MIME]


def luminance(page: Page, out: str, points: list[tuple[float, float]]) -> list[float]:
    """Luminance of the heatmap canvas at client points (read from the canvas itself, device-pixel aware)."""
    return page.evaluate(
        """([id, pts]) => {
             const c = document.querySelector('#' + id + ' .mv-Heatmap-canvas');
             const r = c.getBoundingClientRect(), k = c.width / r.width;
             const g = c.getContext('2d');
             return pts.map(([x, y]) => {
               const d = g.getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data;
               return 0.2126 * d[0] + 0.7152 * d[1] + 0.0722 * d[2];
             });
           }""",
        [out, points],
    )


def test_cells_text_and_pixels_follow_the_counts(page: Page) -> None:
    cm = digits()["cm"]
    out = render(page, payload(cm))
    m = cm.matrix
    assert cells(page, out) == [[str(v) for v in row] for row in m]
    n = len(m)
    pts, values = [], []
    for i in range(n):
        for j in range(n):
            c = call(page, out, "cm.heatmap(0).cellCentre(arg[0], arg[1])", [i, j])
            # a little off centre, away from the number written in the cell
            size = call(page, out, "cm.heatmap(0).visibleRange().cellPx")
            pts.append((c["x"] + size * 0.3, c["y"] + size * 0.3))
            values.append(m[i, j])
    lum = np.array(luminance(page, out, pts))
    counts = np.array(values, dtype=float)
    assert lum[np.argmax(counts)] < 90, "the largest count is not drawn dark"
    assert lum[counts == 0].min() > 200, "zero cells are not drawn pale"
    assert np.corrcoef(np.log1p(counts), lum)[0, 1] < -0.85
    summary = page.locator(f"#{out} .mv-Summary").text_content() or ""
    assert f"accuracy {cm.accuracy * 100:.1f}%" in summary
    assert f"macro F1 {cm.report['macro avg']['f1-score']:.3f}" in summary
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-confusion-digits")))
    dark = render(page, payload(cm), "dark")
    page.locator(f"#{dark}").screenshot(path=str(screenshot_path("harness-confusion-digits-dark")))


def test_update_keeps_mode_zoom_and_node_and_dispose_frees(page: Page) -> None:
    import modelviz

    first = modelviz.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], labels=["a", "b", "c"], title="before")
    out = render(page, payload(first))
    page.locator(f"#{out} button[data-mode='true']").click()
    call(page, out, "cm.heatmap(0).zoomBy(2)")
    zoom = page.locator(f"#{out} .mv-Heatmap").get_attribute("data-zoom")
    assert zoom is not None and float(zoom) > 1.1
    page.evaluate(f"document.querySelector('#{out} .mv-Heatmap-canvas').dataset.marker = 'same'")
    second = modelviz.confusion_matrix([0, 1, 2, 2, 1, 0], [0, 1, 2, 2, 1, 1], labels=["a", "b", "c"], title="after")
    page.evaluate("([id, p]) => window.modelviz.update(id, p)", [out, payload(second)])
    assert page.locator(f"#{out} .mv-Title").text_content() == "after"
    assert page.evaluate(f"document.querySelector('#{out} .mv-Heatmap-canvas').dataset.marker") == "same"
    assert page.locator(f"#{out} .mv-Heatmap").get_attribute("data-zoom") == zoom
    assert page.locator(f"#{out} button[data-mode='true']").get_attribute("aria-pressed") == "true"
    assert cells(page, out)[0] == ["50%", "50%", "0%"]  # recall mode: row 'a' is 1 of 2 right

    page.evaluate("([id, p]) => window.modelviz.update(id, p)", [out, dict(payload(second), labels=7)])
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "stale"
    assert page.locator(f"#{out} .mv-Heatmap-canvas").count() == 1
    assert "/labels" in (page.locator(f"#{out} .mv-Error").text_content() or "")

    page.evaluate("id => window.modelviz.outputs.get(id).dispose()", out)
    assert page.locator(f"#{out} .mv-Root").count() == 0


def test_thousand_classes_draw_on_one_canvas_and_zoom_into_labels(page: Page) -> None:
    import modelviz

    rng = np.random.default_rng(0)
    family = rng.integers(0, 1000, size=100_000)
    guess = np.where(rng.random(100_000) < 0.7, family, family // 10 * 10 + rng.integers(0, 10, size=100_000))
    cm = modelviz.confusion_matrix(family, guess, labels=[f"class {i:03d}" for i in range(1000)], title="1,000")
    out = render(page, payload(cm))
    assert page.locator(f"#{out} .mv-CmMaps *").count() < 40, "cells must not be DOM elements"
    assert page.locator(f"#{out} .mv-CmCells td").count() == 0
    box = page.locator(f"#{out} .mv-Heatmap-canvas").bounding_box()
    assert box is not None and box["width"] > 400
    # hover a cell on the diagonal: the tooltip names both classes and the count
    c = call(page, out, "cm.heatmap(0).cellCentre(500, 500)")
    page.mouse.move(c["x"], c["y"])
    page.wait_for_timeout(100)
    hit = call(page, out, "cm.heatmap(0).cellAt(arg[0], arg[1])", [c["x"], c["y"]])
    tip = page.locator(f"#{out} .mv-Heatmap [role='tooltip']").first.text_content() or ""
    assert f"class {hit['row']:03d}" in tip and f"{int(cm.matrix[hit['row'], hit['col']]):,}" in tip, tip
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-confusion-1000")))
    for _ in range(5):
        call(page, out, "cm.heatmap(0).zoomBy(2.5)")
    r = call(page, out, "cm.heatmap(0).visibleRange()")
    assert r["zoom"] > 50 and r["cellPx"] > 20
    # the top-confused pairs list: the first pair is the matrix's largest off-diagonal cell
    first = page.locator(f"#{out} .mv-CmSide li, #{out} .mv-CmSide button").first.text_content() or ""
    off = cm.matrix.copy()
    np.fill_diagonal(off, 0)
    i, j = np.unravel_index(np.argmax(off), off.shape)
    assert f"class {i:03d}" in first and f"class {j:03d}" in first, first
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-confusion-1000-zoomed")))


def test_metrics_table_sorts_and_lights_up_its_class(page: Page) -> None:
    cm = digits()["cm"]
    out = render(page, payload(cm))
    table = f"#{out} .mv-CmTable"
    rows = page.locator(f"{table} tbody tr").all()
    assert len(rows) == 10
    report = cm.report
    # the F1 header sorts by the kernel's (scikit-learn's) F1; a second click reverses
    f1 = {name: report[name]["f1-score"] for name in cm.labels}
    header = page.locator(f"{table} thead button", has_text="F1").first
    header.click()
    first = call(page, out, "cm.tableRows()")
    assert sorted(first, key=lambda k: f1[k]) == first or sorted(first, key=lambda k: -f1[k]) == first, first
    header.click()
    second = call(page, out, "cm.tableRows()")
    assert second == first[::-1] or [f1[k] for k in second] == [f1[k] for k in first[::-1]], (first, second)
    assert [f1[k] for k in first] != [f1[k] for k in second]
    text = page.locator(f"{table} tbody tr", has_text="digit 8").first.text_content() or ""
    assert f"{report['digit 8']['recall']:.3f}" in text and f"{report['digit 8']['precision']:.3f}" in text
    footer = page.locator(f"{table} tfoot").text_content() or ""
    assert f"{report['macro avg']['f1-score']:.3f}" in footer
    # a click on a class lights up its row and column in the matrix and adds its curves
    page.locator(f"{table} tbody tr", has_text="digit 8").first.click()
    state = call(page, out, "cm.state()")
    assert state["highlight"] == 8 and "digit 8" in state["curves"]
    assert page.locator(f"{table} tbody tr[aria-selected='true']").count() == 1
    page.locator(f"#{out} .mv-CmLower").screenshot(path=str(screenshot_path("harness-confusion-table-curves")))


def test_curves_show_the_kernels_auc_and_ap(page: Page) -> None:
    cm = digits()["cm"]
    out = render(page, payload(cm))
    call(page, out, "cm.selectClass(3)")
    legend = page.locator(f"#{out} .mv-CmCurves").text_content() or ""
    assert f"{cm.roc['macro']['auc']:.3f}" in legend
    assert "digit 3" in legend and f"{cm.roc['classes']['digit 3']['auc']:.3f}" in legend
    page.locator(f"#{out} .mv-CmCurves button", has_text="PR").first.click()
    legend = page.locator(f"#{out} .mv-CmCurves").text_content() or ""
    assert f"{cm.pr['micro']['ap']:.3f}" in legend
    page.locator(f"#{out} .mv-CmCurves").screenshot(path=str(screenshot_path("harness-confusion-curves-pr")))


def test_threshold_slider_recomputes_the_matrix_exactly(page: Page) -> None:
    import modelviz
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import confusion_matrix
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    clf = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[:300], y[:300])
    score = clf.predict_proba(x[300:])[:, 1]
    yt = y[300:]
    cm = modelviz.confusion_matrix(yt, score, labels=["malignant", "benign"], threshold=0.5, title="cancer")
    out = render(page, payload(cm))
    assert cells(page, out) == [[str(v) for v in row] for row in confusion_matrix(yt, score >= 0.5)]
    slider = page.locator(f"#{out} .mv-CmThreshold input[type='range']")
    assert slider.count() == 1
    lo, hi = int(slider.get_attribute("min") or 0), int(slider.get_attribute("max") or 0)
    thresholds = np.frombuffer(base64.b64decode(payload(cm)["threshold"]["thresholds"]["data"]), dtype="<f8")
    seen = set()
    for frac in (0.1, 0.5, 0.9):
        v = round(lo + (hi - lo) * frac)
        slider.evaluate("(s, v) => { s.value = String(v); s.dispatchEvent(new Event('input', {bubbles: true})); }", v)
        page.wait_for_timeout(60)
        t = call(page, out, "cm.state().threshold")
        assert isinstance(t, int)
        seen.add(t)
        cut = score >= thresholds[t] if t < thresholds.size else np.zeros(yt.shape, bool)
        assert cells(page, out) == [[str(v) for v in row] for row in confusion_matrix(yt, cut)], (frac, t)
    assert len(seen) == 3
    readout = page.locator(f"#{out} .mv-CmThreshold").text_content() or ""
    assert "benign" in readout and "TPR" in readout
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-confusion-threshold")))


def test_a_click_on_a_cell_shows_its_samples_most_confident_first(page: Page) -> None:
    d = digits()
    cm = d["cm"]
    out = render(page, payload(cm))
    off = cm.matrix.copy()
    np.fill_diagonal(off, 0)
    i, j = (int(v) for v in np.unravel_index(np.argmax(off), off.shape))
    c = call(page, out, "cm.heatmap(0).cellCentre(arg[0], arg[1])", [i, j])
    page.mouse.click(c["x"], c["y"])
    panel = page.locator(f"#{out} .mv-CmSamples")
    panel.wait_for(state="visible")
    heading = panel.text_content() or ""
    assert cm.labels[i] in heading and cm.labels[j] in heading
    imgs = panel.locator("img")
    expect = min(int(off[i, j]), 8)
    assert imgs.count() == expect
    assert all((imgs.nth(k).get_attribute("src") or "").startswith("data:image/png;base64,") for k in range(expect))
    # the items are the test set's misclassified samples of that cell, the most confident mistakes first
    pred = d["proba"].argmax(1)
    idx = np.flatnonzero((d["y"] == i) & (pred == j))
    best = idx[np.argsort(-d["proba"][idx, j], kind="stable")][:expect]
    shown = [int(t.strip("#")) for t in panel.locator(".mv-CmSampleIndex").all_text_contents()]
    assert shown == best.tolist()
    panel.screenshot(path=str(screenshot_path("harness-confusion-samples")))


def test_two_models_side_by_side_with_their_difference(page: Page) -> None:
    both = digits()["both"]
    out = render(page, payload(both))
    assert page.locator(f"#{out} .mv-Heatmap").count() == 3
    captions = page.locator(f"#{out} .mv-CmMap figcaption").all_text_contents()
    assert captions == ["logreg", "mlp", "mlp \N{MINUS SIGN} logreg"]
    head = page.locator(f"#{out} .mv-CmTable thead").text_content() or ""
    assert "Δ" in head
    page.locator(f"#{out} .mv-CmToolbar button", has_text="mlp \N{MINUS SIGN} logreg").first.click()
    assert page.locator(f"#{out} .mv-Heatmap").count() == 1
    page.locator(f"#{out} .mv-CmToolbar button[data-panels='a,b,diff']").click()
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-confusion-compare")))


def test_csv_export_is_the_matrix(page: Page) -> None:
    cm = digits()["cm"]
    out = render(page, payload(cm))
    with page.expect_download() as info:
        page.locator(f"#{out} .mv-CmToolbar button", has_text="CSV").first.click()
    path = info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8").read())))
    assert rows[0][1:] == cm.labels
    assert [[int(v) for v in r[1:]] for r in rows[1:]] == cm.matrix.tolist()


def test_png_and_svg_export_are_the_matrix_picture(page: Page) -> None:
    cm = digits()["cm"]
    out = render(page, payload(cm))
    with page.expect_download() as info:
        page.locator(f"#{out} .mv-CmToolbar button", has_text="SVG").first.click()
    assert info.value.suggested_filename == "confusion.svg"
    svg = open(info.value.path(), encoding="utf-8").read()
    assert svg.lstrip().startswith("<svg") and all(label in svg for label in cm.labels)
    with page.expect_download() as info:
        page.locator(f"#{out} .mv-CmToolbar button", has_text="PNG").first.click()
    data = open(info.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
