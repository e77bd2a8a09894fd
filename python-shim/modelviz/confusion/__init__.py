"""Confusion matrices: ``modelviz.confusion_matrix(y_true, y_pred, labels=None)``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._mime import PAYLOAD_VERSION, bundle
from ._tensor import encode


class ConfusionMatrix:
    """A displayable confusion matrix: rows are true classes, columns are predicted classes."""

    def __init__(self, matrix: npt.NDArray[np.int64], labels: Sequence[str], title: str | None = None) -> None:
        m = np.asarray(matrix)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] != len(labels):
            raise ValueError(f"matrix of shape {list(m.shape)} does not fit {len(labels)} labels")
        self.matrix = m
        self.labels = [str(label) for label in labels]
        self.title = title

    @property
    def total(self) -> int:
        return int(self.matrix.sum())

    @property
    def accuracy(self) -> float | None:
        total = self.matrix.sum()
        return float(np.trace(self.matrix) / total) if total else None

    def payload(self) -> dict[str, Any]:
        p: dict[str, Any] = {
            "version": PAYLOAD_VERSION,
            "labels": self.labels,
            "matrix": encode(self.matrix),
            "normalize": "none",
            "total": self.total,
        }
        if self.title is not None:
            p["title"] = self.title
        return p

    def __repr__(self) -> str:
        n = len(self.labels)
        acc = self.accuracy
        head = f"Confusion matrix: {n} classes, {self.total} samples"
        head += f", accuracy {acc:.1%}" if acc is not None else ""
        if self.title:
            head = f"{self.title}\n{head}"
        if n > 30:
            return head + "\n(too many classes to print; display it in a notebook)"
        names = [label if len(label) <= 12 else label[:11] + "…" for label in self.labels]
        cells = [[str(v) for v in row] for row in self.matrix.tolist()]
        width = max([len(s) for s in names] + [len(c) for row in cells for c in row] + [4])
        lines = [
            head,
            "rows: true class, columns: predicted class",
            " " * (width + 2) + "  ".join(s.rjust(width) for s in names),
        ]
        for name, row in zip(names, cells, strict=True):
            lines.append(name.ljust(width) + "  " + "  ".join(c.rjust(width) for c in row))
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return bundle("confusion", self.payload(), repr(self))


def confusion_matrix(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    labels: Sequence[Any] | None = None,
    title: str | None = None,
) -> ConfusionMatrix:
    """Count (true, predicted) pairs.

    Labels default to the sorted union of both; pairs outside ``labels`` are ignored.
    """
    t = np.asarray(y_true).reshape(-1)
    p = np.asarray(y_pred).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} items but y_pred has {p.size}")
    if labels is None:
        if t.size == 0:
            raise ValueError("y_true and y_pred are empty and no labels were given")
        classes = np.unique(np.concatenate([t, p]))
    else:
        classes = np.asarray(list(labels))
        if classes.size == 0:
            raise ValueError("labels is empty")
        if np.unique(classes).size != classes.size:
            raise ValueError("labels contains duplicates")
    n = classes.size
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]
    ti = np.searchsorted(sorted_classes, t).clip(0, n - 1)
    pi = np.searchsorted(sorted_classes, p).clip(0, n - 1)
    keep = (sorted_classes[ti] == t) & (sorted_classes[pi] == p)
    rows, cols = order[ti[keep]], order[pi[keep]]
    matrix = np.bincount(rows * n + cols, minlength=n * n).reshape(n, n).astype(np.int64)
    return ConfusionMatrix(matrix, [str(c) for c in classes.tolist()], title=title)
