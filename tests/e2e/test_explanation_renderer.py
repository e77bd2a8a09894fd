"""The explanation view on the bare harness page in real Chromium, fed by the real package's payloads: Grad-CAM maps
over an image (classes, methods side by side), token highlights, SHAP's tabular views (importance, beeswarm,
waterfall, dependence)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from playwright.sync_api import Page

from .conftest import screenshot_path

MIME = "application/vnd.modelviz.explanation.v1+json"


VIEWPORT = (1100, 900)


def render(page: Page, e: Any, theme: str = "light") -> str:
    out: str = page.evaluate(
        "([m, p, t]) => window.modelviz.render(m, p, t)", [MIME, e._repr_mimebundle_()[MIME], theme]
    )
    assert page.locator(f"#{out} .mv-Root").get_attribute("data-mv-state") == "rendered", page.locator(
        f"#{out}"
    ).text_content()
    return out


@cache
def cnn() -> Any:
    import torch
    from torch import nn

    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 3),
    )
    return net.eval()


def square_image() -> Any:
    import torch

    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 4:14, 18:28] = 1.0  # a bright square top right
    return x


def test_gradcam_maps_over_the_image_with_a_tab_per_class(page: Page) -> None:
    import modelviz
    import torch

    e = modelviz.explain.gradcam(cnn(), square_image(), labels=["a", "b", "c"], top_k=2, title="cam")
    out = render(page, e)
    tabs = page.locator(f"#{out} .mv-XTabs button").all_text_contents()
    assert len(tabs) == 2 and all(t.split()[0] in ("a", "b", "c") for t in tabs), tabs
    assert page.locator(f"#{out} .mv-XPanel canvas.mv-XMap").count() == 1
    # the map is drawn over the image: where Grad-CAM is strongest the pixel is tinted, where it is zero the image
    # shows through
    m = e.maps[0]
    page.locator(f"#{out} .mv-XImageBar select[title='Colour map']").select_option("jet")
    hot = np.unravel_index(int(np.argmax(m.values)), m.values.shape)
    cold = np.unravel_index(int(np.argmin(m.values)), m.values.shape)
    assert m.values[cold] < 0.02 * m.values[hot]
    px = page.evaluate(
        """([id, pts]) => {
             const c = document.querySelector('#' + id + ' canvas.mv-XMap');
             const g = c.getContext('2d');
             return pts.map(([y, x]) => Array.from(g.getImageData(Math.floor((x + 0.5) / 32 * c.width),
                                                                   Math.floor((y + 0.5) / 32 * c.height), 1, 1).data));
           }""",
        [out, [list(map(int, hot)), list(map(int, cold))]],
    )
    img = e.images[0]

    def dist(rgb: list[int], ref: Any) -> int:
        return sum(abs(a - int(b)) for a, b in zip(rgb[:3], ref, strict=True))

    assert dist(px[0], img[hot]) > 150, (px[0], img[hot])  # jet's top, dark red, over the image
    assert dist(px[1], img[cold]) < 12, (px[1], img[cold])  # no attribution: the image shows through
    # every image at once; a click on one opens it
    grid = modelviz.explain.gradcam(
        cnn(), square_image().repeat(3, 1, 1, 1) * torch.tensor([1.0, 0.5, 0.2])[:, None, None, None]
    )
    gout = render(page, grid)
    page.locator(f"#{gout} .mv-XGridToggle").click()
    assert page.locator(f"#{gout} canvas.mv-XSmall").count() == 3
    page.locator(f"#{gout}").screenshot(path=str(screenshot_path("harness-explanation-grid")))
    page.locator(f"#{gout} .mv-XPanel[data-sample='2'] canvas").click()
    assert page.locator(f"#{gout} canvas.mv-XSmall").count() == 0
    assert page.locator(f"#{gout} .mv-XThumbs button[aria-pressed='true']").get_attribute("data-sample") == "2"
    page.locator(f"#{out} .mv-XTabs button").nth(1).click()
    assert page.locator(f"#{out} .mv-XTabs button[aria-pressed='true']").text_content() == tabs[1]
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-gradcam")))


def test_methods_side_by_side_and_the_value_under_the_pointer(page: Page) -> None:
    import modelviz

    e = modelviz.explain.compare(cnn(), square_image()[0], methods=("gradcam", "integrated_gradients", "occlusion"))
    out = render(page, e)
    methods = [p.get_attribute("data-method") for p in page.locator(f"#{out} .mv-XPanel").all()]
    assert methods == ["gradcam", "integrated_gradients", "occlusion"]
    assert "completeness error" in (
        page.locator(f"#{out} .mv-XPanel[data-method='integrated_gradients']").text_content() or ""
    )
    box = page.locator(f"#{out} .mv-XPanel[data-method='gradcam'] canvas.mv-XMap").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    assert "gradcam at (9, 22)" in (page.locator(f"#{out} .mv-XValue").text_content() or "")
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-methods")))
    with page.expect_download() as info:
        page.locator(f"#{out} .mv-Header button", has_text="PNG").click()
    png = open(info.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    canvas_width = page.evaluate(f"document.querySelector('#{out} canvas.mv-XMap').width")
    assert width == 3 * canvas_width + 2 * 8  # the three maps side by side
    dark = render(page, e, "dark")
    page.locator(f"#{dark}").screenshot(path=str(screenshot_path("harness-explanation-methods-dark")))


def test_tokens_are_coloured_by_their_attribution(page: Page) -> None:
    import modelviz

    tokens = ["[CLS]", "the", "film", "was", "un", "##believ", "##ably", "good", "[SEP]"]
    values = np.array([[0.0, 0.05, 0.1, -0.02, -0.6, -0.3, 0.2, 0.9, 0.0]], dtype=np.float32)
    e = modelviz.explain(values[0], tokens=tokens, output_names=["positive"], method="integrated_gradients")
    out = render(page, e)
    spans = page.locator(f"#{out} .mv-XToken")
    assert spans.all_text_contents() == ["[CLS]", "the", "film", "was", "un", "believ", "ably", "good", "[SEP]"]
    text = page.locator(f"#{out} .mv-XTokens").text_content()
    assert text == "[CLS] the film was unbelievably good [SEP]"
    colors = spans.evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)")
    rgb = [tuple(int(v) for v in c[c.index("(") + 1 : -1].split(",")[:3]) for c in colors]
    assert rgb[7][0] > rgb[7][2] + 80, rgb[7]  # +0.9: red
    assert rgb[4][2] > rgb[4][0] + 60, rgb[4]  # -0.6: blue
    assert spans.nth(7).get_attribute("title") == "good: 0.9000"
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-text")))
    dark = render(page, e, "dark")
    page.locator(f"#{dark}").screenshot(path=str(screenshot_path("harness-explanation-text-dark")))


@cache
def shap_diabetes() -> Any:
    import shap
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor

    x, y = load_diabetes(return_X_y=True, as_frame=True)
    model = GradientBoostingRegressor(n_estimators=50, random_state=0).fit(x, y)
    return shap.TreeExplainer(model)(x), x


def test_shap_tabular_views(page: Page) -> None:
    import modelviz

    sv, x = shap_diabetes()
    out = render(page, modelviz.explain(sv, title="diabetes"))
    # importance: the features in the order of mean |SHAP value|
    page.locator(f"#{out} .mv-XTabBar button[data-tab='importance']").click()
    names = page.locator(f"#{out} .mv-XBarName").all_text_contents()
    expected = [x.columns[j] for j in np.argsort(-np.abs(sv.values).mean(0), kind="stable")]
    assert names == expected
    # the beeswarm: one canvas; hovering a point names its row; a click opens that row's waterfall
    page.locator(f"#{out} .mv-XTabBar button[data-tab='beeswarm']").click()
    canvas = page.locator(f"#{out} .mv-XSwarm canvas")
    box = canvas.bounding_box()
    assert box is not None
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-beeswarm")))
    hit = None
    for dx in range(0, 300, 6):  # walk along the first feature's row until a point is under the pointer
        page.mouse.move(box["x"] + 200 + dx, box["y"] + 20 + 13)
        tip = page.locator(f"#{out} .mv-XTip").text_content() or ""
        if tip.startswith("row"):
            hit = tip
            break
    assert hit is not None and expected[0] in hit, hit
    page.mouse.click(box["x"] + 200 + dx, box["y"] + 20 + 13)
    row = int(hit.split()[1])
    assert page.locator(f"#{out} .mv-XTabBar button[data-tab='waterfall']").get_attribute("aria-pressed") == "true"
    assert page.locator(f"#{out} input.mv-XRow").input_value() == str(row)
    # the waterfall ends at the model's output for that row: base value + the row's SHAP values
    label = page.locator(f"#{out} svg.mv-XWaterfall").get_attribute("aria-label") or ""
    fx = float(np.asarray(sv.base_values).reshape(-1)[row] + sv.values[row].sum())
    assert f"to {fx:.4g}" in label.replace("e+", "e"), (label, fx)
    f = x.shape[1]
    assert page.locator(f"#{out} svg.mv-XWaterfall rect").count() == min(10, f) + (f > 10)  # top 10, then the rest
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-waterfall")))
    with page.expect_download() as info:
        page.locator(f"#{out} .mv-Header button", has_text="SVG").click()
    svg = open(info.value.path(), encoding="utf-8").read()
    assert svg.startswith("<svg") and "E[f(x)]" in svg and expected[0] in svg
    page.locator(f"#{out} .mv-XTabBar button[data-tab='dependence']").click()
    dep = page.locator(f"#{out} .mv-XTabular canvas")
    assert dep.count() == 1
    # coloured by the feature that interacts most with the top feature (as SHAP's dependence_plot picks one)
    by = dep.get_attribute("data-colour")
    assert by in list(x.columns) and by != expected[0], by
    page.locator(f"#{out}").screenshot(path=str(screenshot_path("harness-explanation-dependence")))
