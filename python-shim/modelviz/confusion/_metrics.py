"""The confusion matrix and the classification report from class indices, by bincounts (never an nxn array for the
report). Numbers, structure and ``zero_division`` semantics are scikit-learn's ``confusion_matrix`` and
``classification_report(..., output_dict=True)``; indices of -1 (a value not in ``labels``) are left out the way
scikit-learn leaves them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

DENSE_LIMIT = 2_000_000_000


def pair_counts(
    t: npt.NDArray[np.int64],
    p: npt.NDArray[np.int64],
    n: int,
    weight: npt.NDArray[np.float64] | None = None,
    limit_bytes: int = DENSE_LIMIT,
) -> npt.NDArray[Any]:
    """The dense [n, n] matrix (rows true, columns predicted): int64 counts, float64 sums of weights when weighted.
    Samples with an index of -1 on either side are left out."""
    need = n * n * 8
    if need > limit_bytes:
        raise ValueError(
            f"a dense {n:,} x {n:,} confusion matrix needs {need / 1e9:.1f} GB (limit {limit_bytes / 1e9:.1f} GB): "
            "use sparse_pairs, or fewer classes"
        )
    if t.size and (int(t.min()) < 0 or int(p.min()) < 0):
        ok = (t >= 0) & (p >= 0)
        t, p = t[ok], p[ok]
        weight = None if weight is None else weight[ok]
    codes = t * n + p
    if weight is None:
        return np.bincount(codes, minlength=n * n).astype(np.int64, copy=False).reshape(n, n)
    return np.bincount(codes, weights=weight, minlength=n * n).reshape(n, n)


def sparse_pairs(
    t: npt.NDArray[np.int64],
    p: npt.NDArray[np.int64],
    n: int,
    weight: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[Any]]:
    """The non-zero cells as (rows, cols, counts), sorted by row then column, for any n."""
    ok = (t >= 0) & (p >= 0)
    codes = t[ok].astype(np.int64) * n + p[ok]
    if weight is None:
        u, counts = np.unique(codes, return_counts=True)
        c: npt.NDArray[Any] = counts.astype(np.int64)
    else:
        u, inv = np.unique(codes, return_inverse=True)
        c = np.bincount(inv.reshape(-1), weights=weight[ok], minlength=u.size)
    return (u // n).astype(np.int64), (u % n).astype(np.int64), c


ZeroDivision = Any  # "warn", 0, 1 or np.nan


def _zd_value(zero_division: ZeroDivision) -> float:
    if isinstance(zero_division, str):
        if zero_division != "warn":
            raise ValueError(f'zero_division must be "warn", 0, 1 or nan, not {zero_division!r}')
        return 0.0
    v = float(zero_division)
    if not (v in (0.0, 1.0) or math.isnan(v)):
        raise ValueError(f'zero_division must be "warn", 0, 1 or nan, not {zero_division!r}')
    return v


def _divide(
    num: npt.NDArray[Any], den: npt.NDArray[Any], zd: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    mask = den == 0
    d = np.asarray(den, dtype=np.float64).copy()
    d[mask] = 1
    out = np.asarray(num, dtype=np.float64) / d
    out[mask] = zd
    return out, mask


def _nanaverage(a: npt.NDArray[np.float64], weights: npt.NDArray[Any] | None = None) -> float:
    """scikit-learn's ``_nanaverage``: NaNs ignored; all-zero weights fall back to the plain mean."""
    if a.shape[0] == 0:
        return math.nan
    mask = np.isnan(a)
    if mask.all():
        return math.nan
    if weights is None:
        return float(np.nanmean(a))
    a2, w2 = a[~mask], np.asarray(weights)[~mask]
    try:
        return float(np.average(a2, weights=w2))
    except ZeroDivisionError:
        return float(np.average(a2))


@dataclass
class Report:
    """Per-class precision, recall, F1 and support, and accuracy (or the micro average), macro and weighted."""

    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    f1: npt.NDArray[np.float64]
    support: npt.NDArray[Any]
    accuracy: float | None
    micro: dict[str, float]
    macro: dict[str, float]
    weighted: dict[str, float]
    micro_is_accuracy: bool = True
    messages: list[str] = field(default_factory=list)

    def to_dict(self, names: list[str]) -> dict[str, Any]:
        """``classification_report(..., output_dict=True)``: the same keys, numbers and types."""
        if len(names) != self.precision.size:
            raise ValueError(f"{len(names)} names for {self.precision.size} classes")
        out: dict[str, Any] = {}
        for i, name in enumerate(names):
            out[name] = {
                "precision": float(self.precision[i]),
                "recall": float(self.recall[i]),
                "f1-score": float(self.f1[i]),
                "support": float(self.support[i]),
            }
        if self.micro_is_accuracy:
            out["accuracy"] = float(self.micro["f1-score"])
        else:
            out["micro avg"] = dict(self.micro)
        out["macro avg"] = dict(self.macro)
        out["weighted avg"] = dict(self.weighted)
        return out


def _some(names: list[int], label_names: list[str] | None) -> str:
    shown = [label_names[i] if label_names else str(i) for i in names[:3]]
    return ", ".join(shown) + (", …" if len(names) > 3 else "")


def report(
    t: npt.NDArray[np.int64],
    p: npt.NDArray[np.int64],
    n: int,
    weight: npt.NDArray[np.float64] | None = None,
    zero_division: ZeroDivision = "warn",
    names: list[str] | None = None,
) -> Report:
    """The classification report from per-class bincounts (tp, true and predicted counts)."""
    zd = _zd_value(zero_division)
    tv, pv = t >= 0, p >= 0
    all_in = bool(tv.all() and pv.all())
    hit = (t == p) & tv
    if weight is None:
        true_sum: npt.NDArray[Any] = np.bincount(t if all_in else t[tv], minlength=n)[:n]
        pred_sum: npt.NDArray[Any] = np.bincount(p if all_in else p[pv], minlength=n)[:n]
        tp_sum: npt.NDArray[Any] = np.bincount(t[hit], minlength=n)[:n]
    else:
        true_sum = np.bincount(t[tv], weights=weight[tv], minlength=n)[:n]
        pred_sum = np.bincount(p[pv], weights=weight[pv], minlength=n)[:n]
        tp_sum = np.bincount(t[hit], weights=weight[hit], minlength=n)[:n]
    precision, p_undef = _divide(tp_sum, pred_sum, zd)
    recall, r_undef = _divide(tp_sum, true_sum, zd)
    f1, _ = _divide(2.0 * np.asarray(tp_sum, dtype=np.float64), np.asarray(true_sum, np.float64) + pred_sum, zd)
    messages: list[str] = []
    if zero_division == "warn":
        done = "counted as 0, as scikit-learn does"
        if p_undef.any():
            idx = np.flatnonzero(p_undef).tolist()
            messages.append(
                f"precision is undefined for {len(idx):,} class{'es' if len(idx) > 1 else ''} never predicted "
                f"({_some(idx, names)}): {done}"
            )
        if r_undef.any():
            idx = np.flatnonzero(r_undef).tolist()
            messages.append(
                f"recall is undefined for {len(idx):,} class{'es' if len(idx) > 1 else ''} with no true samples "
                f"({_some(idx, names)}): {done}"
            )
    tps, trs, prs = tp_sum.sum(), true_sum.sum(), pred_sum.sum()
    mp = _divide(np.array([tps]), np.array([prs]), zd)[0]
    mr = _divide(np.array([tps]), np.array([trs]), zd)[0]
    mf = _divide(2.0 * np.array([tps], dtype=np.float64), np.array([trs + prs], dtype=np.float64), zd)[0]
    total = float(np.sum(true_sum))

    def avg(weights: npt.NDArray[Any] | None) -> dict[str, float]:
        return {
            "precision": _nanaverage(precision, weights),
            "recall": _nanaverage(recall, weights),
            "f1-score": _nanaverage(f1, weights),
            "support": total,
        }

    micro = {"precision": float(mp[0]), "recall": float(mr[0]), "f1-score": float(mf[0]), "support": total}
    return Report(
        precision=precision,
        recall=recall,
        f1=f1,
        support=true_sum,
        accuracy=float(mf[0]) if all_in else None,
        micro=micro,
        macro=avg(None),
        weighted=avg(true_sum),
        micro_is_accuracy=all_in,
        messages=messages,
    )
