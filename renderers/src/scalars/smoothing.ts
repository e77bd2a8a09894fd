/**
 * TensorBoard's scalar smoothing: an exponential moving average started at 0 and debiased by the weight of the
 * finite points seen so far, so the first smoothed value equals the first value.
 *   last = last * w + (1 - w) * v;  smoothed = last / (1 - w^k)   (k = finite points so far)
 * Non-finite values (NaN, ±Inf) pass through unchanged and do not enter the average; a constant series stays
 * exactly constant (no rounding wobble). w = 0 gives the raw values.
 */
export function smooth(values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  let constant = true;
  for (let i = 1; i < n; i++) {
    // as in TensorBoard, NaN never equals anything, so a series holding NaN is not constant
    if (!(values[i] === values[0])) {
      constant = false;
      break;
    }
  }
  let last = 0;
  // w^k as a running product (Math.pow per point costs more than the rest of the loop); once it is below half an
  // ulp of 1 the debias factor is exactly 1
  let power = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (constant || !(v - v === 0)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    if (power > 1e-17) {
      power *= weight;
      out[i] = weight === 1 ? last : last / (1 - power);
    } else out[i] = last;
  }
  return out;
}
