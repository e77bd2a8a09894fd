"""A shown confusion matrix kept up to date while batches stream in (``cm.update(...)``).

The dashboard's :class:`~modelviz.dashboard._publisher.Publisher` does the work: one output with a display id, updates
throttled to ``max_rate`` a second (and by bytes), a trailing update after the last batch, a final one on ``close()``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .._mime import mime_type
from ..dashboard._publisher import Publisher, Show

if TYPE_CHECKING:
    from . import ConfusionMatrix


def payload_size(payload: Any) -> int:
    """Bytes of a payload's JSON, roughly: the strings (packed tensors, thumbnails) dominate."""
    if isinstance(payload, str):
        return len(payload) + 2
    if isinstance(payload, dict):
        return sum(len(k) + 4 + payload_size(v) for k, v in payload.items())
    if isinstance(payload, list):
        return sum(payload_size(v) + 1 for v in payload)
    return 8


class Stream(Publisher):
    mime = mime_type("confusion")

    def __init__(
        self, cm: ConfusionMatrix, max_rate: float = 2.0, display: Show | None = None, update: Show | None = None
    ) -> None:
        super().__init__(max_rate=max_rate, display=display, update=update)
        self.cm = cm
        self.batches_seen = 0

    def _payload(self, live: bool, extra: list[dict[str, str]]) -> dict[str, Any]:
        p = self.cm.payload(live=live)
        p["status"] = {"live": live, "batches": len(self.cm._batches), "updated": time.time()}
        if extra:
            p["messages"] = [*p.get("messages", []), *extra]
        return p

    def _text(self, payload: dict[str, Any]) -> str:
        return repr(self.cm)

    def _size(self, payload: dict[str, Any]) -> int:
        return payload_size(payload)

    def _fallback(self) -> dict[str, Any]:
        return {
            "version": "1.1",
            "labels": ["?"],
            "matrix": {"dtype": "int64", "shape": [1, 1], "data": "A" * 11 + "="},
        }
