import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CurvesChart, nearestPoint } from '../../renderers/src/confusion/curves';
import { csvField, matrixCsv, reportCsv } from '../../renderers/src/confusion/export';
import { matrixAtThreshold, perClass, summarize, withZeroDivision } from '../../renderers/src/confusion/metrics';
import type { CurveSeries, Samples, ThresholdTable } from '../../renderers/src/confusion/parse';
import { SamplesPanel } from '../../renderers/src/confusion/samples';
import { MetricsTable } from '../../renderers/src/confusion/table';
import { indexAt, indexOfValue, positionOf, readout, ThresholdSlider } from '../../renderers/src/confusion/threshold';
import { LIGHT } from '@modelviz/renderers';

// scikit-learn's classification_report and confusion_matrix on seeded predictions (tests/unit/data/make_confusion_report.py)
interface Report {
  [name: string]:
    { precision: number | 'nan'; recall: number | 'nan'; 'f1-score': number | 'nan'; support: number } | number;
}
interface Fixture {
  cases: { name: string; n: number; matrix: number[]; reports: Record<'0' | '1' | 'nan', Report> }[];
  binary: { thresholds: number[]; tp: number[]; fp: number[]; base: number[]; at: Record<string, number[]> };
}
const FX = JSON.parse(readFileSync(join(__dirname, 'data', 'confusion-report.json'), 'utf8')) as Fixture;

const num = (v: number | 'nan' | null): number => (v === 'nan' || v === null ? NaN : v);

function expectClose(got: number | null, want: number | 'nan'): void {
  if (want === 'nan') expect(got === null || Number.isNaN(got)).toBe(true);
  else expect(got).toBeCloseTo(want, 10);
}

describe('metrics equal scikit-learn’s classification_report', () => {
  for (const c of FX.cases) {
    for (const zd of ['0', '1', 'nan'] as const) {
      it(`${c.name}, zero_division=${zd}`, () => {
        const m = perClass(Float64Array.from(c.matrix), c.n);
        const shown = withZeroDivision(m, zd);
        const r = c.reports[zd];
        for (let i = 0; i < c.n; i++) {
          const row = r[String(i)] as Exclude<Report[string], number>;
          expectClose(shown.precision[i], row.precision);
          expectClose(shown.recall[i], row.recall);
          expectClose(shown.f1[i], row['f1-score']);
          expect(m.support[i]).toBeCloseTo(row.support, 9);
        }
        const s = summarize(m, zd);
        const macro = r['macro avg'] as Exclude<Report[string], number>;
        const weighted = r['weighted avg'] as Exclude<Report[string], number>;
        expectClose(s.macro.precision, macro.precision);
        expectClose(s.macro.recall, macro.recall);
        expectClose(s.macro.f1, macro['f1-score']);
        expectClose(s.weighted.precision, weighted.precision);
        expectClose(s.weighted.recall, weighted.recall);
        expectClose(s.weighted.f1, weighted['f1-score']);
        expectClose(s.accuracy, num((r.accuracy as number | undefined) ?? 'nan'));
      });
    }
  }

  it('leaves the reduced matrix’s "other" class out of the averages, not out of accuracy', () => {
    const values = Float64Array.from([5, 1, 0, 2, 7, 1, 0, 0, 9]);
    const all = summarize(perClass(values, 3), '0');
    const skip = summarize(perClass(values, 3), '0', 2);
    expect(skip.accuracy).toBe(all.accuracy);
    expect(skip.classes).toBe(2);
    expect(skip.macro.recall).toBeCloseTo((5 / 6 + 7 / 10) / 2, 12);
  });

  it('recomputes the binary matrix at each threshold exactly', () => {
    const b = FX.binary;
    const t: ThresholdTable = {
      positive: 1,
      negative: 0,
      value: 0.5,
      thresholds: Float64Array.from(b.thresholds),
      tp: Float64Array.from(b.tp),
      fp: Float64Array.from(b.fp),
      binned: null,
    };
    for (const [i, want] of Object.entries(b.at)) {
      expect(Array.from(matrixAtThreshold(t, Float64Array.from(b.base), Number(i)))).toEqual(want);
    }
    // above every score: nothing predicted positive
    const none = matrixAtThreshold(t, Float64Array.from(b.base), b.thresholds.length);
    expect(none[1]).toBe(0);
    expect(none[3]).toBe(0);
    // the slider starts where the kernel cut: score >= 0.5
    const k = indexOfValue(t, 0.5);
    expect(b.thresholds[k]).toBeGreaterThanOrEqual(0.5);
    expect(k + 1 === b.thresholds.length || b.thresholds[k + 1] < 0.5).toBe(true);
    expect(Array.from(matrixAtThreshold(t, Float64Array.from(b.base), k))).toEqual(b.base);
  });
});

describe('CSV export', () => {
  it('quotes and guards user strings against formula injection', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
  });

  it('writes the matrix with labels, rows true and columns predicted', () => {
    const csv = matrixCsv(['cat', '-dog'], Float64Array.from([3, 1, 0, 4]), true);
    expect(csv).toBe("true \\ predicted,cat,'-dog\r\ncat,3,1\r\n'-dog,0,4\r\n");
    const floats = matrixCsv(['a'], Float64Array.from([0.1 + 0.2]), false);
    expect(Number(floats.split('\r\n')[1].split(',')[1])).toBe(0.1 + 0.2);
  });

  it('writes the report as classification_report’s rows', () => {
    const values = Float64Array.from([5, 1, 0, 2, 7, 1, 0, 0, 9]);
    const m = perClass(values, 3);
    const csv = reportCsv(['a', 'b', 'c'], m, summarize(m, '0'));
    const rows = csv
      .trim()
      .split('\r\n')
      .map((r) => r.split(','));
    expect(rows[0]).toEqual(['class', 'precision', 'recall', 'f1-score', 'support']);
    expect(rows[1][0]).toBe('a');
    expect(Number(rows[1][1])).toBeCloseTo(5 / 7, 12);
    expect(rows.map((r) => r[0]).slice(4)).toEqual(['accuracy', 'macro avg', 'weighted avg']);
    expect(Number(rows[4][3])).toBeCloseTo(21 / 25, 12);
  });
});

describe('metrics table', () => {
  const values = Float64Array.from([5, 1, 0, 2, 7, 1, 0, 0, 0]); // class c: predicted once, never true
  const m = perClass(values, 3);
  const data = { labels: ['a', '<b>b</b>', 'c'], metrics: m, summary: summarize(m, '0'), auc: [0.9, 0.8, null] };

  it('sorts by a clicked header, then reverses; undefined values sort last and say why', () => {
    const picked: number[] = [];
    const t = new MetricsTable(document, (c) => picked.push(c));
    document.body.appendChild(t.element);
    t.setData(data);
    expect(t.rows()).toEqual(['a', '<b>b</b>', 'c']);
    expect(t.element.querySelector('b')).toBeNull();
    const f1 = (): HTMLButtonElement =>
      [...t.element.querySelectorAll<HTMLButtonElement>('thead button')].find((b) => b.textContent === 'F1')!;
    f1().click();
    expect(t.rows()).toEqual(['<b>b</b>', 'a', 'c']); // F1 b = 14/18 > a = 10/13; c undefined
    expect(f1().parentElement!.getAttribute('aria-sort')).toBe('descending');
    f1().click();
    expect(t.rows()).toEqual(['c', 'a', '<b>b</b>']);
    const cell = t.element.querySelector('tbody tr[data-cls="2"] td')!;
    expect(cell.textContent).toBe('0.000');
    expect(cell.getAttribute('title')).toBeNull(); // precision 0 / 1: defined
    const recall = t.element.querySelectorAll('tbody tr[data-cls="2"] td')[1];
    expect(recall.textContent).toBe('0.000'); // zero_division 0
    expect(recall.getAttribute('title')).toBe('undefined: no true samples');
    expect(t.element.querySelector('thead')!.textContent).toContain('ROC AUC');
    t.element.querySelector<HTMLElement>('tbody tr[data-cls="1"] th')!.click();
    expect(picked).toEqual([1]);
    t.select(1);
    expect(t.element.querySelectorAll('tbody tr[aria-selected="true"]')).toHaveLength(1);
    expect(t.element.querySelector('tfoot')!.textContent).toContain('macro avg');
    t.dispose();
  });

  it('shows signed Δ columns for a compared model and keeps the sort across updates', () => {
    const t = new MetricsTable(document, () => undefined);
    const other = perClass(Float64Array.from([6, 0, 0, 1, 8, 1, 0, 0, 0]), 3);
    const delta = {
      ...m,
      f1: other.f1.map((v, i) => v - m.f1[i]),
      recall: other.recall.map((v, i) => v - m.recall[i]),
    };
    t.setData({ ...data, delta });
    const head = t.element.querySelector('thead')!.textContent!;
    expect(head).toContain('Δ F1');
    const d = t.element.querySelector('tbody tr[data-cls="0"] td.mv-CmUp')!;
    expect(d.textContent!.startsWith('+')).toBe(true);
    t.sortBy('support', 'asc');
    t.setData({ ...data, delta });
    expect(t.rows()).toEqual(['c', 'a', '<b>b</b>']);
  });
});

describe('threshold slider', () => {
  const t: ThresholdTable = {
    positive: 1,
    negative: 0,
    value: 0.5,
    thresholds: Float64Array.from([0.9, 0.7, 0.5, 0.3]),
    tp: Float64Array.from([1, 2, 3, 3]),
    fp: Float64Array.from([0, 0, 1, 2]),
    binned: null,
  };

  it('maps positions from the lowest score (left) to above every score (right)', () => {
    expect([0, 1, 2, 3, 4].map((p) => indexAt(p, 4))).toEqual([3, 2, 1, 0, 4]);
    for (let i = 0; i <= 4; i++) expect(indexAt(positionOf(i, 4), 4)).toBe(i);
    expect(indexOfValue(t, 0.5)).toBe(2);
    expect(indexOfValue(t, 0.95)).toBe(4);
    expect(indexOfValue(t, 0.0)).toBe(3);
  });

  it('reads out the cut and its rates, and calls back with the table index', () => {
    expect(readout(t, ['neg', 'pos'], 2)).toBe("score ≥ 0.500 → 'pos' · TPR 1.000 · FPR 0.500 · precision 0.750");
    const got: number[] = [];
    const s = new ThresholdSlider(document, (i) => got.push(i));
    s.setData(t, ['neg', 'pos'], null);
    const input = s.element.querySelector('input')!;
    expect(input.value).toBe(String(positionOf(2, 4)));
    input.value = '0';
    input.dispatchEvent(new Event('input'));
    // jsdom's requestAnimationFrame may be absent (then the change applies at once) or run on a timer
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(got).toEqual([3]);
        expect(s.element.querySelector('output')!.textContent).toContain('score ≥ 0.300');
        s.dispose();
        resolve();
      }, 50),
    );
  });
});

describe('samples panel', () => {
  const samples = (kind: 'image' | 'text'): Samples => ({
    kind,
    row: Int32Array.from([0, 0, 1]),
    col: Int32Array.from([1, 1, 0]),
    index: Float64Array.from([17, 4, 9]),
    score: Float32Array.from([0.9, NaN, 0.4]),
    text: kind === 'text' ? ['<b>bold?</b>', 'two', 'three'] : null,
    images: kind === 'image' ? ['iVBORw0KGgo=', 'not base64!"><script>', ''] : null,
    perCell: 2,
    byCell: new Map([
      [1, [0, 1]],
      [2, [2]],
    ]),
  });

  it('shows the images of a cell with their index and score; anything but base64 is never a source', () => {
    const p = new SamplesPanel(document);
    p.show(samples('image'), 0, 1, ['cat', 'dog'], 5);
    expect(p.element.hidden).toBe(false);
    expect(p.element.textContent).toContain("true 'cat' → predicted 'dog' · 5 samples");
    expect(p.element.textContent).toContain('showing 2 of 5');
    const imgs = p.element.querySelectorAll('img');
    expect(imgs).toHaveLength(1);
    expect(imgs[0].getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(p.element.querySelectorAll('.mv-CmSampleBlank')).toHaveLength(1);
    expect([...p.element.querySelectorAll('.mv-CmSampleIndex')].map((e) => e.textContent)).toEqual(['#17', '#4']);
    expect([...p.element.querySelectorAll('.mv-CmSampleScore')].map((e) => e.textContent)).toEqual(['score 0.900']);
    p.clear();
    expect(p.element.hidden).toBe(true);
  });

  it('shows texts as text, and says when there is nothing to show', () => {
    const p = new SamplesPanel(document);
    p.show(samples('text'), 0, 1, ['cat', 'dog'], 2);
    expect(p.element.querySelector('b')).toBeNull();
    expect(p.element.querySelector('.mv-CmSampleText')!.textContent).toBe('<b>bold?</b>');
    p.show(samples('text'), 1, 1, ['cat', 'dog'], 3);
    expect(p.element.textContent).toContain('No samples for this cell');
    expect(p.element.textContent).toContain('at most 2 per cell');
    p.show(null, 0, 0, ['cat', 'dog'], 3);
    expect(p.element.textContent).toContain('pass samples= to modelviz.confusion_matrix');
  });
});

describe('curves', () => {
  const series: CurveSeries[] = [
    {
      name: 'cat',
      cls: 0,
      auc: 0.91,
      ap: 0.8,
      roc: Float32Array.from([0, 0, 0.1, 0.8, 1, 1]),
      pr: Float32Array.from([1, 0.5, 0.5, 1]),
    },
    {
      name: 'micro-average',
      cls: null,
      auc: 0.95,
      ap: 0.9,
      roc: Float32Array.from([0, 0, 0.05, 0.9, 1, 1]),
      pr: Float32Array.from([1, 0.6, 0, 1]),
    },
  ];

  it('lists the shown series with AUC (ROC) or AP (PR)', () => {
    const c = new CurvesChart(document, LIGHT);
    c.setData(series, new Set(['cat', 'micro-average']));
    expect([...c.element.querySelectorAll('.mv-CmLegend li')].map((li) => li.textContent)).toEqual([
      'cat — AUC 0.910',
      'micro-average — AUC 0.950',
    ]);
    c.setKind('pr');
    expect(c.kind()).toBe('pr');
    expect(c.element.querySelector('.mv-CmLegend')!.textContent).toContain('cat — AP 0.800');
    expect(c.element.querySelector('button[data-kind="pr"]')!.getAttribute('aria-pressed')).toBe('true');
    c.setData(series, new Set());
    expect(c.element.textContent).toContain('Pick classes in the table');
    c.dispose();
  });

  it('maps data to pixels inside the plot and finds the nearest point', () => {
    const c = new CurvesChart(document, LIGHT);
    const [x0, y0] = c.toPixel(0, 0);
    const [x1, y1] = c.toPixel(1, 1);
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeLessThan(y0);
    const hit = nearestPoint(series, 'roc', 0.06, 0.88)!;
    expect(hit.series).toBe(1);
    expect([hit.x, hit.y]).toEqual([Math.fround(0.05), Math.fround(0.9)]);
    expect(nearestPoint([], 'roc', 0, 0)).toBeNull();
  });
});
