// The explanation payload (1.0 and 1.1) as the model the views draw: images with their attribution maps, texts with
// one row of token attributions per output, tabular rows (values, feature values, base values), global importance.
// Shapes and indices are checked with JSON pointers; NaN / Inf attributions become 0 and are counted.
import type { ExplanationPayload, PackedTensor } from '../generated/explanation.js';
import { PayloadError } from '../core/errors.js';
import { decodeTensor, toNumbers } from '../core/tensor.js';

export interface ExplainedOutput {
  label: string;
  score: number | null;
  baseValue: number | null;
}

export interface AttributionMap {
  method: string;
  sample: number;
  output: number;
  h: number;
  w: number;
  values: Float32Array;
  score: number | null;
  delta: number | null;
  layer: string | null;
}

export interface ImageModel {
  n: number;
  h: number;
  w: number;
  c: 1 | 3;
  /** [n, h, w, c] */
  pixels: Uint8Array;
  maps: AttributionMap[];
}

export interface TextModel {
  texts: {
    tokens: string[];
    joins: boolean[];
    rows: { output: number; values: Float32Array; score: number | null }[];
    method: string | null;
  }[];
}

export interface TabularFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  categories: string[] | null;
}

export interface TabularModel {
  features: TabularFeature[];
  n: number;
  f: number;
  outputs: number;
  /** [outputs, n, f] */
  values: Float32Array;
  /** [n, f] */
  data: Float32Array | null;
  /** [outputs, n] */
  baseValues: Float32Array | null;
  rows: Float64Array | null;
  sampled: { total: number; kept: number } | null;
}

export interface ImportanceModel {
  names: string[];
  outputs: number;
  /** [outputs, f] */
  values: Float32Array;
}

export interface Explanation {
  modality: 'image' | 'text' | 'tabular';
  title: string | null;
  method: string | null;
  outputs: ExplainedOutput[];
  image: ImageModel | null;
  text: TextModel | null;
  tabular: TabularModel | null;
  importance: ImportanceModel | null;
  /** Attributions that were NaN or infinite, drawn as 0. */
  nonFinite: number;
}

class Counter {
  bad = 0;
  floats(t: PackedTensor, path: string): Float32Array {
    const v = Float32Array.from(toNumbers(decodeTensor(t, path)));
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        v[i] = 0;
        this.bad++;
      }
    }
    return v;
  }
}

function shapeIs(t: PackedTensor, want: number[], path: string, what: string): void {
  if (t.shape.length !== want.length || t.shape.some((d, i) => want[i] >= 0 && d !== want[i])) {
    const w = want.map((d) => (d < 0 ? '·' : String(d))).join(', ');
    throw new PayloadError(`${path}/shape`, `is [${t.shape.join(', ')}] but ${what} must be [${w}]`);
  }
}

function index(i: number, n: number, path: string, what: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new PayloadError(path, `is ${i}, not ${what} below ${n}`);
  return i;
}

function outputsOf(p: ExplanationPayload): ExplainedOutput[] {
  return (p.outputs ?? []).map((o) => ({ label: o.label, score: o.score ?? null, baseValue: o.base_value ?? null }));
}

function parseImages(p: ExplanationPayload, outputs: ExplainedOutput[], k: Counter): ImageModel {
  const t = p.images!;
  if (t.shape.length !== 4 || (t.shape[3] !== 1 && t.shape[3] !== 3)) {
    throw new PayloadError('/images/shape', `is [${t.shape.join(', ')}] but images must be [n, h, w, 1 or 3]`);
  }
  if (t.dtype !== 'uint8') throw new PayloadError('/images/dtype', `is ${t.dtype} but images must be uint8`);
  const [n, h, w, c] = t.shape;
  const pixels = decodeTensor(t, '/images').data as Uint8Array;
  const maps = (p.maps ?? []).map((m, i) => {
    const path = `/maps/${i}`;
    if (m.values.shape.length !== 2) {
      throw new PayloadError(`${path}/values/shape`, `is [${m.values.shape.join(', ')}] but a map must be [h, w]`);
    }
    return {
      method: m.method,
      sample: index(m.sample, n, `${path}/sample`, 'an image index'),
      output: index(m.output, outputs.length, `${path}/output`, 'an output index'),
      h: m.values.shape[0],
      w: m.values.shape[1],
      values: k.floats(m.values, `${path}/values`),
      score: m.score ?? null,
      delta: m.delta ?? null,
      layer: m.layer ?? null,
    };
  });
  return { n, h, w, c: c as 1 | 3, pixels, maps };
}

/** 1.0: one image [h, w, c] (uint8 or floats in [0, 1]) and attributions [h, w], [output, h, w] (c summed). */
function legacyImage(p: ExplanationPayload, outputs: ExplainedOutput[], k: Counter): ImageModel {
  const t = p.image!;
  if (t.shape.length !== 3) throw new PayloadError('/image/shape', `is [${t.shape.join(', ')}] but must be [h, w, c]`);
  const [h, w, c0] = t.shape;
  const src = toNumbers(decodeTensor(t, '/image'));
  const scale = t.dtype === 'uint8' ? 1 : 255;
  const c = c0 === 3 ? 3 : 1;
  const pixels = new Uint8Array(h * w * c);
  for (let i = 0; i < h * w; i++) {
    for (let j = 0; j < c; j++) pixels[i * c + j] = Math.max(0, Math.min(255, Math.round(src[i * c0 + j] * scale)));
  }
  const a = k.floats(p.attributions!, '/attributions');
  const layout = p.layout ?? [];
  const shape = p.attributions!.shape;
  const outs = layout[0] === 'output' ? shape[0] : 1;
  const per = a.length / outs;
  const maps: AttributionMap[] = [];
  for (let o = 0; o < outs; o++) {
    const values = new Float32Array(h * w);
    const chans = per / (h * w);
    if (!Number.isInteger(chans) || chans < 1) {
      throw new PayloadError('/attributions/shape', `[${shape.join(', ')}] does not fit a ${h}×${w} image`);
    }
    for (let i = 0; i < h * w; i++) for (let j = 0; j < chans; j++) values[i] += a[o * per + i * chans + j];
    maps.push({
      method: p.method ?? 'attribution',
      sample: 0,
      output: o,
      h,
      w,
      values,
      score: null,
      delta: null,
      layer: null,
    });
  }
  while (outputs.length < outs) outputs.push({ label: `output ${outputs.length}`, score: null, baseValue: null });
  return { n: 1, h, w, c, pixels, maps };
}

function parseTexts(p: ExplanationPayload, outputs: ExplainedOutput[], k: Counter): TextModel {
  if (p.texts) {
    return {
      texts: p.texts.map((t, i) => {
        const path = `/texts/${i}`;
        const rows = t.outputs.length;
        shapeIs(t.values, [rows, t.tokens.length], `${path}/values`, `${rows} outputs × ${t.tokens.length} tokens`);
        if (t.joins && t.joins.length !== t.tokens.length) {
          throw new PayloadError(`${path}/joins`, `has ${t.joins.length} entries for ${t.tokens.length} tokens`);
        }
        const v = k.floats(t.values, `${path}/values`);
        const m = t.tokens.length;
        return {
          tokens: t.tokens,
          joins: t.joins ?? t.tokens.map(() => false),
          rows: t.outputs.map((o, r) => ({
            output: index(o, outputs.length, `${path}/outputs/${r}`, 'an output index'),
            values: v.subarray(r * m, (r + 1) * m),
            score: t.scores?.[r] ?? null,
          })),
          method: t.method ?? null,
        };
      }),
    };
  }
  // 1.0: tokens + attributions [token] or [output, token]
  const tokens = p.tokens!;
  const a = k.floats(p.attributions!, '/attributions');
  const outs = a.length / tokens.length;
  if (!Number.isInteger(outs) || outs < 1) {
    throw new PayloadError(
      '/attributions/shape',
      `[${p.attributions!.shape.join(', ')}] does not fit ${tokens.length} tokens`,
    );
  }
  while (outputs.length < outs) outputs.push({ label: `output ${outputs.length}`, score: null, baseValue: null });
  return {
    texts: [
      {
        tokens,
        joins: tokens.map(() => false),
        rows: Array.from({ length: outs }, (_, o) => ({
          output: o,
          values: a.subarray(o * tokens.length, (o + 1) * tokens.length),
          score: outputs[o].score,
        })),
        method: p.method ?? null,
      },
    ],
  };
}

function parseTabular(p: ExplanationPayload, k: Counter): TabularModel {
  if (p.tabular) {
    const t = p.tabular;
    const f = t.features.length;
    const s = t.values.shape;
    if (!((s.length === 2 && s[1] === f) || (s.length === 3 && s[2] === f))) {
      throw new PayloadError(
        '/tabular/values/shape',
        `is [${s.join(', ')}] but ${f} features need [n, ${f}] or [outputs, n, ${f}]`,
      );
    }
    const outputs = s.length === 3 ? s[0] : 1;
    const n = s.length === 3 ? s[1] : s[0];
    if (t.data) shapeIs(t.data, [n, f], '/tabular/data', `${n} rows × ${f} features`);
    if (t.base_values && t.base_values.shape.reduce((a, b) => a * b, 1) !== outputs * n) {
      throw new PayloadError(
        '/tabular/base_values/shape',
        `is [${t.base_values.shape.join(', ')}] but must hold ${outputs} × ${n} values`,
      );
    }
    if (t.rows) shapeIs(t.rows, [n], '/tabular/rows', `${n} row positions`);
    return {
      features: t.features.map((x) => ({ name: x.name, kind: x.kind ?? 'numeric', categories: x.categories ?? null })),
      n,
      f,
      outputs,
      values: k.floats(t.values, '/tabular/values'),
      data: t.data ? Float32Array.from(toNumbers(decodeTensor(t.data, '/tabular/data'))) : null,
      baseValues: t.base_values ? k.floats(t.base_values, '/tabular/base_values') : null,
      rows: t.rows ? toNumbers(decodeTensor(t.rows, '/tabular/rows')) : null,
      sampled: t.sampled ? { ...t.sampled } : null,
    };
  }
  // 1.0: features (name, value) + attributions [feature] or [output, feature]: one row
  const feats = p.features!;
  const f = feats.length;
  const a = k.floats(p.attributions!, '/attributions');
  const outputs = a.length / f;
  if (!Number.isInteger(outputs) || outputs < 1) {
    throw new PayloadError('/attributions/shape', `[${p.attributions!.shape.join(', ')}] does not fit ${f} features`);
  }
  const data = new Float32Array(f);
  const features: TabularFeature[] = feats.map((x, j) => {
    if (typeof x.value === 'number') {
      data[j] = x.value;
      return { name: x.name, kind: 'numeric', categories: null };
    }
    data[j] = x.value === null || x.value === undefined ? NaN : 0;
    return {
      name: x.name,
      kind: 'categorical',
      categories: x.value === null || x.value === undefined ? [] : [String(x.value)],
    };
  });
  return { features, n: 1, f, outputs, values: a, data, baseValues: null, rows: null, sampled: null };
}

export function parseExplanation(p: ExplanationPayload): Explanation {
  const k = new Counter();
  const outputs = outputsOf(p);
  const out: Explanation = {
    modality: p.modality,
    title: p.title ?? null,
    method: p.method ?? null,
    outputs,
    image: null,
    text: null,
    tabular: null,
    importance: null,
    nonFinite: 0,
  };
  if (p.modality === 'image') {
    if (p.images) out.image = parseImages(p, outputs, k);
    else if (p.image && p.attributions) out.image = legacyImage(p, outputs, k);
    else throw new PayloadError('/images', 'is missing: an image explanation needs images and maps');
  } else if (p.modality === 'text') {
    if (!p.texts && !(p.tokens && p.attributions)) {
      throw new PayloadError('/texts', 'is missing: a text explanation needs texts (or tokens and attributions)');
    }
    out.text = parseTexts(p, outputs, k);
  } else {
    if (p.importance) {
      const f = p.importance.names.length;
      const v = k.floats(p.importance.values, '/importance/values');
      if (v.length % f !== 0 || v.length === 0) {
        throw new PayloadError(
          '/importance/values/shape',
          `is [${p.importance.values.shape.join(', ')}] for ${f} names`,
        );
      }
      out.importance = { names: p.importance.names, outputs: v.length / f, values: v };
    }
    if (p.tabular || (p.features && p.attributions)) out.tabular = parseTabular(p, k);
    if (!out.tabular && !out.importance) {
      throw new PayloadError('/tabular', 'is missing: a tabular explanation needs tabular (or importance)');
    }
  }
  if (out.outputs.length === 0) out.outputs.push({ label: 'output', score: null, baseValue: null });
  out.nonFinite = k.bad;
  return out;
}
