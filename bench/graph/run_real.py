"""Graph benchmark on real architectures, kernel side: what ``display(model)`` costs the kernel for ResNet-50,
ViT-B/16, GPT2 (base), BERT (base) and a small Llama, built in code with random weights (bench/graph/real_models.py).

Per model, in a fresh Python process (so that memory figures are the call's own):
  graph/kernel-<m>          ours: modelviz.graph(model)                    anchor: one forward pass (torch.no_grad)
  graph/kernel-<m>-inputs   ours: modelviz.graph(model, example_inputs=…)  anchor: the same forward pass
and on the model's torch.onnx export (the dynamo exporter's, and the legacy TorchScript one's as ``-onnx-legacy``),
each side alone in a fresh process:
  graph/kernel-<m>-onnx     ours: modelviz.graph(path)                     anchor: onnx.load(path)
  graph/memory-<m>-onnx     ours: peak resident memory of that process     anchor: the same for onnx.load
Example inputs are a dict of keyword tensors (input_ids, attention_mask) for the Hugging Face models, an image
tensor for the vision ones. The detail gives the first call of the process (``cold``: lazy imports included), the
median of the timed calls after it, json.dumps of the MIME bundle (as ipykernel does), the payload's size, its nodes
(drawn, and folded: ``nodes.fold`` >= 0), edges, the extra peak memory of the call (VmHWM after it, reset before it
through /proc/self/clear_refs, over the resident memory before it) and the payload's messages.
The browser end of the same models (cell run -> drawn in JupyterLab against Netron) is bench/graph/run_real_e2e.py.
Usage: .venv/bin/python bench/graph/run_real.py [--models resnet50 gpt2 ...] [--size tiny] [--reps N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import line, load_average, modelviz_module, ratio
from bench.graph import real_models

RESULT = "RESULT "  # a worker's last stdout line: RESULT <json>
WORKER_LIMIT_S = 1800.0
ONNX_TARGET_MB = {"gpt2": 600.0}  # the issue's target: GPT2's ONNX under 600 MB of kernel memory


# ---------------------------------------------------------------- measuring, inside a worker process


def _status_kb(key: str) -> int:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(key + ":"):
            return int(row.split()[1])
    return 0


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1e3


def reset_peak() -> bool:
    """Resets this process's peak resident memory (VmHWM) to its current one; False where Linux does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Calls:
    """A callable's first call, then ``reps`` timed calls: seconds, and the peak memory each added."""

    cold_s: float = 0.0
    times: list[float] = field(default_factory=list)
    peak_mb: float = 0.0  # the largest (VmHWM during a call - VmRSS before it)
    rss_peak_mb: float = 0.0  # the largest VmHWM during a call (the whole process)
    result: Any = None

    def record(self, fn: Callable[[], Any]) -> float:
        reset_peak()
        before = rss_mb()
        t0 = time.perf_counter()
        self.result = fn()
        dt = time.perf_counter() - t0
        hwm = _status_kb("VmHWM") / 1e3
        self.peak_mb = max(self.peak_mb, hwm - before)
        self.rss_peak_mb = max(self.rss_peak_mb, hwm)
        return dt

    def summary(self) -> dict[str, Any]:
        return {"cold_s": self.cold_s, "times": self.times, "peak_mb": self.peak_mb, "rss_peak_mb": self.rss_peak_mb}


def measure(fns: dict[str, Callable[[], Any]], reps: int) -> dict[str, Calls]:
    """Each function's cold call (in the given order), then ``reps`` rounds of all of them, alternating."""
    out = {k: Calls() for k in fns}
    for k, fn in fns.items():
        out[k].cold_s = out[k].record(fn)
    for r in range(reps):
        keys = list(fns) if r % 2 == 0 else list(reversed(fns))
        for k in keys:
            out[k].times.append(out[k].record(fns[k]))
    return out


def payload_facts(graph: Any) -> dict[str, Any]:
    """Size of the JSON MIME bundle, its json.dumps time, node/edge counts and messages of one built graph."""
    decode = modelviz_module("modelviz._tensor").decode
    t0 = time.perf_counter()
    text = json.dumps(graph._repr_mimebundle_())
    dumps_s = time.perf_counter() - t0
    p = graph.payload
    nodes = int(p["totals"]["nodes"])
    fold = p["nodes"].get("fold")
    folded = int((decode(fold) >= 0).sum()) if fold is not None else 0
    src = p["edges"].get("src") if isinstance(p.get("edges"), dict) else None
    edges = int(src["shape"][0]) if isinstance(src, dict) else len(src or [])
    return {
        "bytes": len(text.encode()),
        "dumps_s": dumps_s,
        "nodes": nodes,
        "folded": folded,
        "edges": edges,
        "groups": int(p["groups"]["name"]["shape"][0]) if isinstance(p.get("groups"), dict) and p["groups"] else 0,
        "messages": [str(m.get("text", "")) for m in p.get("messages", [])],
        "source": p.get("source"),
        "params": int(p["totals"].get("params", 0)),
    }


def worker_torch(name: str, size: str, reps: int) -> dict[str, Any]:
    import torch

    modelviz = modelviz_module()
    model, inputs = real_models.build(name, size)
    args, kwargs = real_models.call_parts(inputs)
    params = sum(p.numel() for p in model.parameters())

    def forward() -> None:
        with torch.no_grad():
            model(*args, **kwargs)

    calls = measure(
        {
            "forward": forward,
            "graph": lambda: modelviz.graph(model),
            "graph_inputs": lambda: modelviz.graph(model, example_inputs=inputs),
        },
        reps,
    )
    return {
        "params": params,
        "calls": {k: c.summary() for k, c in calls.items()},
        "payload": payload_facts(calls["graph"].result),
        "payload_inputs": payload_facts(calls["graph_inputs"].result),
    }


def worker_onnx(path: str, reps: int, side: str) -> dict[str, Any]:
    """One side on one ONNX file, alone in its process (``ours``: modelviz.graph(path); ``load``: onnx.load(path)), so
    that the process's peak is that side's own and not memory the other side's calls left with the allocator."""
    import onnx

    if side == "ours":  # its imports paid before the baseline, as in a kernel that imported them
        modelviz = modelviz_module()
        modelviz_module("modelviz.graph._onnx")
    baseline = rss_mb()
    fn = (lambda: modelviz.graph(path)) if side == "ours" else (lambda: onnx.load(path))
    calls = measure({side: fn}, reps)[side]
    return {
        "baseline_mb": baseline,
        "file_mb": os.path.getsize(path) / 1e6,
        "calls": calls.summary(),
        "payload": payload_facts(calls.result) if side == "ours" else None,
        "peak_reset": reset_peak(),
    }


# ---------------------------------------------------------------- driving the workers


def run_worker(argv: list[str], limit_s: float = WORKER_LIMIT_S) -> dict[str, Any]:
    """Runs this file as a worker in a fresh interpreter; its RESULT line, or ``{"error": ...}``."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "TRANSFORMERS_VERBOSITY": "error"}
    try:
        done = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True, timeout=limit_s,
                              env=env, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"worker {' '.join(argv)} did not finish in {limit_s:.0f} s"}
    for row in reversed(done.stdout.splitlines()):
        if row.startswith(RESULT):
            return dict(json.loads(row[len(RESULT) :]))
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"worker {' '.join(argv)} exited with {done.returncode}: {tail[:300]}"}


def ensure_export(name: str, size: str, exporter: str) -> tuple[Path | None, str]:
    """The cached export (written in a subprocess on first use), or None and why not."""
    path = real_models.onnx_path(name, size, exporter)
    if path.exists():
        return path, ""
    print(f"  (exporting {name} ({size}) with the {exporter} exporter into {path.parent} ...)", flush=True)
    script = Path(real_models.__file__)
    argv = [sys.executable, str(script), name, "--size", size, "--exporter", exporter]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not path.exists():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{exporter} export failed: {tail[:300]}"
    return path, ""


# ---------------------------------------------------------------- report


def fmt_s(s: float) -> str:
    if s < 0.01:
        return f"{s * 1000:.1f} ms"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def spread(c: dict[str, Any]) -> str:
    t = c["times"]
    if not t:
        return "1 call"
    return f"median of {len(t)}, {fmt_s(min(t))}-{fmt_s(max(t))}; cold {fmt_s(c['cold_s'])}"


def median_s(c: dict[str, Any]) -> float:
    return statistics.median(c["times"]) if c["times"] else float(c["cold_s"])


def messages_text(msgs: list[str]) -> str:
    if not msgs:
        return "no messages"
    shown = "; ".join(f'"{m[:90]}{"…" if len(m) > 90 else ""}"' for m in msgs[:2])
    more = f" (+{len(msgs) - 2})" if len(msgs) > 2 else ""
    return f"{len(msgs)} message{'s' if len(msgs) > 1 else ''}: {shown}{more}"


def payload_text(p: dict[str, Any]) -> str:
    drawn = p["nodes"] - p["folded"]
    return (
        f"payload {p['bytes'] / 1e6:.2f} MB (json.dumps {fmt_s(p['dumps_s'])}); {p['nodes']} nodes ({drawn} drawn, "
        f"{p['folded']} folded), {p['edges']} edges, {p['groups']} groups; {messages_text(p['messages'])}"
    )


def report_torch(name: str, r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return [f"graph/kernel-{name}   not measured: {r['error']}"]
    c = r["calls"]
    fwd = median_s(c["forward"])
    out = []
    for key, suffix, pay in (("graph", "", "payload"), ("graph_inputs", "-inputs", "payload_inputs")):
        ours = median_s(c[key])
        out.append(
            line(
                f"graph/kernel-{name}{suffix}",
                fmt_s(ours),
                f"anchor(forward pass) {fmt_s(fwd)}",
                ratio(ours, fwd, "faster", "slower"),
                f"{spread(c[key])}; +{c[key]['peak_mb']:.0f} MB peak (forward +{c['forward']['peak_mb']:.0f} MB); "
                f"{payload_text(r[pay])}",
            )
        )
    return out


def report_onnx(name: str, exporter: str, ours: dict[str, Any], load: dict[str, Any]) -> list[str]:
    """The ONNX lines from the two workers on one file: ``ours`` (modelviz.graph(path)), ``load`` (onnx.load(path))."""
    tag = f"graph/kernel-{name}-onnx" + ("" if exporter == "dynamo" else f"-{exporter}")
    bad = ours.get("error") or load.get("error")
    if bad:
        return [f"{tag}   not measured: {bad}"]
    c, a = ours["calls"], load["calls"]
    t_ours, t_load = median_s(c), median_s(a)
    out = [
        line(
            tag,
            fmt_s(t_ours),
            f"anchor(onnx.load) {fmt_s(t_load)}",
            ratio(t_ours, t_load, "faster", "slower"),
            f"{exporter} export, file {ours['file_mb']:.0f} MB; {spread(c)}; {payload_text(ours['payload'])}",
        )
    ]
    if exporter == "dynamo":
        peak, anchor_peak = c["rss_peak_mb"], a["rss_peak_mb"]
        target = ONNX_TARGET_MB.get(name)
        verdict = f"; target < {target:.0f} MB: {'meets' if peak < target else 'MISSES'}" if target else ""
        own = (
            f"the call's own +{c['peak_mb']:.0f} MB, onnx.load's +{a['peak_mb']:.0f} MB"
            if ours["peak_reset"]
            else "CHECK: peaks not resettable here (/proc/self/clear_refs), so no per-call figures"
        )
        out.append(
            line(
                f"graph/memory-{name}-onnx",
                f"{peak:.0f} MB",
                f"anchor(onnx.load) {anchor_peak:.0f} MB",
                ratio(peak, anchor_peak, "smaller", "larger"),
                f"peak resident memory of a process doing only that (interpreter and imports "
                f"{ours['baseline_mb']:.0f} MB included); {own}; file {ours['file_mb']:.0f} MB{verdict}",
            )
        )
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--models", nargs="+", choices=real_models.MODELS, default=list(real_models.MODELS))
    ap.add_argument("--size", choices=real_models.SIZES, default="full", help="tiny: the runner's own tests")
    ap.add_argument("--reps", type=int, default=3, help="timed calls after the cold one (default 3)")
    ap.add_argument("--exporters", nargs="+", choices=real_models.EXPORTERS, default=["dynamo", "legacy"])
    ap.add_argument("--no-onnx", action="store_true", help="the torch lines only")
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "WHAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        kind, what = args.worker
        if kind == "torch":
            result = worker_torch(what, args.size, args.reps)
        else:
            result = worker_onnx(what, args.reps, side=kind.split("-", 1)[1])
        print(RESULT + json.dumps(result), flush=True)
        return

    t_start = time.monotonic()
    loads = [os.getloadavg()[0]]
    for name in args.models:
        r = run_worker(["--worker", "torch", name, "--size", args.size, "--reps", str(args.reps)])
        loads.append(os.getloadavg()[0])
        for text in report_torch(name, r):
            print(text, flush=True)
        if args.no_onnx:
            continue
        for exporter in args.exporters:
            path, why = ensure_export(name, args.size, exporter)
            if path is None:
                print(f"graph/kernel-{name}-onnx{'' if exporter == 'dynamo' else '-' + exporter}   not measured: {why}")
                continue
            ours = run_worker(["--worker", "onnx-ours", str(path), "--reps", str(args.reps)])
            load = run_worker(["--worker", "onnx-load", str(path), "--reps", str(args.reps)])
            loads.append(os.getloadavg()[0])
            for text in report_onnx(name, exporter, ours, load):
                print(text, flush=True)
    modelviz = modelviz_module()
    sources = ", ".join(f"{m}: {real_models.source(m)}" for m in args.models)
    print(
        f"  ({args.size} size; {args.reps} timed calls after a cold one, each worker a fresh process; models from "
        f"{sources}; python {platform.python_version()}, torch {version('torch')}, transformers "
        f"{version('transformers')}, onnx {version('onnx')}; modelviz from {Path(str(modelviz.__file__)).parent}; "
        f"{os.cpu_count()} cores, load average {min(loads):.1f}-{max(loads):.1f} during the run, now "
        f"{load_average()[13:]}; total {time.monotonic() - t_start:.0f} s; exports cached in {real_models.CACHE})"
    )


if __name__ == "__main__":
    main()
