"""Tests of the confusion browser benchmark's own parts: the synthetic matrix, the payload text, and its result lines
(scripts/bench.sh must count them, with or without the anchor and the view).

Run: .venv/bin/python -m pytest -q bench/confusion/test_run_browser.py
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import ROOT
from bench.confusion import run_browser as rb

RESULT_LINE = re.search(r"result_line='([^']+)'", (ROOT / "scripts" / "bench.sh").read_text())


def bench_counts(text: str) -> int:
    assert RESULT_LINE is not None, "scripts/bench.sh no longer defines result_line"
    done = subprocess.run(["grep", "-Ec", RESULT_LINE.group(1)], input=text, capture_output=True, text=True)
    return int(done.stdout.strip() or 0)


def test_synthetic_matrix_counts_every_prediction_and_is_deterministic() -> None:
    labels, m = rb.synthetic(100, 20_000, seed=3)
    assert m.shape == (100, 100) and m.sum() == 20_000
    assert len(set(labels)) == 100
    accuracy = np.trace(m) / m.sum()
    assert 0.75 < accuracy < 0.85  # 75 % right, plus the mistakes that land on the diagonal by chance
    # most mistakes stay within groups of ten
    off = m.copy()
    np.fill_diagonal(off, 0)
    blocks = sum(off[g : g + 10, g : g + 10].sum() for g in range(0, 100, 10))
    assert blocks / off.sum() > 0.7
    assert np.array_equal(rb.synthetic(100, 20_000, seed=3)[1], m)


def test_payload_text_packs_the_matrix_as_the_contract_says() -> None:
    labels, m = rb.synthetic(30, 1_000)
    p = json.loads(rb.payload_text(labels, m))
    assert p["version"] == "1.1" and p["labels"] == labels
    t = p["matrix"]
    assert t["dtype"] == "int32" and t["shape"] == [30, 30]
    back = np.frombuffer(base64.b64decode(t["data"]), dtype="<i4").reshape(30, 30)
    assert np.array_equal(back, m)


def fake_results() -> tuple[dict[str, Any], dict[str, Any]]:
    first = {
        "ms": 70.0,
        "pixelsMs": 60.0,
        "parseMs": 20.0,
        "jsonMs": 8.0,
        "schemaMs": 4.0,
        "prepareMs": 0.1,
        "setDataMs": 40.0,
        "drawMs": 12.0,
    }
    hover = {"frameMs": [1.0, 1.2, 1.4], "drawMs": [0.1], "interval": 16.7, "cellPx": 14}
    ours = {
        "first": [dict(first, ms=120.0), first, first],
        "orders": {"support": 10.0, "error": 3.0, "cluster": 40.0, "top20": 9.0},
        "hover": hover,
        "hover_zoomed": hover,
        "zoom": {
            "frameMs": [2.0, 3.0],
            "pan": [2.0],
            "textPan": [4.0],
            "textCellPx": 40,
            "maxZoom": 30.0,
            "cellPx": 20,
        },
        "errors": [],
    }
    anchor = {
        "first": [{"ms": 300.0}],
        "hover": {"frameMs": [2.5], "withFrame": [6.0], "label": "x: a y: b z: 3"},
        "zoom": {"frameMs": [100.0], "withFrame": [110.0]},
        "errors": [],
    }
    return ours, anchor


def test_report_lines_are_counted_by_bench_sh() -> None:
    ours, anchor = fake_results()
    with_anchor = "\n".join(rb.report(1000, ours, anchor, None))
    assert bench_counts(with_anchor) == 3
    assert "confusion/first-paint-1000 ours 70 ms" in with_anchor
    assert "4.3x faster" in with_anchor  # 300 / 70
    assert "target 500 ms met" in with_anchor
    alone = "\n".join(rb.report(1000, ours, None, {"missing": "Counts Recall"}))
    assert bench_counts(alone) == 3
    assert "no heatmap yet" in alone
    view = {"first": [{"ms": 200.0}, {"ms": 150.0}]}
    assert bench_counts("\n".join(rb.report(1000, ours, anchor, view))) == 4


def test_a_missed_target_says_so() -> None:
    ours, anchor = fake_results()
    ours["hover"] = dict(ours["hover"], frameMs=[30.0, 40.0])
    assert "target 16 ms MISSED" in "\n".join(rb.report(1000, ours, anchor, None))
