// Per-class metrics from a confusion matrix, with scikit-learn's classification_report semantics (the kernel sends its
// exact report; the browser recomputes only when the user moves the threshold slider or compares two models).
import type { Averages, Summary, ThresholdTable } from './parse.js';

export type ZeroDivision = '0' | '1' | 'nan';

/** One entry per class; precision / recall / F1 are NaN where undefined (0 / 0). */
export interface ClassMetrics {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** true count (row sums) */
  support: Float64Array;
  /** predicted count (column sums) */
  predicted: Float64Array;
  /** the diagonal */
  tp: Float64Array;
}

export function perClass(values: Float64Array, n: number): ClassMetrics {
  const support = new Float64Array(n);
  const predicted = new Float64Array(n);
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = values[i * n + j];
      support[i] += v;
      predicted[j] += v;
    }
    tp[i] = values[i * n + i];
  }
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  const f1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    precision[i] = predicted[i] ? tp[i] / predicted[i] : NaN;
    recall[i] = support[i] ? tp[i] / support[i] : NaN;
    const d = support[i] + predicted[i];
    f1[i] = d ? (2 * tp[i]) / d : NaN;
  }
  return { precision, recall, f1, support, predicted, tp };
}

function zd(z: ZeroDivision): number {
  return z === '0' ? 0 : z === '1' ? 1 : NaN;
}

/** NaN (undefined) values replaced as scikit-learn's zero_division does, for display and averaging. */
export function withZeroDivision(m: ClassMetrics, z: ZeroDivision): ClassMetrics {
  const v = zd(z);
  const fix = (a: Float64Array): Float64Array => a.map((x) => (Number.isNaN(x) ? v : x));
  return { ...m, precision: fix(m.precision), recall: fix(m.recall), f1: fix(m.f1) };
}

/** scikit-learn's _nanaverage: NaNs ignored; all-NaN -> null; all-zero weights -> the plain mean. */
function average(a: Float64Array, keep: (i: number) => boolean, weights?: Float64Array): number | null {
  let sum = 0;
  let wsum = 0;
  let plain = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (!keep(i) || Number.isNaN(a[i])) continue;
    const w = weights ? weights[i] : 1;
    sum += a[i] * w;
    wsum += w;
    plain += a[i];
    count++;
  }
  if (count === 0) return null;
  return wsum > 0 ? sum / wsum : plain / count;
}

/**
 * Accuracy, macro and weighted averages as classification_report(output_dict=True) gives them. `skip`: the "other"
 * class of a reduced matrix, left out of the per-class averages (it still counts in accuracy).
 */
export function summarize(m: ClassMetrics, zeroDivision: ZeroDivision, skip?: number): Summary {
  const f = withZeroDivision(m, zeroDivision);
  const n = m.tp.length;
  const keep = (i: number): boolean => i !== skip;
  const avg = (w?: Float64Array): Averages => ({
    precision: average(f.precision, keep, w),
    recall: average(f.recall, keep, w),
    f1: average(f.f1, keep, w),
  });
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    total += m.support[i];
    correct += m.tp[i];
  }
  return {
    accuracy: total > 0 ? correct / total : null,
    macro: avg(),
    weighted: avg(m.support),
    classes: skip === undefined ? n : n - 1,
    zeroDivision,
  };
}

/**
 * The binary matrix when the positive class is predicted for score >= thresholds[i] (i === thresholds.length: above
 * every score, nothing predicted positive). Row totals come from the kernel's matrix `base`.
 */
export function matrixAtThreshold(t: ThresholdTable, base: Float64Array, i: number): Float64Array {
  const p = t.positive;
  const q = t.negative;
  const P = base[p * 2] + base[p * 2 + 1];
  const N = base[q * 2] + base[q * 2 + 1];
  const k = Math.max(0, Math.min(i, t.thresholds.length));
  const tp = k < t.thresholds.length ? t.tp[k] : 0;
  const fp = k < t.thresholds.length ? t.fp[k] : 0;
  const out = new Float64Array(4);
  out[p * 2 + p] = tp;
  out[p * 2 + q] = P - tp;
  out[q * 2 + p] = fp;
  out[q * 2 + q] = N - fp;
  return out;
}
