"""The live run dashboard, kernel side: downsampling, snapshots (against the schema and the writers' own numbers),
the watcher thread driven by a fake display, and ``%modelviz --logdir`` through a real IPython shell."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import modelviz
import numpy as np
import pytest
from modelviz._tensor import decode
from modelviz.dashboard import Dashboard, downsample, stop_all
from modelviz.dashboard._downsample import _pick
from modelviz.dashboard._snapshot import Options, build_payload, compile_filter, rebin
from modelviz.logdir import HistogramSeries, ScalarSeries

from .conftest import problems
from .logdir_writers import accumulate, write_tensorboardx, write_torch

MIME = "application/vnd.modelviz.scalars.v1+json"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ------------------------------------------------------------------------------------------------ fakes


@dataclass
class FakeDisplay:
    """Stands in for IPython's display / update_display: records every bundle with the time it was sent."""

    sent: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def display(self, bundle: dict[str, Any], display_id: str) -> None:
        json.dumps(bundle, allow_nan=False)  # what the kernel would have to send
        with self.lock:
            self.sent.append((time.monotonic(), "display", bundle))

    def update(self, bundle: dict[str, Any], display_id: str) -> None:
        json.dumps(bundle, allow_nan=False)
        with self.lock:
            self.sent.append((time.monotonic(), "update", bundle))

    @property
    def payloads(self) -> list[dict[str, Any]]:
        with self.lock:
            return [b[MIME] for _, _, b in self.sent]

    @property
    def update_times(self) -> list[float]:
        with self.lock:
            return [t for t, kind, _ in self.sent if kind == "update"]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in reversed(self.payloads):
                if predicate(p):
                    return p
            time.sleep(0.05)
        raise AssertionError(f"no payload matched within {timeout}s; last: {self.payloads[-1:]}")


def dashboard(logdir: Any, fake: FakeDisplay, **kw: Any) -> Dashboard:
    return Dashboard(logdir, display=fake.display, update=fake.update, **kw)


def texts(payload: dict[str, Any]) -> list[str]:
    return [m["text"] for m in payload.get("messages", [])]


def series(payload: dict[str, Any], run: str, tag: str) -> dict[str, Any]:
    names = [r["name"] for r in payload["runs"]]
    for s in payload["scalars"]:
        if names[s["run"]] == run and s["tag"] == tag:
            return s
    raise KeyError((run, tag))


@pytest.fixture(autouse=True)
def _no_leftover_watchers() -> Any:
    yield
    stop_all(timeout=5)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("logs")
    write_torch(d / "torch_run", steps=40)
    write_tensorboardx(d / "tbx_run", steps=30)
    return d


# ------------------------------------------------------------------------------------------------ downsampling


def random_walk_with_spikes(n: int, spikes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.cumsum(rng.normal(size=n))
    where = np.linspace(n // (2 * spikes), n - n // (2 * spikes), spikes).astype(np.int64)
    scale = np.abs(y).max() + 100
    y[where] += np.where(np.arange(spikes) % 2 == 0, scale, -scale) * rng.uniform(1, 2, size=spikes)
    return y, where


def test_downsample_keeps_every_spike_first_last_and_extremes() -> None:
    y, spikes = random_walk_with_spikes(300_000, 60)
    idx = downsample(y, 2000)
    assert len(idx) <= 2000
    assert idx[0] == 0 and idx[-1] == len(y) - 1
    assert np.all(np.diff(idx) > 0)  # ordered, so a monotonic x stays monotonic
    assert set(spikes.tolist()) <= set(idx.tolist())
    assert {int(np.argmax(y)), int(np.argmin(y))} <= set(idx.tolist())
    # the shape is kept: the kept points span the same range as the series
    assert y[idx].max() == y.max() and y[idx].min() == y.min()


def test_downsample_keeps_non_finite_points() -> None:
    y, _ = random_walk_with_spikes(100_000, 10, seed=3)
    nan_at, pinf_at, ninf_at = [np.arange(1000 + k, 100_000, 9_000) for k in (0, 300, 600)]
    y[nan_at], y[pinf_at], y[ninf_at] = np.nan, np.inf, -np.inf
    idx = downsample(y, 2000)
    kept = set(idx.tolist())
    assert len(idx) <= 2000
    assert set(nan_at.tolist()) | set(pinf_at.tolist()) | set(ninf_at.tolist()) <= kept
    finite = np.isfinite(y)
    assert {int(np.nanargmax(np.where(finite, y, np.nan))), int(np.nanargmin(np.where(finite, y, np.nan)))} <= kept


def test_downsample_stays_in_budget_when_non_finite_values_are_everywhere() -> None:
    y = np.random.default_rng(5).normal(size=50_000)
    y[::3], y[1::7], y[2::11] = np.nan, np.inf, -np.inf
    for budget in (8, 100, 2000):
        idx = downsample(y, budget)
        assert len(idx) <= budget and idx[0] == 0 and idx[-1] == len(y) - 1
        kinds = {("nan" if np.isnan(v) else "inf" if v > 0 else "-inf") for v in y[idx] if not np.isfinite(v)}
        assert kinds == {"nan", "inf", "-inf"}


def test_short_series_are_kept_whole() -> None:
    y = np.arange(2000.0)
    assert np.array_equal(downsample(y, 2000), np.arange(2000))
    assert len(downsample(np.arange(2001.0), 2000)) <= 2000


def brute_force_pick(y: np.ndarray, buckets: int) -> set[int]:
    """The same rule written as loops: per bucket, first finite max, first finite min, first NaN, +Inf, -Inf."""
    m = len(y)
    buckets = min(buckets, m)
    out: set[int] = set()
    for b in range(buckets):
        lo, hi = b * m // buckets, (b + 1) * m // buckets
        finite = [i for i in range(lo, hi) if np.isfinite(y[i])]
        if finite:
            out.add(max(finite, key=lambda i: (y[i], -i)))
            out.add(min(finite, key=lambda i: (y[i], i)))
        for test in (np.isnan, lambda v: v == np.inf, lambda v: v == -np.inf):
            hits = [i for i in range(lo, hi) if test(y[i])]
            if hits:
                out.add(hits[0])
    return out


@pytest.mark.parametrize("seed", range(40))
def test_bucket_rule_matches_a_brute_force_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    y = rng.normal(size=n).round(1)  # rounding makes ties, which the rule breaks by first occurrence
    if seed % 2:
        for v in (np.nan, np.inf, -np.inf):
            y[rng.integers(0, n, size=int(rng.integers(0, 6)))] = v
    buckets = int(rng.integers(1, 60))
    finite = np.isfinite(y)
    specials = [m for m in (np.isnan(y), y == np.inf, y == -np.inf) if m.any()]
    got = _pick(y, buckets, None if finite.all() else finite, specials)
    assert set(got.tolist()) == brute_force_pick(y, buckets)
    # and the whole function: in budget, endpoints kept, everything it keeps comes from the bucket rule
    budget = int(rng.integers(8, 80))
    idx = downsample(y, budget)
    assert len(idx) <= max(budget, 8) and idx[0] == 0 and idx[-1] == n - 1


# ------------------------------------------------------------------------------------------------ snapshots


def test_snapshot_of_real_writers_matches_the_schema_and_tensorboard(logdir: Path) -> None:
    fake = FakeDisplay()
    bundle = dashboard(logdir, fake)._repr_mimebundle_()
    p = bundle[MIME]
    assert problems("scalars", p) == []
    json.dumps(p, allow_nan=False)  # valid JSON: NaN/Inf only inside packed tensors
    assert [r["name"] for r in p["runs"]] == ["tbx_run", "torch_run"]
    assert len({r["color"] for r in p["runs"]}) == 2
    assert p["status"]["live"] is False and p["options"]["smoothing"] == 0.6
    # every scalar equal to what TensorBoard's EventAccumulator reads, the last point exactly
    compared = 0
    for run in ("tbx_run", "torch_run"):
        ea = accumulate(logdir / run)
        for tag in ea.Tags()["scalars"]:
            events = ea.Scalars(tag)
            s = series(p, run, tag)
            assert s["total_points"] == len(events)
            assert decode(s["step"]).tolist() == [e.step for e in events]
            np.testing.assert_array_equal(decode(s["value"]), np.array([e.value for e in events]))
            last = events[-1]
            assert s["last"]["step"] == last.step and s["last"]["wall_time"] == last.wall_time
            assert s["last"]["value"] == (last.value if np.isfinite(last.value) else None)
            compared += 1
    assert compared >= 3
    # histograms: rebinned, every count kept (torch's writer records num = 200 values per histogram)
    (h,) = [h for h in p["histograms"] if h["tag"] == "weights"]
    counts, edges = decode(h["counts"]), decode(h["edges"])
    assert counts.shape == (8, 30) and edges.shape == (8, 31)
    np.testing.assert_allclose(counts.sum(axis=1), 200)
    assert decode(h["step"]).tolist() == list(range(0, 40, 5))
    # images: PNG, with the writers' sizes; text: as written
    imgs = [i for i in p["images"] if i["tag"] == "img"]
    assert len(imgs) == 8 and {i["mime"] for i in imgs} == {"image/png"}
    assert [(i["width"], i["height"]) for i in imgs] == [(5, 4 + s % 3) for s in range(0, 40, 5)]
    notes = [t["text"] for t in p["text"] if t["tag"] == "notes/text_summary"]
    assert notes[-1] == "step **35** é"
    assert "torch_run" in bundle["text/plain"] and "train/loss" in bundle["text/plain"]


def test_runs_and_tags_regexes_filter(logdir: Path) -> None:
    p = dashboard(logdir, FakeDisplay(), runs="^torch", tags=r"^train/")._repr_mimebundle_()[MIME]
    assert problems("scalars", p) == []
    assert [r["name"] for r in p["runs"]] == ["torch_run"]
    assert sorted(s["tag"] for s in p["scalars"]) == ["train/acc", "train/loss"]
    assert p["histograms"] == [] and p["images"] == []
    with pytest.raises(ValueError, match=r"--tags '\(' is not a valid regular expression"):
        dashboard(logdir, FakeDisplay(), tags="(")


def test_run_colours_are_stable_when_runs_appear(tmp_path: Path) -> None:
    write_tensorboardx(tmp_path / "b", steps=3)
    fake = FakeDisplay()
    d = dashboard(tmp_path, fake)
    first = {r["name"]: r["color"] for r in d._repr_mimebundle_()[MIME]["runs"]}
    write_tensorboardx(tmp_path / "a", steps=3)  # sorts before "b"
    d.reload()
    second = {r["name"]: r["color"] for r in d._repr_mimebundle_()[MIME]["runs"]}
    assert second["b"] == first["b"] and second["a"] != second["b"]


def big_store(runs: int, tags: int, steps: int) -> Any:
    rng = np.random.default_rng(0)
    step = np.arange(steps, dtype=np.int64)
    wall = 1.7e9 + step * 0.01
    scalars = {
        f"run{r}": {f"tag{t}": ScalarSeries(step, wall, np.cumsum(rng.normal(size=steps))) for t in range(tags)}
        for r in range(runs)
    }
    hist = HistogramSeries(
        step=step[:1000],
        wall_time=wall[:1000],
        min=np.full(1000, -3.0),
        max=np.full(1000, 3.0),
        num=np.full(1000, 100.0),
        sum=np.zeros(1000),
        sum_squares=np.zeros(1000),
        bucket_limit=[np.linspace(-3, 3, 200)] * 1000,
        bucket=[np.full(200, 0.5)] * 1000,
    )
    histograms = {f"run{r}": {f"h{t}": hist for t in range(20)} for r in range(runs)}
    return SimpleNamespace(
        runs=list(scalars),
        scalars=scalars,
        histograms=histograms,
        text={"run0": {"t": [SimpleNamespace(step=i, wall_time=0.0, text="x" * 10_000) for i in range(100)]}},
        messages=[],
        corrupt_records=0,
    )


@pytest.mark.parametrize(("runs", "tags", "steps"), [(10, 3, 100_000), (10, 100, 10_000)])
def test_snapshot_size_is_bounded(runs: int, tags: int, steps: int) -> None:
    store = big_store(runs, tags, steps)
    p = build_payload(store, Options(logdir="big"), live=True)
    assert problems("scalars", p) == []
    size = len(json.dumps(p))
    assert size <= 3_000_000, size
    assert len(p["scalars"]) == runs * tags
    for s in p["scalars"]:
        assert s["total_points"] == steps
        v = decode(s["value"])
        assert 64 <= len(v) <= 2000
        src = store.scalars[p["runs"][s["run"]]["name"]][s["tag"]]
        assert s["last"]["value"] == src.value[-1] and decode(s["step"])[-1] == steps - 1
        assert v.max() == src.value.max() and v.min() == src.value.min()
    assert all(len(decode(h["step"])) <= 50 for h in p["histograms"])
    assert any("left out" in m["text"] for m in p["messages"])  # what did not fit is said


def test_rebin_keeps_counts_and_range() -> None:
    values = np.random.default_rng(1).normal(size=10_000)
    counts, edges = np.histogram(values, bins=137)
    e, c = rebin(edges, counts.astype(float))
    assert len(e) == 31 and len(c) == 30
    assert c.sum() == pytest.approx(10_000) and e[0] == edges[0] and e[-1] == edges[-1]
    # coarse shape: the same mass left of zero as numpy's own histogram says (within one fine bucket)
    left = c[e[1:] <= 0].sum()
    assert abs(left - np.sum(values <= e[1:][e[1:] <= 0].max())) <= counts.max()
    e, c = rebin(np.array([2.0, 2.0]), np.array([7.0]))
    assert c.sum() == 7 and e[0] < 2 < e[-1]


def test_hparams_and_pr_curves_from_the_reader_fields() -> None:
    store = SimpleNamespace(
        runs=["a", "b"],
        scalars={},
        hparams={
            "a": SimpleNamespace(hparams={"lr": 0.1, "opt": "adam", "bn": True}, metrics={"acc": 0.9}),
            "b": SimpleNamespace(hparams={"lr": 0.01}, metrics={"acc": float("nan")}),
        },
        pr_curves={
            "a": {
                "pr": [
                    SimpleNamespace(
                        step=s,
                        wall_time=0.0,
                        precision=np.linspace(1, 0, 5),
                        recall=np.linspace(0, 1, 5),
                        thresholds=np.linspace(0, 1, 5),
                    )
                    for s in (1, 2)
                ]
            }
        },
        messages=[],
        corrupt_records=0,
    )
    p = build_payload(store, Options(), live=False)
    assert problems("scalars", p) == []
    assert p["hparams"]["columns"] == [
        {"name": "lr", "kind": "hparam"},
        {"name": "opt", "kind": "hparam"},
        {"name": "bn", "kind": "hparam"},
        {"name": "acc", "kind": "metric"},
    ]
    assert p["hparams"]["rows"] == [
        {"run": 0, "values": [0.1, "adam", True, 0.9]},
        {"run": 1, "values": [0.01, None, None, None]},
    ]
    (pr,) = p["pr_curves"]
    assert pr["step"] == 2 and decode(pr["recall"]).tolist() == [0, 0.25, 0.5, 0.75, 1]


def test_compile_filter_accepts_patterns_and_none() -> None:
    assert compile_filter(None, "--runs") is None
    assert compile_filter("a|b", "--runs").search("b")  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------------ the watcher


def test_watcher_follows_a_training_loop(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    fake = FakeDisplay()
    d = dashboard(tmp_path, fake, refresh=0.05)
    d.show()
    assert d._thread is not None and d._thread.daemon
    w = SummaryWriter(str(tmp_path / "run"), flush_secs=1)
    last = 0.0
    start = time.monotonic()
    step = 0
    while time.monotonic() - start < 3.5:
        last = float(np.sin(step / 10))
        w.add_scalar("loss", last, step)
        if step % 20 == 0:
            w.flush()
        step += 1
        time.sleep(0.002)
    w.close()
    fake.wait_for(lambda p: p["scalars"] and p["scalars"][0]["last"]["step"] == step - 1)
    assert d.stop() is True
    assert not d._thread.is_alive()
    payloads = fake.payloads
    assert payloads[0]["status"]["live"] is True
    final = payloads[-1]
    assert final["status"]["live"] is False and problems("scalars", final) == []
    s = series(final, "run", "loss")
    assert s["total_points"] == step and s["last"]["value"] == pytest.approx(last, abs=1e-6)  # float32 on disk
    steps_seen = [p["scalars"][0]["total_points"] for p in payloads if p["scalars"]]
    assert len(set(steps_seen)) >= 3  # it grew in several updates while the loop ran
    times = fake.update_times
    live_updates = times[:-1]  # the final one (stop) may follow the previous at once
    assert all(b - a >= 0.5 - 0.02 for a, b in itertools.pairwise(live_updates)), np.diff(times)
    assert d.stop() is False  # a second stop is a no-op


def test_empty_then_populated_logdir(tmp_path: Path) -> None:
    fake = FakeDisplay()
    d = dashboard(tmp_path, fake, refresh=0.05)
    d.show()
    first = fake.payloads[0]
    assert problems("scalars", first) == [] and first["runs"] == []
    assert f"no event files yet in {str(tmp_path)!r}; watching (re-read every 0.05 s)" in texts(first)
    write_tensorboardx(tmp_path / "r", steps=5)
    p = fake.wait_for(lambda p: p["runs"])
    assert not any("no event files" in t for t in texts(p))
    assert d.running
    d.stop()


def test_nonexistent_logdir_is_watched_until_it_appears(tmp_path: Path) -> None:
    missing = tmp_path / "not" / "yet"
    fake = FakeDisplay()
    d = dashboard(missing, fake, refresh=0.05)
    d.show()
    assert f"log directory {str(missing)!r} does not exist; watching (re-read every 0.05 s)" in texts(fake.payloads[0])
    write_tensorboardx(missing / "r", steps=4)
    p = fake.wait_for(lambda p: p["runs"] and series(p, "r", "loss")["total_points"] == 4)
    assert not any("does not exist" in t for t in texts(p))
    d.stop()
    assert fake.payloads[-1]["status"]["live"] is False


def test_unreadable_file_is_reported_and_nothing_shown_is_lost(tmp_path: Path) -> None:
    write_tensorboardx(tmp_path / "good", steps=6)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "events.out.tfevents.1.host").write_bytes(b"this is not a TFRecord file at all" * 4)
    fake = FakeDisplay()
    d = dashboard(tmp_path, fake)
    p = d._repr_mimebundle_()[MIME]
    assert problems("scalars", p) == []
    assert series(p, "good", "loss")["total_points"] == 6
    assert any("bad" in t and m["level"] == "warning" for m in p["messages"] for t in [m["text"]]), p["messages"]


class FlakyReader:
    """A reader that raises on chosen reloads (as a broken filesystem would) and works otherwise."""

    def __init__(self, inner: Any, fail_on: set[int]) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.calls = 0

    def reload(self) -> Any:
        self.calls += 1
        if self.calls in self.fail_on:
            raise OSError(f"disk on fire (reload {self.calls})")
        return self.inner.reload()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_an_exception_in_the_reader_becomes_a_message_and_the_thread_survives(tmp_path: Path) -> None:
    write_tensorboardx(tmp_path / "r", steps=3)
    fake = FakeDisplay()
    reader = FlakyReader(modelviz.LogdirReader(tmp_path), fail_on={2, 3})
    d = dashboard(tmp_path, fake, refresh=0.05, reader=reader)
    d.show()
    err = fake.wait_for(lambda p: any("disk on fire" in t for t in texts(p)))
    assert problems("scalars", err) == []
    assert series(err, "r", "loss")["total_points"] == 3  # what was shown is still there
    assert next(m["level"] for m in err["messages"] if "disk on fire" in m["text"]) == "error"
    assert "OSError" in " ".join(texts(err))
    write_tensorboardx(tmp_path / "r2", steps=2)
    recovered = fake.wait_for(lambda p: len(p["runs"]) == 2)
    assert not any("disk on fire" in t for t in texts(recovered))
    assert d.running and reader.calls >= 4
    d.stop()


def test_stop_all_stops_every_watcher_and_joins_their_threads(tmp_path: Path) -> None:
    fakes = [FakeDisplay() for _ in range(4)]
    boards = [dashboard(tmp_path, f, refresh=0.05) for f in fakes[:3]]
    log = modelviz.LiveLog(display=fakes[3].display, update=fakes[3].update)
    for b in [*boards, log]:
        b.show()
    threads = [b._thread for b in [*boards, log]]
    assert all(t is not None and t.daemon and t.is_alive() for t in threads)
    assert stop_all() == 4
    assert not any(t.is_alive() for t in threads if t is not None)
    for f in fakes:
        assert f.payloads[-1]["status"]["live"] is False
    assert stop_all() == 0


def test_dashboard_rejects_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"smoothing must be in \[0, 1\), got 1.5"):
        Dashboard(tmp_path, smoothing=1.5)
    with pytest.raises(ValueError, match="refresh interval must be > 0 seconds, got 0"):
        Dashboard(tmp_path, refresh=0)
    with pytest.raises(ValueError, match="max_rate must be > 0"):
        Dashboard(tmp_path, max_rate=0)


# ------------------------------------------------------------------------------------------------ the magic


def test_magic_in_a_real_ipython_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.error import UsageError
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "modelviz")
    saved = ip.display_pub
    pub = CapturingDisplayPublisher()
    ip.display_pub = pub
    try:
        ip.run_line_magic("modelviz", f"--logdir {tmp_path} --refresh 0.05 --tags ^loss$")
        write_tensorboardx(tmp_path / "r", steps=7)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            o["data"][MIME]["runs"] for o in pub.outputs if MIME in o["data"]
        ):
            time.sleep(0.05)
        # the cell run again: the new watcher replaces the old one; another filter is another view
        ip.run_line_magic("modelviz", f"--logdir {tmp_path} --refresh 0.05 --tags ^loss$")
        ip.run_line_magic("modelviz", f"--logdir {tmp_path} --refresh 0.05 --tags ^special$")
        assert len(modelviz.dashboard.active()) == 2
        ip.run_line_magic("modelviz", "--stop")
        assert capsys.readouterr().out.strip().endswith("modelviz: stopped 2 watchers")
        ip.run_line_magic("modelviz", "--stop")
        assert capsys.readouterr().out.strip() == "modelviz: no watchers are running"
        with pytest.raises(UsageError, match="not a valid regular expression"):
            ip.run_line_magic("modelviz", f"--logdir {tmp_path} --runs [")
        with pytest.raises(UsageError, match="--refresh must be > 0"):
            ip.run_line_magic("modelviz", f"--logdir {tmp_path} --refresh 0")
    finally:
        ip.display_pub = saved
    by_id: dict[str, list[dict[str, Any]]] = {}
    for o in pub.outputs:
        if MIME in o["data"]:
            by_id.setdefault(o["transient"]["display_id"], []).append(o)
    assert len(by_id) == 3 and all(v[-1]["data"][MIME]["status"]["live"] is False for v in by_id.values())
    outs = next(iter(by_id.values()))
    first, final = outs[0], outs[-1]
    assert not first["update"] and final["update"]
    assert final["data"][MIME]["status"]["live"] is False
    assert [s["tag"] for s in final["data"][MIME]["scalars"]] == ["loss"]
    assert series(final["data"][MIME], "r", "loss")["total_points"] == 7
    assert "loss" in final["data"]["text/plain"]


def test_interpreter_exit_stops_watchers_with_a_final_update(tmp_path: Path) -> None:
    # what kernel shutdown does: the process exits with watchers running; atexit sends their final updates
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        f"""
        import json, time, modelviz
        def show(kind):
            return lambda b, i: print(kind, json.dumps(b[{MIME!r}]["status"]["live"]), flush=True)
        d = modelviz.Dashboard({str(tmp_path)!r}, refresh=0.05, display=show("display"), update=show("update"))
        d.show()
        log = modelviz.LiveLog(display=show("display"), update=show("update"))
        log.show()
        log.log({{"x": 1.0}})
        time.sleep(0.3)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    lines = out.split()
    assert lines.count("display") == 2
    assert lines[-4:] == ["update", "false", "update", "false"], out


def test_hparams_and_pr_curves_of_real_writers(tmp_path: Path) -> None:
    from .logdir_writers import hparam_trials, write_tensorboardx_plugins, write_torch_plugins

    write_torch_plugins(tmp_path / "torch")
    write_tensorboardx_plugins(tmp_path / "tbx")
    p = dashboard(tmp_path, FakeDisplay())._repr_mimebundle_()[MIME]
    assert problems("scalars", p) == []
    names = [r["name"] for r in p["runs"]]
    table = p["hparams"]
    columns = [c["name"] for c in table["columns"]]
    kinds = {c["name"]: c["kind"] for c in table["columns"]}
    assert {kinds[k] for k in ("lr", "optimizer", "layers", "dropout_on")} == {"hparam"}
    assert len(table["rows"]) == 3  # two torch trials, one tensorboardX trial
    written = {(hp["lr"], hp["optimizer"]): (hp, m) for hp, m in hparam_trials()}
    for row in table["rows"]:
        values = dict(zip(columns, row["values"], strict=True))
        hp, metrics = written[(values["lr"], values["optimizer"])]
        # torch writes bools as numbers (0.0/1.0), tensorboardX as bools: equal either way
        assert values["layers"] == hp["layers"] and values["dropout_on"] == hp["dropout_on"]
        got = {k.split("/")[-1]: v for k, v in values.items() if kinds[k] == "metric" and v is not None}
        assert got == pytest.approx(metrics), (names[row["run"]], values)
    reader = modelviz.read_logdir(tmp_path)
    curves = {(names[c["run"]], c["tag"]): c for c in p["pr_curves"]}
    assert set(curves) == {("torch", "pr"), ("tbx", "pr_x")}
    for (run, tag), c in curves.items():
        last = reader.pr_curves[run][tag][-1]
        assert c["step"] == last.step == 2
        np.testing.assert_array_equal(decode(c["precision"]), last.precision)
        np.testing.assert_array_equal(decode(c["recall"]), last.recall)
    assert len(decode(curves[("torch", "pr")]["recall"])) == 51 and len(decode(curves[("tbx", "pr_x")]["recall"])) == 33
