// The payload as the view uses it: decoded numbers, checked against each other past what the schema can say.
import type { PackedTensor, ScalarsPayload } from '../generated/scalars.js';
import { PayloadError } from '../core/errors.js';
import { decodeTensor, type Tensor } from '../core/tensor.js';

export type XAxis = 'step' | 'relative' | 'wall';

export interface Run {
  index: number;
  name: string;
  color: string;
}

export interface Series {
  run: number;
  tag: string;
  /** Sorted by step (ascending); wall and value follow the same order. */
  step: Float64Array;
  /** Seconds since the epoch, or null when the payload has none. */
  wall: Float64Array | null;
  value: Float64Array;
  /** Points the kernel holds (≥ the points here when it downsampled). */
  total: number;
}

export interface Histogram {
  run: number;
  tag: string;
  steps: Float64Array;
  wall: Float64Array | null;
  buckets: number;
  /** Row-major [steps, buckets + 1]. */
  edges: Float64Array;
  /** Row-major [steps, buckets]. */
  counts: Float64Array;
}

export const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMime = (typeof IMAGE_MIMES)[number];

export interface ImageEntry {
  run: number;
  tag: string;
  step: number;
  mime: ImageMime;
  data: string;
  width?: number;
  height?: number;
}

export interface TextEntry {
  run: number;
  tag: string;
  step: number;
  text: string;
}

export interface HParams {
  columns: { name: string; kind: 'hparam' | 'metric' }[];
  rows: { run: number; values: (string | number | boolean | null)[] }[];
}

export interface PrCurve {
  run: number;
  tag: string;
  step: number;
  precision: Float64Array;
  recall: Float64Array;
}

export interface Dashboard {
  title?: string;
  logdir?: string;
  runs: Run[];
  scalars: Series[];
  histograms: Histogram[];
  images: ImageEntry[];
  texts: TextEntry[];
  hparams: HParams | null;
  prCurves: PrCurve[];
  options: { smoothing: number; xAxis: XAxis; logY: boolean };
  status: { live: boolean; updated?: number; corruptRecords: number };
}

/** Tableau 10 (TensorBoard's run colours are of this family): distinct on white and on dark backgrounds. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/**
 * A tensor's values as float64. int64/uint64 are combined from their 32-bit halves (exact below 2^53), several
 * times faster than going through BigInt for the million-point series a static payload may carry.
 */
export function numbers(t: Tensor): Float64Array {
  const d = t.data;
  if (d instanceof Float64Array) return d;
  const out = new Float64Array(t.size);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const halves = new Uint32Array(d.buffer, d.byteOffset, t.size * 2);
    const signed = d instanceof BigInt64Array;
    for (let i = 0; i < t.size; i++) {
      const lo = halves[2 * i];
      const hi = halves[2 * i + 1];
      out[i] = (signed ? hi | 0 : hi) * 4294967296 + lo;
    }
    return out;
  }
  for (let i = 0; i < t.size; i++) out[i] = d[i];
  return out;
}

function decode(t: PackedTensor, path: string, rank?: number): { t: Tensor; v: Float64Array } {
  if (rank !== undefined && t.shape.length !== rank) {
    throw new PayloadError(`${path}/shape`, `is [${t.shape.join(', ')}] but must have ${rank} dimension(s)`);
  }
  const tensor = decodeTensor(t, path);
  return { t: tensor, v: numbers(tensor) };
}

function checkRun(run: number, runs: number, path: string): void {
  if (run >= runs) throw new PayloadError(`${path}/run`, `is ${run} but there are ${runs} runs`);
}

function sameLength(a: number, b: number, pathB: string, what: string, nameA: string): void {
  if (a !== b) throw new PayloadError(pathB, `has ${b} ${what} but ${nameA} has ${a}`);
}

/** Order of `keys` ascending (stable), or null when already non-decreasing (the usual case: no copy). */
function sortOrder(keys: Float64Array): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (!(keys[i] >= keys[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const idx = new Uint32Array(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => keys[a] - keys[b] || a - b);
  return idx;
}

function permute(a: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < order.length; i++) out[i] = a[order[i]];
  return out;
}

function parseSeries(p: ScalarsPayload, runs: number): Series[] {
  return (p.scalars ?? []).map((s, i) => {
    const path = `/scalars/${i}`;
    checkRun(s.run, runs, path);
    let step = decode(s.step, `${path}/step`, 1).v;
    let value = decode(s.value, `${path}/value`, 1).v;
    sameLength(step.length, value.length, `${path}/value`, 'points', 'step');
    let wall = s.wall_time ? decode(s.wall_time, `${path}/wall_time`, 1).v : null;
    if (wall) sameLength(step.length, wall.length, `${path}/wall_time`, 'points', 'step');
    for (let k = 0; k < step.length; k++) {
      if (!Number.isFinite(step[k])) throw new PayloadError(`${path}/step`, `holds a non-finite step at index ${k}`);
    }
    const order = sortOrder(step);
    if (order) {
      step = permute(step, order);
      value = permute(value, order);
      if (wall) wall = permute(wall, order);
    }
    // The exact last point is kept by the kernel whatever its downsampling: make sure it is the one drawn last.
    if (s.last && (step.length === 0 || s.last.step > step[step.length - 1])) {
      const append = (a: Float64Array, v: number): Float64Array => {
        const out = new Float64Array(a.length + 1);
        out.set(a);
        out[a.length] = v;
        return out;
      };
      step = append(step, s.last.step);
      value = append(value, s.last.value ?? NaN);
      if (wall) wall = append(wall, s.last.wall_time ?? NaN);
    }
    return { run: s.run, tag: s.tag, step, wall, value, total: Math.max(s.total_points ?? 0, value.length) };
  });
}

function parseHistograms(p: ScalarsPayload, runs: number): Histogram[] {
  return (p.histograms ?? []).map((h, i) => {
    const path = `/histograms/${i}`;
    checkRun(h.run, runs, path);
    const steps = decode(h.step, `${path}/step`, 1).v;
    const n = steps.length;
    const edges = decode(h.edges, `${path}/edges`, 2);
    const counts = decode(h.counts, `${path}/counts`, 2);
    const [es, eb] = edges.t.shape;
    const [cs, cb] = counts.t.shape;
    if (es !== n) throw new PayloadError(`${path}/edges/shape`, `has ${es} rows but there are ${n} steps`);
    if (cs !== n) throw new PayloadError(`${path}/counts/shape`, `has ${cs} rows but there are ${n} steps`);
    if (eb !== cb + 1) {
      throw new PayloadError(`${path}/edges/shape`, `has ${eb} edges per step but ${cb} buckets need ${cb + 1}`);
    }
    const wall = h.wall_time ? decode(h.wall_time, `${path}/wall_time`, 1).v : null;
    if (wall) sameLength(n, wall.length, `${path}/wall_time`, 'points', 'step');
    return { run: h.run, tag: h.tag, steps, wall, buckets: cb, edges: edges.v, counts: counts.v };
  });
}

export function parseScalars(p: ScalarsPayload): Dashboard {
  const runs: Run[] = p.runs.map((r, i) => ({ index: i, name: r.name, color: r.color ?? PALETTE[i % PALETTE.length] }));
  const n = runs.length;
  const images = (p.images ?? []).map((im, i): ImageEntry => {
    checkRun(im.run, n, `/images/${i}`);
    if (!(IMAGE_MIMES as readonly string[]).includes(im.mime)) {
      throw new PayloadError(`/images/${i}/mime`, `must be one of ${IMAGE_MIMES.join(', ')}`);
    }
    return {
      run: im.run,
      tag: im.tag,
      step: im.step,
      mime: im.mime,
      data: im.data,
      width: im.width,
      height: im.height,
    };
  });
  const texts = (p.text ?? []).map((t, i): TextEntry => {
    checkRun(t.run, n, `/text/${i}`);
    return { run: t.run, tag: t.tag, step: t.step, text: t.text };
  });
  let hparams: HParams | null = null;
  if (p.hparams) {
    const cols = p.hparams.columns.length;
    p.hparams.rows.forEach((r, i) => {
      checkRun(r.run, n, `/hparams/rows/${i}`);
      if (r.values.length !== cols) {
        throw new PayloadError(
          `/hparams/rows/${i}/values`,
          `has ${r.values.length} values but there are ${cols} columns`,
        );
      }
    });
    hparams = { columns: p.hparams.columns, rows: p.hparams.rows };
  }
  const prCurves = (p.pr_curves ?? []).map((c, i): PrCurve => {
    const path = `/pr_curves/${i}`;
    checkRun(c.run, n, path);
    const precision = decode(c.precision, `${path}/precision`, 1).v;
    const recall = decode(c.recall, `${path}/recall`, 1).v;
    sameLength(precision.length, recall.length, `${path}/recall`, 'values', 'precision');
    return { run: c.run, tag: c.tag, step: c.step, precision, recall };
  });
  return {
    title: p.title,
    logdir: p.logdir,
    runs,
    scalars: parseSeries(p, n),
    histograms: parseHistograms(p, n),
    images,
    texts,
    hparams,
    prCurves,
    options: {
      smoothing: p.options?.smoothing ?? 0.6,
      xAxis: p.options?.x_axis ?? 'step',
      logY: p.options?.log_y ?? false,
    },
    status: {
      live: p.status?.live ?? false,
      updated: p.status?.updated,
      corruptRecords: p.status?.corrupt_records ?? 0,
    },
  };
}

/** Tags in first-seen order, grouped by the part before the first '/' (TensorBoard's sections). */
export function groupTags(tags: string[]): { section: string; tags: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const tag of tags) {
    const slash = tag.indexOf('/');
    const section = slash > 0 ? tag.slice(0, slash) : tag;
    let list = groups.get(section);
    if (!list) groups.set(section, (list = []));
    if (!list.includes(tag)) list.push(tag);
  }
  return [...groups].map(([section, list]) => ({ section, tags: list }));
}

/** A user's regex filter: case-insensitive; text that is not a valid regex matches literally. */
export function makeFilter(text: string): (s: string) => boolean {
  const t = text.trim();
  if (!t) return () => true;
  try {
    const re = new RegExp(t, 'i');
    return (s) => re.test(s);
  } catch {
    const lower = t.toLowerCase();
    return (s) => s.toLowerCase().includes(lower);
  }
}
