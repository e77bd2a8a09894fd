"""Shared fixtures for the real-browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
WORK = ROOT / "tests" / "e2e" / ".work"
# MV_HARNESS: a harness built elsewhere (webpack honours MV_HARNESS_OUT), else the one setup builds.
HARNESS = Path(os.environ.get("MV_HARNESS", ROOT / "build" / "harness")) / "index.html"
CHROMIUM = os.environ.get("MODELVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The bare harness page (build/harness) with the renderers loaded; a module sets its size with
    ``VIEWPORT = (width, height)``. Fails the test on any uncaught page error."""
    width, height = getattr(request.module, "VIEWPORT", (900, 900))
    p = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(HARNESS.as_uri())
    p.wait_for_function("document.body.dataset.ready === 'true'")
    yield p
    p.close()
    assert errors == [], errors


class LabServer:
    """A real JupyterLab server from .venv on a free loopback port, with its own config, data and notebook dirs."""

    def __init__(self, base: Path) -> None:
        import subprocess
        import sys
        import uuid

        self.port = free_port()
        self.token = uuid.uuid4().hex
        self.root = base / "notebooks"
        self.root.mkdir(parents=True, exist_ok=True)
        self.log = (base / "server.log").open("w")
        self._quiet_settings(base / "settings")
        jupyter = Path(sys.executable).parent / "jupyter"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "IPYTHONDIR": str(base / "ipython"),
        }
        self.proc = subprocess.Popen(
            [
                str(jupyter),
                "lab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                f"--LabApp.user_settings_dir={base / 'settings'}",
                f"--LabApp.workspaces_dir={base / 'workspaces'}",
                "--LabApp.expose_app_in_browser=True",
                "--JupyterNotebookApp.expose_app_in_browser=True",  # Notebook 7 pages too
                "--LabServerApp.open_browser=False",
                "--ServerApp.allow_root=True",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait()

    @staticmethod
    def _quiet_settings(settings: Path) -> None:
        # no "news?" or "new version" toasts over the outputs we screenshot
        import json

        d = settings / "@jupyterlab" / "apputils-extension"
        d.mkdir(parents=True, exist_ok=True)
        quiet = {"fetchNews": "false", "checkForUpdates": False}
        (d / "notification.jupyterlab-settings").write_text(json.dumps(quiet))

    def _wait(self, timeout: float = 60) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"jupyter lab did not answer in {timeout}s; see {self.log.name}")

    def notebook_url(self, name: str, app: str = "lab") -> str:
        """The notebook in JupyterLab (``app="lab"``) or in Notebook 7 (``app="notebook"``), same server."""
        if app == "notebook":
            return f"{self.url}/notebooks/{name}?token={self.token}"
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def stop(self) -> None:
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, OSError):
            pass
        except Exception:
            os.killpg(self.proc.pid, signal.SIGKILL)
        finally:
            self.log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    server = LabServer(tmp_path_factory.mktemp("lab"))
    try:
        yield server
    finally:
        server.stop()


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells (no outputs), run by the test in a real kernel."""
    import json

    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
            for i, src in enumerate(cells)
        ],
    }
    path.write_text(json.dumps(nb, indent=1))


def wait_all_executed(page: Page, n_cells: int, timeout: float = 180_000) -> None:
    """Every one of the first ``n_cells`` cells shows an execution count (``[3]``, not ``[*]`` or ``[ ]``)."""
    page.wait_for_function(
        f"document.querySelectorAll('.jp-InputArea-prompt').length >= {n_cells} && "
        f"[...document.querySelectorAll('.jp-InputArea-prompt')].slice(0, {n_cells})"
        ".every(p => /\\[\\d+\\]/.test(p.textContent))",
        timeout=timeout,
    )


def run_notebook(
    browser: Browser, lab: LabServer, name: str, cells: list[str], app: str = "lab", wait: bool = True
) -> Page:
    """Open the notebook of ``cells`` and run all of them; with ``wait=False``, return while they run."""
    write_notebook(lab.root / name, cells)
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    errors: list[str] = []
    # Notebook 7.5's own page raises this once when JupyterLab's file browser is absent (nothing of ours)
    known = "Command 'filebrowser:open-path' not registered."
    page.on("pageerror", lambda e: None if app == "notebook" and str(e) == known else errors.append(str(e)))
    page.goto(lab.notebook_url(name, app))
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=60_000)
    # wait until the notebook's kernel is really connected and idle, then run everything (not awaited:
    # the command's promise follows the whole execution)
    page.wait_for_function(
        "(() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session?.kernel?.connectionStatus === 'connected'"
        " && w.sessionContext.session.kernel.status === 'idle'; })()",
        timeout=60_000,
    )
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    if wait:
        wait_all_executed(page, len(cells))
        assert errors == [], errors
    return page
