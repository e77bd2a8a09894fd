"""``modelviz.explain``: show attributions from SHAP, Captum or plain arrays (``explain(obj, ...)``), or compute them
(``explain.gradcam``, ``explain.integrated_gradients``, ``explain.saliency``, ``explain.smoothgrad``,
``explain.occlusion``, ``explain.compare``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _methods
from ._adapters import from_arrays, from_object
from ._inputs import MAX_TOKENS, display_images, reduce_channels, shrink, to_numpy, token_lists, tokens_and_joins
from ._object import Explanation, ImageMap, TextRow

METHODS = ("gradcam", "gradcam++", "integrated_gradients", "saliency", "smoothgrad", "occlusion")


def _labels(labels: Sequence[Any] | None, classes: int) -> list[str]:
    if labels is None:
        return [f"class {i}" for i in range(classes)]
    names = [str(x) for x in labels]
    if len(names) != classes:
        raise ValueError(f"labels has {len(names)} names but the model has {classes} outputs")
    return names


def _scores(model: Any, x: Any, forward_kwargs: dict[str, Any] | None) -> Any:
    import torch

    from ._guard import preserved

    with preserved(model), torch.no_grad():
        return _methods.forward(model, x, forward_kwargs)


def _top(logits: Any, target: Any, top_k: int) -> list[list[int]]:
    """Per sample, the explained outputs: the given target(s), or the top-k by score."""
    n = logits.shape[0]
    if target is not None:
        return [[t] for t in _methods.targets(target, logits)]
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    k = min(top_k, logits.shape[1])
    return [list(map(int, row)) for row in logits.topk(k, dim=1).indices.tolist()][:n]


def _probabilities(logits: Any) -> Any:
    """Softmax when the outputs look like logits (rows not already probabilities)."""
    import torch

    rows = logits.sum(1)
    if bool(((logits >= 0) & (logits <= 1)).all()) and bool(torch.allclose(rows, torch.ones_like(rows), atol=1e-3)):
        return logits
    return logits.softmax(1)


class _Explain:
    """``modelviz.explain``. Call it with a ``shap.Explanation``, a Captum attribution tensor (with ``inputs=``),
    InterpretML-style explanation data, or plain arrays; or use its methods to compute attributions of a PyTorch
    model: ``gradcam``, ``integrated_gradients``, ``saliency``, ``smoothgrad``, ``occlusion`` and ``compare``."""

    def __call__(
        self,
        obj: Any = None,
        *,
        values: Any = None,
        data: Any = None,
        feature_names: Sequence[str] | None = None,
        base_values: Any = None,
        output_names: Sequence[str] | None = None,
        inputs: Any = None,
        tokens: Any = None,
        method: str | None = None,
        title: str | None = None,
        max_bytes: int = 16_000_000,
    ) -> Explanation:
        if isinstance(obj, Explanation):
            return obj
        if obj is not None and values is None:
            return from_object(
                obj,
                inputs=inputs,
                tokens=tokens,
                output_names=output_names,
                method=method,
                title=title,
                max_bytes=max_bytes,
                feature_names=feature_names,
            )
        if values is None:
            raise TypeError("explain() needs an explanation object (SHAP, Captum, InterpretML) or values=")
        return from_arrays(
            values,
            data=data,
            feature_names=feature_names,
            base_values=base_values,
            output_names=output_names,
            method=method,
            title=title,
            max_bytes=max_bytes,
        )

    # -- computed here ---------------------------------------------------------------------------------------------

    def _image(
        self,
        name: str,
        model: Any,
        image: Any,
        target: Any,
        labels: Any,
        top_k: int,
        display: Any,
        title: str | None,
        kwargs: dict[str, Any],
    ) -> Explanation:
        device = _methods._check_model(model)
        x = _methods.as_input(image, device, "image")
        single = x.ndim == 3
        if single:
            x = x.unsqueeze(0)
        if x.ndim != 4:
            raise ValueError(f"image must be (C, H, W) or (N, C, H, W), got shape {list(x.shape)}")
        logits = _scores(model, x, kwargs.get("forward_kwargs"))
        probs = _probabilities(logits)
        names = _labels(labels, logits.shape[1])
        per_sample = _top(logits, target, top_k)
        messages: list[str] = []
        shown = display_images(
            to_numpy(display, "image=") if display is not None else x.cpu().numpy(),
            channels_first=display is None,
            messages=messages,
        )
        if shown.shape[0] != x.shape[0]:
            raise ValueError(f"image= has {shown.shape[0]} images for {x.shape[0]} inputs")
        outputs: list[dict[str, Any]] = []
        index: dict[int, int] = {}
        maps: list[ImageMap] = []
        depth = max(len(t) for t in per_sample)
        for rank in range(depth):
            rows = [i for i, t in enumerate(per_sample) if len(t) > rank]
            ts = [per_sample[i][rank] for i in rows]
            r = self._run(name, model, x[rows], ts, kwargs)
            messages += r.messages
            vals = reduce_channels(r.values, r.method)
            for k, i in enumerate(rows):
                cls = ts[k]
                if cls not in index:
                    index[cls] = len(outputs)
                    outputs.append({"label": names[cls]})
                maps.append(
                    ImageMap(
                        r.method,
                        i,
                        index[cls],
                        shrink(vals[k], messages),
                        float(probs[i, cls]),
                        None if r.delta is None else float(r.delta[k]),
                        r.layer,
                    )
                )
        return Explanation(
            "image",
            outputs,
            title=title,
            method=maps[0].method if maps else name,
            images=shown,
            maps=maps,
            messages=messages,
        )

    def _run(self, name: str, model: Any, x: Any, ts: list[int], kwargs: dict[str, Any]) -> _methods.Attribution:
        if name in ("gradcam", "gradcam++"):
            return _methods.gradcam(
                model,
                x,
                ts,
                layer=kwargs.get("layer"),
                plus=name == "gradcam++",
                forward_kwargs=kwargs.get("forward_kwargs"),
            )
        if name == "integrated_gradients":
            return _methods.integrated_gradients(
                model,
                x,
                ts,
                baseline=kwargs.get("baseline"),
                steps=kwargs.get("steps", 50),
                batch=kwargs.get("batch"),
                method=kwargs.get("method", "gausslegendre"),
                embedding=kwargs.get("embedding"),
                forward_kwargs=kwargs.get("forward_kwargs"),
            )
        if name == "saliency":
            return _methods.saliency(
                model, x, ts, forward_kwargs=kwargs.get("forward_kwargs"), embedding=kwargs.get("embedding")
            )
        if name == "smoothgrad":
            return _methods.smoothgrad(
                model,
                x,
                ts,
                samples=kwargs.get("samples", 25),
                stdev=kwargs.get("stdev", 0.15),
                forward_kwargs=kwargs.get("forward_kwargs"),
            )
        if name == "occlusion":
            c = x.shape[1] if x.ndim == 4 else 1
            win = kwargs.get("window") or ((c, 8, 8) if x.ndim == 4 else (1,) * (x.ndim - 1))
            stride = kwargs.get("stride") or ((c, 4, 4) if x.ndim == 4 else 1)
            return _methods.occlusion(
                model,
                x,
                ts,
                window=win,
                stride=stride,
                baseline=kwargs.get("baseline", 0.0),
                forward_kwargs=kwargs.get("forward_kwargs"),
            )
        raise ValueError(f"unknown method {name!r}: {', '.join(METHODS)}")

    def gradcam(
        self,
        model: Any,
        image: Any,
        target: Any = None,
        layer: Any = None,
        *,
        plus: bool = False,
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        """Grad-CAM (``plus=True``: Grad-CAM++) of a CNN or ViT for one image (C, H, W) or a batch; ``top_k``
        explains each image's k top-scoring classes; ``image_shown`` is the picture to draw under the map when the
        model's input is normalised (else the input, min-max scaled)."""
        return self._image(
            "gradcam++" if plus else "gradcam",
            model,
            image,
            target,
            labels,
            top_k,
            image_shown,
            title,
            {"layer": layer},
        )

    def saliency(
        self,
        model: Any,
        inputs: Any,
        target: Any = None,
        *,
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        embedding: Any = None,
        tokens: Any = None,
        tokenizer: Any = None,
        forward_kwargs: dict[str, Any] | None = None,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        """The gradient of the score: images (N, C, H, W), or token ids through ``embedding``."""
        kw = {"embedding": embedding, "forward_kwargs": forward_kwargs}
        if embedding is not None:
            return self._text("saliency", model, inputs, target, labels, top_k, tokens, tokenizer, title, kw)
        return self._image("saliency", model, inputs, target, labels, top_k, image_shown, title, kw)

    def smoothgrad(
        self,
        model: Any,
        image: Any,
        target: Any = None,
        *,
        samples: int = 25,
        stdev: float = 0.15,
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        return self._image(
            "smoothgrad", model, image, target, labels, top_k, image_shown, title, {"samples": samples, "stdev": stdev}
        )

    def occlusion(
        self,
        model: Any,
        inputs: Any,
        target: Any = None,
        *,
        window: Sequence[int] | None = None,
        stride: Any = None,
        baseline: float = 0.0,
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        tokens: Any = None,
        tokenizer: Any = None,
        forward_kwargs: dict[str, Any] | None = None,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        """Occlusion of images (a sliding window), or of token ids (``tokens=`` / ``tokenizer=``: each token in
        turn replaced by the ``baseline`` token id, e.g. padding)."""
        kw = {"window": window, "stride": stride, "baseline": baseline, "forward_kwargs": forward_kwargs}
        if tokens is not None or tokenizer is not None:
            return self._text("occlusion", model, inputs, target, labels, top_k, tokens, tokenizer, title, kw)
        return self._image("occlusion", model, inputs, target, labels, top_k, image_shown, title, kw)

    def integrated_gradients(
        self,
        model: Any,
        inputs: Any,
        target: Any = None,
        baseline: Any = None,
        steps: int = 50,
        batch: int | None = None,
        *,
        method: str = "gausslegendre",
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        embedding: Any = None,
        tokens: Any = None,
        tokenizer: Any = None,
        feature_names: Sequence[str] | None = None,
        forward_kwargs: dict[str, Any] | None = None,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        """Integrated Gradients of images (N, C, H, W), of token ids through ``embedding`` (tokens shown as
        ``tokenizer.convert_ids_to_tokens`` splits them, or ``tokens=``), or of table rows (N, F)."""
        kw = {
            "baseline": baseline,
            "steps": steps,
            "batch": batch,
            "method": method,
            "embedding": embedding,
            "forward_kwargs": forward_kwargs,
        }
        if embedding is not None:
            return self._text(
                "integrated_gradients", model, inputs, target, labels, top_k, tokens, tokenizer, title, kw
            )
        shape = np.shape(inputs) if not hasattr(inputs, "shape") else tuple(inputs.shape)
        if len(shape) in (3, 4):
            return self._image("integrated_gradients", model, inputs, target, labels, top_k, image_shown, title, kw)
        if len(shape) == 2:
            r = _methods.integrated_gradients(
                model,
                inputs,
                target,
                baseline=baseline,
                steps=steps,
                batch=batch,
                method=method,
                forward_kwargs=forward_kwargs,
            )
            names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(shape[1])]
            e = from_arrays(
                r.values,
                data=to_numpy(inputs, "inputs"),
                feature_names=names,
                method="integrated_gradients",
                title=title,
            )
            e.messages += r.messages
            return e
        raise ValueError(
            f"inputs of shape {list(shape)}: images (N, C, H, W), token ids with embedding=, or rows (N, F)"
        )

    def _text(
        self,
        name: str,
        model: Any,
        ids: Any,
        target: Any,
        labels: Any,
        top_k: int,
        tokens: Any,
        tokenizer: Any,
        title: str | None,
        kw: dict[str, Any],
    ) -> Explanation:
        import torch

        device = _methods._check_model(model)
        x = ids.to(device) if isinstance(ids, torch.Tensor) else torch.as_tensor(np.asarray(ids), device=device)
        if x.ndim == 1:
            x = x.unsqueeze(0)
        messages: list[str] = []
        logits = _scores(model, x, kw.get("forward_kwargs"))
        probs = _probabilities(logits)
        names = _labels(labels, logits.shape[1])
        per_sample = _top(logits, target, top_k)
        if tokens is not None:
            toks = token_lists(tokens)
        elif tokenizer is not None:
            toks = [list(tokenizer.convert_ids_to_tokens(row)) for row in x.cpu().tolist()]
        else:
            toks = [[f"[{t}]" for t in row] for row in x.cpu().tolist()]
            messages.append("no tokenizer= or tokens=: token ids shown")
        if len(toks) != x.shape[0] or any(len(t) != x.shape[1] for t in toks):
            raise ValueError(f"tokens do not match the ids' shape {list(x.shape)}")
        outputs: list[dict[str, Any]] = []
        index: dict[int, int] = {}
        rows_per_text: list[list[tuple[int, Any, float]]] = [[] for _ in range(x.shape[0])]
        depth = max(len(t) for t in per_sample)
        method = name
        for rank in range(depth):
            sel = [i for i, t in enumerate(per_sample) if len(t) > rank]
            ts = [per_sample[i][rank] for i in sel]
            fk = kw.get("forward_kwargs")
            sub = {
                k: (v[sel] if isinstance(v, torch.Tensor) and v.shape[:1] == x.shape[:1] else v)
                for k, v in (fk or {}).items()
            }
            r = self._run(name, model, x[sel], ts, {**kw, "forward_kwargs": sub})
            messages += r.messages
            vals = r.values.sum(-1) if r.values.ndim == 3 else r.values
            for k, i in enumerate(sel):
                cls = ts[k]
                if cls not in index:
                    index[cls] = len(outputs)
                    outputs.append({"label": names[cls]})
                rows_per_text[i].append((index[cls], vals[k], float(probs[i, cls])))
        texts = []
        for i, rows in enumerate(rows_per_text):
            shown, joins = tokens_and_joins(toks[i])
            v = np.stack([r[1] for r in rows]).astype(np.float32)
            if len(shown) > MAX_TOKENS:
                messages.append(f"text {i} has {len(shown):,} tokens: the first {MAX_TOKENS:,} are shown")
                shown, joins, v = shown[:MAX_TOKENS], joins[:MAX_TOKENS], v[:, :MAX_TOKENS]
            texts.append(TextRow(shown, joins, [r[0] for r in rows], v, [r[2] for r in rows], method))
        return Explanation("text", outputs, title=title, method=method, texts=texts, messages=messages)

    def compare(
        self,
        model: Any,
        image: Any,
        methods: Sequence[str] = ("gradcam", "integrated_gradients"),
        target: Any = None,
        *,
        labels: Sequence[Any] | None = None,
        top_k: int = 1,
        image_shown: Any = None,
        title: str | None = None,
    ) -> Explanation:
        """Several methods on the same images, side by side."""
        out: Explanation | None = None
        for name in methods:
            if name not in METHODS:
                raise ValueError(f"unknown method {name!r}: {', '.join(METHODS)}")
            e = self._image(name, model, image, target, labels, top_k, image_shown, title, {})
            out = e if out is None else out + e
        if out is None:
            raise ValueError("methods is empty")
        return out


explain = _Explain()
