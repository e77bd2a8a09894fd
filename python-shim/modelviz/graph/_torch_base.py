"""Helpers shared by the PyTorch graph builders (fx, export, hooks, fx-partial): parameters with their statistics,
module attributes, groups from module paths, shapes from tensors or metadata, and the eval-mode context."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from ._builder import GraphBuilder, ParamInfo, dtype_name, weight_stats

# Built-in modules whose forward is not traceable or not worth tracing into: kept as single nodes up front.
OPAQUE: tuple[type[torch.nn.Module], ...] = (torch.nn.MultiheadAttention, torch.nn.RNNBase)
_SIMPLE = (bool, int, float, str, type(None))


def first_line(e: BaseException, limit: int = 300) -> str:
    text = str(e).strip().splitlines()
    line = text[0] if text else type(e).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_unit(m: torch.nn.Module) -> bool:
    """A module shown as one node (childless, or a built-in kept opaque)."""
    return isinstance(m, OPAQUE) or next(m.children(), None) is None


@contextmanager
def eval_mode(model: torch.nn.Module) -> Iterator[None]:
    """Run with eval() and no grad, then restore each module's training flag (so BatchNorm stats stay put)."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        for m, mode in modes:
            m.training = mode


def tensor_metas(meta: Any) -> list[tuple[list[int | str], str]]:
    """(shape, dtype) per tensor in a ShapeProp TensorMetadata / tensor / nested tuple, list or dict; a symbolic size
    (export with dynamic shapes) is kept as its text."""
    if meta is None:
        return []
    if hasattr(meta, "shape") and hasattr(meta, "dtype"):
        dims: list[int | str] = [int(d) if isinstance(d, int) else str(d) for d in meta.shape]
        return [(dims, dtype_name(meta.dtype))]
    if isinstance(meta, dict):
        meta = list(meta.values())
    if isinstance(meta, (list, tuple)):
        return [m for item in meta for m in tensor_metas(item)]
    return []


def flat_tensors(value: Any, depth: int = 0) -> list[torch.Tensor]:
    """The tensors in a (nested) tuple / list / dict / ModelOutput, in order."""
    if isinstance(value, torch.Tensor):
        return [value]
    if depth > 8:
        return []
    if isinstance(value, dict):  # ModelOutput is an OrderedDict
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in flat_tensors(v, depth + 1)]
    return []


def module_attrs(m: torch.nn.Module) -> list[tuple[str, Any]]:
    """Simple scalar / tuple attributes (kernel_size, stride, num_heads…); the extra_repr() text if there are none."""
    out: list[tuple[str, Any]] = []
    for key, value in vars(m).items():
        if key.startswith("_") or key == "training":
            continue
        if isinstance(value, _SIMPLE) or (
            isinstance(value, (tuple, list)) and len(value) <= 16 and all(isinstance(v, _SIMPLE) for v in value)
        ):
            out.append((key, value))
    if not out:
        try:
            extra = m.extra_repr()
        except Exception:
            extra = ""
        if extra:
            out.append(("extra_repr", extra))
    return out


class Params:
    """Parameter infos with statistics computed once per tensor; counts attributed to the first user only."""

    def __init__(self, stats: bool) -> None:
        self.stats = stats
        self.seen: set[int] = set()
        self.cache: dict[int, dict[str, Any] | None] = {}

    def infos(self, named: Sequence[tuple[str, torch.Tensor]]) -> tuple[list[ParamInfo], int]:
        infos: list[ParamInfo] = []
        first_use = 0
        for name, p in named:
            key = id(p)
            if key not in self.seen:
                self.seen.add(key)
                first_use += p.numel()
            stats = None
            if key not in self.cache:  # statistics travel once, with the first user of a shared parameter
                stats = self.cache[key] = self._stats(p) if self.stats else None
            infos.append(
                ParamInfo(
                    name=name,
                    shape=[int(d) for d in p.shape],
                    dtype=dtype_name(p.dtype),
                    count=p.numel(),
                    trainable=bool(p.requires_grad),
                    stats=stats,
                )
            )
        return infos, first_use

    @staticmethod
    def _stats(p: torch.Tensor) -> dict[str, Any] | None:
        try:
            t = p.detach()
            if t.is_meta:
                return None
            t = t.cpu()
            if t.is_floating_point() and t.dtype not in (torch.float32, torch.float64):
                t = t.float()
            return weight_stats(t.numpy())
        except Exception:
            return None


def totals(b: GraphBuilder, model: torch.nn.Module) -> None:
    params = list(model.parameters())
    b.totals["params"] = int(sum(p.numel() for p in params))
    b.totals["trainable_params"] = int(sum(p.numel() for p in params if p.requires_grad))


def unused_params_note(b: GraphBuilder, what: str = "forward() does not call") -> None:
    unused = b.totals["params"] - sum(b.node_params)
    if unused > 0:
        b.message("info", f"{unused:,} parameters belong to modules that {what}")


def module_types(model: torch.nn.Module) -> dict[str, str]:
    return {name: type(m).__name__ for name, m in model.named_modules()}


def group_of(b: GraphBuilder, path: str, types: dict[str, str]) -> int:
    if not path:
        return -1
    parts = path.split(".")
    return b.group(parts, [types.get(".".join(parts[: i + 1])) for i in range(len(parts))])
