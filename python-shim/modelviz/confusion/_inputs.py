"""Input coercion for the classifier evaluation: arrays from lists, numpy, torch, TF and pandas, and the encoding of
labels into class indices (``Encoded``) that the matrix, the report and the curves work on.

Nothing heavy is imported: a tensor or a Series is recognised by ``type(x).__module__``. Every refusal is one clear
sentence naming the argument; whatever is done for the user (labels compared as text, samples left out, scores that
are not probabilities) is said in ``Encoded.messages``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

#: integer labels up to this value are mapped by a lookup table (no sort)
FAST_RANGE = 4_000_000


@dataclass
class Encoded:
    """Labels as class indices: ``t``/``p`` hold -1 where the value is not one of ``classes``."""

    classes: list[Any]
    names: list[str]
    t: npt.NDArray[np.int64]
    p: npt.NDArray[np.int64]
    scores: npt.NDArray[np.floating[Any]] | None
    weight: npt.NDArray[np.float64] | None
    messages: list[str] = field(default_factory=list)


def _n(k: int) -> str:
    return f"{k:,}"


def as_array(x: Any, name: str) -> npt.NDArray[Any]:
    """``x`` as a numpy array of at most 2 dimensions (torch tensors detached and moved to the CPU, TF tensors,
    pandas Series and Categoricals by their values)."""
    mod = type(x).__module__ or ""
    a: npt.NDArray[Any]
    try:
        if mod.startswith("torch"):
            t = x.detach().cpu()
            try:
                a = t.numpy()
            except TypeError:  # bfloat16 and other dtypes numpy does not have
                a = t.float().numpy()
        elif mod.startswith(("tensorflow", "tf_keras", "keras")) and hasattr(x, "numpy"):
            a = np.asarray(x.numpy())
        elif mod.startswith("pandas"):
            dtype = getattr(x, "dtype", None)
            if str(dtype) == "category" or type(x).__name__ == "Categorical":
                a = np.asarray(x)  # the categories' values, not the codes
            elif hasattr(x, "to_numpy"):
                a = x.to_numpy()
            else:
                a = np.asarray(x)
        elif isinstance(x, np.ndarray):
            a = x
        else:
            a = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be read as an array of labels or scores ({type(x).__name__})") from exc
    if a.ndim == 0:
        raise ValueError(f"{name} is a single value, not one per sample")
    if a.ndim > 2:
        raise ValueError(
            f"{name} has {a.ndim} dimensions {list(a.shape)}: expected one label per sample (1-D) or "
            "an NxC score matrix (2-D)"
        )
    if a.dtype.kind in "cmMV":
        raise TypeError(f"{name} holds {a.dtype} values, which are neither labels nor scores")
    if a.dtype.kind == "O" and a.ndim == 1:
        a = _from_objects(a, name)
    return a


def _from_objects(a: npt.NDArray[Any], name: str) -> npt.NDArray[Any]:
    """An object array as bool, int64, float64 or str when its values allow; mixed numbers and text stay objects."""
    vals = a.tolist()
    kinds = set()
    for v in vals:
        if isinstance(v, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(v, numbers.Integral):
            kinds.add("i")
        elif isinstance(v, numbers.Real):
            kinds.add("f")
        elif isinstance(v, (str, bytes)):
            kinds.add("s")
        else:
            try:
                hash(v)
            except TypeError:
                raise TypeError(
                    f"{name} holds {type(v).__name__} values, which cannot be class labels (labels must be "
                    "numbers, strings or booleans)"
                ) from None
            kinds.add("o")
        if len(kinds) > 2:
            break
    if kinds == {"b"}:
        return np.asarray(vals, dtype=bool)
    if kinds <= {"i", "b"} and kinds:
        return np.asarray(vals, dtype=np.int64)
    if kinds <= {"i", "f", "b"} and kinds:
        return np.asarray(vals, dtype=np.float64)
    if kinds == {"s"}:
        return np.asarray([v.decode() if isinstance(v, bytes) else v for v in vals], dtype=str)
    return a


def _labels_1d(a: npt.NDArray[Any], name: str) -> tuple[npt.NDArray[Any], str]:
    """One label per sample as (array, kind): kind "i" (int64), "b" (bool), "s" (str) or "o" (mixed objects)."""
    if a.ndim == 2:
        if a.shape[1] != 1:
            raise ValueError(
                f"{name} has {a.shape[1]} columns: it needs one label per sample (an NxC score matrix goes in "
                "y_pred or scores=)"
            )
        a = a[:, 0]
    k = a.dtype.kind
    if k == "b":
        return a, "b"
    if k in "iu":
        return a.astype(np.int64, copy=False), "i"
    if k == "f":
        finite = np.isfinite(a)
        if not finite.all():
            raise ValueError(
                f"{name} holds {_n(int((~finite).sum()))} NaN or infinite values: every sample needs a label"
            )
        integral = np.equal(np.mod(a, 1), 0)
        if not integral.all():
            distinct = int(np.unique(a).size)
            raise ValueError(
                f"{name} holds {_n(distinct)} distinct non-integer values: these look like regression targets; "
                "a confusion matrix needs class labels"
            )
        return a.astype(np.int64), "i"
    if k == "S":
        return np.char.decode(a, "utf-8"), "s"
    if k == "U":
        return a, "s"
    return a, "o"


def _as_text(a: npt.NDArray[Any], kind: str) -> npt.NDArray[Any]:
    if kind == "s":
        return a
    return np.asarray([str(v) for v in a.tolist()], dtype=str) if kind == "o" else a.astype(str)


def _unique_text(a: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """``np.unique(a, return_inverse=True)`` for a str array, by a 64-bit hash of each string's code points (one
    integer unique instead of a string sort), checked against the strings: a collision falls back to the sort."""
    a = np.ascontiguousarray(a)
    width = a.dtype.itemsize // 4
    if a.size < 50_000 or width == 0:
        u, inv = np.unique(a, return_inverse=True)
        return u, inv.reshape(-1).astype(np.int64)
    codes = a.view(np.uint32).reshape(a.size, width)
    h = np.full(a.size, 1469598103934665603, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            h ^= codes[:, j].astype(np.uint64)
            h *= np.uint64(1099511628211)
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    inv = inv.reshape(-1)
    reps = a[first]
    if not np.array_equal(reps[inv], a):  # two strings share a hash
        u, inv2 = np.unique(a, return_inverse=True)
        return u, inv2.reshape(-1).astype(np.int64)
    order = np.argsort(reps, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size, dtype=np.int64)
    return reps[order], rank[inv]


def _int_classes(*arrays: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
    """The sorted distinct values of int arrays and each array as indices into them (a lookup table when the values
    lie in [0, FAST_RANGE): no sort)."""
    lo = min(int(a.min()) for a in arrays if a.size)
    hi = max(int(a.max()) for a in arrays if a.size)
    if lo >= 0 and hi < FAST_RANGE:
        present = np.zeros(hi + 1, dtype=bool)
        for a in arrays:
            present |= np.bincount(a, minlength=hi + 1).astype(bool)
        classes = np.flatnonzero(present).astype(np.int64)
        lut = np.full(hi + 1, -1, dtype=np.int64)
        lut[classes] = np.arange(classes.size, dtype=np.int64)
        return classes, [lut[a] for a in arrays]
    classes, inv = np.unique(np.concatenate(arrays), return_inverse=True)
    out, at = [], 0
    for a in arrays:
        out.append(inv[at : at + a.size].astype(np.int64))
        at += a.size
    return classes.astype(np.int64), out


def _index_of(a: npt.NDArray[Any], kind: str, classes: Sequence[Any]) -> npt.NDArray[np.int64]:
    """``a``'s values as indices into ``classes`` (-1 where absent); ``classes`` already normalised to ``kind``."""
    if a.size == 0:
        return np.empty(0, dtype=np.int64)
    if kind in "ib" and all(isinstance(c, (int, np.integer)) for c in classes):
        ai = a.astype(np.int64, copy=False)
        lo, hi = int(ai.min()), int(ai.max())
        if lo >= 0 and hi < FAST_RANGE:
            lut = np.full(hi + 1, -1, dtype=np.int64)
            for i, c in enumerate(classes):
                if 0 <= int(c) <= hi:
                    lut[int(c)] = i
            return lut[ai]
    if a.dtype.kind == "U":
        uniq, inv = _unique_text(a)
    else:
        uniq, inv = np.unique(a, return_inverse=True)
    pos = {c: i for i, c in enumerate(classes)}
    m = np.asarray([pos.get(v, -1) for v in uniq.tolist()], dtype=np.int64)
    return m[inv.reshape(-1)]


def _norm_label(v: Any, kind: str) -> Any:
    """A label given by the user in the kind of the data (e.g. 3.0 → 3 for int data)."""
    if kind == "b" and isinstance(v, (bool, np.bool_)):
        return int(bool(v))
    if kind in "ib" and isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)):
        if float(v).is_integer():
            return int(float(v))
        return None
    if kind == "s" and isinstance(v, str):
        return v
    return None


def _scores(s: Any, n: int, messages: list[str]) -> npt.NDArray[np.floating[Any]]:
    a = as_array(s, "scores") if not isinstance(s, np.ndarray) else s
    if a.ndim == 1:
        raise ValueError("scores must be an NxC matrix (one column per class); for a binary problem pass both columns")
    if a.dtype.kind not in "biuf":
        raise ValueError(f"scores hold {a.dtype} values: they must be numbers")
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:
        a = a.astype(np.float64)
    if a.shape[0] != n:
        raise ValueError(f"scores have {_n(a.shape[0])} rows but y_true has {_n(n)} samples")
    finite = np.isfinite(a)
    if not finite.all():
        raise ValueError(f"scores hold {_n(int((~finite).sum()))} NaN or infinite values: curves need finite scores")
    if a.shape[1] < 2:
        raise ValueError("scores have a single column: pass one column per class")
    negative = bool((a < 0).any())
    sums = a.sum(axis=1, dtype=np.float64)
    if negative or not np.allclose(sums, 1.0, atol=1e-3):
        why = "negative values" if negative else "rows do not sum to 1"
        messages.append(f"scores are not probabilities ({why}): curves use them as ranks")
    return a


def encode(
    y_true: Any, y_pred: Any, *, labels: Sequence[Any] | None = None, scores: Any = None, sample_weight: Any = None
) -> Encoded:
    """Labels (and scores, weights) as class indices; see the module's docstring for the rules."""
    messages: list[str] = []
    t_raw = as_array(y_true, "y_true")
    p_raw = as_array(y_pred, "y_pred")
    score_matrix = p_raw.ndim == 2 and p_raw.shape[1] > 1
    if score_matrix:
        if scores is not None:
            raise ValueError("y_pred is an NxC score matrix and scores= is given too: pass the scores only once")
        if p_raw.dtype.kind not in "biuf":
            raise ValueError(f"y_pred has {p_raw.shape[1]} columns of {p_raw.dtype} values: not a score matrix")
    t, tk = _labels_1d(t_raw, "y_true")
    n = int(t.shape[0])
    np_ = int(p_raw.shape[0])
    if n != np_:
        raise ValueError(f"y_true has {_n(n)} samples but y_pred has {_n(np_)}: they must have the same length")
    if n == 0:
        raise ValueError("y_true and y_pred are empty: there is nothing to count")
    s = None
    if score_matrix:
        s = _scores(p_raw, n, messages)
    elif scores is not None:
        s = _scores(scores, n, messages)
    weight = None
    if sample_weight is not None:
        w = as_array(sample_weight, "sample_weight")
        if w.ndim != 1 or w.shape[0] != n:
            raise ValueError(f"sample_weight has shape {list(w.shape)} but there are {_n(n)} samples")
        if w.dtype.kind not in "biuf":
            raise ValueError(f"sample_weight holds {w.dtype} values: it must be numbers")
        weight = w.astype(np.float64)
        if not np.isfinite(weight).all():
            raise ValueError("sample_weight holds NaN or infinite values")
        if (weight < 0).any():
            raise ValueError(f"sample_weight holds {_n(int((weight < 0).sum()))} negative values: weights must be ≥ 0")

    if score_matrix:
        assert s is not None
        c = s.shape[1]
        p_idx = np.argmax(s, axis=1).astype(np.int64)
        if labels is not None:
            classes = _check_labels(labels)
            if len(classes) != c:
                raise ValueError(f"the score matrix has {c} columns but labels has {len(classes)} classes")
            t_idx = _map_given(t, tk, classes, messages)
            if (t_idx < 0).any():
                messages.append(
                    f"{_n(int((t_idx < 0).sum()))} samples whose class is not in labels were left out of the matrix"
                )
        elif (tk == "i" and int(t.min()) >= 0 and int(t.max()) < c) or (tk == "b" and c == 2):
            classes = list(range(c)) if tk == "i" else [False, True]
            t_idx = t.astype(np.int64)
        else:
            tt = _as_text(t, tk) if tk == "o" else t
            uniq, inv = np.unique(tt, return_inverse=True)
            if uniq.size != c:
                raise ValueError(
                    f"y_true has {uniq.size} classes but the score matrix has {c} columns: pass labels= to say "
                    "which class each column is"
                )
            classes = uniq.tolist()
            t_idx = inv.reshape(-1).astype(np.int64)
        return _done(classes, t_idx, p_idx, s, weight, messages)

    p, pk = _labels_1d(p_raw, "y_pred")
    if labels is not None:
        classes = _check_labels(labels)
        kind = tk if tk == pk else ("i" if {tk, pk} == {"i", "b"} else "s")
        if kind == "s" and (tk != "s" or pk != "s"):
            messages.append("labels mix numbers and text: compared as text")
            t, p = _as_text(t, tk), _as_text(p, pk)
        t_idx = _map_given(t, kind, classes, messages, p_kind=None)
        p_idx = _map_given(p, kind, classes, messages, p_kind=None)
        out = (t_idx < 0) | (p_idx < 0)
        if out.any():
            messages.append(f"{_n(int(out.sum()))} samples whose class is not in labels were left out of the matrix")
    else:
        if (tk == pk and tk in "ib") or {tk, pk} == {"i", "b"}:
            cls, (t_idx, p_idx) = _int_classes(t.astype(np.int64, copy=False), p.astype(np.int64, copy=False))
            classes = [bool(v) for v in cls.tolist()] if tk == pk == "b" else cls.tolist()
        else:
            if not (tk == pk == "s"):
                messages.append("labels mix numbers and text: compared as text")
            tt, pp = _as_text(t, tk), _as_text(p, pk)
            uniq, inv = _unique_text(np.concatenate([tt, pp]))
            classes, t_idx, p_idx = uniq.tolist(), inv[:n], inv[n:]
    if s is not None and s.shape[1] != len(classes):
        if (
            labels is None
            and all(isinstance(c, int) for c in classes)
            and min(classes) >= 0
            and max(classes) < s.shape[1]
        ):
            classes = list(range(s.shape[1]))  # the columns are classes 0..C-1, some never seen
            t_idx, p_idx = t.astype(np.int64), p.astype(np.int64)
        else:
            raise ValueError(f"scores have {s.shape[1]} columns but there are {len(classes)} classes")
    return _done(classes, t_idx, p_idx, s, weight, messages)


def _check_labels(labels: Sequence[Any]) -> list[Any]:
    classes = as_array(labels, "labels").tolist() if not isinstance(labels, list) else list(labels)
    if not classes:
        raise ValueError("labels is empty: give at least one class")
    seen: dict[Any, int] = {}
    for i, c in enumerate(classes):
        try:
            key = c if not isinstance(c, float) or not c.is_integer() else int(c)
            if key in seen:
                raise ValueError(f"labels has {c!r} twice (positions {seen[key]} and {i}): remove the duplicate")
            seen[key] = i
        except TypeError:
            raise TypeError(f"labels holds a {type(c).__name__}, which cannot be a class label") from None
    return classes


def _map_given(
    a: npt.NDArray[Any], kind: str, classes: list[Any], messages: list[str], p_kind: str | None = None
) -> npt.NDArray[np.int64]:
    norm = [_norm_label(c, kind) for c in classes]
    if any(v is None for v in norm):
        text = [str(c) for c in classes]
        if kind != "s":
            messages.append("labels mix numbers and text: compared as text")
        return _index_of(_as_text(a, kind), "s", text)
    return _index_of(a, kind, norm)


def _done(
    classes: list[Any],
    t: npt.NDArray[np.int64],
    p: npt.NDArray[np.int64],
    s: npt.NDArray[np.floating[Any]] | None,
    weight: npt.NDArray[np.float64] | None,
    messages: list[str],
) -> Encoded:
    classes = [c.item() if isinstance(c, np.generic) else c for c in classes]
    names = [str(c) for c in classes]
    return Encoded(classes, names, t, p, s, weight, list(dict.fromkeys(messages)))
