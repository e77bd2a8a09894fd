"""``modelviz.graph(model, example_inputs=None, *, example_kwargs=None)``: a model's data-flow graph as a displayable
object.

Adapters (``_torch``, ``_keras``, ``_onnx``) are imported only when handed an object of their framework, so
``import modelviz`` never imports torch, keras or onnx. A conversion that fails gives a graph whose payload carries
an error message: displaying a model never raises into IPython.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import Any

from .._mime import bundle
from ._builder import GraphBuilder, GraphInputError, error_payload
from ._summary import summary

__all__ = ["Graph", "framework_of", "graph"]


class Graph:
    """A built graph: ``payload`` (the v1 JSON payload) and ``text`` (the summary table)."""

    def __init__(self, payload: dict[str, Any], text: str) -> None:
        self.payload = payload
        self.text = text

    @classmethod
    def from_builder(cls, b: GraphBuilder) -> Graph:
        return cls(b.payload(), summary(b))

    @classmethod
    def error(cls, framework: str, text: str, title: str | None = None) -> Graph:
        head = f"{title} ({framework})\n" if title else ""
        return cls(error_payload(framework, text, title), f"{head}error: {text}")

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.payload.get("messages", []))

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return bundle("graph", self.payload, self.text)


def _mro_names(obj: Any) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(obj).__mro__}


def framework_of(obj: Any) -> str | None:
    """``"pytorch"``, ``"keras"`` or ``"onnx"`` from the class names alone (no framework is imported)."""
    names = _mro_names(obj)
    # Keras first: with the torch backend a Keras layer is also a torch nn.Module.
    if "keras.src.models.model.Model" in names or "keras.src.layers.layer.Layer" in names:
        return "keras"
    if "torch.nn.modules.module.Module" in names:
        return "pytorch"
    if "onnx.onnx_ml_pb2.ModelProto" in names or isinstance(obj, (str, bytes, os.PathLike)):
        return "onnx"
    return None


def graph(
    model: Any,
    example_inputs: Any = None,
    *,
    example_kwargs: Mapping[str, Any] | None = None,
    stats: bool = True,
) -> Graph:
    """The graph of a torch ``nn.Module``, a ``keras.Model`` or an ONNX ``ModelProto`` / path / bytes.

    torch only: ``example_inputs`` is what the model is called with — a tensor, a tuple / list of positional
    inputs, or a mapping of keyword arguments (a tokenizer's output works as is: ``graph(model, tok("hi",
    return_tensors="pt"))``); ``example_kwargs`` adds keyword arguments to positional ones. With them the graph gets
    shapes and dtypes, and models torch.fx cannot trace (Hugging Face transformers, data-dependent control flow) get
    their data flow from torch.export or from one recorded run. Without them a Hugging Face model uses its own
    ``dummy_inputs`` when it has usable ones.

    ``stats=False`` skips the per-parameter weight statistics. Conversion problems become messages in the payload
    (one sentence each, the full reason in their details); nothing is printed; only an unsupported type raises
    ``TypeError``.
    """
    framework = framework_of(model)
    if framework is None:
        raise TypeError(
            f"modelviz.graph expects a torch nn.Module, a keras Model, an onnx ModelProto or a path to an .onnx file, "
            f"got {type(model).__module__}.{type(model).__qualname__}"
        )
    title = _title(model)
    # The build allocates many small objects and frees none of them: the cyclic GC would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if framework == "pytorch":
            from ._torch import build_torch

            b = build_torch(model, example_inputs, example_kwargs=example_kwargs, stats=stats)
        elif framework == "keras":
            from ._keras import build_keras

            b = build_keras(model, stats=stats)
        else:
            from ._onnx import build_onnx

            b = build_onnx(model, stats=stats)
        return Graph.from_builder(b)
    except GraphInputError as e:
        return Graph.error(framework, str(e), title)
    except Exception as e:  # a conversion bug must not break display(): report it in the payload
        return Graph.error(framework, f"could not build the graph: {type(e).__name__}: {e}", title)
    finally:
        if gc_was_enabled:
            gc.enable()


def _title(model: Any) -> str:
    if isinstance(model, (str, os.PathLike)):
        return os.path.basename(os.fspath(model))
    if isinstance(model, bytes):
        return "ONNX model"
    name = getattr(model, "name", None)
    if isinstance(name, str) and name and framework_of(model) == "keras":
        return name
    graph_proto = getattr(model, "graph", None)
    if framework_of(model) == "onnx" and graph_proto is not None and graph_proto.name:
        return str(graph_proto.name)
    return type(model).__name__
