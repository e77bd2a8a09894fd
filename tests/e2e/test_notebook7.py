"""Notebook 7 (the classic-looking notebook built on JupyterLab components) renders modelviz outputs too.

It loads the same prebuilt extension from the same server as JupyterLab; only the page (``/notebooks/<name>``) and
the shell differ. A confusion matrix and a PyTorch model's graph, computed in a real kernel.
"""

from __future__ import annotations

import textwrap

from PIL import Image
from playwright.sync_api import Browser

from .conftest import LabServer, run_notebook, screenshot_path


def test_notebook7_renders_confusion_and_graph(browser: Browser, lab: LabServer) -> None:
    cells = [
        textwrap.dedent(
            """
            import modelviz
            modelviz.confusion_matrix(["a", "b", "b", "c"], ["a", "b", "c", "c"], title="notebook 7")
            """
        ),
        textwrap.dedent(
            """
            import torch
            from torch import nn
            model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(4))
            model(torch.zeros(1, 3, 8, 8))  # materialise the lazy layer
            model
            """
        ),
        textwrap.dedent(
            """
            import numpy as np
            rng = np.random.default_rng(0)
            modelviz.explain(values=rng.normal(size=(300, 5)), data=rng.normal(size=(300, 5)),
                             feature_names=list("abcde"), title="explained in nb7")
            """
        ),
    ]
    page = run_notebook(browser, lab, "nb7.ipynb", cells, app="notebook")
    try:
        assert "/notebooks/" in page.url and page.locator("#jp-top-panel, #top-panel-wrapper").count() >= 1
        confusion = page.locator(".mv-Root.mv-Confusion[data-mv-state='rendered']")
        confusion.locator(".mv-Heatmap-canvas").first.wait_for(timeout=30_000)
        assert confusion.locator(".mv-Title").text_content() == "notebook 7"
        texts = confusion.locator(".mv-CmCells td").all_text_contents()
        assert [int(t) for t in texts] == [1, 0, 0, 0, 1, 1, 0, 0, 1]
        graph = page.locator(".mv-Root.mv-Graph[data-mv-state='rendered']")
        graph.wait_for(timeout=30_000)
        graph.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot = screenshot_path("notebook7-outputs")
        page.screenshot(path=str(shot), full_page=True)
        assert len(Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50
        explained = page.locator(".mv-Root.mv-Explanation[data-mv-state='rendered']")
        explained.locator(".mv-XSwarm canvas").wait_for(timeout=30_000)
        assert explained.locator(".mv-Title").text_content() == "explained in nb7"
        assert page.locator(".jp-OutputArea-output .mv-Error").count() == 0
    finally:
        page.close()
