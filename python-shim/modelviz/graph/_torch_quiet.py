"""Keep torch quiet while a graph is built, and run a Hugging Face model without its KV cache for the trace only.

Tracing prints: torch.export and dynamo log through the ``torch`` loggers, raise warnings, and sometimes print
generated code; transformers logs through its own loggers. None of it may reach the notebook (it looks like a crash
in a red stderr box): :func:`quiet` collects it instead, so that it can go into a message's details.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Any, Final

import torch

_LOGGERS: Final = ("torch", "transformers")
_MAX_CAPTURED: Final = 4000


class Captured:
    """What torch and its friends said while the graph was built (log records, warnings, prints)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        line = line.strip()
        if line and line not in self.lines:
            self.lines.append(line)

    def text(self) -> str:
        out = "\n".join(self.lines)
        return out if len(out) <= _MAX_CAPTURED else out[: _MAX_CAPTURED - 1] + "…"


class _Filter(logging.Filter):
    def __init__(self, captured: Captured) -> None:
        super().__init__()
        self.captured = captured

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] not in _LOGGERS:
            return True
        # Swallowed either way; only what torch meant as a warning is worth a line in the details (its debug records,
        # e.g. torch.__trace's structured-trace payloads, carry no text for a user).
        if record.levelno >= logging.WARNING:
            try:
                text = record.getMessage().strip()
            except Exception:
                text = ""
            if text:
                self.captured.add(f"{record.levelname} {record.name}: {text}")
        return False


def _handlers() -> set[logging.Handler]:
    found: set[logging.Handler] = set(logging.getLogger().handlers)
    if logging.lastResort is not None:
        found.add(logging.lastResort)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if name.split(".")[0] in _LOGGERS and isinstance(logger, logging.Logger):
            found.update(logger.handlers)
    return found


@contextmanager
def quiet() -> Iterator[Captured]:
    """Collect warnings, torch / transformers log records and stdout / stderr prints instead of showing them."""
    captured = Captured()
    log_filter = _Filter(captured)
    handlers = _handlers()
    for h in handlers:
        h.addFilter(log_filter)
    out, err = io.StringIO(), io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with redirect_stdout(out), redirect_stderr(err):
                yield captured
        for w in caught[:50]:
            captured.add(f"{w.category.__name__}: {w.message}")
    finally:
        for h in handlers:
            h.removeFilter(log_filter)
        captured.add(out.getvalue())
        captured.add(err.getvalue())


def _configs(model: torch.nn.Module) -> list[Any]:
    """The distinct Hugging Face configs of ``model`` and its submodules (T5's stacks hold copies)."""
    seen: set[int] = set()
    out = []
    for m in model.modules():
        cfg = vars(m).get("config")
        if cfg is not None and id(cfg) not in seen and hasattr(cfg, "use_cache"):
            seen.add(id(cfg))
            out.append(cfg)
    return out


@contextmanager
def no_cache(model: torch.nn.Module) -> Iterator[bool]:
    """``config.use_cache = False`` for the duration (a KV cache object in the output stops torch.export); restored
    afterwards. Yields whether anything was switched off."""
    changed = [cfg for cfg in _configs(model) if getattr(cfg, "use_cache", None)]
    before = [cfg.use_cache for cfg in changed]
    for cfg in changed:
        cfg.use_cache = False
    try:
        yield bool(changed)
    finally:
        for cfg, value in zip(changed, before, strict=True):
            cfg.use_cache = value
