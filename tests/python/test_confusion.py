from __future__ import annotations

import numpy as np
import pytest
from modelviz import ConfusionMatrix, confusion_matrix
from modelviz._tensor import decode

from .conftest import problems

MIME = "application/vnd.modelviz.confusion.v1+json"


def expected_counts(y_true: list[object], y_pred: list[object], labels: list[object]) -> list[list[int]]:
    """The definition, counted one pair at a time (independent of the vectorised implementation)."""
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        if t in labels and p in labels:
            m[labels.index(t)][labels.index(p)] += 1
    return m


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


def test_payload_is_valid_and_round_trips() -> None:
    cm = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], title="demo")
    bundle = cm._repr_mimebundle_()
    assert set(bundle) == {MIME, "text/plain"}
    payload = bundle[MIME]
    assert problems("confusion", payload) == []
    assert payload["version"] == "1.0"
    np.testing.assert_array_equal(decode(payload["matrix"]), cm.matrix)
    assert payload["total"] == 4


def test_text_fallback_is_a_readable_table() -> None:
    text = repr(confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"], title="pets"))
    lines = text.splitlines()
    assert lines[0] == "pets"
    assert lines[1] == "Confusion matrix: 2 classes, 3 samples, accuracy 66.7%"
    assert lines[3].split() == ["cat", "dog"]
    assert lines[4].split() == ["cat", "1", "0"]
    assert lines[5].split() == ["dog", "1", "1"]


def test_many_classes_do_not_flood_the_text() -> None:
    y = list(range(100))
    text = repr(confusion_matrix(y, y))
    assert "100 classes" in text
    assert len(text.splitlines()) <= 3


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 2], [1]), {}, "y_true has 2 items but y_pred has 1"),
        (([], []), {}, "empty and no labels"),
        (([1], [1]), {"labels": []}, "labels is empty"),
        (([1], [1]), {"labels": [1, 1]}, "duplicates"),
    ],
)
def test_bad_input_gets_a_clear_message(
    args: tuple[list[int], list[int]], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        confusion_matrix(*args, **kwargs)  # type: ignore[arg-type]


def test_matrix_must_fit_labels() -> None:
    with pytest.raises(ValueError, match=r"shape \[2, 2\] does not fit 3 labels"):
        ConfusionMatrix(np.zeros((2, 2), dtype=np.int64), ["a", "b", "c"])
