/**
 * Display downsampling: at most a few points per pixel column of the visible x-range, chosen so the picture is the
 * same as drawing every point. Each bucket keeps its first and last points (lines join up across buckets), its
 * minimum and maximum (spikes survive), and its first NaN, +Inf and -Inf (gaps and off-scale markers survive).
 */

/** First index with x[i] >= v in a non-decreasing array. */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with x[i] > v in a non-decreasing array. */
export function upperBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isSorted(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (!(x[i] >= x[i - 1])) return false;
  return true;
}

/**
 * Indices [lo, hi) of the points to consider for the x-range [x0, x1], one point beyond each side so lines run to
 * the plot's edges. Unsorted x (wall time across restarts) takes everything.
 */
export function visibleSpan(x: ArrayLike<number>, x0: number, x1: number, sorted: boolean): [number, number] {
  if (!sorted || !(x1 >= x0)) return [0, x.length];
  const lo = Math.max(0, lowerBound(x, x0) - 1);
  const hi = Math.min(x.length, upperBound(x, x1) + 1);
  return [lo, hi];
}

const NONE = -1;

/**
 * Indices of the points of [lo, hi) to draw with `buckets` pixel columns. Buckets split the x-range evenly when x
 * is sorted, else the index range. Returns every index when there are few enough points.
 */
export function minMaxIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  lo: number,
  hi: number,
  buckets: number,
  sorted = true,
): Uint32Array {
  const n = hi - lo;
  buckets = Math.max(1, Math.floor(buckets));
  if (n <= buckets * 4) {
    const all = new Uint32Array(Math.max(0, n));
    for (let i = 0; i < n; i++) all[i] = lo + i;
    return all;
  }
  const xmin = x[lo];
  const xmax = x[hi - 1];
  const byX = sorted && xmax > xmin;
  const scale = byX ? buckets / (xmax - xmin) : buckets / n;
  const out = new Uint32Array(buckets * 7);
  let count = 0;
  const picks = [0, 0, 0, 0, 0, 0, 0];
  let bucket = -1;
  let first = NONE;
  let last = NONE;
  let minI = NONE;
  let maxI = NONE;
  let nanI = NONE;
  let posI = NONE;
  let negI = NONE;
  const flush = (): void => {
    if (first === NONE) return;
    picks[0] = first;
    picks[1] = minI;
    picks[2] = maxI;
    picks[3] = nanI;
    picks[4] = posI;
    picks[5] = negI;
    picks[6] = last;
    // the bucket's picks in index order, each once
    let prev = -1;
    for (;;) {
      let best = NONE;
      for (const p of picks) if (p !== NONE && p > prev && (best === NONE || p < best)) best = p;
      if (best === NONE) break;
      out[count++] = best;
      prev = best;
    }
  };
  let minV = Infinity;
  let maxV = -Infinity;
  for (let i = lo; i < hi; i++) {
    let b = byX ? Math.floor((x[i] - xmin) * scale) : Math.floor((i - lo) * scale);
    if (b >= buckets) b = buckets - 1;
    if (b !== bucket) {
      flush();
      bucket = b;
      first = i;
      minI = maxI = nanI = posI = negI = NONE;
      minV = Infinity;
      maxV = -Infinity;
    }
    last = i;
    const v = y[i];
    if (v - v === 0) {
      // finite (the common case)
      if (v < minV) {
        minV = v;
        minI = i;
      }
      if (v > maxV) {
        maxV = v;
        maxI = i;
      }
    } else if (v === Infinity) {
      if (posI === NONE) posI = i;
    } else if (v === -Infinity) {
      if (negI === NONE) negI = i;
    } else if (nanI === NONE) nanI = i;
  }
  flush();
  return out.slice(0, count);
}
