"""modelviz.read_logdir against TensorBoard's own EventAccumulator, on files from the real writers."""

from __future__ import annotations

import dataclasses
import os
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from modelviz.logdir import LogdirReader, read_logdir
from modelviz.logdir._records import crc32c, masked_crc32c, masked_crc32c_rows

from .logdir_writers import accumulate, write_tensorboardx, write_torch

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ------------------------------------------------------------------------------------------------ helpers


def records(data: bytes) -> list[tuple[int, int]]:
    """(record start, record end) of every complete record: an independent, plain reading of the framing."""
    out = []
    p = 0
    while p + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, p)
        if p + 16 + n > len(data):
            break
        out.append((p, p + 16 + n))
        p += 16 + n
    return out


def frame_record(payload: bytes) -> bytes:
    head = struct.pack("<Q", len(payload))
    return head + struct.pack("<I", masked_crc32c(head)) + payload + struct.pack("<I", masked_crc32c(payload))


def event_files(run_dir: Path) -> list[Path]:
    return sorted(p for p in run_dir.iterdir() if "tfevents" in p.name)


def assert_matches_event_accumulator(logdir: Path, result: Any = None, expect_runs: set[str] | None = None) -> int:
    """Every run and tag equal, value for value, to EventAccumulator's; returns the number of points compared.

    Tensor summaries are sorted by their plugin as TensorBoard's dashboards do: scalars, text, TF2 histograms (and
    HistogramProto migrated by ``data_compat``), TF2 images (one per sample), PR curves (the PR-curve plugin's own
    ``_make_pr_entry``); hparams tensors are left to ``reader.hparams``; any other tensor goes to ``tensors``.
    """
    from tensorboard import data_compat
    from tensorboard.compat.proto.histogram_pb2 import HistogramProto
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.pr_curve.pr_curves_plugin import PrCurvesPlugin
    from tensorboard.util.tensor_util import make_ndarray

    r = result if result is not None else read_logdir(logdir)
    assert r.corrupt_records == 0, r.messages
    if expect_runs is not None:
        assert set(r.runs) == expect_runs
    compared = 0
    for run in r.runs:
        ea = accumulate(logdir / run)
        tags = ea.Tags()
        plugin = {t: ea.SummaryMetadata(t).plugin_data.plugin_name for t in tags["tensors"]}
        by_plugin: dict[str, list[str]] = {}
        for t in tags["tensors"]:
            by_plugin.setdefault(plugin[t], []).append(t)
        scalar_tensors = by_plugin.pop("scalars", [])
        text_tensors = by_plugin.pop("text", [])
        hist_tensors = by_plugin.pop("histograms", [])
        image_tensors = by_plugin.pop("images", [])
        pr_tensors = by_plugin.pop("pr_curves", [])
        by_plugin.pop("hparams", None)
        other_tensors = [t for ts in by_plugin.values() for t in ts]
        assert sorted(r.scalars[run]) == sorted(tags["scalars"] + scalar_tensors), run
        for tag in tags["scalars"]:
            ref = ea.Scalars(tag)
            s = r.scalars[run][tag]
            assert s.step.dtype == np.int64 and s.wall_time.dtype == np.float64 and s.value.dtype == np.float64
            np.testing.assert_array_equal(s.step, [e.step for e in ref])
            np.testing.assert_array_equal(s.wall_time, [e.wall_time for e in ref])
            np.testing.assert_array_equal(s.value, [e.value for e in ref])  # NaN == NaN here
            compared += len(ref)
        for tag in scalar_tensors:
            ref = ea.Tensors(tag)
            s = r.scalars[run][tag]
            np.testing.assert_array_equal(s.step, [e.step for e in ref])
            np.testing.assert_array_equal(s.wall_time, [e.wall_time for e in ref])
            np.testing.assert_array_equal(s.value, [float(make_ndarray(e.tensor_proto)) for e in ref])
            compared += len(ref)
        assert sorted(r.text[run]) == sorted(text_tensors)
        for tag in text_tensors:
            ref = ea.Tensors(tag)
            got = r.text[run][tag]
            assert [(t.step, t.wall_time) for t in got] == [(e.step, e.wall_time) for e in ref]
            want = ["\n".join(x.decode() for x in make_ndarray(e.tensor_proto).reshape(-1)) for e in ref]
            assert [t.text for t in got] == want
            compared += len(ref)
        assert sorted(r.histograms[run]) == sorted(tags["histograms"] + hist_tensors)
        for tag in tags["histograms"]:
            ref = ea.Histograms(tag)
            h = r.histograms[run][tag]
            np.testing.assert_array_equal(h.step, [e.step for e in ref])
            np.testing.assert_array_equal(h.wall_time, [e.wall_time for e in ref])
            for f in ("min", "max", "num", "sum", "sum_squares"):
                np.testing.assert_array_equal(getattr(h, f), [getattr(e.histogram_value, f) for e in ref])
            for i, e in enumerate(ref):
                np.testing.assert_array_equal(h.bucket_limit[i], e.histogram_value.bucket_limit)
                np.testing.assert_array_equal(h.bucket[i], e.histogram_value.bucket)
                # What the histogram dashboard gets: data_compat's migration (float32, as TensorBoard stores it).
                proto = HistogramProto(**dataclasses.asdict(e.histogram_value))
                migrated = data_compat.migrate_value(Summary.Value(tag=tag, histo=proto))
                np.testing.assert_array_equal(h.buckets(i).astype(np.float32), make_ndarray(migrated.tensor))
            compared += len(ref)
        for tag in hist_tensors:
            ref = ea.Tensors(tag)
            h = r.histograms[run][tag]
            np.testing.assert_array_equal(h.step, [e.step for e in ref])
            np.testing.assert_array_equal(h.wall_time, [e.wall_time for e in ref])
            for i, e in enumerate(ref):
                want = make_ndarray(e.tensor_proto)
                np.testing.assert_array_equal(h.buckets(i), want)
                assert h.num[i] == want[:, 2].sum()
            compared += len(ref)
        assert sorted(r.images[run]) == sorted(tags["images"] + image_tensors)
        for tag in tags["images"]:
            ref = ea.Images(tag)
            got = r.images[run][tag]
            assert [tuple(g) for g in got] == [
                (e.step, e.wall_time, e.width, e.height, e.encoded_image_string, 0) for e in ref
            ]
            compared += len(ref)
        for tag in image_tensors:
            want_images = []
            for e in ref_tensors(ea, tag):
                a = make_ndarray(e.tensor_proto)
                w, hgt = int(a[0]), int(a[1])
                want_images += [(e.step, e.wall_time, w, hgt, bytes(x), k) for k, x in enumerate(a[2:])]
            assert [tuple(g) for g in r.images[run][tag]] == want_images
            compared += len(want_images)
        assert sorted(r.pr_curves[run]) == sorted(pr_tensors)
        for tag in pr_tensors:
            ref = ea.Tensors(tag)
            got = r.pr_curves[run][tag]
            assert [(c.step, c.wall_time) for c in got] == [(e.step, e.wall_time) for e in ref]
            for c, e in zip(got, ref, strict=True):
                arr = make_ndarray(e.tensor_proto)
                entry = PrCurvesPlugin._make_pr_entry(None, e.step, e.wall_time, arr)  # the dashboard's own numbers
                assert c.num_thresholds == arr.shape[1]
                for ours, theirs in (
                    ("precision", "precision"), ("recall", "recall"), ("thresholds", "thresholds"),
                    ("tp", "true_positives"), ("fp", "false_positives"),
                    ("tn", "true_negatives"), ("fn", "false_negatives"),
                ):  # fmt: skip
                    np.testing.assert_array_equal(getattr(c, ours), entry[theirs], err_msg=f"{tag} {ours}")
            compared += len(ref)
        assert sorted(r.tensors[run]) == sorted(other_tensors)
    return compared


def ref_tensors(ea: Any, tag: str) -> Any:
    return ea.Tensors(tag)


@pytest.fixture(scope="module")
def mixed_logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs '.', 'torch', 'nested/deeper/tbx' (tensorboardX) and 'two' (two files: two writers)."""
    root = tmp_path_factory.mktemp("logs")
    write_torch(root, steps=12, seed=3)
    write_torch(root / "torch", steps=60, seed=4)
    write_tensorboardx(root / "nested" / "deeper" / "tbx")
    write_torch(root / "two", steps=20, seed=5)
    write_torch(root / "two", steps=20, seed=6)
    (root / "no_events_here").mkdir()
    (root / "no_events_here" / "readme.txt").write_text("not a run")
    return root


# ------------------------------------------------------------------------------------------------ tests


def test_crc32c_check_value_and_vectorised_rows() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    rows = np.random.default_rng(0).integers(0, 256, size=(50, 37), dtype=np.uint8)
    assert masked_crc32c_rows(rows).tolist() == [masked_crc32c(r.tobytes()) for r in rows]


def test_values_equal_event_accumulator_for_every_run_and_tag(mixed_logdir: Path) -> None:
    r = read_logdir(mixed_logdir)
    assert r.messages == []
    assert len(event_files(mixed_logdir / "two")) == 2
    n = assert_matches_event_accumulator(mixed_logdir, r, {".", "torch", "nested/deeper/tbx", "two"})
    assert n > 500
    # NaN and ±Inf survive; the tensor-style float and double scalars are read as scalars.
    v = r.scalars["torch"]["train/acc"].value
    assert np.isnan(v).any() and np.isposinf(v).any() and np.isneginf(v).any()
    assert {"new_style", "double", "eval/big_step"} <= set(r.scalars["torch"])
    assert len(r.scalars["two"]["train/loss"].step) == 40


def test_verify_reads_the_same(mixed_logdir: Path) -> None:
    a, b = read_logdir(mixed_logdir), read_logdir(mixed_logdir, verify=True)
    assert b.corrupt_records == 0
    for run in a.runs:
        for tag, s in a.scalars[run].items():
            for f in ("step", "wall_time", "value"):
                np.testing.assert_array_equal(getattr(s, f), getattr(b.scalars[run][tag], f))


def test_histogram_edges_follow_tensorboard(mixed_logdir: Path) -> None:
    h = read_logdir(mixed_logdir).histograms["torch"]["weights"]
    edges, counts = h.edges_counts(0)
    assert len(edges) == len(counts) + 1 and counts.sum() == h.num[0] == 200
    assert edges[0] == h.min[0] and edges[-1] == h.max[0]


@pytest.mark.parametrize("purge_step", [None, 5])
def test_step_rewind_as_event_accumulator(tmp_path: Path, purge_step: int | None) -> None:
    """Steps 0..9, then a new writer in the same run at 5..7: kept as is, or purged with purge_step (START)."""
    from torch.utils.tensorboard import SummaryWriter

    run = tmp_path / "run"
    w = SummaryWriter(str(run))
    for s in range(10):
        w.add_scalar("a", s, s)
        w.add_scalar("b", -s, s)
        w.add_histogram("h", np.arange(s + 3.0), s)
    w.close()
    # A restart comes later: its file's timestamp (seconds, the first sort key of event file names, for TensorBoard
    # and for us) must be newer, or the writers' per-process counter (".9" vs ".10") decides the order.
    import time

    time.sleep(1.02 - time.time() % 1)
    w = SummaryWriter(str(run), purge_step=purge_step)
    for s in range(5, 8):
        w.add_scalar("a", 100 + s, s)
        w.add_histogram("h", np.arange(s + 1.0), s)
    w.close()
    r = read_logdir(tmp_path)
    assert_matches_event_accumulator(tmp_path, r)
    steps = r.scalars["run"]["a"].step.tolist()
    if purge_step is None:
        assert steps == [*range(10), 5, 6, 7]
    else:
        assert steps == [0, 1, 2, 3, 4, 5, 6, 7]
        assert r.scalars["run"]["b"].step.tolist() == [0, 1, 2, 3, 4]


def test_legacy_out_of_order_purge_by_tags(tmp_path: Path) -> None:
    """No file_version >= 2: a step going back purges, for that event's tags only (EventAccumulator's old rule)."""
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary

    run = tmp_path / "legacy"
    run.mkdir()
    out = [frame_record(Event(wall_time=1.0, file_version="brain.Event:1").SerializeToString())]
    plan = [(s, "x") for s in range(6)] + [(s, "y") for s in range(6)] + [(3, "x"), (4, "x"), (9, "y")]
    for i, (step, tag) in enumerate(plan * 30):  # repeated: enough records of one layout for the fast path
        ev = Event(wall_time=2.0 + i, step=step, summary=Summary(value=[Summary.Value(tag=tag, simple_value=i)]))
        out.append(frame_record(ev.SerializeToString()))
    (run / "events.out.tfevents.1.legacy").write_bytes(b"".join(out))
    r = read_logdir(tmp_path)
    assert_matches_event_accumulator(tmp_path, r)
    assert len(r.scalars["legacy"]["x"].step) < 8 * 30


def test_truncation_at_every_byte_of_the_last_records_then_resume(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_torch(src, steps=6, seed=9)
    (full_file,) = event_files(src)
    data = full_file.read_bytes()
    recs = records(data)
    assert recs[-1][1] == len(data)
    first_cut = recs[-4][0]
    boundaries = sorted({e for _, e in recs if e >= first_cut} | {first_cut})
    expected: dict[int, Any] = {}
    for b in boundaries:  # the reference for every complete prefix, checked against EventAccumulator
        d = tmp_path / f"prefix{b}" / "run"
        d.mkdir(parents=True)
        (d / full_file.name).write_bytes(data[:b])
        expected[b] = read_logdir(d.parent)
        assert_matches_event_accumulator(d.parent, expected[b])
    full = expected[len(data)]
    logdir = tmp_path / "cut"
    run = logdir / "run"
    run.mkdir(parents=True)
    target = run / full_file.name
    for cut in range(first_cut, len(data)):
        target.write_bytes(data[:cut])
        reader = LogdirReader(logdir)
        r = reader.reload()
        assert r.corrupt_records == 0 and r.messages == [], (cut, r.messages)
        complete = max(b for b in boundaries if b <= cut)
        assert_same(r, expected[complete], cut)
        with target.open("ab") as f:
            f.write(data[cut:])
        assert_same(reader.reload(), full, cut)
        assert reader.corrupt_records == 0


def assert_same(a: Any, b: Any, note: Any = None) -> None:
    assert a.runs == b.runs, note
    for run in a.runs:
        assert sorted(a.scalars[run]) == sorted(b.scalars[run]), note
        for tag, s in a.scalars[run].items():
            t = b.scalars[run][tag]
            for f in ("step", "wall_time", "value"):
                np.testing.assert_array_equal(getattr(s, f), getattr(t, f), err_msg=f"{note} {tag} {f}")
        for kind in ("images", "text"):
            assert getattr(a, kind)[run] == getattr(b, kind)[run], (note, kind)
        assert sorted(a.histograms[run]) == sorted(b.histograms[run])
        for tag, h in a.histograms[run].items():
            np.testing.assert_array_equal(h.step, b.histograms[run][tag].step)
            np.testing.assert_array_equal(h.sum, b.histograms[run][tag].sum)


def test_reading_a_growing_file_in_pieces_equals_one_read(tmp_path: Path) -> None:
    src = tmp_path / "src" / "run"
    write_torch(src, steps=50, seed=11)
    (f,) = event_files(src)
    data = f.read_bytes()
    logdir = tmp_path / "live"
    (logdir / "run").mkdir(parents=True)
    target = logdir / "run" / f.name
    target.write_bytes(b"")
    reader = LogdirReader(logdir)
    rng = np.random.default_rng(0)
    pos = 0
    while pos < len(data):
        step = int(rng.integers(1, 3000))
        with target.open("ab") as out:
            out.write(data[pos : pos + step])
        pos += step
        reader.reload()
    assert reader.corrupt_records == 0
    assert_same(reader, read_logdir(src.parent), "pieces")
    assert_matches_event_accumulator(logdir, reader)


def test_new_runs_appear_and_removed_runs_disappear(tmp_path: Path) -> None:
    reader = LogdirReader(tmp_path)
    assert reader.reload().runs == []
    assert any("no event files" in m for m in reader.messages)
    write_torch(tmp_path / "a", steps=5)
    assert reader.reload().runs == ["a"]
    assert reader.messages == []
    write_torch(tmp_path / "b", steps=5)
    write_torch(tmp_path / "a", steps=5, seed=2)  # a second file in run a
    r = reader.reload()
    assert r.runs == ["a", "b"]
    assert len(r.scalars["a"]["train/loss"].step) == 10
    shutil.rmtree(tmp_path / "a")
    assert reader.reload().runs == ["b"]
    assert "a" not in reader.scalars


def corrupt_copy(tmp_path: Path, which: str) -> tuple[Path, int]:
    """A torch run with one byte of a middle scalar record changed; returns the logdir and that record's index."""
    src = tmp_path / f"src-{which}"
    write_torch(src, steps=30, seed=12)
    (f,) = event_files(src)
    data = bytearray(f.read_bytes())
    recs = records(bytes(data))
    i = len(recs) // 2
    while not (recs[i][1] - recs[i][0] < 80):  # a scalar record
        i += 1
    s, e = recs[i]
    if which == "length":
        data[s] ^= 0x01
    elif which == "structure":
        data[s + 12] = 0x0F  # the first field key of the event: wire type 7 does not exist
    elif which == "value":
        data[e - 5] ^= 0x40  # the last byte of the float value, just before the data CRC
    out = tmp_path / f"corrupt-{which}"
    (out / "run").mkdir(parents=True)
    (out / "run" / f.name).write_bytes(bytes(data))
    return out, i


def total_points(r: Any) -> int:
    return sum(len(s.step) for run in r.runs for s in r.scalars[run].values())


@pytest.mark.parametrize("which", ["length", "structure", "value"])
@pytest.mark.parametrize("verify", [False, True])
def test_a_corrupt_record_is_counted_and_the_rest_is_read(tmp_path: Path, which: str, verify: bool) -> None:
    logdir, _ = corrupt_copy(tmp_path, which)
    clean = read_logdir(tmp_path / f"src-{which}".replace("src", "src"))
    r = read_logdir(logdir, verify=verify)
    n_clean = total_points(read_logdir(tmp_path / f"src-{which}"))
    if which == "value" and not verify:
        # Nothing to see without the data CRC: the record parses, with another value.
        assert r.corrupt_records == 0 and total_points(r) == n_clean
    else:
        assert r.corrupt_records == 1, r.messages
        assert total_points(r) == n_clean - 1
        assert any("run" in m and "byte" in m for m in r.messages), r.messages
    assert clean.runs == ["."]


def test_garbage_and_non_event_files_give_messages(tmp_path: Path) -> None:
    write_torch(tmp_path / "good", steps=10)
    bad = tmp_path / "bad"
    bad.mkdir()
    rng = np.random.default_rng(0)
    (bad / "events.out.tfevents.123.garbage").write_bytes(rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
    (bad / "events.out.tfevents.124.empty").write_bytes(b"")
    (bad / "notes.txt").write_text("hello")
    (tmp_path / "good" / "model.ckpt").write_bytes(b"\0" * 100)
    r = read_logdir(tmp_path)
    assert r.runs == ["bad", "good"]
    assert r.corrupt_records >= 1
    assert any("garbage" in m and "not a TFRecord event file" in m for m in r.messages), r.messages
    assert_same_run(r, read_logdir(tmp_path / "good"), "good", ".")


def assert_same_run(a: Any, b: Any, run_a: str, run_b: str) -> None:
    assert sorted(a.scalars[run_a]) == sorted(b.scalars[run_b])
    for tag, s in a.scalars[run_a].items():
        np.testing.assert_array_equal(s.value, b.scalars[run_b][tag].value)


def test_empty_and_missing_logdirs_give_messages(tmp_path: Path) -> None:
    r = read_logdir(tmp_path)
    assert r.runs == [] and r.corrupt_records == 0
    assert r.messages == [f"no event files (*tfevents*) under {str(tmp_path)!r} yet"]
    missing = tmp_path / "nope"
    r = read_logdir(missing)
    assert r.runs == [] and r.messages == [f"log directory {str(missing)!r} does not exist (yet)"]
    f = tmp_path / "file"
    f.write_text("x")
    assert read_logdir(f).messages == [f"{str(f)!r} is not a directory"]


def test_unreadable_file_gives_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 0 does not stop root (CI runs as root), so the permission error is raised where the reader opens files
    import builtins

    from modelviz.logdir import _storage

    write_torch(tmp_path / "a", steps=3)
    write_torch(tmp_path / "b", steps=3)
    (locked,) = event_files(tmp_path / "a")
    real_open = builtins.open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(_storage, "open", guarded_open, raising=False)
    r = read_logdir(tmp_path)
    assert any("cannot read" in m and locked.name in m for m in r.messages), r.messages
    assert "b" in r.scalars  # the other run is still read


def test_import_modelviz_and_reading_import_no_framework(tmp_path: Path) -> None:
    write_torch(tmp_path / "a", steps=3)
    code = textwrap.dedent(
        f"""
        import sys
        import modelviz
        r = modelviz.read_logdir({str(tmp_path)!r})
        assert r.runs == ["a"], r.runs
        print([m for m in ("torch", "tensorboard", "tensorflow", "google.protobuf", "tensorboardX")
               if m in sys.modules])
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "python-shim")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("window", [64, 1000, 4096])
def test_small_read_windows_read_the_same(
    mixed_logdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """Files are read in windows: records across window edges, records longer than a window (histograms, images)
    and corrupt regions across edges read exactly as one whole-file read does."""
    from modelviz.logdir import reader

    whole = read_logdir(mixed_logdir)
    corrupt = {w: corrupt_copy(tmp_path / w, w)[0] for w in ("length", "structure")}
    whole_corrupt = {w: read_logdir(d) for w, d in corrupt.items()}
    monkeypatch.setattr(reader, "_WINDOW", window)
    windowed = read_logdir(mixed_logdir)
    assert windowed.messages == [] and windowed.corrupt_records == 0
    assert_same(windowed, whole, window)
    for w, d in corrupt.items():
        r = read_logdir(d)
        assert r.corrupt_records == whole_corrupt[w].corrupt_records == 1, (w, r.messages)
        assert r.messages == whole_corrupt[w].messages
        assert_same(r, whole_corrupt[w], (window, w))


def test_verify_finds_exactly_the_records_whose_data_crc_is_wrong(tmp_path: Path) -> None:
    """Flip bytes in many fast-path scalar records (the first one of a tag, whose layout serves as the template,
    among them) and in a histogram; verify=True must skip exactly the records a plain per-record CRC check rejects."""
    src = tmp_path / "src"
    write_torch(src, steps=40, seed=21)
    (f,) = event_files(src)
    data = bytearray(f.read_bytes())
    recs = records(bytes(data))
    rng = np.random.default_rng(5)
    small = [i for i, (s, e) in enumerate(recs) if e - s < 80]
    big = [i for i, (s, e) in enumerate(recs) if e - s > 500]
    hit = sorted({small[0], small[1], *rng.choice(small, 25, replace=False).tolist(), big[0]})
    for i in hit:
        s, e = recs[i]
        p = int(rng.integers(s + 12, e - 4))  # any data byte: wall time, step, value, tag or structure
        data[p] ^= 1 << int(rng.integers(0, 8))
    bad = {
        i
        for i, (s, e) in enumerate(recs)
        if masked_crc32c(bytes(data[s + 12 : e - 4])) != struct.unpack_from("<I", data, e - 4)[0]
    }
    assert bad == set(hit)
    out = tmp_path / "corrupt" / "run"
    out.mkdir(parents=True)
    (out / f.name).write_bytes(bytes(data))
    clean = tmp_path / "clean" / "run"
    clean.mkdir(parents=True)
    keep = b"".join(bytes(data[s:e]) for i, (s, e) in enumerate(recs) if i not in bad)
    (clean / f.name).write_bytes(keep)
    r = read_logdir(out.parent, verify=True)
    assert r.corrupt_records == len(bad), r.messages
    assert r.messages == [
        f"run/{f.name}: {len(bad)} records with a bad data CRC skipped " + r.messages[0].split("skipped ")[1]
    ]
    want = sorted(recs[i][0] for i in bad)
    assert r.messages[0].split("(at byte ")[1].startswith(", ".join(str(b) for b in want[:5]))
    assert_same(r, read_logdir(clean.parent), "verify")
