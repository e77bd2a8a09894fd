"""Runs of a log directory, read incrementally, merged and purged as TensorBoard's ``EventAccumulator`` does.

Per run (a directory holding ``*tfevents*`` files, named by its path relative to the logdir, ``.`` for the logdir
itself), files are read in file-name order; each ``reload()`` reads only the bytes added since the last one.
Restarts are handled as ``EventAccumulator._MaybePurgeOrphanedData`` does:

* file_version >= 2 (every current writer): a ``SessionLog.START`` event at step ``s`` drops the scalars,
  histograms and images read before it whose step is >= ``s`` (a writer's ``purge_step``). Tensor data (text,
  tensor-encoded scalars) is not purged, as in ``EventAccumulator``;
* no or older file_version: an event with a summary whose step is below the most recent step drops, for the tags in
  that event only, the earlier points with step >= its step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _events as ev
from . import _plugins as _pl
from . import _records as rec
from . import _storage as _st

_MIN_TEMPLATE_GROUP: Final = 8  # records of one length below this go to the general decoder
_MAX_TEMPLATES: Final = 256  # per length group
# Files are read in windows of this size: numpy's gathers stay in cache, memory stays bounded on huge files.
_WINDOW: Final = 8 << 20


# ---------------------------------------------------------------------------------------------------------- results


class ScalarSeries(NamedTuple):
    step: npt.NDArray[np.int64]
    wall_time: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]


class ImageEvent(NamedTuple):
    step: int
    wall_time: float
    width: int
    height: int
    encoded: bytes  # the encoded image (PNG from every current writer)
    sample: int = 0  # index of the image within its step (TF2 ``tf.summary.image`` with max_outputs > 1)


class TextEvent(NamedTuple):
    step: int
    wall_time: float
    text: str  # the elements of the string tensor, joined with newlines


class TensorEvent(NamedTuple):
    step: int
    wall_time: float
    value: npt.NDArray[Any]


class PrCurveEvent(NamedTuple):
    """One PR curve (one step), as TensorBoard's PR-curve dashboard shows it.

    ``thresholds`` is ``linspace(0, 1, num_thresholds)``; all arrays are cut after the last threshold with
    TP + FP > 0 (TensorBoard drops the trailing thresholds where precision is undefined).
    """

    step: int
    wall_time: float
    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    thresholds: npt.NDArray[np.float64]
    tp: npt.NDArray[np.float64]
    fp: npt.NDArray[np.float64]
    tn: npt.NDArray[np.float64]
    fn: npt.NDArray[np.float64]
    num_thresholds: int = 0


class HParams(NamedTuple):
    """The hyperparameters of one session (a run with ``session_start_info``) and its metrics' last values.

    ``metrics`` maps a metric name to the last scalar value of that tag: the metrics are those of the
    experiment summary (``metric_infos``; a metric with a group is looked up in run ``<run>/<group>`` and named
    ``<group>/<tag>``), or, without an experiment, every scalar tag of the run (TensorBoard's own inference).
    """

    hparams: dict[str, str | float | bool]
    metrics: dict[str, float]
    group_name: str = ""
    start_time: float = 0.0
    status: str = ""  # "success" | "failure" | "running" | "unknown" | "" (no session_end_info)


@dataclass
class HistogramSeries:
    """One histogram per step: the raw ``HistogramProto`` fields and TensorBoard's bucket edges and counts."""

    step: npt.NDArray[np.int64]
    wall_time: npt.NDArray[np.float64]
    min: npt.NDArray[np.float64]
    max: npt.NDArray[np.float64]
    num: npt.NDArray[np.float64]
    sum: npt.NDArray[np.float64]
    sum_squares: npt.NDArray[np.float64]
    bucket_limit: list[npt.NDArray[np.float64]]
    bucket: list[npt.NDArray[np.float64]]
    # TF2 histograms (plugin "histograms"): the [k, 3] (left, right, count) tensor as written; None for a
    # HistogramProto. For those, min/max are the outer edges, num the total count, sum and sum_squares NaN.
    tensor: list[npt.NDArray[np.float64] | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.step)

    def buckets(self, i: int) -> npt.NDArray[np.float64]:
        """The ``[k, 3]`` (left, right, count) buckets of histogram ``i``, as TensorBoard's histogram plugin has them.

        A TF2 tensor as written; a HistogramProto migrated as ``data_compat._migrate_histogram_value`` does:
        empty buckets at both ends dropped, the outer edges replaced by the histogram's min and max.
        """
        t = self.tensor[i] if i < len(self.tensor) else None
        if t is not None:
            return t
        counts = self.bucket[i]
        nz = np.flatnonzero(counts > 0)
        if len(nz) == 0:
            return np.zeros((0, 3))
        start, end = int(nz[0]), int(nz[-1])
        inner = self.bucket_limit[i][start:end]
        lefts = np.concatenate([[self.min[i]], inner])
        rights = np.concatenate([inner, [self.max[i]]])
        return np.stack([lefts, rights, counts[start : end + 1]], axis=1)

    def edges_counts(self, i: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Bucket edges (k + 1) and counts (k) of histogram ``i``, as TensorBoard draws them (see :meth:`buckets`)."""
        b = self.buckets(i)
        if len(b) == 0:
            return np.zeros(0), np.zeros(0)
        return np.concatenate([b[:, 0], b[-1:, 1]]), b[:, 2].copy()


# ---------------------------------------------------------------------------------------------------------- storage


class _Columns:
    """Growable columns (seq, step, wall, value, from_tensor) with amortised O(1) appends."""

    __slots__ = ("n", "seq", "step", "tensor", "value", "wall")

    def __init__(self) -> None:
        self.n = 0
        self.seq = np.zeros(0, dtype=np.int64)
        self.step = np.zeros(0, dtype=np.int64)
        self.wall = np.zeros(0, dtype=np.float64)
        self.value = np.zeros(0, dtype=np.float64)
        self.tensor = np.zeros(0, dtype=bool)

    def append(self, seq: Any, step: Any, wall: Any, value: Any, tensor: Any) -> None:
        k = len(seq)
        need = self.n + k
        if need > len(self.seq):
            cap = max(need, 2 * len(self.seq), 64)
            for name in ("seq", "step", "wall", "value", "tensor"):
                old = getattr(self, name)
                new = np.empty(cap, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        sl = slice(self.n, need)
        self.seq[sl] = seq
        self.step[sl] = step
        self.wall[sl] = wall
        self.value[sl] = value
        self.tensor[sl] = tensor
        self.n = need

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        for name in ("seq", "step", "wall", "value", "tensor"):
            setattr(self, name, getattr(self, name)[: self.n][mask])
        self.n = int(mask.sum())


class _Item(NamedTuple):
    seq: int
    step: int
    wall: float
    payload: Any


@dataclass
class _FileState:
    offset: int = 0
    size: int = 0
    records: int = 0
    corrupt: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Run:
    name: str
    files: dict[str, _FileState] = field(default_factory=dict)
    seq: int = 0
    file_version: float | None = None
    most_recent_step: int = -1
    plugin: dict[str, str] = field(default_factory=dict)  # tag -> plugin_name of its first metadata
    scalars: dict[str, _Columns] = field(default_factory=dict)
    histograms: dict[str, list[_Item]] = field(default_factory=dict)
    images: dict[str, list[_Item]] = field(default_factory=dict)
    tensors: dict[str, list[_Item]] = field(default_factory=dict)  # non-scalar tensors (text, other plugins)
    hparams: list[tuple[int, _pl.HParamsRecord]] = field(default_factory=list)  # (seq, record)

    def purge(self, seq: int, step: int, tags: set[str] | None) -> None:
        """EventAccumulator._Purge: drop scalars, histograms, images read before ``seq`` with step >= ``step``."""
        for tag, col in self.scalars.items():
            if tags is not None and tag not in tags:
                continue
            n = col.n
            drop = (col.seq[:n] < seq) & (col.step[:n] >= step) & ~col.tensor[:n]
            if drop.any():
                col.keep(~drop)
        for store in (self.histograms, self.images):
            for tag, items in store.items():
                if tags is not None and tag not in tags:
                    continue
                store[tag] = [it for it in items if not (it.seq < seq and it.step >= step)]


def _file_version(text: str) -> float:
    """event_util.ParseFileVersion."""
    try:
        return float(text.split("brain.Event:")[-1])
    except ValueError:
        return -1.0


# ---------------------------------------------------------------------------------------------------------- decoding


class _Chunk:
    """The records of one read of one file, decoded: template-matched scalars at once, the others one by one."""

    def __init__(self, run: _Run, data: bytes, framing: rec.Framing, verify: bool, file_offset: int = 0) -> None:
        self.run = run
        self.file_offset = file_offset
        self.data = data
        self.buf = np.frombuffer(data, dtype=np.uint8)
        self.u64 = rec.unaligned(self.buf, "<u8")
        self.f64 = self.u64.view("<f8")
        self.f32 = rec.unaligned(self.buf, "<f4")
        self.starts = framing.starts
        self.lengths = framing.lengths
        self.corrupt = 0
        self.notes: list[str] = []
        n = len(self.starts)
        self.valid = np.ones(n, dtype=bool)
        self.verified = verify  # data CRCs: template-matched records in _match_group, the others in run_all
        self.bad_crc: list[npt.NDArray[np.int64]] = []
        self.step = np.zeros(n, dtype=np.int64)
        self.templated = np.zeros(n, dtype=bool)
        # tag -> list of (record index, step, wall, value, from_tensor) arrays
        self.points: dict[str, list[tuple[Any, Any, Any, Any, Any]]] = {}
        self.template_tags: dict[str, int] = {}  # tag -> index (the legacy purge needs each record's tag)
        self.template_tag_index = np.full(n, -1, dtype=np.int64)
        self._pending_plugin: list[tuple[int, str, str]] = []

    # -- fast path -------------------------------------------------------------------------------------------------

    def match_templates(self) -> None:
        lengths = self.lengths
        if len(lengths) == 0:
            return
        idx = np.flatnonzero(self.valid)
        order = idx[np.argsort(lengths[idx], kind="stable")]
        sl = lengths[order]
        cuts = np.flatnonzero(np.diff(sl)) + 1
        for group in np.split(order, cuts):
            if len(group) >= _MIN_TEMPLATE_GROUP:
                self._match_group(group, int(lengths[group[0]]))

    def _match_group(self, group: npt.NDArray[np.int64], length: int) -> None:
        """Decode at once the records of ``group`` (all ``length`` bytes) that share a one-scalar layout.

        The bytes that are not the wall time, step or value must equal those of a prototype record (same tag, same
        structure); records are compared as 8-byte words (the buffer is padded with 8 zero bytes).
        """
        nwords = (length + 7) // 8
        starts = self.starts[group]
        u64 = self.u64
        words = [u64[starts + 8 * j] for j in range(nwords)]
        done = np.zeros(len(group), dtype=bool)
        hashes: dict[bytes, npt.NDArray[np.uint64]] = {}
        pointer = 0
        tries = 0
        while tries < _MAX_TEMPLATES:
            if pointer < len(group) and done[pointer]:
                pointer += int(np.argmin(done[pointer:]))  # the first record not decoded yet
            if pointer >= len(group) or done[pointer]:
                break
            tries += 1
            proto = int(group[pointer])
            s = int(self.starts[proto])
            layout = ev.scalar_layout(self.data[s : s + length])
            if layout is None:
                done[pointer] = True  # the general decoder takes it
                continue
            var = np.zeros(nwords * 8, dtype=bool)
            var[length:] = True
            var[layout.wall_at : layout.wall_at + 8] = True
            if layout.step_at >= 0:
                var[layout.step_at : layout.step_at + layout.step_len] = True
            vsize = 4 if layout.value_dtype == "<f4" else 8
            var[layout.value_at : layout.value_at + vsize] = True
            mask = np.where(var, 0, 0xFF).astype(np.uint8).view("<u8")
            mkey = mask.tobytes()
            h = hashes.get(mkey)
            if h is None:
                h = np.zeros(len(group), dtype=np.uint64)
                with np.errstate(over="ignore"):
                    for j in range(nwords):
                        if mask[j]:
                            h = h * np.uint64(0x100000001B3) ^ (words[j] & mask[j])
                hashes[mkey] = h
            cand = np.flatnonzero((h == h[pointer]) & ~done)
            ok = np.ones(len(cand), dtype=bool)
            for j in range(nwords):
                if mask[j]:
                    ok &= (words[j][cand] & mask[j]) == (words[j][pointer] & mask[j])
            at = starts[cand]
            sw = np.zeros(0, dtype=np.uint64)
            if layout.step_at >= 0:
                k = layout.step_len
                sw = u64[at + layout.step_at]
                high = (sw >> np.uint64(7)) & np.uint64(0x0101010101010101)  # continuation bits, one per byte
                want = np.uint64((1 << (8 * (k - 1))) - 1 & 0x0101010101010101)
                ok &= (high & np.uint64((1 << (8 * k)) - 1 if k < 8 else 0xFFFFFFFFFFFFFFFF)) == want
            if self.verified:  # a record with a bad data CRC is skipped, not decoded
                vpos = np.flatnonzero(var[:length])
                crc_ok = rec.template_crc_ok(self.buf, at, length, s, vpos)
                bad = cand[ok & ~crc_ok]
                done[bad] = True
                self.valid[group[bad]] = False
                self.bad_crc.append(group[bad])
                ok &= crc_ok
                if not ok.any():
                    continue
            if not ok.all():
                cand = cand[ok]
                at = at[ok]
                if layout.step_at >= 0:
                    sw = sw[ok]
            done[cand] = True
            recs = group[cand]
            wall = self.f64[at + layout.wall_at]
            value = (self.f32 if vsize == 4 else self.f64)[at + layout.value_at].astype(np.float64)
            step = np.zeros(len(cand), dtype=np.int64)
            if layout.step_at >= 0:
                for j in range(layout.step_len):
                    step |= ((sw >> np.uint64(8 * j)) & np.uint64(0x7F)).astype(np.int64) << (7 * j)
            self.step[recs] = step
            self.templated[recs] = True
            self.template_tag_index[recs] = self._tag_index(layout.tag)
            if layout.plugin and layout.tag not in self.run.plugin:
                # The first metadata of this tag may come in an earlier general record: settle it in order later.
                self._pending_plugin.append((int(recs[0]), layout.tag, layout.plugin))
            self.points.setdefault(layout.tag, []).append(
                (recs, step, wall, value, np.full(len(cand), layout.from_tensor))
            )

    def _tag_index(self, tag: str) -> int:
        return self.template_tags.setdefault(tag, len(self.template_tags))

    # -- general path and ordering -----------------------------------------------------------------------------

    def run_all(self) -> None:
        self.match_templates()
        run = self.run
        rest = np.flatnonzero(self.valid & ~self.templated)
        if self.verified:
            ok = rec.data_ok(self.buf, self.starts[rest], self.lengths[rest])
            self.bad_crc.append(rest[~ok])
            self.valid[rest[~ok]] = False
            rest = rest[ok]
            bad = np.sort(np.concatenate(self.bad_crc))
            if len(bad):
                self.corrupt += len(bad)
                where = ", ".join(str(self._byte(int(i))) for i in bad[:5])
                more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
                self.notes.append(f"{len(bad)} records with a bad data CRC skipped (at byte {where}{more})")
        decoded: list[tuple[int, ev.Event]] = []
        for i in rest.tolist():
            s = int(self.starts[i])
            raw = self.data[s : s + int(self.lengths[i])]
            try:
                e = ev.decode_event(raw)
            except ev.DecodeError as exc:
                self.corrupt += 1
                crc_ok = self.verified or bool(
                    rec.data_ok(self.buf, self.starts[i : i + 1], self.lengths[i : i + 1])[0]
                )
                why = "does not parse as an Event" if crc_ok else "has a bad data CRC"
                self.notes.append(f"record at byte {s - 12 + self.file_offset} {why} ({exc}); skipped")
                self.valid[i] = False
                continue
            self.step[i] = e.step
            decoded.append((i, e))

        # Metadata (first one per tag wins) in record order: general records and templated ones.
        firsts = [(i, v.tag, v.plugin) for i, e in decoded for v in e.values if v.plugin is not None]
        firsts += self._pending_plugin
        firsts.sort(key=lambda t: t[0])
        for _, tag, plugin in firsts:
            if tag not in run.plugin:
                run.plugin[tag] = plugin

        base = run.seq
        purges = self._purges(decoded)

        for i, e in decoded:
            seq = base + i
            for v in e.values:
                self._add_value(seq, e, v, i)

        for tag, parts in self.points.items():
            recs = np.concatenate([p[0] for p in parts])
            if len(parts) > 1:
                order = np.argsort(recs, kind="stable")
            else:
                order = None
            cols = [np.concatenate([p[j] for p in parts]) for j in range(1, 5)]
            if order is not None:
                recs = recs[order]
                cols = [c[order] for c in cols]
            col = run.scalars.get(tag)
            if col is None:
                col = run.scalars[tag] = _Columns()
            col.append(recs + base, cols[0], cols[1], cols[2], cols[3])

        for seq, step, tags in purges:
            run.purge(seq, step, tags)
        run.seq += len(self.starts)

    def _add_value(self, seq: int, e: ev.Event, v: ev.Value, i: int) -> None:
        run = self.run
        item = _Item(seq, e.step, e.wall_time, None)
        if v.kind == "simple_value":
            self._point(v.tag, i, e, float(v.payload), False)
        elif v.kind == "histo":
            run.histograms.setdefault(v.tag, []).append(item._replace(payload=v.payload))
        elif v.kind == "image":
            run.images.setdefault(v.tag, []).append(item._replace(payload=v.payload))
        elif v.plugin == "hparams" or (v.plugin is None and run.plugin.get(v.tag) == "hparams"):
            if v.plugin is None:
                return  # hparams data lives in the metadata, which every writer repeats
            try:
                run.hparams.append((seq, _pl.parse_hparams(v.content)))
            except _pl.PluginError as exc:
                self.notes.append(f"record at byte {self._byte(i)}, tag {v.tag!r}: {exc}; skipped")
        elif v.kind == "tensor":
            t: ev.Tensor = v.payload
            try:
                arr = t.to_numpy()
            except (ev.DecodeError, ValueError) as exc:
                self.notes.append(f"record at byte {self._byte(i)}, tag {v.tag!r}: tensor not read ({exc})")
                return
            if arr.size == 1 and arr.dtype.kind in "fiub":
                self._point(v.tag, i, e, float(arr.reshape(-1)[0]), True)
            else:
                run.tensors.setdefault(v.tag, []).append(item._replace(payload=arr))

    def _byte(self, i: int) -> int:
        return int(self.starts[i]) - 12 + self.file_offset

    def _point(self, tag: str, i: int, e: ev.Event, value: float, tensor: bool) -> None:
        self.points.setdefault(tag, []).append(
            (
                np.array([i], dtype=np.int64),
                np.array([e.step], dtype=np.int64),
                np.array([e.wall_time]),
                np.array([value]),
                np.array([tensor]),
            )
        )

    def _purges(self, decoded: list[tuple[int, ev.Event]]) -> list[tuple[int, int, set[str] | None]]:
        """The purges this chunk triggers, as (seq, step, tags or None), following EventAccumulator."""
        run = self.run
        base = run.seq
        out: list[tuple[int, int, set[str] | None]] = []
        versions = [(i, _file_version(e.file_version)) for i, e in decoded if e.what == "file_version"]
        valid = np.flatnonzero(self.valid)
        if len(valid) == 0:
            return out
        legacy = any(not (v and v >= 2) for _, v in versions)
        if not (run.file_version and run.file_version >= 2) and (not versions or versions[0][0] > valid[0]):
            legacy = True
        if not legacy:
            # Only SessionLog.START purges; most_recent_step is not touched under file_version >= 2.
            for i, e in decoded:
                if e.session_start:
                    out.append((base + i, e.step, None))
            if versions:
                run.file_version = versions[-1][1]
            return out
        # Legacy (or mixed) chunk: EventAccumulator's per-event loop.
        events = dict(decoded)
        tags_of_template = {i: t for t, i in self.template_tags.items()}
        for i in valid.tolist():
            cur = events.get(i)
            if cur is not None and cur.what == "file_version":
                run.file_version = _file_version(cur.file_version)
            step = int(self.step[i])
            if run.file_version and run.file_version >= 2:
                if cur is not None and cur.session_start:
                    out.append((base + i, step, None))
                continue
            has_summary = self.templated[i] or (cur is not None and cur.what == "summary")
            if step < run.most_recent_step and has_summary:
                if self.templated[i]:
                    tags = {tags_of_template[int(self.template_tag_index[i])]}
                else:
                    tags = {v.tag for v in cur.values} if cur is not None else set()
                out.append((base + i, step, tags))
            else:
                run.most_recent_step = step
        return out


# ---------------------------------------------------------------------------------------------------------- reader


class LogdirReader:
    """Reads a TensorBoard log directory incrementally: each :meth:`reload` reads only what was added since the last.

    ``path`` is a local directory or an fsspec URL (``s3://bucket/logs``, ``gs://...``, ``memory://...``; needs
    ``fsspec`` and the protocol's backend). A run is every directory holding ``*tfevents*`` files, named by its path
    relative to ``path`` (``.`` for ``path`` itself), as TensorBoard names them. ``verify=True`` checks every
    record's data CRC; otherwise only a record that fails to parse is checked (to say why it was skipped).

    After a reload, per run and tag:

    * ``scalars[run][tag]``: :class:`ScalarSeries` (numpy ``step``, ``wall_time``, ``value``) — TF1/torch
      ``simple_value`` and TF2 ``tf.summary.scalar`` tensors (plugin ``scalars``);
    * ``histograms[run][tag]``: :class:`HistogramSeries` — ``HistogramProto`` (torch, tensorboardX, TF1) and TF2
      ``[k, 3]`` tensors (plugin ``histograms``); ``.buckets(i)`` gives TensorBoard's (left, right, count) buckets;
    * ``images[run][tag]``: list of :class:`ImageEvent` (``Summary.Image`` and TF2 image tensors, one event per
      image of a step, numbered by ``sample``);
    * ``text[run][tag]``: list of :class:`TextEvent` (string tensors of plugin ``text``);
    * ``pr_curves[run][tag]``: list of :class:`PrCurveEvent` (plugin ``pr_curves``);
    * ``hparams[run]``: :class:`HParams` for each run holding a hparams session (``add_hparams`` of torch and
      tensorboardX, ``tensorboard.plugins.hparams.api``);
    * ``tensors[run][tag]``: every other tensor summary, list of :class:`TensorEvent`;
    * ``plugins[run][tag]``: the plugin name of each tag's first metadata;

    and ``runs``, ``corrupt_records`` (records skipped) and ``messages`` (what was skipped and why). A broken file,
    record or plugin payload is skipped with a message; it never stops the rest from being read.
    """

    def __init__(self, path: str | os.PathLike[str], verify: bool = False) -> None:
        self.path = os.fspath(path)
        self.verify = verify
        self._runs: dict[str, _Run] = {}
        self._messages: list[str] = []
        self._build_messages: list[str] = []
        self._storage: _st.Storage | None = None
        self.scalars: dict[str, dict[str, ScalarSeries]] = {}
        self.histograms: dict[str, dict[str, HistogramSeries]] = {}
        self.images: dict[str, dict[str, list[ImageEvent]]] = {}
        self.text: dict[str, dict[str, list[TextEvent]]] = {}
        self.tensors: dict[str, dict[str, list[TensorEvent]]] = {}
        self.pr_curves: dict[str, dict[str, list[PrCurveEvent]]] = {}
        self.hparams: dict[str, HParams] = {}
        self.plugins: dict[str, dict[str, str]] = {}

    @property
    def runs(self) -> list[str]:
        return sorted(self._runs)

    @property
    def corrupt_records(self) -> int:
        return sum(f.corrupt for r in self._runs.values() for f in r.files.values())

    @property
    def messages(self) -> list[str]:
        out = list(self._messages)
        for run in sorted(self._runs):
            for name, f in sorted(self._runs[run].files.items()):
                out.extend(f"{os.path.join(run, name) if run != '.' else name}: {n}" for n in f.notes)
        out.extend(self._build_messages)
        return out

    def reload(self) -> LogdirReader:
        self._messages = []
        found = self._discover()
        for name in list(self._runs):
            if name not in found:
                del self._runs[name]
        for name, files in sorted(found.items()):
            run = self._runs.get(name)
            if run is None:
                run = self._runs[name] = _Run(name)
            self._read_run(run, files)
        self._build()
        return self

    # -- discovery ---------------------------------------------------------------------------------------------

    def _discover(self) -> dict[str, list[_st.EventFile]]:
        if self._storage is None:
            try:
                self._storage = _st.open_storage(self.path)
            except _st.StorageError as exc:
                self._messages.append(str(exc))
                return {}
        found = self._storage.discover(self._messages)
        if not found and not self._messages:
            self._messages.append(f"no event files (*tfevents*) under {self.path!r} yet")
        return found

    # -- reading -----------------------------------------------------------------------------------------------

    def _read_run(self, run: _Run, files: list[_st.EventFile]) -> None:
        storage = self._storage
        assert storage is not None
        for f in files:
            state = run.files.get(f.name)
            if state is None:
                state = run.files[f.name] = _FileState()
            try:
                size = storage.size(f)
                if size < state.offset:
                    # Rewritten or truncated under us: read the whole run again.
                    self._messages.append(f"{f.path}: file shrank from {state.offset} to {size} bytes; run re-read")
                    fresh = _Run(run.name)
                    self._runs[run.name] = fresh
                    self._read_run(fresh, files)
                    return
            except Exception as err:  # OSError locally; remote backends raise their own types
                self._cannot_read(f.path, err)
                continue
            window = _WINDOW
            while state.offset < size:
                n = min(window, size - state.offset)
                try:
                    data = storage.read(f, state.offset, n)
                except Exception as err:  # as above
                    self._cannot_read(f.path, err)
                    break
                final = state.offset + len(data) >= size or len(data) < n
                try:
                    complete = self._read_chunk(run, state, data, final)
                except Exception as err:  # a bug must not cost the other files and runs: say so, skip the rest
                    state.notes.append(
                        f"internal error decoding from byte {state.offset} ({type(err).__name__}: {err}); "
                        f"rest of the file skipped — please report it"
                    )
                    state.offset = size
                    break
                if not complete:
                    window *= 2  # one record longer than the window, or corruption to see past
                elif final:
                    break
                else:
                    window = _WINDOW

    def _cannot_read(self, path: str, err: Exception) -> None:
        why = err.strerror if isinstance(err, OSError) and err.strerror else f"{type(err).__name__}: {err}"
        self._messages.append(f"cannot read {path}: {why}")

    def _read_chunk(self, run: _Run, state: _FileState, data: bytes, final: bool = True) -> bool:
        """Frame and decode ``data`` (the file from ``state.offset``); False (nothing done) when a window that is not
        the end of the file holds no complete record or ends in unresolved corruption: read a larger one."""
        padded = data + bytes(8)  # the fast path reads whole 8-byte words past a record's end
        buf = np.frombuffer(padded, dtype=np.uint8)[: len(data)]
        framing = rec.frame(buf, 0, state.offset)
        if not final and (framing.unresolved or len(framing.starts) == 0):
            return False
        state.corrupt += framing.corrupt
        state.notes.extend(framing.notes)
        chunk = _Chunk(run, padded, framing, self.verify, state.offset)
        chunk.run_all()
        state.corrupt += chunk.corrupt
        state.notes.extend(chunk.notes)
        state.records += len(framing.starts)
        state.offset += framing.resume
        state.size = state.offset
        if state.records == 0 and state.offset >= 64 and framing.corrupt:
            state.notes.append("no valid record found: not a TFRecord event file?")
        return True

    # -- results -----------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.scalars, self.histograms, self.images, self.text, self.tensors, self.plugins = {}, {}, {}, {}, {}, {}
        self.pr_curves, self.hparams = {}, {}
        notes: list[str] = []
        self._build_messages = notes
        for name, run in sorted(self._runs.items()):
            self.scalars[name] = _build_scalars(run)
            hists: dict[str, list[tuple[int, int, float, ev.Histogram | None, Any]]] = {}
            for tag, items in run.histograms.items():
                hists.setdefault(tag, []).extend((it.seq, it.step, it.wall, it.payload, None) for it in items)
            images: dict[str, list[tuple[int, ImageEvent]]] = {}
            for tag, items in run.images.items():
                images.setdefault(tag, []).extend(
                    (it.seq, ImageEvent(it.step, it.wall, it.payload.width, it.payload.height, it.payload.encoded))
                    for it in items
                )
            tx: dict[str, list[TextEvent]] = {}
            te: dict[str, list[TensorEvent]] = {}
            pr: dict[str, list[PrCurveEvent]] = {}
            for tag, items in sorted(run.tensors.items()):
                plugin = run.plugin.get(tag)
                for it in items:
                    try:
                        if plugin == "text":
                            tx.setdefault(tag, []).append(TextEvent(it.step, it.wall, _text(it.payload)))
                        elif plugin == "histograms":
                            hists.setdefault(tag, []).append(
                                (it.seq, it.step, it.wall, None, _pl.histogram_buckets(it.payload))
                            )
                        elif plugin == "images":
                            w, h, encoded = _pl.image_parts(it.payload)
                            images.setdefault(tag, []).extend(
                                (it.seq, ImageEvent(it.step, it.wall, w, h, e, k)) for k, e in enumerate(encoded)
                            )
                        elif plugin == "pr_curves":
                            pr.setdefault(tag, []).append(_pr_event(it))
                        else:
                            te.setdefault(tag, []).append(TensorEvent(it.step, it.wall, it.payload))
                    except _pl.PluginError as exc:
                        notes.append(f"{name}: tag {tag!r} at step {it.step}: {exc}; skipped")
            self.histograms[name] = {tag: _histogram_series(v) for tag, v in sorted(hists.items()) if v}
            self.images[name] = {
                tag: [e for _, e in sorted(v, key=lambda x: x[0])] for tag, v in sorted(images.items()) if v
            }
            self.text[name], self.tensors[name], self.pr_curves[name] = tx, te, pr
            self.plugins[name] = dict(run.plugin)
        self._build_hparams()

    def _build_hparams(self) -> None:
        experiments = {
            name: [r for _, r in run.hparams if r.kind == "experiment"] for name, run in sorted(self._runs.items())
        }
        everywhere = list(dict.fromkeys(m for exps in experiments.values() for e in exps for m in e.metrics))
        sessions = {name: [r for _, r in run.hparams if r.kind == "session_start"] for name, run in self._runs.items()}
        sessions = {k: v for k, v in sessions.items() if v}
        for name in sorted(sessions):
            start = sessions[name][-1]
            ends = [r for _, r in self._runs[name].hparams if r.kind == "session_end"]
            own = experiments.get(name) or []
            metrics: dict[str, float] = {}
            names = own[-1].metrics if own else everywhere
            if names:
                for group, tag in names:
                    series = self.scalars.get(_join(name, group), {}).get(tag)
                    if series is not None and len(series.value):
                        metrics[f"{group}/{tag}" if group else tag] = float(series.value[-1])
            else:  # no experiment summary: every scalar tag of the session's runs (TensorBoard infers the same)
                for other in sorted(self.scalars):
                    rel = _relative(other, name)
                    if rel is None or (rel and _inside_other_session(other, name, sessions)):
                        continue
                    for tag, series in sorted(self.scalars[other].items()):
                        if len(series.value):
                            metrics[f"{rel}/{tag}" if rel else tag] = float(series.value[-1])
            self.hparams[name] = HParams(
                dict(start.hparams), metrics, start.group_name, start.start_time, ends[-1].status if ends else ""
            )


def _join(run: str, group: str) -> str:
    if not group:
        return run
    return group if run == "." else f"{run}/{group}"


def _relative(run: str, session: str) -> str | None:
    """``run`` relative to ``session`` ("" for itself), None when it is not inside it."""
    if run == session:
        return ""
    if session == ".":
        return run
    return run[len(session) + 1 :] if run.startswith(session + "/") else None


def _inside_other_session(run: str, session: str, sessions: dict[str, Any]) -> bool:
    return any(s != session and _relative(s, session) and _relative(run, s) is not None for s in sessions)


def _build_scalars(run: _Run) -> dict[str, ScalarSeries]:
    sc: dict[str, ScalarSeries] = {}
    for tag, col in sorted(run.scalars.items()):
        n = col.n
        keep: Any = slice(0, n)
        tensor = col.tensor[:n]
        if tensor.any() and run.plugin.get(tag) != "scalars":
            keep = ~tensor
        if isinstance(keep, slice) or keep.any():
            sc[tag] = ScalarSeries(col.step[:n][keep], col.wall[:n][keep], col.value[:n][keep])
    return sc


def _histogram_series(items: list[tuple[int, int, float, ev.Histogram | None, Any]]) -> HistogramSeries:
    items = sorted(items, key=lambda x: x[0])
    cols: dict[str, list[float]] = {f: [] for f in ("min", "max", "num", "sum", "sum_squares")}
    limits: list[npt.NDArray[np.float64]] = []
    counts: list[npt.NDArray[np.float64]] = []
    tensors: list[npt.NDArray[np.float64] | None] = []
    for _, _, _, proto, buckets in items:
        if proto is not None:
            for f in cols:
                cols[f].append(getattr(proto, f))
            limits.append(proto.bucket_limit)
            counts.append(proto.bucket)
            tensors.append(None)
        else:
            b: npt.NDArray[np.float64] = buckets
            nan = float("nan")
            cols["min"].append(float(b[0, 0]) if len(b) else nan)
            cols["max"].append(float(b[-1, 1]) if len(b) else nan)
            cols["num"].append(float(b[:, 2].sum()))
            cols["sum"].append(nan)
            cols["sum_squares"].append(nan)
            limits.append(b[:, 1].copy())
            counts.append(b[:, 2].copy())
            tensors.append(b)
    return HistogramSeries(
        step=np.array([x[1] for x in items], dtype=np.int64),
        wall_time=np.array([x[2] for x in items], dtype=np.float64),
        **{f: np.array(v, dtype=np.float64) for f, v in cols.items()},
        bucket_limit=limits,
        bucket=counts,
        tensor=tensors,
    )


def _pr_event(it: _Item) -> PrCurveEvent:
    c = _pl.pr_curve(it.payload)
    return PrCurveEvent(
        it.step, it.wall, c.precision, c.recall, c.thresholds, c.tp, c.fp, c.tn, c.fn, int(it.payload.shape[1])
    )


def _text(arr: npt.NDArray[Any]) -> str:
    return "\n".join(
        x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in np.asarray(arr).reshape(-1)
    )


def read_logdir(path: str | os.PathLike[str], verify: bool = False) -> LogdirReader:
    """Read every run under ``path`` (a directory or an fsspec URL) once; ``.reload()`` reads what was added since."""
    return LogdirReader(path, verify=verify).reload()
