"""The wheel carries the prebuilt JupyterLab extension: installing it is the whole install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT

LABEXT = "share/jupyter/labextensions/@modelviz/labextension"


def test_wheel_contains_the_prebuilt_labextension() -> None:
    wheels = sorted((ROOT / "build" / "wheel").glob("modelviz-*.whl"))
    assert wheels, "scripts/setup.sh builds the wheel into build/wheel"
    names = zipfile.ZipFile(wheels[-1]).namelist()
    data = f"modelviz-0.1.0.data/data/{LABEXT}"
    assert f"{data}/package.json" in names
    assert f"{data}/install.json" in names
    assert any(n.startswith(f"{data}/static/remoteEntry.") for n in names)
    pkg = json.loads(zipfile.ZipFile(wheels[-1]).read(f"{data}/package.json"))
    assert pkg["name"] == "@modelviz/labextension"
    assert pkg["jupyterlab"]["mimeExtension"] is True
    assert "modelviz/__init__.py" in names


def test_jupyter_lists_the_extension_enabled_and_ok() -> None:
    jupyter = Path(sys.executable).parent / "jupyter"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(ROOT / "tests" / "e2e" / ".work" / "jupyter-config")}
    out = subprocess.run([str(jupyter), "labextension", "list"], capture_output=True, text=True, check=True, env=env)
    text = out.stdout + out.stderr
    line = next(line for line in text.splitlines() if "@modelviz/labextension" in line)
    assert "enabled" in line
    assert "OK" in line
    assert "(python, modelviz)" in line
