"""Log directories written by the real writers, and the reference read by TensorBoard's EventAccumulator."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

SPECIAL = (math.nan, math.inf, -math.inf)


def write_torch(logdir: Path, steps: int = 40, seed: int = 0, purge_step: int | None = None, **kw: Any) -> None:
    """Scalars (incl. NaN/±Inf, tensor-style and double ones), histograms, images and text via torch's writer."""
    from torch.utils.tensorboard import SummaryWriter

    rng = np.random.default_rng(seed)
    w = SummaryWriter(str(logdir), purge_step=purge_step, **kw)
    start = purge_step or 0
    for step in range(start, start + steps):
        if step % 5 == 0:
            w.add_histogram("weights", rng.normal(size=200) * (1 + step), step)
        w.add_scalar("train/loss", float(rng.normal()), step)
        w.add_scalar("train/acc", SPECIAL[step % 3] if step % 7 == 3 else float(rng.random()), step)
        w.add_scalar("eval/big_step", float(step) * 1.5, step * 1000 + 3)
        w.add_scalar("new_style", float(rng.normal()), step, new_style=True)
        w.add_scalar("double", float(rng.normal()), step, new_style=True, double_precision=True)
        if step % 5 == 0:
            w.add_image("img", rng.integers(0, 255, size=(3, 4 + step % 3, 5), dtype=np.uint8), step)
            w.add_text("notes", f"step **{step}** é", step)
    w.close()


def write_tensorboardx(logdir: Path, steps: int = 30, seed: int = 1) -> None:
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(seed)
    w = SummaryWriter(str(logdir))
    for step in range(steps):
        w.add_scalar("loss", float(rng.normal()), step)
        w.add_scalar("special", SPECIAL[step % 3], step)
        if step % 4 == 0:
            w.add_histogram("h", rng.normal(size=100), step)
            w.add_image("im", rng.random(size=(3, 6, 7)), step)
            w.add_text("t", f"text {step}", step)
    w.close()


def accumulate(run_dir: Path) -> Any:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(
        str(run_dir),
        size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0, "compressedHistograms": 0},
    )
    return ea.Reload()
