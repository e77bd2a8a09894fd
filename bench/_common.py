"""What the Python benchmark runners share: where modelviz comes from, the timing loop and the result line.

A runner is started as ``python bench/<area>/run*.py`` (scripts/bench.sh), so it puts the repository root on
``sys.path`` and imports this module as ``bench._common``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def modelviz_module(name: str = "modelviz") -> ModuleType:
    """``name`` (``modelviz`` or one of its modules) from the installed package, or from the source tree when the
    package is not installed or predates that module."""
    try:
        return importlib.import_module(name)
    except ImportError:
        for loaded in [m for m in sys.modules if m == "modelviz" or m.startswith("modelviz.")]:
            del sys.modules[loaded]
        sys.path.insert(0, str(ROOT / "python-shim"))
        return importlib.import_module(name)


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    """Seconds of each of ``reps`` calls of ``fn``."""
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ratio(ours: float, anchor: float, better: str, worse: str) -> str:
    """``"<r>x <better>"`` when ours is the smaller figure (time, bytes), else ``"<r>x <worse>"``."""
    if ours <= anchor:
        return f"{anchor / ours:.1f}x {better}"
    return f"{ours / anchor:.1f}x {worse}"


def line(name: str, ours: str, anchor: str, ratio_text: str, detail: str = "") -> str:
    """One result line, ``<area>/<name>   ours <x>   anchor(<what>) <y>   ratio <r>   [detail]``: the shape that
    scripts/bench.sh counts. ``anchor`` is the whole ``anchor(<what>) <y>`` field."""
    text = f"{name:<22} {'ours ' + ours:<14} {anchor:<34} ratio {ratio_text:<16}"
    return f"{text} [{detail}]" if detail else text.rstrip()


def load_average() -> str:
    """The 1-minute load average, for the footers: absolute times move with the load of the shared machine."""
    return f"load average {os.getloadavg()[0]:.1f}"
