"""modelviz: deep-learning model visualization inside notebooks.

``import modelviz`` inside IPython registers display formatters; ``%load_ext modelviz`` also adds
the ``%modelviz`` magic. Nothing here imports torch, keras or onnx.
"""

from __future__ import annotations

from typing import Any

from ._mime import KINDS, MIME_TYPES, PAYLOAD_VERSION, mime_type
from .confusion import ConfusionMatrix, confusion_matrix
from .dashboard import Dashboard, stop_all
from .explain import Explanation, explain
from .graph import Graph, graph
from .live import LiveLog, live
from .logdir import LogdirReader, read_logdir

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "MIME_TYPES",
    "PAYLOAD_VERSION",
    "ConfusionMatrix",
    "Dashboard",
    "Explanation",
    "Graph",
    "LiveLog",
    "LogdirReader",
    "__version__",
    "confusion_matrix",
    "explain",
    "graph",
    "live",
    "load_ipython_extension",
    "mime_type",
    "read_logdir",
    "stop_all",
]


def __getattr__(name: str) -> Any:
    # ``modelviz.keras`` (the Keras callback) is imported on first use: Keras itself only when LiveCallback is.
    if name == "keras":
        import importlib

        return importlib.import_module(".keras", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@modelviz/labextension"}]


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext modelviz``: formatters and the ``%modelviz`` magic."""
    from . import _formatters
    from ._magic import ModelvizMagics

    _formatters.register(ip)
    ip.register_magics(ModelvizMagics)


def _register_in_running_shell() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to register
        return
    ip = get_ipython()
    if ip is not None:
        from . import _formatters

        _formatters.register(ip)


_register_in_running_shell()
