"""The text side of a confusion matrix: the ``text/plain`` fallback and the ``.roc`` / ``.pr`` dictionaries."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import ConfusionMatrix
    from ._curves import Curves

PRINT_MAX = 30


def _f(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x):.3f}"


def _head(cm: ConfusionMatrix) -> list[str]:
    n = len(cm.labels)
    total = cm.total
    acc = cm.accuracy
    count = f"{total:,} samples" if isinstance(total, int) else f"{total:.4g} total weight"
    head = f"Confusion matrix: {n:,} classes, {count}"
    head += f", accuracy {acc:.1%}" if acc is not None else ""
    lines = [cm.title] if cm.title else []
    lines.append(head)
    if cm._given is None and cm._batches:
        r = cm._report_obj()
        lines.append(
            f"macro avg: precision {_f(r.macro.get('precision'))}, recall {_f(r.macro.get('recall'))}, "
            f"F1 {_f(r.macro.get('f1-score'))}"
        )
        c = cm._curves()
        if c is not None:
            lines.append(
                f"ROC AUC macro {_f(c.macro_auc)}, micro {_f(c.micro_auc)}; average precision macro {_f(c.macro_ap)}"
            )
    return lines


def table(cm: ConfusionMatrix) -> str:
    """Header lines, then the matrix as a table when it has at most 30 classes."""
    other = cm._other
    if other is not None:
        a = _head(cm)
        b = _head(other)
        return "\n".join([f"{cm.name or 'A'}:", *a, "", f"{other.name or 'B'}:", *b])
    lines = _head(cm)
    n = len(cm.labels)
    if n > PRINT_MAX:
        return "\n".join([*lines, "(too many classes to print; display it in a notebook)"])
    names = [label if len(label) <= 12 else label[:11] + "…" for label in cm.labels]
    m = cm.matrix
    cells = [[(str(v) if m.dtype.kind != "f" else f"{v:.4g}") for v in row] for row in m.tolist()]
    width = max([len(s) for s in names] + [len(c) for row in cells for c in row] + [4])
    lines += [
        "rows: true class, columns: predicted class",
        " " * (width + 2) + "  ".join(s.rjust(width) for s in names),
    ]
    for name, row in zip(names, cells, strict=True):
        lines.append(name.ljust(width) + "  " + "  ".join(c.rjust(width) for c in row))
    return "\n".join(lines)


def curve_dict(c: Curves, labels: list[str], kind: str) -> dict[str, Any]:
    """``{"classes": {name: {...}}, "micro": {...}, "macro": {...}}`` for ``kind`` "roc" or "pr"."""
    if kind == "roc":
        classes = {
            name: {"fpr": c.fpr[i], "tpr": c.tpr[i], "thresholds": c.roc_thresholds[i], "auc": c.roc_auc[i]}
            for i, name in enumerate(labels)
        }
        return {
            "classes": classes,
            "micro": {"fpr": c.micro_fpr, "tpr": c.micro_tpr, "auc": c.micro_auc},
            "macro": {"auc": c.macro_auc},
        }
    classes = {
        name: {
            "precision": c.precision[i],
            "recall": c.recall[i],
            "thresholds": c.pr_thresholds[i],
            "ap": c.ap[i],
        }
        for i, name in enumerate(labels)
    }
    return {
        "classes": classes,
        "micro": {"precision": c.micro_precision, "recall": c.micro_recall, "ap": c.micro_ap},
        "macro": {"ap": c.macro_ap},
    }
