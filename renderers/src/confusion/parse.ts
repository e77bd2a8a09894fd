import type { ConfusionPayload } from '../generated/confusion.js';
import { PayloadError } from '../core/errors.js';
import { decodeTensor, isIntegerDType, toNumbers } from '../core/tensor.js';

export type Normalize = NonNullable<ConfusionPayload['normalize']>;

export interface Confusion {
  title?: string;
  labels: string[];
  n: number;
  /** Row-major [n * n]: rows are true classes, columns predicted. */
  values: Float64Array;
  integer: boolean;
  normalize: Normalize;
  axisTitles: { true: string; pred: string };
  total: number;
  accuracy: number | null;
}

export function parseConfusion(p: ConfusionPayload): Confusion {
  const n = p.labels.length;
  if (p.matrix.shape.length !== 2 || p.matrix.shape[0] !== n || p.matrix.shape[1] !== n) {
    throw new PayloadError(
      '/matrix/shape',
      `is [${p.matrix.shape.join(', ')}] but ${n} labels need [${n}, ${n}] (rows: true, columns: predicted)`,
    );
  }
  const matrix = decodeTensor(p.matrix, '/matrix');
  const values = toNumbers(matrix);
  let total = 0;
  let diagonal = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = values[i * n + j];
      if (!Number.isFinite(v)) total = NaN;
      else total += v;
      if (i === j) diagonal += v;
    }
  }
  return {
    title: p.title,
    labels: p.labels,
    n,
    values,
    integer: isIntegerDType(matrix.dtype),
    normalize: p.normalize ?? 'none',
    axisTitles: { true: p.axis_titles?.true ?? 'True class', pred: p.axis_titles?.pred ?? 'Predicted class' },
    total: p.total ?? total,
    accuracy: total > 0 ? diagonal / total : null,
  };
}

/** The matrix as shown for a normalisation; rows/columns/total that sum to zero stay zero. */
export function normalized(c: Confusion, mode: Normalize): Float64Array {
  const { n, values } = c;
  if (mode === 'none') return values;
  const out = new Float64Array(n * n);
  if (mode === 'all') {
    let sum = 0;
    for (const v of values) sum += v;
    for (let k = 0; k < n * n; k++) out[k] = sum ? values[k] / sum : 0;
    return out;
  }
  for (let a = 0; a < n; a++) {
    let sum = 0;
    for (let b = 0; b < n; b++) sum += mode === 'true' ? values[a * n + b] : values[b * n + a];
    for (let b = 0; b < n; b++) {
      const k = mode === 'true' ? a * n + b : b * n + a;
      out[k] = sum ? values[k] / sum : 0;
    }
  }
  return out;
}
