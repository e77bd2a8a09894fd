"""PyTorch adapter: the model's data flow, from the most legible source that works.

1. torch.fx symbolic tracing into every module with children (a submodule whose forward cannot be traced is one
   opaque node), with shapes from the example inputs (``_torch_fx``).
2. When the root's forward cannot be traced, or parts were opaque, and there are example inputs (or a Hugging Face
   model's own ``dummy_inputs``): torch.export, non-strict, keyword inputs as keywords, the KV cache off for the trace
   (``_torch_export``): ATen operators grouped by module path.
3. With example inputs but no trace: one recorded run, modules and torch operations wired by tensor identity, never
   by execution order (``_torch_hooks``).
4. Without example inputs: hierarchical fx (``fx-partial``, see ``_torch_partial``: every submodule fx can trace keeps
   its data flow, unconnected to the others), then the bare module hierarchy without edges.

Plumbing (shape queries, asserts, parameter reads, constants) is folded into the nodes it serves (``_torch_fold``).
Nothing torch says while tracing reaches the notebook: it goes into the details of the first message.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Final

import torch

from ._brief import TIMES
from ._builder import GraphBuilder, GraphInputError
from ._torch_base import (
    OPAQUE,
    Params,
    eval_mode,
    first_line,
    group_of,
    is_unit,
    module_attrs,
    module_types,
    tensor_metas,
    totals,
    unused_params_note,
)
from ._torch_brief import module_brief
from ._torch_export import build_export, export
from ._torch_fx import add_fx_graph, build_fx, trace
from ._torch_hooks import add_units, build_hooks
from ._torch_partial import trace_units
from ._torch_quiet import quiet

# Names kept for code written against the single-file adapter.
_OPAQUE = OPAQUE
_Params = Params
_eval_mode = eval_mode
_first_line = first_line
_group_of = group_of
_module_attrs = module_attrs
_module_types = module_types
_tensor_metas = tensor_metas
_totals = totals

_REASON_CHARS: Final = 120
_DETAIL_CHARS: Final = 2000

Failure = tuple[str, BaseException]


def build_torch(
    model: torch.nn.Module,
    example_inputs: Any = None,
    *,
    example_kwargs: Mapping[str, Any] | None = None,
    stats: bool = True,
) -> GraphBuilder:
    args, kwargs = split_inputs(example_inputs, example_kwargs)
    if isinstance(model, torch.jit.ScriptModule):
        try:
            from ._torchscript import build_torchscript
        except ImportError:
            pass
        else:
            with quiet():
                scripted: GraphBuilder = build_torchscript(model, args, kwargs, stats=stats)
            return scripted
    with quiet() as captured:
        b = _build(model, args, kwargs, stats)
    said = captured.text()
    if said and b.messages:
        first = b.messages[0]
        head = first.get("details", "")
        first["details"] = f"{head}\n\nWhat torch said while tracing:\n{said}".strip()
    return b


def split_inputs(
    example_inputs: Any, example_kwargs: Mapping[str, Any] | None
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(positional, keyword) example inputs: a tensor, a tuple / list of them, or a mapping of keyword arguments
    (a tokenizer's ``BatchEncoding`` is one), plus ``example_kwargs``."""
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}
    if isinstance(example_inputs, Mapping):
        kwargs = {str(k): v for k, v in example_inputs.items()}
    elif isinstance(example_inputs, (tuple, list)):
        args = tuple(example_inputs)
    elif example_inputs is not None:
        args = (example_inputs,)
    if example_kwargs is not None:
        if not isinstance(example_kwargs, Mapping):
            raise GraphInputError(
                f"example_kwargs must be a mapping of argument names to values, got {type(example_kwargs).__name__}"
            )
        kwargs.update({str(k): v for k, v in example_kwargs.items()})
    return args, kwargs


def _build(model: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], stats: bool) -> GraphBuilder:
    name = type(model).__name__
    failures: list[Failure] = []
    try:
        gm, opaque = trace(model)
    except Exception as e:
        failures.append(("torch.fx", e))
    else:
        if not (opaque and (args or kwargs)):
            return build_fx(model, gm, opaque, args, kwargs, stats)
        # Parts were traced as opaque nodes: with example inputs torch.export can look inside them.
        try:
            b = build_export(model, export(model, args, kwargs), stats)
        except Exception:
            return build_fx(model, gm, opaque, args, kwargs, stats)
        parts = ", ".join(cls for cls, _ in opaque)
        b.source["fallback_reason"] = "torch.fx could not trace inside " + "; ".join(
            f"{cls}: {first_line(RuntimeError(why), _REASON_CHARS)}" for cls, why in opaque
        )
        details = "\n\n".join(f"torch.fx could not trace {cls}: {why}" for cls, why in opaque)
        b.message("info", f"Traced with torch.export to look inside {parts}: torch.fx could not trace it.", details)
        return b
    if not (args or kwargs):
        dummy = _dummy_inputs(model)
        if dummy:
            try:
                b = build_export(model, export(model, (), dummy), stats)
            except Exception as e:
                failures.append(("torch.export with the model's dummy inputs", e))
            else:
                shapes = ", ".join(f"{k} {TIMES.join(map(str, v.shape))}" for k, v in dummy.items())
                _fallback(
                    b,
                    failures,
                    "info",
                    f"Traced with torch.export on example inputs the model describes itself ({shapes}): give "
                    "example_inputs for yours.",
                )
                return b
        try:
            partial = _build_partial(model, failures, stats)
        except Exception as e:
            failures.append(("hierarchical torch.fx", e))
        else:
            if partial is not None:
                return partial
        return _build_tree(model, failures, stats)
    try:
        b = build_export(model, export(model, args, kwargs), stats)
    except Exception as e:
        failures.append(("torch.export", e))
    else:
        _fallback(b, failures, "info", f"Traced with torch.export: torch.fx could not trace {name}.forward.")
        return b
    b = GraphBuilder("pytorch", title=name, method="hooks")
    error = build_hooks(model, args, kwargs, stats, b)
    if error is None:
        text = (
            f"{name} could not be traced: the graph shows the modules and operations one run on the example inputs "
            "went through, wired by the tensors passed between them."
        )
        _fallback(b, failures, "warning", text, first=True)
    else:
        b.source["method"] = "module-tree"
        failures.append(("running the model on the example inputs", error))
        _fallback(b, failures, "warning", f"{name} could not be traced or run: showing its modules without edges.")
    return b


def _reason(failures: list[Failure]) -> str:
    return "; ".join(f"{what}: {type(e).__name__}: {first_line(e, _REASON_CHARS)}" for what, e in failures)


def _details(failures: list[Failure]) -> str:
    parts = []
    for what, e in failures:
        text = f"{type(e).__name__}: {e}".strip()
        if len(text) > _DETAIL_CHARS:
            text = text[: _DETAIL_CHARS - 1] + "…"
        parts.append(f"{what} failed: {text}")
    return "\n\n".join(parts)


def _fallback(b: GraphBuilder, failures: list[Failure], level: str, text: str, first: bool = False) -> None:
    """The fallback's reason in ``source`` and its one message (the full errors in the message's details)."""
    if failures:
        b.source["fallback_reason"] = _reason(failures)
    item_count = len(b.messages)
    b.message(level, text, details=_details(failures) or None)
    if first and len(b.messages) > item_count:
        b.messages.insert(0, b.messages.pop())


def _dummy_inputs(model: torch.nn.Module) -> dict[str, Any] | None:
    """Inputs a Hugging Face model describes itself: its ``dummy_inputs`` when they are all tensor arguments of its
    forward, else one example of its ``main_input_name`` built from its config (images, audio features), plus one
    decoder token for an encoder-decoder. None for anything else."""
    try:
        params = inspect.signature(model.forward).parameters
        value = getattr(model, "dummy_inputs", None)
        if isinstance(value, Mapping) and value:
            if all(isinstance(v, torch.Tensor) and k in params for k, v in value.items()):
                return dict(value)
        config = vars(model).get("config")
        main = getattr(model, "main_input_name", None)
        if config is None or main not in params:
            return None
        out: dict[str, Any] = {}
        if main == "pixel_values":
            size: Any = config.image_size
            h, w = (size, size) if isinstance(size, int) else size
            out[main] = torch.zeros(1, int(getattr(config, "num_channels", 3)), int(h), int(w))
        elif main == "input_features":
            frames = 2 * int(config.max_source_positions)
            out[main] = torch.zeros(1, int(config.num_mel_bins), frames)
        else:
            return None
        if getattr(config, "is_encoder_decoder", False) and "decoder_input_ids" in params:
            start = getattr(config, "decoder_start_token_id", None)
            out["decoder_input_ids"] = torch.full((1, 1), start if isinstance(start, int) else 0, dtype=torch.long)
        return out
    except Exception:
        return None


# -- fallback: hierarchical fx (``fx-partial``) --
def _build_partial(model: torch.nn.Module, failures: list[Failure], stats: bool) -> GraphBuilder | None:
    """Each module that fx can trace on its own (untraceable submodules as single nodes) keeps its data flow; modules
    whose own forward fails are split into their children. None when nothing with data flow could be traced."""
    units, unit_failures = trace_units(model, OPAQUE)
    if not any(u.graph is not None for u in units):
        return None
    b = GraphBuilder("pytorch", title=type(model).__name__, method="fx-partial")

    def label(path: str, cls: str) -> str:
        return f"{path} ({cls})" if path else f"{cls} (root)"

    reason = _reason(failures)
    if unit_failures:
        listed = "; ".join(
            f"{label(p, c)}: {first_line(RuntimeError(t), _REASON_CHARS)}" for p, c, t, _ in unit_failures[:3]
        )
        more = f"; and {len(unit_failures) - 3} more" if len(unit_failures) > 3 else ""
        reason += f"; torch.fx could not trace the forward of {listed}{more}"
    else:
        reason += "; traced again with optional arguments fixed to their defaults and the attention fast path off"
    b.source["fallback_reason"] = reason
    split = [label(path, cls) for path, cls, _, is_split in unit_failures if is_split]
    details = "\n\n".join(
        [_details(failures), *(f"torch.fx could not trace {label(p, c)}: {t}" for p, c, t, _ in unit_failures)]
    ).strip()
    if split:
        which = ", ".join(split) if len(split) <= 2 else f"{split[0]}, {split[1]} and {len(split) - 2} more modules"
        b.message(
            "warning",
            f"Could not trace the forward of {which}: shown as submodules, each with its own data flow, unconnected "
            "(give example_inputs for the full graph).",
            details=details or None,
        )
    for path, cls, text, is_split in unit_failures:
        if not is_split:
            b.message("info", f"{label(path, cls)} is shown as one node: its forward could not be traced.", text)
    if not unit_failures:
        b.message(
            "info",
            "Traced with optional arguments fixed to their defaults (masks None) and the fast path off.",
            details=details or None,
        )
    modules = dict(model.named_modules())
    types = module_types(model)
    params = Params(stats)
    for u in units:
        if u.graph is not None:
            add_fx_graph(b, u.graph, model, u.path, modules, types, params, u.skip)
            continue
        m = modules[u.path]
        infos, count = params.infos(list(m.named_parameters(recurse=is_unit(m))))
        i = b.node(
            u.path,
            type(m).__name__,
            group_of(b, u.path.rpartition(".")[0], types),
            count,
            brief=module_brief(m) if is_unit(m) else None,
        )
        b.attrs(i, module_attrs(m))
        if infos:
            b.detail(i).params.extend(infos)
    totals(b, model)
    unused_params_note(b, "no traced forward() calls")
    return b


# -- fallback: module hierarchy without edges --
def _build_tree(model: torch.nn.Module, failures: list[Failure], stats: bool) -> GraphBuilder:
    b = GraphBuilder("pytorch", title=type(model).__name__, method="module-tree")
    _fallback(
        b,
        failures,
        "warning",
        f"Could not trace {type(model).__name__}.forward: showing its modules without edges (give example_inputs "
        "to see the data flow).",
    )
    add_units(b, model, Params(stats), set(), containers=True)
    totals(b, model)
    return b
