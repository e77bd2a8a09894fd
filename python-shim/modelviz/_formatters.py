"""Display formatters registered by type *name*, so that modelviz never imports a framework itself.

``display(model)`` for a torch ``nn.Module``, a ``keras.Model`` or an ``onnx.ModelProto`` reaches
``_model_bundle``, which builds the graph (``modelviz.graph``). Nothing raises into IPython: a failure gives a
bundle whose payload carries an error message.
"""

from __future__ import annotations

from typing import Any, Final

# (module, qualified name) as the classes define them; subclasses match through their MRO.
MODEL_TYPES: Final = (
    ("torch.nn.modules.module", "Module"),
    ("keras.src.models.model", "Model"),
    ("onnx.onnx_ml_pb2", "ModelProto"),
)


def _model_bundle(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    from .graph import Graph, framework_of, graph

    framework = framework_of(obj) or "other"
    try:
        return graph(obj)._repr_mimebundle_(include, exclude)
    except Exception as e:  # never raise into IPython's display machinery
        return Graph.error(
            framework, f"modelviz could not show this model: {type(e).__name__}: {e}", "model"
        )._repr_mimebundle_()


def register(ip: Any) -> None:
    """Register our formatters on an IPython shell; idempotent."""
    formatter = ip.display_formatter.mimebundle_formatter
    for module, name in MODEL_TYPES:
        formatter.for_type_by_name(module, name, _model_bundle)
