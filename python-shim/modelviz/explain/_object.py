"""The explanation object: attributions of images, texts or table rows for one or more outputs, shown by the
explanation renderer (payload 1.1, schema/explanation.v1.schema.json), with a readable text fallback."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .._mime import bundle
from .._tensor import encode

PAYLOAD_VERSION = "1.1"
F32 = npt.NDArray[np.float32]


@dataclass
class ImageMap:
    method: str
    sample: int
    output: int
    values: F32  # [h, w]
    score: float | None = None
    delta: float | None = None
    layer: str | None = None


@dataclass
class TextRow:
    tokens: list[str]
    joins: list[bool]
    outputs: list[int]
    values: F32  # [rows, tokens]
    scores: list[float] | None = None
    method: str | None = None


@dataclass
class Tabular:
    names: list[str]
    values: F32  # [outputs, n, f]
    data: F32 | None = None  # [n, f]
    base_values: F32 | None = None  # [outputs, n]
    categories: dict[int, list[str]] = field(default_factory=dict)
    rows: npt.NDArray[np.int64] | None = None
    total: int | None = None


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


class Explanation:
    """Attributions to display: ``modelviz.explain(...)`` and its methods return one. ``values`` holds the numbers
    (per modality), ``outputs`` the explained classes, ``messages`` what was done for you."""

    def __init__(
        self,
        modality: str,
        outputs: list[dict[str, Any]],
        *,
        title: str | None = None,
        method: str | None = None,
        images: npt.NDArray[np.uint8] | None = None,
        maps: list[ImageMap] | None = None,
        texts: list[TextRow] | None = None,
        tabular: Tabular | None = None,
        importance: tuple[list[str], F32] | None = None,
        messages: list[str] | None = None,
    ) -> None:
        if modality not in ("image", "text", "tabular"):
            raise ValueError(f"modality must be image, text or tabular, not {modality!r}")
        self.modality = modality
        self.outputs = outputs
        self.title = title
        self.method = method
        self.images = images
        self.maps = maps or []
        self.texts = texts or []
        self.tabular = tabular
        self.importance = importance
        self.messages = list(dict.fromkeys(messages or []))

    # -- numbers ---------------------------------------------------------------------------------------------------

    @property
    def values(self) -> Any:
        """Image: {(method, sample, output label): map}; text: one [rows, tokens] array per text; tabular: the
        [n, f] (one output) or [outputs, n, f] attributions."""
        if self.modality == "image":
            return {(m.method, m.sample, self.outputs[m.output]["label"]): m.values for m in self.maps}
        if self.modality == "text":
            return [t.values for t in self.texts]
        if self.tabular is not None:
            v = self.tabular.values
            return v[0] if v.shape[0] == 1 else v
        return self.importance[1] if self.importance else None

    def __add__(self, other: Explanation) -> Explanation:
        """Side by side: the maps of two explanations of the same images (e.g. Grad-CAM next to IG)."""
        if not isinstance(other, Explanation):
            return NotImplemented
        if self.modality != "image" or other.modality != "image":
            raise ValueError("only image explanations combine side by side (same images, different methods)")
        if (
            self.images is None
            or other.images is None
            or self.images.shape != other.images.shape
            or not np.array_equal(self.images, other.images)
        ):
            raise ValueError("the two explanations are of different images")
        outputs = list(self.outputs)
        index = {o["label"]: i for i, o in enumerate(outputs)}
        maps = list(self.maps)
        for m in other.maps:
            label = other.outputs[m.output]["label"]
            if label not in index:
                index[label] = len(outputs)
                outputs.append(dict(other.outputs[m.output]))
            maps.append(ImageMap(m.method, m.sample, index[label], m.values, m.score, m.delta, m.layer))
        methods = sorted({m.method for m in maps})
        return Explanation(
            "image",
            outputs,
            title=self.title,
            method=", ".join(methods),
            images=self.images,
            maps=maps,
            messages=self.messages + other.messages,
        )

    # -- display ---------------------------------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        p: dict[str, Any] = {"version": PAYLOAD_VERSION, "modality": self.modality}
        if self.title:
            p["title"] = self.title
        if self.method:
            p["method"] = self.method
        p["outputs"] = [
            {
                k: v
                for k, v in (
                    ("label", str(o["label"])),
                    ("score", _num(o.get("score"))),
                    ("base_value", _num(o.get("base_value"))),
                )
                if v is not None
            }
            for o in self.outputs
        ]
        if self.modality == "image" and self.images is not None:
            p["images"] = encode(self.images, "uint8")
            p["maps"] = []
            for m in self.maps:
                d: dict[str, Any] = {
                    "method": m.method,
                    "sample": m.sample,
                    "output": m.output,
                    "values": encode(np.nan_to_num(m.values, nan=0.0, posinf=0.0, neginf=0.0), "float32"),
                }
                for key, val in (("score", _num(m.score)), ("delta", _num(m.delta))):
                    if val is not None:
                        d[key] = val
                if m.layer:
                    d["layer"] = m.layer
                p["maps"].append(d)
        if self.modality == "text":
            p["texts"] = []
            for t in self.texts:
                d = {"tokens": t.tokens, "joins": t.joins, "outputs": t.outputs, "values": encode(t.values, "float32")}
                if t.scores is not None:
                    d["scores"] = [float(s) if math.isfinite(s) else 0.0 for s in t.scores]
                if t.method:
                    d["method"] = t.method
                p["texts"].append(d)
        if self.tabular is not None:
            tb = self.tabular
            feats = []
            for j, name in enumerate(tb.names):
                f: dict[str, Any] = {"name": name, "kind": "categorical" if j in tb.categories else "numeric"}
                if j in tb.categories:
                    f["categories"] = tb.categories[j]
                feats.append(f)
            sec: dict[str, Any] = {"features": feats, "values": encode(tb.values, "float32")}
            if tb.data is not None:
                sec["data"] = encode(tb.data, "float32")
            if tb.base_values is not None:
                sec["base_values"] = encode(tb.base_values, "float32")
            if tb.rows is not None and tb.total is not None:
                sec["rows"] = encode(tb.rows.astype(np.int64), "int64")
                sec["sampled"] = {"total": int(tb.total), "kept": int(tb.values.shape[1])}
            p["tabular"] = sec
        if self.importance is not None:
            names, vals = self.importance
            p["importance"] = {"names": names, "values": encode(vals, "float32")}
        if self.messages:
            p["messages"] = [{"level": "info", "text": m} for m in self.messages]
        return p

    def __repr__(self) -> str:
        from ._text import summary

        return summary(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return bundle("explanation", self.payload(), repr(self))
