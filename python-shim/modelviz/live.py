"""In-process logging without files: ``live = modelviz.live()``, then ``live.log({"loss": 0.31}, step=i)``.

A logging call only appends to growable numpy columns (amortised O(1), under one lock, safe from any thread) and
marks the output dirty; the sender thread builds the bounded snapshot, at most ``max_rate`` times a second, and
sends it as a display update. :meth:`LiveLog.close` sends the final update.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .dashboard._publisher import Publisher, Show
from .dashboard._snapshot import Options, RunColors, build_payload


class _Series(NamedTuple):
    step: npt.NDArray[np.int64]
    wall_time: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]


class _Column:
    """step, wall time and value columns that double their capacity when full."""

    __slots__ = ("n", "step", "value", "wall")

    def __init__(self) -> None:
        self.n = 0
        self.step = np.empty(256, dtype=np.int64)
        self.wall = np.empty(256, dtype=np.float64)
        self.value = np.empty(256, dtype=np.float64)

    def append(self, step: int, wall: float, value: float) -> None:
        n = self.n
        if n == len(self.step):
            for name in ("step", "wall", "value"):
                old = getattr(self, name)
                new = np.empty(2 * n, dtype=old.dtype)
                new[:n] = old
                setattr(self, name, new)
        self.step[n] = step
        self.wall[n] = wall
        self.value[n] = value
        self.n = n + 1

    def view(self) -> _Series:
        # Appends only write past n, and a grown column is a new array: these views never change under us.
        n = self.n
        return _Series(self.step[:n], self.wall[:n], self.value[:n])


class _Store:
    """What the snapshot reads: runs and scalars (views taken under the log's lock)."""

    def __init__(self, runs: list[str], scalars: dict[str, dict[str, _Series]], messages: list[str]) -> None:
        self.runs = runs
        self.scalars = scalars
        self.messages = messages
        self.corrupt_records = 0


class LiveLog(Publisher):
    """Metrics logged from the running kernel, shown as a live dashboard (same payload as a log directory's)."""

    def __init__(
        self,
        title: str | None = None,
        max_rate: float = 2.0,
        max_points: int = 2000,
        smoothing: float = 0.6,
        display: Show | None = None,
        update: Show | None = None,
    ) -> None:
        super().__init__(max_rate=max_rate, poll=None, display=display, update=update)
        if not 0 <= smoothing < 1:
            raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
        self.title = title
        self.options = Options(
            title=title or "Live log", smoothing=float(smoothing), max_points=int(max_points), colors=RunColors()
        )
        self._lock = threading.Lock()
        self._runs: dict[str, dict[str, _Column]] = {}
        self._next_step: dict[str, int] = {}
        self._skipped: dict[str, str] = {}  # tag -> why its values were skipped (first reason)
        self.logged = 0  # points accepted

    def __repr__(self) -> str:
        state = "live" if self.running else "closed" if self._shown else "not shown"
        return f"<modelviz.LiveLog {self.options.title!r}: {self.logged} points ({state})>"

    # -- logging -------------------------------------------------------------------------------------------------

    def log(self, metrics: Mapping[str, Any], step: int | None = None, run: str = ".") -> None:
        """Record ``metrics`` (name -> number) at ``step`` (default: one past this run's last step) in ``run``.

        Values are anything ``float()`` accepts (Python and numpy numbers, 0-d tensors); others are skipped and
        named in the output's messages rather than raising in the middle of a training loop.
        """
        if not isinstance(metrics, Mapping):
            raise TypeError(f"log() takes a mapping of metric name to number, got {type(metrics).__name__}")
        wall = time.time()
        run = str(run)
        with self._lock:
            cols = self._runs.get(run)
            if cols is None:
                cols = self._runs[run] = {}
            if step is None:
                s = self._next_step.get(run, 0)
            else:
                try:
                    s = int(step)
                except (TypeError, ValueError):
                    raise TypeError(f"step must be an integer, got {step!r}") from None
            nxt = self._next_step.get(run, 0)
            self._next_step[run] = s + 1 if s + 1 > nxt else nxt
            for key, v in metrics.items():
                name = key if isinstance(key, str) else str(key)
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    self._skipped.setdefault(name, f"{type(v).__name__} is not a number")
                    continue
                col = cols.get(name)
                if col is None:
                    col = cols[name] = _Column()
                col.append(s, wall, x)
                self.logged += 1
        self.mark_dirty()

    def close(self) -> None:
        """Send the final update (``status.live = false``) and stop the sender thread."""
        self.stop()

    def __enter__(self) -> LiveLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- snapshot ------------------------------------------------------------------------------------------------

    def _store(self) -> _Store:
        with self._lock:
            scalars = {run: {tag: c.view() for tag, c in cols.items()} for run, cols in self._runs.items()}
            skipped = dict(self._skipped)
        messages = [f"log(): values of {tag!r} skipped ({why})" for tag, why in sorted(skipped.items())]
        return _Store(sorted(scalars), scalars, messages)

    def _payload(self, live: bool, extra: list[dict[str, str]]) -> dict[str, Any]:
        return build_payload(self._store(), self.options, live, extra)

    def _ipython_display_(self) -> None:
        # live() shows it already; displaying it again (as a cell's last value) must not add a second output.
        if not self._shown:
            self.show()


def live(title: str | None = None, max_rate: float = 2.0, **kw: Any) -> LiveLog:
    """A :class:`LiveLog`, displayed at once: ``live = modelviz.live(); live.log({"loss": 0.3}, step=i)``."""
    log = LiveLog(title=title, max_rate=max_rate, **kw)
    log.show()
    return log


__all__ = ["LiveLog", "live"]
