"""Tensor benchmark, Python side: encode 1M float32 values to JSON text.

ours:   json.dumps(modelviz._tensor.encode(array)), i.e. our encoder plus the (cheap) dumps of its one-string dict,
        so that both sides end with the JSON text that a kernel would ship;
anchor: json.dumps(array.tolist()).
The values are the same float32 values as bench/tensor/data.mjs generates (same seed, same arithmetic).
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._common import line, load_average, modelviz_module, ratio, timed

N = 1_000_000
SEED = 20240601
WARMUP = 1
REPS = 7


def make_values(n: int, seed: int) -> npt.NDArray[np.float32]:
    """mulberry32 + Irwin-Hall, vectorised: bit for bit what makePayloads in data.mjs produces."""
    with np.errstate(over="ignore"):
        counter = np.arange(1, 4 * n + 1, dtype=np.uint64) * np.uint64(0x6D2B79F5) + np.uint64(seed)
        a = (counter & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        t = (a ^ (a >> np.uint32(15))) * (a | np.uint32(1))
        t = (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))) ^ t
        u = (t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0
    u = u.reshape(n, 4)
    return (((u[:, 0] + u[:, 1] + u[:, 2] + u[:, 3]) - 2.0) * np.sqrt(3.0)).astype(np.float32)


def time_both(ours: Callable[[], str], anchor: Callable[[], str]) -> tuple[list[float], list[float]]:
    """Warm up, then REPS rounds alternating which side goes first; per-round times in ms."""

    def one(f: Callable[[], str]) -> float:
        return timed(f, 1)[0] * 1000

    for _ in range(WARMUP):
        one(ours)
        one(anchor)
    t_ours: list[float] = []
    t_anchor: list[float] = []
    for i in range(REPS):
        if i % 2 == 0:
            t_ours.append(one(ours))
            t_anchor.append(one(anchor))
        else:
            t_anchor.append(one(anchor))
            t_ours.append(one(ours))
    return t_ours, t_anchor


def main() -> None:
    tensor = modelviz_module("modelviz._tensor")
    values = make_values(N, SEED)

    def ours() -> str:
        return json.dumps(tensor.encode(values))

    def anchor() -> str:
        return json.dumps(values.tolist())

    ours_text, anchor_text = ours(), anchor()
    payload: dict[str, Any] = json.loads(ours_text)
    if not np.array_equal(tensor.decode(payload), values) or not np.array_equal(
        np.asarray(json.loads(anchor_text), dtype=np.float32), values
    ):
        raise SystemExit("python: a round trip did not give the values back")
    ours_bytes, anchor_bytes = len(ours_text.encode()), len(anchor_text.encode())
    print(
        line(
            "tensor/size-python",
            f"{ours_bytes / 1e6:.2f} MB",
            f"anchor(json.dumps list) {anchor_bytes / 1e6:.2f} MB",
            ratio(ours_bytes, anchor_bytes, "smaller", "larger"),
            f"{ours_bytes} vs {anchor_bytes} bytes; dumps writes ', ' between numbers",
        )
    )

    t_ours, t_anchor = time_both(ours, anchor)
    mo, ma = statistics.median(t_ours), statistics.median(t_anchor)
    print(
        line(
            "tensor/encode-python",
            f"{mo:.1f} ms",
            f"anchor(json.dumps list) {ma:.1f} ms",
            ratio(mo, ma, "faster", "slower"),
            f"median of {REPS}; ours {min(t_ours):.1f}-{max(t_ours):.1f}, "
            f"anchor {min(t_anchor):.1f}-{max(t_anchor):.1f} ms",
        )
    )
    print(
        f"  (n={N} float32, seed {SEED}, {WARMUP} warm-up + {REPS} timed rounds; python {platform.python_version()}, "
        f"numpy {np.__version__}, modelviz from {Path(tensor.__file__).parent}; {load_average()})"
    )


if __name__ == "__main__":
    main()
