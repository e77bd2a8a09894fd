import type { ConfusionPayload, PackedTensor, ReportSummary } from '../generated/confusion.js';
import { PayloadError } from '../core/errors.js';
import { decodeTensor, isIntegerDType, toNumbers } from '../core/tensor.js';

export type Normalize = NonNullable<ConfusionPayload['normalize']>;

export interface Averages {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** The kernel's exact averages over every class (also those reduced into "other"). */
export interface Summary {
  accuracy: number | null;
  macro: Averages;
  weighted: Averages;
  classes: number | null;
  zeroDivision: '0' | '1' | 'nan';
}

export interface CurveSeries {
  name: string;
  /** Label index, or null for the micro / macro averages. */
  cls: number | null;
  auc: number | null;
  ap: number | null;
  /** Interleaved (fpr, tpr) points. */
  roc: Float32Array;
  /** Interleaved (recall, precision) points. */
  pr: Float32Array;
}

export interface ThresholdTable {
  positive: number;
  negative: number;
  /** The threshold the payload's matrix was computed at. */
  value: number;
  /** Strictly decreasing; tp[i] / fp[i] count positives / negatives with score >= thresholds[i]. */
  thresholds: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  binned: number | null;
}

export interface Samples {
  kind: 'image' | 'text' | 'id';
  row: Int32Array;
  col: Int32Array;
  /** Position of each item in the user's inputs. */
  index: Float64Array;
  /** Score of the predicted class per item, or null when no scores were given (NaN entries: none for that item). */
  score: Float32Array | null;
  text: string[] | null;
  /** base64 PNG per item ('' when not sent). */
  images: string[] | null;
  perCell: number | null;
  /** Items per cell (key row * n + col), in the order to show them. */
  byCell: Map<number, number[]>;
}

export interface Compare {
  name: string;
  /** Row-major [n * n], same labels as the main matrix. */
  values: Float64Array;
  summary: Summary | null;
}

export interface Confusion {
  title?: string;
  /** The model's name (shown when compared). */
  name: string;
  labels: string[];
  n: number;
  /** Row-major [n * n]: rows are true classes, columns predicted. */
  values: Float64Array;
  integer: boolean;
  normalize: Normalize;
  axisTitles: { true: string; pred: string };
  total: number;
  accuracy: number | null;
  summary: Summary | null;
  /** The kernel kept `kept` of `classes` classes; the last label is "other". */
  reduced: { classes: number; kept: number } | null;
  curves: { series: CurveSeries[]; thinned: number | null } | null;
  threshold: ThresholdTable | null;
  samples: Samples | null;
  compare: Compare | null;
  status: { live: boolean; batches: number | null } | null;
}

function squareValues(t: PackedTensor, n: number, path: string): { values: Float64Array; integer: boolean } {
  if (t.shape.length !== 2 || t.shape[0] !== n || t.shape[1] !== n) {
    throw new PayloadError(
      `${path}/shape`,
      `is [${t.shape.join(', ')}] but ${n} labels need [${n}, ${n}] (rows: true, columns: predicted)`,
    );
  }
  const decoded = decodeTensor(t, path);
  return { values: toNumbers(decoded), integer: isIntegerDType(decoded.dtype) };
}

function vector(t: PackedTensor, path: string, length?: number): Float64Array {
  if (t.shape.length !== 1 || (length !== undefined && t.shape[0] !== length)) {
    const want = length === undefined ? '[m]' : `[${length}]`;
    throw new PayloadError(`${path}/shape`, `is [${t.shape.join(', ')}] but must be ${want}`);
  }
  return toNumbers(decodeTensor(t, path));
}

function points(t: PackedTensor, path: string): Float32Array {
  if (t.shape.length !== 2 || t.shape[1] !== 2) {
    throw new PayloadError(`${path}/shape`, `is [${t.shape.join(', ')}] but a curve is [m, 2]`);
  }
  return Float32Array.from(toNumbers(decodeTensor(t, path)));
}

function checkIndex(i: number, n: number, path: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new PayloadError(path, `is ${i}, not a label index below ${n}`);
  return i;
}

function summaryOf(s: ReportSummary | undefined): Summary | null {
  if (!s) return null;
  return {
    accuracy: s.accuracy,
    macro: { ...s.macro },
    weighted: { ...s.weighted },
    classes: s.classes ?? null,
    zeroDivision: s.zero_division ?? '0',
  };
}

function parseThreshold(t: NonNullable<ConfusionPayload['threshold']>, n: number): ThresholdTable {
  if (n !== 2) throw new PayloadError('/threshold', `needs exactly 2 labels, the payload has ${n}`);
  const positive = checkIndex(t.positive, n, '/threshold/positive');
  const thresholds = vector(t.thresholds, '/threshold/thresholds');
  const m = thresholds.length;
  if (m === 0) throw new PayloadError('/threshold/thresholds', 'is empty');
  for (let i = 1; i < m; i++) {
    if (!(thresholds[i] < thresholds[i - 1])) {
      throw new PayloadError('/threshold/thresholds', `is not strictly decreasing at ${i}`);
    }
  }
  return {
    positive,
    negative: 1 - positive,
    value: t.value,
    thresholds,
    tp: vector(t.tp, '/threshold/tp', m),
    fp: vector(t.fp, '/threshold/fp', m),
    binned: t.binned ?? null,
  };
}

function parseSamples(s: NonNullable<ConfusionPayload['samples']>, n: number): Samples {
  const index = vector(s.index, '/samples/index');
  const k = index.length;
  const row = Int32Array.from(vector(s.row, '/samples/row', k));
  const col = Int32Array.from(vector(s.col, '/samples/col', k));
  const score = s.score ? Float32Array.from(vector(s.score, '/samples/score', k)) : null;
  for (const [name, list] of [
    ['text', s.text],
    ['images', s.images],
  ] as const) {
    if (list && list.length !== k) throw new PayloadError(`/samples/${name}`, `has ${list.length} items, not ${k}`);
  }
  const byCell = new Map<number, number[]>();
  for (let i = 0; i < k; i++) {
    const key = checkIndex(row[i], n, `/samples/row/${i}`) * n + checkIndex(col[i], n, `/samples/col/${i}`);
    const list = byCell.get(key);
    if (list) list.push(i);
    else byCell.set(key, [i]);
  }
  return {
    kind: s.kind,
    row,
    col,
    index,
    score,
    text: s.text ?? null,
    images: s.images ?? null,
    perCell: s.per_cell ?? null,
    byCell,
  };
}

export function parseConfusion(p: ConfusionPayload): Confusion {
  const n = p.labels.length;
  const { values, integer } = squareValues(p.matrix, n, '/matrix');
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
  const series: CurveSeries[] | undefined = p.curves?.series.map((c, i) => ({
    name: c.name,
    cls: c.class === undefined ? null : checkIndex(c.class, n, `/curves/series/${i}/class`),
    auc: c.auc ?? null,
    ap: c.ap ?? null,
    roc: points(c.roc, `/curves/series/${i}/roc`),
    pr: points(c.pr, `/curves/series/${i}/pr`),
  }));
  return {
    title: p.title,
    name: p.name ?? 'model',
    labels: p.labels,
    n,
    values,
    integer,
    normalize: p.normalize ?? 'none',
    axisTitles: { true: p.axis_titles?.true ?? 'True class', pred: p.axis_titles?.pred ?? 'Predicted class' },
    total: p.total ?? total,
    accuracy: total > 0 ? diagonal / total : null,
    summary: summaryOf(p.summary),
    reduced: p.reduced ? { ...p.reduced } : null,
    curves: series ? { series, thinned: p.curves?.thinned ?? null } : null,
    threshold: p.threshold ? parseThreshold(p.threshold, n) : null,
    samples: p.samples ? parseSamples(p.samples, n) : null,
    compare: p.compare
      ? {
          name: p.compare.name,
          values: squareValues(p.compare.matrix, n, '/compare/matrix').values,
          summary: summaryOf(p.compare.summary),
        }
      : null,
    status: p.status ? { live: p.status.live, batches: p.status.batches ?? null } : null,
  };
}

/** The matrix as shown for a normalisation; rows/columns/total that sum to zero stay zero. */
export function normalized(values: Float64Array, n: number, mode: Normalize): Float64Array {
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
