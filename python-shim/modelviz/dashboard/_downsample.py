"""Shape-preserving downsampling of one series: min and max per bucket, O(n), vectorised.

The points between the first and the last are cut into equal index ranges ("buckets"); each bucket keeps its
smallest and largest finite value (a spike up and a spike down both survive) and, when it holds any, its first NaN,
+Inf and -Inf. The first and last points are always kept, so the global min and max are kept too (each is the
extreme of its own bucket). The kept indices are returned in order, so x stays monotonic when it was.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

MIN_POINTS: Final = 8


def downsample(values: npt.ArrayLike, max_points: int) -> npt.NDArray[np.int64]:
    """Indices (sorted, unique) of at most ``max_points`` points of ``values`` that keep its shape."""
    y = np.asarray(values, dtype=np.float64).reshape(-1)
    n = len(y)
    max_points = max(int(max_points), MIN_POINTS)
    if n <= max_points:
        return np.arange(n, dtype=np.int64)
    interior = y[1:-1]
    budget = max_points - 2
    nan = np.isnan(interior)
    pinf = interior == np.inf
    ninf = interior == -np.inf
    specials = [mask for mask in (nan, pinf, ninf) if mask.any()]
    finite = ~(nan | pinf | ninf) if specials else None
    # Two kept per bucket (min, max), plus the first of each non-finite kind a bucket holds. Try the most buckets
    # first; when non-finite points push it over the budget, make room for them, and at worst assume every bucket
    # holds every kind (which always fits).
    first_try = budget // 2
    inner = _pick(interior, first_try, finite, specials)
    if len(inner) > budget:
        room = (budget - (len(inner) - 2 * first_try)) // 2
        if room >= 1:
            inner = _pick(interior, room, finite, specials)
        if len(inner) > budget:
            inner = _pick(interior, max(1, budget // (2 + len(specials))), finite, specials)
    return np.concatenate([[0], inner + 1, [n - 1]]).astype(np.int64)


def _pick(
    y: npt.NDArray[np.float64],
    buckets: int,
    finite: npt.NDArray[np.bool_] | None,
    specials: list[npt.NDArray[np.bool_]],
) -> npt.NDArray[np.int64]:
    m = len(y)
    buckets = min(buckets, m)
    starts = (np.arange(buckets, dtype=np.int64) * m) // buckets  # bucket b holds y[starts[b] : starts[b + 1]]
    ids = np.repeat(np.arange(buckets, dtype=np.int64), np.diff(np.append(starts, m)))
    if finite is None:
        hi, lo = np.maximum.reduceat(y, starts)[ids], np.minimum.reduceat(y, starts)[ids]
        keep = [_first_where(y == hi, ids), _first_where(y == lo, ids)]
    else:
        hi = np.maximum.reduceat(np.where(finite, y, -np.inf), starts)[ids]
        lo = np.minimum.reduceat(np.where(finite, y, np.inf), starts)[ids]
        keep = [_first_where((y == hi) & finite, ids), _first_where((y == lo) & finite, ids)]
        keep += [_first_where(mask, ids) for mask in specials]
    return np.unique(np.concatenate(keep))


def _first_where(hit: npt.NDArray[np.bool_], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The first index per bucket where ``hit`` (buckets without one give nothing)."""
    idx = np.flatnonzero(hit)
    if len(idx) == 0:
        return idx.astype(np.int64)
    b = ids[idx]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = b[1:] != b[:-1]
    return idx[first].astype(np.int64)
