// The run dashboard's logic under JSDOM: smoothing, percentiles, downsampling, parsing, filters, CSV, budget, and the
// view's in-place updates (Plotly is the recorder in fake-plotly.ts; drawing itself is tested in Chromium).
import { mount, mimeTypeOf, LIGHT } from '@modelviz/renderers';
import Plotly, { calls } from './fake-plotly';
import { settle } from './fixtures';
import { smooth } from '../../renderers/src/scalars/smoothing';
import { DISTRIBUTION_BPS, histogramPercentiles } from '../../renderers/src/scalars/percentiles';
import { minMaxIndices, visibleSpan } from '../../renderers/src/scalars/downsample';
import { groupTags, makeFilter, numbers, parseScalars } from '../../renderers/src/scalars/parse';
import { seriesCsv, fileName } from '../../renderers/src/scalars/export';
import { GlBudget } from '../../renderers/src/scalars/budget';
import { compareCells } from '../../renderers/src/scalars/hparams';
import { curvesAt } from '../../renderers/src/scalars/pr';
import { ridgeRows } from '../../renderers/src/scalars/histograms';
import { decodeTensor } from '../../renderers/src/core/tensor';
import type { ScalarsPayload } from '../../renderers/src/generated/scalars';

// the machine running these is shared: first mounts compile and load more than the default 5 s allows at high load
jest.setTimeout(30_000);

const MIME = mimeTypeOf('scalars');
const ctx = { theme: LIGHT };

/** mulberry32: a seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function packed(values: number[], dtype: 'float64' | 'int64' | 'float32' | 'int32' = 'float64', shape?: number[]) {
  const arr =
    dtype === 'int64'
      ? new BigInt64Array(values.map((v) => BigInt(v)))
      : dtype === 'int32'
        ? new Int32Array(values)
        : dtype === 'float32'
          ? new Float32Array(values)
          : new Float64Array(values);
  return { dtype, shape: shape ?? [values.length], data: b64(arr) };
}

function seriesOf(run: number, tag: string, values: number[], t0 = 1.7e9) {
  const steps = values.map((_, i) => i * 10);
  return {
    run,
    tag,
    step: packed(steps, 'int64'),
    wall_time: packed(steps.map((s) => t0 + s)),
    value: packed(values),
    total_points: values.length,
  };
}

function payload(extra: Partial<ScalarsPayload> = {}): ScalarsPayload {
  const r = rng(1);
  const vals = (n: number, k: number) => Array.from({ length: n }, (_, i) => k * Math.exp(-i / 20) + 0.1 * r());
  return {
    version: '1.0',
    logdir: 'runs/x',
    runs: [{ name: 'alpha', color: '#ff0000' }, { name: 'beta' }],
    scalars: [
      seriesOf(0, 'train/loss', vals(50, 1)),
      seriesOf(1, 'train/loss', vals(50, 2)),
      seriesOf(0, 'eval/acc', vals(30, 1)),
    ],
    options: { smoothing: 0.6 },
    status: { live: true, updated: 1.7e9 },
    ...extra,
  } as ScalarsPayload;
}

function host(): HTMLElement {
  const el = document.createElement('div');
  document.body.appendChild(el);
  return el;
}

beforeEach(() => {
  calls.length = 0;
  document.body.replaceChildren();
});

/** TensorBoard's smoothing written out again, independently: EMA from 0 over finite points, debiased. */
function referenceSmooth(v: number[], w: number): number[] {
  const allSame = v.every((x) => Object.is(x, v[0]) && !Number.isNaN(x));
  let acc = 0;
  let k = 0;
  return v.map((x) => {
    if (allSame || !isFinite(x)) return x;
    k += 1;
    acc = w * acc + (1 - w) * x;
    return acc / (1 - w ** k);
  });
}

describe('smoothing', () => {
  it('equals TensorBoard’s debiased EMA on random series with NaN and ±Inf, for several weights', () => {
    const r = rng(42);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(r() * 300);
      const v = Array.from({ length: n }, () => {
        const u = r();
        if (u < 0.03) return NaN;
        if (u < 0.05) return u < 0.04 ? Infinity : -Infinity;
        return (r() - 0.5) * 100;
      });
      for (const w of [0, 0.3, 0.6, 0.9, 0.999]) {
        const got = Array.from(smooth(v, w));
        const want = referenceSmooth(v, w);
        got.forEach((g, i) => {
          if (Number.isFinite(want[i])) expect(g).toBeCloseTo(want[i], 9);
          else expect(Object.is(g, want[i])).toBe(true);
        });
      }
    }
  });

  it('w = 0 gives the raw values; the first point is never pulled towards zero', () => {
    const v = [5, 3, 8, 1];
    expect(Array.from(smooth(v, 0))).toEqual(v);
    expect(smooth(v, 0.9)[0]).toBeCloseTo(5, 12);
    expect(smooth([NaN, 7, 9], 0.9)[1]).toBeCloseTo(7, 12);
  });

  it('keeps a constant series exactly constant and passes NaN through', () => {
    expect(Array.from(smooth([0.1, 0.1, 0.1, 0.1], 0.95))).toEqual([0.1, 0.1, 0.1, 0.1]);
    const s = smooth([1, NaN, 3], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    // 0.5*1 /0.5 = 1; then (0.25 + 1.5) / 0.75
    expect(s[2]).toBeCloseTo(1.75 / 0.75, 12);
  });
});

/** numpy-style: np.interp(q, cumulative fraction at each edge, edges). */
function referencePercentiles(edges: number[], counts: number[], qs: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const cdf = [0];
  for (const c of counts) cdf.push(cdf[cdf.length - 1] + c / total);
  return qs.map((q) => {
    if (q <= 0) return edges[0];
    if (q >= 1) return edges[edges.length - 1];
    let i = 1;
    while (i < cdf.length - 1 && cdf[i] <= q) i++;
    return edges[i - 1] + ((q - cdf[i - 1]) / (cdf[i] - cdf[i - 1])) * (edges[i] - edges[i - 1]);
  });
}

describe('distribution percentiles', () => {
  it('match linear interpolation of the bucket CDF on random histograms', () => {
    const r = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const b = 2 + Math.floor(r() * 40);
      const edges = [-(1 + r() * 5)];
      for (let i = 0; i < b; i++) edges.push(edges[i] + 0.01 + r());
      const counts = Array.from({ length: b }, () => 1 + Math.floor(r() * 100));
      const got = histogramPercentiles(edges, counts);
      const want = referencePercentiles(
        edges,
        counts,
        DISTRIBUTION_BPS.map((bp) => bp / 10000),
      );
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 9));
      // monotone, within the edges
      for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThanOrEqual(got[i - 1]);
      expect(got[0]).toBe(edges[0]);
      expect(got[8]).toBe(edges[b]);
    }
  });

  it('skips empty buckets and handles an empty histogram', () => {
    // all mass in the third bucket [2, 3]: the median is its middle
    expect(histogramPercentiles([0, 1, 2, 3, 4], [0, 0, 10, 0], [0, 2500, 5000, 10000])).toEqual([2, 2.25, 2.5, 3]);
    expect(histogramPercentiles([0, 1, 2, 3], [4, 0, 4], [5000, 6000])).toEqual([2, 2.2]); // like TensorBoard: the first bucket past the percentile
    expect(histogramPercentiles([0, 1, 2], [0, 0])).toEqual(DISTRIBUTION_BPS.map(() => 0));
  });
});

describe('min/max downsampling', () => {
  it('keeps every bucket’s extremes, first and last points, NaN gaps and ±Inf', () => {
    const r = rng(3);
    const n = 100_000;
    const x = new Float64Array(n).map((_, i) => i);
    const y = new Float64Array(n).map(() => r());
    // spikes in distinct buckets (the kept points are per bucket)
    const spikes = Array.from({ length: 30 }, (_, k) => k * 3300 + 7 + Math.floor(r() * 3000));
    spikes.forEach((s, k) => (y[s] = k % 2 ? 1000 + k : -1000 - k));
    y[500] = NaN;
    y[900] = Infinity;
    y[1300] = -Infinity;
    const buckets = 400;
    const idx = minMaxIndices(x, y, 0, n, buckets);
    expect(idx.length).toBeLessThanOrEqual(buckets * 7);
    expect(idx.length).toBeGreaterThan(buckets);
    const kept = new Set(idx);
    for (const s of spikes) expect(kept.has(s)).toBe(true);
    for (const s of [0, n - 1, 500, 900, 1300]) expect(kept.has(s)).toBe(true);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    // brute force: each bucket's finite min and max value are among the kept points
    // (buckets split the x-range [x0, x(n-1)] evenly; the last point belongs to the last bucket)
    const bucketOf = (i: number): number => Math.min(buckets - 1, Math.floor((x[i] * buckets) / (n - 1)));
    const lo = new Array<number>(buckets).fill(Infinity);
    const hi = new Array<number>(buckets).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) continue;
      lo[bucketOf(i)] = Math.min(lo[bucketOf(i)], y[i]);
      hi[bucketOf(i)] = Math.max(hi[bucketOf(i)], y[i]);
    }
    for (let b = 0; b < buckets; b++) {
      const inBucket = [...idx].filter((i) => bucketOf(i) === b).map((i) => y[i]);
      expect(inBucket).toContain(lo[b]);
      expect(inBucket).toContain(hi[b]);
    }
  });

  it('returns every point when there are few, and the visible span reaches one point beyond each side', () => {
    const x = new Float64Array([0, 10, 20, 30, 40, 50]);
    expect(Array.from(minMaxIndices(x, x, 0, 6, 100))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(visibleSpan(x, 15, 35, true)).toEqual([1, 5]);
    expect(visibleSpan(x, -Infinity, Infinity, true)).toEqual([0, 6]);
    expect(visibleSpan(x, 15, 35, false)).toEqual([0, 6]);
  });
});

describe('parse', () => {
  it('decodes int64 steps exactly, sorts by step and appends the exact last point', () => {
    const big = [0, 2 ** 40 + 3, -5, 2 ** 52];
    expect(Array.from(numbers(decodeTensor(packed(big, 'int64'), '/x')))).toEqual(big);
    const d = parseScalars({
      version: '1.0',
      runs: [{ name: 'a' }],
      scalars: [
        {
          run: 0,
          tag: 't',
          step: packed([2, 0, 1], 'int32'),
          value: packed([20, 0, 10]),
          total_points: 1000,
          last: { step: 999, value: null },
        },
      ],
    });
    const s = d.scalars[0];
    expect(Array.from(s.step)).toEqual([0, 1, 2, 999]);
    expect(Array.from(s.value).slice(0, 3)).toEqual([0, 10, 20]);
    expect(Number.isNaN(s.value[3])).toBe(true);
    expect(s.total).toBe(1000);
    expect(d.options).toEqual({ smoothing: 0.6, xAxis: 'step', logY: false });
    expect(d.runs[0].color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it.each([
    [{ scalars: [{ run: 0, tag: 't', step: packed([0, 1]), value: packed([1]) }] }, '/scalars/0/value', 'has 1 points'],
    [
      {
        histograms: [
          {
            run: 0,
            tag: 'h',
            step: packed([0]),
            edges: packed([0, 1, 2], 'float64', [1, 3]),
            counts: packed([1, 2, 3], 'float64', [1, 3]),
          },
        ],
      },
      '/histograms/0/edges/shape',
      '3 buckets need 4',
    ],
    [
      { hparams: { columns: [{ name: 'lr', kind: 'hparam' }], rows: [{ run: 0, values: [1, 2] }] } },
      '/hparams/rows/0/values',
      '2 values',
    ],
    [{ text: [{ run: 3, tag: 't', step: 0, text: 'x' }] }, '/text/0/run', 'is 3 but there are 1 runs'],
  ])('rejects inconsistent data at its path (%#)', (extra, path, message) => {
    expect(() => parseScalars({ version: '1.0', runs: [{ name: 'a' }], ...extra } as ScalarsPayload)).toThrow(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });

  it('groups tags by prefix in first-seen order', () => {
    expect(groupTags(['train/loss', 'eval/acc', 'train/lr', 'lr'])).toEqual([
      { section: 'train', tags: ['train/loss', 'train/lr'] },
      { section: 'eval', tags: ['eval/acc'] },
      { section: 'lr', tags: ['lr'] },
    ]);
  });

  it('regex filters are case-insensitive and an invalid regex matches literally', () => {
    expect(makeFilter('^train/')('train/loss')).toBe(true);
    expect(makeFilter('^train/')('eval/train/x')).toBe(false);
    expect(makeFilter('LOSS$')('train/loss')).toBe(true);
    expect(makeFilter('loss(')('loss(x)')).toBe(true);
    expect(makeFilter('loss(')('loss')).toBe(false);
    expect(makeFilter('')('anything')).toBe(true);
  });
});

describe('small pieces', () => {
  it('CSV holds every point of the given series, quoted where needed', () => {
    const d = parseScalars({
      version: '1.0',
      runs: [{ name: 'a,"b"' }],
      scalars: [seriesOf(0, 't', [1.5, NaN, Infinity, -2])],
    });
    expect(seriesCsv(d.runs, d.scalars)).toBe(
      'run,step,wall_time,value\n' +
        '"a,""b""",0,1700000000,1.5\n"a,""b""",10,1700000010,NaN\n' +
        '"a,""b""",20,1700000020,Infinity\n"a,""b""",30,1700000030,-2\n',
    );
    expect(fileName('train/loss <x>', 'csv')).toBe('train_loss_x.csv');
  });

  it('the WebGL budget frees out-of-view charts first, then near ones; in-view charts only for in-view ones', () => {
    const budget = new GlBudget(3);
    const released: string[] = [];
    const client = (name: string, visible: boolean, inView = visible) => ({
      name,
      visible,
      inView,
      release: () => released.push(name),
    });
    const [a, b, c, d] = [client('a', true), client('b', false), client('c', true), client('d', true)];
    expect([a, b, c].map((x) => budget.acquire(x))).toEqual([true, true, true]);
    expect(budget.acquire(d)).toBe(true);
    expect(released).toEqual(['b']); // b was newer than a, but out of view
    // a chart only near the view does not push out charts in the viewport
    const near = client('near', true, false);
    expect(budget.acquire(near)).toBe(false);
    expect(released).toEqual(['b']);
    // one in the viewport does: the least recently used
    budget.touch(a);
    expect(budget.acquire(client('e', true))).toBe(true);
    expect(released).toEqual(['b', 'c']);
    expect(budget.size).toBe(3);
    budget.forget(a);
    expect(budget.acquire(near)).toBe(true);
    expect(budget.size).toBe(3);
  });

  it('hparams sort numbers numerically, missing values last; PR curves pick the step', () => {
    expect([10, 9, null, 'x', 100, true].sort(compareCells)).toEqual([9, 10, 100, true, 'x', null]);
    const pc = (run: number, step: number) => ({
      run,
      tag: 't',
      step,
      precision: new Float64Array(),
      recall: new Float64Array(),
    });
    const curves = [pc(0, 0), pc(0, 10), pc(1, 5), pc(0, 20)];
    expect(curvesAt(curves, 12).map((c) => [c.run, c.step])).toEqual([
      [0, 10],
      [1, 5],
    ]);
    expect(curvesAt(curves, 0).map((c) => [c.run, c.step])).toEqual([
      [0, 0],
      [1, 5],
    ]);
    expect(ridgeRows(1000, 40)).toHaveLength(40);
    expect(ridgeRows(1000, 40).at(-1)).toBe(999);
  });
});

function lastReact(tagOrClass: string): { data: Array<Record<string, unknown>>; el: HTMLElement } {
  const c = calls.filter((x) => x.fn === 'react' && x.el.closest(tagOrClass)).at(-1)!;
  return { data: c.data as unknown as Array<Record<string, unknown>>, el: c.el };
}

// The shared recorder expects at least one trace; a chart whose runs are all hidden draws none.
const recordReact = Plotly.react;
Plotly.react = (el, data, layout) =>
  data.length ? recordReact(el, data, layout) : (calls.push({ fn: 'react', el, data, layout }), Promise.resolve(el));

describe('the dashboard view', () => {
  it('draws one scattergl chart per tag with a raw and a smoothed trace per run', async () => {
    const el = host();
    await mount(el, MIME, payload(), ctx).ready;
    await settle();
    expect(el.querySelector<HTMLElement>('.mv-Root')!.dataset.mvState).toBe('rendered');
    const { data } = lastReact('[data-tag="train/loss"]');
    expect(
      data.map((t) => [t.type, (t.meta as { run: string; kind: string }).run, (t.meta as { kind: string }).kind]),
    ).toEqual([
      ['scattergl', 'alpha', 'raw'],
      ['scattergl', 'alpha', 'smoothed'],
      ['scattergl', 'beta', 'raw'],
      ['scattergl', 'beta', 'smoothed'],
    ]);
    expect((data[0].line as { color: string }).color).toBe('#ff0000');
    expect([...el.querySelectorAll<HTMLElement>('.mv-ScalarsSection')].map((s) => s.dataset.section)).toEqual([
      'train',
      'eval',
    ]);
    expect(el.querySelector('.mv-ScalarsStatus')!.textContent).toContain('130 points');
  });

  it('an update keeps hidden runs, smoothing, tab and zoom, and reuses the chart elements', async () => {
    const el = host();
    const text = [{ run: 0, tag: 'notes', step: 1, text: 'hello' }];
    const handle = mount(el, MIME, payload({ text }), ctx);
    await handle.ready;
    await settle();
    const chartEl = el.querySelector('[data-tag="train/loss"]')!;
    const beta = el.querySelector<HTMLInputElement>('.mv-ScalarsRun[data-run="beta"] input')!;
    beta.checked = false;
    beta.dispatchEvent(new Event('change'));
    const slider = el.querySelector<HTMLInputElement>('.mv-ScalarsSettings-slider')!;
    slider.value = '0.9';
    slider.dispatchEvent(new Event('input'));
    await settle();
    expect(lastReact('[data-tag="train/loss"]').data.some((t) => (t.meta as { run: string }).run === 'beta')).toBe(
      false,
    );

    // the next snapshot: more points, a new default smoothing the user already overrode
    const next = payload({ text, options: { smoothing: 0.2 } });
    next.scalars![0] = seriesOf(
      0,
      'train/loss',
      Array.from({ length: 80 }, (_, i) => i),
    );
    await handle.update(next);
    await settle();
    expect(el.querySelector('[data-tag="train/loss"]')).toBe(chartEl);
    expect(beta.checked).toBe(false);
    expect(slider.value).toBe('0.9');
    const { data } = lastReact('[data-tag="train/loss"]');
    expect(data.map((t) => (t.meta as { run: string }).run)).toEqual(['alpha', 'alpha']);
    const sm = data[1].y as Float64Array;
    expect(sm).toHaveLength(80);
    expect(Array.from(sm)).toEqual(
      Array.from(
        smooth(
          Array.from({ length: 80 }, (_, i) => i),
          0.9,
        ),
      ),
    );

    // tabs: the chosen tab survives an update
    el.querySelector<HTMLButtonElement>('.mv-ScalarsTabs button[data-tab="text"]')!.click();
    await handle.update(payload({ text: [...text, { run: 1, tag: 'notes', step: 2, text: 'more' }] }));
    expect(el.querySelector('.mv-ScalarsTabs [aria-selected="true"]')!.textContent).toBe('Text');
    expect(el.querySelectorAll('.mv-ScalarsText-text')).toHaveLength(1); // beta is still hidden
  });

  it('shows payload text as text: names, tags, text entries and hparams never become markup', async () => {
    const el = host();
    const evil = '<img src=x onerror="window.pwned=1">';
    await mount(
      el,
      MIME,
      payload({
        title: evil,
        logdir: evil,
        runs: [{ name: evil }, { name: 'b' }],
        scalars: [seriesOf(0, evil, [1, 2, 3])],
        text: [{ run: 0, tag: evil, step: 0, text: evil }],
        hparams: { columns: [{ name: evil, kind: 'hparam' }], rows: [{ run: 0, values: [evil] }] },
      }),
      ctx,
    ).ready;
    await settle();
    el.querySelector<HTMLButtonElement>('.mv-ScalarsTabs button[data-tab="text"]')!.click();
    el.querySelector<HTMLButtonElement>('.mv-ScalarsTabs button[data-tab="hparams"]')!.click();
    await settle();
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('.mv-ScalarsText-text')!.textContent).toBe(evil);
    expect(el.querySelector('.mv-ScalarsChart-title')!.textContent).toBe(evil);
    expect(el.querySelector('.mv-ScalarsHParams tbody td')!.textContent).toBe(evil);
    expect(el.querySelector('.mv-ScalarsStatus-title')!.textContent).toBe(evil);
    // run names reach Plotly escaped (it renders a subset of HTML in trace names)
    const { data } = lastReact('.mv-ScalarsChart');
    expect(data[0].name).toBe('&lt;img src=x onerror="window.pwned=1"&gt; (raw)');
  });

  it('the CSV button downloads the full data of the shown runs', async () => {
    const blobs: Blob[] = [];
    const win = window as unknown as { URL: { createObjectURL: unknown; revokeObjectURL: unknown } };
    win.URL.createObjectURL = (b: Blob) => (blobs.push(b), 'blob:fake');
    win.URL.revokeObjectURL = () => undefined;
    const names: string[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    const el = host();
    await mount(el, MIME, payload(), ctx).ready;
    await settle();
    const alpha = el.querySelector<HTMLInputElement>('.mv-ScalarsRun[data-run="alpha"] input')!;
    alpha.checked = false;
    alpha.dispatchEvent(new Event('change'));
    el.querySelector<HTMLButtonElement>('[data-tag="train/loss"] .mv-ScalarsChart-action')!.click();
    click.mockRestore();
    expect(names).toEqual(['train_loss.csv']);
    const text = await new Promise<string>((resolve) => {
      const fr = new FileReader();
      fr.onload = () => resolve(fr.result as string);
      fr.readAsText(blobs[0]);
    });
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('run,step,wall_time,value');
    expect(lines).toHaveLength(51);
    expect(lines.every((l, i) => i === 0 || l.startsWith('beta,'))).toBe(true);
  });

  it('an empty logdir says so, and fills in place when data arrives', async () => {
    const el = host();
    const handle = mount(el, MIME, { version: '1.0', logdir: '/data/logs', runs: [], status: { live: true } }, ctx);
    await handle.ready;
    const note = el.querySelector<HTMLElement>('.mv-ScalarsEmpty')!;
    expect(note.textContent).toBe('No event files yet in /data/logs — watching');
    expect(note.hidden).toBe(false);
    await handle.update(payload());
    await settle();
    expect(note.hidden).toBe(true);
    expect(el.querySelectorAll('.mv-ScalarsChart')).toHaveLength(2);
    expect(el.querySelectorAll('.mv-Root')).toHaveLength(1);
  });

  it('without IntersectionObserver draws the first charts the budget allows; a click draws another', async () => {
    delete (window as unknown as { __modelvizGlBudget?: GlBudget }).__modelvizGlBudget;
    const el = host();
    const scalars = Array.from({ length: 12 }, (_, i) => seriesOf(0, `t/${String(i).padStart(2, '0')}`, [1, 2, 3]));
    await mount(el, MIME, payload({ scalars }), ctx).ready;
    await settle();
    const charts = [...el.querySelectorAll<HTMLElement>('.mv-ScalarsChart')];
    expect(charts).toHaveLength(12);
    expect(charts.map((c) => c.dataset.live === 'true')).toEqual([...Array(8).fill(true), ...Array(4).fill(false)]);
    const idle = charts[10].querySelector<HTMLButtonElement>('.mv-ScalarsChart-idle')!;
    expect(idle.textContent).toContain('click to draw');
    idle.click();
    await settle();
    expect(charts[10].dataset.live).toBe('true');
    expect(charts.filter((c) => c.dataset.live === 'true')).toHaveLength(8);
  });

  it('dispose purges every chart and frees its budget slot', async () => {
    // a fresh page budget (earlier tests left their outputs mounted)
    delete (window as unknown as { __modelvizGlBudget?: GlBudget }).__modelvizGlBudget;
    const el = host();
    const handle = mount(el, MIME, payload(), ctx);
    await handle.ready;
    await settle();
    const drawn = new Set(calls.filter((c) => c.fn === 'react').map((c) => c.el));
    const budget = (window as unknown as { __modelvizGlBudget: GlBudget }).__modelvizGlBudget;
    expect(budget.size).toBe(2);
    handle.dispose();
    const purged = new Set(calls.filter((c) => c.fn === 'purge').map((c) => c.el));
    for (const p of drawn) expect(purged.has(p)).toBe(true);
    expect(budget.size).toBe(0);
  });
});
