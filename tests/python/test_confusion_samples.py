"""The samples behind the cells: recognising them, choosing which to send, thumbnails (and the PNG encoder under them).

PNGs are decoded with Pillow (a test-only dependency), independent of the encoder.
"""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import numpy as np
import pytest
from modelviz import _png
from modelviz.confusion._samples import TEXT_MAX, SampleSet, as_samples, round_robin, select, texts, thumbnails
from PIL import Image

RNG = np.random.default_rng(3)


def decode(png: bytes | str) -> np.ndarray:
    raw = base64.b64decode(png) if isinstance(png, str) else png
    with Image.open(io.BytesIO(raw)) as img:
        img.load()
        return np.asarray(img)


# ---------------------------------------------------------------- PNG


@pytest.mark.parametrize("channels", [None, 1, 3, 4])
@pytest.mark.parametrize("filter", ["auto", "none", "sub", "up", "paeth"])
@pytest.mark.parametrize("size", [(1, 1), (5, 7), (33, 20)])
def test_png_decodes_to_the_same_pixels(channels: int | None, filter: Any, size: tuple[int, int]) -> None:
    shape = size if channels is None else (*size, channels)
    a = RNG.integers(0, 256, shape, dtype=np.uint8)
    b = decode(_png.encode(a, filter=filter))
    expected = a[:, :, 0] if channels == 1 else a
    assert b.shape == expected.shape
    assert np.array_equal(b, expected)


def test_png_of_a_smooth_picture_is_small_and_exact() -> None:
    y, x = np.mgrid[0:64, 0:64]
    a = np.stack([x * 4, y * 4, (x + y) * 2], axis=-1).astype(np.uint8)
    png = _png.encode(a)
    assert np.array_equal(decode(png), a)
    assert len(png) < 64 * 64 * 3 / 10  # a gradient predicted by the Paeth filter compresses well


def test_png_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError, match="uint8"):
        _png.encode(np.zeros((4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"\(H, W, 3\) or \(H, W, 4\), not \(4, 4, 2\)"):
        _png.encode(np.zeros((4, 4, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match="at least one pixel"):
        _png.encode(np.zeros((0, 4), dtype=np.uint8))


# ---------------------------------------------------------------- recognising samples


def test_grey_channel_last_and_channel_first_are_recognised() -> None:
    grey = RNG.integers(0, 256, (6, 10, 12), dtype=np.uint8)
    s = as_samples(grey, 6)
    assert s.kind == "image" and s.images is not None and s.images.shape == (6, 10, 12, 1)

    last = RNG.integers(0, 256, (6, 10, 12, 3), dtype=np.uint8)
    s = as_samples(last, 6)
    assert s.images is not None and np.shares_memory(s.images, last) and s.images.shape == (6, 10, 12, 3)

    first = RNG.integers(0, 256, (6, 3, 10, 12), dtype=np.uint8)
    s = as_samples(first, 6)
    assert s.images is not None and s.images.shape == (6, 10, 12, 3)
    assert s.images[4, 7, 2, 1] == first[4, 1, 7, 2]

    one = RNG.integers(0, 256, (6, 1, 10, 12), dtype=np.uint8)
    s = as_samples(one, 6)
    assert s.images is not None and s.images.shape == (6, 10, 12, 1)

    # channel-last wins when the last axis could be channels too
    both = RNG.integers(0, 256, (6, 3, 10, 4), dtype=np.uint8)
    s = as_samples(both, 6)
    assert s.images is not None and s.images.shape == (6, 3, 10, 4)


def test_thumbnails_keep_the_pixels_and_colours() -> None:
    rgb = RNG.integers(0, 256, (4, 3, 9, 11), dtype=np.uint8)  # channel-first
    s = as_samples(rgb, 4)
    pics, dropped = thumbnails(s, [2, 0])
    assert dropped == 0
    assert np.array_equal(decode(pics[0]), rgb[2].transpose(1, 2, 0))
    assert np.array_equal(decode(pics[1]), rgb[0].transpose(1, 2, 0))
    rgba = RNG.integers(0, 256, (2, 5, 6, 4), dtype=np.uint8)
    assert np.array_equal(decode(thumbnails(as_samples(rgba, 2), [1])[0][0]), rgba[1])
    grey = RNG.integers(0, 256, (2, 5, 6), dtype=np.uint8)
    assert np.array_equal(decode(thumbnails(as_samples(grey, 2), [1])[0][0]), grey[1])


def test_float_images_in_0_1_are_scaled_to_0_255() -> None:
    a = RNG.random((3, 8, 8)).astype(np.float32)
    s = as_samples(a, 3)
    assert s.notes == ("float images in [0, 1] are drawn as 0..255",)
    got = decode(thumbnails(s, [1])[0][0])
    assert np.array_equal(got, np.rint(a[1] * 255).astype(np.uint8))


def test_other_float_images_are_scaled_from_their_own_range() -> None:
    a = RNG.normal(size=(3, 3, 8, 8))
    a[0, 0, 0, 0], a[2, 1, 1, 1] = -4.0, 6.0  # the whole set's range, not each image's
    a[1, 2, 3, 4] = np.nan  # drawn black
    s = as_samples(a, 3)
    assert s.notes == ("float images are scaled from their range [-4, 6] to 0..255",)
    got = decode(thumbnails(s, [1])[0][0])
    want = np.rint(np.nan_to_num((a[1].transpose(1, 2, 0) + 4) / 10 * 255, nan=0)).astype(np.uint8)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1  # float32 arithmetic may round the other way
    assert got[3, 4, 2] == 0


def test_integer_images_within_0_255_are_not_stretched_and_wider_ones_are() -> None:
    a = RNG.integers(10, 200, (2, 4, 4)).astype(np.int64)
    s = as_samples(a, 2)
    assert s.notes == ()
    assert np.array_equal(decode(thumbnails(s, [0])[0][0]), a[0].astype(np.uint8))
    wide = np.zeros((1, 2, 2), dtype=np.uint16)
    wide[0, 1, 1] = 4000
    s = as_samples(wide, 1)
    assert "uint16 images are scaled from their range [0, 4000]" in s.notes[0]
    assert decode(thumbnails(s, [0])[0][0]).tolist() == [[0, 0], [0, 255]]


def test_downscaling_averages_blocks_and_never_enlarges() -> None:
    big = RNG.integers(0, 256, (1, 128, 96, 3), dtype=np.uint8)
    got = decode(thumbnails(as_samples(big, 1), [0], max_side=64)[0][0])
    want = np.rint(big[0].reshape(64, 2, 48, 2, 3).astype(np.float64).mean(axis=(1, 3)))
    assert got.shape == (64, 48, 3)
    assert np.abs(got - want).max() <= 1

    odd = RNG.integers(0, 256, (1, 65, 10), dtype=np.uint8)  # factor 2: 33 rows, the last one a single source row
    got = decode(thumbnails(as_samples(odd, 1), [0], max_side=64)[0][0])
    assert got.shape == (33, 5)
    assert np.abs(got[-1].astype(int) - np.rint(odd[0, 64].reshape(5, 2).mean(axis=1))).max() <= 1
    assert np.abs(got[0].astype(int) - np.rint(odd[0, :2].reshape(2, 5, 2).mean(axis=(0, 2)))).max() <= 1

    small = RNG.integers(0, 256, (1, 10, 20), dtype=np.uint8)
    assert decode(thumbnails(as_samples(small, 1), [0], max_side=64)[0][0]).shape == (10, 20)


def test_downscaling_equals_block_means_with_partial_edges() -> None:
    a = RNG.integers(0, 256, (2, 71, 46, 3), dtype=np.uint8)  # max_side 16: factor 5, 15 x 10 blocks, edges of 1
    got = decode(thumbnails(as_samples(a, 2), [1], max_side=16)[0][0])
    want = np.array(
        [[a[1, r : r + 5, c : c + 5].reshape(-1, 3).mean(axis=0) for c in range(0, 46, 5)] for r in range(0, 71, 5)]
    )
    assert got.shape == (15, 10, 3)
    assert np.abs(got - np.rint(want)).max() <= 1


def test_the_byte_budget_is_respected_and_the_dropped_counted() -> None:
    a = RNG.integers(0, 256, (10, 16, 16, 3), dtype=np.uint8)
    s = as_samples(a, 10)
    alone = [len(thumbnails(s, [i])[0][0]) for i in range(10)]
    order = [5, 1, 7, 0, 2, 3]
    budget = alone[5] + alone[1] + alone[7] + alone[0] // 2
    pics, dropped = thumbnails(s, order, budget_bytes=budget)
    assert [bool(p) for p in pics] == [True, True, True, False, False, False]
    assert dropped == 3
    assert sum(len(p) for p in pics) <= budget
    pics, dropped = thumbnails(s, order, budget_bytes=10**9)
    assert all(pics) and dropped == 0
    pics, dropped = thumbnails(s, order, budget_bytes=0)
    assert pics == [""] * 6 and dropped == 6


def test_round_robin_spends_a_small_budget_on_as_many_cells_as_it_can() -> None:
    rows = np.array([1, 1, 1, 0, 0, 2, 0])
    cols = np.array([0, 0, 0, 1, 1, 1, 0])
    assert round_robin(rows, cols).tolist() == [0, 3, 5, 6, 1, 4, 2]
    assert round_robin([], []).tolist() == []
    a = np.zeros((7, 8, 8), dtype=np.uint8)  # all the same size
    s = as_samples(a, 7)
    one = len(thumbnails(s, [0])[0][0])
    pics, dropped = thumbnails(s, np.arange(7), budget_bytes=4 * one, priority=round_robin(rows, cols))
    assert [bool(p) for p in pics] == [True, False, False, True, False, True, True]
    assert dropped == 3
    with pytest.raises(ValueError, match="priority has 2 positions for 7 indices"):
        thumbnails(s, np.arange(7), priority=[0, 1])


def test_nested_lists_of_pixels_are_images() -> None:
    s = as_samples([[[0, 255], [255, 0]], [[1, 2], [3, 4]]], 2)
    assert s.kind == "image"
    assert decode(thumbnails(s, [0])[0][0]).tolist() == [[0, 255], [255, 0]]
    with pytest.raises(TypeError, match="nested lists of different shapes"):
        as_samples([[[0, 1], [2]], [[1, 2], [3, 4]]], 2)


def test_strings_are_texts_cut_at_300_characters() -> None:
    long = "x" * 1000
    s = as_samples(["a cat", long, "ünïcode"], 3)
    assert s.kind == "text"
    got = texts(s, [1, 0, 2])
    assert got[0] == "x" * (TEXT_MAX - 1) + "…" and len(got[0]) == TEXT_MAX
    assert got[1:] == ["a cat", "ünïcode"]
    assert texts(as_samples(np.array(["ab", "cd"]), 2), [1]) == ["cd"]
    assert texts(as_samples([b"by\xfftes", b"b"], 2), [0]) == ["by\ufffdtes"]


def test_pandas_strings_and_numbers() -> None:
    import pandas as pd

    assert texts(as_samples(pd.Series(["p", "q", "r"]), 3), [2]) == ["r"]
    s = as_samples(pd.Series([10, 20, 30]), 3)
    assert s.kind == "id" and texts(s, [1]) == ["20"]


def test_other_one_dimensional_samples_are_ids() -> None:
    s = as_samples(np.arange(100, 105), 5)
    assert s.kind == "id"
    assert texts(s, [4, 0]) == ["104", "100"]
    assert texts(as_samples([("img", 1), ("img", 2)], 2), [1]) == ["('img', 2)"]
    assert texts(as_samples([np.int64(7), np.int64(8)], 2), [0]) == ["7"]


def test_torch_samples_that_require_grad() -> None:
    import torch

    x = torch.rand(5, 3, 8, 8, requires_grad=True)
    y = x * 1  # a non-leaf tensor in a graph
    s = as_samples(y, 5)
    assert s.kind == "image" and s.images is not None and s.images.shape == (5, 8, 8, 3)
    got = decode(thumbnails(s, [3])[0][0])
    want = np.rint(x.detach().numpy()[3].transpose(1, 2, 0) * 255)
    assert np.abs(got - want).max() <= 1
    ids = torch.arange(5) * 10
    assert texts(as_samples(ids, 5), [2]) == ["20"]
    assert texts(as_samples(list(ids), 5), [3]) == ["30"]  # 0-d tensors print as their value
    bf = torch.rand(2, 4, 4, dtype=torch.bfloat16, requires_grad=True)
    assert as_samples(bf, 2).kind == "image"


def test_tensorflow_samples() -> None:
    import tensorflow as tf

    x = tf.random.uniform((3, 6, 6, 1))
    s = as_samples(x, 3)
    assert s.kind == "image"
    got = decode(thumbnails(s, [0])[0][0])
    assert np.abs(got - np.rint(x.numpy()[0, :, :, 0] * 255)).max() <= 1
    assert texts(as_samples(tf.constant(["a", "b"]), 2), [1]) == ["b"]


def test_a_list_of_pil_images_of_different_sizes_and_modes() -> None:
    rgb = RNG.integers(0, 256, (7, 9, 3), dtype=np.uint8)
    grey = RNG.integers(0, 256, (100, 40), dtype=np.uint8)
    pal = Image.fromarray(rgb).convert("P")
    imgs = [Image.fromarray(rgb), Image.fromarray(grey), pal]
    s = as_samples(imgs, 3)
    assert s.kind == "image"
    pics, dropped = thumbnails(s, [0, 1, 2])
    assert dropped == 0
    assert np.array_equal(decode(pics[0]), rgb)
    assert decode(pics[1]).shape == (50, 20)
    assert np.array_equal(decode(pics[2]), np.asarray(pal.convert("RGB")))
    # a list of arrays works the same way
    assert np.array_equal(decode(thumbnails(as_samples([grey, rgb], 2), [1])[0][0]), rgb)


def test_the_wrong_count_says_both_counts() -> None:
    with pytest.raises(ValueError, match=r"^samples has 999 items but y_true has 1,000$"):
        as_samples(np.zeros(999), 1000)
    with pytest.raises(ValueError, match=r"^samples has 2 items but y_true has 3$"):
        as_samples(["a", "b"], 3)
    with pytest.raises(ValueError, match=r"samples has 4 items but y_true has 5"):
        as_samples(np.zeros((4, 8, 8)), 5)


@pytest.mark.parametrize(
    ("samples", "said"),
    [
        ({"a": 1}, "got dict"),
        ({1, 2}, "got set"),
        ("abc", "got str"),
        (None, "got NoneType"),
        (3.5, "got builtins.float"),
        (np.float64(2.0), "got a single float64 value"),
        (np.zeros((4, 10)), "look like feature vectors"),
        (np.zeros((4, 8, 8, 2)), "shape (4, 8, 8, 2) are not images"),
        (np.zeros((4, 2, 2, 2, 2)), "are not images"),
        (np.zeros((4, 8, 8), dtype=complex), "images need uint8"),
        ([np.zeros((4, 4)), "text"], "samples[1] is a str"),
    ],
)
def test_the_wrong_type_says_what_is_expected(samples: Any, said: str) -> None:
    with pytest.raises(TypeError, match=r"images|samples") as e:
        s = as_samples(samples, 4 if not isinstance(samples, (list, set, dict, str)) else len(samples))
        thumbnails(s, [1])  # a list's other items are read when their thumbnail is made
    assert said in str(e.value)


def test_the_kind_decides_which_function_applies() -> None:
    with pytest.raises(TypeError, match="use texts"):
        thumbnails(as_samples(["a"], 1), [0])
    with pytest.raises(TypeError, match="use thumbnails"):
        texts(as_samples(np.zeros((1, 2, 2)), 1), [0])
    assert isinstance(as_samples([], 0), SampleSet)


# ---------------------------------------------------------------- choosing which to send


def reference(
    t: np.ndarray, p: np.ndarray, n: int, conf: np.ndarray | None, per_cell: int, max_items: int
) -> list[int]:
    """The rule written out one cell at a time."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (a, b) in enumerate(zip(t.tolist(), p.tolist(), strict=True)):
        if a >= 0 and b >= 0:
            cells.setdefault((a, b), []).append(i)

    def within(i: int) -> tuple[float, int]:
        if conf is None:
            return (0.0, i)
        c = float(np.float32(conf[i]))
        return (np.inf if np.isnan(c) else -c, i)

    keys = sorted(cells, key=lambda k: (k[0] == k[1], -len(cells[k]), k[0] * n + k[1]))
    out: list[int] = []
    for k in keys:
        out += sorted(cells[k], key=within)[:per_cell]
    return out[:max_items]


def test_selection_by_index_without_confidence() -> None:
    t = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, -1])
    p = np.array([0, 1, 1, 1, 0, 0, 0, 2, 1, 0])
    # cells: (1,0)x3 [4,5,6], (0,1)x2 [1,2], (2,1)x1 [8], then diagonal (0,0)[0], (1,1)[3], (2,2)[7] by cell
    assert select(t, p, 3).tolist() == [4, 5, 6, 1, 2, 8, 0, 3, 7]
    assert select(t, p, 3, per_cell=2).tolist() == [4, 5, 1, 2, 8, 0, 3, 7]
    assert select(t, p, 3, max_items=4).tolist() == [4, 5, 6, 1]


def test_selection_puts_the_most_confident_first() -> None:
    t = np.array([0, 0, 0, 0, 1, 1])
    p = np.array([1, 1, 1, 1, 1, 1])
    conf = np.array([0.2, np.nan, 0.9, 0.5, 0.3, 0.8])
    assert select(t, p, 2, confidence=conf).tolist() == [2, 3, 0, 1, 5, 4]
    assert select(t, p, 2, confidence=conf, per_cell=2).tolist() == [2, 3, 5, 4]
    ties = np.array([1.0, 1.0, -0.0, 0.0, 0.5, 0.5])  # equal scores keep the sample order
    assert select(t, p, 2, confidence=ties).tolist() == [0, 1, 2, 3, 4, 5]
    neg = np.array([-1.0, -3.0, 2.0, -2.0, 1e300, -1e300])  # any sign; beyond float32 is ±inf
    assert select(t, p, 2, confidence=neg).tolist() == [2, 0, 3, 1, 4, 5]


@pytest.mark.parametrize("with_conf", [False, True])
def test_selection_equals_the_rule_on_random_data(with_conf: bool) -> None:
    n = 7
    t = RNG.integers(-1, n, 3000)
    p = np.where(RNG.random(3000) < 0.6, t, RNG.integers(-1, n, 3000))
    conf = np.round(RNG.random(3000), 2) if with_conf else None  # rounded: many ties
    if conf is not None:
        conf[RNG.random(3000) < 0.05] = np.nan
    for per_cell, max_items in [(8, 20000), (1, 20000), (50, 130), (3000, 100000)]:
        got = select(t, p, n, confidence=conf, per_cell=per_cell, max_items=max_items)
        assert got.dtype == np.int64
        assert got.tolist() == reference(t, p, n, conf, per_cell, max_items)
        kept = got.tolist()
        assert all(t[i] >= 0 and p[i] >= 0 for i in kept)
        cells = np.bincount(t[got] * n + p[got], minlength=n * n)
        assert cells.max() <= per_cell


def test_selection_with_many_classes_sorts_by_both_keys() -> None:
    n = 70_000  # n² beyond 32 bits: the two-key sort
    t = RNG.integers(0, 3, 500) * 30_000
    p = np.where(RNG.random(500) < 0.5, t, RNG.integers(0, 3, 500) * 30_001)
    conf = np.round(RNG.random(500), 1)
    got = select(t, p, n, confidence=conf, per_cell=5)
    assert got.tolist() == reference(t, p, n, conf, 5, 20000)


def test_selection_of_nothing_and_bad_input() -> None:
    assert select(np.array([-1, 0]), np.array([0, -1]), 2).tolist() == []
    assert select(np.zeros(0, np.int64), np.zeros(0, np.int64), 2).tolist() == []
    with pytest.raises(ValueError, match="out of range for 2 classes"):
        select(np.array([0, 2]), np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="one length"):
        select(np.array([0, 1]), np.array([0]), 2)


def test_speed_of_selection_and_thumbnails() -> None:
    """Targets (1M samples: 0.2 s; 1,000 28x28 thumbnails: 0.3 s) with headroom for a shared, busy test machine."""
    n, size = 1000, 1_000_000
    t = RNG.integers(0, n, size)
    p = np.where(RNG.random(size) < 0.7, t, RNG.integers(0, n, size))
    conf = RNG.random(size)
    start = time.perf_counter()
    idx = select(t, p, n, confidence=conf)
    took = time.perf_counter() - start
    assert idx.size == 20000
    assert took < 1.0, f"select took {took:.2f} s for 1M samples"

    digits = np.zeros((1000, 28, 28), dtype=np.uint8)
    digits[:, 6:22, 9:19] = RNG.integers(0, 256, (1000, 16, 10))
    s = as_samples(digits, 1000)
    start = time.perf_counter()
    pics, dropped = thumbnails(s, np.arange(1000))
    took = time.perf_counter() - start
    assert dropped == 0 and all(pics)
    assert took < 1.5, f"1,000 thumbnails took {took:.2f} s"
