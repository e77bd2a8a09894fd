"""A bounded snapshot of a run store (a :class:`~modelviz.logdir.LogdirReader` or a live log) as a scalars payload.

Whatever the store holds, the payload stays small: each scalar series is downsampled to ``max_points`` (fewer when
there are many series: all series share a point budget), histograms keep ~50 steps per tag rebinned to 30 buckets,
images the last 10 per tag, text the last 20 per tag, PR curves their last step; every part has a byte budget and
what is left out is said in a message. The JSON text of a snapshot stays under ~3 MB.
"""

from __future__ import annotations

import base64
import colorsys
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .._mime import PAYLOAD_VERSION
from .._tensor import encode
from ._downsample import downsample

# Budgets (counted in points or bytes of base64 text).
SCALAR_POINT_BUDGET: Final = 60_000  # all series together; ~32 bytes of JSON per point (step, wall time, value)
MIN_POINTS_PER_SERIES: Final = 64
MAX_SERIES: Final = 1_000
HISTOGRAM_STEPS: Final = 50
HISTOGRAM_BUCKETS: Final = 30
HISTOGRAM_BUDGET: Final = 400_000
IMAGES_PER_TAG: Final = 10
IMAGE_BUDGET: Final = 600_000
TEXT_PER_TAG: Final = 20
TEXT_CHARS: Final = 4_000
TEXT_BUDGET: Final = 200_000
PR_BUDGET: Final = 200_000
MAX_MESSAGES: Final = 20

# TensorBoard-like run colours; runs past the palette get evenly spread hues.
PALETTE: Final = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


class RunColors:
    """Stable colours: a run keeps the colour it got first, whatever runs appear or vanish later."""

    def __init__(self) -> None:
        self._given: dict[str, str] = {}

    def __call__(self, run: str) -> str:
        color = self._given.get(run)
        if color is None:
            i = len(self._given)
            if i < len(PALETTE):
                color = PALETTE[i]
            else:
                r, g, b = colorsys.hls_to_rgb((i * 0.618033988749895) % 1.0, 0.45, 0.65)
                color = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
            self._given[run] = color
        return color


@dataclass
class Options:
    title: str | None = None
    logdir: str | None = None
    runs: re.Pattern[str] | None = None
    tags: re.Pattern[str] | None = None
    smoothing: float = 0.6
    max_points: int = 2000
    colors: RunColors = field(default_factory=RunColors)
    # The store's "not there yet" notes are left out (the dashboard says it is watching in its own words).
    hide_pending: bool = False


def compile_filter(pattern: str | re.Pattern[str] | None, what: str) -> re.Pattern[str] | None:
    """A regular expression from the user, or a clear error naming the option."""
    if pattern is None or isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError(f"{what} {pattern!r} is not a valid regular expression: {e}") from None


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _message(level: str, text: str) -> dict[str, str]:
    return {"level": level, "text": text}


def _b64_len(nbytes: int) -> int:
    return 4 * ((nbytes + 2) // 3)


_MAGIC: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_mime(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def rebin(
    edges: npt.NDArray[np.float64], counts: npt.NDArray[np.float64], k: int = HISTOGRAM_BUCKETS
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Counts spread onto ``k`` equal buckets between the outer edges (each bucket's count spread evenly over it)."""
    edges = np.maximum.accumulate(np.asarray(edges, dtype=np.float64))
    counts = np.asarray(counts, dtype=np.float64)
    if len(counts) == 0 or len(edges) != len(counts) + 1 or not np.isfinite(edges).all():
        return np.linspace(0.0, 1.0, k + 1), np.zeros(k)
    lo, hi = float(edges[0]), float(edges[-1])
    if hi <= lo:  # every value the same: one bucket around it holds all
        width = max(abs(lo) * 1e-3, 1e-3)
        new_edges = np.linspace(lo - width / 2, lo + width / 2, k + 1)
        new_counts = np.zeros(k)
        new_counts[k // 2] = counts.sum()
        return new_edges, new_counts
    new_edges = np.linspace(lo, hi, k + 1)
    cum = np.concatenate([[0.0], np.cumsum(counts)])
    return new_edges, np.diff(np.interp(new_edges, edges, cum))


def _even(n: int, k: int) -> npt.NDArray[np.int64]:
    """At most ``k`` indices of range(n), evenly spread, always with the last."""
    if n <= k:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.round(np.linspace(0, n - 1, k)).astype(np.int64))


class Snapshot:
    """Builds one payload; ``messages`` collects what was left out and why."""

    def __init__(self, store: Any, opts: Options) -> None:
        self.store = store
        self.opts = opts
        self.messages: list[dict[str, str]] = []

    def _runs(self) -> list[str]:
        names = list(getattr(self.store, "runs", []) or [])
        for extra in getattr(self.store, "hparams", {}) or {}:
            if extra not in names:
                names.append(extra)
        pattern = self.opts.runs
        return [r for r in names if pattern is None or pattern.search(r)]

    def _tag_ok(self, tag: str) -> bool:
        return self.opts.tags is None or self.opts.tags.search(tag) is not None

    def _per_run(self, attr: str, runs: list[str]) -> Iterable[tuple[int, str, Any]]:
        store: Mapping[str, Mapping[str, Any]] = getattr(self.store, attr, {}) or {}
        for i, run in enumerate(runs):
            for tag, data in sorted((store.get(run) or {}).items()):
                if self._tag_ok(tag):
                    yield i, tag, data

    def build(self, live: bool, extra: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
        o = self.opts
        runs = self._runs()
        payload: dict[str, Any] = {"version": PAYLOAD_VERSION}
        if o.title is not None:
            payload["title"] = o.title
        if o.logdir is not None:
            payload["logdir"] = o.logdir
        payload["runs"] = [{"name": r, "color": o.colors(r)} for r in runs]
        payload["scalars"] = self._scalars(runs)
        payload["histograms"] = self._histograms(runs)
        payload["images"] = self._images(runs)
        payload["text"] = self._text(runs)
        pr = self._pr_curves(runs)
        if pr:
            payload["pr_curves"] = pr
        hp = self._hparams(runs)
        if hp is not None:
            payload["hparams"] = hp
        payload["options"] = {"smoothing": o.smoothing, "x_axis": "step"}
        payload["status"] = {
            "live": live,
            "updated": time.time(),
            "corrupt_records": int(getattr(self.store, "corrupt_records", 0) or 0),
        }
        if not payload["scalars"] and runs and (o.runs is not None or o.tags is not None):
            self.messages.append(_message("info", "no scalar series match the --runs/--tags filters"))
        elif not runs and (o.runs is not None and getattr(self.store, "runs", None)):
            self.messages.append(_message("info", f"no run matches --runs {o.runs.pattern!r}"))
        messages = [*extra, *self._store_messages(), *self.messages]
        if len(messages) > MAX_MESSAGES:
            hidden = len(messages) - MAX_MESSAGES + 1
            messages = [*messages[: MAX_MESSAGES - 1], _message("warning", f"… and {hidden} more messages")]
        payload["messages"] = messages
        return payload

    def _store_messages(self) -> list[dict[str, str]]:
        out = []
        for text in getattr(self.store, "messages", []) or []:
            benign = "yet" in text  # "does not exist (yet)", "no event files ... yet": we keep watching
            if benign and self.opts.hide_pending:
                continue
            out.append(_message("info" if benign else "warning", str(text)))
        return out

    # -- scalars -------------------------------------------------------------------------------------------------

    def _scalars(self, runs: list[str]) -> list[dict[str, Any]]:
        series = [(i, tag, s) for i, tag, s in self._per_run("scalars", runs) if len(s.step)]
        if len(series) > MAX_SERIES:
            self.messages.append(
                _message(
                    "warning",
                    f"{len(series)} scalar series; showing the first {MAX_SERIES} (narrow them with --runs/--tags)",
                )
            )
            series = series[:MAX_SERIES]
        per_series = self.opts.max_points
        if series:
            per_series = max(MIN_POINTS_PER_SERIES, min(per_series, SCALAR_POINT_BUDGET // len(series)))
        out = []
        for i, tag, s in series:
            step = np.asarray(s.step, dtype=np.int64)
            wall = np.asarray(s.wall_time, dtype=np.float64)
            value = np.asarray(s.value, dtype=np.float64)
            n = len(step)
            keep: Any = downsample(value, per_series) if n > per_series else slice(None)
            out.append(
                {
                    "run": i,
                    "tag": tag,
                    "step": encode(step[keep]),
                    "wall_time": encode(wall[keep]),
                    "value": encode(value[keep]),
                    "total_points": n,
                    "last": {
                        "step": int(step[-1]),
                        "wall_time": float(wall[-1]),
                        "value": _json_number(float(value[-1])),
                    },
                }
            )
        return out

    # -- histograms, images, text, PR curves -------------------------------------------------------------------

    def _histograms(self, runs: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        used = 0
        left_out = 0
        for i, tag, h in self._per_run("histograms", runs):
            n = len(h.step)
            if n == 0:
                continue
            pick = _even(n, HISTOGRAM_STEPS)
            k = len(pick)
            size = _b64_len(k * 8 * (2 * HISTOGRAM_BUCKETS + 3))
            if used + size > HISTOGRAM_BUDGET:
                left_out += 1
                continue
            used += size
            edges = np.empty((k, HISTOGRAM_BUCKETS + 1))
            counts = np.empty((k, HISTOGRAM_BUCKETS))
            for row, j in enumerate(pick.tolist()):
                e, c = h.edges_counts(j)
                edges[row], counts[row] = rebin(e, c)
            out.append(
                {
                    "run": i,
                    "tag": tag,
                    "step": encode(np.asarray(h.step, dtype=np.int64)[pick]),
                    "wall_time": encode(np.asarray(h.wall_time, dtype=np.float64)[pick]),
                    "edges": encode(edges),
                    "counts": encode(counts),
                }
            )
        if left_out:
            self.messages.append(_message("info", f"{left_out} histogram series left out to keep the output small"))
        return out

    def _images(self, runs: list[str]) -> list[dict[str, Any]]:
        candidates: list[tuple[int, str, Any]] = []
        unknown = 0
        for i, tag, events in self._per_run("images", runs):
            for e in list(events)[-IMAGES_PER_TAG:]:
                candidates.append((i, tag, e))
        # Newest first into the budget, then back in (run, tag, step) order.
        chosen: list[tuple[int, str, Any, str]] = []
        used = 0
        left_out = 0
        for i, tag, e in sorted(candidates, key=lambda c: -float(c[2].wall_time)):
            mime = image_mime(bytes(e.encoded[:16]))
            if mime is None:
                unknown += 1
                continue
            size = _b64_len(len(e.encoded))
            if used + size > IMAGE_BUDGET:
                left_out += 1
                continue
            used += size
            chosen.append((i, tag, e, mime))
        chosen.sort(key=lambda c: (c[0], c[1], int(c[2].step)))
        if unknown:
            self.messages.append(_message("warning", f"{unknown} images in an unknown format left out"))
        if left_out:
            self.messages.append(
                _message("info", f"{left_out} older or larger images left out to keep the output small")
            )
        return [
            {
                "run": i,
                "tag": tag,
                "step": int(e.step),
                "wall_time": float(e.wall_time),
                "mime": mime,
                "data": base64.b64encode(bytes(e.encoded)).decode("ascii"),
                "width": max(0, int(e.width)),
                "height": max(0, int(e.height)),
            }
            for i, tag, e, mime in chosen
        ]

    def _text(self, runs: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        used = 0
        left_out = 0
        for i, tag, events in self._per_run("text", runs):
            for e in list(events)[-TEXT_PER_TAG:]:
                text = str(e.text)
                if len(text) > TEXT_CHARS:
                    text = text[:TEXT_CHARS] + f"… ({len(e.text) - TEXT_CHARS} more characters)"
                if used + len(text) > TEXT_BUDGET:
                    left_out += 1
                    continue
                used += len(text)
                out.append({"run": i, "tag": tag, "step": int(e.step), "wall_time": float(e.wall_time), "text": text})
        if left_out:
            self.messages.append(_message("info", f"{left_out} text entries left out to keep the output small"))
        return out

    def _pr_curves(self, runs: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        used = 0
        left_out = 0
        for i, tag, events in self._per_run("pr_curves", runs):
            events = list(events)
            if not events:
                continue
            e = events[-1]
            arrays = {name: np.asarray(getattr(e, name, None), dtype=np.float64) for name in ("precision", "recall")}
            thresholds = getattr(e, "thresholds", None)
            size = sum(_b64_len(a.nbytes) for a in arrays.values())
            if used + size > PR_BUDGET:
                left_out += 1
                continue
            used += size
            item: dict[str, Any] = {"run": i, "tag": tag, "step": int(e.step)}
            item.update({name: encode(a.reshape(-1)) for name, a in arrays.items()})
            if thresholds is not None:
                item["thresholds"] = encode(np.asarray(thresholds, dtype=np.float64).reshape(-1))
            out.append(item)
        if left_out:
            self.messages.append(_message("info", f"{left_out} PR curves left out to keep the output small"))
        return out

    def _hparams(self, runs: list[str]) -> dict[str, Any] | None:
        table: Mapping[str, Any] = getattr(self.store, "hparams", {}) or {}
        rows = [(i, table[r]) for i, r in enumerate(runs) if r in table]
        if not rows:
            return None
        hnames: list[str] = []
        mnames: list[str] = []
        for _, hp in rows:
            for name in getattr(hp, "hparams", {}) or {}:
                if name not in hnames:
                    hnames.append(name)
            for name in getattr(hp, "metrics", {}) or {}:
                if name not in mnames:
                    mnames.append(name)
        columns = [{"name": n, "kind": "hparam"} for n in hnames] + [{"name": n, "kind": "metric"} for n in mnames]

        def cell(v: Any) -> str | float | bool | None:
            if v is None or isinstance(v, bool | str):
                return v
            try:
                f = float(v)
            except (TypeError, ValueError):
                return str(v)
            return _json_number(f)

        out_rows = []
        for i, hp in rows:
            h = getattr(hp, "hparams", {}) or {}
            m = getattr(hp, "metrics", {}) or {}
            out_rows.append({"run": i, "values": [cell(h.get(n)) for n in hnames] + [cell(m.get(n)) for n in mnames]})
        return {"columns": columns, "rows": out_rows}


def build_payload(store: Any, opts: Options, live: bool, extra: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    return Snapshot(store, opts).build(live, extra)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def approx_size(payload: Mapping[str, Any]) -> int:
    """Bytes of the payload's JSON, roughly (the packed data dominates): cheap enough to run on every update."""
    total = 2_000
    for s in payload.get("scalars", []):
        total += 200 + sum(len(s[k]["data"]) for k in ("step", "wall_time", "value") if k in s)
    for h in payload.get("histograms", []):
        total += 200 + sum(len(h[k]["data"]) for k in ("step", "wall_time", "edges", "counts") if k in h)
    total += sum(200 + len(i["data"]) for i in payload.get("images", []))
    total += sum(100 + len(t["text"]) for t in payload.get("text", []))
    total += sum(300 + len(c["precision"]["data"]) * 3 for c in payload.get("pr_curves", []))
    return total


def summary(payload: Mapping[str, Any], max_rows: int = 30) -> str:
    """text/plain: the title, runs and the last value of each series as a small table."""
    runs = [r["name"] for r in payload.get("runs", [])]
    scalars = payload.get("scalars", [])
    status = payload.get("status", {})
    head = payload.get("title") or (f"Runs in {payload['logdir']}" if payload.get("logdir") else "Live log")
    tags = {s["tag"] for s in scalars}
    state = "live" if status.get("live") else "stopped"
    lines = [f"{head}: {_plural(len(runs), 'run')}, {_plural(len(tags), 'scalar tag')} ({state})"]
    rows = []
    for s in scalars:
        last = s.get("last", {})
        v = last.get("value")
        rows.append((runs[s["run"]], s["tag"], f"{last.get('step', '')}", "nan/inf" if v is None else f"{v:.6g}"))
    if rows:
        shown = rows[:max_rows]
        titles = ("run", "tag", "step", "last")
        widths = [max([len(t)] + [len(r[c]) for r in shown]) for c, t in enumerate(titles)]
        lines.append("  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True)).rstrip())
        for r in shown:
            lines.append(
                "  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3].rjust(widths[3])])
            )
        if len(rows) > max_rows:
            lines.append(f"… and {len(rows) - max_rows} more series")
    for kind in ("histograms", "images", "text"):
        if payload.get(kind):
            lines.append(f"{kind}: {len(payload[kind])}")
    for m in payload.get("messages", []):
        lines.append(f"{m['level']}: {m['text']}")
    return "\n".join(lines)
