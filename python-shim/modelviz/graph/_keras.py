"""Keras 3 adapter (any backend): functional and Sequential graphs from Keras' own node graph; nested models become
groups whose inner layers are wired to the outer graph; subclassed models fall back to the layer hierarchy.
Each layer's node carries a brief of its key attributes (``_keras_brief``: "3x3/2 relu", "128→10", "heads 8").
"""

from __future__ import annotations

import math
from typing import Any

import keras

from ._builder import GraphBuilder, ParamInfo, dtype_name, weight_stats
from ._keras_brief import keras_brief

_SKIP_CONFIG = {"name", "trainable", "dtype", "layers", "build_config", "compile_config", "input_layers"}
Src = tuple[int, int]  # (node index, tensor index)


def _functional(layer: Any) -> Any:
    """The functional graph of a model (Functional itself, or a built Sequential's inner one), else None."""
    fn = getattr(layer, "_functional", None)  # Sequential
    if fn is not None:
        return fn
    if hasattr(layer, "_nodes_by_depth") and getattr(layer, "_inputs", None):
        return layer
    return None


class _KerasBuilder:
    def __init__(self, model: Any, stats: bool) -> None:
        self.model = model
        self.stats = stats
        self.b = GraphBuilder("keras", title=str(model.name))
        self.seen: set[int] = set()
        self.calls: dict[int, int] = {}

    # -- per layer --
    def params(self, layer: Any) -> tuple[list[ParamInfo], int]:
        weights = list(getattr(layer, "weights", []) or [])
        first = id(layer) not in self.seen
        self.seen.add(id(layer))
        infos = []
        for v in weights:
            shape = [int(d) for d in v.shape]
            stats = None
            if self.stats and first:
                try:
                    stats = weight_stats(keras.ops.convert_to_numpy(v.value))
                except Exception:
                    stats = None
            infos.append(
                ParamInfo(
                    name=str(getattr(v, "path", None) or v.name),
                    shape=shape,
                    dtype=dtype_name(v.dtype),
                    count=math.prod(shape),
                    trainable=bool(v.trainable),
                    stats=stats,
                )
            )
        count = 0
        if first:
            try:
                count = int(layer.count_params())
            except Exception:  # an unbuilt layer or a plain operation
                count = sum(p.count for p in infos)
        return infos, count

    def add_layer(self, layer: Any, group: int, outs: list[int]) -> int:
        k = self.calls.get(id(layer), 0)
        self.calls[id(layer)] = k + 1
        name = str(getattr(layer, "name", type(layer).__name__)) + (f"#{k + 1}" if k else "")
        infos, count = self.params(layer)
        try:
            config = layer.get_config()
        except Exception:
            config = {}
        if not isinstance(config, dict):
            config = {}
        brief = keras_brief(layer, config)
        i = self.b.node(name, type(layer).__name__, group, count, outs[0] if outs else -1, brief=brief)
        if config:
            self.b.attrs(i, [(key, v) for key, v in config.items() if key not in _SKIP_CONFIG])
        d = self.b.detail(i)
        d.params.extend(infos)
        d.outputs.extend(outs)
        return i

    def tensor(self, kt: Any) -> int:
        shape = getattr(kt, "shape", None)
        return self.b.tensor(list(shape) if shape is not None else None, dtype_name(getattr(kt, "dtype", "unknown")))

    # -- functional --
    def expand(self, fn: Any, path: list[str], types: list[str | None], src: dict[int, Src]) -> None:
        group = self.b.group(path, types)
        for depth in sorted(fn._nodes_by_depth, reverse=True):
            for node in fn._nodes_by_depth[depth]:
                op = node.operation
                if op is None or node.is_input:
                    continue
                args = list(node.arguments.keras_tensors)
                inner = _functional(op) if op is not self.model else None
                if inner is not None:  # a nested model: its layers in a group, wired to ours
                    k = self.calls.get(id(op), 0)
                    self.calls[id(op)] = k + 1
                    name = str(op.name) + (f"#{k + 1}" if k else "")
                    for x, y in zip(inner.inputs, args, strict=False):
                        if id(y) in src:
                            src[id(x)] = src[id(y)]
                    self.expand(inner, [*path, name], [*types, type(op).__name__], src)
                    for x, y in zip(node.outputs, inner.outputs, strict=False):
                        if id(y) in src:
                            src[id(x)] = src[id(y)]
                    continue
                outs = [self.tensor(x) for x in node.outputs]
                i = self.add_layer(op, group, outs)
                for x in args:
                    s = src.get(id(x))
                    if s is not None:
                        self.b.edge(s[0], i, s[1])
                        self.b.detail(i).inputs.append(s[1])
                for x, t in zip(node.outputs, outs, strict=True):
                    src[id(x)] = (i, t)

    def build_functional(self, fn: Any) -> None:
        src: dict[int, Src] = {}
        for kt in fn.inputs:
            history = getattr(kt, "_keras_history", None)
            layer = history[0] if history else None
            t = self.tensor(kt)
            name = str(getattr(layer, "name", None) or getattr(kt, "name", "input"))
            i = self.b.node(name, "InputLayer", -1, 0, t)
            self.b.detail(i).outputs.append(t)
            src[id(kt)] = (i, t)
        self.expand(fn, [], [], src)

    # -- hierarchy --
    def build_layers(self, layer: Any, path: list[str], types: list[str | None], chain: bool) -> None:
        prev = -1
        for child in _children(layer):
            if _children(child):
                self.build_layers(child, [*path, str(child.name)], [*types, type(child).__name__], False)
                continue
            i = self.add_layer(child, self.b.group(path, types), [])
            if chain and prev >= 0:
                self.b.edge(prev, i)
            prev = i


def _children(layer: Any) -> list[Any]:
    try:
        return list(layer._flatten_layers(include_self=False, recursive=False))
    except Exception:
        return list(getattr(layer, "layers", []) or [])


def build_keras(model: Any, *, stats: bool = True) -> GraphBuilder:
    kb = _KerasBuilder(model, stats)
    b = kb.b
    fn = _functional(model)
    sequential = isinstance(model, keras.Sequential)
    if fn is not None:
        b.source["method"] = "keras-sequential" if sequential else "keras-functional"
        kb.build_functional(fn)
    elif sequential:
        b.source["method"] = "keras-layers"
        b.message("info", "the Sequential model is not built: no shapes (build it or give it an Input)")
        kb.build_layers(model, [], [], True)
    else:
        b.source["method"] = "keras-layers"
        b.source["fallback_reason"] = f"{type(model).__name__} is a subclassed model: Keras records no graph for it"
        b.message(
            "info",
            f"{type(model).__name__} is a subclassed model: showing its layer hierarchy; Keras keeps no record of "
            "how call() connects the layers, so there are no edges",
        )
        kb.build_layers(model, [], [], False)
    weights = list(model.weights)
    b.totals["params"] = int(sum(math.prod(int(d) for d in v.shape) for v in weights))
    b.totals["trainable_params"] = int(sum(math.prod(int(d) for d in v.shape) for v in model.trainable_weights))
    try:
        b.totals["params"] = int(model.count_params())
    except Exception:
        b.message("info", "the model is not built: parameter counts are incomplete")
    return b
