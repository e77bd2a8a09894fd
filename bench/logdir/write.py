"""Write the benchmark log directories with torch.utils.tensorboard.SummaryWriter (the real writer, unchanged).

Each run is written by its own process (``add_scalar`` per point, as a training loop does), ``--jobs`` at a time;
a logdir is written into ``<name>.partial`` and renamed when complete, so an interrupted write is never used.
"""

from __future__ import annotations

import argparse
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

TAGS = 10


def tag_names(tags: int = TAGS) -> list[str]:
    return [f"{'train' if k % 2 else 'eval'}/metric{k}" for k in range(tags)]


def write_run(run_dir: str, seed: int, steps: int, tags: int = TAGS) -> float:
    from torch.utils.tensorboard import SummaryWriter

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    w = SummaryWriter(run_dir, max_queue=10_000, flush_secs=3600)
    names = tag_names(tags)
    for start in range(0, steps, 10_000):
        values = rng.normal(size=(min(10_000, steps - start), tags))
        for i, row in enumerate(values):
            step = start + i
            for k in range(tags):
                w.add_scalar(names[k], row[k], step)
    w.close()
    return time.perf_counter() - t0


def write_logdir(path: Path, runs: int, steps: int, jobs: int = 2) -> float:
    """Write ``runs`` runs of ``steps`` steps x 10 tags into ``path``; returns the wall seconds it took."""
    t0 = time.perf_counter()
    tmp = path.with_name(path.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(write_run, str(tmp / f"run{r:02d}"), 7 + r, steps) for r in range(runs)]
        for f in futures:
            f.result()
    tmp.rename(path)
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("path", type=Path)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    print(f"wrote {a.path} in {write_logdir(a.path, a.runs, a.steps, a.jobs):.0f} s")


if __name__ == "__main__":
    main()
