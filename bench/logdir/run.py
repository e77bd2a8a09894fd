"""Log directory benchmark: ingest scalars written by torch's SummaryWriter, ours against TensorBoard and tbparse.

ours:    modelviz.read_logdir(path) (numpy framing and fixed-layout decoding, pure Python fallback for the rest);
anchors: TensorBoard's EventAccumulator (size_guidance scalars=0: keep every point), one per run, Reload();
         tbparse.SummaryReader(path).scalars (a DataFrame of every point; tbparse reads through EventAccumulator).

Two log directories, written once and cached under .cache/bench/ (git-ignored) by bench/logdir/write.py with the
unchanged torch.utils.tensorboard.SummaryWriter (one add_scalar per point, one process per run, two at a time):

* 1M:  10 runs x 10 tags x 10,000 steps   -> line logdir/read-1M (+ -verify), anchor EventAccumulator on all of it;
* 10M: 10 runs x 10 tags x 100,000 steps  -> line logdir/read-10M. EventAccumulator would take minutes and tbparse
  far longer on 10M, so the anchors are measured on run00 of that logdir (1M scalars, the same files ours reads) in
  the lines logdir/read-1M-of-10M, and the 10M anchor time is that 1M time x 10 (both anchors are linear in the
  number of records), marked "est." in the line.

Every result is checked outside the timing: ours equals EventAccumulator (steps, wall times, values) wherever the
anchor ran, equals tbparse's DataFrame on run00, and all 10M values equal the writer's inputs (as float32).
``--quick``: the 1M logdir only, anchors on one run of it (for development).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from write import TAGS, tag_names, write_logdir  # noqa: E402

RUNS = 10
CACHE_1M = ROOT / ".cache" / "bench" / f"logdir-{RUNS}x{TAGS}x10000"
CACHE_10M = ROOT / ".cache" / "bench" / f"logdir-{RUNS}x{TAGS}x100000"


def modelviz_logdir() -> ModuleType:
    """The source tree's reader (the installed wheel may predate it)."""
    for name in [m for m in sys.modules if m == "modelviz" or m.startswith("modelviz.")]:
        del sys.modules[name]
    sys.path.insert(0, str(ROOT / "python-shim"))
    return importlib.import_module("modelviz.logdir")


def ensure(path: Path, steps: int) -> str:
    if path.exists():
        return "cached"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"written now in {write_logdir(path, RUNS, steps):.0f} s"


CPU: dict[str, float] = {}  # CPU seconds of the last timing of each side (the machine may be shared)


def time_ours(logdir: ModuleType, path: Path, reps: int, verify: bool = False) -> tuple[float, list[float], Any]:
    result = logdir.read_logdir(path, verify=verify)  # warm-up (and the page cache)
    times, cpu = [], []
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        result = logdir.read_logdir(path, verify=verify)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU["ours"] = statistics.median(cpu)
    return statistics.median(times), times, result


def ea_read(runs: list[Path]) -> tuple[float, dict[str, dict[str, Any]]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out: dict[str, dict[str, Any]] = {}
    c0, t0 = time.process_time(), time.perf_counter()
    for run in runs:
        ea = EventAccumulator(str(run), size_guidance={"scalars": 0}).Reload()
        out[run.name] = {tag: ea.Scalars(tag) for tag in ea.Tags()["scalars"]}
    CPU["anchor"] = time.process_time() - c0
    return time.perf_counter() - t0, out


def tbparse_read(run: Path) -> tuple[float, Any]:
    from tbparse import SummaryReader

    c0, t0 = time.process_time(), time.perf_counter()
    df = SummaryReader(str(run), extra_columns={"wall_time"}).scalars
    CPU["anchor"] = time.process_time() - c0
    return time.perf_counter() - t0, df


def ea_reader_kind() -> str:
    from tensorboard.compat import tf

    if getattr(tf, "__version__", "stub") == "stub":
        return "EventAccumulator on TensorBoard's pure-Python record reader"
    return f"EventAccumulator on TensorFlow {tf.__version__}'s C++ record reader"


def check_ea(ours: Any, anchor: dict[str, dict[str, Any]], run_names: dict[str, str] | None = None) -> int:
    """Ours equals EventAccumulator for every run and tag; returns the number of points."""
    n = 0
    for run, tags in anchor.items():
        mine = ours.scalars[(run_names or {}).get(run, run)]
        if sorted(mine) != sorted(tags):
            raise SystemExit(f"tags of {run} differ: {sorted(mine)} vs {sorted(tags)}")
        for tag, events in tags.items():
            s = mine[tag]
            ok = (
                np.array_equal(s.step, [e.step for e in events])
                and np.array_equal(s.wall_time, [e.wall_time for e in events])
                and np.array_equal(s.value, [e.value for e in events], equal_nan=True)
            )
            if not ok:
                raise SystemExit(f"{run}/{tag}: values differ from EventAccumulator")
            n += len(events)
    return n


def check_tbparse(series: dict[str, Any], df: Any) -> None:
    for tag, s in series.items():
        part = df[df["tag"] == tag]
        if not (
            np.array_equal(s.step, part["step"].to_numpy())
            and np.array_equal(s.wall_time, part["wall_time"].to_numpy())
            and np.array_equal(s.value, part["value"].to_numpy(), equal_nan=True)
        ):
            raise SystemExit(f"{tag}: values differ from tbparse")


def check_inputs(ours: Any, steps: int) -> int:
    """Every value equals what bench/logdir/write.py gave add_scalar (float32, as simple_value stores it)."""
    n = 0
    names = tag_names()
    for r in range(RUNS):
        rng = np.random.default_rng(7 + r)
        values = np.concatenate(
            [rng.normal(size=(min(10_000, steps - s), TAGS)) for s in range(0, steps, 10_000)]
        ).astype(np.float32)
        for k, tag in enumerate(names):
            got = ours.scalars[f"run{r:02d}"][tag]
            if not (np.array_equal(got.step, np.arange(steps)) and np.array_equal(got.value, values[:, k])):
                raise SystemExit(f"run{r:02d}/{tag}: values differ from the writer's inputs")
            n += len(got.step)
    return n


def line(name: str, ours: str, anchor_name: str, anchor: str, ratio: float, detail: str) -> str:
    ratio_text = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
    return f"{name:<24} {'ours ' + ours:<14} {f'anchor({anchor_name}) ' + anchor:<36} ratio {ratio_text}   [{detail}]"


def cpu(n: int, scale: float = 1.0, ours: float | None = None, anchor: float | None = None) -> str:
    """CPU seconds of both sides (the machine is shared: wall time depends on the others); default: the last."""
    ours = CPU["ours"] if ours is None else ours
    anchor = (CPU["anchor"] if anchor is None else anchor) * scale
    est = " est." if scale != 1 else ""
    return (
        f"CPU time ours {ours:.2f} s ({n / ours / 1e6:.2f}M scalars/s) vs anchor {anchor:.1f} s{est} "
        f"= {anchor / ours:.0f}x"
    )


def label(n: int) -> str:
    return f"{n / 1e6:.0f}M" if n >= 1_000_000 else f"{n // 1000}k"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="the 1M logdir only; anchors on one run of it")
    args = p.parse_args()
    logdir = modelviz_logdir()
    notes = [f"1M logdir {ensure(CACHE_1M, 10_000)}"]
    if not args.quick:
        notes.append(f"10M logdir {ensure(CACHE_10M, 100_000)}")
    import tbparse  # noqa: F401  - imported (with TensorBoard) before any timing
    from tensorboard.backend.event_processing import event_accumulator  # noqa: F401, RUF100

    # -- 1M: the whole logdir against EventAccumulator ------------------------------------------------------------
    size = sum(f.stat().st_size for f in CACHE_1M.rglob("*") if f.is_file())
    t_ours, times, ours = time_ours(logdir, CACHE_1M, 2 if args.quick else 5)
    runs_1m = sorted(d for d in CACHE_1M.iterdir() if d.is_dir())
    t_ea, anchor = ea_read(runs_1m[:1] if args.quick else runs_1m)
    n = check_ea(ours, anchor)
    scale = len(runs_1m) if args.quick else 1
    t_ea *= scale
    n_all = sum(len(s.step) for run in ours.runs for s in ours.scalars[run].values())
    est = " (est.)" if args.quick else ""
    print(
        line(
            f"logdir/read-{label(n_all)}",
            f"{t_ours:.2f} s",
            "EventAccumulator",
            f"{t_ea:.1f} s{est}",
            t_ea / t_ours,
            f"{n_all / t_ours / 1e6:.2f}M scalars/s vs {n_all / t_ea / 1e6:.3f}M/s; {size / 1e6:.1f} MB, "
            f"{size / t_ours / 1e6:.0f} MB/s; median of {len(times)}, {min(times):.2f}-{max(times):.2f} s; "
            f"anchor one round{', on 1 run x 10' if args.quick else ''}; {cpu(n_all, scale)}",
        )
    )
    t_verify, _, verified = time_ours(logdir, CACHE_1M, 3, verify=True)
    if verified.corrupt_records or check_ea(verified, anchor) != n:
        raise SystemExit("verify=True read differs")
    print(
        line(
            f"logdir/read-{label(n_all)}-verify",
            f"{t_verify:.2f} s",
            "EventAccumulator",
            f"{t_ea:.1f} s{est}",
            t_ea / t_verify,
            f"verify=True (every data CRC checked, as the anchor does); {n_all / t_verify / 1e6:.2f}M scalars/s; "
            f"median of 3; {cpu(n_all, scale)}",
        )
    )

    # -- 10M: ours on all of it; the anchors on run00 (1M of the same files) --------------------------------------
    big = CACHE_1M if args.quick else CACHE_10M
    steps = 10_000 if args.quick else 100_000
    if not args.quick:
        size = sum(f.stat().st_size for f in big.rglob("*") if f.is_file())
        t_big, btimes, ours_big = time_ours(logdir, big, 3)
        cpu_big = CPU["ours"]
        n_big = check_inputs(ours_big, steps)
    run00 = big / "run00"
    t_run00, _, ours_run00 = time_ours(logdir, run00, 5)
    t_ea00, anchor00 = ea_read([run00])
    cpu_ea00 = CPU["anchor"]
    n00 = check_ea(ours_run00, anchor00, {"run00": "."})
    t_tbp, df = tbparse_read(run00)
    cpu_tbp = CPU["anchor"]
    check_tbparse(ours_run00.scalars["."], df)
    if len(df) != n00:
        raise SystemExit(f"tbparse read {len(df)} points, not {n00}")
    if not args.quick:
        ea_est, tbp_est = t_ea00 * RUNS, t_tbp * RUNS
        detail = (
            f"{n_big / t_big / 1e6:.2f}M scalars/s (target >= 2M/s on one core); {size / 1e6:.0f} MB, "
            f"{size / t_big / 1e6:.0f} MB/s; median of 3, {min(btimes):.2f}-{max(btimes):.2f} s; values = writer's "
            f"inputs; anchor est. = its time on run00 (1M of these files) x {RUNS}"
        )
        print(
            line(
                f"logdir/read-{label(n_big)}",
                f"{t_big:.2f} s",
                "EventAccumulator",
                f"{ea_est:.0f} s est.",
                ea_est / t_big,
                f"{detail} (target >= 20x); {cpu(n_big, RUNS, cpu_big, cpu_ea00)}",
            )
        )
        print(
            line(
                f"logdir/read-{label(n_big)}",
                f"{t_big:.2f} s",
                "tbparse",
                f"{tbp_est:.0f} s est.",
                tbp_est / t_big,
                f"{detail}; {cpu(n_big, RUNS, cpu_big, cpu_tbp)}",
            )
        )
    sub = f"{label(n00)}-of-{label(n00 * RUNS)}"
    print(
        line(
            f"logdir/read-{sub}",
            f"{t_run00:.2f} s",
            "EventAccumulator",
            f"{t_ea00:.1f} s",
            t_ea00 / t_run00,
            f"run00 only, same files for both; {n00 / t_run00 / 1e6:.2f}M vs {n00 / t_ea00 / 1e6:.3f}M scalars/s; "
            f"median of 5; anchor one round; {cpu(n00, 1, None, cpu_ea00)}",
        )
    )
    print(
        line(
            f"logdir/read-{sub}",
            f"{t_run00:.2f} s",
            "tbparse",
            f"{t_tbp:.1f} s",
            t_tbp / t_run00,
            f"run00 only; SummaryReader(run, extra_columns={{'wall_time'}}).scalars, equal DataFrame checked; "
            f"{n00 / t_tbp / 1e6:.3f}M scalars/s; one round; {cpu(n00, 1, None, cpu_tbp)}",
        )
    )
    print(
        f"  (logdirs written with torch.utils.tensorboard.SummaryWriter.add_scalar per point: {'; '.join(notes)}; "
        f"{ea_reader_kind()}; every reader single-threaded; python {platform.python_version()}, "
        f"numpy {np.__version__}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
