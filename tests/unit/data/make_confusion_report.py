"""Writes confusion-report.json: scikit-learn's numbers for the browser's metrics (tests/unit/confusion-panels.test.ts).

Run from the repository root with the dev venv: ``.venv/bin/python tests/unit/data/make_confusion_report.py``.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix


def clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return x


def case(name: str, y: np.ndarray, p: np.ndarray, n: int, weight: np.ndarray | None = None) -> dict[str, Any]:
    labels = list(range(n))
    m = confusion_matrix(y, p, labels=labels, sample_weight=weight)
    reports = {}
    for zd in ("0", "1", "nan"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = classification_report(
                y, p, labels=labels, output_dict=True, zero_division=float(zd), sample_weight=weight
            )
        reports[zd] = clean(r)
    return {"name": name, "n": n, "matrix": m.astype(float).ravel().tolist(), "reports": reports}


def main() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 10, 600)
    p = np.where(rng.random(600) < 0.8, y, rng.integers(0, 10, 600))
    cases = [case("ten classes", y, p, 10)]
    # class 3 never predicted (precision undefined), class 4 never true (recall undefined), class 5 neither
    y2 = np.array([0, 0, 1, 1, 2, 3, 3, 2, 1, 0])
    p2 = np.array([0, 1, 1, 4, 2, 0, 1, 2, 1, 4])
    cases.append(case("undefined classes", y2, p2, 6))
    w = rng.random(600) * 3
    cases.append(case("weighted", y, p, 10, w))
    # a binary problem: the matrix at thresholds
    yb = rng.integers(0, 2, 300)
    sb = np.round(np.clip(rng.normal(0.35 + 0.3 * yb, 0.2), 0, 1), 6)
    thresholds = sorted(set(sb.tolist()), reverse=True)
    tp = [int(np.sum((sb >= t) & (yb == 1))) for t in thresholds]
    fp = [int(np.sum((sb >= t) & (yb == 0))) for t in thresholds]
    at = {
        str(i): confusion_matrix(yb, (sb >= thresholds[i]).astype(int), labels=[0, 1]).ravel().tolist()
        for i in (0, 10, 100, len(thresholds) - 1)
    }
    base = confusion_matrix(yb, (sb >= 0.5).astype(int), labels=[0, 1]).ravel().tolist()
    binary = {"thresholds": thresholds, "tp": tp, "fp": fp, "base": base, "at": at}
    out = Path(__file__).with_name("confusion-report.json")
    out.write_text(json.dumps({"cases": cases, "binary": binary}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
