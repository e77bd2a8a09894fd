"""``modelviz.keras.LiveCallback``: a Keras callback that logs ``fit``'s metrics into a live dashboard.

Importing this module does not import Keras; the callback class is made (subclassing
``keras.callbacks.Callback``) the first time ``LiveCallback`` is looked up.

``model.fit(x, y, callbacks=[modelviz.keras.LiveCallback()])`` logs at each epoch end (``every="epoch"``) or each
training batch end (``every="batch"``, steps counted across epochs). Training metrics go to run ``train``,
``val_*`` metrics to run ``validation`` under the same name, so ``loss`` and ``val_loss`` share one chart.
"""

from __future__ import annotations

from typing import Any

_CLASS: Any = None


def _split(logs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    train: dict[str, Any] = {}
    val: dict[str, Any] = {}
    for k, v in dict(logs or {}).items():
        if k.startswith("val_"):
            val[k[4:]] = v
        else:
            train[k] = v
    return train, val


def _make() -> Any:
    import keras

    from .live import LiveLog, live

    class LiveCallback(keras.callbacks.Callback):  # type: ignore[misc]
        """Logs ``fit``'s metrics into ``live`` (a :class:`~modelviz.LiveLog`; one is made and shown if None)."""

        def __init__(self, live: LiveLog | None = None, every: str = "epoch") -> None:
            super().__init__()
            if every not in ("epoch", "batch"):
                raise ValueError(f'every must be "epoch" or "batch", got {every!r}')
            self.live = live
            self.every = every
            self._own = live is None
            self._batches = 0

        def on_train_begin(self, logs: Any = None) -> None:
            if self.live is None:
                name = getattr(self.model, "name", None)
                self.live = live(title=f"Training {name}" if name else "Training")
                self._own = True

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self._batches += 1
            if self.every == "batch" and self.live is not None:
                train, _ = _split(logs)
                if train:
                    self.live.log(train, step=self._batches, run="train")

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if self.live is None:
                return
            train, val = _split(logs)
            step = epoch if self.every == "epoch" else self._batches
            if train and self.every == "epoch":
                self.live.log(train, step=step, run="train")
            if val:
                self.live.log(val, step=step, run="validation")

        def on_train_end(self, logs: Any = None) -> None:
            if self._own and self.live is not None:
                self.live.close()
                self.live = None  # a later fit() gets a fresh output

    LiveCallback.__module__ = __name__
    return LiveCallback


def __getattr__(name: str) -> Any:
    global _CLASS
    if name == "LiveCallback":
        if _CLASS is None:
            _CLASS = _make()
        return _CLASS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
