"""Exact one-vs-rest ROC and precision-recall curves (scikit-learn's ``roc_curve``, ``precision_recall_curve``,
``auc``, ``average_precision_score`` and the micro / macro ``roc_auc_score``), one sort per class serving both, plus
the reductions the payload uses: a bounded threshold table and curve thinning.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

F = npt.NDArray[np.float64]
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # type: ignore[attr-defined]


def _clf_curve(s: npt.NDArray[Any], y: npt.NDArray[np.bool_], w: F | None) -> tuple[F, F, npt.NDArray[Any]]:
    """(fps, tps, thresholds) at each distinct score, descending: scikit-learn's ``_binary_clf_curve`` (the same
    stable order when weighted, so that the weighted sums add up in the same order)."""
    if w is None:
        return _clf_curve_pos(s, s[y])
    order = np.argsort(s, kind="mergesort")[::-1]
    ss = s[order]
    ys = y[order]
    idx = np.r_[np.flatnonzero(np.diff(ss)), ys.size - 1]
    ws = w[order]
    tps = np.cumsum(ys * ws, dtype=np.float64)[idx]
    fps = np.cumsum((1 - ys) * ws, dtype=np.float64)[idx]
    return fps, tps, ss[idx]


def _clf_curve_pos(s: npt.NDArray[Any], pos: npt.NDArray[Any]) -> tuple[F, F, npt.NDArray[Any]]:
    """Unweighted ``_clf_curve`` from all scores ``s`` and the positives' scores ``pos``: one value sort (no argsort,
    no gather); the positives at or above each threshold by binary searches of the (few) positives' scores."""
    ss = np.sort(s)[::-1]
    idx = np.r_[np.flatnonzero(np.diff(ss)), ss.size - 1]
    thr = ss[idx]
    # a positive of score v counts from the first threshold <= v on: the number of thresholds above v
    first = thr.size - np.searchsorted(thr[::-1], pos, side="right")
    tps = np.cumsum(np.bincount(first, minlength=thr.size)[: thr.size], dtype=np.float64)
    fps = 1 + idx - tps
    return fps, tps, thr


def _roc(fps: F, tps: F, thr: npt.NDArray[Any]) -> tuple[F, F, F]:
    if fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    tps = np.r_[0, tps]
    fps = np.r_[0, fps]
    thr = np.r_[np.inf, thr]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr, thr


def _pr(fps: F, tps: F, thr: npt.NDArray[Any]) -> tuple[F, F, npt.NDArray[Any]]:
    ps = tps + fps
    precision = np.zeros_like(tps)
    np.divide(tps, ps, out=precision, where=(ps != 0))
    recall = np.ones_like(tps) if tps[-1] == 0 else tps / tps[-1]
    return np.hstack((precision[::-1], 1)), np.hstack((recall[::-1], 0)), thr[::-1]


def _auc(x: F, y: F) -> float:
    direction = 1
    dx = np.diff(x)
    if np.any(dx < 0) and np.all(dx <= 0):
        direction = -1
    return float(direction * _trapezoid(y, x))


def _ap(precision: F, recall: F) -> float:
    return float(-np.sum(np.diff(recall) * np.array(precision)[:-1]))


@dataclass
class Curves:
    """Per class one-vs-rest curves (lists indexed by class) and micro / macro summaries. AUC/AP are None for a class
    without positives or without negatives."""

    fpr: list[F] = field(default_factory=list)
    tpr: list[F] = field(default_factory=list)
    roc_thresholds: list[F] = field(default_factory=list)
    roc_auc: list[float | None] = field(default_factory=list)
    precision: list[F] = field(default_factory=list)
    recall: list[F] = field(default_factory=list)
    pr_thresholds: list[npt.NDArray[Any]] = field(default_factory=list)
    ap: list[float | None] = field(default_factory=list)
    micro_fpr: F = field(default_factory=lambda: np.empty(0))
    micro_tpr: F = field(default_factory=lambda: np.empty(0))
    micro_auc: float | None = None
    micro_precision: F = field(default_factory=lambda: np.empty(0))
    micro_recall: F = field(default_factory=lambda: np.empty(0))
    micro_ap: float | None = None
    macro_auc: float | None = None
    macro_ap: float | None = None
    #: ``roc_auc_score(y, scores, multi_class="ovr")`` when the scores are probabilities (the macro AUC), else None
    ovr_auc: float | None = None
    #: the positive class of a binary problem (1), else None
    positive: int | None = None
    messages: list[str] = field(default_factory=list)


def ovr_curves(
    scores: npt.NDArray[Any], t: npt.NDArray[np.int64], weight: F | None = None, *, micro: bool = True
) -> Curves:
    """Exact one-vs-rest curves of every class; samples with ``t == -1`` (not in labels) are left out."""
    if scores.ndim != 2 or scores.shape[0] != t.shape[0]:
        raise ValueError(f"scores of shape {list(scores.shape)} do not fit {t.shape[0]:,} labels")
    ok = t >= 0
    if not ok.all():
        scores, t = scores[ok], t[ok]
        weight = None if weight is None else weight[ok]
    c = scores.shape[1]
    out = Curves(positive=1 if c == 2 else None)
    cols = np.ascontiguousarray(scores.T)
    by_class = np.argsort(t, kind="stable")
    ends = np.cumsum(np.bincount(t, minlength=c))
    no_pos, no_neg = [], []
    for k in range(c):
        if weight is None:
            rows = by_class[(ends[k - 1] if k else 0) : ends[k]]
            fps, tps, thr = _clf_curve_pos(cols[k], cols[k][rows])
        else:
            fps, tps, thr = _clf_curve(cols[k], t == k, weight)
        fpr, tpr, rthr = _roc(fps, tps, thr)
        prec, rec, pthr = _pr(fps, tps, thr)
        out.fpr.append(fpr)
        out.tpr.append(tpr)
        out.roc_thresholds.append(rthr)
        out.precision.append(prec)
        out.recall.append(rec)
        out.pr_thresholds.append(pthr)
        if tps[-1] <= 0:
            no_pos.append(k)
        elif fps[-1] <= 0:
            no_neg.append(k)
        defined = tps[-1] > 0 and fps[-1] > 0
        out.roc_auc.append(_auc(fpr, tpr) if defined else None)
        out.ap.append(_ap(prec, rec) if tps[-1] > 0 else None)
    if no_pos:
        out.messages.append(
            f"{len(no_pos):,} class{'es have' if len(no_pos) > 1 else ' has'} no true samples: "
            "no ROC AUC or average precision for them; the macro averages leave them out"
        )
    if no_neg:
        out.messages.append(
            f"{len(no_neg):,} class{'es hold' if len(no_neg) > 1 else ' holds'} every sample: no ROC AUC for them"
        )
    aucs = [a for a in out.roc_auc if a is not None]
    aps = [a for a in out.ap if a is not None]
    out.macro_auc = float(np.average(aucs)) if aucs else None
    out.macro_ap = float(np.average(aps)) if aps else None
    probs = bool((scores >= 0).all()) and np.allclose(scores.sum(axis=1, dtype=np.float64), 1.0)
    if probs and len(aucs) == c:
        out.ovr_auc = out.macro_auc
    if micro and t.size:
        if weight is None:
            fps, tps, thr = _clf_curve_pos(scores.ravel(), scores[np.arange(t.size), t])
        else:
            y = np.zeros(scores.shape, dtype=bool)
            y[np.arange(t.size), t] = True
            fps, tps, thr = _clf_curve(scores.ravel(), y.ravel(), np.repeat(weight, c))
        out.micro_fpr, out.micro_tpr, _ = _roc(fps, tps, thr)
        out.micro_precision, out.micro_recall, _ = _pr(fps, tps, thr)
        if tps[-1] > 0 and fps[-1] > 0:
            out.micro_auc = _auc(out.micro_fpr, out.micro_tpr)
            out.micro_ap = _ap(out.micro_precision, out.micro_recall)
    return out


def binary_table(
    pos_scores: npt.NDArray[Any], is_pos: npt.NDArray[np.bool_], weight: F | None = None, max_points: int = 100_000
) -> tuple[npt.NDArray[Any], F, F, int | None]:
    """(thresholds descending, tp, fp, binned): the cumulative counts of predicting positive at score ≥ each
    distinct threshold; when there are more than ``max_points`` thresholds, ``max_points`` of them at sample
    quantiles are kept (exact there) and ``binned`` is the number there were."""
    fps, tps, thr = _clf_curve(np.asarray(pos_scores), np.asarray(is_pos, dtype=bool), weight)
    if thr.size <= max_points:
        return thr, tps, fps, None
    total = tps + fps  # samples at or above each threshold, increasing
    targets = np.linspace(total[0], total[-1], max_points)
    keep = np.unique(np.minimum(np.searchsorted(total, targets), thr.size - 1))
    return thr[keep], tps[keep], fps[keep], int(thr.size)


def thin(x: npt.NDArray[Any], y: npt.NDArray[Any], max_points: int) -> tuple[F, F]:
    """At most ``max_points`` points of the curve (x, y) keeping its shape: the first and last points, then
    repeatedly the point farthest from the chord of its segment (Ramer-Douglas-Peucker, greedy by error)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.size
    if n <= max_points or n <= 2:
        return x, y
    max_points = max(max_points, 2)

    def worst(a: int, b: int) -> tuple[float, int]:
        if b - a < 2:
            return 0.0, -1
        dx, dy = x[b] - x[a], y[b] - y[a]
        xs, ys = x[a + 1 : b] - x[a], y[a + 1 : b] - y[a]
        norm = np.hypot(dx, dy)
        d = np.abs(xs * dy - ys * dx) / norm if norm > 0 else np.hypot(xs, ys)
        i = int(np.argmax(d))
        return float(d[i]), a + 1 + i

    kept = {0, n - 1}
    heap: list[tuple[float, int, int, int]] = []
    e, i = worst(0, n - 1)
    if i >= 0:
        heap.append((-e, i, 0, n - 1))
    while heap and len(kept) < max_points:
        neg, i, a, b = heapq.heappop(heap)
        if -neg <= 0:
            break
        kept.add(i)
        for lo, hi in ((a, i), (i, b)):
            e, j = worst(lo, hi)
            if j >= 0:
                heapq.heappush(heap, (-e, j, lo, hi))
    idx = np.array(sorted(kept))
    return x[idx], y[idx]
