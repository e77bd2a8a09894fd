"""Log directory benchmark: read ~1M scalars written by torch's SummaryWriter.

ours:   modelviz.read_logdir(path) (numpy framing and fixed-layout decoding, pure Python fallback for the rest);
anchor: TensorBoard's EventAccumulator (size_guidance scalars=0: keep every point), one per run, Reload().
The logdir (RUNS runs x TAGS tags x STEPS steps) is written once and cached under .cache/bench/logdir-*/.
Both sides are checked, outside the timing, to give the same steps, wall times and values for every run and tag.
"""

from __future__ import annotations

import importlib
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RUNS, TAGS, STEPS = 10, 10, 10_000
REPS_OURS = 5
REPS_ANCHOR = 1  # EventAccumulator takes ~20 s a round here: one round, after our warm-up read
CACHE = ROOT / ".cache" / "bench" / f"logdir-{RUNS}x{TAGS}x{STEPS}"


def modelviz_logdir() -> ModuleType:
    """The installed package's, or the source tree's when the installed one predates it."""
    try:
        return importlib.import_module("modelviz.logdir")
    except ImportError:
        for name in [m for m in sys.modules if m == "modelviz" or m.startswith("modelviz.")]:
            del sys.modules[name]
        sys.path.insert(0, str(ROOT / "python-shim"))
        return importlib.import_module("modelviz.logdir")


def write_logdir(path: Path) -> float:
    """The benchmark logdir, written with torch.utils.tensorboard.SummaryWriter; returns the seconds it took."""
    from torch.utils.tensorboard import SummaryWriter

    t0 = time.perf_counter()
    tmp = path.with_name(path.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    rng = np.random.default_rng(7)
    for r in range(RUNS):
        w = SummaryWriter(str(tmp / f"run{r:02d}"), max_queue=10_000, flush_secs=3600)
        values = rng.normal(size=(STEPS, TAGS))
        tags = [f"{'train' if k % 2 else 'eval'}/metric{k}" for k in range(TAGS)]
        for step in range(STEPS):
            row = values[step]
            for k in range(TAGS):
                w.add_scalar(tags[k], row[k], step)
        w.close()
    tmp.rename(path)
    return time.perf_counter() - t0


def anchor_read(path: Path) -> dict[str, dict[str, Any]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out: dict[str, dict[str, Any]] = {}
    for run in sorted(p for p in path.iterdir() if p.is_dir()):
        ea = EventAccumulator(str(run), size_guidance={"scalars": 0}).Reload()
        out[run.name] = {tag: ea.Scalars(tag) for tag in ea.Tags()["scalars"]}
    return out


def check_same(ours: Any, anchor: dict[str, dict[str, Any]]) -> int:
    n = 0
    if sorted(ours.scalars) != sorted(anchor):
        raise SystemExit(f"runs differ: {sorted(ours.scalars)} vs {sorted(anchor)}")
    for run, tags in anchor.items():
        if sorted(ours.scalars[run]) != sorted(tags):
            raise SystemExit(f"tags of {run} differ")
        for tag, events in tags.items():
            s = ours.scalars[run][tag]
            ok = (
                np.array_equal(s.step, [e.step for e in events])
                and np.array_equal(s.wall_time, [e.wall_time for e in events])
                and np.array_equal(s.value, [e.value for e in events], equal_nan=True)
            )
            if not ok:
                raise SystemExit(f"{run}/{tag}: values differ from EventAccumulator")
            n += len(events)
    return n


def line(name: str, ours: str, anchor_name: str, anchor: str, ratio_text: str, detail: str) -> str:
    return f"{name:<22} {'ours ' + ours:<14} {f'anchor({anchor_name}) ' + anchor:<34} ratio {ratio_text}   [{detail}]"


def main() -> None:
    logdir = modelviz_logdir()
    wrote = ""
    if not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        wrote = f"written now in {write_logdir(CACHE):.0f} s; "
    size = sum(f.stat().st_size for f in CACHE.rglob("*") if f.is_file())

    ours_result = logdir.read_logdir(CACHE)  # warm-up (and the page cache)
    times = []
    for _ in range(REPS_OURS):
        t0 = time.perf_counter()
        ours_result = logdir.read_logdir(CACHE)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    anchor = anchor_read(CACHE)
    t_anchor = time.perf_counter() - t0
    n = check_same(ours_result, anchor)

    t_ours = statistics.median(times)
    verify_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        verified = logdir.read_logdir(CACHE, verify=True)
        verify_times.append(time.perf_counter() - t0)
    if verified.corrupt_records or check_same(verified, anchor) != n:
        raise SystemExit("verify=True read differs")
    t_verify = statistics.median(verify_times)

    label = f"{n / 1e6:.0f}M" if n >= 1_000_000 else f"{n // 1000}k"
    print(
        line(
            f"logdir/read-{label}",
            f"{t_ours:.2f} s",
            "EventAccumulator",
            f"{t_anchor:.1f} s",
            f"{t_anchor / t_ours:.1f}x faster",
            f"{n / t_ours / 1e6:.2f}M scalars/s vs {n / t_anchor / 1e6:.3f}M/s; {size / 1e6:.1f} MB, "
            f"{size / t_ours / 1e6:.0f} MB/s; median of {REPS_OURS}, {min(times):.2f}-{max(times):.2f} s; "
            f"anchor {REPS_ANCHOR} round",
        )
    )
    print(
        line(
            f"logdir/read-{label}-verify",
            f"{t_verify:.2f} s",
            "EventAccumulator",
            f"{t_anchor:.1f} s",
            f"{t_anchor / t_verify:.1f}x faster",
            f"verify=True (every data CRC checked, as the anchor does); {n / t_verify / 1e6:.2f}M scalars/s; "
            f"median of 3",
        )
    )
    print(
        f"  ({RUNS} runs x {TAGS} tags x {STEPS} steps from torch.utils.tensorboard.SummaryWriter, {wrote}"
        f"cached in {CACHE.relative_to(ROOT)}; identical steps, wall times and values checked; one core; "
        f"python {platform.python_version()}, numpy {np.__version__}; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
