"""The confusion payload (schema/confusion.v1.schema.json, version 1.1), bounded by the object's byte budget.

Over ``max_classes`` classes (or a matrix too large for the budget) the classes that touch the most samples are kept
and the rest are summed into a last class, "other"; the summary numbers always count every class. Curves are thinned
for sending (AUC and AP stay exact), the binary threshold table is reduced to quantiles past 100,000 thresholds, and
thumbnails stop at their share of the budget. Every reduction is said in the payload's messages.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._tensor import encode as pack
from ._curves import binary_table, thin
from ._metrics import Report, pair_counts

if TYPE_CHECKING:
    from . import ConfusionMatrix
    from ._curves import Curves
    from ._inputs import Encoded

VERSION = "1.1"
CURVE_BYTES = 2_000_000
SAMPLE_BYTES = 3_000_000
THRESHOLD_POINTS = 100_000


def _count_dtype(m: npt.NDArray[Any]) -> str:
    if m.dtype.kind == "f":
        return "float64"
    top = int(m.max()) if m.size else 0
    for name in ("uint8", "uint16", "uint32"):
        if top <= np.iinfo(name).max:
            return name
    return "int64"


def _zero_division(z: Any) -> str:
    if isinstance(z, str):
        return "0"  # "warn" counts as 0
    if isinstance(z, float) and math.isnan(z):
        return "nan"
    return "1" if z == 1 else "0"


def _num(x: Any) -> float | None:
    if x is None:
        return None
    f = float(x)
    return None if math.isnan(f) else f


def _summary(r: Report, n: int, zero_division: Any) -> dict[str, Any]:
    def avg(d: dict[str, Any]) -> dict[str, float | None]:
        return {"precision": _num(d["precision"]), "recall": _num(d["recall"]), "f1": _num(d["f1-score"])}

    return {
        "accuracy": _num(r.accuracy),
        "macro": avg(r.macro),
        "weighted": avg(r.weighted),
        "classes": n,
        "zero_division": _zero_division(zero_division),
    }


class _Reduction:
    """Which classes are drawn: all of them, or the ``k - 1`` touching the most samples plus "other"."""

    def __init__(self, n: int, k: int, e: Encoded | None, given: npt.NDArray[Any] | None) -> None:
        self.n = n
        self.k = k
        if k >= n:
            self.kept = np.arange(n)
            self.map = np.arange(n)
            return
        if given is not None:
            touch = given.sum(axis=1) + given.sum(axis=0) - np.diag(given)
        else:
            assert e is not None
            t, p = e.t, e.p
            ok_t, ok_p = t >= 0, p >= 0
            w = e.weight
            touch = np.bincount(t[ok_t], None if w is None else w[ok_t], minlength=n) + np.bincount(
                p[ok_p], None if w is None else w[ok_p], minlength=n
            )
            same = ok_t & (t == p)
            touch -= np.bincount(t[same], None if w is None else w[same], minlength=n)
        self.kept = np.sort(np.argsort(-touch, kind="stable")[: k - 1])
        self.map = np.full(n, k - 1, dtype=np.int64)
        self.map[self.kept] = np.arange(k - 1)

    @property
    def reduced(self) -> bool:
        return self.k < self.n

    def index(self, i: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.where(i >= 0, self.map[np.maximum(i, 0)], -1)

    def labels(self, names: list[str]) -> list[str]:
        if not self.reduced:
            return list(names)
        return [names[i] for i in self.kept] + [f"other ({self.n - self.k + 1:,} classes)"]

    def matrix(self, cm: ConfusionMatrix) -> npt.NDArray[Any]:
        if cm._given is not None:
            if not self.reduced:
                return cm._given
            g = cm._given
            out = np.zeros((self.k, self.k), dtype=g.dtype)
            np.add.at(out, (self.map[:, None], self.map[None, :]), g)
            return out
        if not self.reduced:
            return cm.matrix
        e = cm._encoded()
        return pair_counts(self.index(e.t), self.index(e.p), self.k, e.weight)


def _classes_to_send(n: int, cm: ConfusionMatrix, itemsize: int) -> int:
    # The matrix may take half the byte budget (base64: 4/3 of the bytes).
    by_bytes = int(math.sqrt(cm.max_bytes / 2 * 3 / 4 / itemsize))
    return max(2, min(n, cm.max_classes, by_bytes))


def _curves(c: Curves, red: _Reduction, labels: list[str], budget: int) -> tuple[dict[str, Any], int | None]:
    classes = [int(i) for i in red.kept]
    s = len(classes) + 2
    most = max(16, min(2000, budget // max(1, s * 2 * 2 * 4 * 4 // 3)))
    thinned = False

    def pts(x: npt.ArrayLike, y: npt.ArrayLike) -> dict[str, Any]:
        nonlocal thinned
        xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if xa.size > most:
            xa, ya = thin(xa, ya, most)
            thinned = True
        return pack(np.stack([xa, ya], axis=1).astype(np.float32))

    series: list[dict[str, Any]] = []
    for j, i in enumerate(classes):
        series.append(
            {
                "name": labels[j],
                "class": j,
                "auc": _num(c.roc_auc[i]),
                "ap": _num(c.ap[i]),
                "roc": pts(c.fpr[i], c.tpr[i]),
                "pr": pts(c.recall[i], c.precision[i]),
            }
        )
    series.append(
        {
            "name": "micro-average",
            "auc": _num(c.micro_auc),
            "ap": _num(c.micro_ap),
            "roc": pts(c.micro_fpr, c.micro_tpr),
            "pr": pts(c.micro_recall, c.micro_precision),
        }
    )
    # The macro curve drawn is the mean of the class curves on a common grid; its AUC / AP are the exact macro values.
    grid = np.linspace(0, 1, 201)
    defined = [i for i in range(len(c.fpr)) if (a := c.roc_auc[i]) is not None and not math.isnan(float(a))]
    if defined:
        tpr = np.mean([np.interp(grid, c.fpr[i], c.tpr[i]) for i in defined], axis=0)
        prec = np.mean([np.interp(grid, c.recall[i][::-1], c.precision[i][::-1]) for i in defined], axis=0)
        series.append(
            {
                "name": "macro-average",
                "auc": _num(c.macro_auc),
                "ap": _num(c.macro_ap),
                "roc": pts(grid, tpr),
                "pr": pts(grid[::-1], prec[::-1]),
            }
        )
    out: dict[str, Any] = {"series": series}
    if thinned:
        out["thinned"] = most
    return out, most if thinned else None


def _threshold(cm: ConfusionMatrix, e: Encoded) -> dict[str, Any] | None:
    s = e.scores
    if s is None or s.shape[1] != 2 or len(e.names) != 2:
        return None
    ok = e.t >= 0
    t = e.t[ok]
    w = None if e.weight is None else e.weight[ok]
    if cm.threshold is not None:
        pos, value = s[ok, 1], float(cm.threshold)
    elif np.all(s >= 0) and np.allclose(s.sum(axis=1), 1.0):
        # probabilities: argmax predicts the positive class when its probability is above one half
        pos, value = s[ok, 1], float(np.nextafter(0.5, 1.0))
    else:
        pos, value = s[ok, 1] - s[ok, 0], float(np.nextafter(0.0, 1.0))
    thr, tp, fp, binned = binary_table(pos, t == 1, w, max_points=THRESHOLD_POINTS)
    out: dict[str, Any] = {
        "positive": 1,
        "value": value,
        "thresholds": pack(np.asarray(thr, dtype=np.float64)),
        "tp": pack(np.asarray(tp, dtype=np.float64)),
        "fp": pack(np.asarray(fp, dtype=np.float64)),
    }
    if binned:
        out["binned"] = int(binned)
    return out


def _samples(cm: ConfusionMatrix, e: Encoded, red: _Reduction, budget: int) -> tuple[dict[str, Any], list[str]]:
    from ._samples import as_samples, round_robin, select, texts, thumbnails

    batches = [b.samples for b in cm._batches]
    raw: Any = batches[0] if len(batches) == 1 else _concat(batches)
    sset = as_samples(raw, int(e.t.size))
    t, p = red.index(e.t), red.index(e.p)
    confidence = None
    if e.scores is not None:
        confidence = e.scores[np.arange(e.p.size), np.maximum(e.p, 0)].astype(np.float64)
    idx = select(t, p, red.k, confidence=confidence, per_cell=cm.per_cell)
    out: dict[str, Any] = {
        "kind": sset.kind,
        "row": pack(t[idx].astype(np.int32)),
        "col": pack(p[idx].astype(np.int32)),
        "index": pack(idx.astype(np.int64)),
        "per_cell": cm.per_cell,
    }
    notes: list[str] = list(sset.notes)
    if confidence is not None:
        out["score"] = pack(confidence[idx].astype(np.float32))
    if sset.kind == "image":
        # every cell's first thumbnail before any cell's second: a small budget still covers every cell
        images, dropped = thumbnails(sset, idx, budget_bytes=budget, priority=round_robin(t[idx], p[idx]))
        out["images"] = images
        if dropped:
            notes.append(f"thumbnails of {dropped:,} samples were not sent (byte budget); their indices are listed")
    else:
        out["text"] = texts(sset, idx)
    return out, notes


def _concat(batches: list[Any]) -> Any:
    from ._samples import _to_numpy

    if all(isinstance(b, (list, tuple)) for b in batches):
        return [x for b in batches for x in b]
    return np.concatenate([np.asarray(_to_numpy(b)) for b in batches])


def build(cm: ConfusionMatrix, live: bool | None = None) -> dict[str, Any]:
    """The payload of ``cm`` (and of the model it is compared with)."""
    labels_all = cm.labels
    n = len(labels_all)
    messages: list[dict[str, str]] = [{"level": "info", "text": m} for m in cm.messages]
    e = cm._encoded() if cm._given is None else None
    weighted = (e is not None and e.weight is not None) or (cm._given is not None and cm._given.dtype.kind == "f")
    k = _classes_to_send(n, cm, 8 if weighted else 4)
    red = _Reduction(n, k, e, cm._given)
    labels = red.labels(labels_all)
    m = red.matrix(cm)
    r = cm._report_obj()
    payload: dict[str, Any] = {
        "version": VERSION,
        "labels": labels,
        "matrix": pack(m, _count_dtype(m)),
        "normalize": "none",
        "total": cm.total,
        "summary": _summary(r, n, cm.zero_division),
    }
    if red.reduced:
        payload["reduced"] = {"classes": n, "kept": k - 1}
        messages.append(
            {
                "level": "info",
                "text": f"{n:,} classes: showing the {k - 1:,} that touch the most samples; the other "
                f"{n - k + 1:,} are summed into 'other' (the averages count every class)",
            }
        )
    if cm.title is not None:
        payload["title"] = cm.title
    if cm.name is not None:
        payload["name"] = cm.name
    if e is not None and cm._batches:
        c = cm._curves()
        if c is not None:
            curves, most = _curves(c, red, labels, min(CURVE_BYTES, cm.max_bytes // 8))
            payload["curves"] = curves
            if most is not None:
                messages.append(
                    {
                        "level": "info",
                        "text": f"curves thinned to at most {most} points each for sending; AUC and AP are exact",
                    }
                )
            th = _threshold(cm, e)
            if th is not None:
                payload["threshold"] = th
                if th.get("binned"):
                    messages.append(
                        {"level": "info", "text": f"the threshold slider moves over {th['binned']:,} score quantiles"}
                    )
        if cm._batches[0].samples is not None:
            samples, notes = _samples(cm, e, red, min(SAMPLE_BYTES, cm.max_bytes // 4))
            payload["samples"] = samples
            messages += [{"level": "info", "text": t} for t in notes]
    other = cm._other
    if other is not None:
        om = red.matrix(other)
        payload["compare"] = {
            "name": other.name or "B",
            "matrix": pack(om, _count_dtype(np.concatenate([m.ravel(), om.ravel()]))),
            "summary": _summary(other._report_obj(), n, other.zero_division),
        }
        payload["matrix"] = pack(m, payload["compare"]["matrix"]["dtype"])
        payload.setdefault("name", "A")
    if live is not None and cm._stream is not None:
        payload["status"] = {"live": bool(live), "batches": len(cm._batches)}
    if messages:
        seen: set[str] = set()
        payload["messages"] = [x for x in messages if not (x["text"] in seen or seen.add(x["text"]))]  # type: ignore[func-returns-value]
    return payload
