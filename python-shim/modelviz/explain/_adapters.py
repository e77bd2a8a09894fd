"""What other explainers produce, as an :class:`Explanation`: SHAP's ``Explanation`` (tabular, image, text),
InterpretML's explanation objects (global importance, local rows), Captum attribution tensors with their inputs,
and plain arrays. Nothing here imports shap, captum or interpret: objects are recognised by their module and read
through their public attributes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._inputs import MAX_TOKENS, display_images, reduce_channels, shrink, to_numpy, token_lists, tokens_and_joins
from ._object import Explanation, ImageMap, Tabular, TextRow


def _outputs(names: Sequence[Any] | None, count: int, base: npt.NDArray[Any] | None = None) -> list[dict[str, Any]]:
    labels = (
        [str(x) for x in names] if names is not None and len(names) == count else [f"output {i}" for i in range(count)]
    )
    outs: list[dict[str, Any]] = [{"label": label} for label in labels]
    if base is not None and base.size:
        b = base.reshape(-1, count) if base.ndim > 1 or base.size % count == 0 else None
        if b is not None:
            for i in range(count):
                outs[i]["base_value"] = float(np.mean(b[:, i]))
    return outs


def _finite(v: npt.NDArray[Any], name: str, messages: list[str]) -> npt.NDArray[np.float32]:
    a = np.asarray(v, dtype=np.float32)
    bad = ~np.isfinite(a)
    if bad.any():
        messages.append(f"{int(bad.sum()):,} NaN or infinite {name} are shown as 0")
        a = np.where(bad, 0, a).astype(np.float32)
    return a


def _columns(data: npt.NDArray[Any], f: int) -> tuple[npt.NDArray[np.float32], dict[int, list[str]]]:
    """Feature values as float32 [n, f]: numbers as they are, anything else as codes of its categories."""
    out = np.full((data.shape[0], f), np.nan, dtype=np.float32)
    cats: dict[int, list[str]] = {}
    for j in range(f):
        col = data[:, j]
        try:
            out[:, j] = np.asarray(col, dtype=np.float64)
        except (TypeError, ValueError):
            text = np.asarray([str(v) for v in col])
            names, codes = np.unique(text, return_inverse=True)
            cats[j] = [str(x) for x in names]
            out[:, j] = codes
    return out, cats


def from_arrays(
    values: Any,
    *,
    data: Any = None,
    feature_names: Sequence[str] | None = None,
    base_values: Any = None,
    output_names: Sequence[str] | None = None,
    method: str | None = None,
    title: str | None = None,
    max_bytes: int = 16_000_000,
    seed: int = 0,
) -> Explanation:
    """Tabular attributions: ``values`` [n, f] (one output) or [n, f, outputs] (SHAP's layout), ``data`` the
    feature values [n, f], ``base_values`` [n] or [n, outputs] (or one number)."""
    messages: list[str] = []
    v = to_numpy(values, "values")
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim not in (2, 3):
        raise ValueError(f"values must be [rows, features] or [rows, features, outputs], got shape {list(v.shape)}")
    n, f = v.shape[:2]
    o = v.shape[2] if v.ndim == 3 else 1
    vv = _finite(v, "attributions", messages)
    vals = np.moveaxis(vv.reshape(n, f, o), 2, 0)  # [o, n, f]
    names = [str(x) for x in feature_names] if feature_names is not None else [f"feature {j}" for j in range(f)]
    if len(names) != f:
        raise ValueError(f"{len(names)} feature names for {f} features")
    d: npt.NDArray[np.float32] | None = None
    cats: dict[int, list[str]] = {}
    if data is not None:
        raw = to_numpy(data, "data") if not hasattr(data, "iloc") else np.asarray(data.to_numpy(dtype=object))
        if raw.ndim == 1:
            raw = raw[None, :]
        if raw.shape != (n, f):
            raise ValueError(f"data has shape {list(raw.shape)} but the values are for {n} rows x {f} features")
        d, cats = _columns(raw, f)
    base: npt.NDArray[np.float32] | None = None
    if base_values is not None:
        b = np.asarray(to_numpy(base_values, "base_values"), dtype=np.float32)
        if b.size == 1:
            b = np.full((n, o), float(b.reshape(-1)[0]), dtype=np.float32)
        b = b.reshape(n, o) if b.size == n * o else None  # type: ignore[assignment]
        if b is None:
            raise ValueError(f"base_values do not fit {n} rows x {o} outputs")
        base = np.ascontiguousarray(b.T)
    rows = None
    total = None
    per_row = 4 * (o * f + (f if d is not None else 0) + (o if base is not None else 0))
    if n * per_row > max_bytes:
        keep = max(1, max_bytes // per_row)
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(n, size=keep, replace=False)).astype(np.int64)
        total = n
        vals = vals[:, rows]
        d = None if d is None else d[rows]
        base = None if base is None else base[:, rows]
        messages.append(
            f"{n:,} rows x {f} features are {n * per_row / 1e6:.0f} MB: a uniform sample of {keep:,} rows is shown "
            f"(max_bytes={max_bytes:,}); global importance is over the sample"
        )
    outputs = _outputs(output_names, o, None if base is None else base.T)
    tab = Tabular(names, np.ascontiguousarray(vals), d, base, cats, rows, total)
    return Explanation("tabular", outputs, title=title, method=method, tabular=tab, messages=messages)


def _shap(e: Any, title: str | None, max_bytes: int) -> Explanation:
    values = e.values
    data = e.data
    names = getattr(e, "output_names", None)
    base = getattr(e, "base_values", None)
    v = np.asarray(values) if not isinstance(values, list) else values
    if isinstance(v, np.ndarray) and v.dtype != object and v.ndim >= 4:
        # image explanations: values [n, h, w, c] or [n, h, w, c, outputs]; data the images [n, h, w, c]
        messages: list[str] = []
        if v.ndim == 4:
            v = v[..., None]
        n, o = v.shape[0], v.shape[-1]
        imgs = display_images(np.asarray(data), channels_first=False, messages=messages)
        outs = _outputs(names[0] if names is not None and np.ndim(names) == 2 else names, o)
        maps = [
            ImageMap("shap", i, k, shrink(_finite(v[i, ..., k].sum(-1), "attributions", messages), messages))
            for i in range(n)
            for k in range(o)
        ]
        return Explanation("image", outs, title=title, method="shap", images=imgs, maps=maps, messages=messages)
    if (isinstance(v, np.ndarray) and v.dtype == object) or (
        isinstance(data, np.ndarray)
        and data.dtype == object
        and np.ndim(data) == 1
        and len(data)
        and isinstance(data[0], (np.ndarray, list))
    ):
        # text explanations: one row per text, each its own number of tokens; values [tokens] or [tokens, outputs]
        messages = []
        texts = []
        o = 1
        for i in range(len(v)):
            row = np.asarray(v[i], dtype=np.float32)
            if row.ndim == 1:
                row = row[:, None]
            o = row.shape[1]
            toks, joins = tokens_and_joins([str(t).strip() or str(t) for t in data[i]])
            if len(toks) != row.shape[0]:
                raise ValueError(f"text {i}: {len(toks)} tokens but {row.shape[0]} attributions")
            vals = _finite(row.T, "attributions", messages)
            if len(toks) > MAX_TOKENS:
                messages.append(f"text {i} has {len(toks):,} tokens: the first {MAX_TOKENS:,} are shown")
                toks, joins, vals = toks[:MAX_TOKENS], joins[:MAX_TOKENS], vals[:, :MAX_TOKENS]
            texts.append(TextRow(toks, joins, list(range(o)), vals, None, "shap"))
        outs = _outputs(names, o)
        return Explanation("text", outs, title=title, method="shap", texts=texts, messages=messages)
    return from_arrays(
        values,
        data=data,
        feature_names=getattr(e, "feature_names", None),
        base_values=base,
        output_names=names,
        method="shap",
        title=title,
        max_bytes=max_bytes,
    )


def _interpret(e: Any, title: str | None, max_bytes: int) -> Explanation:
    """InterpretML: ``explanation_type`` 'global' (``data()`` has names and scores) or 'local' (``data(i)`` per row
    with names, scores, values, extra intercept)."""
    kind = getattr(e, "explanation_type", None)
    overall = e.data()
    if kind == "global" or (
        isinstance(overall, dict) and "scores" in overall and "names" in overall and kind != "local"
    ):
        names = [str(x) for x in overall["names"]]
        scores = np.asarray(overall["scores"], dtype=np.float32)
        return Explanation(
            "tabular",
            [{"label": "importance"}],
            title=title,
            method="interpret",
            importance=(names, scores.reshape(1, -1)),
        )
    rows = []
    i = 0
    while True:
        try:
            d = e.data(i)
        except (IndexError, KeyError, TypeError):
            break
        if not d:
            break
        rows.append(d)
        i += 1
    if not rows:
        raise ValueError("this InterpretML explanation has no rows (data(0) is empty)")
    names = [str(x) for x in rows[0]["names"]]
    values = np.asarray([r["scores"] for r in rows], dtype=np.float32)
    data = np.asarray([r.get("values", [np.nan] * len(names)) for r in rows], dtype=object)
    base = [float(np.asarray(r.get("extra", {}).get("scores", [0.0])).reshape(-1)[0]) for r in rows]
    return from_arrays(
        values,
        data=data,
        feature_names=names,
        base_values=np.asarray(base),
        method="interpret",
        title=title,
        max_bytes=max_bytes,
    )


def from_object(
    obj: Any,
    *,
    inputs: Any = None,
    tokens: Any = None,
    output_names: Sequence[str] | None = None,
    method: str | None = None,
    title: str | None = None,
    max_bytes: int = 16_000_000,
    feature_names: Sequence[str] | None = None,
) -> Explanation:
    mod = type(obj).__module__ or ""
    if mod.startswith("shap") and hasattr(obj, "values"):
        return _shap(obj, title, max_bytes)
    if mod.startswith("interpret") or (hasattr(obj, "explanation_type") and callable(getattr(obj, "data", None))):
        return _interpret(obj, title, max_bytes)
    if mod.startswith(("torch", "numpy")) or isinstance(obj, np.ndarray):
        # attributions computed elsewhere (Captum): their shape says the modality
        a = to_numpy(obj, "attributions").astype(np.float32)
        messages: list[str] = []
        name = method or "attribution"
        if tokens is not None:
            toks_list = token_lists(tokens)
            v = a if a.ndim == 2 else a[None] if a.ndim == 1 else a.sum(-1)
            if len(toks_list) != v.shape[0] or any(len(t) != v.shape[1] for t in toks_list):
                raise ValueError(f"tokens do not match attributions of shape {list(a.shape)}")
            texts = []
            for i, t in enumerate(toks_list):
                shown, joins = tokens_and_joins(t)
                texts.append(TextRow(shown, joins, [0], _finite(v[i : i + 1], "attributions", messages), None, name))
            return Explanation(
                "text", _outputs(output_names, 1), title=title, method=name, texts=texts, messages=messages
            )
        if a.ndim in (3, 4):
            if inputs is None:
                raise ValueError("image attributions need inputs= (the images they explain) to be drawn over")
            x = to_numpy(inputs, "inputs")
            if a.ndim == 3:
                a, x = a[None], x[None] if x.ndim == 3 else x
            if x.shape != a.shape:
                raise ValueError(f"attributions of shape {list(a.shape)} do not match inputs {list(x.shape)}")
            imgs = display_images(x, channels_first=True, messages=messages)
            maps_v = reduce_channels(_finite(a, "attributions", messages), name)
            maps = [ImageMap(name, i, 0, shrink(maps_v[i], messages)) for i in range(len(maps_v))]
            return Explanation(
                "image", _outputs(output_names, 1), title=title, method=name, images=imgs, maps=maps, messages=messages
            )
        if a.ndim in (1, 2):
            return from_arrays(
                a,
                data=inputs,
                feature_names=feature_names,
                output_names=output_names,
                method=name,
                title=title,
                max_bytes=max_bytes,
            )
        raise ValueError(f"attributions of shape {list(a.shape)}: expected rows (N, F), images (N, C, H, W) or tokens")
    raise TypeError(
        f"modelviz.explain does not know {type(obj).__module__}.{type(obj).__name__}: pass a shap.Explanation, an "
        "InterpretML explanation, a Captum attribution tensor with inputs=, or values= arrays"
    )
