"""The public confusion API end to end: payloads, streaming, comparing, thresholds, reductions, samples.

The numbers themselves are checked against scikit-learn in test_confusion_metrics.py; here the object and its payload.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import numpy as np
import pytest
from modelviz import ConfusionMatrix, confusion_matrix
from modelviz._tensor import decode
from modelviz.confusion._stream import Stream

from .conftest import problems

MIME = "application/vnd.modelviz.confusion.v1+json"


def expected_counts(y_true: list[object], y_pred: list[object], labels: list[object]) -> list[list[int]]:
    """The definition, counted one pair at a time (independent of the vectorised implementation)."""
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        if t in labels and p in labels:
            m[labels.index(t)][labels.index(p)] += 1
    return m


def payload_of(cm: ConfusionMatrix) -> dict[str, Any]:
    p = cm._repr_mimebundle_()[MIME]
    assert problems("confusion", p) == []
    return p


def test_counts_match_the_definition_on_random_data() -> None:
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 6, size=2000).tolist()
    y_pred = [t if rng.random() < 0.7 else int(rng.integers(0, 6)) for t in y_true]
    cm = confusion_matrix(y_true, y_pred)
    assert cm.labels == [str(i) for i in range(6)]
    assert cm.matrix.tolist() == expected_counts(y_true, y_pred, list(range(6)))
    assert cm.total == 2000
    assert cm.accuracy == pytest.approx(np.mean(np.array(y_true) == np.array(y_pred)))


def test_explicit_labels_set_the_order_and_drop_others() -> None:
    y_true = ["b", "a", "c", "z", "a"]
    y_pred = ["b", "b", "c", "a", "a"]
    cm = confusion_matrix(y_true, y_pred, labels=["c", "a", "b"])
    assert cm.labels == ["c", "a", "b"]
    assert cm.matrix.tolist() == expected_counts(y_true, y_pred, ["c", "a", "b"])
    assert cm.total == 4
    assert any("1 sample" in m for m in cm.messages), cm.messages


def test_payload_is_valid_and_round_trips() -> None:
    cm = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], title="demo")
    payload = payload_of(cm)
    assert payload["version"] == "1.1"
    np.testing.assert_array_equal(decode(payload["matrix"]), cm.matrix)
    assert payload["total"] == 4
    assert payload["summary"]["accuracy"] == pytest.approx(0.75)
    assert payload["summary"]["macro"]["recall"] == pytest.approx((1 + 0.5 + 1) / 3)
    # every average the view shows is the report's (scikit-learn's key is "f1-score", the payload's "f1")
    for avg in ("macro", "weighted"):
        got = payload["summary"][avg]
        want = cm.report[f"{avg} avg"]
        assert [got["precision"], got["recall"], got["f1"]] == pytest.approx(
            [want["precision"], want["recall"], want["f1-score"]]
        )


def test_a_count_matrix_still_makes_an_evaluation() -> None:
    cm = ConfusionMatrix(np.array([[5, 1], [2, 7]]), ["no", "yes"], title="given")
    assert cm.accuracy == pytest.approx(12 / 15)
    assert cm.report["yes"]["precision"] == pytest.approx(7 / 8)
    assert cm.report["no"]["support"] == 6
    payload = payload_of(cm)
    np.testing.assert_array_equal(decode(payload["matrix"]), [[5, 1], [2, 7]])
    with pytest.raises(ValueError, match=r"shape \[2, 2\] does not fit 3 labels"):
        ConfusionMatrix(np.zeros((2, 2), dtype=np.int64), ["a", "b", "c"])


def test_text_fallback_is_a_readable_table() -> None:
    text = repr(confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"], title="pets"))
    lines = text.splitlines()
    assert lines[0] == "pets"
    assert lines[1] == "Confusion matrix: 2 classes, 3 samples, accuracy 66.7%"
    assert lines[2] == "macro avg: precision 0.750, recall 0.750, F1 0.667"
    assert lines[4].split() == ["cat", "dog"]
    assert lines[5].split() == ["cat", "1", "0"]
    assert lines[6].split() == ["dog", "1", "1"]


def test_many_classes_do_not_flood_the_text() -> None:
    y = list(range(100))
    text = repr(confusion_matrix(y, y))
    assert "100 classes" in text
    assert len(text.splitlines()) <= 4


def test_score_matrix_as_y_pred_is_argmaxed_and_gives_curves() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=400)
    scores = rng.random((400, 4)) + np.eye(4)[y] * 0.8
    scores /= scores.sum(axis=1, keepdims=True)
    cm = confusion_matrix(y, scores)
    np.testing.assert_array_equal(
        cm.matrix, np.asarray(expected_counts(y.tolist(), scores.argmax(1).tolist(), list(range(4))))
    )
    payload = payload_of(cm)
    names = [s["name"] for s in payload["curves"]["series"]]
    assert names[:4] == ["0", "1", "2", "3"] and "micro-average" in names and "macro-average" in names
    from sklearn.metrics import roc_auc_score

    assert cm.roc["macro"]["auc"] == pytest.approx(roc_auc_score(y, scores, multi_class="ovr"))
    curve = decode(payload["curves"]["series"][0]["roc"])
    assert curve.shape[1] == 2 and curve[0].tolist() == [0.0, 0.0] and curve[-1].tolist() == [1.0, 1.0]
    assert "threshold" not in payload  # four classes: no binary threshold slider


def test_binary_threshold_table_reproduces_the_matrix_at_every_threshold() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=500)
    p1 = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    cm = confusion_matrix(y, p1, labels=[0, 1], threshold=0.4)
    pred = (p1 >= 0.4).astype(int)
    np.testing.assert_array_equal(cm.matrix, np.asarray(expected_counts(y.tolist(), pred.tolist(), [0, 1])))
    t = payload_of(cm)["threshold"]
    thr, tp, fp = decode(t["thresholds"]), decode(t["tp"]), decode(t["fp"])
    assert t["value"] == 0.4 and t["positive"] == 1
    assert np.all(np.diff(thr) < 0)
    for i in (0, len(thr) // 3, len(thr) - 1):
        at = p1 >= thr[i]
        assert tp[i] == np.sum(at & (y == 1)) and fp[i] == np.sum(at & (y == 0))
    # the slider's starting index gives the kernel's matrix
    i = int(np.nonzero(thr >= t["value"])[0][-1])
    pos, neg = np.sum(y == 1), np.sum(y == 0)
    assert [[neg - fp[i], fp[i]], [pos - tp[i], tp[i]]] == cm.matrix.tolist()


def test_threshold_with_integer_targets_named_by_labels() -> None:
    """load_breast_cancer's 0 / 1 targets with labels=["malignant", "benign"]: the names name the codes."""
    y = np.array([0, 0, 1, 1, 1, 0])
    score = np.array([0.1, 0.7, 0.8, 0.4, 0.9, 0.2])
    cm = confusion_matrix(y, score, labels=["malignant", "benign"], threshold=0.5)
    assert cm.labels == ["malignant", "benign"]
    assert cm.matrix.tolist() == [[2, 1], [1, 2]]
    assert not any("left out" in m for m in cm.messages), cm.messages
    # the positive class's probabilities are probabilities: no "not probabilities" note about the column we made
    assert not any("not probabilities" in m for m in cm.messages), cm.messages


def test_probabilities_without_threshold_start_the_slider_at_the_argmax() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=300)
    p1 = rng.random(300)
    p1[:5] = 0.5  # ties: argmax picks class 0, so the slider must count score > 0.5
    proba = np.stack([1 - p1, p1], axis=1)
    cm = confusion_matrix(y, proba)
    t = payload_of(cm)["threshold"]
    thr, tp, fp = decode(t["thresholds"]), decode(t["tp"]), decode(t["fp"])
    i = int(np.nonzero(thr >= t["value"])[0][-1])
    pos, neg = np.sum(y == 1), np.sum(y == 0)
    assert [[neg - fp[i], fp[i]], [pos - tp[i], tp[i]]] == cm.matrix.tolist()


def test_two_models_side_by_side() -> None:
    y = ["a", "b", "c", "a", "b", "c", "a"]
    pa = ["a", "b", "b", "a", "c", "c", "a"]
    pb = ["a", "b", "c", "b", "b", "c", "d"]
    cm = confusion_matrix(y, {"small": pa, "large": pb})
    p = payload_of(cm)
    assert p["labels"] == ["a", "b", "c", "d"] and p["name"] == "small" and p["compare"]["name"] == "large"
    np.testing.assert_array_equal(decode(p["matrix"]), expected_counts(y, pa, ["a", "b", "c", "d"]))
    np.testing.assert_array_equal(decode(p["compare"]["matrix"]), expected_counts(y, pb, ["a", "b", "c", "d"]))
    assert p["compare"]["summary"]["accuracy"] == pytest.approx(5 / 7)
    other = confusion_matrix(y, pb, labels=["a", "b", "c", "d"], name="B")
    same = confusion_matrix(y, pa, labels=["a", "b", "c", "d"], name="A").compare(other)
    assert payload_of(same)["compare"]["matrix"] == p["compare"]["matrix"]
    with pytest.raises(ValueError, match="different classes"):
        confusion_matrix(y, pa).compare(other)
    assert "small:" in repr(cm) and "large:" in repr(cm)


def test_streamed_batches_update_one_output_in_place() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, size=3000)
    pred = np.where(rng.random(3000) < 0.8, y, rng.integers(0, 3, size=3000))
    shown: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    lock = threading.Lock()

    def show(b: dict[str, Any], display_id: str) -> None:
        shown.append(b)

    def update(b: dict[str, Any], display_id: str) -> None:
        with lock:
            updates.append(b)

    cm = confusion_matrix(labels=[0, 1, 2], title="streamed")
    cm._stream = Stream(cm, max_rate=20, display=show, update=update)
    cm._stream.show()
    assert decode(shown[0][MIME]["matrix"]).sum() == 0 and shown[0][MIME]["status"]["live"] is True
    for k in range(30):
        cm.update(y[k * 100 : (k + 1) * 100], pred[k * 100 : (k + 1) * 100])
        time.sleep(0.005)
    time.sleep(0.2)
    cm.close()
    assert 1 <= len(updates) < 30, "updates are throttled, not one per batch"
    final = updates[-1][MIME]
    assert problems("confusion", final) == []
    assert final["status"] == {"live": False, "batches": 30, "updated": final["status"]["updated"]}
    np.testing.assert_array_equal(decode(final["matrix"]), expected_counts(y.tolist(), pred.tolist(), [0, 1, 2]))
    np.testing.assert_array_equal(cm.matrix, confusion_matrix(y, pred).matrix)


def test_streamed_scores_give_the_same_curves_as_all_at_once() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 3, size=600)
    s = rng.random((600, 3)) + np.eye(3)[y]
    cm = confusion_matrix(labels=[0, 1, 2])
    for k in range(0, 600, 150):
        cm.update(y[k : k + 150], s[k : k + 150].argmax(1), s[k : k + 150])
    whole = confusion_matrix(y, s.argmax(1), scores=s)
    assert cm.roc["micro"]["auc"] == whole.roc["micro"]["auc"]
    np.testing.assert_array_equal(cm.pr["classes"]["2"]["precision"], whole.pr["classes"]["2"]["precision"])


def test_thousands_of_classes_are_reduced_with_a_message() -> None:
    rng = np.random.default_rng(6)
    y = rng.integers(0, 5000, size=50_000)
    pred = np.where(rng.random(50_000) < 0.6, y, rng.integers(0, 5000, size=50_000))
    cm = confusion_matrix(y, pred)
    p = payload_of(cm)
    assert len(p["labels"]) == 1000 and p["labels"][-1].startswith("other (4,001 classes")
    assert p["reduced"] == {"classes": 5000, "kept": 999}
    m = decode(p["matrix"])
    assert m.sum() == 50_000  # nothing lost: the rest is in 'other'
    assert any("5,000 classes" in x["text"] for x in p["messages"])
    assert len(json.dumps(p)) < 16_000_000
    assert p["summary"]["accuracy"] == pytest.approx(float(np.mean(y == pred)))


def test_fifty_thousand_classes_never_build_the_dense_matrix() -> None:
    rng = np.random.default_rng(7)
    y = rng.integers(0, 50_000, size=200_000)
    cm = confusion_matrix(y, y[::-1].copy())
    p = payload_of(cm)
    assert len(p["labels"]) <= 1000
    with pytest.raises(ValueError, match="GB"):
        _ = cm.matrix


def test_image_samples_travel_per_cell_most_confident_first() -> None:
    rng = np.random.default_rng(8)
    y = rng.integers(0, 3, size=300)
    s = rng.random((300, 3))
    images = rng.integers(0, 255, size=(300, 16, 16), dtype=np.uint8)
    cm = confusion_matrix(y, s, samples=images, per_cell=4)
    smp = payload_of(cm)["samples"]
    assert smp["kind"] == "image" and smp["per_cell"] == 4
    row, col, idx, score = (decode(smp[k]) for k in ("row", "col", "index", "score"))
    pred = s.argmax(1)
    np.testing.assert_array_equal(row, y[idx])
    np.testing.assert_array_equal(col, pred[idx])
    for r in range(3):
        for c in range(3):
            sel = (row == r) & (col == c)
            assert sel.sum() == min(4, int(np.sum((y == r) & (pred == c))))
            assert np.all(np.diff(score[sel]) <= 0), "most confident first"
    assert all(len(im) > 20 for im in smp["images"])


def test_text_samples() -> None:
    cm = confusion_matrix(["a", "b", "b"], ["a", "a", "b"], samples=["first <b>", "second", "third"])
    smp = payload_of(cm)["samples"]
    assert smp["kind"] == "text"
    assert sorted(smp["text"]) == ["first <b>", "second", "third"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 2], [1]), {}, "2"),
        (([], []), {}, "empty"),
        (([1], [1]), {"labels": [1, 1]}, "duplicate"),
        (([0.5, 1.7, 2.2], [1, 2, 3]), {}, "regression"),
        (([0, 1], [0, 1]), {"threshold": 0.5, "labels": [0, 1, 2]}, "binary"),
        ((None, None), {}, "labels="),
    ],
)
def test_bad_input_gets_a_clear_message(args: tuple[Any, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        confusion_matrix(*args, **kwargs)


def test_torch_tensors_that_require_grad() -> None:
    torch = pytest.importorskip("torch", reason="torch is a test dependency; the check needs it")
    logits = torch.randn(50, 3, requires_grad=True)
    y = torch.randint(0, 3, (50,))
    cm = confusion_matrix(y, logits)
    assert cm.matrix.sum() == 50
    assert logits.requires_grad and logits.grad is None
