"""The SHAP beeswarm at 100,000 rows: modelviz's view in headless Chromium against SHAP's own plot.

ours:   window.modelviz.render of the payload modelviz.explain(shap.Explanation) builds (JSON text -> schema check ->
        parse -> the beeswarm image -> pixels read back), and a hover frame (picking the point under the pointer and
        writing its row, feature and value), on the harness page (build/harness or $MV_HARNESS).
anchor: shap.plots.beeswarm(explanation, max_display=20, show=False) + savefig to a PNG (matplotlib Agg), in this
        process: the picture SHAP users get (no hover at all).
Data: 100,000 rows x 20 features, SHAP-like values (per-feature scales, values correlated with the feature value),
seeded. Usage: .venv/bin/python bench/explain/run_browser.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, line, load_average, modelviz_module, ratio

CHROMIUM = os.environ.get("MODELVIZ_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
MIME = "application/vnd.modelviz.explanation.v1+json"


def data(rows: int, features: int) -> Any:
    import shap

    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).astype(np.float32)
    scale = np.linspace(3, 0.1, features, dtype=np.float32)
    values = (np.tanh(x) * scale + rng.normal(scale=0.1, size=x.shape)).astype(np.float32)
    names = [f"feature {j:02d}" for j in range(features)]
    return shap.Explanation(values, base_values=np.full(rows, 0.5), data=x, feature_names=names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10,000 rows, one round")
    args = ap.parse_args()
    rows, rounds = (10_000, 1) if args.quick else (100_000, 3)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import shap
    from playwright.sync_api import sync_playwright

    explain = modelviz_module("modelviz").explain
    sv = data(rows, 20)
    payload = explain(sv, max_bytes=64_000_000).payload()
    assert "sampled" not in payload["tabular"], "the benchmark's rows must all travel"
    text = json.dumps(payload)

    def shap_png() -> float:
        t0 = time.perf_counter()
        shap.plots.beeswarm(sv, max_display=20, show=False)
        buf = io.BytesIO()
        plt.savefig(buf, format="png", dpi=100)
        plt.close("all")
        return (time.perf_counter() - t0) * 1e3

    harness = Path(os.environ.get("MV_HARNESS", ROOT / "build" / "harness")) / "index.html"
    if not harness.is_file():
        sys.exit(f"{harness} is missing: run scripts/setup.sh")
    ours: list[float] = []
    hover: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(harness.as_uri())
        page.wait_for_function("document.body.dataset.ready === 'true'")
        page.evaluate("t => { window.benchText = t; }", text)
        script = """async (mime) => {
            const t0 = performance.now();
            const id = await window.modelviz.render(mime, JSON.parse(window.benchText), 'light');
            const c = document.querySelector(`#${id} .mv-XSwarm canvas`);
            if (c) c.getContext('2d').getImageData(0, 0, 1, 1);
            const ms = performance.now() - t0;
            // hover frames: picking the point under the pointer along the top feature's row, and writing the tip
            const view = document.querySelector(`#${id} .mv-XView`).mvExplanation.tabular();
            const r = c.getBoundingClientRect();
            const frames = [];
            for (let k = 0; k < 40; k++) {
              const h0 = performance.now();
              const x = r.left + 180 + (k * 13) % 540, y = r.top + 33;
              c.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true}));
              view.pickAt(c, x, y);
              frames.push(performance.now() - h0);
            }
            frames.sort((a, b) => a - b);
            const tip = document.querySelector(`#${id} .mv-XTip`).textContent;
            window.modelviz.dispose(id);
            return {ms, hover: frames[20], tip, drawn: Boolean(c)};
        }"""
        for r in range(1 + rounds):
            res = page.evaluate(script, MIME)
            if not res["drawn"]:
                sys.exit("the beeswarm was not drawn")
            if r:
                ours.append(res["ms"])
                hover.append(res["hover"])
        browser.close()
    shap_png()  # warm-up (imports, fonts)
    anchor = [shap_png() for _ in range(rounds)]
    mo, ma = statistics.median(ours), statistics.median(anchor)
    print(
        line(
            "explain/beeswarm-100k" if rows == 100_000 else f"explain/beeswarm-{rows // 1000}k",
            f"{mo:.0f} ms",
            f"anchor(shap.plots.beeswarm png) {ma:.0f} ms",
            ratio(mo, ma, "faster", "slower"),
            f"{rows:,} rows x 20 features, payload {len(text) / 1e6:.1f} MB; render to pixels, median of {rounds}; "
            f"hover frame (pick + tooltip) median {statistics.median(hover):.2f} ms, SHAP's PNG has none",
        )
    )
    print(
        f"  (shap {shap.__version__}, matplotlib {matplotlib.__version__}, Chromium headless --disable-gpu; "
        f"{load_average()})"
    )


if __name__ == "__main__":
    main()
