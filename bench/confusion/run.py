"""Confusion-matrix kernel benchmark: our matrix, report and curves against scikit-learn's on the same data, same run.

Data (synthetic, seeded): 1M predictions over 1,000 classes (long-tailed supports, 75 % right, most mistakes within
groups of ten similar classes, the rest anywhere); for the curves, Nx1,000 float32 softmax scores whose argmax is the
prediction (N = 10,000 by default, so that scikit-learn's side finishes in well under a minute).

ours:   modelviz.confusion._inputs.encode -> _metrics.pair_counts -> _metrics.report(...).to_dict (the
        classification_report dict); with scores: _curves.ovr_curves (per class ROC and PR curves, AUC and AP, macro;
        one sort per class; its micro curves over the NxC problem are timed apart).
anchor: sklearn.metrics.confusion_matrix + classification_report(output_dict=True); with scores: per class
        roc_curve + precision_recall_curve, then roc_auc_score(multi_class="ovr") + average_precision_score (macro).
Both sides' numbers are checked equal in the run. Times are medians (ours of 5 reps, scikit-learn's of 3; with scores
3 and 1).
Usage: .venv/bin/python bench/confusion/run.py [--quick] [--n N] [--classes C] [--score-n N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import line, load_average, modelviz_module, ratio, timed

TARGET_S = 0.3


def labels(n: int, classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred): long-tailed supports, 75 % right, 20 % wrong within the class's group of ten."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, classes + 1) ** 0.5
    y = rng.choice(classes, size=n, p=weights / weights.sum()).astype(np.int64)
    u = rng.random(n)
    near = (y // 10) * 10 + rng.integers(0, 10, n)
    p = np.where(u < 0.75, y, np.where(u < 0.95, np.minimum(near, classes - 1), rng.integers(0, classes, n)))
    return y, p.astype(np.int64)


def softmax_scores(y: np.ndarray, classes: int, seed: int = 1) -> np.ndarray:
    """float32 probabilities with the true class usually on top."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(y.size, classes)).astype(np.float32)
    logits[np.arange(y.size), y] += rng.uniform(0.0, 5.0, y.size).astype(np.float32)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def _fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def bench_report(n: int, classes: int, reps: int, anchor_reps: int) -> list[str]:
    from sklearn.metrics import classification_report, confusion_matrix

    inputs = modelviz_module("modelviz.confusion._inputs")
    metrics = modelviz_module("modelviz.confusion._metrics")
    y, p = labels(n, classes)

    def ours() -> tuple[Any, dict[str, Any]]:
        e = inputs.encode(y, p)
        m = metrics.pair_counts(e.t, e.p, len(e.names))
        return m, metrics.report(e.t, e.p, len(e.names)).to_dict(e.names)

    def theirs() -> tuple[Any, dict[str, Any]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return confusion_matrix(y, p), classification_report(y, p, output_dict=True)

    m, r = ours()
    sm, sr = theirs()
    same = bool(np.array_equal(m, sm)) and r.keys() == sr.keys()
    same = same and all(r[k] == sr[k] for k in sr)
    t_ours = statistics.median(timed(ours, reps))
    t_sk = statistics.median(timed(theirs, anchor_reps))
    met = "met" if t_ours <= TARGET_S else "NOT met"
    detail = f"{n:,} predictions x {classes:,} classes; target ≤ {TARGET_S} s: {met}; equal to sklearn: {same}"
    return [
        line(
            f"confusion/matrix-report-{classes}",
            _fmt(t_ours),
            f"anchor(sklearn cm+report) {_fmt(t_sk)}",
            ratio(t_ours, t_sk, "faster", "slower"),
            detail,
        )
    ]


def bench_curves(n: int, classes: int, reps: int) -> list[str]:
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve
    from sklearn.preprocessing import label_binarize

    curves = modelviz_module("modelviz.confusion._curves")
    y, _ = labels(n, classes, seed=2)
    s = softmax_scores(y, classes)
    present = np.unique(y)
    # scikit-learn's averaged scores refuse classes without positives: keep those present, as a user must
    s_sk, y_sk = s[:, present], np.searchsorted(present, y)
    if present.size != classes:
        s_sk = s_sk / s_sk.sum(axis=1, keepdims=True)

    def ours() -> Any:
        return curves.ovr_curves(s_sk, y_sk.astype(np.int64), micro=False)

    def theirs() -> tuple[float, float]:
        for k in range(present.size):
            roc_curve(y_sk == k, s_sk[:, k])
            precision_recall_curve(y_sk == k, s_sk[:, k])
        auc = roc_auc_score(y_sk, s_sk, multi_class="ovr")
        ap = average_precision_score(label_binarize(y_sk, classes=np.arange(present.size)), s_sk)
        return float(auc), float(ap)

    times = timed(ours, reps)
    c = ours()
    sk_times: list[float] = []
    start = time.perf_counter()
    auc, ap = theirs()
    sk_times.append(time.perf_counter() - start)
    same = abs((c.macro_auc or 0) - auc) < 1e-12 and abs((c.macro_ap or 0) - ap) < 1e-12
    t_micro = statistics.median(timed(lambda: curves.ovr_curves(s_sk, y_sk.astype(np.int64), micro=True), 1))
    t_ours, t_sk = statistics.median(times), statistics.median(sk_times)
    detail = (
        f"N={n:,} float32 scores x {present.size:,} classes; equal macro AUC/AP: {same}; "
        f"with micro curves over the NxC problem: {_fmt(t_micro)}"
    )
    return [
        line(
            f"confusion/curves-{classes}",
            _fmt(t_ours),
            f"anchor(sklearn roc/pr/auc/ap) {_fmt(t_sk)}",
            ratio(t_ours, t_sk, "faster", "slower"),
            detail,
        )
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke test: 50k predictions x 100 classes, 2k scores x 50")
    ap.add_argument("--n", type=int, default=0, help="predictions (default 1,000,000)")
    ap.add_argument("--classes", type=int, default=0, help="classes (default 1,000)")
    ap.add_argument("--score-n", type=int, default=0, help="samples with scores (default 10,000)")
    a = ap.parse_args(argv)
    n = a.n or (50_000 if a.quick else 1_000_000)
    classes = a.classes or (100 if a.quick else 1000)
    score_n = a.score_n or (2_000 if a.quick else 10_000)
    score_classes = 50 if a.quick and not a.classes else classes
    for text in bench_report(n, classes, reps=3 if a.quick else 5, anchor_reps=1 if a.quick else 3):
        print(text, flush=True)
    for text in bench_curves(score_n, score_classes, reps=1 if a.quick else 3):
        print(text, flush=True)
    import sklearn

    print(f"  numpy {np.__version__}, scikit-learn {sklearn.__version__}, {load_average()}")


if __name__ == "__main__":
    main()
