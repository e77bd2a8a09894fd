"""One output kept up to date from a daemon thread: shown once with a display id, then updated in place.

Updates are throttled to ``max_rate`` per second and there is always a trailing update: a change that arrives while
the sender waits is sent when the wait ends, and :meth:`Publisher.stop` sends one last update with
``status.live = false``. Every publisher is in a registry; :func:`stop_all` (``%modelviz --stop``, and ``atexit`` at
kernel shutdown) stops them all. Errors inside the thread never end it: they become messages in the next update.
"""

from __future__ import annotations

import atexit
import threading
import time
import traceback
import uuid
import weakref
from collections.abc import Callable
from typing import Any, Final

from .._mime import mime_type
from ._snapshot import approx_size, summary

Show = Callable[[dict[str, Any], str], None]  # (bundle, display_id)

MIME: Final = mime_type("scalars")
MAX_ERRORS: Final = 5
# Updates carry whole snapshots: big ones come less often, so a live output never sends more than ~1 MB/s
# (the iopub limit counts messages, but a remote kernel's link and the browser pay for bytes).
BYTES_PER_SECOND: Final = 1_000_000


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def ipython_display(bundle: dict[str, Any], display_id: str) -> None:
    """``display`` in IPython; plain Python prints the text summary once."""
    if _shell() is None:
        print(bundle["text/plain"])
        return
    from IPython.display import display

    display(bundle, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]


def ipython_update(bundle: dict[str, Any], display_id: str) -> None:
    """``update_display`` in IPython; plain Python prints only the final (no longer live) summary."""
    if _shell() is None:
        payload: dict[str, Any] = next((v for k, v in bundle.items() if k != "text/plain"), {})
        if not payload.get("status", {}).get("live", True):
            print(bundle["text/plain"])
        return
    from IPython.display import update_display

    update_display(bundle, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]


_REGISTRY: weakref.WeakSet[Publisher] = weakref.WeakSet()
_REGISTRY_LOCK = threading.Lock()


def active() -> list[Publisher]:
    with _REGISTRY_LOCK:
        return [p for p in _REGISTRY if p.running]


def stop_all(timeout: float = 5.0) -> int:
    """Stop every running watcher (each sends its final update); returns how many were running."""
    with _REGISTRY_LOCK:
        running = list(_REGISTRY)
    return sum(1 for p in running if p.stop(timeout=timeout))


atexit.register(stop_all, 2.0)


class Publisher:
    """Base of :class:`~modelviz.Dashboard` and :class:`~modelviz.LiveLog`.

    Subclasses give :meth:`_payload` (the snapshot) and may give :meth:`_poll` (called every ``poll`` seconds in the
    thread; returns whether something changed) and :meth:`_text` (text/plain). Another kind than the dashboard sets
    ``mime`` and overrides :meth:`_size` (bytes of a payload, for the bandwidth throttle).
    """

    mime: str = MIME

    def __init__(
        self,
        max_rate: float = 2.0,
        poll: float | None = None,
        display: Show | None = None,
        update: Show | None = None,
    ) -> None:
        if not max_rate > 0:
            raise ValueError(f"max_rate must be > 0 updates per second, got {max_rate}")
        if poll is not None and not poll > 0:
            raise ValueError(f"the refresh interval must be > 0 seconds, got {poll}")
        self.max_rate = float(max_rate)
        self.poll = poll
        self.display_id = f"modelviz-{uuid.uuid4().hex}"
        self._display = display or ipython_display
        self._update = update or ipython_update
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()  # something changed (or stop)
        self._halt = threading.Event()  # stop
        self._dirty = False
        self._shown = False
        self._send_lock = threading.Lock()  # one bundle built and sent at a time
        self._last_sent = -1e9
        self._last_size = 0
        self._errors: list[str] = []
        self._last_payload: dict[str, Any] | None = None
        self.updates = 0  # update_display calls made (the first display not counted)
        self.cpu_seconds = 0.0  # thread CPU time of the sender thread (building, serialising, sending)

    # -- subclass hooks ------------------------------------------------------------------------------------------

    def _payload(self, live: bool, extra: list[dict[str, str]]) -> dict[str, Any]:
        raise NotImplementedError

    def _text(self, payload: dict[str, Any]) -> str:
        return summary(payload)

    def _poll(self) -> bool:
        return False

    def _size(self, payload: dict[str, Any]) -> int:
        return approx_size(payload)

    def _fallback(self) -> dict[str, Any]:
        """What to show when the very first snapshot fails."""
        return {"version": "1.0", "runs": []}

    # -- state ---------------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._halt.is_set()

    def note_error(self, where: str, exc: BaseException) -> None:
        """Keep an error for the next snapshot (the last few; the oldest go first)."""
        frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        at = f" ({frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno})" if frame else ""
        text = f"{where}: {type(exc).__name__}: {exc}{at}"
        self._errors = [*self._errors[-(MAX_ERRORS - 1) :], text]

    def clear_errors(self) -> None:
        self._errors = []

    def bundle(self, live: bool | None = None) -> dict[str, Any]:
        """The MIME bundle of a snapshot now (never raises: a failed build keeps the last good data)."""
        live = self.running if live is None else live
        extra = [{"level": "error", "text": e} for e in self._errors]
        try:
            payload = self._payload(live, extra)
        except Exception as exc:  # a bug or strange data: keep what was shown, say what happened
            self.note_error("building the snapshot failed", exc)
            payload = dict(self._last_payload or self._fallback())
            payload["status"] = {**payload.get("status", {}), "live": live, "updated": time.time()}
            payload["messages"] = [
                *[m for m in payload.get("messages", []) if m.get("level") != "error"],
                *({"level": "error", "text": e} for e in self._errors),
            ]
        else:
            self._last_payload = payload
        try:
            text = self._text(payload)
        except Exception as exc:
            text = f"modelviz dashboard (summary failed: {type(exc).__name__}: {exc})"
        return {self.mime: payload, "text/plain": text}

    # -- showing and updating ------------------------------------------------------------------------------------

    def show(self) -> None:
        """Display the output now and start the daemon thread that keeps it up to date."""
        if self._thread is not None:
            return
        self._halt.clear()
        self._thread = threading.Thread(target=self._run, name=f"modelviz-{type(self).__name__}", daemon=True)
        with _REGISTRY_LOCK:
            _REGISTRY.add(self)
        b = self.bundle(live=True)
        try:
            self._display(b, self.display_id)
        except BaseException:
            with _REGISTRY_LOCK:
                _REGISTRY.discard(self)
            self._thread = None
            raise
        self._shown = True
        self._last_sent = time.monotonic()
        self._last_size = self._size(b[self.mime])
        self._thread.start()

    def mark_dirty(self) -> None:
        """Something changed: an update will follow (at most ``max_rate`` per second). Cheap; any thread."""
        if not self._dirty:
            self._dirty = True
            self._wake.set()

    def _send(self, live: bool) -> None:
        with self._send_lock:
            b = self.bundle(live=live)
            try:
                self._update(b, self.display_id)
            except Exception as exc:  # e.g. the kernel's iopub socket is closing
                self.note_error("sending the update failed", exc)
            else:
                self.updates += 1
                # a failed send was reported in this update; it is not news in the next one
                self._errors = [e for e in self._errors if not e.startswith("sending the update failed")]
            self._last_sent = time.monotonic()
            self._last_size = self._size(b[self.mime])

    def _run(self) -> None:
        while not self._halt.is_set():
            self._wake.wait(self.poll)
            if self._halt.is_set():
                break
            self._wake.clear()
            t0 = time.thread_time()
            try:
                try:
                    if self._poll():
                        self._dirty = True
                except Exception as exc:
                    self.note_error("reading failed (will retry)", exc)
                    self._dirty = True
                if not self._dirty:
                    continue
                interval = max(1.0 / self.max_rate, self._last_size / BYTES_PER_SECOND)
                wait = self._last_sent + interval - time.monotonic()
                if wait > 0:
                    self.cpu_seconds += time.thread_time() - t0
                    if self._halt.wait(wait):
                        break
                    t0 = time.thread_time()
                self._dirty = False
                self._send(live=True)
            except Exception as exc:  # never let the thread die silently
                self.note_error("watcher", exc)
            finally:
                self.cpu_seconds += time.thread_time() - t0

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the thread (joined) and send one final update with ``status.live = false``.

        Returns whether it was running.
        """
        thread = self._thread
        was_running = thread is not None and not self._halt.is_set()
        self._halt.set()
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with _REGISTRY_LOCK:
            _REGISTRY.discard(self)
        if was_running and self._shown:
            t0 = time.thread_time()
            self._final()
            self._send(live=False)
            self.cpu_seconds += time.thread_time() - t0
        return was_running

    def _final(self) -> None:
        """Last chance to read before the final update (the dashboard re-reads its logdir)."""
