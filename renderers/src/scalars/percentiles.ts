/** TensorBoard's distribution percentiles, in basis points: ±0, 1, 1.5, 2, 3 standard deviations of a normal. */
export const DISTRIBUTION_BPS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/**
 * The values at `bps` (basis points) of one histogram, from its bucket edges (buckets + 1) and counts (buckets):
 * the cumulative count is interpolated linearly inside the bucket where it crosses each percentile, the way
 * TensorBoard compresses histograms for its distributions view. An empty histogram gives its edges' span.
 */
export function histogramPercentiles(
  edges: ArrayLike<number>,
  counts: ArrayLike<number>,
  bps: readonly number[] = DISTRIBUTION_BPS,
): number[] {
  const b = counts.length;
  const lo = edges[0];
  const hi = edges[b];
  let total = 0;
  for (let i = 0; i < b; i++) total += Math.max(0, counts[i]);
  if (!(total > 0)) return bps.map(() => (b ? lo : NaN));
  const out: number[] = [];
  let i = 0;
  let cum = 0; // cumulative weight (in basis points) at the right edge of bucket i - 1
  for (const bp of bps) {
    // the first bucket whose right-edge cumulative weight is strictly above bp
    let next = cum + (Math.max(0, counts[i] ?? 0) / total) * 10000;
    while (i < b && !(next > bp)) {
      cum = next;
      i++;
      next = cum + (Math.max(0, counts[i] ?? 0) / total) * 10000;
    }
    if (i >= b) {
      out.push(hi);
      continue;
    }
    const left = cum > 0 ? Math.max(edges[i], lo) : lo;
    const right = Math.min(edges[i + 1], hi);
    out.push(left + ((bp - cum) * (right - left)) / (next - cum));
  }
  return out;
}
