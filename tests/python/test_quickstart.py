"""examples/quickstart.ipynb, the front door, runs top to bottom in a real kernel and emits valid payloads."""

from __future__ import annotations

from typing import Any

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT, problems

PREFIX = "application/vnd.modelviz."


def test_quickstart_runs_and_every_modelviz_output_is_valid() -> None:
    nb = nbformat.read(ROOT / "examples" / "quickstart.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "examples")}}
    ).execute()
    seen: dict[str, int] = {}
    malformed: list[Any] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "".join(out.get("traceback", []))
            for mime, payload in out.get("data", {}).items():
                if not mime.startswith(PREFIX):
                    continue
                kind = mime[len(PREFIX) :].split(".")[0]
                assert "text/plain" in out["data"], "every bundle carries a text/plain fallback"
                found = problems(kind, payload)
                if out["data"]["text/plain"] == "a malformed payload":
                    malformed.append(found)
                else:
                    assert found == [], found
                    seen[kind] = seen.get(kind, 0) + 1
    assert seen.get("confusion", 0) >= 2
    # the deliberately malformed example is caught by the same contract the renderer enforces
    assert len(malformed) == 1 and {p for p, _ in malformed[0]} >= {"/labels", "/matrix"}
