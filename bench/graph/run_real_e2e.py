"""Graph benchmark end to end on real architectures: "cell run -> drawn" in a real JupyterLab against Netron's time to
drawn on the ONNX export of the same model, in the same run and the same Chromium.

ours:   a JupyterLab server from .venv (tests/e2e/conftest.py's LabServer) with a fresh kernel per model; a notebook
        whose first cell builds the model (bench/graph/real_models.py, random weights; untimed), then, timed in the
        page from the notebook's run-cell command to the graph's first drawn frame (bench/graph/lab_page.js: the
        output's `.mv-Root.mv-Graph` gets `data-mv-state`, two animation frames, one pixel read back from WebGL):
          graph/cell-<m>        display(modelviz.graph(model, example_inputs=inputs))  (keyword inputs for HF models)
          graph/cell-<m>-onnx   display(modelviz.graph(onnx_path))                      (the file Netron opens)
anchor: Netron's web viewer (PyPI `netron`, served on loopback; bench/graph/run_browser.py's run_netron) opening that
        ONNX export (torch.onnx.export, dynamo exporter by default), from navigation to its drawn graph, a fresh
        browser each round.
Rounds alternate (ours, ours on the file, Netron); round 0 is the first run in the fresh kernel (lazy imports, the
renderer's first load) and is reported apart; the figures are medians of the rounds after it. The ratio is
Netron's time over ours: "faster" means we draw first.
With screenshots (default), tests/screenshots/netron-compare-<m>-<view>.png: ``ours`` (our view after first paint),
``ours-block`` (the first block, e.g. layer1/0 or transformer/h/0, with its subgroups open, fitted to the view),
``ours-block-top`` (the same block as wide as the view, from its top), the same three as ``ours-onnx*`` for the
ONNX file, and ``netron`` (Netron's first view of that file, drawn at 100% from the graph's top).
Usage: .venv/bin/python bench/graph/run_real_e2e.py [--models resnet50 gpt2 bert vit] [--rounds N] [--no-netron]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT, line, load_average, modelviz_module, ratio
from bench.graph import real_models
from bench.graph.run_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Netron, chromium_version, run_netron
from bench.graph.run_real import ensure_export

LAB_JS = Path(__file__).with_name("lab_page.js")
SHOTS = ROOT / "tests" / "screenshots"
DEFAULT_MODELS = ["resnet50", "gpt2", "bert", "vit"]
CELL_LIMIT_S = 600.0
SETUP_LIMIT_S = 600.0
LAB_SETTINGS = {
    # the kernel's own start/end of each execution in the cell's metadata; every cell rendered, none virtualised
    "@jupyterlab/notebook-extension/tracker": {"recordTiming": True, "windowingMode": "none"},
}


# ---------------------------------------------------------------- the notebook


def notebook_cells(name: str, size: str, onnx_path: Path) -> list[str]:
    """0: build the model (untimed), 1: display it with example inputs, 2: display its ONNX export, 3: print the group
    paths of both graphs (for the zoomed screenshots; run after the timed rounds, so it warms nothing)."""
    setup = textwrap.dedent(
        f"""\
        import sys, json
        sys.path.insert(0, {str(ROOT)!r})
        import torch
        import modelviz
        from bench.graph import real_models
        model, inputs = real_models.build({name!r}, {size!r})
        onnx_path = {str(onnx_path)!r}
        """
    )
    groups = textwrap.dedent(
        """\
        from bench.graph.run_browser import group_paths
        from modelviz._tensor import decode

        def _paths(g):
            p = g.payload
            return [x for x, _ in group_paths(p, decode)] if p.get("groups") else []

        print(json.dumps({"torch": _paths(modelviz.graph(model, example_inputs=inputs)),
                          "onnx": _paths(modelviz.graph(onnx_path))}))
        """
    )
    return [
        setup,
        "display(modelviz.graph(model, example_inputs=inputs))",
        "display(modelviz.graph(onnx_path))",
        groups,
    ]


def first_block(paths: list[str]) -> str | None:
    """The first repeated block of a graph's group paths: the shallowest group whose own name says "first of a list"
    (``0``, ``….0``, ``…_0``), e.g. ``layer1/0``, ``transformer/h/0``, ``encoder/layer/0``, ``model/layers/0``;
    the earliest such path of that depth. None when nothing is numbered."""
    firsts = [p for p in paths if re.search(r"(^|[._])0$", p.rsplit("/", 1)[-1])]
    if not firsts:
        return None
    order = {p: i for i, p in enumerate(paths)}
    return min(firsts, key=lambda p: (p.count("/"), order[p]))


# ---------------------------------------------------------------- results


@dataclass
class CellRuns:
    """One timed cell over the rounds (round 0 first): what lab_page.js's runCell returned."""

    rounds: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def warm(self) -> list[dict[str, Any]]:
        return self.rounds[1:]

    def ms(self) -> list[float]:
        return [float(r["ms"]) for r in self.warm]

    def median_round(self) -> dict[str, Any]:
        """The round after the first whose time is the median (the lower middle one of an even count)."""
        ranked = sorted(self.warm, key=lambda r: float(r["ms"]))
        return ranked[(len(ranked) - 1) // 2]


@dataclass
class ModelRun:
    name: str
    onnx: Path | None = None
    ours: CellRuns = field(default_factory=CellRuns)
    ours_onnx: CellRuns = field(default_factory=CellRuns)
    netron: list[Netron] = field(default_factory=list)
    setup_s: float = 0.0
    notes: list[str] = field(default_factory=list)


def kernel_s(execution: dict[str, Any] | None) -> float | None:
    """The kernel's own time for the execution (its reply's start to its end), from JupyterLab's recordTiming."""
    if not execution:
        return None
    try:
        start = datetime.fromisoformat(execution["shell.execute_reply.started"])
        end = datetime.fromisoformat(execution["shell.execute_reply"])
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def fmt(ms: float) -> str:
    return f"{ms / 1000:.2f} s"


def spread(ms: list[float]) -> str:
    return f"median of {len(ms)}, {fmt(min(ms))}-{fmt(max(ms))}" if len(ms) > 1 else "1 round"


def netron_summary(runs: list[Netron]) -> tuple[float | None, str]:
    """Netron's median time over the rounds after the first (all of them with one round), and its detail."""
    if not runs:
        return None, "Netron not run"
    drawn = [n for n in runs if n.status == "drawn"]
    if len(drawn) < len(runs):
        bad = next(n for n in runs if n.status != "drawn")
        return None, f"Netron {bad.status} after {bad.ms / 1000:.0f} s: {bad.detail}"
    timed = drawn[1:] or drawn
    ms = [n.ms for n in timed]
    peak = max(n.peaks_mb.get("renderer", 0.0) for n in drawn)
    return statistics.median(ms), (
        f"Netron {spread(ms)}, first {fmt(drawn[0].ms)}, drew {drawn[0].nodes} nodes, peak renderer RSS {peak:.0f} MB"
    )


def anchor_fields(ours_ms: float, netron_ms: float | None, netron_text: str, no_netron: bool) -> tuple[str, str]:
    if no_netron:
        return "anchor(Netron) not run", "n/a (--no-netron)"
    if netron_ms is None:
        return "anchor(Netron) not drawn", f"n/a ({netron_text})"
    return f"anchor(Netron) {fmt(netron_ms)}", ratio(ours_ms, netron_ms, "faster", "slower")


def breakdown(r: dict[str, Any]) -> str:
    """Where the median round's time went: the output reached the page, the kernel's own time, then the drawing."""
    k = kernel_s(r.get("execution"))
    kernel = f", kernel {k:.2f} s" if k is not None else ""
    if r.get("outputMs") is None:
        return ""
    return f"output in the page at {fmt(r['outputMs'])}{kernel}, drawn {fmt(r['ms'] - r['outputMs'])} after it"


def shown(r: dict[str, Any]) -> str:
    s = r.get("stats") or {}
    if not s:
        return f"not interactive ({r.get('state')}){': ' + r['errorBox'][:150] if r.get('errorBox') else ''}"
    text = f"shown: {s.get('visibleNodes')} nodes, {s.get('visibleEdges')} edges, {s.get('visibleGroups')} groups"
    msgs = r.get("messages") or []
    if msgs:
        text += f"; {len(msgs)} message{'s' if len(msgs) > 1 else ''}: " + "; ".join(f'"{m[:80]}"' for m in msgs[:2])
    return text


def report(run: ModelRun, no_netron: bool) -> list[str]:
    netron_ms, netron_text = netron_summary(run.netron)
    file_text = f"{run.onnx.name}, {run.onnx.stat().st_size / 1e6:.0f} MB" if run.onnx else "no ONNX file"
    out = []
    for suffix, cell, what in (
        ("", run.ours, "display(modelviz.graph(model, example_inputs=…))"),
        ("-onnx", run.ours_onnx, "display(modelviz.graph(onnx_path))"),
    ):
        name = f"graph/cell-{run.name}{suffix}"
        if not cell.warm:
            out.append(f"{name}   not measured: {cell.error or 'no round finished'}")
            continue
        ms = statistics.median(cell.ms())
        anchor, rel = anchor_fields(ms, netron_ms, netron_text, no_netron)
        mid = cell.median_round()
        detail = [
            f"{what}, run -> drawn, {spread(cell.ms())}",
            f"first in the fresh kernel {fmt(cell.rounds[0]['ms'])}",
            breakdown(mid),
            shown(mid),
            f"{netron_text} ({file_text})" if not no_netron else file_text,
        ]
        if cell.error:
            detail.append(f"CHECK: {cell.error}")
        out.append(line(name, fmt(ms), anchor, rel, "; ".join(d for d in detail if d)))
    out += [f"  ({run.name}: {note})" for note in run.notes]
    return out


def summary_table(runs: list[ModelRun]) -> list[str]:
    """Per model: ours (model, ONNX file), Netron, and Netron / ours (> 1: we draw first), medians in seconds."""
    head = ("model", "ours", "ours(onnx)", "Netron", "Netron/ours", "Netron/ours(onnx)")
    widths = (10, 8, 11, 8, 12, 18)

    def row(cells: tuple[str, ...]) -> str:
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  " + " ".join(padded)

    def seconds(x: float | None) -> str:
        return f"{x / 1000:.2f}" if x is not None else "-"

    def rel(n: float | None, x: float | None) -> str:
        return f"{n / x:.2f}" if x is not None and n is not None else "-"

    rows = [row(head)]
    for run in runs:
        n, _ = netron_summary(run.netron)
        a = statistics.median(run.ours.ms()) if run.ours.warm else None
        b = statistics.median(run.ours_onnx.ms()) if run.ours_onnx.warm else None
        rows.append(row((run.name, seconds(a), seconds(b), seconds(n), rel(n, a), rel(n, b))))
    return rows


# ---------------------------------------------------------------- driving JupyterLab


def source_labextension() -> Path | None:
    """The source tree's own labextension build (python-shim/modelviz/labextension, written by ``npm run build``)
    when the kernel's modelviz is the source tree's: the renderer then comes from the same tree as the kernel side,
    not from the wheel installed into .venv at the last setup."""
    modelviz_dir = Path(str(modelviz_module().__file__)).parent
    built = modelviz_dir / "labextension"
    if modelviz_dir.parent == ROOT / "python-shim" and (built / "package.json").exists():
        return built
    return None


def start_lab(base: Path) -> Any:
    """tests/e2e/conftest.py's LabServer, its kernels importing modelviz from where this process does (the source
    tree with PYTHONPATH=python-shim, else the installed wheel) and the repository root (bench.graph.real_models);
    with the source tree's modelviz, JupyterLab is handed the source tree's labextension build first (JUPYTER_PATH
    comes before the environment's data directory)."""
    from tests.e2e.conftest import LabServer

    modelviz = modelviz_module()
    paths = [str(Path(str(modelviz.__file__)).parents[1]), str(ROOT), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    built = source_labextension()
    if built is not None:
        data = base / "jupyter"
        (data / "labextensions" / "@modelviz").mkdir(parents=True, exist_ok=True)
        (data / "labextensions" / "@modelviz" / "labextension").symlink_to(built, target_is_directory=True)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(data), os.environ.get("JUPYTER_PATH")) if p)
    lab = LabServer(base)
    for plugin, values in LAB_SETTINGS.items():
        pkg, name = plugin.rsplit("/", 1)
        d = base / "settings" / pkg
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    return lab


def open_notebook(browser: Any, lab: Any, name: str, cells: list[str]) -> Any:
    from tests.e2e.conftest import write_notebook

    write_notebook(lab.root / name, cells)
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(lab.notebook_url(name))
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=90_000)
    page.add_script_tag(path=str(LAB_JS))
    page.wait_for_function("() => window.labBench.kernelIdle()", timeout=120_000)
    page.bench_errors = errors
    return page


def run_cell(page: Any, index: int, graph: bool, limit_s: float = CELL_LIMIT_S) -> dict[str, Any]:
    page.wait_for_function("() => window.labBench.kernelIdle()", timeout=limit_s * 1000)
    out = page.evaluate("([i, g, l]) => window.labBench.runCell(i, g, l)", [index, graph, limit_s * 1000])
    return dict(out)


def cell_locator(page: Any, index: int) -> Any:
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def screenshot_cell(page: Any, index: int, path: Path) -> None:
    output = cell_locator(page, index).locator(".jp-OutputArea-output").filter(has=page.locator(".mv-Graph"))
    output.first.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    output.first.screenshot(path=str(path))


def measure_model(pw: Any, browser: Any, lab: Any, name: str, args: argparse.Namespace) -> ModelRun:
    run = ModelRun(name)
    run.onnx, why = ensure_export(name, args.size, args.exporter)
    if run.onnx is None:
        run.notes.append(why)
        return run
    page = open_notebook(browser, lab, f"bench-{name}.ipynb", notebook_cells(name, args.size, run.onnx))
    try:
        t0 = time.monotonic()
        setup = run_cell(page, 0, False, SETUP_LIMIT_S)
        run.setup_s = time.monotonic() - t0
        if setup["error"]:
            run.notes.append(f"building the model failed: {setup['error']}")
            return run
        for r in range(1 + args.rounds):
            for index, cell in ((1, run.ours), (2, run.ours_onnx)):
                if cell.error and not cell.rounds:
                    continue
                try:
                    cell.rounds.append(run_cell(page, index, True))
                except Exception as e:  # a cell that fails or passes its limit ends that cell's rounds, not the run
                    cell.error = str(e).splitlines()[0][:300]
            if not args.no_netron:
                shot = args.shots_dir / f"netron-compare-{name}-netron.png" if args.screenshots and r == 0 else None
                run.netron.append(run_netron(pw, run.onnx, args.netron_limit, shot))
        if args.screenshots:
            screenshots(page, name, run, args.shots_dir)
        run.notes += [f"page error: {e[:200]}" for e in page.bench_errors[:2]]
    finally:
        try:
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception:  # the page may be gone; the server's stop ends its kernels anyway
            pass
        page.close()
    return run


def screenshots(page: Any, name: str, run: ModelRun, shots: Path) -> None:
    """Our views (after first paint, then zoomed onto the first block) of the model and of its ONNX file."""
    shots.mkdir(parents=True, exist_ok=True)
    groups = run_cell(page, 3, False)
    try:
        paths = json.loads(groups["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        run.notes.append(f"no group paths for the zoomed screenshots: {groups['error'] or groups['stdout'][:200]}")
        paths = {}
    for index, key, suffix in ((1, "torch", "ours"), (2, "onnx", "ours-onnx")):
        try:
            run_cell(page, index, True)
            screenshot_cell(page, index, shots / f"netron-compare-{name}-{suffix}.png")
            block = first_block(paths.get(key, []))
            if block is None:
                run.notes.append(f"{suffix}: no numbered block to zoom onto")
                continue
            inside = sorted((p for p in paths.get(key, []) if p.startswith(block + "/")), key=lambda p: p.count("/"))
            page.evaluate("([i, p, s]) => window.labBench.openBlock(i, p, s)", [index, block, inside])
            for mode, tail in (("fit", "block"), ("top", "block-top")):
                if page.evaluate("([i, p, m]) => window.labBench.zoomTo(i, p, m)", [index, block, mode]) is None:
                    run.notes.append(f"{suffix}: block {block} not drawn, no zoomed screenshot")
                    break
                screenshot_cell(page, index, shots / f"netron-compare-{name}-{suffix}-{tail}.png")
            run.notes.append(f"{suffix}-block: zoomed onto {block}, its {len(inside)} subgroups expanded")
        except Exception as e:
            run.notes.append(f"{suffix} screenshots: {str(e).splitlines()[0][:200]}")


# ---------------------------------------------------------------- main


def labextension_text() -> str:
    """Which build of our JupyterLab renderer the server serves, and when it was built."""
    built = source_labextension()
    if built is None:
        found = sorted((Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@modelviz").glob("*/package.json"))
        if not found:
            return "no @modelviz labextension installed in this environment"
        built = found[0].parent
    stamp = max((f.stat().st_mtime for f in (built / "static").glob("*.js")), default=built.stat().st_mtime)
    when = datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")
    return f"labextension {built} (built {when})"


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--models", nargs="+", choices=real_models.MODELS, default=DEFAULT_MODELS)
    ap.add_argument("--size", choices=real_models.SIZES, default="full", help="tiny: the runner's own tests")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds after the first (default 3)")
    ap.add_argument("--exporter", choices=real_models.EXPORTERS, default="dynamo", help="for the file Netron opens")
    ap.add_argument("--no-netron", action="store_true", help="ours only")
    ap.add_argument("--no-screenshots", dest="screenshots", action="store_false")
    ap.add_argument("--shots-dir", type=Path, default=SHOTS, help=f"where screenshots go (default {SHOTS})")
    ap.add_argument("--netron-limit", type=float, default=240.0, help="seconds per Netron run (default 240)")
    args = ap.parse_args()

    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger().addHandler(logging.NullHandler())  # netron.start would log "Serving ..." to stderr
    t_start = time.monotonic()
    loads = [os.getloadavg()[0]]
    runs: list[ModelRun] = []
    with tempfile.TemporaryDirectory(prefix="mv-bench-lab-") as tmp, sync_playwright() as pw:
        lab = start_lab(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name in args.models:
                run = measure_model(pw, browser, lab, name, args)
                loads.append(os.getloadavg()[0])
                runs.append(run)
                for text in report(run, args.no_netron):
                    print(text, flush=True)
        finally:
            browser.close()
            lab.stop()
    print("  end to end, cell run -> first drawn frame, medians in seconds (Netron/ours > 1: ours is drawn first):")
    for row in summary_table(runs):
        print(row)
    modelviz = modelviz_module()
    print(
        f"  ({args.size} size, {args.rounds} timed rounds after the first, ONNX from the {args.exporter} exporter; "
        f"JupyterLab {version('jupyterlab')}, {labextension_text()}; kernel modelviz from "
        f"{Path(str(modelviz.__file__)).parent}; Chromium {chromium_version()} headless, software WebGL, viewport "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; netron {version('netron')}; python {platform.python_version()}, "
        f"torch {version('torch')}, transformers {version('transformers')}; {os.cpu_count()} cores, load average "
        f"{min(loads):.1f}-{max(loads):.1f} during the run, now {load_average()[13:]}; total "
        f"{time.monotonic() - t_start:.0f} s)"
    )


if __name__ == "__main__":
    main()
