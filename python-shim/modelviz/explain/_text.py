"""The explanation's text/plain fallback: what an attribution says, readable where the renderer is not installed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._object import Explanation


def _f(x: float) -> str:
    return f"{x:+.4g}"


def summary(e: Explanation) -> str:
    head = f"{e.title}\n" if e.title else ""
    what = f"Explanation ({e.modality}{', ' + e.method if e.method else ''})"
    lines = [head + what]
    if e.modality == "image" and e.images is not None:
        n, h, w = e.images.shape[:3]
        lines[0] += f": {n} image{'s' if n != 1 else ''} {h}x{w}, {len(e.maps)} map{'s' if len(e.maps) != 1 else ''}"
        for m in e.maps[:12]:
            y, x = np.unravel_index(int(np.argmax(m.values)), m.values.shape)
            label = e.outputs[m.output]["label"]
            score = f" (score {m.score:.3g})" if m.score is not None else ""
            lines.append(
                f"  image {m.sample} · {label}{score} · {m.method}: strongest at row {y * h // m.values.shape[0]}, "
                f"column {x * w // m.values.shape[1]}"
            )
    elif e.modality == "text":
        for i, t in enumerate(e.texts[:5]):
            for r, out in enumerate(t.outputs):
                v = t.values[r]
                top = np.argsort(-np.abs(v))[:5]
                parts = ", ".join(f"{t.tokens[k]!r} {_f(float(v[k]))}" for k in top)
                lines.append(f"  text {i} · {e.outputs[out]['label']}: {parts}")
    elif e.tabular is not None:
        tb = e.tabular
        o, n, f = tb.values.shape
        lines[0] += f": {n:,} rows x {f} features" + (f", {o} outputs" if o > 1 else "")
        imp = np.abs(tb.values).mean(axis=(0, 1))
        order = np.argsort(-imp)[:10]
        lines.append("  mean |attribution|:")
        width = max(len(tb.names[j]) for j in order)
        for j in order:
            lines.append(f"    {tb.names[j]:<{width}}  {imp[j]:.4g}")
    elif e.importance is not None:
        names, vals = e.importance
        v = vals.reshape(-1, len(names)).mean(0)
        for j in np.argsort(-np.abs(v))[:10]:
            lines.append(f"  {names[j]}  {v[j]:.4g}")
    lines += [f"  note: {m}" for m in e.messages]
    return "\n".join(lines)
