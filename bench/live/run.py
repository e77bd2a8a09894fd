"""Live logging benchmark: what streaming 1,000 scalars/s through ``modelviz.live()`` costs the kernel.

A training-loop stand-in logs 10 metrics per step at 100 steps/s (1,000 scalars/s) for 60 s (``--quick``: 10 s)
into a :class:`modelviz.LiveLog` whose display serialises every bundle to JSON, as ipykernel does before sending it.
Measured in the same run:

* ``live/stream-1k-per-s``: CPU time spent in modelviz (main-thread CPU inside ``log()`` calls + the sender
  thread's CPU: building the snapshots, downsampling, packing, ``json.dumps``) over the wall time, in % of one core,
  against the issue's target of 5 %;
* ``live/watch-1k-per-s``: the same stream also written with ``SummaryWriter`` to a logdir watched by
  :class:`modelviz.Dashboard` (``refresh=2``): the watcher thread's CPU (incremental re-reads, snapshots,
  ``json.dumps``) over the wall time;
* ``live/log-call``: CPU per logged scalar inside ``log()``, against ``torch.utils.tensorboard.SummaryWriter``'s
  ``add_scalar`` on the same values (the usual way to log from a loop), median of 7 alternating rounds.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TAGS = 10
STEPS_PER_S = 100
TARGET_PERCENT = 5.0


def modelviz_module() -> ModuleType:
    """The source tree's modelviz (the installed wheel may predate live logging)."""
    sys.path.insert(0, str(ROOT / "python-shim"))
    for name in [m for m in sys.modules if m == "modelviz" or m.startswith("modelviz.")]:
        del sys.modules[name]
    return importlib.import_module("modelviz")


def line(name: str, ours: str, anchor_name: str, anchor: str, ratio_text: str, detail: str) -> str:
    return f"{name:<22} {'ours ' + ours:<26} {f'anchor({anchor_name}) ' + anchor:<44} ratio {ratio_text}   [{detail}]"


def ratio(ours: float, anchor: float, better: str, worse: str) -> str:
    if ours <= 0:
        return f"inf {better}"
    r = anchor / ours
    return f"{r:.1f}x {better}" if r >= 1 else f"{1 / r:.1f}x {worse}"


def stream(mv: ModuleType, seconds: float, logdir: str) -> dict[str, Any]:
    """The loop logs each step to a LiveLog and, through SummaryWriter, to a logdir watched by a Dashboard."""
    from torch.utils.tensorboard import SummaryWriter

    sizes: list[int] = []
    dash_sizes: list[int] = []

    def serialise(bundle: dict[str, Any], display_id: str) -> None:
        sizes.append(len(json.dumps(bundle)))

    def serialise_dash(bundle: dict[str, Any], display_id: str) -> None:
        dash_sizes.append(len(json.dumps(bundle)))

    log = mv.LiveLog(title="bench", display=serialise, update=serialise)
    log.show()
    writer = SummaryWriter(os.path.join(logdir, "train"), flush_secs=1)
    dash = mv.Dashboard(logdir, refresh=2.0, display=serialise_dash, update=serialise_dash)
    dash.show()
    tags = [f"metric{k}" for k in range(TAGS)]
    in_log = 0.0
    calls = 0
    wall0 = time.perf_counter()
    proc0 = time.process_time()
    step = 0
    while True:
        t = time.perf_counter() - wall0
        if t >= seconds:
            break
        while step < t * STEPS_PER_S:
            values = {tag: math.sin(step / 50 + k) for k, tag in enumerate(tags)}
            c0 = time.thread_time()
            log.log(values, step=step)
            in_log += time.thread_time() - c0
            for tag, v in values.items():
                writer.add_scalar(tag, v, step)
            calls += 1
            step += 1
        time.sleep(0.002)
    wall = time.perf_counter() - wall0
    log.close()
    writer.close()
    dash.stop()
    proc = time.process_time() - proc0
    final = dash._last_payload or {}
    assert {sc["total_points"] for sc in final.get("scalars", [])} == {step}, "the dashboard missed points"
    return {
        "dash": dash.cpu_seconds,
        "dash_updates": dash.updates,
        "dash_sizes": dash_sizes,
        "wall": wall,
        "in_log": in_log,
        "sender": log.cpu_seconds,
        "process": proc,
        "updates": log.updates,
        "sizes": sizes,
        "scalars": step * TAGS,
        "calls": calls,
    }


def per_scalar_costs(mv: ModuleType, rounds: int = 7, steps: int = 2000) -> tuple[list[float], list[float]]:
    """CPU µs per scalar: LiveLog.log (10 metrics a call) vs SummaryWriter.add_scalar, same values, alternating."""
    from torch.utils.tensorboard import SummaryWriter

    tags = [f"metric{k}" for k in range(TAGS)]
    rows = [{tag: math.sin(s / 50 + k) for k, tag in enumerate(tags)} for s in range(steps)]
    ours: list[float] = []
    anchor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds + 1):  # round 0 warms up
            log = mv.LiveLog(display=lambda b, i: None, update=lambda b, i: None)  # not shown: no sender thread
            w = SummaryWriter(os.path.join(tmp, f"r{r}"), max_queue=1000, flush_secs=3600)

            def run_ours(log: Any = log) -> float:
                c0 = time.thread_time()
                for s, row in enumerate(rows):
                    log.log(row, step=s)
                return time.thread_time() - c0

            def run_anchor(w: Any = w) -> float:
                c0 = time.thread_time()
                for s, row in enumerate(rows):
                    for tag, v in row.items():
                        w.add_scalar(tag, v, s)
                return time.thread_time() - c0

            first, second = (run_ours, run_anchor) if r % 2 else (run_anchor, run_ours)
            a, b = first(), second()
            o, n = (a, b) if r % 2 else (b, a)
            w.close()
            if r:
                ours.append(o / (steps * TAGS) * 1e6)
                anchor.append(n / (steps * TAGS) * 1e6)
    return ours, anchor


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="stream for 10 s instead of 60 s")
    ap.add_argument("--seconds", type=float, help="stream for this many seconds")
    args = ap.parse_args()
    seconds = args.seconds or (10.0 if args.quick else 60.0)
    mv = modelviz_module()

    with tempfile.TemporaryDirectory() as logdir:
        r = stream(mv, seconds, logdir)
    spent = r["in_log"] + r["sender"]
    percent = 100 * spent / r["wall"]
    sizes = np.array(r["sizes"][1:] or [0])
    print(
        line(
            "live/stream-1k-per-s",
            f"{percent:.2f}% of one core",
            f"target {TARGET_PERCENT:g}%",
            f"{TARGET_PERCENT:.2f}% of one core",
            ratio(percent, TARGET_PERCENT, "below", "above"),
            f"{r['scalars']:,} scalars in {r['wall']:.1f} s ({r['scalars'] / r['wall']:,.0f}/s); in log() "
            f"{r['in_log'] * 1e3:.0f} ms, sender thread {r['sender'] * 1e3:.0f} ms; {r['updates']} updates "
            f"({r['updates'] / r['wall']:.2f}/s), JSON median {np.median(sizes) / 1e3:.0f} kB, max "
            f"{sizes.max() / 1e3:.0f} kB; whole process CPU {100 * r['process'] / r['wall']:.1f}% incl. the loop",
        )
    )

    dash_percent = 100 * r["dash"] / r["wall"]
    dsizes = np.array(r["dash_sizes"][1:] or [0])
    print(
        line(
            "live/watch-1k-per-s",
            f"{dash_percent:.2f}% of one core",
            f"target {TARGET_PERCENT:g}%",
            f"{TARGET_PERCENT:.2f}% of one core",
            ratio(dash_percent, TARGET_PERCENT, "below", "above"),
            f"the same stream through SummaryWriter, watched by Dashboard(refresh=2): watcher thread CPU "
            f"{r['dash'] * 1e3:.0f} ms (re-reads, snapshots, json.dumps); {r['dash_updates']} updates, JSON median "
            f"{np.median(dsizes) / 1e3:.0f} kB; every point in the final snapshot",
        )
    )

    ours, anchor = per_scalar_costs(mv)
    o, a = statistics.median(ours), statistics.median(anchor)
    print(
        line(
            "live/log-call",
            f"{o:.2f} µs/scalar",
            "SummaryWriter.add_scalar",
            f"{a:.2f} µs/scalar",
            ratio(o, a, "faster", "slower"),
            f"CPU time, median of 7; ours {min(ours):.2f}-{max(ours):.2f}, anchor {min(anchor):.2f}-{max(anchor):.2f}; "
            f"10 metrics per log() call, 2,000 steps a round",
        )
    )
    import torch

    print(
        f"(python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    if dash_percent > TARGET_PERCENT:
        print(f"live/watch-1k-per-s: {dash_percent:.2f}% is above the {TARGET_PERCENT:g}% target", file=sys.stderr)
        sys.exit(1)
    if percent > TARGET_PERCENT:
        print(f"live/stream-1k-per-s: {percent:.2f}% is above the {TARGET_PERCENT:g}% target", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
