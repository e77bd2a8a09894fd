"""Log directories written by the real writers, and the reference read by TensorBoard's EventAccumulator."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

SPECIAL = (math.nan, math.inf, -math.inf)


def write_torch(logdir: Path, steps: int = 40, seed: int = 0, purge_step: int | None = None, **kw: Any) -> None:
    """Scalars (incl. NaN/±Inf, tensor-style and double ones), histograms, images and text via torch's writer."""
    from torch.utils.tensorboard import SummaryWriter

    rng = np.random.default_rng(seed)
    w = SummaryWriter(str(logdir), purge_step=purge_step, **kw)
    start = purge_step or 0
    for step in range(start, start + steps):
        if step % 5 == 0:
            w.add_histogram("weights", rng.normal(size=200) * (1 + step), step)
        w.add_scalar("train/loss", float(rng.normal()), step)
        w.add_scalar("train/acc", SPECIAL[step % 3] if step % 7 == 3 else float(rng.random()), step)
        w.add_scalar("eval/big_step", float(step) * 1.5, step * 1000 + 3)
        w.add_scalar("new_style", float(rng.normal()), step, new_style=True)
        w.add_scalar("double", float(rng.normal()), step, new_style=True, double_precision=True)
        if step % 5 == 0:
            w.add_image("img", rng.integers(0, 255, size=(3, 4 + step % 3, 5), dtype=np.uint8), step)
            w.add_text("notes", f"step **{step}** é", step)
    w.close()


def write_tensorboardx(logdir: Path, steps: int = 30, seed: int = 1) -> None:
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(seed)
    w = SummaryWriter(str(logdir))
    for step in range(steps):
        w.add_scalar("loss", float(rng.normal()), step)
        w.add_scalar("special", SPECIAL[step % 3], step)
        if step % 4 == 0:
            w.add_histogram("h", rng.normal(size=100), step)
            w.add_image("im", rng.random(size=(3, 6, 7)), step)
            w.add_text("t", f"text {step}", step)
    w.close()


def accumulate(run_dir: Path) -> Any:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(
        str(run_dir),
        size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0, "compressedHistograms": 0},
    )
    return ea.Reload()


# ------------------------------------------------------------------------------------------------ plugin inputs
# Plain numpy, shared by the writers and by the tests that check what was read against what was written.


def pr_inputs(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Labels (bool) and predictions (float32 in [0, 1]) of one PR curve."""
    rng = np.random.default_rng(seed)
    labels = rng.random(n) < 0.4
    predictions = np.clip(rng.normal(0.35 + 0.3 * labels, 0.2), 0.0, 1.0).astype(np.float32)
    return labels, predictions


def hparam_trials() -> list[tuple[dict[str, Any], dict[str, float]]]:
    """(hparams, metrics) per trial: strings, floats, ints and bools."""
    out = []
    for i in range(3):
        hp = {"lr": 10.0 ** -(i + 2), "optimizer": ["adam", "sgd"][i % 2], "layers": i + 2, "dropout_on": i % 2 == 0}
        out.append((hp, {"accuracy": 0.5 + 0.1 * i, "loss": 1.0 / (i + 1)}))
    return out


def write_torch_plugins(logdir: Path) -> None:
    """torch's add_hparams (sub-runs: one named, one named by the writer's time stamp) and add_pr_curve."""
    from torch.utils.tensorboard import SummaryWriter

    w = SummaryWriter(str(logdir))
    for step in range(3):
        labels, predictions = pr_inputs(step)
        w.add_pr_curve("pr", labels, predictions, step, num_thresholds=51)
        w.add_scalar("train/loss", 1.0 / (step + 1), step)
    for i, (hp, metrics) in enumerate(hparam_trials()[:2]):
        w.add_hparams(hp, {f"hparam/{k}": v for k, v in metrics.items()}, run_name=f"trial{i}" if i == 0 else None)
    w.close()


def write_tensorboardx_plugins(logdir: Path) -> None:
    from tensorboardX import SummaryWriter

    w = SummaryWriter(str(logdir))
    for step in range(3):
        labels, predictions = pr_inputs(10 + step)
        w.add_pr_curve("pr_x", labels, predictions, step, num_thresholds=33)
    hp, metrics = hparam_trials()[2]
    w.add_hparams(hp, {f"hparam/{k}": v for k, v in metrics.items()}, name="tbx_trial")
    w.close()


# ------------------------------------------------------------------------------------------------ TensorFlow
# Run in a subprocess (``python logdir_writers.py ROOT``): importing TensorFlow takes seconds and its global state
# (eager mode, default writers) should not leak into the test process.

TF_STEPS = 12


def tf_histogram_data(step: int) -> np.ndarray:
    return np.random.default_rng(100 + step).normal(size=500) * (1 + step)


def tf_image_batch(step: int) -> np.ndarray:
    return np.random.default_rng(200 + step).random((3, 6, 5, 3)).astype(np.float32)


def tf_main(root: Path) -> None:
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp_api
    from tensorboard.plugins.pr_curve import summary as pr_summary

    # TF2: tf.summary with a file writer.
    with tf.summary.create_file_writer(str(root / "tf2")).as_default():
        for step in range(TF_STEPS):
            value = SPECIAL[step // 4 % 3] if step % 4 == 3 else 0.5 * step - 1.0
            tf.summary.scalar("loss", value, step=step)
            tf.summary.scalar("int_metric", step * 3, step=step)
            if step % 3 == 0:
                tf.summary.histogram("weights", tf_histogram_data(step), step=step)
                tf.summary.histogram("constant", np.full(20, 2.5), step=step, buckets=5)
                tf.summary.image("im", tf_image_batch(step), step=step, max_outputs=2)
                tf.summary.text("notes", f"step **{step}** é", step=step)
                tf.summary.text("table", [["a", f"{step}"], ["b", "c"]], step=step)
            if step == 0:
                tf.summary.histogram("empty", np.zeros(0), step=step)
            if step % 4 == 0:
                labels, predictions = pr_inputs(20 + step)
                pb = pr_summary.pb("pr_tf", labels, predictions, num_thresholds=21)
                tf.summary.experimental.write_raw_pb(pb.SerializeToString(), step=step)

    # TF1: graph-mode summary ops and a FileWriter (simple_value, HistogramProto, Summary.Image, text tensor).
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=[None])
        im = tf.compat.v1.placeholder(tf.float32, shape=[None, 6, 5, 3])
        t = tf.compat.v1.placeholder(tf.string, shape=[])
        ops = [
            tf.compat.v1.summary.scalar("v1_scalar", tf.reduce_mean(x)),
            tf.compat.v1.summary.histogram("v1_hist", x),
            tf.compat.v1.summary.image("v1_image", im, max_outputs=2),
            tf.compat.v1.summary.text("v1_text", t),
        ]
        merged = tf.compat.v1.summary.merge(ops)
        fw = tf.compat.v1.summary.FileWriter(str(root / "tf1"))
        with tf.compat.v1.Session() as sess:
            for step in range(TF_STEPS):
                feed = {x: tf_histogram_data(step), im: tf_image_batch(step), t: f"v1 {step}"}
                fw.add_summary(sess.run(merged, feed_dict=feed), step)
        fw.close()

    # hparams API: the experiment at the root, a session per trial, a metric in a "validation" sub-run.
    hp_root = root / "tf_hparams"
    trials = hparam_trials()
    with tf.summary.create_file_writer(str(hp_root)).as_default():
        hp_api.hparams_config(
            hparams=[
                hp_api.HParam("lr", hp_api.RealInterval(1e-5, 1.0)),
                hp_api.HParam("optimizer", hp_api.Discrete(["adam", "sgd"])),
                hp_api.HParam("layers", hp_api.IntInterval(1, 8)),
                hp_api.HParam("dropout_on", hp_api.Discrete([True, False])),
            ],
            metrics=[hp_api.Metric("accuracy"), hp_api.Metric("loss", group="validation")],
        )
    for i, (hparams, metrics) in enumerate(trials):
        with tf.summary.create_file_writer(str(hp_root / f"session{i}")).as_default():
            hp_api.hparams(hparams, trial_id=f"trial-{i}")
            for step in range(3):
                tf.summary.scalar("accuracy", metrics["accuracy"] * (step + 1) / 3, step=step)
        with tf.summary.create_file_writer(str(hp_root / f"session{i}" / "validation")).as_default():
            tf.summary.scalar("loss", metrics["loss"], step=2)


def write_tf(root: Path) -> None:
    """Every TensorFlow-written logdir under ``root`` (runs tf2, tf1, tf_hparams/...), in one subprocess."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([sys.executable, __file__, str(root)], check=True, env=env, capture_output=True, timeout=300)


if __name__ == "__main__":
    import sys

    tf_main(Path(sys.argv[1]))
