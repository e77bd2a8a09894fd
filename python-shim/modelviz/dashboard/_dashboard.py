"""``modelviz.Dashboard(logdir, ...)``: a live view of a TensorBoard log directory (``%modelviz --logdir``)."""

from __future__ import annotations

import os
import threading
from typing import Any

from ..logdir import LogdirReader
from ._publisher import Publisher, Show
from ._snapshot import Options, RunColors, build_payload, compile_filter


class Dashboard(Publisher):
    """Scalars, histograms, images, text, hparams and PR curves of a log directory, re-read every ``refresh`` s.

    ``Dashboard(logdir)`` as the last expression of a cell shows a one-shot snapshot; :meth:`show` displays it with
    a display id and keeps it updated from a daemon thread (re-reading only what was added; updating only when
    something changed, at most ``max_rate`` times a second) until :meth:`stop` or :func:`modelviz.stop_all`.
    A log directory that does not exist yet, or holds no event files yet, is watched until it does.
    """

    def __init__(
        self,
        logdir: str | os.PathLike[str],
        runs: str | None = None,
        tags: str | None = None,
        refresh: float = 2.0,
        smoothing: float = 0.6,
        verify: bool = False,
        max_points: int = 2000,
        title: str | None = None,
        max_rate: float = 2.0,
        display: Show | None = None,
        update: Show | None = None,
        reader: Any = None,
    ) -> None:
        super().__init__(max_rate=max_rate, poll=refresh, display=display, update=update)
        if not 0 <= smoothing < 1:
            raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
        if int(max_points) < 8:
            raise ValueError(f"max_points must be at least 8, got {max_points}")
        self.logdir = os.fspath(logdir)
        self.refresh = float(refresh)
        self.options = Options(
            title=title,
            logdir=self.logdir,
            runs=compile_filter(runs, "--runs"),
            tags=compile_filter(tags, "--tags"),
            smoothing=float(smoothing),
            max_points=int(max_points),
            colors=RunColors(),
        )
        self.reader = reader if reader is not None else LogdirReader(self.logdir, verify=verify)
        self._lock = threading.RLock()  # the reader is read by the thread and by _repr_mimebundle_
        self._loaded = False
        self._fingerprint: Any = None

    def __repr__(self) -> str:
        state = "live" if self.running else "not running"
        return f"<modelviz.Dashboard {self.logdir!r} ({state})>"

    def same_view(self, other: Dashboard) -> bool:
        """Same log directory and filters (what ``%modelviz`` replaces when a cell is run again)."""

        def key(d: Dashboard) -> tuple[Any, ...]:
            o = d.options
            return (d.logdir, o.runs and o.runs.pattern, o.tags and o.tags.pattern)

        return key(self) == key(other)

    # -- reading -------------------------------------------------------------------------------------------------

    def reload(self) -> bool:
        """Read what was added since the last read; returns whether anything changed."""
        with self._lock:
            self.reader.reload()
            self._loaded = True
            self.clear_errors()
            fp = self._fingerprint_now()
            changed: bool = fp != self._fingerprint
            self._fingerprint = fp
            return changed

    def _fingerprint_now(self) -> Any:
        r = self.reader

        def sizes(attr: str) -> tuple[Any, ...]:
            store = getattr(r, attr, {}) or {}
            return tuple((run, tag, len(v)) for run, tags in sorted(store.items()) for tag, v in sorted(tags.items()))

        scalars = tuple(
            (run, tag, len(s.step), s.step[-1:].tobytes(), s.value[-1:].tobytes())  # bytes: NaN == NaN here
            for run, tags in sorted((getattr(r, "scalars", {}) or {}).items())
            for tag, s in sorted(tags.items())
        )
        hparams = getattr(r, "hparams", {}) or {}
        return (
            tuple(r.runs),
            scalars,
            tuple(len(h.step) for tags in (getattr(r, "histograms", {}) or {}).values() for h in tags.values()),
            sizes("images"),
            sizes("text"),
            sizes("pr_curves"),
            tuple(sorted((k, repr(v)) for k, v in hparams.items())),
            tuple(r.messages),
            r.corrupt_records,
        )

    def _poll(self) -> bool:
        had_errors = bool(self._errors)
        return self.reload() or had_errors

    def _final(self) -> None:
        try:
            self.reload()
        except Exception as exc:
            self.note_error("reading failed", exc)

    # -- payload -------------------------------------------------------------------------------------------------

    def _payload(self, live: bool, extra: list[dict[str, str]]) -> dict[str, Any]:
        with self._lock:
            if not self._loaded:
                try:
                    self.reload()
                except Exception as exc:
                    self.note_error("reading failed (will retry)" if live else "reading failed", exc)
                    extra = [*extra, {"level": "error", "text": self._errors[-1]}]
            notes = list(extra)
            self.options.hide_pending = not self.reader.runs
            if not self.reader.runs:
                doing = f"watching (re-read every {self.refresh:g} s)" if live else "not watching"
                if not os.path.exists(self.logdir) and "://" not in self.logdir:
                    notes.append({"level": "info", "text": f"log directory {self.logdir!r} does not exist; {doing}"})
                else:
                    notes.append({"level": "info", "text": f"no event files yet in {self.logdir!r}; {doing}"})
            return build_payload(self.reader, self.options, live, notes)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.bundle()
