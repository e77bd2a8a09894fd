"""Run-dashboard benchmark: the scalars renderer in headless Chromium on the harness page.

Data: R runs x N points of one tag (int64 steps, float64 values: a decaying noisy random walk from a seeded
generator), generated inside the page and serialised to the payload's JSON text, so the timings start at that text.

first-paint  ours:   JSON.parse(text) -> window.modelviz.render (schema check, decode, smoothing, per-pixel min/max
                     downsampling, one scattergl trace per run plus its faint raw trace) -> the next animation frame.
             anchor: JSON.parse(text) -> decode the same tensors -> Plotly.newPlot with one scattergl trace per run
                     holding every point -> the next animation frame.
zoom-frame   ours:   Plotly.relayout to a new x-range -> our refinement from the full data redrawn -> next frame.
             anchor: Plotly.relayout of the anchor plot to the same x-range -> next frame.
Medians of the rounds; the bracket gives min-max. Targets (the issue): first paint <= 300 ms, zoom frame <= 16 ms.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, line, load_average, ratio

HARNESS = (ROOT / os.environ.get("MV_HARNESS", "build/harness")).resolve() / "index.html"
CHROMIUM = os.environ.get("MODELVIZ_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--js-flags=--max-old-space-size=8192",
]
MIME = "application/vnd.modelviz.scalars.v1+json"

GENERATE = """
({runs, n, seed}) => {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const b64 = (arr) => new Uint8Array(arr.buffer).toBase64();
  const payload = { version: '1.0', logdir: 'bench', runs: [], scalars: [], options: { smoothing: 0.6 },
                    status: { live: false } };
  for (let r = 0; r < runs; r++) {
    const steps = new BigInt64Array(n);
    const halves = new Uint32Array(steps.buffer);
    const v = new Float64Array(n);
    let walk = 0;
    for (let i = 0; i < n; i++) {
      halves[2 * i] = i;
      walk += (rnd() - 0.5) * 0.02;
      v[i] = (1 + r * 0.3) * Math.exp(-i / (n / 5)) + 0.1 * walk + (rnd() - 0.5) * 0.1;
    }
    payload.runs.push({ name: `run-${r}` });
    payload.scalars.push({ run: r, tag: 'train/loss', step: { dtype: 'int64', shape: [n], data: b64(steps) },
                           value: { dtype: 'float64', shape: [n], data: b64(v) }, total_points: n });
  }
  window.__benchText = JSON.stringify(payload);
  return window.__benchText.length;
}
"""

NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"

OURS_FIRST = f"""
async () => {{
  const t0 = performance.now();
  const p = JSON.parse(window.__benchText);
  const id = await window.modelviz.render('{MIME}', p, 'light', 960);
  await ({NEXT_FRAME})();
  const t = performance.now() - t0;
  const live = document.querySelectorAll(`#${{id}} .mv-ScalarsChart[data-live]`).length;
  if (live !== 1) throw new Error(`expected one drawn chart, found ${{live}}`);
  window.__ours = id;
  return t;
}}
"""

ANCHOR_FIRST = f"""
async () => {{
  const Plotly = await window.modelviz.loadPlotly();
  const t0 = performance.now();
  const p = JSON.parse(window.__benchText);
  const traces = p.scalars.map((s) => {{
    const st = window.modelviz.decodeTensor(s.step, '/step');
    const halves = new Uint32Array(st.data.buffer, st.data.byteOffset, st.size * 2);
    const x = new Float64Array(st.size);
    for (let i = 0; i < st.size; i++) x[i] = (halves[2 * i + 1] | 0) * 4294967296 + halves[2 * i];
    const y = window.modelviz.decodeTensor(s.value, '/value').data;
    return {{ type: 'scattergl', mode: 'lines', x, y, name: p.runs[s.run].name }};
  }});
  const div = document.createElement('div');
  div.id = 'anchor';
  div.style.width = '700px';
  document.body.appendChild(div);
  await Plotly.newPlot(div, traces, {{ height: 230, margin: {{ l: 44, r: 10, t: 6, b: 26 }}, showlegend: false,
                                        hovermode: 'x unified' }}, {{ displaylogo: false }});
  await ({NEXT_FRAME})();
  return performance.now() - t0;
}}
"""

OURS_ZOOM = f"""
async ([a, b]) => {{
  const Plotly = await window.modelviz.loadPlotly();
  const chart = document.querySelector(`#${{window.__ours}} .mv-ScalarsChart`);
  const gd = chart.querySelector('.mv-ScalarsChart-plot');
  const before = Number(chart.dataset.draws);
  const drawn = new Promise((resolve) => {{
    const mo = new MutationObserver(() => {{
      if (Number(chart.dataset.draws) > before) {{ mo.disconnect(); resolve(); }}
    }});
    mo.observe(chart, {{ attributes: true, attributeFilter: ['data-draws'] }});
  }});
  const t0 = performance.now();
  await Plotly.relayout(gd, {{ 'xaxis.range': [a, b] }});
  await drawn;
  await ({NEXT_FRAME})();
  const t = performance.now() - t0;
  const xs = gd.data[0].x;
  if (!(xs[0] <= a && xs[xs.length - 1] >= Math.min(b, xs[xs.length - 1]))) throw new Error('not refined');
  return t;
}}
"""

ANCHOR_ZOOM = f"""
async ([a, b]) => {{
  const Plotly = await window.modelviz.loadPlotly();
  const t0 = performance.now();
  await Plotly.relayout(document.getElementById('anchor'), {{ 'xaxis.range': [a, b] }});
  await ({NEXT_FRAME})();
  return performance.now() - t0;
}}
"""

CLEANUP = """
async () => {
  const Plotly = await window.modelviz.loadPlotly();
  if (window.__ours) window.modelviz.dispose(window.__ours);
  window.__ours = undefined;
  const a = document.getElementById('anchor');
  if (a) { Plotly.purge(a); a.remove(); }
}
"""


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ms"


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}"


def measure(
    page: Page, runs: int, n: int, rounds: int, anchor_rounds: int, zooms: int, anchor_zooms: int
) -> dict[str, Any]:
    size = page.evaluate(GENERATE, {"runs": runs, "n": n, "seed": 20240601})
    first_ours: list[float] = []
    first_anchor: list[float] = []
    zoom_ours: list[float] = []
    zoom_anchor: list[float] = []
    # warm-up: Plotly and the renderer chunk loaded, JIT warm
    page.evaluate(OURS_FIRST)
    page.evaluate(CLEANUP)
    for i in range(max(rounds, anchor_rounds)):
        order = ["ours", "anchor"] if i % 2 == 0 else ["anchor", "ours"]
        for side in order:
            if side == "ours" and i < rounds:
                first_ours.append(page.evaluate(OURS_FIRST))
            elif side == "anchor" and i < anchor_rounds:
                first_anchor.append(page.evaluate(ANCHOR_FIRST))
        # zoom frames on the plots of this round (both exist after the first round)
        if i == 0:
            for k in range(zooms):
                lo = int(n * (0.05 + 0.8 * ((k * 0.37) % 1)))
                hi = lo + max(10, n // (10 + 5 * (k % 4)))
                zoom_ours.append(page.evaluate(OURS_ZOOM, [lo, hi]))
                if k < anchor_zooms:
                    zoom_anchor.append(page.evaluate(ANCHOR_ZOOM, [lo, hi]))
        page.evaluate(CLEANUP)
    return {"size": size, "first": (first_ours, first_anchor), "zoom": (zoom_ours, zoom_anchor)}


def report(name: str, runs: int, n: int, r: dict[str, Any]) -> None:
    fo, fa = r["first"]
    zo, za = r["zoom"]
    detail = f"{runs} runs x {n:,} points, {r['size'] / 1e6:.0f} MB JSON"
    print(
        line(
            f"scalars/first-paint-{name}",
            ms(fo),
            f"anchor(plotly scattergl, all points) {ms(fa)}",
            ratio(statistics.median(fo), statistics.median(fa), "faster", "slower"),
            f"{detail}; target <= 300 ms; rounds {len(fo)}/{len(fa)}: {spread(fo)} / {spread(fa)}",
        )
    )
    print(
        line(
            f"scalars/zoom-frame-{name}",
            ms(zo),
            f"anchor(plotly scattergl, all points) {ms(za)}",
            ratio(statistics.median(zo), statistics.median(za), "faster", "slower"),
            f"{detail}; relayout + refine + next frame; target <= 16 ms; {len(zo)} zooms: {spread(zo)} / {spread(za)}",
        )
    )


def main() -> int:
    if not HARNESS.exists():
        print(f"bench/scalars: no harness at {HARNESS} (run scripts/setup.sh or set MV_HARNESS)", file=sys.stderr)
        return 1
    quick = os.environ.get("BENCH_QUICK") == "1"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.set_default_timeout(600_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(HARNESS.as_uri())
        page.wait_for_function("document.body.dataset.ready === 'true'")
        big_n = 100_000 if quick else 1_000_000
        small = measure(page, 10, 2_000, rounds=7, anchor_rounds=7, zooms=15, anchor_zooms=15)
        report("10x2k", 10, 2_000, small)
        # the anchor draws every point: one first paint and 3 zooms take minutes at 10M points in software WebGL
        big = measure(page, 10, big_n, rounds=5, anchor_rounds=1 if not quick else 3, zooms=9, anchor_zooms=3)
        report("10x1M" if not quick else "10x100k", 10, big_n, big)
        version = browser.version
        browser.close()
        if errors:
            print(f"bench/scalars: page errors: {errors}", file=sys.stderr)
            return 1
    print(f"  (Chromium {version}, SwiftShader WebGL; {platform.machine()}; {load_average()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
