"""Attribution methods computed by modelviz on PyTorch models: saliency, SmoothGrad, Integrated Gradients (batched
interpolation steps, Captum's quadratures), occlusion and Grad-CAM / Grad-CAM++ (CNNs, and ViTs through a token grid).

Each returns an :class:`Attribution`. The model is left exactly as it was (see ``_guard``); it runs in eval mode
without gradients on its parameters. Inputs are batched (N, ...); they are moved to the model's device.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._guard import device_of, preserved

F32 = npt.NDArray[np.float32]


@dataclass
class Attribution:
    """Attributions with the input's shape ([N, ...]), the explained output per sample and its score."""

    values: F32
    target: list[int]
    scores: F32
    method: str
    layer: str | None = None
    delta: F32 | None = None
    raw: F32 | None = None
    messages: list[str] = field(default_factory=list)


# -- inputs, outputs, targets ----------------------------------------------------------------------------------------


def _check_model(model: Any) -> Any:
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, not {type(model).__name__}")
    device = device_of(model)
    if device.type == "meta":
        raise ValueError("the model is on the meta device (no weights): load or materialise it before explaining")
    return device


def as_input(x: Any, device: Any, name: str = "inputs", dtype: Any = None) -> Any:
    """A detached tensor on ``device`` (numpy arrays and lists converted; float64 kept only if the model is)."""
    import torch

    if isinstance(x, torch.Tensor):
        t = x.detach()
    else:
        try:
            t = torch.as_tensor(np.asarray(x))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} could not be read as a tensor ({type(x).__name__})") from exc
    if t.ndim == 0:
        raise ValueError(f"{name} is a single number; pass a batch (N, ...)")
    if dtype is not None:
        t = t.to(dtype)
    elif not t.is_floating_point():
        t = t.float()
    return t.to(device)


def logits_of(out: Any) -> Any:
    """The model's output as (N, classes): a tensor, a Hugging Face output's ``logits``, or a tuple's first."""
    import torch

    if isinstance(out, torch.Tensor):
        t = out
    elif hasattr(out, "logits"):
        t = out.logits
    elif isinstance(out, (tuple, list)) and out and isinstance(out[0], torch.Tensor):
        t = out[0]
    else:
        raise ValueError(f"the model returned {type(out).__name__}: expected a tensor of scores (N, classes)")
    if t.ndim == 1:
        t = t.unsqueeze(1)
    if t.ndim != 2:
        raise ValueError(f"the model's output has shape {list(t.shape)}: expected (N, classes) to pick a target from")
    return t


def forward(model: Any, x: Any, kwargs: dict[str, Any] | None = None) -> Any:
    try:
        return logits_of(model(x, **(kwargs or {})))
    except ValueError:
        raise
    except Exception as exc:  # the user's forward failed: say so with its own message
        raise ValueError(
            f"the model's forward failed on an input of shape {list(x.shape)}: {type(exc).__name__}: {exc}"
        ) from exc


def targets(target: Any, logits: Any) -> list[int]:
    n, classes = logits.shape
    if target is None:
        return [int(i) for i in logits.argmax(1).tolist()]
    if isinstance(target, (int, np.integer)):
        ts = [int(target)] * n
    else:
        ts = [int(t) for t in np.asarray(target).reshape(-1).tolist()]
        if len(ts) != n:
            raise ValueError(f"target has {len(ts)} entries for {n} inputs")
    bad = [t for t in ts if not 0 <= t < classes]
    if bad:
        raise ValueError(f"target {bad[0]} is out of range: the model has {classes} outputs (0..{classes - 1})")
    return ts


def _picked(logits: Any, ts: list[int]) -> Any:
    import torch

    idx = torch.as_tensor(ts, device=logits.device)
    return logits.gather(1, idx[:, None]).squeeze(1)


def _np(t: Any) -> F32:
    return np.asarray(t.detach().float().cpu().numpy(), dtype=np.float32)


# -- gradients ---------------------------------------------------------------------------------------------------------


def _grad(model: Any, x: Any, ts: list[int], kwargs: dict[str, Any] | None) -> tuple[Any, Any]:
    """(d output[target] / d x, output[target]) for a batch, targets repeated over it."""
    import torch

    with torch.enable_grad():
        xi = x.clone().requires_grad_(True)
        picked = _picked(forward(model, xi, kwargs), ts)
        (g,) = torch.autograd.grad(picked.sum(), xi)
    return g, picked.detach()


def saliency(
    model: Any,
    inputs: Any,
    target: Any = None,
    abs: bool = True,
    forward_kwargs: dict[str, Any] | None = None,
    embedding: Any = None,
) -> Attribution:
    """The gradient of the target's score with respect to the input (Simonyan et al.; Captum's ``Saliency``).
    ``embedding``: token ids in, the gradient with respect to that layer's output ([N, tokens, dim])."""
    import torch

    device = _check_model(model)
    if embedding is not None:
        x = as_input(inputs, device, dtype=torch.long)
        layer = _module(model, embedding)
        with preserved(model):
            store: dict[str, Any] = {}

            def leaf(_m: Any, _i: Any, out: Any) -> Any:
                store["e"] = out.detach().requires_grad_(True)
                return store["e"].clone()

            h = layer.register_forward_hook(leaf)
            try:
                with torch.enable_grad():
                    logits = forward(model, x, forward_kwargs)
                    ts = targets(target, logits)
                    picked = _picked(logits, ts)
                    (g,) = torch.autograd.grad(picked.sum(), store["e"])
            finally:
                h.remove()
        v = g.abs() if abs else g
        return Attribution(_np(v), ts, _np(picked), "saliency", layer=_name(model, layer))
    x = as_input(inputs, device)
    with preserved(model):
        with torch.no_grad():
            ts = targets(target, forward(model, x, forward_kwargs))
        g, scores = _grad(model, x, ts, forward_kwargs)
    v = g.abs() if abs else g
    return Attribution(_np(v), ts, _np(scores), "saliency")


def smoothgrad(
    model: Any,
    inputs: Any,
    target: Any = None,
    samples: int = 25,
    stdev: float = 0.15,
    seed: int = 0,
    batch: int = 32,
    forward_kwargs: dict[str, Any] | None = None,
) -> Attribution:
    """SmoothGrad: the mean gradient over ``samples`` noisy copies (noise sd = ``stdev`` x each input's value range),
    the noisy copies run in batches."""
    import torch

    device = _check_model(model)
    x = as_input(inputs, device)
    gen = torch.Generator(device="cpu").manual_seed(seed)
    n = x.shape[0]
    with preserved(model):
        with torch.no_grad():
            ts = targets(target, forward(model, x, forward_kwargs))
        span = (x.reshape(n, -1).amax(1) - x.reshape(n, -1).amin(1)).clamp_min(1e-12)
        sd = (stdev * span).reshape(n, *([1] * (x.ndim - 1)))
        total = torch.zeros_like(x)
        per = max(1, batch // max(1, n))
        done = 0
        while done < samples:
            k = min(per, samples - done)
            noise = torch.randn((k, *x.shape), generator=gen).to(device) * sd
            xs = (x.unsqueeze(0) + noise).reshape(k * n, *x.shape[1:])
            g, _ = _grad(model, xs, ts * k, forward_kwargs)
            total += g.reshape(k, *x.shape).sum(0)
            done += k
        with torch.no_grad():
            scores = _picked(forward(model, x, forward_kwargs), ts)
    return Attribution(_np(total / samples), ts, _np(scores), "smoothgrad")


def quadrature(method: str, steps: int) -> tuple[list[float], list[float]]:
    """(step sizes, alphas) of an integral over [0, 1], as Captum's ``approximation_parameters``."""
    if steps < 1:
        raise ValueError("steps must be at least 1")
    if method == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(steps)
        return list(0.5 * w), list(0.5 * (1 + x))
    if method == "riemann_trapezoid":
        if steps < 2:
            raise ValueError("riemann_trapezoid needs at least 2 steps")
        sizes = [1 / (steps - 1)] * steps
        sizes[0] /= 2
        sizes[-1] /= 2
        return sizes, list(np.linspace(0, 1, steps))
    if method in ("riemann_left", "riemann_right", "riemann_middle"):
        a = {
            "riemann_left": np.linspace(0, 1 - 1 / steps, steps),
            "riemann_right": np.linspace(1 / steps, 1, steps),
            "riemann_middle": np.linspace(1 / (2 * steps), 1 - 1 / (2 * steps), steps),
        }[method]
        return [1 / steps] * steps, list(a)
    raise ValueError(
        f"unknown method {method!r}: gausslegendre, riemann_trapezoid, riemann_left, riemann_right or riemann_middle"
    )


def integrated_gradients(
    model: Any,
    inputs: Any,
    target: Any = None,
    baseline: Any = None,
    steps: int = 50,
    batch: int | None = None,
    method: str = "gausslegendre",
    embedding: Any = None,
    forward_kwargs: dict[str, Any] | None = None,
) -> Attribution:
    """Integrated Gradients (Sundararajan et al.): (x - baseline) x the integral of the gradient along the straight
    path, by the quadrature ``method`` with ``steps`` points (Captum's default: Gauss-Legendre, 50). The path points
    of all inputs run batched, ``batch`` forward rows at a time (default: 64 path points per input). ``delta`` is the
    completeness error: sum of attributions - (f(x) - f(baseline)), per input.

    ``embedding`` (a module or its dotted name): attribute to that layer's output instead (token ids in, as
    Captum's ``LayerIntegratedGradients`` on the embedding); the values are then [N, tokens, dim]."""
    import torch

    device = _check_model(model)
    sizes, alphas = quadrature(method, steps)
    with preserved(model) as handles:
        if embedding is not None:
            layer = _module(model, embedding)
            x = (
                as_input(inputs, device, dtype=torch.long)
                if not isinstance(inputs, torch.Tensor)
                else inputs.to(device)
            )
            emb: dict[str, Any] = {}
            handles.append(layer.register_forward_hook(lambda _m, _i, out: emb.__setitem__("out", out)))
            with torch.no_grad():
                logits = forward(model, x, forward_kwargs)
            handles.pop().remove()
            ts = targets(target, logits)
            e = emb["out"].detach()
            if baseline is None:
                base = torch.zeros_like(e)
            elif not torch.is_floating_point(
                torch.as_tensor(np.asarray(baseline) if not isinstance(baseline, torch.Tensor) else baseline)
            ):
                # baseline token ids (e.g. all padding): their embedding is the start of the path
                ids0 = torch.as_tensor(baseline, device=device).expand_as(x)
                handles.append(layer.register_forward_hook(lambda _m, _i, out: emb.__setitem__("base", out)))
                with torch.no_grad():
                    forward(model, ids0, forward_kwargs)
                handles.pop().remove()
                base = emb["base"].detach()
            else:
                base = as_input(baseline, device).expand_as(e)

            def run(points: Any, rows: list[int]) -> Any:
                # replace the embedding's output by the path points (one forward of the repeated token ids)
                with torch.enable_grad():
                    p = points.clone().requires_grad_(True)
                    h = layer.register_forward_hook(lambda _m, _i, _o: p)
                    try:
                        ids = x[rows]
                        kw = {
                            k: (v[rows] if isinstance(v, torch.Tensor) and v.shape[:1] == x.shape[:1] else v)
                            for k, v in (forward_kwargs or {}).items()
                        }
                        picked = _picked(forward(model, ids, kw), [ts[r] for r in rows])
                        (g,) = torch.autograd.grad(picked.sum(), p)
                    finally:
                        h.remove()
                return g, picked.detach()

            fx = _picked(logits, ts)
            h = layer.register_forward_hook(lambda _m, _i, _o: base)
            try:
                with torch.no_grad():
                    fb = _picked(forward(model, x, forward_kwargs), ts)
            finally:
                h.remove()
            values, delta = _ig(run, e, base, sizes, alphas, batch, fx, fb)
            return Attribution(values, ts, _np(fx), "integrated_gradients", layer=_name(model, layer), delta=delta)
        x = as_input(inputs, device)
        base = torch.zeros_like(x) if baseline is None else as_input(baseline, device)
        if base.shape != x.shape:
            try:
                base = base.expand_as(x)
            except RuntimeError as exc:
                raise ValueError(f"baseline of shape {list(base.shape)} does not fit inputs {list(x.shape)}") from exc
        with torch.no_grad():  # f(x) and f(baseline): the targets and the completeness check
            lx = forward(model, x, forward_kwargs)
            lb = forward(model, base, forward_kwargs)
        ts = targets(target, lx)
        fx, fb = _picked(lx, ts), _picked(lb, ts)

        def run_x(points: Any, rows: list[int]) -> Any:
            kw = {
                k: (v[rows] if isinstance(v, torch.Tensor) and v.shape[:1] == x.shape[:1] else v)
                for k, v in (forward_kwargs or {}).items()
            }
            return _grad(model, points, [ts[r] for r in rows], kw)

        values, delta = _ig(run_x, x, base, sizes, alphas, batch, fx, fb)
    return Attribution(values, ts, _np(fx), "integrated_gradients", delta=delta)


def _ig(
    run: Callable[[Any, list[int]], Any],
    x: Any,
    base: Any,
    sizes: list[float],
    alphas: list[float],
    batch: int | None,
    fx: Any,
    fb: Any,
) -> tuple[F32, F32]:
    """Sum over path points of step x gradient, then x (x - baseline); the points of all inputs in batches. Returns
    the attributions and the completeness delta (sum - (f(x) - f(baseline)))."""
    import torch

    n, m = x.shape[0], len(alphas)
    rows_per_batch = batch or 64 * max(1, min(n, 4))
    diff = x - base
    acc = torch.zeros_like(x, dtype=torch.float64)
    pairs = [(i, k) for k in range(m) for i in range(n)]  # path point k of input i
    for start in range(0, len(pairs), rows_per_batch):
        chunk = pairs[start : start + rows_per_batch]
        rows = [i for i, _ in chunk]
        a = torch.as_tensor([alphas[k] for _, k in chunk], dtype=x.dtype, device=x.device)
        a = a.reshape(-1, *([1] * (x.ndim - 1)))
        points = base[rows] + a * diff[rows]
        g, _ = run(points, rows)
        w = torch.as_tensor([sizes[k] for _, k in chunk], dtype=torch.float64, device=x.device)
        w = w.reshape(-1, *([1] * (x.ndim - 1)))
        acc.index_add_(0, torch.as_tensor(rows, device=x.device), g.to(torch.float64) * w)
    values = (acc * diff.to(torch.float64)).to(torch.float32)
    delta = values.reshape(n, -1).sum(1).to(torch.float64) - (fx.to(torch.float64) - fb.to(torch.float64))
    return _np(values), _np(delta)


def occlusion(
    model: Any,
    inputs: Any,
    target: Any = None,
    window: Sequence[int] = (3, 8, 8),
    stride: Sequence[int] | int = 4,
    baseline: float = 0.0,
    batch: int = 64,
    forward_kwargs: dict[str, Any] | None = None,
) -> Attribution:
    """Occlusion (Zeiler & Fergus; Captum's ``Occlusion``): slide a ``window`` (over the input's dims after the
    batch) by ``stride``, replace it with ``baseline``; each element gets the mean drop of the target's score over
    the windows that cover it. The occluded copies run in batches."""
    import torch

    device = _check_model(model)
    ids = (isinstance(inputs, torch.Tensor) and not inputs.is_floating_point()) or (
        not isinstance(inputs, torch.Tensor) and np.asarray(inputs).dtype.kind in "iu"
    )
    # token ids stay ids: a window is replaced by the baseline token (e.g. padding), as Captum's Occlusion does
    x = as_input(inputs, device, dtype=torch.long if ids else None)
    dims = x.shape[1:]
    win = tuple(int(w) for w in window)
    strides = (int(stride),) * len(dims) if isinstance(stride, int) else tuple(int(s) for s in stride)
    if len(win) != len(dims) or len(strides) != len(dims):
        raise ValueError(
            f"window {list(win)} and stride {list(strides)} must have one entry per input dim {list(dims)}"
        )
    if any(w < 1 or w > d for w, d in zip(win, dims, strict=True)):
        raise ValueError(f"window {list(win)} does not fit the input's dims {list(dims)}")
    counts = [(d - w) // s + 1 for d, w, s in zip(dims, win, strides, strict=True)]
    starts = [tuple(int(v) for v in c) for c in np.ndindex(*counts)]
    n = x.shape[0]
    with preserved(model):
        with torch.no_grad():
            logits = forward(model, x, forward_kwargs)
            ts = targets(target, logits)
            base_score = _picked(logits, ts)
            total = torch.zeros_like(x, dtype=torch.float64)
            cover = torch.zeros(dims, dtype=torch.float64, device=device)
            per = max(1, batch // n)
            for b0 in range(0, len(starts), per):
                group = starts[b0 : b0 + per]
                copies = x.unsqueeze(0).repeat(len(group), *([1] * x.ndim))
                masks = torch.zeros((len(group), *dims), dtype=torch.bool, device=device)
                for gi, st in enumerate(group):
                    sl: tuple[Any, ...] = (
                        gi,
                        *(slice(c * s, c * s + w) for c, s, w in zip(st, strides, win, strict=True)),
                    )
                    masks[sl] = True
                copies = torch.where(
                    masks.unsqueeze(1), torch.as_tensor(baseline, dtype=x.dtype, device=device), copies
                )
                kw = {
                    k: (
                        v.repeat(len(group), *([1] * (v.ndim - 1)))
                        if isinstance(v, torch.Tensor) and v.shape[:1] == x.shape[:1]
                        else v
                    )
                    for k, v in (forward_kwargs or {}).items()
                }
                out = _picked(forward(model, copies.reshape(-1, *dims), kw), ts * len(group)).reshape(len(group), n)
                drop = (base_score.unsqueeze(0) - out).to(torch.float64)  # [group, n]
                m = masks.to(torch.float64)
                total += torch.einsum("gn,g...->n...", drop, m)
                cover += m.sum(0)
            values = total / cover.clamp_min(1)
    msgs = []
    if bool((cover == 0).any()):
        msgs.append("some input elements are covered by no occlusion window (window/stride do not tile the input)")
    return Attribution(_np(values), ts, _np(base_score), "occlusion", messages=msgs)


# -- Grad-CAM ----------------------------------------------------------------------------------------------------------


def _module(model: Any, layer: Any) -> Any:
    import torch

    if isinstance(layer, torch.nn.Module):
        if not any(m is layer for m in model.modules()):
            raise ValueError(f"layer {type(layer).__name__} is not a submodule of the model")
        return layer
    try:
        return model.get_submodule(str(layer))
    except AttributeError as exc:
        raise ValueError(f"the model has no submodule {layer!r}") from exc


def _name(model: Any, layer: Any) -> str:
    for name, m in model.named_modules():
        if m is layer:
            return name or type(model).__name__
    return type(layer).__name__


def _grid(t: Any) -> tuple[Any, str | None]:
    """A layer output as (N, C, H, W): 4-D as it is; (N, T, D) tokens on a square grid (a class token dropped)."""
    if t.ndim == 4:
        return t, None
    if t.ndim == 3:
        n, tokens, d = t.shape
        for drop in (0, 1):
            side = math.isqrt(tokens - drop)
            if side > 1 and side * side == tokens - drop:
                g = t[:, drop:, :].reshape(n, side, side, d).permute(0, 3, 1, 2)
                note = f"{tokens - drop} tokens on a {side}x{side} grid" + (
                    " (the class token dropped)" if drop else ""
                )
                return g, note
    return None, None


def gradcam(
    model: Any,
    inputs: Any,
    target: Any = None,
    layer: Any = None,
    plus: bool = False,
    forward_kwargs: dict[str, Any] | None = None,
) -> Attribution:
    """Grad-CAM (Selvaraju et al.) or Grad-CAM++ (Chattopadhay et al.) at ``layer`` (a module or its dotted name;
    by default the last layer with a spatial output whose gradient reaches its positions). ``raw`` is the map at
    the layer's resolution before the ReLU ([N, h, w]); ``values`` the ReLU'd map upsampled to the input's H x W
    (bilinear, align_corners=False)."""
    import torch

    device = _check_model(model)
    x = as_input(inputs, device)
    msgs: list[str] = []
    with preserved(model) as handles:
        if layer is not None:
            named = _module(model, layer)
            mods = [(_name(model, named), named)]
            candidates = [0]
        else:
            # one forward without gradients finds the layers with a spatial (or token-grid) output, in call order
            mods = [(n, m) for n, m in model.named_modules() if n and not list(m.children())]
            fired: list[tuple[int, list[int]]] = []

            def note_shape(i: int) -> Callable[..., None]:
                def hook(_m: Any, _i: Any, out: Any) -> None:
                    if isinstance(out, torch.Tensor):
                        fired.append((i, list(out.shape)))

                return hook

            for i, (_n, m) in enumerate(mods):
                handles.append(m.register_forward_hook(note_shape(i)))
            with torch.no_grad():
                forward(model, x, forward_kwargs)
            for h in handles:
                h.remove()
            handles.clear()
            candidates = []
            for i, shape in reversed(fired):
                if i not in candidates and len(shape) in (3, 4):
                    candidates.append(i)
        chosen = None
        ts: list[int] = []
        picked: Any = None
        shape_seen: list[int] | None = None
        for i in candidates:
            # the layer's output becomes a leaf: the backward stops there (no gradient through the layers before)
            store: dict[str, Any] = {}

            def cut(_m: Any, _i: Any, out: Any, store: dict[str, Any] = store) -> Any:
                if not isinstance(out, torch.Tensor):
                    return None
                leaf = out.detach().requires_grad_(True)
                store["a"] = leaf
                return leaf.clone()  # later in-place ops (ResNet's `out += identity`) must not touch the leaf

            h = mods[i][1].register_forward_hook(cut)
            handles.append(h)
            try:
                with torch.enable_grad():
                    logits = forward(model, x, forward_kwargs)
                    ts = targets(target, logits)
                    picked = _picked(logits, ts)
                    a = store.get("a")
                    grad = None
                    if a is not None and a.ndim in (3, 4):
                        grad = torch.autograd.grad(picked.sum(), a, allow_unused=True)[0]
            finally:
                h.remove()
                handles.remove(h)
            shape_seen = None if a is None else list(a.shape)
            if grad is None or a is None:
                continue
            g_grid, note = _grid(grad)
            a_grid, _ = _grid(a.detach())
            if g_grid is None or g_grid.shape[-1] * g_grid.shape[-2] < 2 or not bool(g_grid.abs().sum() > 0):
                continue
            chosen = (mods[i][0], a_grid, g_grid, note)
            break
        if chosen is None and layer is not None:
            raise ValueError(
                f"layer {mods[0][0]!r} has output shape {shape_seen if shape_seen is not None else '(not a tensor)'}: "
                "Grad-CAM needs a spatial output (N, C, H, W) or tokens on a square grid (N, T, D) that the target's "
                "gradient reaches"
            )
        if chosen is None:
            raise ValueError(
                "no layer with a spatial output (N, C, H, W) or square token grid that the target's gradient reaches: "
                "Grad-CAM needs a CNN or a ViT; pass layer= to pick one"
            )
        name, a, g, note = chosen
        if layer is None:
            msgs.append(f"Grad-CAM{'++' if plus else ''} on layer '{name}' (the last spatial layer)")
        if note:
            msgs.append(f"layer '{name}': {note}")
        a = a.to(torch.float64)
        g = g.to(torch.float64)
        if plus:
            g2, g3 = g.pow(2), g.pow(3)
            s = a.sum(dim=(2, 3), keepdim=True)
            denom = 2 * g2 + s * g3
            alpha = torch.where(denom != 0, g2 / torch.where(denom != 0, denom, torch.ones_like(denom)), 0)
            weights = (alpha * g.clamp_min(0)).sum(dim=(2, 3), keepdim=True)
        else:
            weights = g.mean(dim=(2, 3), keepdim=True)
        raw = (weights * a).sum(1)  # [N, h, w]
        cam = raw.clamp_min(0).unsqueeze(1).to(torch.float32)
        size = tuple(x.shape[-2:]) if x.ndim >= 3 else tuple(raw.shape[-2:])
        up = torch.nn.functional.interpolate(cam, size=size, mode="bilinear", align_corners=False)[:, 0]
    return Attribution(
        _np(up), ts, _np(picked), "gradcam++" if plus else "gradcam", layer=name, raw=_np(raw), messages=msgs
    )
