"""A real JupyterLab in headless Chromium renders modelviz outputs computed in a real kernel."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from PIL import Image
from playwright.sync_api import Browser

from .conftest import LabServer, run_notebook, screenshot_path

CONFUSION = ".mv-Root.mv-Confusion"
CANVAS = ".mv-Heatmap-canvas"


def test_confusion_matrix_from_a_real_kernel(browser: Browser, lab: LabServer) -> None:
    rng = np.random.default_rng(3)
    labels = ["cat", "dog", "<b>bird</b>"]
    y_true = rng.integers(0, 3, size=60).tolist()
    y_pred = [t if rng.random() < 0.75 else int(rng.integers(0, 3)) for t in y_true]
    expected = np.zeros((3, 3), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        expected[t, p] += 1

    cells = [
        textwrap.dedent(
            f"""
            import modelviz
            names = {labels!r}
            y_true = [names[i] for i in {y_true!r}]
            y_pred = [names[i] for i in {y_pred!r}]
            modelviz.confusion_matrix(y_true, y_pred, labels=names, title="e2e")
            """
        ),
        textwrap.dedent(
            """
            from IPython.display import display
            display({"application/vnd.modelviz.confusion.v1+json": {"version": "1.0", "labels": "cat,dog",
                     "matrix": {"dtype": "complex64", "shape": [2, 2], "data": ""}},
                     "text/plain": "broken payload"}, raw=True)
            """
        ),
    ]
    page = run_notebook(browser, lab, "confusion.ipynb", cells)
    try:
        page.wait_for_selector(f"{CONFUSION}[data-mv-state='rendered'] {CANVAS}", timeout=30_000)
        out = page.locator(".jp-OutputArea-output").filter(has=page.locator(CONFUSION)).first
        out.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot = screenshot_path("jupyterlab-confusion")
        out.screenshot(path=str(shot))

        # the numbers a user reads in the cells, row by row, are the counts computed here
        # (the canvas's cells are also written into a visually hidden table, for screen readers and for this test)
        texts = page.locator(f"{CONFUSION} .mv-CmCells td").all_text_contents()
        assert [int(t) for t in texts] == expected.reshape(-1).tolist()
        ticks = page.locator(f"{CONFUSION} .mv-CmCells tr").first.locator("th").all_text_contents()[1:]
        assert ticks == labels  # the HTML-looking label is shown literally
        table = page.locator(f"{CONFUSION} .mv-CmTable tbody tr").all_text_contents()
        assert len(table) == 3 and "<b>bird</b>" in table[2]
        assert page.locator(f"{CONFUSION} b").count() == 0
        summary = page.locator(f"{CONFUSION} .mv-Summary").text_content()
        assert summary is not None and summary.startswith(
            f"3 classes · 60 samples · accuracy {np.trace(expected) / 60:.1%}"
        )

        # pixels: the heatmap is drawn, with the darkest blue for the largest cell and a pale cell for the smallest
        img = Image.open(shot).convert("RGB")
        colours = {c for _, c in img.getcolors(maxcolors=1 << 20) or []}
        assert any(b > 100 and r < 40 and g < 80 for r, g, b in colours), "no dark-blue (largest count) cell drawn"
        assert len(colours) > 50, "output looks blank"

        # the malformed payload: an error box naming the paths, not a blank output
        err = page.locator(".jp-OutputArea-output .mv-Error")
        err.wait_for(timeout=10_000)
        text = err.text_content() or ""
        assert "/labels" in text and "must be array" in text
        assert "/matrix/dtype" in text
        err.screenshot(path=str(screenshot_path("jupyterlab-error")))
    finally:
        page.close()


def test_display_update_applies_in_place(browser: Browser, lab: LabServer) -> None:
    cells = [
        textwrap.dedent(
            """
            import modelviz
            handle = display(modelviz.confusion_matrix([0, 1, 1], [0, 1, 0], title="before"), display_id=True)
            """
        ),
    ]
    page = run_notebook(browser, lab, "update.ipynb", cells)
    try:
        page.wait_for_selector(f"{CONFUSION}[data-mv-state='rendered'] {CANVAS}", timeout=30_000)
        # mark the live DOM node and the user's choice of normalisation; both must survive the update
        page.evaluate(f"document.querySelector('{CONFUSION}').dataset.marker = 'same-node'")
        page.locator(f"{CONFUSION} button[data-mode='true']").click()
        page.evaluate(
            """window.jupyterapp.commands.execute('notebook:insert-cell-below').then(() => {
                 const nb = window.jupyterapp.shell.currentWidget.content;
                 nb.activeCell.model.sharedModel.setSource(
                   'handle.update(modelviz.confusion_matrix([0, 1, 1, 1], [0, 1, 1, 1], title="after"))');
                 return window.jupyterapp.commands.execute('notebook:run-cell');
               })"""
        )
        page.wait_for_function(
            f"document.querySelector('{CONFUSION} .mv-Title')?.textContent === 'after'", timeout=30_000
        )
        assert page.locator(CONFUSION).count() == 1
        assert page.evaluate(f"document.querySelector('{CONFUSION}').dataset.marker") == "same-node"
        assert page.locator(f"{CONFUSION} button[data-mode='true']").get_attribute("aria-pressed") == "true"
        texts = page.locator(f"{CONFUSION} .mv-CmCells td").all_text_contents()
        assert texts == ["100%", "0%", "0%", "100%"]
        page.locator(CONFUSION).screenshot(path=str(screenshot_path("jupyterlab-confusion-updated")))

        # the user switches JupyterLab to its dark theme: the output follows, with the latest data
        assert page.locator(CONFUSION).get_attribute("data-mv-theme") == "light"
        page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
        page.wait_for_selector(f"{CONFUSION}[data-mv-theme='dark'] {CANVAS}", timeout=30_000)
        assert page.locator(CONFUSION).count() == 1
        assert page.locator(f"{CONFUSION} .mv-Title").text_content() == "after"
        page.locator(CONFUSION).screenshot(path=str(screenshot_path("jupyterlab-confusion-dark")))
        page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")
        page.wait_for_selector(f"{CONFUSION}[data-mv-theme='light']", timeout=30_000)
    finally:
        page.close()


def test_quickstart_notebook_renders_in_jupyterlab(browser: Browser, lab: LabServer) -> None:
    """The README's first command opens examples/quickstart.ipynb: every output there must draw. Its evaluation cells
    are the confusion view's acceptance test in a real JupyterLab: a real classifier's matrix with its metrics table,
    curves and samples, two models compared, the threshold slider, a streamed evaluation updated in place, and
    1,000 classes."""
    import json

    from .conftest import ROOT

    nb = json.loads((ROOT / "examples" / "quickstart.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    page = run_notebook(browser, lab, "quickstart.ipynb", cells)
    try:
        page.wait_for_function(
            f"document.querySelectorAll(\"{CONFUSION}[data-mv-state='rendered'] {CANVAS}\").length >= 7",
            timeout=90_000,
        )
        titles = page.locator(f"{CONFUSION} .mv-Title").all_text_contents()
        for title in ("digits · logistic regression", "digits · two models", "breast cancer", "1,000 classes"):
            assert title in titles, titles

        def output(title: str) -> Any:
            root = page.locator(CONFUSION).filter(has=page.locator(".mv-Title", has_text=title)).first
            root.scroll_into_view_if_needed()
            return root

        # the digits model: metrics table, curves with AUC, and a click on the worst cell shows its images
        digits = output("digits · logistic regression")
        assert digits.locator(".mv-CmTable tbody tr").count() == 10
        assert "AUC" in (digits.locator(".mv-CmCurves").text_content() or "")
        pair = digits.locator(".mv-ConfusedPair").first
        pair.click()
        samples = digits.locator(".mv-CmSamples")
        samples.wait_for(state="visible")
        assert samples.locator("img").count() >= 1
        page.wait_for_timeout(200)
        digits.screenshot(path=str(screenshot_path("jupyterlab-quickstart-digits")))

        compared = output("digits · two models")
        assert compared.locator(".mv-Heatmap").count() == 3
        compared.screenshot(path=str(screenshot_path("jupyterlab-quickstart-compare")))

        cancer = output("breast cancer")
        slider = cancer.locator(".mv-CmThreshold input[type='range']")
        before = cancer.locator(".mv-CmCells td").all_text_contents()
        box = slider.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] / 2)  # a low threshold
        page.wait_for_timeout(200)
        after = cancer.locator(".mv-CmCells td").all_text_contents()
        assert after != before and sum(map(int, after)) == sum(map(int, before)), (before, after)
        cancer.screenshot(path=str(screenshot_path("jupyterlab-quickstart-threshold")))

        # the streamed evaluation: one output, updated in place to the whole test set, then closed (no live badge)
        stream = output("streamed evaluation")
        page.wait_for_function(
            """() => [...document.querySelectorAll('.mv-Confusion')].some(r =>
                 r.querySelector('.mv-Title')?.textContent === 'streamed evaluation' &&
                 r.querySelector('.mv-Summary')?.textContent.includes('899 samples') &&
                 r.querySelector('.mv-CmLive')?.hidden)""",
            timeout=30_000,
        )
        assert titles.count("streamed evaluation") == 1
        stream.screenshot(path=str(screenshot_path("jupyterlab-quickstart-stream")))

        big = output("1,000 classes")
        assert big.locator(".mv-Heatmap[data-n='1000']").count() == 1
        big.screenshot(path=str(screenshot_path("jupyterlab-quickstart-1000")))

        # explanations: Grad-CAM next to IG, token highlights, SHAP's beeswarm
        explained = page.locator(".mv-Root.mv-Explanation[data-mv-state='rendered']")
        explained.nth(2).wait_for(timeout=30_000)
        cams = explained.filter(has=page.locator(".mv-Title", has_text="digits CNN")).first
        cams.scroll_into_view_if_needed()
        assert [p.get_attribute("data-method") for p in cams.locator(".mv-XPanel").all()] == [
            "gradcam",
            "integrated_gradients",
        ]
        cams.screenshot(path=str(screenshot_path("jupyterlab-quickstart-explain-image")))
        tokens = explained.filter(has=page.locator(".mv-XToken")).first
        assert "great" in tokens.locator(".mv-XToken").all_text_contents()
        tokens.scroll_into_view_if_needed()
        tokens.screenshot(path=str(screenshot_path("jupyterlab-quickstart-explain-text")))
        swarm = explained.filter(has=page.locator(".mv-Title", has_text="diabetes")).first
        swarm.scroll_into_view_if_needed()
        assert swarm.locator(".mv-XSwarm canvas").count() == 1
        swarm.screenshot(path=str(screenshot_path("jupyterlab-quickstart-explain-shap")))
        swarm.locator(".mv-XTabBar button[data-tab='waterfall']").click()
        assert swarm.locator("svg.mv-XWaterfall rect").count() == 10
        swarm.screenshot(path=str(screenshot_path("jupyterlab-quickstart-explain-waterfall")))
        swarm.locator(".mv-XTabBar button[data-tab='importance']").click()
        assert swarm.locator(".mv-XBarName").count() == 10
        swarm.screenshot(path=str(screenshot_path("jupyterlab-quickstart-explain-importance")))

        assert page.locator(".jp-OutputArea-output .mv-Error").count() == 1
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    finally:
        page.close()
