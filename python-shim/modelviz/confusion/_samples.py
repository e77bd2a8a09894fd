"""The samples behind the cells: which to send (a few per cell, most confident mistakes first) and their thumbnails.

``as_samples`` recognises what was given (images, strings or ids; numpy, torch, TensorFlow, pandas, PIL) without
copying the whole set; ``select`` picks the indices to send; ``thumbnails`` and ``texts`` turn those indices into the
payload's strings, within a byte budget.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from .. import _png

Kind = Literal["image", "text", "id"]

TEXT_MAX: Final = 300  # characters of one text sample sent; longer ones end in "…"
_CHUNK_BYTES: Final = 16 << 20  # images converted at a time while making thumbnails
_WHAT: Final = (
    "samples must be images (an array of shape (N, H, W), (N, H, W, C) or (N, C, H, W) with C of 1, 3 or 4, "
    "uint8 or float, or a list of images), strings (one per sample) or ids (a 1-D list or array)"
)


@dataclass(frozen=True)
class SampleSet:
    """The samples as given, recognised: nothing is converted until ``thumbnails`` or ``texts`` asks for some.

    ``images``: shape (N, H, W, C) with C of 1, 3 or 4 (channel-first input is a transposed view) in the given dtype,
    with ``scale`` the (low, high) values drawn as 0 and 255 when the dtype is not uint8; or ``None`` with ``items`` a
    list of images of their own sizes (each converted and scaled on its own). ``items``: the strings or ids otherwise.
    ``notes``: what was assumed, to tell the user (how float pixels were scaled).
    """

    kind: Kind
    n: int
    images: npt.NDArray[Any] | None = None
    scale: tuple[float, float] | None = None
    items: Sequence[Any] | npt.NDArray[Any] | None = None
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- recognising the input


def _module(x: Any) -> str:
    return type(x).__module__ or ""


def _to_numpy(x: Any) -> Any:
    """numpy for torch (detached, on the CPU), TensorFlow, pandas, PIL and anything with ``__array__``; else as is."""
    mod = _module(x)
    if mod.startswith("torch"):
        t = x.detach()
        if t.device.type != "cpu":
            t = t.cpu()
        if str(t.dtype) == "torch.bfloat16":
            t = t.float()
        return t.numpy()
    if mod.startswith(("tensorflow", "tf_keras", "keras")) and hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    if mod.startswith("pandas") and hasattr(x, "to_numpy"):
        return x.to_numpy()
    if mod.startswith("PIL"):
        return _pil_array(x)
    if isinstance(x, np.ndarray) or hasattr(x, "__array__"):
        return np.asarray(x)
    return x


def _pil_array(img: Any) -> npt.NDArray[Any]:
    mode = str(getattr(img, "mode", ""))
    if mode not in ("L", "RGB", "RGBA", "I", "F", "I;16", "1"):
        alpha = "A" in mode or "transparency" in getattr(img, "info", {})
        img = img.convert("RGBA" if alpha else "RGB")
    return np.asarray(img)


def _is_image_item(x: Any) -> bool:
    mod = _module(x)
    if mod.startswith("PIL"):
        return True
    if isinstance(x, np.ndarray) or mod.startswith(("torch", "tensorflow")):
        return len(getattr(x, "shape", ())) >= 2
    return False


def _float_scale(a: npt.NDArray[Any]) -> tuple[tuple[float, float], str]:
    """(low, high) drawn as (0, 255) for float or wide-integer pixels, and the sentence that says so."""
    if a.dtype == np.bool_:
        return (0.0, 1.0), "boolean images are drawn black and white"
    if a.size == 0:
        return (0.0, 1.0), ""
    lo, hi = float(a.min()), float(a.max())  # NaN or ±inf in the set: the slower pass below
    if not (math.isfinite(lo) and math.isfinite(hi)):
        finite = a[np.isfinite(a)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if a.dtype.kind in "iu":
        if lo >= 0 and hi <= 255:
            return (0.0, 255.0), ""
        note = f"{a.dtype} images are scaled from their range [{lo:g}, {hi:g}] to 0..255"
        return (lo, hi if hi > lo else lo + 1), note
    if lo >= 0 and hi <= 1:
        return (0.0, 1.0), "float images in [0, 1] are drawn as 0..255"
    return (lo, hi if hi > lo else lo + 1), f"float images are scaled from their range [{lo:.4g}, {hi:.4g}] to 0..255"


def _channel_last(a: npt.NDArray[Any], what: str) -> npt.NDArray[Any]:
    """An image batch, (N, H, W), (N, H, W, C) or (N, C, H, W), as an (N, H, W, C) view; else TypeError."""
    if a.ndim == 3:
        return a[..., None]
    if a.ndim == 4:
        if a.shape[1] in (1, 3) and a.shape[-1] not in (1, 3, 4):
            return np.moveaxis(a, 1, -1)
        if a.shape[-1] in (1, 3, 4):
            return a
    raise TypeError(f"{what} of shape {tuple(a.shape)} are not images, strings or ids: {_WHAT}")


def _check_pixels(a: npt.NDArray[Any], what: str) -> None:
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{what} have dtype {a.dtype}; images need uint8, integer, boolean or float pixels")


def as_samples(samples: Any, n: int) -> SampleSet:
    """Recognise ``samples`` (one per prediction, ``n`` of them): images, strings or ids. See :class:`SampleSet`."""
    if samples is None or isinstance(samples, (str, bytes, dict, set, frozenset)):
        raise TypeError(f"{_WHAT}; got {type(samples).__name__}")
    a = _to_numpy(samples)
    if isinstance(a, np.ndarray):
        return _from_array(a, n)
    if not isinstance(a, Sequence):
        raise TypeError(f"{_WHAT}; got {type(samples).__module__}.{type(samples).__qualname__}")
    _check_count(len(a), n)
    if len(a) == 0:
        return SampleSet("id", 0, items=[])
    first = a[0]
    if isinstance(first, (str, bytes)):
        return SampleSet("text", n, items=a)
    if _is_image_item(first):
        return _from_image_list(a, n)
    if isinstance(first, list) and first and isinstance(first[0], list):  # nested lists of pixels
        try:
            pixels = np.asarray(a)
        except ValueError:
            raise TypeError(f"samples are nested lists of different shapes: {_WHAT}") from None
        return _from_array(pixels, n)
    return SampleSet("id", n, items=a)


def _check_count(count: int, n: int) -> None:
    if count != n:
        raise ValueError(f"samples has {count:,} items but y_true has {n:,}")


def _from_array(a: npt.NDArray[Any], n: int) -> SampleSet:
    if a.ndim == 0:
        raise TypeError(f"{_WHAT}; got a single {a.dtype} value")
    _check_count(int(a.shape[0]), n)
    if a.ndim == 1:
        if a.dtype.kind in "US":
            return SampleSet("text", n, items=a)
        if a.dtype.kind == "O" and n:
            first = a[0]
            if isinstance(first, (str, bytes)):
                return SampleSet("text", n, items=a)
            if _is_image_item(first):
                return _from_image_list(list(a), n)
        return SampleSet("id", n, items=a)
    if a.ndim == 2:
        raise TypeError(
            f"samples of shape {tuple(a.shape)} look like feature vectors, not images: {_WHAT} "
            "(a batch of one grey image needs shape (1, H, W))"
        )
    img = _channel_last(a, "samples")
    _check_pixels(img, "samples")
    if img.dtype == np.uint8:
        return SampleSet("image", n, images=img)
    scale, note = _float_scale(img)
    return SampleSet("image", n, images=img, scale=scale, notes=(note,) if note else ())


def _from_image_list(items: Sequence[Any], n: int) -> SampleSet:
    first = _image_of(items[0], 0)
    notes: tuple[str, ...] = ()
    if first.dtype != np.uint8:
        notes = (f"{first.dtype} images are scaled each from its own range to 0..255",)
    return SampleSet("image", n, items=items, notes=notes)


def _image_of(x: Any, i: int) -> npt.NDArray[Any]:
    """One image of a list as (H, W, C)."""
    got = _to_numpy(x)
    if not isinstance(got, np.ndarray):
        raise TypeError(f"samples[{i:,}] is a {type(x).__name__}, not an image like the first one")
    a: npt.NDArray[Any] = got
    if a.ndim == 2:
        a = a[:, :, None]
    elif a.ndim == 3:
        a = _channel_last(a[None], f"samples[{i:,}]")[0]
    else:
        raise TypeError(f"samples[{i:,}] has shape {tuple(a.shape)}; an image is (H, W), (H, W, C) or (C, H, W)")
    _check_pixels(a, f"samples[{i:,}]")
    return a


# ---------------------------------------------------------------- which samples to send


def select(
    t: npt.NDArray[np.integer[Any]],
    p: npt.NDArray[np.integer[Any]],
    n_classes: int,
    confidence: npt.NDArray[np.floating[Any]] | None = None,
    per_cell: int = 8,
    max_items: int = 20000,
) -> npt.NDArray[np.int64]:
    """Indices of the samples to send, grouped by cell (true ``t``, predicted ``p``; -1 is left out).

    At most ``per_cell`` per cell: the most confident first when ``confidence`` (the predicted class's score) is given
    (NaN last), else by index. Off-diagonal cells come first, most populated first, then the diagonal ones likewise;
    at most ``max_items`` in all. One sort of the kept samples.
    """
    t = np.asarray(t, dtype=np.int64)
    p = np.asarray(p, dtype=np.int64)
    if t.shape != p.shape or t.ndim != 1:
        raise ValueError(f"t and p must be 1-D of one length, got shapes {t.shape} and {p.shape}")
    if per_cell < 1 or max_items < 1:
        return np.zeros(0, dtype=np.int64)
    keep = (t >= 0) & (p >= 0)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    if idx.size == t.size:
        cell = t * n_classes + p
    else:
        cell = t[idx] * n_classes + p[idx]
    top = int(max(t.max(), p.max()))
    if top >= n_classes:
        raise ValueError(f"class index {top:,} out of range for {n_classes:,} classes")
    if confidence is None:
        order = np.argsort(cell, kind="stable")
    else:
        c = np.asarray(confidence, dtype=np.float64)
        if c.shape != t.shape:
            raise ValueError(f"confidence has shape {c.shape}, t has {t.shape}")
        c = c if idx.size == t.size else c[idx]
        if n_classes * n_classes < 1 << 32:
            order = np.argsort((cell.astype(np.uint64) << np.uint64(32)) | _descending_key(c), kind="stable")
        else:
            key = -c
            key[np.isnan(key)] = np.inf
            order = np.lexsort((key, cell))
    sorted_cell = cell[order]
    starts = np.flatnonzero(np.r_[True, sorted_cell[1:] != sorted_cell[:-1]])
    counts = np.diff(np.r_[starts, sorted_cell.size])
    ids = sorted_cell[starts]
    diagonal = ids // n_classes == ids % n_classes
    cells = np.lexsort((ids, -counts, diagonal))  # off-diagonal first, most populated first, then by cell
    take = np.minimum(counts[cells], per_cell)
    ends = np.cumsum(take)
    if ends[-1] > max_items:
        last = int(np.searchsorted(ends, max_items))  # the cell in which max_items is reached
        take = take[: last + 1].copy()
        take[-1] -= int(ends[last]) - max_items
        cells = cells[: last + 1]
        ends = np.cumsum(take)
    total = int(ends[-1])
    within = np.arange(total, dtype=np.int64) - np.repeat(ends - take, take)
    rows = np.repeat(starts[cells], take) + within
    out: npt.NDArray[np.int64] = idx[order[rows]].astype(np.int64, copy=False)
    return out


def _descending_key(x: npt.NDArray[np.float64]) -> npt.NDArray[np.uint64]:
    """uint32 keys (as uint64) that sort float32(x) from highest to lowest, NaN last.

    The scores are sent as float32, so their order is the order the user reads. An IEEE float's bits, sign bit flipped
    for positives and all bits flipped for negatives, sort as unsigned integers in the floats' order; inverted, they
    sort from the highest.
    """
    with np.errstate(over="ignore"):
        f = x.astype(np.float32) + np.float32(0.0)  # -0.0 becomes 0.0; beyond float32: ±inf
    bits = f.view(np.uint32)
    ascending = np.where(bits >> np.uint32(31), ~bits, bits | np.uint32(0x80000000))
    key = (~ascending).astype(np.uint64)
    key[np.isnan(f)] = np.uint64(0xFFFFFFFF)
    return key


# ---------------------------------------------------------------- what is sent for them


def _downscale(batch: npt.NDArray[Any], max_side: int) -> npt.NDArray[Any]:
    """Images (K, H, W, C) shrunk by the integer factor f that brings the longest side to ``max_side`` or less.

    Pixels are averaged in f-by-f blocks (the last row and column of blocks may be narrower and average what they
    hold); never enlarged. The sums add f strided slices per axis (several times faster than a mean over a 6-D
    reshape). Returns float32 when shrunk, the input otherwise.
    """
    k, h, w, c = (int(n) for n in batch.shape)
    f = math.ceil(max(h, w) / max_side)
    if f <= 1:
        return batch
    oh, ow = -(-h // f), -(-w // f)
    rows = np.zeros((k, oh, w, c), dtype=np.float32)
    for i in range(min(f, h)):
        part = batch[:, i::f]
        rows[:, : part.shape[1]] += part
    out = np.zeros((k, oh, ow, c), dtype=np.float32)
    for j in range(min(f, w)):
        part = rows[:, :, j::f]
        out[:, :, : part.shape[2]] += part
    area = np.minimum(f, h - np.arange(oh) * f)[:, None] * np.minimum(f, w - np.arange(ow) * f)[None, :]
    out /= area.astype(np.float32)[None, :, :, None]
    return out


def _to_uint8(x: npt.NDArray[Any], scale: tuple[float, float] | None) -> npt.NDArray[np.uint8]:
    if scale is None:
        if x.dtype == np.uint8:
            return x
        return np.asarray(np.clip(np.rint(x), 0, 255), dtype=np.uint8)
    lo, hi = scale
    y = (x.astype(np.float32, copy=False) - np.float32(lo)) * np.float32(255.0 / (hi - lo))
    y = np.nan_to_num(y, nan=0.0, posinf=255.0, neginf=0.0)
    return np.asarray(np.clip(np.rint(y), 0, 255), dtype=np.uint8)


def _batches(s: SampleSet, indices: npt.NDArray[np.int64], max_side: int) -> Any:
    """(positions in ``indices``, (K, h, w, C) uint8 thumbnails) a chunk at a time."""
    if s.images is not None:
        images = s.images
        per = max(1, int(np.prod(images.shape[1:])) * max(4, images.dtype.itemsize))
        step = max(1, _CHUNK_BYTES // per)
        for at in range(0, indices.size, step):
            sub = images[indices[at : at + step]]
            yield range(at, at + sub.shape[0]), _to_uint8(_downscale(sub, max_side), s.scale)
        return
    items = s.items if s.items is not None else []
    for j, i in enumerate(indices.tolist()):
        a = _image_of(items[i], i)[None]
        scale = None if a.dtype == np.uint8 else _float_scale(a)[0]
        yield range(j, j + 1), _to_uint8(_downscale(a, max_side), scale)


def thumbnails(
    s: SampleSet,
    indices: npt.ArrayLike,
    max_side: int = 64,
    budget_bytes: int = 3_000_000,
    priority: npt.ArrayLike | None = None,
) -> tuple[list[str], int]:
    """Base64 PNG thumbnails of the samples at ``indices``, made in order within ``budget_bytes`` of base64.

    Each is shrunk so that its longest side is at most ``max_side`` (see ``_downscale``). Those past the budget get ''
    and their count is returned with the list. ``priority`` (a permutation of ``range(len(indices))``, for example
    ``round_robin(rows, cols)``) changes the order in which the budget is spent, not the order of the list.
    """
    if s.kind != "image":
        raise TypeError(f"thumbnails() takes image samples; these are {s.kind}s (use texts())")
    idx = np.asarray(indices, dtype=np.int64).reshape(-1)
    spend = np.arange(idx.size) if priority is None else np.asarray(priority, dtype=np.int64).reshape(-1)
    if spend.size != idx.size:
        raise ValueError(f"priority has {spend.size:,} positions for {idx.size:,} indices")
    out = [""] * idx.size
    spent = 0
    done = 0
    for positions, batch in _batches(s, idx[spend], max_side):
        for j, img in zip(positions, batch, strict=True):
            png = _png.encode_base64(img)
            if spent + len(png) > budget_bytes:
                return out, idx.size - done
            out[int(spend[j])] = png
            spent += len(png)
            done += 1
    return out, 0


def round_robin(rows: npt.ArrayLike, cols: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Positions of a selection grouped by cell (as ``select`` returns it): every first one, then every second...

    Given to ``thumbnails(priority=...)``, a budget too small for all shows one example of as many cells as it can
    (cells in the selection's order: the most populated mistakes first) before a second of any.
    """
    r = np.asarray(rows).reshape(-1)
    c = np.asarray(cols).reshape(-1)
    if r.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])])
    rank = np.arange(r.size) - np.repeat(starts, np.diff(np.r_[starts, r.size]))
    out: npt.NDArray[np.int64] = np.argsort(rank, kind="stable").astype(np.int64)
    return out


def _text_of(x: Any) -> str:
    if isinstance(x, bytes):
        s = x.decode("utf-8", errors="replace")
    elif isinstance(x, str):
        s = x
    else:
        if hasattr(x, "item") and getattr(x, "ndim", None) == 0:
            x = x.item()  # numpy / torch scalars print as their value
        s = str(x)
    return s if len(s) <= TEXT_MAX else s[: TEXT_MAX - 1] + "…"


def texts(s: SampleSet, indices: npt.ArrayLike) -> list[str]:
    """The text (text kind) or id (id kind) of the samples at ``indices``, each at most ``TEXT_MAX`` characters."""
    if s.kind == "image" or s.items is None:
        raise TypeError("texts() takes text or id samples; these are images (use thumbnails())")
    items = s.items
    return [_text_of(items[i]) for i in np.asarray(indices, dtype=np.int64).reshape(-1).tolist()]
