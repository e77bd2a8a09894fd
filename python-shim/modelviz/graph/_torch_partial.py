"""Hierarchical torch.fx tracing: the fallback for models whose top-level ``forward`` cannot be traced.

Each module is traced on its own with fx, its untraceable submodules kept as single (leaf) nodes, found by retrying
with the failing submodule as a leaf. When a module's *own* forward is what fails, it is split: each child is traced
the same way, recursively, and the children stay unconnected (without running the model nothing tells how the parent
wires them). Optional arguments of each traced forward are fixed to their defaults (``mask=None``, ``is_causal=False``)
and the inference fast path of attention is switched off while tracing, so layers like ``TransformerEncoderLayer``
trace through their reference path.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import fx

_MAX_RETRIES = 32
_DEFAULTS = (bool, int, float, str, type(None))
_CONTAINERS = (torch.nn.ModuleList, torch.nn.ModuleDict, torch.nn.ParameterList, torch.nn.ParameterDict)


Failure = tuple[str, str, str, bool]


@dataclass
class Unit:
    """One piece of the graph: a traced module (``graph``) or, when ``graph`` is None, a module shown as one node."""

    path: str
    parent: str | None  # path of the module that was split into this one; None for the root
    graph: fx.Graph | None = None
    skip: frozenset[fx.Node] = field(default_factory=frozenset)


class _LeafTracer(fx.Tracer):
    def __init__(self, opaque: tuple[type[torch.nn.Module], ...], leaves: set[int]) -> None:
        super().__init__()
        self.opaque = opaque
        self.leaves = leaves
        self.culprit: torch.nn.Module | None = None

    def is_leaf_module(self, m: torch.nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, self.opaque) or id(m) in self.leaves or next(m.children(), None) is None

    def call_module(self, m: torch.nn.Module, forward: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return super().call_module(m, forward, args, kwargs)
        except Exception:
            if self.culprit is None:  # the innermost module whose call raised
                self.culprit = m
            raise


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:300] if text else type(e).__name__


def _defaults(m: torch.nn.Module) -> dict[str, Any]:
    """Optional scalar / None arguments of ``m.forward``, fixed to their defaults while tracing."""
    try:
        sig = inspect.signature(m.forward)
    except (TypeError, ValueError):
        return {}
    return {
        k: p.default
        for k, p in sig.parameters.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.default is not p.empty
        and isinstance(p.default, _DEFAULTS)
    }


@contextmanager
def _no_fastpath() -> Iterator[None]:
    mha = getattr(torch.backends, "mha", None)
    if mha is None or not hasattr(mha, "set_fastpath_enabled"):
        yield
        return
    before = mha.get_fastpath_enabled()
    mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        mha.set_fastpath_enabled(before)


def _dead(graph: fx.Graph, m: torch.nn.Module, fixed: dict[str, Any]) -> frozenset[fx.Node]:
    """The placeholders of fixed arguments and the checks fx adds on them: nodes fed only by those."""
    try:
        params = [k for k, p in inspect.signature(m.forward).parameters.items() if p.kind != p.VAR_KEYWORD]
    except (TypeError, ValueError):
        return frozenset()
    dead: set[fx.Node] = set()
    k = 0
    for node in graph.nodes:
        if node.op == "placeholder":  # one per forward parameter, in order (fx renames fixed ones: mask_1)
            if k < len(params) and params[k] in fixed:
                dead.add(node)
            k += 1
        elif node.op != "output":
            ins = node.all_input_nodes
            if ins and all(n in dead for n in ins):
                dead.add(node)
    return frozenset(dead)


def trace_units(model: torch.nn.Module, opaque: tuple[type[torch.nn.Module], ...]) -> tuple[list[Unit], list[Failure]]:
    """The traced pieces of ``model`` in registration order, and (path, class, reason, split) per module fx could not
    trace: kept as one node inside its parent's graph, or (split) shown as its children when its own forward fails."""
    units: list[Unit] = []
    failures: list[Failure] = []
    names = {id(m): name for name, m in model.named_modules()}

    def visit(m: torch.nn.Module, path: str, parent: str | None) -> None:
        leaves: set[int] = set()
        found: list[Failure] = []
        fixed = _defaults(m)
        own: str | None = None
        for _ in range(_MAX_RETRIES):
            tracer = _LeafTracer(opaque, leaves)
            try:
                with _no_fastpath():
                    graph = tracer.trace(m, concrete_args=dict(fixed) or None)
            except Exception as e:
                text = f"{type(e).__name__}: {_first_line(e)}"
                culprit = tracer.culprit
                if culprit is None or culprit is m or id(culprit) in leaves:
                    own = text
                    break
                leaves.add(id(culprit))
                found.append((names.get(id(culprit), "?"), type(culprit).__name__, text, False))
                continue
            failures.extend(found)
            units.append(Unit(path, parent, graph, _dead(graph, m, fixed)))
            return
        else:
            own = f"gave up after {_MAX_RETRIES} untraceable submodules"
        if not isinstance(m, _CONTAINERS):
            failures.append((path, type(m).__name__, own or "?", True))
        for name, child in m.named_children():
            cpath = f"{path}.{name}" if path else name
            if isinstance(child, opaque) or next(child.children(), None) is None:
                units.append(Unit(cpath, path))
            else:
                visit(child, cpath, path)

    visit(model, "", None)
    return units, failures
