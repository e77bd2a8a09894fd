"""`import modelviz` / `%load_ext modelviz` in a real IPython shell, without torch, keras or onnx."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "modelviz")
    return shell


def test_import_registers_formatters_without_importing_frameworks() -> None:
    code = textwrap.dedent(
        """
        import sys
        from IPython.core.interactiveshell import InteractiveShell
        ip = InteractiveShell.instance()
        import modelviz
        f = ip.display_formatter.mimebundle_formatter
        print(sorted(k for k in f.deferred_printers))
        print([m for m in ("torch", "keras", "onnx", "tensorflow") if m in sys.modules])
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str(
        sorted(
            [
                ("keras.src.models.model", "Model"),
                ("onnx.onnx_ml_pb2", "ModelProto"),
                ("torch.nn.modules.module", "Module"),
            ]
        )
    )
    assert out[1] == "[]"


def test_model_formatter_reaches_subclasses_by_name(ip: InteractiveShell) -> None:
    # A stand-in with the module path of torch.nn.Module: the name lookup is what matters, not torch itself.
    Module = type("Module", (), {"__module__": "torch.nn.modules.module", "__repr__": lambda self: "Net()"})
    Net = type("Net", (Module,), {"__module__": "__main__"})
    data, _ = ip.display_formatter.format(Net())
    # The formatter is reached by name and never raises: a stand-in that is no real torch module gives a graph
    # payload whose message says why it could not be built.
    assert set(data) == {"application/vnd.modelviz.graph.v1+json", "text/plain"}
    messages = data["application/vnd.modelviz.graph.v1+json"]["messages"]
    assert messages[0]["level"] == "error" and "error: could not build the graph" in data["text/plain"]


def test_confusion_displays_our_mime_type(ip: InteractiveShell) -> None:
    import modelviz

    data, _ = ip.display_formatter.format(modelviz.confusion_matrix([0, 1], [0, 1]))
    assert set(data) == {"application/vnd.modelviz.confusion.v1+json", "text/plain"}


def test_magic_is_registered_and_validates_arguments(ip: InteractiveShell) -> None:
    assert "modelviz" in ip.magics_manager.magics["line"]
    with pytest.raises(UsageError, match="give --logdir"):
        ip.run_line_magic("modelviz", "")
    with pytest.raises(UsageError, match=r"--smoothing must be in \[0, 1\), got 1.0"):
        ip.run_line_magic("modelviz", "--logdir logs --smoothing 1")
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        ip.run_line_magic("modelviz", "--logdir logs --bogus")
