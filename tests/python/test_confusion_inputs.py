"""Input coercion and label encoding of the confusion kernel (modelviz.confusion._inputs): every kind of array a user
has (lists, numpy, torch with grad, TF, pandas Series and Categorical), the label rules (sorted union, integral
floats, mixed ints and text, labels= order and left-out samples, score matrices) and every refusal's message.

Run: PYTHONPATH=python-shim .venv/bin/python -m pytest -q tests/python/test_confusion_inputs.py
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from modelviz.confusion._inputs import as_array, encode
from modelviz.confusion._metrics import pair_counts


def test_lists_numpy_and_sorted_union() -> None:
    e = encode([3, 1, 2, 3], np.array([1, 1, 7, 3]))
    assert e.classes == [1, 2, 3, 7] and e.names == ["1", "2", "3", "7"]
    assert e.t.tolist() == [2, 0, 1, 2] and e.p.tolist() == [0, 0, 3, 2]
    assert e.t.dtype == np.int64 and e.scores is None and e.weight is None and e.messages == []


def test_strings_and_bools() -> None:
    e = encode(["cat", "dog", "cat"], ["dog", "dog", "emu"])
    assert e.classes == ["cat", "dog", "emu"] and e.p.tolist() == [1, 1, 2]
    b = encode(np.array([True, False, True]), [True, True, True])
    assert b.classes == [False, True] and b.names == ["False", "True"] and b.t.tolist() == [1, 0, 1]


def test_integral_floats_become_ints_and_regression_targets_are_refused() -> None:
    e = encode(np.array([0.0, 1.0, 2.0]), [0, 1, 1])
    assert e.classes == [0, 1, 2] and all(type(c) is int for c in e.classes)
    y = np.random.default_rng(0).normal(size=5000)
    with pytest.raises(ValueError, match=r"y_true holds 5,000 distinct non-integer values: these look like regression"):
        encode(y, y.round())


def test_mixed_ints_and_text_are_compared_as_text() -> None:
    e = encode([1, "a", 2], np.array([1, 2, "a"], dtype=object))
    assert e.classes == ["1", "2", "a"]
    assert "labels mix numbers and text: compared as text" in e.messages


def test_labels_fix_order_and_leave_out_the_rest() -> None:
    e = encode(["b", "a", "z", "a"], ["a", "a", "a", "q"], labels=["b", "a"])
    assert e.names == ["b", "a"] and e.t.tolist() == [0, 1, -1, 1] and e.p.tolist() == [1, 1, 1, -1]
    assert "2 samples whose class is not in labels were left out of the matrix" in e.messages
    assert pair_counts(e.t, e.p, 2).tolist() == [[0, 1], [0, 1]]
    with pytest.raises(ValueError, match="labels has 'a' twice"):
        encode(["a"], ["a"], labels=["a", "b", "a"])
    assert encode([0, 1], [1, 1], labels=[1.0, 0.0]).t.tolist() == [1, 0]


def test_score_matrix_as_y_pred() -> None:
    s = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    e = encode([0, 2, 2], s)
    assert e.classes == [0, 1, 2] and e.p.tolist() == [0, 2, 1] and e.scores is s and e.messages == []
    e2 = encode(["x", "z", "y"], s)
    assert e2.classes == ["x", "y", "z"] and e2.t.tolist() == [0, 2, 1]
    e3 = encode(["x", "z", "y"], s, labels=["z", "y", "x"])
    assert e3.t.tolist() == [2, 0, 1] and e3.p.tolist() == [0, 2, 1]
    with pytest.raises(ValueError, match="y_true has 2 classes but the score matrix has 3 columns: pass labels="):
        encode(["x", "y", "y"], s)
    with pytest.raises(ValueError, match="score matrix has 3 columns but labels has 2 classes"):
        encode([0, 1, 1], s, labels=[0, 1])
    with pytest.raises(ValueError, match="scores= is given too"):
        encode([0, 1, 1], s, scores=s)
    neg = encode([0, 1, 1], s - 0.5)
    assert "scores are not probabilities (negative values): curves use them as ranks" in neg.messages


def test_scores_kwarg_width_and_nan() -> None:
    s = np.full((4, 3), 1 / 3)
    assert encode([0, 1, 1, 0], [0, 1, 0, 0], scores=s).classes == [0, 1, 2]  # class 2 never seen: columns 0..2
    with pytest.raises(ValueError, match="scores have 3 columns but there are 2 classes"):
        encode(["a", "b", "b", "a"], ["a", "b", "a", "a"], scores=s)
    s[0, 0] = np.nan
    s[1, 2] = np.inf
    with pytest.raises(ValueError, match="scores hold 2 NaN or infinite values"):
        encode([0, 1, 1, 0], [0, 1, 0, 0], scores=s)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0, 1, 2], [0, 1]), {}, "y_true has 3 samples but y_pred has 2: they must have the same length"),
        (([], []), {}, "y_true and y_pred are empty"),
        (([0, 1], [0, 1]), {"sample_weight": [1.0]}, r"sample_weight has shape \[1\] but there are 2 samples"),
        (([0, 1], [0, 1]), {"sample_weight": [1.0, -2.0]}, "sample_weight holds 1 negative values"),
        ((np.zeros((3, 2)), [0, 1, 1]), {}, "y_true has 2 columns: it needs one label per sample"),
        ((np.zeros((2, 2, 2)), [0, 1]), {}, r"y_true has 3 dimensions \[2, 2, 2\]"),
        (([[1], [2, 3]], [0, 1]), {}, "y_true could not be read as an array"),
        ((np.array([[1], [2, 3]], dtype=object), [0, 1]), {}, "y_true holds list values, which cannot be class labels"),
        (([0.0, np.nan], [0, 1]), {}, "y_true holds 1 NaN or infinite values"),
    ],
)
def test_refusals_are_one_clear_sentence(args: tuple[Any, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        encode(*args, **kwargs)


def test_torch_with_grad_and_scores() -> None:
    logits = torch.tensor([[2.0, 0.1], [0.1, 3.0], [1.0, 0.0]], requires_grad=True)
    e = encode(torch.tensor([0, 1, 1]), logits)
    assert e.p.tolist() == [0, 1, 0] and isinstance(e.scores, np.ndarray) and e.scores.dtype == np.float32
    assert as_array(torch.ones(2, dtype=torch.bfloat16), "x").dtype == np.float32


def test_tensorflow_tensors() -> None:
    tf = pytest.importorskip("tensorflow", reason="TF is a dev dependency; absent on minimal CI images")
    e = encode(tf.constant([0, 1, 2]), tf.constant([0, 2, 2]))
    assert e.classes == [0, 1, 2] and e.p.tolist() == [0, 2, 2]


def test_pandas_series_and_categorical_keep_values_not_codes() -> None:
    cat = pd.Categorical(["dog", "cat", "dog"], categories=["dog", "cat"])
    e = encode(cat, pd.Series(["cat", "cat", "dog"]))
    assert e.classes == ["cat", "dog"] and e.t.tolist() == [1, 0, 1]
    s = pd.Series(pd.Categorical([10, 20, 10]))
    assert encode(s, [10, 10, 10]).classes == [10, 20]


def test_integer_fast_path_is_fast() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 1000, 1_000_000)
    p = rng.integers(0, 1000, 1_000_000)
    encode(y, p)
    t0 = time.perf_counter()
    e = encode(y, p)
    took = time.perf_counter() - t0
    assert len(e.classes) == 1000 and np.array_equal(e.t, y)
    assert took < 0.1, f"1M int labels took {took * 1000:.0f} ms (target ~10 ms)"


def test_score_matrix_with_labels_leaves_out_unknown_true_classes() -> None:
    s = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    e = encode(["no", "yes", "maybe"], s, labels=["no", "yes"])
    assert e.t.tolist() == [0, 1, -1] and e.p.tolist() == [0, 1, 0]
    assert "1 samples whose class is not in labels were left out of the matrix" in e.messages
    b = encode([True, False, True], s)
    assert b.classes == [False, True] and b.t.tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="y_true has 2 classes but the score matrix has 3 columns"):
        encode([True, False, True], np.full((3, 3), 1 / 3))


def test_many_strings_take_the_hashed_unique_and_match_a_sort() -> None:
    rng = np.random.default_rng(5)
    odd = ["", "a", "ab", "ba", "b", "Zebra", "zebra", "é", "ë", "a b", "ab "]
    words = np.array(odd + [f"w{i}" for i in range(300)])
    y, p = words[rng.integers(0, words.size, 80_000)], words[rng.integers(0, words.size, 80_000)]
    e = encode(y, p)
    u, inv = np.unique(np.concatenate([y, p]), return_inverse=True)
    assert e.classes == u.tolist() and np.array_equal(np.concatenate([e.t, e.p]), inv)
    e2 = encode(y, p, labels=list(words[::-1]))
    assert np.array_equal(np.array(e2.classes)[e2.t], y) and np.array_equal(np.array(e2.classes)[e2.p], p)
