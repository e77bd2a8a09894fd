"""read_logdir on files from TensorFlow's writers (tf.summary, TF1 summary ops, the hparams API), PR curves and hparams
from torch and tensorboardX, fsspec URLs, and broken plugin data — against EventAccumulator, TensorBoard's plugins and
the writers' own inputs."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from modelviz.logdir import LogdirReader, read_logdir

from .logdir_writers import (
    TF_STEPS,
    hparam_trials,
    pr_inputs,
    tf_histogram_data,
    tf_image_batch,
    write_tensorboardx_plugins,
    write_tf,
    write_torch,
    write_torch_plugins,
)
from .test_logdir import (
    assert_matches_event_accumulator,
    event_files,
    frame_record,
    records,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TF_RUNS = {
    "tf2",
    "tf1",
    "tf_hparams",
    *(f"tf_hparams/session{i}" for i in range(3)),
    *(f"tf_hparams/session{i}/validation" for i in range(3)),
}


@pytest.fixture(scope="session")
def tf_logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every TensorFlow-written run, written once by one subprocess (TensorFlow takes seconds to import)."""
    root = tmp_path_factory.mktemp("tf")
    write_tf(root)
    return root


@pytest.fixture(scope="module")
def torch_tbx_logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plugins")
    write_torch_plugins(root / "torch")
    write_tensorboardx_plugins(root / "tbx")
    return root


# ------------------------------------------------------------------------------------------------ TensorFlow


def test_tf_files_equal_event_accumulator_and_land_in_their_kinds(tf_logdir: Path) -> None:
    r = read_logdir(tf_logdir)
    assert r.messages == []
    n = assert_matches_event_accumulator(tf_logdir, r, TF_RUNS)
    assert n > 100
    # TF2 tensors are sorted by plugin, none is left over as a raw tensor.
    assert sorted(r.scalars["tf2"]) == ["int_metric", "loss"]
    assert sorted(r.histograms["tf2"]) == ["constant", "empty", "weights"]
    assert sorted(r.images["tf2"]) == ["im"]
    assert sorted(r.text["tf2"]) == ["notes", "table"]
    assert sorted(r.pr_curves["tf2"]) == ["pr_tf/pr_curves"]
    assert all(r.tensors[run] == {} for run in r.runs)
    # TF1 ops: simple_value, HistogramProto, Summary.Image (one tag per image), text tensor.
    assert sorted(r.scalars["tf1"]) == ["v1_scalar"]
    assert sorted(r.histograms["tf1"]) == ["v1_hist"]
    assert sorted(r.images["tf1"]) == ["v1_image/image/0", "v1_image/image/1"]
    assert [t.text for t in r.text["tf1"]["v1_text"]] == [f"v1 {s}" for s in range(TF_STEPS)]
    loss = r.scalars["tf2"]["loss"].value
    assert np.isnan(loss).any() and np.isposinf(loss).any() and np.isneginf(loss).any()
    assert r.scalars["tf2"]["int_metric"].value.tolist() == [3.0 * s for s in range(TF_STEPS)]


def test_tf2_histograms_hold_the_written_data(tf_logdir: Path) -> None:
    r = read_logdir(tf_logdir)
    h = r.histograms["tf2"]["weights"]
    assert h.step.tolist() == list(range(0, TF_STEPS, 3))
    for i, step in enumerate(h.step):
        data = tf_histogram_data(int(step))
        b = h.buckets(i)
        assert b.shape == (30, 3) and h.tensor[i] is not None
        assert b[:, 2].sum() == len(data) == h.num[i]
        np.testing.assert_allclose([b[0, 0], b[-1, 1]], [data.min(), data.max()])
        np.testing.assert_allclose(b[1:, 0], b[:-1, 1])  # contiguous buckets
        # every value in its bucket: recount with the edges TensorFlow chose
        edges, counts = h.edges_counts(i)
        recount, _ = np.histogram(data, bins=edges)
        assert np.abs(recount - counts).sum() <= 2  # float32 rounding may move a value at an edge
    const = r.histograms["tf2"]["constant"]
    assert const.buckets(0)[:, 2].sum() == 20 and set(const.buckets(0)[:, :2].ravel()) == {2.5}
    empty = r.histograms["tf2"]["empty"]
    assert empty.num.tolist() == [0.0] and empty.buckets(0)[:, 2].sum() == 0
    # The TF1 HistogramProto: the raw fields and the same dashboard buckets.
    v1 = r.histograms["tf1"]["v1_hist"]
    data = tf_histogram_data(0).astype(np.float32)  # through a float32 placeholder
    assert v1.num[0] == len(data) and v1.min[0] == data.min() and v1.max[0] == data.max()
    assert v1.buckets(0)[:, 2].sum() == len(data)


def test_tf2_images_decode_to_the_written_pixels(tf_logdir: Path) -> None:
    from PIL import Image

    r = read_logdir(tf_logdir)
    events = r.images["tf2"]["im"]
    steps = list(range(0, TF_STEPS, 3))
    assert [(e.step, e.sample) for e in events] == [(s, k) for s in steps for k in (0, 1)]  # max_outputs=2 of 3
    for e in events:
        want = np.round(tf_image_batch(e.step)[e.sample] * 255)
        got = np.asarray(Image.open(io.BytesIO(e.encoded)))
        assert (e.width, e.height) == (5, 6) and got.shape == (6, 5, 3)
        assert np.abs(got - want).max() <= 1
    v1 = r.images["tf1"]["v1_image/image/1"][0]
    assert (v1.width, v1.height, v1.sample) == (5, 6, 0)
    np.testing.assert_allclose(np.asarray(Image.open(io.BytesIO(v1.encoded))), tf_image_batch(0)[1] * 255, atol=1)


def test_tf_hparams_sessions_with_metrics_of_the_experiment(tf_logdir: Path) -> None:
    r = read_logdir(tf_logdir)
    assert sorted(r.hparams) == [f"tf_hparams/session{i}" for i in range(3)]
    for i, (hp, metrics) in enumerate(hparam_trials()):
        got = r.hparams[f"tf_hparams/session{i}"]
        assert got.hparams == {k: float(v) if type(v) is int else v for k, v in hp.items()}
        assert got.group_name == f"trial-{i}" and got.start_time > 0
        # the experiment (at the root run) names "accuracy" and "loss" in group "validation"; last values
        assert got.metrics == pytest.approx({"accuracy": metrics["accuracy"], "validation/loss": metrics["loss"]})
    # no hparams tensors leak into the other kinds
    assert all(not tag.startswith("_hparams_") for run in r.runs for tag in r.tensors[run])


def test_truncated_tf_file_at_every_byte_of_the_last_records(tf_logdir: Path, tmp_path: Path) -> None:
    """Cut the TF2 file at every byte of its last 11 records (histograms, images, text, scalars of the last steps):
    each cut reads as the complete records before it, and appending the rest reads as the whole file."""
    (f,) = event_files(tf_logdir / "tf2")
    data = f.read_bytes()
    recs = records(data)
    assert recs[-1][1] == len(data)
    first_cut = recs[-11][0]
    boundaries = sorted({e for _, e in recs if e >= first_cut} | {first_cut})
    expected = {}
    for b in boundaries:
        d = tmp_path / f"prefix{b}"
        d.mkdir()
        (d / f.name).write_bytes(data[:b])
        expected[b] = read_logdir(d)
    full = expected[len(data)]
    assert full.images["."]["im"][-1].step == 9 and full.histograms["."]["weights"].step[-1] == 9
    target = tmp_path / "cut" / "run" / f.name
    target.parent.mkdir(parents=True)
    for cut in range(first_cut, len(data)):
        target.write_bytes(data[:cut])
        reader = LogdirReader(tmp_path / "cut")
        r = reader.reload()
        assert r.corrupt_records == 0 and r.messages == [], (cut, r.messages)
        assert_same_as_run(r, "run", expected[max(b for b in boundaries if b <= cut)], ".", cut)
        with target.open("ab") as out:
            out.write(data[cut:])
        reader.reload()
        assert reader.corrupt_records == 0
        assert_same_as_run(reader, "run", full, ".", cut)


def assert_same_as_run(a: Any, run_a: str, b: Any, run_b: str, note: Any) -> None:
    for kind in ("scalars", "histograms", "images", "text", "pr_curves"):
        assert sorted(getattr(a, kind)[run_a]) == sorted(getattr(b, kind)[run_b]), (note, kind)
    for tag, s in a.scalars[run_a].items():
        np.testing.assert_array_equal(s.value, b.scalars[run_b][tag].value, err_msg=f"{note} {tag}")
    for tag, h in a.histograms[run_a].items():
        for i in range(len(h)):
            np.testing.assert_array_equal(h.buckets(i), b.histograms[run_b][tag].buckets(i))
    assert a.images[run_a] == b.images[run_b] and a.text[run_a] == b.text[run_b], note
    for tag, curves in a.pr_curves[run_a].items():
        for c, d in zip(curves, b.pr_curves[run_b][tag], strict=True):
            np.testing.assert_array_equal(c.precision, d.precision)


# ------------------------------------------------------------------------------------------------ PR curves


def recompute_pr(labels: np.ndarray, predictions: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """TP/FP/TN/FN per threshold j/(n-1), counted directly: a prediction counts as positive at threshold j when its
    bucket floor(p * (n - 1)) is >= j (the writers' binning); trimmed like TensorBoard's dashboard."""
    bucket = np.floor(predictions.astype(np.float64) * (n - 1))
    pos = labels.astype(bool)
    tp = np.array([np.sum(pos & (bucket >= j)) for j in range(n)], dtype=np.float64)
    fp = np.array([np.sum(~pos & (bucket >= j)) for j in range(n)], dtype=np.float64)
    tn = np.sum(~pos) - fp
    fn = np.sum(pos) - tp
    end = n
    while end > 1 and tp[end - 1] + fp[end - 1] == 0:
        end -= 1
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    out = {"tp": tp, "fp": fp, "tn": tn, "fn": fn, "precision": precision, "recall": recall}
    out = {k: v[:end] for k, v in out.items()}
    out["thresholds"] = np.linspace(0.0, 1.0, n)[:end]  # the PR-curve plugin's thresholds
    return out


@pytest.mark.parametrize(
    ("run", "tag", "seed0", "n"),
    [("torch", "pr", 0, 51), ("tbx", "pr_x", 10, 33), ("tf2", "pr_tf/pr_curves", 20, 21)],
)
def test_pr_curves_equal_the_writer_inputs_recomputed(
    tf_logdir: Path, torch_tbx_logdir: Path, run: str, tag: str, seed0: int, n: int
) -> None:
    r = read_logdir(tf_logdir if run == "tf2" else torch_tbx_logdir)
    curves = r.pr_curves[run][tag]
    steps = list(range(0, TF_STEPS, 4)) if run == "tf2" else [0, 1, 2]
    assert [c.step for c in curves] == steps
    for c in curves:
        want = recompute_pr(*pr_inputs(seed0 + c.step), n)
        assert c.num_thresholds == n
        for k in ("tp", "fp", "tn", "fn", "thresholds"):
            np.testing.assert_array_equal(getattr(c, k), want[k], err_msg=f"{run} {k}")
        for k in ("precision", "recall"):
            np.testing.assert_allclose(getattr(c, k), want[k], rtol=1e-6, err_msg=f"{run} {k}")


def test_torch_and_tensorboardx_plugin_files_equal_event_accumulator(torch_tbx_logdir: Path) -> None:
    r = read_logdir(torch_tbx_logdir)
    assert r.messages == []
    assert_matches_event_accumulator(torch_tbx_logdir, r)


# ------------------------------------------------------------------------------------------------ hparams


def test_hparams_of_torch_and_tensorboardx(torch_tbx_logdir: Path) -> None:
    r = read_logdir(torch_tbx_logdir)
    trials = hparam_trials()
    stamped = [run for run in r.runs if run.startswith("torch/") and run != "torch/trial0"]
    assert len(stamped) == 1  # add_hparams without run_name: a sub-run named by time.time()
    float(stamped[0].removeprefix("torch/"))
    want = {"torch/trial0": trials[0], stamped[0]: trials[1], "tbx/tbx_trial": trials[2]}
    assert set(r.hparams) == set(want)
    for run, (hp, metrics) in want.items():
        got = r.hparams[run]
        assert got.hparams == {k: float(v) if type(v) is int else v for k, v in hp.items()}, run
        assert got.metrics == pytest.approx({f"hparam/{k}": v for k, v in metrics.items()}), run
        assert got.status == "success"
    # the runs that hold the training data have no session
    assert "torch" not in r.hparams and "tbx" not in r.hparams


def test_hparams_without_an_experiment_take_every_scalar_of_the_session(tmp_path: Path) -> None:
    """Only session_start_info (TensorBoard then infers the metrics from the session's scalars)."""
    from torch.utils.tensorboard import SummaryWriter
    from torch.utils.tensorboard.summary import hparams

    w = SummaryWriter(str(tmp_path / "s"))
    _experiment, session_start, _session_end = hparams({"units": 16, "act": "relu"}, {})
    w.file_writer.add_summary(session_start)
    for step in range(4):
        w.add_scalar("acc", 0.1 * step, step)
    w.close()
    w = SummaryWriter(str(tmp_path / "s" / "eval"))
    w.add_scalar("acc", 0.75, 9)
    w.close()
    r = read_logdir(tmp_path)
    assert r.hparams["s"].hparams == {"units": 16.0, "act": "relu"}
    assert r.hparams["s"].metrics == pytest.approx({"acc": 0.3, "eval/acc": 0.75})
    assert r.hparams["s"].status == ""


# ------------------------------------------------------------------------------------------------ fsspec


def copy_to_memory(local: Path, url: str) -> None:
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    for p in local.rglob("*"):
        if p.is_file():
            fs.pipe_file(f"{root}/{p.relative_to(local).as_posix()}", p.read_bytes())


def test_fsspec_memory_logdir_reads_like_the_local_one(tf_logdir: Path, torch_tbx_logdir: Path) -> None:
    import fsspec

    url = "memory://modelviz-test/logs"
    fs = fsspec.filesystem("memory")
    try:
        copy_to_memory(tf_logdir, url)
        copy_to_memory(torch_tbx_logdir, url + "/plugins")
        remote = read_logdir(url)
        assert remote.messages == [] and remote.corrupt_records == 0
        local = read_logdir(tf_logdir)
        assert set(remote.runs) == set(local.runs) | {f"plugins/{r}" for r in read_logdir(torch_tbx_logdir).runs}
        for run in local.runs:
            assert_same_as_run(remote, run, local, run, run)
        assert remote.hparams["tf_hparams/session1"] == local.hparams["tf_hparams/session1"]
        assert "plugins/tbx/tbx_trial" in remote.hparams
    finally:
        fs.rm("/modelviz-test", recursive=True)


def test_fsspec_memory_file_appended_between_reloads(tmp_path: Path) -> None:
    import fsspec

    write_torch(tmp_path / "src", steps=30, seed=2)
    (f,) = event_files(tmp_path / "src")
    data = f.read_bytes()
    fs = fsspec.filesystem("memory")
    path = f"/modelviz-grow/run/{f.name}"
    try:
        fs.pipe_file(path, b"")
        reader = LogdirReader("memory://modelviz-grow")
        rng = np.random.default_rng(1)
        pos = 0
        while pos < len(data):
            step = int(rng.integers(1, 4000))
            fs.pipe_file(path, data[: pos + step])  # the file grows (a remote object is replaced whole)
            pos += step
            reader.reload()
            assert reader.corrupt_records == 0, reader.messages
        with fs.open(f"/modelviz-grow/other/{f.name}", "wb") as out:
            out.write(data)
        reader.reload()
        local = read_logdir(tmp_path / "src")
        assert reader.runs == ["other", "run"]
        for run in reader.runs:
            assert_same_as_run(reader, run, local, ".", run)
    finally:
        fs.rm("/modelviz-grow", recursive=True)


def test_fsspec_problems_are_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    r = read_logdir("s3://some-bucket/logs")  # s3fs is not installed here
    assert r.runs == [] and len(r.messages) == 1
    assert "s3://some-bucket/logs" in r.messages[0] and "s3fs" in r.messages[0]
    r = read_logdir("nosuchproto://x/y")
    assert r.messages == ["cannot open 'nosuchproto://x/y': Protocol not known: nosuchproto"]
    r = read_logdir("memory://modelviz-missing/logs")
    assert r.messages == ["log directory 'memory://modelviz-missing/logs' does not exist (yet)"]
    monkeypatch.setitem(sys.modules, "fsspec", None)  # as if fsspec were not installed
    r = read_logdir("gs://bucket/logs")
    assert r.runs == [] and "needs fsspec" in r.messages[0] and "gcsfs" in r.messages[0]


# ------------------------------------------------------------------------------------------------ broken plugin data


def tensor_value(tag: str, plugin: str, array: np.ndarray, content: bytes = b"") -> Any:
    from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboard.util.tensor_util import make_tensor_proto

    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=plugin, content=content))
    return Summary.Value(tag=tag, metadata=meta, tensor=make_tensor_proto(array))


def test_corrupt_plugin_payloads_give_messages_and_the_rest_is_read(tmp_path: Path) -> None:
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary

    run = tmp_path / "run"
    run.mkdir()
    values = [
        tensor_value("bad_pr", "pr_curves", np.zeros((5, 7), np.float32)),
        tensor_value("bad_hist", "histograms", np.zeros(4)),
        tensor_value("bad_image", "images", np.array([b"12"], dtype=object)),
        tensor_value("bad_image_size", "images", np.array([b"wide", b"3", b"png"], dtype=object)),
        tensor_value("_hparams_/session_start_info", "hparams", np.array(b""), content=b"\x1a\x05\x0a\x03ab"),
        tensor_value("good_pr", "pr_curves", np.ones((6, 4), np.float32)),
    ]
    out = [frame_record(Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())]
    for step in range(3):
        for v in values:
            ev = Event(wall_time=2.0 + step, step=step, summary=Summary(value=[v]))
            out.append(frame_record(ev.SerializeToString()))
        ev = Event(wall_time=2.5 + step, step=step, summary=Summary(value=[Summary.Value(tag="x", simple_value=step)]))
        out.append(frame_record(ev.SerializeToString()))
    (run / "events.out.tfevents.1.bad").write_bytes(b"".join(out))
    r = read_logdir(tmp_path)
    text = "\n".join(r.messages)
    assert "tag 'bad_pr' at step 0: PR-curve tensor of shape [5, 7] (expected [6, num_thresholds])" in text
    assert "tag 'bad_hist' at step 1: histogram tensor of shape [4] (expected [k, 3])" in text
    assert "tag 'bad_image' at step 2: image tensor of dtype object and shape [1]" in text
    assert "tag 'bad_image_size' at step 0: image tensor whose width/height are not numbers" in text
    assert "'_hparams_/session_start_info': hparams plugin data does not parse" in text
    assert len(r.messages) == 5 * 3
    # the good data around it is all there
    assert r.scalars["run"]["x"].value.tolist() == [0.0, 1.0, 2.0]
    assert [c.step for c in r.pr_curves["run"]["good_pr"]] == [0, 1, 2]
    assert r.hparams == {} and r.histograms["run"] == {} and r.images["run"] == {}


def test_local_reading_does_not_import_fsspec(tmp_path: Path) -> None:
    import subprocess
    import textwrap

    write_torch(tmp_path / "a", steps=3)
    code = textwrap.dedent(
        f"""
        import sys
        import modelviz
        r = modelviz.read_logdir({str(tmp_path)!r})
        assert r.runs == ["a"], r.runs
        print([m for m in ("fsspec", "tensorflow", "tensorboard") if m in sys.modules])
        """
    )
    root = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": str(root / "python-shim"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


def test_tf_logdir_copy_reads_the_same_with_verify(tf_logdir: Path, tmp_path: Path) -> None:
    dst = tmp_path / "copy"
    shutil.copytree(tf_logdir, dst)
    a, b = read_logdir(tf_logdir), read_logdir(dst, verify=True)
    assert b.corrupt_records == 0 and b.messages == []
    for run in a.runs:
        assert_same_as_run(b, run, a, run, run)


def test_file_urls_and_event_files_at_the_root_of_a_url(tmp_path: Path) -> None:
    import fsspec

    write_torch(tmp_path / "local", steps=8, seed=4)
    local = read_logdir(tmp_path / "local")
    as_url = read_logdir(f"file://{tmp_path / 'local'}")  # a file:// URL is the local disk, without fsspec
    assert as_url.runs == local.runs == ["."] and as_url.messages == []
    assert_same_as_run(as_url, ".", local, ".", "file://")
    fs = fsspec.filesystem("memory")
    try:
        copy_to_memory(tmp_path / "local", "memory://modelviz-root")
        remote = read_logdir("memory://modelviz-root")
        assert remote.runs == ["."] and remote.messages == []
        assert_same_as_run(remote, ".", local, ".", "memory root")
    finally:
        fs.rm("/modelviz-root", recursive=True)
