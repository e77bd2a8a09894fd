"""Display formatters registered by type *name*, so that modelviz never imports a framework itself.

``display(model)`` for a torch ``nn.Module``, a ``keras.Model`` or an ``onnx.ModelProto`` reaches
``_model_bundle``. Until the graph adapters land, it returns ``None``, which tells IPython to fall back
to the object's own representation, so registering early never hides anything.
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
    # The graph adapters (torch.fx, keras, onnx) are the graph issue's work; until then keep the default repr.
    return None


def register(ip: Any) -> None:
    """Register our formatters on an IPython shell; idempotent."""
    formatter = ip.display_formatter.mimebundle_formatter
    for module, name in MODEL_TYPES:
        formatter.for_type_by_name(module, name, _model_bundle)
