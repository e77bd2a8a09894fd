// The numbers behind the tabular views: importance, ranking, one row's waterfall, the most interacting feature.
import type { TabularModel } from './parse.js';

/** Mean |value| per feature for one output. */
export function importance(m: TabularModel, output: number): Float64Array {
  const out = new Float64Array(m.f);
  const base = output * m.n * m.f;
  for (let i = 0; i < m.n; i++) for (let j = 0; j < m.f; j++) out[j] += Math.abs(m.values[base + i * m.f + j]);
  for (let j = 0; j < m.f; j++) out[j] /= Math.max(1, m.n);
  return out;
}

/** Features by decreasing importance. */
export function ranked(imp: ArrayLike<number>): number[] {
  return Array.from({ length: imp.length }, (_, j) => j).sort((a, b) => imp[b] - imp[a] || a - b);
}

/**
 * The feature whose value best explains the spread of feature j's attribution at similar values of j (SHAP's
 * approximate_interactions): rows sorted by j's value and cut into bins; per bin the absolute correlation of each
 * other feature's value with j's attribution, summed over the bins. null when nothing correlates.
 */
export function interacting(m: TabularModel, output: number, j: number): number | null {
  const data = m.data;
  if (!data || m.f < 2) return null;
  const step = Math.max(1, Math.floor(m.n / 5000));
  const rows: number[] = [];
  for (let i = 0; i < m.n; i += step) if (!Number.isNaN(data[i * m.f + j])) rows.push(i);
  rows.sort((a, b) => data[a * m.f + j] - data[b * m.f + j]);
  const bins = Math.max(1, Math.min(10, Math.floor(rows.length / 20)));
  const size = Math.ceil(rows.length / bins);
  let best: number | null = null;
  let bestScore = 0.1 * bins;
  for (let k = 0; k < m.f; k++) {
    if (k === j) continue;
    let score = 0;
    for (let b0 = 0; b0 < rows.length; b0 += size) {
      const part = rows.slice(b0, b0 + size).filter((i) => !Number.isNaN(data[i * m.f + k]));
      if (part.length < 3) continue;
      const x = part.map((i) => data[i * m.f + k]);
      const y = part.map((i) => m.values[(output * m.n + i) * m.f + j]);
      const mx = x.reduce((a, v) => a + v, 0) / x.length;
      const my = y.reduce((a, v) => a + v, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let t = 0; t < x.length; t++) {
        sxy += (x[t] - mx) * (y[t] - my);
        sxx += (x[t] - mx) ** 2;
        syy += (y[t] - my) ** 2;
      }
      if (sxx > 0 && syy > 0) score += Math.abs(sxy / Math.sqrt(sxx * syy));
    }
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}

/** One row's waterfall: the base value, then features by decreasing |value| (the rest summed), ending at f(x). */
export function waterfall(
  m: TabularModel,
  output: number,
  row: number,
  top = 10,
): { base: number; steps: { feature: number | null; value: number }[]; end: number } {
  const base = m.baseValues ? m.baseValues[output * m.n + row] : 0;
  const v = Array.from({ length: m.f }, (_, j) => m.values[(output * m.n + row) * m.f + j]);
  const order = Array.from({ length: m.f }, (_, j) => j).sort((a, b) => Math.abs(v[b]) - Math.abs(v[a]) || a - b);
  const steps: { feature: number | null; value: number }[] = order
    .slice(0, top)
    .map((j) => ({ feature: j, value: v[j] }));
  if (order.length > top) steps.push({ feature: null, value: order.slice(top).reduce((s, j) => s + v[j], 0) });
  return { base, steps, end: base + v.reduce((s, x) => s + x, 0) };
}

export function featureText(m: TabularModel, j: number, row: number): string {
  const f = m.features[j];
  if (!m.data) return f.name;
  const x = m.data[row * m.f + j];
  if (Number.isNaN(x)) return `${f.name} = (missing)`;
  if (f.kind === 'categorical' && f.categories) return `${f.name} = ${f.categories[x] ?? x}`;
  return `${f.name} = ${Number(x.toPrecision(4))}`;
}
