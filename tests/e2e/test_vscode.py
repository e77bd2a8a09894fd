"""A real VS Code (code-server, installed by scripts/install-vscode.sh) renders modelviz outputs of a saved notebook.

The notebook's outputs come from the real Python package; the extension is the packaged ``build/modelviz.vsix``;
VS Code's built-in ipynb support opens the file (no kernel); the outputs are read in VS Code's nested webview frames.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest
from playwright.sync_api import Browser, ElementHandle, Frame, Locator, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ROOT, WORK, free_port, screenshot_path

try:
    import modelviz
except ImportError:  # the source tree before `scripts/setup.sh` installed the wheel into .venv
    sys.path.insert(0, str(ROOT / "python-shim"))
    import modelviz

MIME = "application/vnd.modelviz.confusion.v1+json"
VSIX = ROOT / "build" / "modelviz.vsix"
CODE_SERVER = ROOT / ".cache" / "vscode" / "node_modules" / ".bin" / "code-server"
EXTENSION_FOLDER = "modelviz.modelviz-0.1.0"
NOTEBOOK = "confusion.ipynb"
MODELS_NOTEBOOK = "models.ipynb"
HTML_LABEL = "<b>html</b>"
LABELS = ["cat", "dog", HTML_LABEL]
# Budgets (seconds): code-server starts in ~3 s, VS Code's workbench loads in ~5 s, the first render takes a few.
START_TIMEOUT = 40
RENDER_TIMEOUT = 60


# --- the notebook --------------------------------------------------------------------------------------------------


def make_data() -> tuple[list[str], list[str], list[list[int]]]:
    """Predictions with a label-dependent error pattern, and their counts computed pair by pair."""
    rng = np.random.default_rng(20240611)
    n = 240
    truth = rng.choice(len(LABELS), size=n, p=[0.45, 0.35, 0.2])
    wrong = rng.random(n) < np.array([0.15, 0.3, 0.5])[truth]
    pred = np.where(wrong, (truth + rng.integers(1, len(LABELS), size=n)) % len(LABELS), truth)
    y_true = [LABELS[i] for i in truth]
    y_pred = [LABELS[i] for i in pred]
    pairs = Counter(zip(y_true, y_pred, strict=True))
    counts = [[pairs[(t, p)] for p in LABELS] for t in LABELS]
    return y_true, y_pred, counts


def code_cell(cell_id: str, source: str, outputs: list[dict[str, Any]], count: int) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "id": cell_id,
        "execution_count": count,
        "metadata": {},
        "source": source.splitlines(keepends=True),
        "outputs": outputs,
    }


def display(bundle: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


def evaluation_bundles() -> list[dict[str, Any]]:
    """A real classifier's evaluation from the real package: digits with scores and images (metrics table, curves,
    samples), a binary problem with its threshold table, and 1,000 classes."""
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.linear_model import LogisticRegression

    d = load_digits()
    half = len(d.target) // 2
    proba = LogisticRegression(max_iter=3000).fit(d.data[:half], d.target[:half]).predict_proba(d.data[half:])
    names = [f"digit {i}" for i in range(10)]
    digits = modelviz.confusion_matrix(d.target[half:], proba, labels=names, samples=d.images[half:], title="digits")
    x, y = load_breast_cancer(return_X_y=True)
    score = LogisticRegression(max_iter=5000).fit(x[:300], y[:300]).predict_proba(x[300:])[:, 1]
    cancer = modelviz.confusion_matrix(y[300:], score, labels=["malignant", "benign"], threshold=0.5, title="cancer")
    rng = np.random.default_rng(0)
    family = rng.integers(0, 1000, size=50_000)
    guess = np.where(rng.random(50_000) < 0.7, family, family // 10 * 10 + rng.integers(0, 10, size=50_000))
    big = modelviz.confusion_matrix(family, guess, labels=[f"class {i:03d}" for i in range(1000)], title="1,000")
    return [cm._repr_mimebundle_() for cm in (digits, cancer, big)]


def write_saved_notebook(path: Path, bundle: dict[str, Any]) -> None:
    """Cell 1: the real package's bundle. Cell 2: two malformed payloads (labels a string; dtype complex64).
    Cell 3: a real classifier's evaluation (see evaluation_bundles)."""
    payload = bundle[MIME]
    bad_labels = copy.deepcopy(payload)
    bad_labels["labels"] = ",".join(LABELS)
    bad_dtype = copy.deepcopy(payload)
    bad_dtype["matrix"]["dtype"] = "complex64"
    cells = [
        code_cell(
            "c0nfusi0n",
            "import modelviz\ncm = modelviz.confusion_matrix(y_true, y_pred, labels=labels)\ncm",
            [display(bundle)],
            1,
        ),
        code_cell(
            "malf0rmed",
            "# hand-edited payloads that break the schema",
            [
                display({MIME: bad_labels, "text/plain": "<malformed: labels>"}),
                display({MIME: bad_dtype, "text/plain": "<malformed: dtype>"}),
            ],
            2,
        ),
        code_cell("evaluati0n", "# digits, cancer, 1,000 classes", [display(b) for b in evaluation_bundles()], 3),
    ]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


def to_onnx(model: Any, example_inputs: tuple[Any, ...]) -> bytes:
    import io
    import warnings

    import torch

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example_inputs, buf, dynamo=False, opset_version=17)
    return buf.getvalue()


def write_models_notebook(path: Path, logdir: Path) -> None:
    """A saved notebook with PyTorch, ONNX and Keras graphs and a finished run dashboard, from the real package."""
    import torch
    from torch import nn
    from torch.utils.tensorboard import SummaryWriter

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU()),
        nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU()),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )
    graph = modelviz.graph(model, example_inputs=(torch.randn(1, 3, 16, 16),))._repr_mimebundle_()
    onnx_graph = modelviz.graph(to_onnx(model.eval(), (torch.randn(1, 3, 16, 16),)))._repr_mimebundle_()
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    inp = keras.Input((12,), name="features")
    tower = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(4)], name="tower")
    out = keras.layers.Dense(1, name="score")(keras.layers.Concatenate()([tower(inp), keras.layers.Dense(4)(inp)]))
    keras_graph = modelviz.graph(keras.Model(inp, out, name="two_branch"))._repr_mimebundle_()
    for lr in (0.1, 0.3):
        with SummaryWriter(str(logdir / f"lr={lr}")) as w:
            for step in range(200):
                w.add_scalar("train/loss", float(np.exp(-lr * step / 20) + 0.02 * np.sin(step)), step)
    dashboard = modelviz.Dashboard(logdir)._repr_mimebundle_()
    # explanations: a real SHAP Explanation (SHAP's own plots are blank in VS Code) and Grad-CAM next to IG
    import shap
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor

    xd, yd = load_diabetes(return_X_y=True, as_frame=True)
    gbr = GradientBoostingRegressor(n_estimators=30, random_state=0).fit(xd, yd)
    shap_view = modelviz.explain(shap.TreeExplainer(gbr)(xd), title="shap in vs code")._repr_mimebundle_()
    image = torch.zeros(1, 3, 16, 16)
    image[:, :, 2:8, 9:15] = 1.0
    cams = modelviz.explain.compare(model.eval(), image, methods=("gradcam", "integrated_gradients"), title="cams")
    words = np.array([0.1, 0.6, -0.4, 0.02], dtype=np.float32)
    text = modelviz.explain(words, tokens=["a", "great", "un", "##even"], output_names=["pos"])._repr_mimebundle_()
    cells = [
        code_cell("gr4ph", "model", [display(graph)], 1),
        code_cell("d4shb0ard", "modelviz.Dashboard(logdir)", [display(dashboard)], 2),
        code_cell("0nnx", "onnx_model", [display(onnx_graph)], 3),
        code_cell("k3ras", "keras_model", [display(keras_graph)], 4),
        code_cell("3xplain", "explanations", [display(shap_view), display(cams._repr_mimebundle_()), display(text)], 5),
    ]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": cells,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


# --- code-server -----------------------------------------------------------------------------------------------------


@dataclass
class CodeServer:
    url: str
    workspace: Path
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def unpack_extension(vsix: Path, target: Path) -> None:
    """The .vsix is a zip whose ``extension/`` folder is the installed extension."""
    with zipfile.ZipFile(vsix) as z:
        for info in z.infolist():
            if not info.filename.startswith("extension/") or info.is_dir():
                continue
            dest = target / info.filename.removeprefix("extension/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(z.read(info))
    assert (target / "package.json").is_file(), f"{vsix} has no extension/package.json"
    assert (target / "dist" / "renderer.js").is_file(), f"{vsix} has no extension/dist/renderer.js"


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"code-server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"code-server did not answer /healthz in {START_TIMEOUT} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop code-server and its children (file watcher, extension host): its whole process group."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
    # The leader may be gone while children linger in its group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture
def code_server() -> Iterator[CodeServer]:
    if not CODE_SERVER.exists():
        pytest.fail(f"{CODE_SERVER} is missing: run `bash scripts/install-vscode.sh`")
    if not VSIX.is_file():
        pytest.fail(f"{VSIX} is missing: run `npm run package:vscode` (or `bash scripts/setup.sh`)")
    base = WORK / "vscode"
    shutil.rmtree(base, ignore_errors=True)
    workspace, extensions, user = base / "ws", base / "ext", base / "user"
    for d in (workspace, extensions, user / "User"):
        d.mkdir(parents=True)

    y_true, y_pred, _ = make_data()
    write_saved_notebook(
        workspace / NOTEBOOK, modelviz.confusion_matrix(y_true, y_pred, labels=LABELS)._repr_mimebundle_()
    )
    write_models_notebook(workspace / MODELS_NOTEBOOK, base / "logs")
    # Before the first start: VS Code scans a fresh extensions folder once.
    unpack_extension(VSIX, extensions / EXTENSION_FOLDER)
    settings = {
        "workbench.startupEditor": "none",
        "telemetry.telemetryLevel": "off",
        "security.workspace.trust.enabled": False,
        "git.openRepositoryInParentFolders": "never",  # no prompt: the work folder sits inside this repository
    }
    (user / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    (base / "config.yaml").write_text("auth: none\ncert: false\n")

    port = free_port()
    log = base / "code-server.log"
    # code-server keeps logs (and, without --config, a config) under the XDG folders: keep them in the work folder.
    env = {**os.environ, "XDG_CONFIG_HOME": str(base / "xdg-config"), "XDG_DATA_HOME": str(base / "xdg-data")}
    env.pop("VSCODE_IPC_HOOK_CLI", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(CODE_SERVER),
                "--config",
                str(base / "config.yaml"),
                "--auth",
                "none",
                "--bind-addr",
                f"127.0.0.1:{port}",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--user-data-dir",
                str(user),
                "--extensions-dir",
                str(extensions),
                str(workspace),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log)
        yield CodeServer(url=url, workspace=workspace, log=log)
    finally:
        stop(proc)


# --- the browser side ------------------------------------------------------------------------------------------------


def open_notebook(page: Page, name: str, deadline: float) -> int:
    """Double-click the file in the Explorer. While VS Code's ipynb support is not registered yet (the first ~10 s)
    the file opens as JSON text instead: then close that editor and try again. Returns the number of attempts."""
    row = page.locator(".explorer-folders-view .monaco-list-row", has_text=name).first
    row.wait_for(timeout=30_000)
    overlay = page.locator(".notebookOverlay").first
    attempt = 0
    while True:
        attempt += 1
        row.dblclick()
        try:
            overlay.wait_for(timeout=8_000)
            return attempt
        except PlaywrightTimeoutError:
            if time.monotonic() > deadline:
                raise
        # Opened as text (or not at all): close every editor tab, then retry.
        close = page.locator(".tabs-container .tab .tab-actions .action-label")
        for _ in range(10):
            if close.count() == 0:
                break
            close.first.click(force=True)
        page.wait_for_timeout(1_000 * min(attempt, 3))


# An output whose renderer code failed (as opposed to a payload that is invalid): no point waiting any longer.
RENDERER_BROKEN = '.mv-Error-title:has-text("could not load"), .mv-Error-title:has-text("renderer failed")'


def find_in_frames(page: Page, selector: str, deadline: float) -> tuple[Frame, ElementHandle]:
    """The first element matching ``selector`` in any frame (outputs live in a webview inside another iframe)."""
    while True:
        for frame in page.frames:
            try:
                el = frame.query_selector(selector)
                broken = None if el else frame.query_selector(RENDERER_BROKEN)
            except PlaywrightError:  # frames come and go while the webview loads
                continue
            if el is not None:
                return frame, el
            if broken is not None:
                raise TimeoutError(f"no {selector!r}: the renderer failed")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {selector!r} in any of {len(page.frames)} frames")
        page.wait_for_timeout(250)


def reveal(page: Page, target: Locator) -> None:
    """Scrolls VS Code's notebook (as a user does, with the wheel over it) until `target`, an element in an output
    webview, is in the window: the webview follows the notebook's list, so scrolling inside it would not."""
    height = (page.viewport_size or {"height": 1000})["height"]
    seen = []
    for _ in range(40):
        box = target.bounding_box()
        seen.append(None if box is None else round(box["y"]))
        if box is not None and 60 <= box["y"] and box["y"] + min(box["height"], 200) <= height - 40:
            return
        if len(seen) > 3 and seen[-1] == seen[-2] == seen[-3] and box is not None and 60 <= box["y"] < height - 100:
            return  # the notebook cannot scroll further: the target's top is in the window
        # over the notebook's scrollbar: outputs under the pointer (a graph, a heatmap) would take the wheel
        page.mouse.move((page.viewport_size or {"width": 1400})["width"] - 8, height // 2)
        page.mouse.wheel(0, 300 if box is None or box["y"] > height / 2 else -300)
        page.wait_for_timeout(120)
    raise AssertionError(f"could not scroll {target} into the window (its top at {seen})")


def output_report(page: Page) -> str:
    """What VS Code's output webviews show (every modelviz output's text), for failure messages."""
    parts = []
    for frame in page.frames:
        try:
            texts = frame.eval_on_selector_all(
                ".mv-Root, .mv-Error", "els => els.map(e => e.textContent.slice(0, 400))"
            )
        except PlaywrightError:
            continue
        parts += [f"[{frame.url[:60]}…] {t}" for t in texts]
    return "\n".join(parts) or f"(no modelviz output in any of {len(page.frames)} frames)"


CONFUSION_DOM = """(root) => {
  const texts = (sel) => [...root.querySelectorAll(sel)].map((e) => e.textContent);
  const rows = [...root.querySelectorAll('.mv-CmCells tr')];
  return {
    state: root.dataset.mvState,
    canvas: root.querySelectorAll('.mv-Heatmap-canvas').length,
    cells: texts('.mv-CmCells td'),
    xticks: rows.length ? [...rows[0].querySelectorAll('th')].slice(1).map((e) => e.textContent) : [],
    yticks: rows.slice(1).map((r) => r.querySelector('th').textContent),
    bold: [...root.querySelectorAll('b, strong')].map((e) => e.outerHTML),
    text: root.textContent,
    size: [root.getBoundingClientRect().width, root.getBoundingClientRect().height],
  };
}"""


# Luminance (0..255) of each heatmap cell, row-major, read from the view's canvas a little off each cell's centre (away
# from the number written there); the view's automation object gives the cells' positions.
CELL_LUMINANCE = """(root, n) => {
  const view = root.querySelector('.mv-CmView').mvConfusion;
  const canvas = root.querySelector('.mv-Heatmap-canvas');
  const box = canvas.getBoundingClientRect(), k = canvas.width / box.width;
  const size = view.heatmap(0).visibleRange().cellPx;
  const g = canvas.getContext('2d');
  const out = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const c = view.heatmap(0).cellCentre(i, j);
      if (!c) return null;
      const x = (c.x + size * 0.3 - box.left) * k, y = (c.y + size * 0.3 - box.top) * k;
      const [r, gr, b, a] = g.getImageData(Math.round(x), Math.round(y), 1, 1).data;
      out.push(a === 0 ? -1 : Math.round(0.2126 * r + 0.7152 * gr + 0.0722 * b));
    }
  }
  return { size: [canvas.width, canvas.height], lum: out, theme: root.dataset.mvTheme };
}"""


def test_vscode_renders_saved_confusion_outputs(browser: Browser, code_server: CodeServer) -> None:
    deadline = time.monotonic() + RENDER_TIMEOUT
    y_true, y_pred, counts = make_data()
    assert modelviz.confusion_matrix(y_true, y_pred, labels=LABELS).matrix.tolist() == counts

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # What would show our renderer failing: uncaught errors, console errors from its files, failed loads of them.
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})")
            if m.type == "error" and (EXTENSION_FOLDER in str(m.location.get("url")) or "modelviz" in m.text)
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 and EXTENSION_FOLDER in r.url else None
        ),
    )

    def fail(what: str) -> NoReturn:
        page.screenshot(path=screenshot_path("vscode-failure"))
        pytest.fail(f"{what}\nwebviews:\n{output_report(page)}\n{problems}\ncode-server log:\n{code_server.log_tail()}")

    try:
        page.goto(f"{code_server.url}/?folder={code_server.workspace}", wait_until="domcontentloaded")
        attempts = open_notebook(page, NOTEBOOK, deadline)
        print(f"notebook editor opened after {attempts} attempt(s)")

        # 1. The real package's confusion matrix, drawn by our renderer inside VS Code's output webview.
        rendered = '.mv-Root.mv-Confusion[data-mv-state="rendered"]'
        try:
            frame, _ = find_in_frames(page, f"{rendered} .mv-Heatmap-canvas", deadline)
        except TimeoutError as e:
            fail(str(e))
        # the three-class output (the evaluation cell's outputs render beside it, in any order)
        root = frame.locator(rendered).filter(has=frame.locator(".mv-CmCells th", has_text=HTML_LABEL)).first
        root.wait_for(timeout=RENDER_TIMEOUT * 1000)
        frame.wait_for_timeout(300)  # the canvas draws on the next animation frame
        dom = root.evaluate(CONFUSION_DOM)
        assert dom["state"] == "rendered"
        assert dom["canvas"] == 1, "no heatmap canvas"
        expected_cells = sorted(str(v) for row in counts for v in row)
        assert sorted(dom["cells"]) == expected_cells, f"cell texts {dom['cells']}, counts {counts}"
        # Payload text is text: the label shows literally, and no markup was made from it.
        assert HTML_LABEL in dom["xticks"], f"x tick labels {dom['xticks']}"
        assert HTML_LABEL in dom["yticks"], f"y tick labels {dom['yticks']}"
        assert HTML_LABEL in dom["text"]
        assert dom["bold"] == [], f"payload text became markup: {dom['bold']}"
        assert dom["size"][0] > 200 and dom["size"][1] > 200, f"output is only {dom['size']} px"
        # Drawn, and the right way round: larger counts are stronger colours (darker on a light theme).
        pixels = root.evaluate(CELL_LUMINANCE, len(LABELS))
        assert pixels is not None, "a cell is out of view"
        flat, lum = [v for row in counts for v in row], pixels["lum"]
        assert -1 not in lum, f"transparent heatmap cells: {pixels}"
        direction = -1 if pixels["theme"] == "light" else 1
        for a, b in itertools.permutations(range(len(flat)), 2):
            if flat[a] > flat[b]:
                assert direction * (lum[a] - lum[b]) >= -2, f"count {flat[a]} drawn weaker than {flat[b]}: {pixels}"
        assert abs(lum[flat.index(max(flat))] - lum[flat.index(min(flat))]) > 80, f"flat heatmap: {pixels}"
        root.scroll_into_view_if_needed()
        root.screenshot(path=screenshot_path("vscode-confusion"))

        # 2. The malformed payloads: visible error boxes that name the JSON path.
        try:
            error_frame, _ = find_in_frames(page, ".mv-Error", deadline)
        except TimeoutError as e:
            fail(str(e))
        boxes = error_frame.locator('.mv-Root.mv-Confusion[data-mv-state="error"]')
        assert boxes.count() == 2, f"{boxes.count()} error outputs"
        texts = boxes.locator(".mv-Error").all_text_contents()
        assert len(texts) == 2, texts
        assert any("/labels" in t for t in texts), texts
        assert any("/matrix/dtype" in t for t in texts), texts
        boxes.last.scroll_into_view_if_needed()
        shapes = [b for b in (boxes.nth(i).bounding_box() for i in range(2)) if b is not None]
        assert len(shapes) == 2
        top, bottom = min(b["y"] for b in shapes), max(b["y"] + b["height"] for b in shapes)
        left, right = min(b["x"] for b in shapes), max(b["x"] + b["width"] for b in shapes)
        clip = {"x": left - 4, "y": top - 4, "width": right - left + 8, "height": bottom - top + 8}
        page.screenshot(path=screenshot_path("vscode-error"), clip=clip)
        page.screenshot(path=screenshot_path("vscode-notebook"))

        # 3. A real classifier's evaluation: metrics table, curves and the samples behind a cell; the threshold
        # slider; 1,000 classes.
        def output(title: str) -> Locator:
            return frame.locator(rendered).filter(has=frame.locator(".mv-Title", has_text=title)).first

        digits = output("digits")
        digits.locator(".mv-Heatmap-canvas").wait_for(timeout=20_000)
        assert digits.locator(".mv-CmTable tbody tr").count() == 10
        assert "AUC" in (digits.locator(".mv-CmCurves").text_content() or "")
        reveal(page, digits.locator(".mv-ConfusedPair").first)
        digits.locator(".mv-ConfusedPair").first.click()
        digits.locator(".mv-CmSamples img").first.wait_for(timeout=5_000)
        assert digits.locator(".mv-CmSamples img").count() >= 1
        reveal(page, digits.locator(".mv-CmTable tbody tr").nth(3))
        digits.locator(".mv-CmTable tbody tr").nth(3).click()
        assert digits.locator(".mv-CmTable tbody tr[aria-selected='true']").count() == 1
        reveal(page, digits.locator(".mv-Heatmap-canvas"))
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-confusion-digits"))

        cancer = output("cancer")
        reveal(page, cancer.locator(".mv-CmThreshold"))
        before = cancer.locator(".mv-CmCells td").all_text_contents()
        box = cancer.locator(".mv-CmThreshold input[type='range']").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] / 2)  # a low threshold
        frame.wait_for_timeout(200)
        after = cancer.locator(".mv-CmCells td").all_text_contents()
        assert after != before and sum(map(int, after)) == sum(map(int, before)), (before, after)
        page.screenshot(path=screenshot_path("vscode-confusion-threshold"))

        big = output("1,000")
        big.locator(".mv-Heatmap[data-n='1000']").wait_for(timeout=20_000)
        reveal(page, big.locator(".mv-Heatmap-canvas"))
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-confusion-1000"))
        assert problems == [], problems
    finally:
        page.close()


def test_vscode_renders_saved_graph_and_dashboard(browser: Browser, code_server: CodeServer) -> None:
    """The model graph (WebGL, layout in a worker) and the run dashboard (Plotly WebGL) inside VS Code's webview."""
    deadline = time.monotonic() + RENDER_TIMEOUT
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    try:
        page.goto(f"{code_server.url}/?folder={code_server.workspace}", wait_until="domcontentloaded")
        open_notebook(page, MODELS_NOTEBOOK, deadline)
        try:
            frame, _ = find_in_frames(page, '.mv-Root.mv-Graph[data-mv-state="rendered"] .mv-GraphView', deadline)
        except TimeoutError as e:
            page.screenshot(path=screenshot_path("vscode-failure"))
            pytest.fail(f"{e}\n{output_report(page)}\n{code_server.log_tail()}")
        graph = frame.locator(".mv-Root.mv-Graph", has_text="pytorch").locator(".mv-GraphView").first
        stats = graph.evaluate("(v) => v.mvGraph.stats()")
        assert stats["visibleNodes"] + stats["visibleGroups"] >= 3, stats
        # drawn: node boxes, edges and labels, not just the background. Read in the same task as a synchronous
        # draw (a WebGL canvas's buffer is cleared once presented, and VS Code's editor may not show this output
        # on screen, so a screenshot cannot tell)
        colours = graph.evaluate(
            """(v) => { v.mvGraph.draw(); const out = document.createElement('canvas');
                 const layers = [...v.querySelectorAll('canvas')].filter((c) => c.width > 100 && c.height > 100);
                 out.width = layers[0].width; out.height = layers[0].height; const g = out.getContext('2d');
                 for (const c of layers) g.drawImage(c, 0, 0, out.width, out.height);
                 const d = g.getImageData(0, 0, out.width, out.height).data; const seen = new Set();
                 for (let i = 0; i < d.length; i += 4 * 3) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                 return seen.size; }"""
        )
        assert colours > 30, f"graph looks blank ({colours} colours)"
        graph.scroll_into_view_if_needed()
        frame.wait_for_timeout(300)
        graph.screenshot(path=screenshot_path("vscode-graph"))

        try:
            frame, _ = find_in_frames(page, '.mv-Root.mv-Scalars[data-mv-state="rendered"] .mv-ScalarsChart', deadline)
        except TimeoutError as e:
            pytest.fail(f"{e}\n{output_report(page)}")
        dash = frame.locator(".mv-Root.mv-Scalars").first
        dash.scroll_into_view_if_needed()
        frame.locator(".mv-Root.mv-Scalars .mv-ScalarsChart[data-tag='train/loss'] canvas").first.wait_for(
            timeout=30_000
        )
        assert sorted(frame.locator(".mv-ScalarsRun-name").all_text_contents()) == ["lr=0.1", "lr=0.3"]
        assert frame.locator(".mv-ScalarsStatus-points").first.text_content() == "400 points"
        frame.wait_for_timeout(500)
        dash.screenshot(path=screenshot_path("vscode-dashboard"))
        # the ONNX export and the Keras model further down: three frameworks, three drawn graphs
        views = frame.locator('.mv-Root.mv-Graph[data-mv-state="rendered"] .mv-GraphView')
        page.mouse.move(700, 600)
        for _ in range(60):
            if views.count() == 3:
                break
            page.mouse.wheel(0, 600)  # VS Code renders outputs as they scroll into view
            frame.wait_for_timeout(250)
        assert views.count() == 3, output_report(page)
        headers = frame.locator(".mv-Root.mv-Graph").all_text_contents()
        assert [f for f in ("pytorch", "onnx", "keras") if any(f in h for h in headers)] == ["pytorch", "onnx", "keras"]
        # (no element screenshot of these two: VS Code's output webview does not scroll its outer editor, so a clip
        # of an off-screen output shows whatever the editor shows there)
        page.screenshot(path=screenshot_path("vscode-models-notebook"))
        # a SHAP Explanation and Grad-CAM maps, drawn by our renderer in VS Code's webview
        shap_out = frame.locator('.mv-Root.mv-Explanation[data-mv-state="rendered"]').filter(
            has=frame.locator(".mv-Title", has_text="shap in vs code")
        )
        for _ in range(40):
            if shap_out.count():
                break
            page.mouse.wheel(0, 600)
            frame.wait_for_timeout(250)
        swarm = shap_out.first.locator(".mv-XSwarm canvas")
        swarm.wait_for(timeout=20_000)
        reveal(page, swarm)
        # drawn: the beeswarm's image holds red and blue points, not only the background
        colours = swarm.evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let red = 0, blue = 0;
                     for (let i = 0; i < d.length; i += 4) { if (d[i] > 200 && d[i + 2] < 150) red++;
                       if (d[i + 2] > 200 && d[i] < 100) blue++; } return [red, blue]; }"""
        )
        assert colours[0] > 200 and colours[1] > 200, colours
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-explanation-shap"))
        shap_out.first.locator(".mv-XTabBar button[data-tab='waterfall']").click()
        assert shap_out.first.locator("svg.mv-XWaterfall rect").count() == 10
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-explanation-waterfall"))
        shap_out.first.locator(".mv-XTabBar button[data-tab='importance']").click()
        assert shap_out.first.locator(".mv-XBarName").count() == 10
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-explanation-importance"))
        cam_out = frame.locator('.mv-Root.mv-Explanation[data-mv-state="rendered"]').filter(
            has=frame.locator(".mv-Title", has_text="cams")
        )
        panels = cam_out.first.locator(".mv-XPanel")
        panels.first.wait_for(timeout=20_000)
        assert [p.get_attribute("data-method") for p in panels.all()] == ["gradcam", "integrated_gradients"]
        reveal(page, panels.first)
        frame.wait_for_timeout(200)
        page.screenshot(path=screenshot_path("vscode-explanation-cams"))
        tokens = frame.locator('.mv-Root.mv-Explanation[data-mv-state="rendered"] .mv-XToken')
        tokens.first.wait_for(timeout=20_000)
        assert tokens.all_text_contents() == ["a", "great", "un", "even"]
        reveal(page, tokens.first)
        page.screenshot(path=screenshot_path("vscode-explanation-text"))
        assert errors == [], errors
    finally:
        page.close()
