"""Turning what people pass (tensors, arrays, tokenizer output) into what the view shows: display images as uint8
[n, h, w, c], attribution maps per image, tokens with their sub-word joins."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

MAX_MAP = 224
MAX_TOKENS = 4096


def to_numpy(x: Any, name: str) -> npt.NDArray[Any]:
    mod = type(x).__module__ or ""
    if mod.startswith("torch"):
        t = x.detach().cpu()
        return np.asarray(t.float().numpy() if t.is_floating_point() else t.numpy())
    if mod.startswith(("tensorflow", "keras")) and hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be read as an array ({type(x).__name__})") from exc


def display_images(x: npt.NDArray[Any], channels_first: bool, messages: list[str]) -> npt.NDArray[np.uint8]:
    """[n, h, w, c] uint8 (c 1 or 3) from images as the model saw them: [0, 1] floats scaled, 0..255 kept,
    anything else (normalised inputs) min-max scaled per image, and said."""
    a = np.asarray(x)
    if a.ndim == 3:
        a = a[None]
    if a.ndim != 4:
        raise ValueError(f"images must be (N, C, H, W) or (N, H, W, C), got shape {list(a.shape)}")
    if channels_first:
        a = np.transpose(a, (0, 2, 3, 1))
    c = a.shape[-1]
    if c not in (1, 3):
        a = a.mean(axis=-1, keepdims=True)
        messages.append(f"images have {c} channels: shown as their mean (grey)")
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    f = a.astype(np.float64)
    if not np.isfinite(f).all():
        f = np.nan_to_num(f)
    lo, hi = float(f.min()), float(f.max())
    if lo >= 0 and hi <= 1:
        out = f * 255
    elif lo >= 0 and hi <= 255 and hi > 1:
        out = f
    else:
        flat = f.reshape(len(f), -1)
        mn = flat.min(1).reshape(-1, 1, 1, 1)
        mx = flat.max(1).reshape(-1, 1, 1, 1)
        out = (f - mn) / np.where(mx > mn, mx - mn, 1) * 255
        messages.append("images are shown min-max scaled per image (the inputs are normalised)")
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def reduce_channels(values: npt.NDArray[Any], method: str) -> npt.NDArray[np.float32]:
    """[n, C, H, W] attributions as one map per image: saliency-style methods by the channels' largest absolute
    value, signed ones (IG, occlusion, SHAP) by the channels' sum."""
    v = np.asarray(values, dtype=np.float32)
    if v.ndim == 3:
        return v
    out = np.abs(v).max(axis=1) if method in ("saliency", "smoothgrad") else v.sum(axis=1)
    return np.asarray(out, dtype=np.float32)


def shrink(m: npt.NDArray[np.float32], messages: list[str]) -> npt.NDArray[np.float32]:
    """A map no larger than 224 x 224 (area average over whole blocks): the renderer stretches it over the image."""
    h, w = m.shape
    k = max(1, -(-max(h, w) // MAX_MAP))
    if k == 1:
        return m.astype(np.float32)
    hh, ww = h // k * k, w // k * k
    out = np.asarray(m[:hh, :ww].reshape(hh // k, k, ww // k, k).mean(axis=(1, 3)), dtype=np.float32)
    messages.append(f"maps averaged over {k}x{k} blocks for sending ({h}x{w} -> {out.shape[0]}x{out.shape[1]})")
    return out


def tokens_and_joins(tokens: list[str]) -> tuple[list[str], list[bool]]:
    """Tokens as shown and whether each continues the previous word: WordPiece '##', byte-level BPE 'Ġ' and
    SentencePiece '▁' markers are turned into joins."""
    toks = [str(t) for t in tokens]
    if any(t.startswith("##") for t in toks):
        return [t[2:] if t.startswith("##") else t for t in toks], [t.startswith("##") for t in toks]
    for mark in ("\u0120", "\u2581"):
        if any(t.startswith(mark) for t in toks):
            joins = [i > 0 and not t.startswith(mark) for i, t in enumerate(toks)]
            return [t[1:] if t.startswith(mark) else t for t in toks], joins
    return toks, [False] * len(toks)


def token_lists(tokens: Any) -> list[list[str]]:
    """``tokens`` for one text (a list of strings) or several (a list of lists), as a list of lists."""
    items = list(tokens)
    if items and isinstance(items[0], str):
        return [[str(t) for t in items]]
    return [[str(t) for t in row] for row in items]
