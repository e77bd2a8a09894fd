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
from . import _records as rec

_MIN_TEMPLATE_GROUP: Final = 8  # records of one length below this go to the general decoder
_MAX_TEMPLATES: Final = 256  # per length group


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
    encoded: bytes


class TextEvent(NamedTuple):
    step: int
    wall_time: float
    text: str  # the elements of the string tensor, joined with newlines


class TensorEvent(NamedTuple):
    step: int
    wall_time: float
    value: npt.NDArray[Any]


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

    def __len__(self) -> int:
        return len(self.step)

    def edges_counts(self, i: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Bucket edges (k + 1) and counts (k) of histogram ``i``, as TensorBoard draws them.

        Empty buckets at both ends are dropped; the outer edges are the histogram's min and max (TensorBoard's
        ``data_compat._migrate_histogram_value``).
        """
        counts = self.bucket[i]
        nz = np.flatnonzero(counts > 0)
        if len(nz) == 0:
            return np.zeros(0), np.zeros(0)
        start, end = int(nz[0]), int(nz[-1])
        inner = self.bucket_limit[i][start:end]
        edges = np.concatenate([[self.min[i]], inner, [self.max[i]]])
        return edges, counts[start : end + 1].copy()


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
        self.verified = verify
        if verify and n:
            self.valid = rec.data_ok(self.buf, self.starts, self.lengths)
            bad = np.flatnonzero(~self.valid)
            if len(bad):
                self.corrupt += len(bad)
                where = ", ".join(str(int(self.starts[i]) - 12 + file_offset) for i in bad[:5])
                more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
                self.notes.append(f"{len(bad)} records with a bad data CRC skipped (at byte {where}{more})")
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
            if layout.step_at >= 0:
                k = layout.step_len
                sw = u64[at + layout.step_at]
                high = (sw >> np.uint64(7)) & np.uint64(0x0101010101010101)  # continuation bits, one per byte
                want = np.uint64((1 << (8 * (k - 1))) - 1 & 0x0101010101010101)
                ok &= (high & np.uint64((1 << (8 * k)) - 1 if k < 8 else 0xFFFFFFFFFFFFFFFF)) == want
            cand = cand[ok]
            at = at[ok]
            done[cand] = True
            recs = group[cand]
            wall = self.f64[at + layout.wall_at]
            value = (self.f32 if vsize == 4 else self.f64)[at + layout.value_at].astype(np.float64)
            step = np.zeros(len(cand), dtype=np.int64)
            if layout.step_at >= 0:
                sw = u64[at + layout.step_at]
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
        elif v.kind == "tensor":
            t: ev.Tensor = v.payload
            try:
                arr = t.to_numpy()
            except (ev.DecodeError, ValueError):
                return
            if arr.size == 1 and arr.dtype.kind in "fiub":
                self._point(v.tag, i, e, float(arr.reshape(-1)[0]), True)
            else:
                run.tensors.setdefault(v.tag, []).append(item._replace(payload=arr))

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


def _is_event_file(name: str) -> bool:
    """io_wrapper.IsSummaryEventsFile."""
    return "tfevents" in name and not name.endswith(".profile-empty")


class LogdirReader:
    """Reads a log directory incrementally: each :meth:`reload` reads only what was added since the last one.

    After a reload: ``scalars[run][tag]`` (:class:`ScalarSeries`), ``histograms[run][tag]``
    (:class:`HistogramSeries`), ``images[run][tag]`` (list of :class:`ImageEvent`), ``text[run][tag]`` (list of
    :class:`TextEvent`), ``tensors[run][tag]`` (other tensor summaries, list of :class:`TensorEvent`),
    ``corrupt_records`` and ``messages``.
    """

    def __init__(self, path: str | os.PathLike[str], verify: bool = False) -> None:
        self.path = os.fspath(path)
        self.verify = verify
        self._runs: dict[str, _Run] = {}
        self._messages: list[str] = []
        self.scalars: dict[str, dict[str, ScalarSeries]] = {}
        self.histograms: dict[str, dict[str, HistogramSeries]] = {}
        self.images: dict[str, dict[str, list[ImageEvent]]] = {}
        self.text: dict[str, dict[str, list[TextEvent]]] = {}
        self.tensors: dict[str, dict[str, list[TensorEvent]]] = {}
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

    def _discover(self) -> dict[str, list[str]]:
        root = self.path
        if not os.path.exists(root):
            self._messages.append(f"log directory {root!r} does not exist (yet)")
            return {}
        if not os.path.isdir(root):
            self._messages.append(f"{root!r} is not a directory")
            return {}
        found: dict[str, list[str]] = {}

        def onerror(err: OSError) -> None:
            self._messages.append(f"cannot list {err.filename!r}: {err.strerror}")

        for dirpath, _dirs, filenames in os.walk(root, onerror=onerror):
            names = sorted(f for f in filenames if _is_event_file(f))
            if names:
                run = os.path.relpath(dirpath, root)
                found[run] = [os.path.join(dirpath, f) for f in names]
        if not found:
            self._messages.append(f"no event files (*tfevents*) under {root!r} yet")
        return found

    # -- reading -----------------------------------------------------------------------------------------------

    def _read_run(self, run: _Run, paths: list[str]) -> None:
        for path in paths:
            name = os.path.basename(path)
            state = run.files.get(name)
            if state is None:
                state = run.files[name] = _FileState()
            try:
                size = os.path.getsize(path)
                if size < state.offset:
                    # Rewritten or truncated under us: read the whole run again.
                    self._messages.append(f"{path}: file shrank from {state.offset} to {size} bytes; run re-read")
                    fresh = _Run(run.name)
                    self._runs[run.name] = fresh
                    self._read_run(fresh, paths)
                    return
                if size == state.offset:
                    continue
                with open(path, "rb") as f:
                    f.seek(state.offset)
                    data = f.read(size - state.offset)
            except OSError as err:
                self._messages.append(f"cannot read {path}: {err.strerror or err}")
                continue
            self._read_chunk(run, state, data)

    def _read_chunk(self, run: _Run, state: _FileState, data: bytes) -> None:
        padded = data + bytes(8)  # the fast path reads whole 8-byte words past a record's end
        buf = np.frombuffer(padded, dtype=np.uint8)[: len(data)]
        framing = rec.frame(buf, 0, state.offset)
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

    # -- results -----------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.scalars, self.histograms, self.images, self.text, self.tensors, self.plugins = {}, {}, {}, {}, {}, {}
        for name, run in sorted(self._runs.items()):
            sc: dict[str, ScalarSeries] = {}
            for tag, col in sorted(run.scalars.items()):
                n = col.n
                keep: Any = slice(0, n)
                tensor = col.tensor[:n]
                if tensor.any() and run.plugin.get(tag) != "scalars":
                    keep = ~tensor
                elif run.plugin.get(tag) == "scalars":
                    keep = slice(0, n)
                if isinstance(keep, slice) or keep.any():
                    sc[tag] = ScalarSeries(col.step[:n][keep], col.wall[:n][keep], col.value[:n][keep])
            hs: dict[str, HistogramSeries] = {}
            for tag, items in sorted(run.histograms.items()):
                if not items:
                    continue
                hp: list[ev.Histogram] = [it.payload for it in items]

                def hcol(f: str, hp: list[ev.Histogram] = hp) -> npt.NDArray[np.float64]:
                    return np.array([getattr(h, f) for h in hp], dtype=np.float64)

                hs[tag] = HistogramSeries(
                    step=np.array([it.step for it in items], dtype=np.int64),
                    wall_time=np.array([it.wall for it in items], dtype=np.float64),
                    min=hcol("min"),
                    max=hcol("max"),
                    num=hcol("num"),
                    sum=hcol("sum"),
                    sum_squares=hcol("sum_squares"),
                    bucket_limit=[h.bucket_limit for h in hp],
                    bucket=[h.bucket for h in hp],
                )
            im = {
                tag: [ImageEvent(it.step, it.wall, it.payload.width, it.payload.height, it.payload.encoded) for it in v]
                for tag, v in sorted(run.images.items())
                if v
            }
            tx: dict[str, list[TextEvent]] = {}
            te: dict[str, list[TensorEvent]] = {}
            for tag, items in sorted(run.tensors.items()):
                if run.plugin.get(tag) == "text":
                    tx[tag] = [TextEvent(it.step, it.wall, _text(it.payload)) for it in items]
                else:
                    te[tag] = [TensorEvent(it.step, it.wall, it.payload) for it in items]
            self.scalars[name], self.histograms[name], self.images[name] = sc, hs, im
            self.text[name], self.tensors[name], self.plugins[name] = tx, te, dict(run.plugin)


def _text(arr: npt.NDArray[Any]) -> str:
    return "\n".join(
        x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in np.asarray(arr).reshape(-1)
    )


def read_logdir(path: str | os.PathLike[str], verify: bool = False) -> LogdirReader:
    """Read every run under ``path`` once; call ``.reload()`` on the result to read what was added since."""
    return LogdirReader(path, verify=verify).reload()
