import type { ExplanationPayload } from '../../renderers/src/generated/explanation';
import { parseExplanation } from '../../renderers/src/explanation/parse';
import { sample, scaleOf, shownValue } from '../../renderers/src/explanation/image';
import { importance, interacting, ranked, waterfall } from '../../renderers/src/explanation/tabular';
import { tokenColor } from '../../renderers/src/explanation/text';
import { explanationCsv } from '../../renderers/src/explanation/view';
import { PayloadError } from '../../renderers/src/core/errors';

const f32 = (values: number[], shape: number[]) => ({
  dtype: 'float32' as const,
  shape,
  data: Buffer.from(new Float32Array(values).buffer).toString('base64'),
});
const u8 = (values: number[], shape: number[]) => ({
  dtype: 'uint8' as const,
  shape,
  data: Buffer.from(new Uint8Array(values)).toString('base64'),
});

function pointer(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PayloadError) return e.path;
    throw e;
  }
  throw new Error('no PayloadError');
}

const tabular: ExplanationPayload = {
  version: '1.1',
  modality: 'tabular',
  outputs: [{ label: 'y' }],
  tabular: {
    features: [{ name: 'a' }, { name: 'b' }, { name: 'c', kind: 'categorical', categories: ['x', 'y'] }],
    values: f32([1, -2, 0.5, -1, 4, 0], [2, 3]),
    data: f32([10, 20, 0, 11, 21, 1], [2, 3]),
    base_values: f32([5, 5], [2]),
  },
};

describe('explanation payloads', () => {
  it('parses the tabular section and checks its shapes', () => {
    const e = parseExplanation(tabular);
    expect(e.tabular!.n).toBe(2);
    expect(e.tabular!.f).toBe(3);
    expect(e.tabular!.outputs).toBe(1);
    expect(e.tabular!.features[2]).toEqual({ name: 'c', kind: 'categorical', categories: ['x', 'y'] });
    const bad = { ...tabular, tabular: { ...tabular.tabular!, data: f32([1, 2, 3], [1, 3]) } };
    expect(pointer(() => parseExplanation(bad))).toBe('/tabular/data/shape');
    const wrong = { ...tabular, tabular: { ...tabular.tabular!, values: f32([1, 2], [1, 2]) } };
    expect(pointer(() => parseExplanation(wrong))).toBe('/tabular/values/shape');
  });

  it('counts NaN / Inf attributions and draws them as 0', () => {
    const e = parseExplanation({
      ...tabular,
      tabular: { ...tabular.tabular!, values: f32([NaN, Infinity, 1, 2, 3, 4], [2, 3]) },
    });
    expect(e.nonFinite).toBe(2);
    expect(Array.from(e.tabular!.values.subarray(0, 2))).toEqual([0, 0]);
  });

  it('checks image maps against the images and the outputs', () => {
    const p: ExplanationPayload = {
      version: '1.1',
      modality: 'image',
      outputs: [{ label: 'cat', score: 0.9 }],
      images: u8(new Array(2 * 2 * 3).fill(128), [1, 2, 2, 3]),
      maps: [{ method: 'gradcam', sample: 0, output: 0, values: f32([0, 1, 2, 3], [2, 2]) }],
    };
    const e = parseExplanation(p);
    expect(e.image!.maps[0].h).toBe(2);
    expect(pointer(() => parseExplanation({ ...p, maps: [{ ...p.maps![0], sample: 1 }] }))).toBe('/maps/0/sample');
    expect(pointer(() => parseExplanation({ ...p, maps: [{ ...p.maps![0], output: 3 }] }))).toBe('/maps/0/output');
    expect(pointer(() => parseExplanation({ ...p, images: u8([1, 2], [1, 1, 1, 2]) }))).toBe('/images/shape');
    expect(pointer(() => parseExplanation({ version: '1.1', modality: 'image' }))).toBe('/images');
  });

  it('reads 1.0 token attributions as one text', () => {
    const e = parseExplanation({
      version: '1.0',
      modality: 'text',
      tokens: ['a', 'b'],
      attributions: f32([0.5, -0.5], [2]),
      layout: ['token'],
      outputs: [{ label: 'pos' }],
    });
    expect(e.text!.texts[0].rows[0].output).toBe(0);
    expect(Array.from(e.text!.texts[0].rows[0].values)).toEqual([0.5, -0.5]);
  });
});

describe('the views’ numbers', () => {
  it('modes, robust scale and bilinear sampling of a map', () => {
    expect([
      shownValue(-2, 'signed'),
      shownValue(-2, 'positive'),
      shownValue(-2, 'negative'),
      shownValue(-2, 'absolute'),
    ]).toEqual([-2, 0, 2, 2]);
    const values = new Float32Array(1000).fill(1);
    values[0] = 1000; // one hot pixel does not set the scale
    expect(scaleOf(values, 'signed')).toBe(1);
    const m = {
      method: 'x',
      sample: 0,
      output: 0,
      h: 2,
      w: 2,
      values: Float32Array.from([0, 1, 2, 3]),
      score: null,
      delta: null,
      layer: null,
    };
    expect(sample(m, 0.25, 0.25)).toBeCloseTo(0); // the top-left pixel's centre
    expect(sample(m, 0.5, 0.5)).toBeCloseTo(1.5); // between all four
    expect(sample(m, 0.75, 0.75)).toBeCloseTo(3);
  });

  it('importance, ranking and a waterfall that ends at the output', () => {
    const e = parseExplanation(tabular).tabular!;
    expect(Array.from(importance(e, 0))).toEqual([1, 3, 0.25]);
    expect(ranked(importance(e, 0))).toEqual([1, 0, 2]);
    const w = waterfall(e, 0, 1, 2);
    expect(w.base).toBe(5);
    expect(w.steps.map((s) => s.feature)).toEqual([1, 0, null]);
    expect(w.end).toBeCloseTo(5 - 1 + 4 + 0);
  });

  it('token colours: red for positive, blue for negative, pale near zero', () => {
    const [r1, , b1] = tokenColor(1, 1);
    const [r2, , b2] = tokenColor(-1, 1);
    const [r0, g0, b0] = tokenColor(0, 1);
    expect(r1).toBeGreaterThan(b1 + 100);
    expect(b2).toBeGreaterThan(r2 + 100);
    expect(Math.min(r0, g0, b0)).toBeGreaterThan(230);
  });

  it('CSV of tabular attributions, one row per data row', () => {
    const csv = explanationCsv(parseExplanation(tabular)).trim().split('\r\n');
    expect(csv[0]).toBe('output,row,a,b,c');
    expect(csv[1]).toBe('y,0,1,-2,0.5');
  });

  it('finds the feature whose value spreads another feature’s attribution', () => {
    // attribution of feature 0 = x0 * (1 + 2 * x2): at a given x0, x2 decides; x1 is noise
    const n = 400;
    const f = 3;
    const values = new Float32Array(n * f);
    const data = new Float32Array(n * f);
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) data[i * f + j] = rand();
      values[i * f] = data[i * f] * (1 + 2 * data[i * f + 2]);
      values[i * f + 1] = data[i * f + 1];
    }
    const m = {
      features: [0, 1, 2].map((j) => ({ name: `x${j}`, kind: 'numeric' as const, categories: null })),
      n,
      f,
      outputs: 1,
      values,
      data,
      baseValues: null,
      rows: null,
      sampled: null,
    };
    expect(interacting(m, 0, 0)).toBe(2);
    expect(interacting({ ...m, data: null }, 0, 0)).toBeNull();
  });
});
