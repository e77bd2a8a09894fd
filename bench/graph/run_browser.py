"""Graph benchmark in headless Chromium: modelviz's graph renderer against Netron's web viewer, on the same ONNX files.

ours:   the harness page (build/harness, or $MV_HARNESS) served on loopback; the payload JSON text is built in Python
        (modelviz.graph(ModelProto), outside the timing) and handed to the page; in the page we time JSON.parse ->
        window.modelviz.render(mime, payload) -> its `ready` -> two animation frames (first paint, collapsed), then
        through the view's automation contract (`.mv-GraphView`.mvGraph): expanding one ~500-node group, expanding
        everything, and pan frames with ~5,000 visible nodes; the main-thread JS heap after a GC (CDP).
anchor: Netron's viewer (PyPI `netron`, its own server on 127.0.0.1) opening the same .onnx in the same Chromium
        with the same flags, from navigation to the drawn graph (body class `default`, `#nodes > g.node` present, two
        frames), once per model, under a time limit; a crashed page is reported as out of memory.
Models (bench/graph/models.py, cached in .cache/bench/graph/): torch.onnx exports of ResNet-50 and a
TransformerEncoder, and generated graphs of 3k, 10k and 50k ops in 500-op layers.
Usage: .venv/bin/python bench/graph/run_browser.py [--quick] [--no-netron] [--screenshots] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import logging
import os
import platform
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, line, load_average, modelviz_module, ratio
from bench.graph.models import LAYER_OPS, onnx_file

CACHE = ROOT / ".cache" / "bench" / "graph"
PAGE_JS = Path(__file__).with_name("page.js")
MIME = "application/vnd.modelviz.graph.v1+json"
CHROMIUM = os.environ.get("MODELVIZ_CHROMIUM", "/usr/bin/chromium")
# the same flags as the browser tests (tests/e2e/conftest.py)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
OUTPUT_WIDTH = VIEWPORT["width"] - 16  # the harness pads its output box by 8 px
MODELS = {"resnet50": "resnet50", "transformer": "transformer", "3k": "layers-3000", "10k": "layers-10000"}
MODELS_50K = {"50k": "layers-50000"}
ROUNDS = {"50k": 2}  # timed rounds of ours per model (after one cold round); 3 elsewhere
PAN_VISIBLE = 5_000
PAN_FRAMES = 60
PAN_BUDGET_S = 20.0  # fewer frames when each takes long (software WebGL)
STEP_LIMIT_S = 180.0
TARGETS_MS = {"first-paint-resnet50": 300.0, "first-paint-50k": 1000.0, "expand-500": 100.0, "pan": 16.0}
# Netron replaces window.eval with a function that throws, which breaks Playwright's evaluate: keep the real one.
KEEP_EVAL = (
    "(() => { const e = window.eval; Object.defineProperty(window, 'eval', {get: () => e, set: () => {}}); })();"
)
NETRON_DRAWN = """() => {
  const b = document.body;
  if (!b) return false;
  if (b.classList.contains('alert')) return 'alert';
  const drawn = b.classList.contains('default') && document.querySelector('#nodes > g.node') !== null;
  if (drawn && window.__drawnAt === undefined) window.__drawnAt = performance.now();
  return drawn ? 'drawn' : false;
}"""
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


# ---------------------------------------------------------------- what a run gives


@dataclass
class Ours:
    model: str
    nodes: int  # nodes in the payload
    payload_mb: float
    build_s: float
    first_paint: list[float] = field(default_factory=list)  # ms, warm rounds
    cold_ms: float = 0.0
    expand500: list[float] = field(default_factory=list)
    expand_all: list[float] = field(default_factory=list)
    group: str = ""  # the ~500-node group that was expanded
    group_size: int = 0
    interactive: bool = False
    placeholder_text: str = ""
    stats_collapsed: dict[str, Any] = field(default_factory=dict)
    stats_expanded: dict[str, Any] = field(default_factory=dict)
    heap_collapsed_mb: float = 0.0
    heap_expanded_mb: float = 0.0
    peaks_mb: dict[str, float] = field(default_factory=dict)
    pan: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass
class Netron:
    status: str  # drawn | timeout | oom | alert | error | skipped
    ms: float = 0.0  # navigation to drawn graph + two frames, or the time it ran before failing
    nodes: int = 0  # g.node elements drawn
    heap_mb: float = 0.0
    peaks_mb: dict[str, float] = field(default_factory=dict)
    detail: str = ""


# ---------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium_version() -> str:
    import subprocess

    out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout
    return out.split()[1] if len(out.split()) > 1 else "?"


def fmt_ms(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 10_000 else f"{ms / 1000:.1f} s"


def median_range(xs: list[float]) -> str:
    return f"median of {len(xs)}, {min(xs):.0f}-{max(xs):.0f} ms" if len(xs) > 1 else "1 round"


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """The harness directory over http on loopback (workers and lazy chunks load as they do from a server)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def heap_mb(page: Any) -> float:
    """Main-thread JS heap in use after a full GC, from CDP (workers not included)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return float(metrics["JSHeapUsedSize"]) / 1e6
    finally:
        cdp.detach()


def process_peaks_mb(browser: Any) -> dict[str, float]:
    """Peak resident memory (VmHWM) of the largest renderer process (the page's, with its workers) and of the GPU
    process, in MB: Chromium's processes from CDP, their peaks from /proc."""
    cdp = browser.new_browser_cdp_session()
    try:
        processes = cdp.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        cdp.detach()
    peaks: dict[str, float] = {}
    for proc in processes:
        kind = {"renderer": "renderer", "GPU": "gpu"}.get(proc["type"])
        try:
            status = Path(f"/proc/{proc['id']}/status").read_text()
        except OSError:
            continue
        hwm = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:")), 0) / 1e3
        if kind:
            peaks[kind] = max(peaks.get(kind, 0.0), hwm)
    return peaks


class StepError(RuntimeError):
    pass


def step(page: Any, name: str, *args: Any, limit_s: float = STEP_LIMIT_S) -> Any:
    """Runs page.js's step `name` as a job and returns its result; the wait has a time limit."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    job = page.evaluate("([n, a]) => window.graphBench.start(n, ...a)", [name, list(args)])
    try:
        page.wait_for_function("j => window.graphBench.jobs[j].done", arg=job, timeout=limit_s * 1000, polling=20)
    except PlaywrightTimeout as e:
        raise StepError(f"{name} did not finish in {limit_s:.0f} s") from e
    out = page.evaluate(
        "j => { const r = window.graphBench.jobs[j]; delete window.graphBench.jobs[j]; return r; }", job
    )
    if "error" in out:
        raise StepError(f"{name}: {out['error'].splitlines()[0]}")
    return out["result"]


# ---------------------------------------------------------------- payloads


def group_paths(payload: dict[str, Any], decode: Any) -> list[tuple[str, int]]:
    """(group path joined by '/', ops inside it including subgroups), largest first."""
    strings = payload["strings"]
    names = [strings[int(i)] for i in decode(payload["groups"]["name"])]
    parents = [int(p) for p in decode(payload["groups"]["parent"])]
    sizes = [0] * len(names)
    if "group" in payload["nodes"]:
        for g in decode(payload["nodes"]["group"]):
            g = int(g)
            while g >= 0:
                sizes[g] += 1
                g = parents[g]

    def path(g: int) -> str:
        parts = []
        while g >= 0:
            parts.append(names[g])
            g = parents[g]
        return "/".join(reversed(parts))

    return sorted(((path(g), sizes[g]) for g in range(len(names))), key=lambda t: (-t[1], t[0]))


def build_payload(modelviz: Any, path: Path) -> tuple[str, dict[str, Any], float]:
    import onnx

    t0 = time.perf_counter()
    text = json.dumps(modelviz.graph(onnx.load(str(path))).payload)
    return text, json.loads(text), time.perf_counter() - t0


# ---------------------------------------------------------------- our side


def open_harness(browser: Any, url: str, text: str) -> Any:
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector('body[data-ready="true"]', state="attached", timeout=30_000)
    page.add_script_tag(path=str(PAGE_JS))
    page.evaluate("t => { window.graphBenchText = t; }", text)
    page.bench_errors = errors
    return page


def run_ours(pw: Any, url: str, key: str, text: str, payload: dict[str, Any], decode: Any, build_s: float,
             pan: bool, screenshots: bool) -> Ours:  # fmt: skip
    """Our side for one model, in a fresh browser: timed rounds, then one untimed output for memory and panning.
    A step that fails or passes its time limit ends its phase (recorded in ``error``), not the run."""
    res = Ours(model=key, nodes=int(payload["totals"]["nodes"]), payload_mb=len(text.encode()) / 1e6, build_s=build_s)
    groups = group_paths(payload, decode)
    near500 = [g for g in groups if g[1] <= 2 * LAYER_OPS]
    if near500:
        res.group, res.group_size = min(near500, key=lambda g: (abs(g[1] - LAYER_OPS), g[0]))
    errors: list[str] = []
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = open_harness(browser, url, text)
        try:
            for r in range(1 + ROUNDS.get(key, 3)):
                fp = step(page, "firstPaint", MIME, OUTPUT_WIDTH)
                if r == 0:
                    res.cold_ms = fp["ms"]
                    res.interactive = fp["interactive"]
                    res.placeholder_text = fp["text"]
                    res.stats_collapsed = fp["stats"] or {}
                else:
                    res.first_paint.append(fp["ms"])
                if res.interactive and r > 0:
                    if res.group:
                        res.expand500.append(step(page, "op", fp["id"], "expand", res.group, 1)["ms"])
                        step(page, "op", fp["id"], "collapse", res.group, 1)
                    done = step(page, "op", fp["id"], "expandAll", None, 1)
                    res.expand_all.append(done["ms"])
                    res.stats_expanded = done["stats"]
                step(page, "dispose", fp["id"])
        except StepError as e:
            errors.append(f"timed rounds: {e}")
        # one more output, untimed: heap collapsed, pan frames with ~5k visible nodes, heap expanded
        fp = step(page, "firstPaint", MIME, OUTPUT_WIDTH)
        res.heap_collapsed_mb = heap_mb(page)
        if screenshots:
            page.screenshot(path=str(screenshot(f"bench-graph-ours-{key}")))
        if res.interactive and pan:
            try:
                paths = [g[0] for g in groups if g[1] <= 2 * LAYER_OPS]
                shown = step(page, "expandUntil", fp["id"], paths, PAN_VISIBLE)["stats"]
                res.pan = step(page, "pan", fp["id"], PAN_FRAMES, 12, PAN_BUDGET_S * 1000)
                res.pan["before"] = shown
                if screenshots:
                    page.screenshot(path=str(screenshot(f"bench-graph-ours-{key}-pan")))
            except StepError as e:
                errors.append(f"pan: {e}")
        if res.interactive:
            try:
                step(page, "op", fp["id"], "expandAll", None, 1)
                res.heap_expanded_mb = heap_mb(page)
                if screenshots:
                    page.screenshot(path=str(screenshot(f"bench-graph-ours-{key}-expanded")))
            except StepError as e:
                errors.append(f"expanded memory: {e}")
        errors += [f"page error: {e[:200]}" for e in page.bench_errors[:1]]
    except StepError as e:
        errors.append(str(e))
    finally:
        res.peaks_mb = process_peaks_mb(browser)
        browser.close()
    res.error = "; ".join(errors)
    return res


def screenshot(name: str) -> Path:
    out = ROOT / "tests" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{name}.png"


# ---------------------------------------------------------------- Netron


def run_netron(pw: Any, path: Path, limit_s: float, shot: Path | None = None) -> Netron:
    """Netron's own server on a free loopback port, a fresh Chromium, navigation to drawn graph, once; with ``shot``,
    a screenshot of the drawn page is saved there (outside the timing)."""
    import netron
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    address = netron.start(str(path), address=("127.0.0.1", free_port()), browse=False)
    url = f"http://{address[0]}:{address[1]}/"
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    crashed: list[float] = []
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_cookies([{"name": "consent", "value": str(int(time.time() * 1000)), "url": url}])
        context.add_init_script(KEEP_EVAL)
        page = context.new_page()
        page.on("crash", lambda _: crashed.append(time.monotonic()))
        t0 = time.monotonic()
        try:
            page.goto(url, wait_until="commit", timeout=30_000)
            state = page.wait_for_function(NETRON_DRAWN, timeout=limit_s * 1000).json_value()
        except PlaywrightTimeout:
            return Netron("timeout", limit_s * 1000, detail=f"not drawn in {limit_s:.0f} s")
        except PlaywrightError as e:
            if crashed:
                return Netron("oom", (crashed[0] - t0) * 1000, detail="page crashed (out of memory)")
            return Netron("error", (time.monotonic() - t0) * 1000, detail=str(e).splitlines()[0][:200])
        if state == "alert":
            message = page.evaluate("() => document.getElementById('message-text')?.textContent ?? ''")
            return Netron("alert", (time.monotonic() - t0) * 1000, detail=f"Netron: {message[:200]}")
        ms = float(page.evaluate(TWO_FRAMES))
        nodes = int(page.evaluate("() => document.querySelectorAll('#nodes > g.node').length"))
        if shot is not None:
            page.screenshot(path=str(shot))
        return Netron("drawn", ms, nodes=nodes, heap_mb=heap_mb(page), peaks_mb=process_peaks_mb(browser))
    finally:
        browser.close()
        netron.stop(address)


# ---------------------------------------------------------------- report


def anchor_fields(ours_ms: float, n: Netron) -> tuple[str, str]:
    if n.status == "drawn":
        return f"anchor(Netron) {fmt_ms(n.ms)}", ratio(ours_ms, n.ms, "faster", "slower")
    if n.status == "skipped":
        return "anchor(Netron) not run", f"n/a ({n.detail})"
    if n.status == "timeout":
        # a lower bound: Netron took longer than the limit
        return "anchor(Netron) not drawn", f">{n.ms / ours_ms:.0f}x faster (Netron {n.detail})"
    what = {"oom": "out of memory", "alert": "error", "error": "failed"}[n.status]
    return "anchor(Netron) not drawn", f"n/a (Netron {what} after {n.ms / 1000:.0f} s: {n.detail})"


def target_fields(name: str, ms: float, target: float) -> tuple[str, str, str]:
    verdict = "meets target" if ms <= target else "MISSES target"
    return f"anchor(target {target:.0f} ms) {target:.0f} ms", ratio(ms, target, "faster", "slower"), verdict


def memory_text(heap: float, peaks: dict[str, float]) -> str:
    text = f"JS heap {heap:.0f} MB"
    if "renderer" in peaks:
        text += f", peak renderer RSS {peaks['renderer']:.0f} MB"
    if "gpu" in peaks:
        text += f" (GPU process {peaks['gpu']:.0f} MB)"
    return text


def stats_text(s: dict[str, Any]) -> str:
    if not s:
        return "no stats"
    keys = ("visibleNodes", "visibleEdges", "visibleGroups", "labels")
    text = ", ".join(f"{s[k]} {k[7:].lower() if k.startswith('visible') else k}" for k in keys if k in s)
    if "lastLayoutMs" in s:
        text += f", layout {s['lastLayoutMs']:.0f} ms" + (" in a worker" if s.get("worker") else " on the main thread")
    return f"shown: {text}"


def report(o: Ours, n: Netron) -> list[str]:
    out: list[str] = []
    k = o.model
    netron_text = (
        f"Netron drew {n.nodes} nodes, 1 run, {memory_text(n.heap_mb, n.peaks_mb)}"
        if n.status == "drawn"
        else f"Netron {n.status}: {n.detail}"
    )
    if not o.first_paint:
        out.append(f"graph/first-paint-{k}   not measured: {o.error or 'no round finished'}")
        return out
    fp = statistics.median(o.first_paint)
    anchor, rel = anchor_fields(fp, n)
    detail = [median_range(o.first_paint), f"cold {fmt_ms(o.cold_ms)}"]
    target = TARGETS_MS.get(f"first-paint-{k}")
    if target is not None:
        detail.append(f"target <= {target:.0f} ms: {'meets' if fp <= target else 'MISSES'}")
    if not o.interactive:
        detail.append(f"PLACEHOLDER, renderer not interactive yet (shows {o.placeholder_text.strip()!r})")
    else:
        detail.append(stats_text(o.stats_collapsed))
    detail += [f"JS heap {o.heap_collapsed_mb:.0f} MB", f"{o.nodes} nodes, payload {o.payload_mb:.1f} MB", netron_text]
    out.append(line(f"graph/first-paint-{k}", fmt_ms(fp), anchor, rel, "; ".join(detail)))
    if not o.interactive:
        out.append(f"graph/expanded-{k}   not measured: renderer not interactive yet (no mvGraph on .mv-GraphView)")
        return out
    if o.expand_all:
        total = [a + b for a, b in zip(o.first_paint, o.expand_all, strict=True)]
        full = statistics.median(total)
        anchor, rel = anchor_fields(full, n)
        shown = o.stats_expanded.get("visibleNodes")
        check = "" if shown == o.nodes else f"; CHECK: {shown} nodes visible of {o.nodes}"
        out.append(
            line(
                f"graph/expanded-{k}",
                fmt_ms(full),
                anchor,
                rel,
                f"first paint + expandAll, {median_range(total)}; expandAll alone "
                f"{fmt_ms(statistics.median(o.expand_all))}; {stats_text(o.stats_expanded)}{check}; "
                f"{memory_text(o.heap_expanded_mb, o.peaks_mb)} (whole run)",
            )
        )
    if o.expand500 and o.group_size >= LAYER_OPS // 2:
        ms = statistics.median(o.expand500)
        anchor, rel, verdict = target_fields("expand-500", ms, TARGETS_MS["expand-500"])
        out.append(
            line(
                f"graph/expand-500-{k}",
                fmt_ms(ms),
                anchor,
                rel,
                f"{verdict}; expand('{o.group}') ({o.group_size} ops) until idle + 1 frame, "
                f"{median_range(o.expand500)}",
            )
        )
    if o.pan:
        p = o.pan
        frame_ms = statistics.median(p["frameMs"])
        anchor, rel, verdict = target_fields("pan", frame_ms, TARGETS_MS["pan"])
        shown = p["before"].get("visibleNodes", 0)
        name = "graph/pan-5k" if shown >= PAN_VISIBLE else f"graph/pan-{shown}"
        until = "until its pixels are read back" if p["gpuSync"] else "(no WebGL canvas found: CPU part only)"
        interval = f"{statistics.median(p['intervals']):.0f} ms" if p["intervals"] else "n/a"
        out.append(
            line(
                name,
                f"{frame_ms:.1f} ms",
                anchor,
                rel,
                f"{verdict}; panBy (it redraws) {until}, one per animation frame, median of {len(p['frameMs'])} "
                f"frames, {min(p['frameMs']):.0f}-{max(p['frameMs']):.0f} ms; its synchronous part "
                f"{statistics.median(p['syncMs']):.1f} ms, draw() {statistics.median(p['drawMs']):.1f} ms, frame "
                f"interval {interval}; in the {k} graph, {stats_text(p['before'])}",
            )
        )
    if o.error:
        out.append(f"  ({k}: {o.error})")
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="models up to 3k nodes only (development)")
    ap.add_argument("--no-netron", action="store_true", help="ours only")
    ap.add_argument("--screenshots", action="store_true", help="save tests/screenshots/bench-graph-*.png")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="models by name: resnet50 transformer 3k 10k 50k")
    ap.add_argument("--netron-limit", type=float, default=240.0, help="seconds per Netron run (default 240)")
    ap.add_argument("--netron-limit-50k", type=float, default=300.0, help="seconds for Netron at 50k (default 300)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    modelviz = modelviz_module()
    decode = modelviz_module("modelviz._tensor").decode
    harness = Path(os.environ.get("MV_HARNESS", ROOT / "build" / "harness"))
    if not (harness / "index.html").exists():
        raise SystemExit(f"missing harness page {harness / 'index.html'} (bash scripts/setup.sh, or set MV_HARNESS)")
    models = dict(MODELS) | ({} if args.quick else MODELS_50K)
    if args.quick:
        models.pop("10k")
    if args.only:
        models = {k: v for k, v in (MODELS | MODELS_50K).items() if k in args.only}
    logging.getLogger().addHandler(logging.NullHandler())  # netron.start would log "Serving ..." to stderr

    t_start = time.monotonic()
    payloads = {}
    files = {}
    for key, name in models.items():
        files[key] = onnx_file(name, CACHE)
        payloads[key] = build_payload(modelviz, files[key])

    ours: dict[str, Ours] = {}
    with sync_playwright() as pw, static_server(harness) as url:
        # pan in one graph: the 10k one (5,000 of its nodes shown), else the largest in the run
        pan_key = "10k" if "10k" in models else max(models, key=lambda k: payloads[k][1]["totals"]["nodes"])
        for key in models:
            text, payload, build_s = payloads[key]
            ours[key] = run_ours(pw, url, key, text, payload, decode, build_s, key == pan_key, args.screenshots)
        for key in models:
            if args.no_netron:
                n = Netron("skipped", detail="--no-netron")
            else:
                limit = args.netron_limit_50k if key == "50k" else args.netron_limit
                shot = screenshot(f"bench-graph-netron-{key}") if args.screenshots else None
                n = run_netron(pw, files[key], limit, shot)
            for text in report(ours[key], n):
                print(text, flush=True)
    print(
        f"  (harness {harness}; Chromium {chromium_version()} headless, software WebGL, viewport "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; netron {version('netron')}; playwright {version('playwright')}; "
        f"python {platform.python_version()}, onnx {version('onnx')}, torch {version('torch')}, modelviz from "
        f"{Path(str(modelviz.__file__)).parent}; payload builds "
        + ", ".join(f"{k} {p[2]:.1f} s" for k, p in payloads.items())
        + f"; total {time.monotonic() - t_start:.0f} s; {load_average()})"
    )


if __name__ == "__main__":
    main()
