"""The confusion kernel's numbers against scikit-learn on real predictions (classifiers trained here on the bundled
digits data set): matrix, classification report (every zero_division), per-class ROC/PR curves, AUC/AP, micro and
macro, weighted; and the bounds (no nxn allocation for 50,000 classes).

Run: PYTHONPATH=python-shim .venv/bin/python -m pytest -q tests/python/test_confusion_metrics.py
"""

from __future__ import annotations

import math
import tracemalloc
import warnings
from typing import Any

import numpy as np
import pytest
from modelviz.confusion._curves import binary_table, ovr_curves, thin
from modelviz.confusion._inputs import encode
from modelviz.confusion._metrics import pair_counts, report, sparse_pairs
from sklearn import metrics as skm
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import label_binarize


@pytest.fixture(scope="module")
def digits() -> dict[str, Any]:
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.5, random_state=0)
    lr = LogisticRegression(max_iter=300).fit(xtr, ytr)
    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp.fit(xtr, ytr)
    w = np.random.default_rng(0).uniform(0.1, 3.0, yte.size)
    return {"y": yte, "lr": lr.predict_proba(xte), "mlp": mlp.predict_proba(xte).astype(np.float32), "w": w}


def same_dict(a: Any, b: Any) -> None:
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same_dict(a[k], b[k])
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15), (a, b)


@pytest.mark.parametrize("model", ["lr", "mlp"])
@pytest.mark.parametrize("weighted", [False, True])
def test_matrix_and_report_equal_sklearn(digits: dict[str, Any], model: str, weighted: bool) -> None:
    y, s = digits["y"], digits[model]
    w = digits["w"] if weighted else None
    e = encode(y, s, sample_weight=w)
    pred = s.argmax(axis=1)
    np.testing.assert_array_equal(pair_counts(e.t, e.p, 10, e.weight), skm.confusion_matrix(y, pred, sample_weight=w))
    for zd in ["warn", 0, 1, np.nan]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = skm.classification_report(y, pred, output_dict=True, zero_division=zd, sample_weight=w)
        same_dict(report(e.t, e.p, 10, e.weight, zero_division=zd).to_dict(e.names), ref)


@pytest.mark.parametrize("zd", ["warn", 0, 1, np.nan])
def test_report_with_a_class_never_predicted_and_labels_subset(zd: Any) -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 6, 500)
    p = np.where(rng.random(500) < 0.6, y, rng.integers(0, 6, 500))
    p[p == 3] = 4  # class 3 never predicted
    for labels in [None, [5, 0, 3, 4], [0, 1, 2, 3, 4, 5, 9]]:
        e = encode(y, p, labels=labels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = skm.classification_report(y, p, labels=labels, output_dict=True, zero_division=zd)
            cm = skm.confusion_matrix(y, p, labels=labels)
        r = report(e.t, e.p, len(e.names), zero_division=zd, names=e.names)
        same_dict(r.to_dict(e.names), ref)
        np.testing.assert_array_equal(pair_counts(e.t, e.p, len(e.names)), cm)
        if zd == "warn":
            assert any("precision is undefined for" in m and "never predicted" in m for m in r.messages)
    e = encode(y, p, labels=[5, 0, 3, 4])
    assert any("samples whose class is not in labels were left out" in m for m in e.messages)


def test_single_class() -> None:
    e = encode(["a"] * 5, ["a"] * 5)
    assert e.names == ["a"]
    np.testing.assert_array_equal(pair_counts(e.t, e.p, 1), [[5]])
    same_dict(report(e.t, e.p, 1).to_dict(e.names), skm.classification_report(["a"] * 5, ["a"] * 5, output_dict=True))


@pytest.mark.parametrize("model", ["lr", "mlp"])
@pytest.mark.parametrize("weighted", [False, True])
def test_curves_equal_sklearn(digits: dict[str, Any], model: str, weighted: bool) -> None:
    y, s = digits["y"], digits[model]
    w = digits["w"] if weighted else None
    e = encode(y, s, sample_weight=w)
    assert e.scores is not None
    c = ovr_curves(e.scores, e.t, e.weight)
    eq = np.testing.assert_array_equal if not weighted else np.testing.assert_allclose
    for k in range(10):
        fpr, tpr, thr = skm.roc_curve(y == k, s[:, k], sample_weight=w)
        eq(c.fpr[k], fpr)
        eq(c.tpr[k], tpr)
        np.testing.assert_array_equal(c.roc_thresholds[k], thr)
        prec, rec, pthr = skm.precision_recall_curve(y == k, s[:, k], sample_weight=w)
        eq(c.precision[k], prec)
        eq(c.recall[k], rec)
        np.testing.assert_array_equal(c.pr_thresholds[k], pthr)
        assert c.roc_auc[k] == pytest.approx(skm.auc(fpr, tpr), rel=1e-12)
        assert c.ap[k] == pytest.approx(skm.average_precision_score(y == k, s[:, k], sample_weight=w), rel=1e-12)
    yb = label_binarize(y, classes=list(range(10)))
    for avg in ["micro", "macro"]:
        assert getattr(c, f"{avg}_auc") == pytest.approx(
            skm.roc_auc_score(yb, s, average=avg, sample_weight=w), rel=1e-9
        )
        assert getattr(c, f"{avg}_ap") == pytest.approx(
            skm.average_precision_score(yb, s, average=avg, sample_weight=w), rel=1e-9
        )
    sp = s.astype(np.float64) / s.sum(axis=1, keepdims=True, dtype=np.float64)
    c2 = ovr_curves(sp, e.t, e.weight)
    assert c2.ovr_auc == pytest.approx(skm.roc_auc_score(y, sp, multi_class="ovr", sample_weight=w), rel=1e-12)
    fpr, tpr, _ = skm.roc_curve(yb.ravel(), s.ravel(), sample_weight=None if w is None else np.repeat(w, 10))
    np.testing.assert_allclose(c.micro_fpr, fpr)  # type: ignore[arg-type]
    np.testing.assert_allclose(c.micro_tpr, tpr)  # type: ignore[arg-type]


def test_binary_curves_and_class_without_positives(digits: dict[str, Any]) -> None:
    y = (digits["y"] >= 5).astype(int)
    s = np.stack([1 - digits["lr"][:, 5:].sum(1), digits["lr"][:, 5:].sum(1)], axis=1)
    e = encode(y, s)
    c = ovr_curves(e.scores, e.t)  # type: ignore[arg-type]
    assert c.positive == 1
    assert c.roc_auc[1] == pytest.approx(skm.roc_auc_score(y, s[:, 1]), rel=1e-12)
    c3 = ovr_curves(np.c_[s, np.zeros(y.size)], e.t)
    assert c3.roc_auc[2] is None and c3.ap[2] is None and any("no true samples" in m for m in c3.messages)


def test_binary_table_exact_at_kept_thresholds() -> None:
    rng = np.random.default_rng(2)
    s, y = rng.random(5000), rng.random(5000) < 0.3
    thr, _, _, binned = binary_table(s, y)
    assert binned is None and thr.size == 5000
    thr2, tp2, fp2, binned2 = binary_table(s, y, max_points=100)
    assert binned2 == 5000 and thr2.size <= 100 and thr2[0] == s.max() and thr2[-1] == s.min()
    for th, a, b in zip(thr2, tp2, fp2, strict=True):
        assert a == (y & (s >= th)).sum() and b == (~y & (s >= th)).sum()


def test_thin_keeps_ends_and_shape() -> None:
    x = np.linspace(0, 1, 20000)
    y = np.sqrt(x)
    tx, ty = thin(x, y, 200)
    assert tx.size <= 200 and tx[0] == 0 and tx[-1] == 1
    assert np.max(np.abs(np.interp(x, tx, ty) - y)) < 0.01
    assert thin(x[:5], y[:5], 10)[0].size == 5


def test_fifty_thousand_classes_never_allocate_n_by_n() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 50_000, 200_000)
    p = np.where(rng.random(y.size) < 0.5, y, rng.integers(0, 50_000, y.size))
    tracemalloc.start()
    e = encode(y, p)
    n = len(e.names)
    r = report(e.t, e.p, n)
    counts = sparse_pairs(e.t, e.p, n)[2]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100e6  # nxn int64 would be 20 GB
    assert counts.sum() == y.size and r.support.sum() == y.size
    with pytest.raises(ValueError, match=r"dense 49,882 x 49,882 confusion matrix needs 19\.9 GB \(limit 2\.0 GB\)"):
        pair_counts(e.t, e.p, n)
    with pytest.raises(ValueError, match="needs"):
        pair_counts(e.t, e.p, 1000, limit_bytes=1_000_000)
    d = pair_counts(e.t[:1000] % 100, e.p[:1000] % 100, 100)
    r2, c2, k2 = sparse_pairs(e.t[:1000] % 100, e.p[:1000] % 100, 100)
    np.testing.assert_array_equal(d[r2, c2], k2)


def test_tied_scores_and_string_labels_equal_sklearn(digits: dict[str, Any]) -> None:
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    y = names[digits["y"]]
    s = np.round(digits["lr"], 1)  # many ties: each threshold's counts must come from the end of its tie group
    w = digits["w"]
    e = encode(y, names[s.argmax(axis=1)], labels=list(names), scores=s, sample_weight=w)
    assert "scores are not probabilities (rows do not sum to 1): curves use them as ranks" in e.messages
    c = ovr_curves(e.scores, e.t)  # type: ignore[arg-type]
    for k in range(10):
        fpr, tpr, thr = skm.roc_curve(y == names[k], s[:, k])
        np.testing.assert_array_equal(c.fpr[k], fpr)
        np.testing.assert_array_equal(c.tpr[k], tpr)
        np.testing.assert_array_equal(c.roc_thresholds[k], thr)
        prec, rec, _ = skm.precision_recall_curve(y == names[k], s[:, k])
        np.testing.assert_array_equal(c.precision[k], prec)
        np.testing.assert_array_equal(c.recall[k], rec)
    ref = skm.classification_report(
        y, names[s.argmax(axis=1)], labels=list(names), output_dict=True, sample_weight=w, zero_division=0
    )
    same_dict(report(e.t, e.p, 10, e.weight, zero_division=0).to_dict(e.names), ref)


def test_subset_labels_weighted_report_is_micro_avg() -> None:
    rng = np.random.default_rng(4)
    y, p, w = rng.integers(0, 5, 300), rng.integers(0, 5, 300), rng.uniform(0, 2, 300)
    e = encode(y, p, labels=[4, 2], sample_weight=w)
    d = report(e.t, e.p, 2, e.weight).to_dict(e.names)
    assert "micro avg" in d and "accuracy" not in d
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_dict(d, skm.classification_report(y, p, labels=[4, 2], output_dict=True, sample_weight=w))
