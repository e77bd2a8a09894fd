/** TensorBoard's distribution percentiles, in basis points: ±0, 1, 1.5, 2, 3 standard deviations of a normal. */
export const DISTRIBUTION_BPS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/**
 * The values at `bps` (basis points) of one histogram, from its bucket edges (buckets + 1) and counts (buckets):
 * the cumulative count is interpolated linearly inside the bucket where it crosses each percentile, as TensorBoard
 * compresses histograms for its distributions view. Unlike TensorBoard (whose first bucket starts at -DBL_MAX),
 * the edges here are explicit, so empty buckets at either end do not stretch the bands: 0 and 100 % are the outer
 * edges of the first and last non-empty buckets. An empty histogram gives its first edge.
 */
export function histogramPercentiles(
  edges: ArrayLike<number>,
  counts: ArrayLike<number>,
  bps: readonly number[] = DISTRIBUTION_BPS,
): number[] {
  const b = counts.length;
  const weight = (i: number): number => {
    const c = counts[i];
    return c > 0 && Number.isFinite(c) ? c : 0;
  };
  let total = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < b; i++) {
    const w = weight(i);
    if (w > 0) {
      total += w;
      if (first < 0) first = i;
      last = i;
    }
  }
  if (!(total > 0)) return bps.map(() => (b ? edges[0] : NaN));
  const out: number[] = [];
  let i = first;
  let cum = 0; // cumulative weight (basis points) up to the left edge of bucket i
  for (const bp of bps) {
    if (bp <= 0) {
      out.push(edges[first]);
      continue;
    }
    if (bp >= 10000) {
      out.push(edges[last + 1]);
      continue;
    }
    // the first bucket whose right-edge cumulative weight is above bp
    let next = cum + (weight(i) / total) * 10000;
    while (i < last && !(next > bp)) {
      cum = next;
      i++;
      next = cum + (weight(i) / total) * 10000;
    }
    out.push(edges[i] + ((bp - cum) * (edges[i + 1] - edges[i])) / (next - cum));
  }
  return out;
}
