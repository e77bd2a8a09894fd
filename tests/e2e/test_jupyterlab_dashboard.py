"""The issue's "done when": a real JupyterLab shows a live dashboard that updates while a training loop in the same
kernel logs through ``torch.utils.tensorboard``; ``%modelviz --stop`` leaves the final snapshot in place."""

from __future__ import annotations

import re
import textwrap
import time

from PIL import Image
from playwright.sync_api import Browser

from .conftest import LabServer, run_notebook, screenshot_path, wait_all_executed

SCALARS = ".mv-Root.mv-Scalars"
STEPS = 80

CELLS = [
    textwrap.dedent(
        """
        %load_ext modelviz
        import tempfile, time
        import torch
        from torch.utils.tensorboard import SummaryWriter
        logdir = tempfile.mkdtemp(prefix="mv-live-")
        %modelviz --logdir $logdir --refresh 0.3
        """
    ),
    textwrap.dedent(
        f"""
        # a real (tiny) regression trained with two learning rates, logged as two runs while the dashboard watches
        torch.manual_seed(0)
        x = torch.randn(256, 4)
        y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(256, 1)
        final = {{}}
        runs = {{lr: (torch.nn.Linear(4, 1), SummaryWriter(f"{{logdir}}/lr={{lr}}")) for lr in (0.01, 0.05)}}
        for step in range({STEPS}):
            for lr, (model, writer) in runs.items():
                loss = torch.nn.functional.mse_loss(model(x), y)
                model.zero_grad(); loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= lr * p.grad
                writer.add_scalar("train/loss", loss.item(), step)
                writer.add_scalar("train/weight_norm", model.weight.norm().item(), step)
                writer.flush()
                final[lr] = loss.item()
            time.sleep(0.08)
        for _, writer in runs.values():
            writer.close()
        """
    ),
    "time.sleep(1.0)\n%modelviz --stop\nprint({lr: round(v, 6) for lr, v in final.items()})",
]


def test_live_dashboard_updates_while_training(browser: Browser, lab: LabServer) -> None:
    page = run_notebook(browser, lab, "live.ipynb", CELLS, wait=False)
    try:
        root = page.locator(SCALARS).first
        root.wait_for(timeout=60_000)
        points = page.locator(f"{SCALARS} .mv-ScalarsStatus-points")
        # while the training cell runs, the point count grows in place: several distinct snapshots, one output
        seen: list[str] = []
        shoot = False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if points.count():
                text = points.first.text_content() or ""
                if not seen or seen[-1] != text:
                    seen.append(text)
                    shoot = len(seen) == 3
                if shoot:
                    shoot = False
                    page.locator(".jp-OutputArea-output").filter(has=page.locator(SCALARS)).first.screenshot(
                        path=str(screenshot_path("jupyterlab-dashboard-live"))
                    )
            if page.locator(".jp-InputArea-prompt").nth(1).text_content() not in ("[*]:", "[ ]:"):
                break
            page.wait_for_timeout(150)
        wait_all_executed(page, len(CELLS), timeout=90_000)
        assert len(seen) >= 3, f"the dashboard did not update while training: {seen}"
        counts = [int(re.sub(r"[^0-9]", "", t.split(" ")[0])) for t in seen]
        assert counts == sorted(counts), f"point counts went backwards: {seen}"
        assert page.locator(SCALARS).count() == 1, "updates must apply in place, not add outputs"

        # after --stop: the final snapshot, marked not live, holds every logged point
        page.wait_for_selector(f"{SCALARS} .mv-ScalarsStatus-live[data-live='false']", timeout=20_000)
        assert points.first.text_content() == f"{2 * 2 * STEPS} points"
        assert "2 runs" in (page.locator(f"{SCALARS} .mv-ScalarsStatus").text_content() or "")
        for tag in ("train/loss", "train/weight_norm"):
            chart = page.locator(f"{SCALARS} .mv-ScalarsChart[data-tag='{tag}']")
            chart.locator("canvas").first.wait_for(timeout=20_000)
        runs = page.locator(f"{SCALARS} .mv-ScalarsRun-name").all_text_contents()
        assert sorted(runs) == ["lr=0.01", "lr=0.05"]
        stdout = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']").last
        assert "0.01" in (stdout.text_content() or "")
        out = page.locator(".jp-OutputArea-output").filter(has=page.locator(SCALARS)).first
        out.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = screenshot_path("jupyterlab-dashboard-final")
        out.screenshot(path=str(shot))
        assert len(Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20) or []) > 100
        assert page.locator(".jp-OutputArea-output .mv-Error").count() == 0
    finally:
        page.close()
