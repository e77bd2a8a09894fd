"""Smoke test of the confusion kernel benchmark (bench/confusion/run.py): its data, and a --quick run end to end whose
result lines scripts/bench.sh counts and whose numbers equal scikit-learn's.

Run: PYTHONPATH=python-shim .venv/bin/python -m pytest -q bench/confusion/test_run.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT
from bench.confusion import run

RESULT_LINE = re.search(r"result_line='([^']+)'", (ROOT / "scripts" / "bench.sh").read_text())


def bench_counts(text: str) -> int:
    """How many lines of ``text`` scripts/bench.sh counts as results (grep -E with its pattern)."""
    assert RESULT_LINE is not None, "scripts/bench.sh no longer defines result_line"
    done = subprocess.run(["grep", "-Ec", RESULT_LINE.group(1)], input=text, capture_output=True, text=True)
    return int(done.stdout.strip() or 0)


def test_data_is_long_tailed_and_mostly_right() -> None:
    y, p = run.labels(20_000, 100)
    counts = np.bincount(y, minlength=100)
    assert counts[0] > 3 * counts[-1]
    assert 0.7 < float((y == p).mean()) < 0.8 and p.max() < 100
    s = run.softmax_scores(y[:500], 100)
    assert s.dtype == np.float32 and np.allclose(s.sum(axis=1), 1, atol=1e-5)
    assert float((s.argmax(axis=1) == y[:500]).mean()) > 0.5


def test_quick_run_prints_counted_lines_equal_to_sklearn() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "confusion" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = done.stdout
    assert bench_counts(out) == 2, out
    names = [ln.split()[0] for ln in out.splitlines() if ln.startswith("confusion/")]
    assert names == ["confusion/matrix-report-100", "confusion/curves-50"]
    assert "equal to sklearn: True" in out and "equal macro AUC/AP: True" in out
    assert "target ≤ 0.3 s: met" in out
