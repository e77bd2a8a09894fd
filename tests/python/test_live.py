"""In-process logging: ``modelviz.live()`` / ``LiveLog`` and the Keras callback, driven by a fake display."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import numpy as np
import pytest
from modelviz import LiveLog
from modelviz._tensor import decode
from modelviz.dashboard import stop_all

from .conftest import problems
from .test_dashboard import MIME, FakeDisplay, series, texts

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(autouse=True)
def _no_leftover_watchers() -> Any:
    yield
    stop_all(timeout=5)


def live_log(fake: FakeDisplay, **kw: Any) -> LiveLog:
    log = LiveLog(display=fake.display, update=fake.update, **kw)
    log.show()
    return log


def test_points_from_two_threads_are_all_counted() -> None:
    fake = FakeDisplay()
    log = live_log(fake)
    per_thread = 50_000

    def worker(run: str, offset: float) -> None:
        for i in range(per_thread):
            log.log({"loss": offset + i, "shared": float(i)}, step=i, run=run)

    threads = [threading.Thread(target=worker, args=(run, k * 1e6)) for k, run in enumerate(("a", "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    final = fake.payloads[-1]
    assert problems("scalars", final) == []
    assert log.logged == 4 * per_thread
    total = sum(s["total_points"] for s in final["scalars"])
    assert total == 4 * per_thread
    for k, run in enumerate(("a", "b")):
        s = series(final, run, "loss")
        assert s["last"] == {"step": per_thread - 1, "wall_time": s["last"]["wall_time"], "value": k * 1e6 + 49_999}
        v = decode(s["value"])
        assert len(v) <= 2000 and v[0] == k * 1e6 and v[-1] == k * 1e6 + per_thread - 1
    # the columns hold every value in order: no append was lost or overwritten by the other thread
    store = log._store()
    for k, run in enumerate(("a", "b")):
        np.testing.assert_array_equal(store.scalars[run]["loss"].value, k * 1e6 + np.arange(per_thread))


def test_updates_are_throttled_with_a_trailing_update() -> None:
    fake = FakeDisplay()
    log = live_log(fake, max_rate=2.0)
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < 2.6:
        log.log({"x": float(i)})
        i += 1
        time.sleep(0.0005)
    last_log = time.monotonic()
    # without close(): the change logged while the sender waited still arrives (trailing update)
    p = fake.wait_for(lambda p: p["scalars"] and p["scalars"][0]["total_points"] == i, timeout=3)
    assert p["status"]["live"] is True and p["scalars"][0]["last"]["value"] == i - 1
    assert fake.update_times[-1] - last_log <= 0.6
    times = fake.update_times
    gaps = np.diff(times)
    assert len(times) <= 2.6 * 2 + 2
    assert len(times) >= 4
    assert (gaps >= 0.5 - 0.02).all(), gaps
    log.close()
    assert fake.payloads[-1]["status"]["live"] is False
    assert not log.running and log._thread is not None and not log._thread.is_alive()


def test_no_update_without_a_change() -> None:
    fake = FakeDisplay()
    log = live_log(fake)
    log.log({"x": 1.0})
    fake.wait_for(lambda p: p["scalars"])
    n = len(fake.update_times)
    time.sleep(1.2)
    assert len(fake.update_times) == n


def test_steps_values_and_bad_input() -> None:
    import torch

    fake = FakeDisplay()
    log = live_log(fake, title="run 7")
    log.log({"a": 1})
    log.log({"a": np.float32(2.5), "b": torch.tensor(0.25)})
    log.log({"a": 3, "bad": "high", "worse": [1, 2]}, step=10)
    log.log({"a": float("nan")})  # step 11
    with pytest.raises(TypeError, match="log\\(\\) takes a mapping"):
        log.log([("a", 1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="step must be an integer"):
        log.log({"a": 1.0}, step="ten")  # type: ignore[arg-type]
    log.close()
    p = fake.payloads[-1]
    assert problems("scalars", p) == [] and p["title"] == "run 7"
    a = series(p, ".", "a")
    assert decode(a["step"]).tolist() == [0, 1, 10, 11]
    np.testing.assert_array_equal(decode(a["value"]), [1.0, 2.5, 3.0, np.nan])
    assert a["last"]["value"] is None  # NaN travels as null in JSON, as the schema says
    assert decode(series(p, ".", "b")["value"]).tolist() == [0.25]
    assert "log(): values of 'bad' skipped (str is not a number)" in texts(p)
    assert "log(): values of 'worse' skipped (list is not a number)" in texts(p)
    assert "run 7" in fake.sent[-1][2]["text/plain"]


def test_live_registers_and_displays_at_once() -> None:
    import modelviz

    shown: list[str] = []
    log = modelviz.live(title="t", display=lambda b, i: shown.append(i), update=lambda b, i: None)
    assert shown == [log.display_id] and log.running
    assert log in modelviz.dashboard.active()
    log._ipython_display_()  # the cell's last value: not a second output
    assert shown == [log.display_id]
    log.close()
    assert log not in modelviz.dashboard.active()


def test_a_failing_display_never_breaks_logging() -> None:
    calls = itertools.count()

    def broken(bundle: dict[str, Any], display_id: str) -> None:
        next(calls)
        raise OSError("iopub closed")

    log = LiveLog(display=lambda b, i: None, update=broken)
    log.show()
    for i in range(5):
        log.log({"x": float(i)})
        time.sleep(0.6)
    assert next(calls) >= 3  # it kept trying
    assert "sending the update failed: OSError: iopub closed" in log.bundle()[MIME]["messages"][0]["text"]
    assert log.running
    log._update = lambda b, i: None  # the front end is back: the next update says it once, then no more
    log.log({"x": 9.0})
    time.sleep(0.7)
    assert log.updates >= 1
    assert not any("sending the update failed" in t for t in texts(log.bundle()[MIME]))
    log.close()


# ------------------------------------------------------------------------------------------------ Keras


def test_importing_modelviz_keras_does_not_import_keras() -> None:
    code = textwrap.dedent(
        """
        import sys
        import modelviz, modelviz.keras
        print("keras" in sys.modules)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "False"


def tiny_fit(callback: Any, epochs: int = 3) -> Any:
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0, callbacks=[callback])


def test_keras_callback_logs_what_fit_reports() -> None:
    import keras
    import modelviz.keras

    fake = FakeDisplay()
    log = live_log(fake)
    cb = modelviz.keras.LiveCallback(log)
    assert isinstance(cb, keras.callbacks.Callback)
    history = tiny_fit(cb).history
    log.close()
    p = fake.payloads[-1]
    assert problems("scalars", p) == []
    assert [r["name"] for r in p["runs"]] == ["train", "validation"]
    for run, prefix in (("train", ""), ("validation", "val_")):
        for tag in ("loss", "mae"):
            s = series(p, run, tag)
            assert decode(s["step"]).tolist() == [0, 1, 2]
            np.testing.assert_allclose(decode(s["value"]), history[prefix + tag], rtol=1e-12)


def test_keras_callback_per_batch_makes_and_closes_its_own_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import modelviz.keras
    from modelviz.dashboard import _publisher

    fake = FakeDisplay()
    monkeypatch.setattr(_publisher, "ipython_display", fake.display)
    monkeypatch.setattr(_publisher, "ipython_update", fake.update)
    cb = modelviz.keras.LiveCallback(every="batch")
    history = tiny_fit(cb, epochs=2).history
    p = fake.payloads[-1]
    assert p["status"]["live"] is False and p["title"].startswith("Training sequential")
    train = series(p, "train", "loss")
    assert decode(train["step"]).tolist() == list(range(1, 7))  # 48 training samples / 16 = 3 batches x 2 epochs
    val = series(p, "validation", "loss")
    assert decode(val["step"]).tolist() == [3, 6]
    np.testing.assert_allclose(decode(val["value"]), history["val_loss"], rtol=1e-12)
    assert train["last"]["value"] == pytest.approx(history["loss"][-1], rel=1e-6)
    assert cb.live is None  # closed and released: a later fit() gets a new output
    with pytest.raises(ValueError, match='every must be "epoch" or "batch"'):
        modelviz.keras.LiveCallback(every="step")


def test_big_snapshots_are_sent_less_often_to_stay_near_one_megabyte_per_second() -> None:
    import json

    from modelviz.dashboard._snapshot import approx_size

    fake = FakeDisplay()
    log = live_log(fake, max_rate=2.0)
    tags = [f"t{k}" for k in range(30)]
    step = 0
    start = time.monotonic()
    while time.monotonic() - start < 5:
        for _ in range(100):  # 30 series of ~2,000 points: ~1.9 MB snapshots once they fill up
            log.log(dict.fromkeys(tags, float(step)), step=step)
            step += 1
        time.sleep(0.01)
    log.close()
    with fake.lock:
        sent = [(t, len(json.dumps(b)), b[MIME]) for t, _, b in fake.sent]
    for (t0, size, p), (t1, _, _) in itertools.pairwise(sent[:-1]):
        assert abs(approx_size(p) - size) <= 0.05 * size + 3_000, (approx_size(p), size)
        assert t1 - t0 >= max(0.5, size / 1e6) - 0.05, (t1 - t0, size)
    assert max(size for _, size, _ in sent) > 1_000_000  # the case was exercised
