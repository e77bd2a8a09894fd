"""TFRecord framing: find the records of an event file, check their masked CRC32C (Castagnoli).

A record is ``u64 LE length | u32 masked crc32c(length bytes) | data | u32 masked crc32c(data)``, with
``mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2**32)``.

The record boundaries are found with a Python loop over the lengths only; the length CRCs of all records are then
checked at once with numpy (cheap: 8 bytes per record, as TensorBoard's Rust loader always does). Data CRCs are
checked only on request (``verify``) or for a record that fails to parse, vectorised over records of equal length.
``google_crc32c`` is used for single long records when it is installed; a pure-Python table is the fallback.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

_MASK_DELTA: Final = 0xA282EAD8
_U64: Final = struct.Struct("<Q")
_HEADER: Final = 12  # u64 length + u32 length crc
_FOOTER: Final = 4
# A length above this is taken for corruption rather than a record still being written.
MAX_RECORD: Final = 1 << 31


def _make_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE: Final = _make_table()
_NP_TABLE: Final = np.array(_TABLE, dtype=np.uint32)

try:  # optional compiled CRC32C (PyPI wheels); the pure fallback below gives the same numbers
    import google_crc32c as _gcrc

    def _crc32c_compiled(data: bytes) -> int:
        return int(_gcrc.value(bytes(data)))

    HAVE_COMPILED_CRC = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_COMPILED_CRC = False


def crc32c(data: bytes | memoryview) -> int:
    """CRC32C (Castagnoli) of ``data``."""
    if HAVE_COMPILED_CRC and len(data) > 64:
        return _crc32c_compiled(bytes(data))
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes | memoryview) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def _mask_np(crc: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    with np.errstate(over="ignore"):
        return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(_MASK_DELTA)


def masked_crc32c_rows(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """Masked CRC32C of every row of a 2-D uint8 array (all rows of the same length), vectorised over rows."""
    crc = np.full(rows.shape[0], 0xFFFFFFFF, dtype=np.uint32)
    table = _NP_TABLE
    eight = np.uint32(8)
    for j in range(rows.shape[1]):
        crc = table[(crc ^ rows[:, j]) & np.uint32(0xFF)] ^ (crc >> eight)
    return _mask_np(crc ^ np.uint32(0xFFFFFFFF))


def gather_rows(buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], length: int) -> npt.NDArray[np.uint8]:
    """``buf[s : s + length]`` for each start, as a 2-D array (one row per start)."""
    out: npt.NDArray[np.uint8] = buf[starts[:, None] + np.arange(length, dtype=np.int64)[None, :]]
    return out


def unaligned(buf: npt.NDArray[np.uint8], dtype: str) -> npt.NDArray[Any]:
    """A view whose element ``i`` is the ``dtype`` value starting at byte ``i`` of ``buf`` (for fancy indexing)."""
    size = np.dtype(dtype).itemsize
    n = max(len(buf) - size + 1, 0)
    return np.ndarray(shape=(n,), dtype=dtype, buffer=buf.data if n else np.zeros(size, np.uint8).data, strides=(1,))


def _u32_at(buf: npt.NDArray[np.uint8], pos: npt.NDArray[np.int64]) -> npt.NDArray[np.uint32]:
    return np.asarray(unaligned(buf, "<u4")[pos], dtype=np.uint32)


_SMALL_LENGTHS: Final = 1 << 16


def header_ok(buf: npt.NDArray[np.uint8], pos: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Whether the length CRC of the records starting at ``pos`` is right (``buf`` holds 12 bytes from each).

    The CRC of a length depends on the length only: when every length is small, the CRCs of the few lengths that
    occur are computed once and looked up (event files repeat a handful of lengths).
    """
    if len(pos) == 0:
        return np.zeros(0, dtype=bool)
    words = unaligned(buf, "<u8")[pos]
    if len(pos) >= 256 and int(words.max()) < _SMALL_LENGTHS:
        small = words.astype(np.int64)
        present = np.zeros(_SMALL_LENGTHS, dtype=bool)
        present[small] = True
        lengths = np.flatnonzero(present)
        if len(lengths) <= 4096:
            table = np.zeros(_SMALL_LENGTHS, dtype=np.uint32)
            table[lengths] = _crc_of_lengths(lengths.astype(np.uint64))
            return np.asarray(table[small] == _u32_at(buf, pos + 8))
    return np.asarray(_crc_of_lengths(words) == _u32_at(buf, pos + 8))


def _crc_of_lengths(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Masked CRC32C of the 8 little-endian bytes of each word."""
    crc = np.full(len(words), 0xFFFFFFFF, dtype=np.uint32)
    table = _NP_TABLE
    for j in range(8):
        b = ((words >> np.uint64(8 * j)) & np.uint64(0xFF)).astype(np.uint32)
        crc = table[(crc ^ b) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    return _mask_np(crc ^ np.uint32(0xFFFFFFFF))


def data_ok(buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> Any:
    """Whether the data CRC of each record (data at ``starts``, ``lengths`` bytes) is right."""
    ok = np.zeros(len(starts), dtype=bool)
    if len(starts) == 0:
        return ok
    order = np.argsort(lengths, kind="stable")
    sl = lengths[order]
    cuts = np.flatnonzero(np.diff(sl)) + 1
    for group in np.split(order, cuts):
        n = int(lengths[group[0]])
        if len(group) >= 8 and n <= 4096:
            crc = (
                masked_crc32c_rows(gather_rows(buf, starts[group], n))
                if n
                else _mask_np(np.zeros(len(group), dtype=np.uint32))
            )
            ok[group] = crc == _u32_at(buf, starts[group] + n)
        else:
            for i in group:
                s = int(starts[i])
                want = int(_u32_at(buf, np.array([s + n], dtype=np.int64))[0])
                ok[i] = masked_crc32c(buf[s : s + n].tobytes()) == want
    return ok


def _unmask_np(masked: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    with np.errstate(over="ignore"):
        rot = masked - np.uint32(_MASK_DELTA)
        return (rot >> np.uint32(17)) | (rot << np.uint32(15))


_BYTE_TABLES: dict[tuple[int, int], npt.NDArray[np.uint32]] = {}


def _byte_table(position: int, length: int) -> npt.NDArray[np.uint32]:
    """The linear part of CRC32C of a ``length``-byte message that is zero except for byte ``position``: one entry
    per value of that byte (state 0, no final xor: CRC32C is affine in the message bits)."""
    key = (position, length)
    t = _BYTE_TABLES.get(key)
    if t is None:
        t = _NP_TABLE.copy()  # after the byte itself, from state 0
        eight, low = np.uint32(8), np.uint32(0xFF)
        for _ in range(length - 1 - position):
            t = _NP_TABLE[t & low] ^ (t >> eight)
        if len(_BYTE_TABLES) > 4096:
            _BYTE_TABLES.clear()
        _BYTE_TABLES[key] = t
    return t


def template_crc_ok(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], length: int, proto: int, positions: npt.NDArray[Any]
) -> npt.NDArray[np.bool_]:
    """Whether the data CRC of each record is right, for records of ``length`` bytes that equal the record at
    ``proto`` except at ``positions``.

    CRC32C is affine: crc(m) = crc(m0) ^ L(m ^ m0), and L of a message that differs in a few bytes is the xor of one
    table entry per differing byte. So each record costs a lookup per variable byte (wall time, step, value: ~15),
    not a pass per byte of the record.
    """
    crc = np.full(len(starts), crc32c(buf[proto : proto + length].tobytes()), dtype=np.uint32)
    for p in positions.tolist():
        crc ^= _byte_table(p, length)[buf[starts + p] ^ buf[proto + p]]
    stored = np.asarray(unaligned(buf, "<u4")[starts + length], dtype=np.uint32)
    return np.asarray(crc == _unmask_np(stored))


@dataclass
class Framing:
    """Records found in ``buf[start:end]``: data offsets and lengths, where to resume, what was skipped."""

    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    resume: int
    corrupt: int = 0
    notes: list[str] = field(default_factory=list)
    unresolved: bool = False  # a bad header with no valid record after it (more bytes may resolve it)


def _resync(buf: npt.NDArray[np.uint8], pos: int, end: int) -> int:
    """The next offset after ``pos`` whose 12 bytes form a valid record header, or -1 if none yet."""
    chunk = 1 << 20
    p = pos + 1
    while p + _HEADER <= end:
        q = min(end - _HEADER + 1, p + chunk)
        cand = np.arange(p, q, dtype=np.int64)
        hit = np.flatnonzero(header_ok(buf, cand))
        if len(hit):
            return int(cand[hit[0]])
        p = q
    return -1


_SLOW: Final = 64
_MAX_PERIOD: Final = 64


def _period(history: list[int]) -> int:
    """The smallest period with which the last lengths repeat (0 if none up to _MAX_PERIOD)."""
    h = len(history)
    for p in range(1, min(_MAX_PERIOD, h // 2) + 1):
        if history[h - p :] == history[h - 2 * p : h - p]:
            return p
    return 0


def _speculate(
    u64: npt.NDArray[np.uint64],
    p: int,
    end: int,
    cycle: list[int],
    heads_parts: list[npt.NDArray[np.int64]],
    lens_parts: list[npt.NDArray[np.int64]],
) -> int:
    """Accept the records from ``p`` whose lengths follow ``cycle`` (repeated); return where the run stops.

    Each predicted start is a true start as long as all lengths before it were predicted right, so the accepted
    prefix is exactly what the record-by-record loop would find.
    """
    base = np.array(cycle, dtype=np.int64)
    k = 256
    while True:
        reps = -(-k // len(base))
        pred = np.tile(base, reps)[:k]
        stride = pred + (_HEADER + _FOOTER)
        ends = p + np.cumsum(stride)
        m = int(np.searchsorted(ends, end, side="right"))
        if m == 0:
            return p
        starts = ends[:m] - stride[:m]
        bad = np.flatnonzero(u64[starts] != pred[:m].astype(np.uint64))
        f = int(bad[0]) if len(bad) else m
        if f:
            heads_parts.append(starts[:f])
            lens_parts.append(pred[:f])
            p = int(ends[f - 1])
            shift = f % len(base)
            base = np.roll(base, -shift)
        if f < k:
            return p
        k = min(k * 4, 1 << 20)


def frame(buf: npt.NDArray[np.uint8], start: int, file_offset: int = 0) -> Framing:
    """Find the complete records in ``buf`` from ``start`` on.

    A record cut short by the end of ``buf`` is not consumed (``resume`` points at it, for a later read of a
    growing file). A record whose length CRC is wrong is skipped up to the next valid header and counted.
    """
    end = len(buf)
    raw = memoryview(buf.data).cast("B") if buf.flags.c_contiguous else memoryview(buf.tobytes())
    unpack = _U64.unpack_from
    starts_all: list[npt.NDArray[np.int64]] = []
    lengths_all: list[npt.NDArray[np.int64]] = []
    corrupt = 0
    notes: list[str] = []
    unresolved = False
    pos = start
    u64 = unaligned(buf, "<u8")
    while True:
        heads_parts: list[npt.NDArray[np.int64]] = []
        lens_parts: list[npt.NDArray[np.int64]] = []
        p = pos
        limit = end - _HEADER
        history: list[int] = []
        while p <= limit:
            # Slow: a Python loop over a few lengths.
            offs: list[int] = []
            lens: list[int] = []
            stopped = False
            for _ in range(_SLOW):
                if p > limit:
                    stopped = True
                    break
                n = unpack(raw, p)[0]
                q = p + _HEADER + n + _FOOTER
                if q > end or n > MAX_RECORD:
                    stopped = True
                    break
                offs.append(p)
                lens.append(n)
                p = q
            heads_parts.append(np.array(offs, dtype=np.int64))
            lens_parts.append(np.array(lens, dtype=np.int64))
            if stopped:
                break
            history = (history + lens)[-2 * _MAX_PERIOD :]
            # Fast: predict that the lengths repeat with a period, check the prediction at once.
            period = _period(history)
            if period:
                p = _speculate(u64, p, end, history[-period:], heads_parts, lens_parts)
                history = []
        heads = np.concatenate(heads_parts) if heads_parts else np.zeros(0, dtype=np.int64)
        lens_arr = np.concatenate(lens_parts) if lens_parts else np.zeros(0, dtype=np.int64)
        # The header that stopped the loop (if complete) is checked too: a corrupt huge length looks truncated.
        stop_ok = True
        if p <= limit:
            stop_ok = bool(header_ok(buf, np.array([p], dtype=np.int64))[0])
            if stop_ok and unpack(raw, p)[0] > MAX_RECORD:
                stop_ok = False
        ok = header_ok(buf, heads)
        bad = np.flatnonzero(~ok)
        if len(bad) == 0 and stop_ok:
            starts_all.append(heads + _HEADER)
            lengths_all.append(lens_arr)
            pos = p
            break
        first_bad = int(bad[0]) if len(bad) else len(heads)
        starts_all.append(heads[:first_bad] + _HEADER)
        lengths_all.append(lens_arr[:first_bad])
        bad_pos = int(heads[first_bad]) if first_bad < len(heads) else p
        corrupt += 1
        nxt = _resync(buf, bad_pos, end)
        if nxt < 0:
            # Nothing valid after it yet: keep the last bytes, which may start a header still being written.
            notes.append(f"bad record header at byte {bad_pos + file_offset}; no valid record after it")
            pos = max(bad_pos + 1, end - _HEADER + 1)
            unresolved = True
            break
        notes.append(f"bad record header at byte {bad_pos + file_offset}; skipped {nxt - bad_pos} bytes")
        pos = nxt
    starts = np.concatenate(starts_all) if starts_all else np.zeros(0, dtype=np.int64)
    lengths = np.concatenate(lengths_all) if lengths_all else np.zeros(0, dtype=np.int64)
    return Framing(starts, lengths, pos, corrupt, notes, unresolved)
