"""Classifier evaluation: ``modelviz.confusion_matrix(y_true, y_pred, *, labels=None, scores=None, samples=None, ...)``.

The object keeps the predictions it was given (and those streamed in with :meth:`ConfusionMatrix.update`) and computes
the matrix, the classification report and the one-vs-rest curves from them on demand, exactly as scikit-learn does
(``_inputs``, ``_metrics``, ``_curves``). ``_payload`` turns it into a bounded MIME payload, ``_stream`` keeps a shown
output up to date while an evaluation loop runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._mime import bundle
from . import _text
from ._curves import Curves, ovr_curves
from ._inputs import Encoded, as_array, encode
from ._metrics import Report, pair_counts, report
from ._stream import Stream

ZeroDivision = Any  # "warn", 0, 1 or np.nan, as scikit-learn takes it


@dataclass
class _Batch:
    y_true: npt.NDArray[Any]
    y_pred: npt.NDArray[Any]
    scores: npt.NDArray[Any] | None
    weight: npt.NDArray[Any] | None
    samples: Any


def _is_score_matrix(a: npt.NDArray[Any]) -> bool:
    return a.ndim == 2 and a.shape[1] > 1 and a.dtype.kind in "fiub"


def _binary_scores(
    y_pred: npt.NDArray[Any], threshold: float, classes: Sequence[Any]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64]]:
    """Predictions at ``threshold`` from the positive class's scores (a vector, or column 1 of an Nx2 matrix), and
    the Nx2 score matrix the curves are computed from."""
    s = np.asarray(y_pred, dtype=np.float64)
    if s.ndim == 2:
        if s.shape[1] != 2:
            raise ValueError(f"threshold= is for binary problems, but the score matrix has {s.shape[1]} columns")
        pos = s[:, 1]
        full = s
    elif s.ndim == 1:
        pos = s
        # class 0 ranks by the opposite score, so its one-vs-rest curve is exact; probabilities stay probabilities
        probabilities = bool(s.size) and float(s.min()) >= 0.0 and float(s.max()) <= 1.0
        full = np.stack([1.0 - s if probabilities else -s, s], axis=1)
    else:
        raise ValueError(f"threshold= needs the positive class's scores as a vector, got shape {list(s.shape)}")
    pred = np.where(pos >= threshold, 1, 0)
    return np.asarray(classes, dtype=object)[pred], full


class ConfusionMatrix:
    """A classifier's evaluation: rows are true classes, columns are predicted classes.

    Made by :func:`confusion_matrix`; ``ConfusionMatrix(matrix, labels, title)`` wraps an existing count matrix (no
    curves, no samples, no streaming).
    """

    def __init__(
        self,
        matrix: npt.ArrayLike | None = None,
        labels: Sequence[Any] | None = None,
        title: str | None = None,
        *,
        name: str | None = None,
        zero_division: ZeroDivision = "warn",
        threshold: float | None = None,
        max_classes: int = 1000,
        max_bytes: int = 16_000_000,
        per_cell: int = 8,
    ) -> None:
        self.title = title
        self.name = name
        self.zero_division = zero_division
        self.threshold = threshold
        self.max_classes = int(max_classes)
        self.max_bytes = int(max_bytes)
        self.per_cell = int(per_cell)
        self._fixed_labels: list[Any] | None = None if labels is None else list(labels)
        self._batches: list[_Batch] = []
        self._given: npt.NDArray[Any] | None = None
        self._cache: dict[str, Any] = {}
        self._other: ConfusionMatrix | None = None
        self._stream: Stream | None = None
        if matrix is not None:
            m = np.asarray(matrix)
            if labels is None:
                raise ValueError("a matrix needs its labels")
            if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] != len(self._fixed_labels or []):
                raise ValueError(f"matrix of shape {list(m.shape)} does not fit {len(labels)} labels")
            self._given = m

    # -- data ----------------------------------------------------------------------------------------------------

    def _add(self, y_true: Any, y_pred: Any, scores: Any, weight: Any, samples: Any) -> None:
        if self._given is not None:
            raise ValueError("this confusion matrix was made from counts; it cannot take predictions")
        t = as_array(y_true, "y_true")
        p = as_array(y_pred, "y_pred")
        s = None if scores is None else as_array(scores, "scores")
        if self.threshold is not None and s is None:
            classes = self._fixed_labels or sorted(np.unique(t).tolist())
            if len(classes) != 2:
                raise ValueError(
                    f"threshold= is for binary problems, but there are {len(classes)} classes; pass labels= "
                    "with the negative and the positive class"
                )
            if self._fixed_labels is None:
                self._fixed_labels = list(classes)
            # integer targets named by labels= (["malignant", "benign"] for 0 / 1): predict the codes, not the names
            codes = list(range(2)) if _names_for_codes(self._fixed_labels, t) is not None else classes
            p, s = _binary_scores(p, float(self.threshold), codes)
        elif s is None and _is_score_matrix(p):
            s, p = p, np.empty(0)  # argmaxed by encode once the classes are known
        w = None if weight is None else as_array(weight, "sample_weight")
        if self._batches:
            first = self._batches[0]
            if (first.scores is None) != (s is None):
                raise ValueError("every batch needs scores, or none: the curves cannot mix them")
            if (first.samples is None) != (samples is None):
                raise ValueError("every batch needs samples, or none")
            if (first.weight is None) != (w is None):
                raise ValueError("every batch needs sample_weight, or none")
        self._batches.append(_Batch(t, p, s, w, samples))
        self._cache.clear()

    def _encoded(self) -> Encoded:
        if "enc" not in self._cache:
            self._cache["enc"] = self._encode_all()
        enc: Encoded = self._cache["enc"]
        return enc

    def _encode_all(self) -> Encoded:
        b = self._batches
        t = np.concatenate([x.y_true for x in b]) if b else np.empty(0)
        scores = None if not b or b[0].scores is None else np.concatenate([x.scores for x in b])
        if b and b[0].y_pred.size == 0 and scores is not None and self.threshold is None:
            p: Any = scores  # argmaxed by encode
            scores = None
        else:
            p = np.concatenate([x.y_pred for x in b]) if b else np.empty(0)
        w = None if not b or b[0].weight is None else np.concatenate([x.weight for x in b])
        labels = self._fixed_labels
        names = _names_for_codes(labels, t)
        if names is not None:
            labels = list(range(len(names)))
        if not b:
            return Encoded(
                classes=list(labels or []),
                names=[str(x) for x in names or labels or []],
                t=np.empty(0, dtype=np.int64),
                p=np.empty(0, dtype=np.int64),
                scores=None,
                weight=None,
                messages=[],
            )
        e = encode(t, p, labels=labels, scores=scores, sample_weight=w)
        if names is not None:
            e.classes = list(names)
            e.names = list(names)
        return e

    # -- numbers -------------------------------------------------------------------------------------------------

    @property
    def labels(self) -> list[str]:
        if self._given is not None:
            return [str(x) for x in self._fixed_labels or []]
        return list(self._encoded().names)

    @property
    def classes(self) -> list[Any]:
        """The label values in order (``labels`` are their names)."""
        if self._given is not None:
            return list(self._fixed_labels or [])
        return list(self._encoded().classes)

    @property
    def matrix(self) -> npt.NDArray[Any]:
        """[n, n] int64 counts (float64 weights when weighted): rows true, columns predicted."""
        if self._given is not None:
            return self._given
        if "matrix" not in self._cache:
            e = self._encoded()
            self._cache["matrix"] = pair_counts(e.t, e.p, len(e.names), e.weight)
        m: npt.NDArray[Any] = self._cache["matrix"]
        return m

    @property
    def total(self) -> float:
        t = self._report_obj().support.sum() if self._given is None else self._given.sum()
        return int(t) if float(t).is_integer() else float(t)

    def _report_obj(self) -> Report:
        if "report" not in self._cache:
            if self._given is not None:
                self._cache["report"] = _report_from_matrix(self._given, self.zero_division)
            else:
                e = self._encoded()
                self._cache["report"] = report(
                    e.t, e.p, len(e.names), e.weight, zero_division=self.zero_division, names=e.names
                )
        r: Report = self._cache["report"]
        return r

    @property
    def accuracy(self) -> float | None:
        r = self._report_obj()
        return None if r.accuracy is None else float(r.accuracy)

    @property
    def report(self) -> dict[str, Any]:
        """``sklearn.metrics.classification_report(..., output_dict=True)``'s numbers and structure."""
        return self._report_obj().to_dict(self.labels)

    def _curves(self) -> Curves | None:
        if self._given is not None:
            return None
        if "curves" not in self._cache:
            e = self._encoded()
            self._cache["curves"] = None if e.scores is None else ovr_curves(e.scores, e.t, e.weight)
        c: Curves | None = self._cache["curves"]
        return c

    @property
    def roc(self) -> dict[str, Any]:
        """Per class one-vs-rest ROC curves (``fpr``, ``tpr``, ``thresholds``, ``auc``), and micro / macro AUC."""
        return _text.curve_dict(self._need_curves(), self.labels, "roc")

    @property
    def pr(self) -> dict[str, Any]:
        """Per class precision-recall curves (``precision``, ``recall``, ``thresholds``, ``ap``), micro / macro AP."""
        return _text.curve_dict(self._need_curves(), self.labels, "pr")

    def _need_curves(self) -> Curves:
        c = self._curves()
        if c is None:
            raise ValueError("curves need scores: pass scores= (or an NxC score matrix as y_pred)")
        return c

    @property
    def messages(self) -> list[str]:
        """What was done for you (labels compared as text, samples left out, undefined metrics)."""
        out: list[str] = []
        if self._given is None and self._batches:
            out += self._encoded().messages
        out += self._report_obj().messages
        c = self._curves() if self._batches else None
        if c is not None:
            out += c.messages
        return list(dict.fromkeys(out))

    # -- streaming and comparing ---------------------------------------------------------------------------------

    def update(
        self,
        y_true_batch: Any,
        y_pred_batch: Any,
        scores_batch: Any = None,
        *,
        sample_weight: Any = None,
        samples: Any = None,
    ) -> ConfusionMatrix:
        """Add a batch of predictions; a shown output follows in place (at most ``max_rate`` updates a second)."""
        self._add(y_true_batch, y_pred_batch, scores_batch, sample_weight, samples)
        if self._stream is not None:
            self._stream.mark_dirty()
        return self

    def close(self) -> None:
        """End a streamed evaluation: the output gets its final update and stops showing "live"."""
        if self._stream is not None:
            self._stream.stop()

    def __enter__(self) -> ConfusionMatrix:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def compare(self, other: ConfusionMatrix, names: tuple[str, str] | None = None) -> ConfusionMatrix:
        """This model beside ``other`` (evaluated on the same samples), with their difference cell by cell."""
        if not isinstance(other, ConfusionMatrix):
            raise TypeError(f"compare() takes another confusion matrix, got {type(other).__name__}")
        if other.labels != self.labels:
            raise ValueError(
                "the two evaluations have different classes; pass the same labels= to both "
                f"({len(self.labels)} vs {len(other.labels)} classes)"
            )
        out = ConfusionMatrix.__new__(ConfusionMatrix)
        out.__dict__.update(self.__dict__)
        out._cache = dict(self._cache)
        out._stream = None
        out._other = other
        a, b = names or (self.name or "A", other.name or "B")
        out.name = a
        other.name = other.name or b
        return out

    # -- display -------------------------------------------------------------------------------------------------

    def payload(self, live: bool | None = None) -> dict[str, Any]:
        from ._payload import build

        return build(self, live)

    def __repr__(self) -> str:
        return _text.table(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return bundle("confusion", self.payload(), repr(self))

    def show(self) -> None:
        """Display with a display id, so that :meth:`update` redraws this very output while batches stream in.

        (Not ``_ipython_display_``: that would hide the MIME bundle from IPython's formatters and nbconvert.)
        """
        if self._stream is None:
            self._stream = Stream(self)
        self._stream.show()


def _names_for_codes(labels: list[Any] | None, y_true: npt.NDArray[Any]) -> list[str] | None:
    """``labels`` as the names of integer codes 0..C-1 (a dataset's ``classes`` list with integer targets): when every
    label is text, none of them is a value of ``y_true`` and ``y_true`` holds integers."""
    if not labels or not all(isinstance(x, str) for x in labels):
        return None
    if y_true.size and y_true.dtype.kind not in "iu":
        return None
    return [str(x) for x in labels]


def _report_from_matrix(m: npt.NDArray[Any], zero_division: ZeroDivision) -> Report:
    """The report of a given count matrix: expand it into (true, predicted) pairs weighted by the counts."""
    n = m.shape[0]
    rows, cols = np.nonzero(m)
    weight = m[rows, cols].astype(np.float64)
    integer = np.issubdtype(m.dtype, np.integer)
    r = report(rows.astype(np.int64), cols.astype(np.int64), n, weight, zero_division=zero_division)
    if integer:
        r.support = r.support.astype(np.int64)
    return r


def confusion_matrix(
    y_true: Any = None,
    y_pred: Any = None,
    labels: Sequence[Any] | None = None,
    title: str | None = None,
    *,
    scores: Any = None,
    samples: Any = None,
    sample_weight: Any = None,
    threshold: float | None = None,
    zero_division: ZeroDivision = "warn",
    name: str | None = None,
    max_classes: int = 1000,
    max_bytes: int = 16_000_000,
    per_cell: int = 8,
) -> ConfusionMatrix:
    """Evaluate a classifier: the confusion matrix, the per-class report and, with scores, ROC and PR curves.

    ``y_pred`` may be predicted labels, an NxC score matrix (argmaxed, kept as ``scores``) or a dict
    ``{"model A": pred_a, "model B": pred_b}`` of two models to compare. ``labels`` fixes the order and names
    (samples of other classes are left out, as scikit-learn does). ``threshold`` (binary problems) predicts the
    positive class (``labels[1]``) when its score is at least the threshold. ``samples`` (images, strings or ids,
    one per prediction) are shown for each clicked cell. With ``y_true=None`` the evaluation starts empty (give
    ``labels``) and :meth:`ConfusionMatrix.update` streams batches in.
    """
    opts: dict[str, Any] = {
        "zero_division": zero_division,
        "threshold": threshold,
        "max_classes": max_classes,
        "max_bytes": max_bytes,
        "per_cell": per_cell,
    }
    if isinstance(y_pred, Mapping):
        if len(y_pred) != 2:
            raise ValueError(f"y_pred as a dict compares two models, got {len(y_pred)}")
        (name_a, pred_a), (name_b, pred_b) = [(str(k), v) for k, v in y_pred.items()]
        if labels is None:
            union = encode(
                np.concatenate([as_array(y_true, "y_true")] * 2),
                np.concatenate([as_array(pred_a, "y_pred"), as_array(pred_b, "y_pred")]),
            )
            labels = union.classes
        cm_a = confusion_matrix(y_true, pred_a, labels, title, name=name_a, sample_weight=sample_weight, **opts)
        cm_b = confusion_matrix(y_true, pred_b, labels, title, name=name_b, sample_weight=sample_weight, **opts)
        if samples is not None:
            cm_a._batches[0].samples = samples
        return cm_a.compare(cm_b)
    cm = ConfusionMatrix(labels=labels, title=title, name=name, **opts)
    if y_true is None and y_pred is None:
        if labels is None:
            raise ValueError("an empty evaluation (to stream batches into) needs labels=")
        return cm
    if y_true is None or y_pred is None:
        raise ValueError("give both y_true and y_pred (or neither, with labels=, to stream batches in)")
    cm._add(y_true, y_pred, scores, sample_weight, samples)
    cm._encoded()  # bad input fails here, where it was given, not later in a display
    return cm


__all__ = ["ConfusionMatrix", "confusion_matrix"]
