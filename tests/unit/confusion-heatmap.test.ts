import { DARK, LIGHT } from '../../renderers/src/core/theme';
import {
  MID,
  colorTable,
  colorTicks,
  formatCell,
  formatValue,
  parseColor,
  textColorOn,
  valueScale,
} from '../../renderers/src/confusion/colors';
import { cellIndices, poolIndices, indexPixels } from '../../renderers/src/confusion/heatmap-draw';
import {
  cellAtPlot,
  centreOn,
  arrowMove,
  clampView,
  computeLayout,
  ensureVisible,
  fullView,
  labelStep,
  panBy,
  poolFactor,
  truncate,
  visibleCells,
  zoomAt,
} from '../../renderers/src/confusion/heatmap-geom';
import { escapeXml, matrixSVG, SVG_RECT_MAX } from '../../renderers/src/confusion/heatmap-svg';
import { Heatmap, type HeatmapData } from '../../renderers/src/confusion/heatmap';
import { classOrder } from '../../renderers/src/confusion/order';

// ------------------------------------------------------------------ a recording 2-D context (JSDOM has no canvas)

interface Call {
  name: string;
  args: unknown[];
  font?: string;
}

function fakeContext(calls: Call[]): CanvasRenderingContext2D {
  const state: Record<string, unknown> = { font: '10px sans-serif' };
  return new Proxy(state, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      if (prop === 'measureText') return (t: string) => ({ width: t.length * 6 });
      return (...args: unknown[]) => {
        calls.push({ name: prop, args, font: String(target.font) });
      };
    },
    set(target, prop: string, value) {
      target[prop] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

let calls: Call[] = [];
const original = HTMLCanvasElement.prototype.getContext;
beforeEach(() => {
  calls = [];
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    return fakeContext(calls);
  } as never;
  document.body.replaceChildren();
});
afterAll(() => {
  HTMLCanvasElement.prototype.getContext = original;
});

// ------------------------------------------------------------------ colours

describe('colours', () => {
  it('zero is exactly the background; any positive value is tinted, the largest strongest', () => {
    for (const theme of [LIGHT, DARK]) {
      const lut = colorTable(theme, false);
      expect([lut[0], lut[1], lut[2]]).toEqual(parseColor(theme.background));
      expect([lut[4], lut[5], lut[6]]).not.toEqual(parseColor(theme.background));
      const s = valueScale([0, 1e-9, 5, 1000], 'linear', false);
      expect(s.index(0)).toBe(0);
      expect(s.index(1e-9)).toBeGreaterThanOrEqual(1);
      expect(s.index(1000)).toBe(255);
      expect(s.index(NaN)).toBe(0);
    }
  });

  it('diverging: 0 at the background, negatives and positives in different hues', () => {
    for (const theme of [LIGHT, DARK]) {
      const lut = colorTable(theme, true);
      expect([lut[MID * 4], lut[MID * 4 + 1], lut[MID * 4 + 2]]).toEqual(parseColor(theme.background));
      const neg = [lut[10 * 4], lut[10 * 4 + 1], lut[10 * 4 + 2]];
      const pos = [lut[245 * 4], lut[245 * 4 + 1], lut[245 * 4 + 2]];
      expect(neg[0]).toBeGreaterThan(neg[2]); // orange-red
      expect(pos[2]).toBeGreaterThan(pos[0]); // blue
    }
    const s = valueScale([-4, 0, 2], 'linear', true);
    expect(s.max).toBe(4);
    expect(s.index(0)).toBe(MID);
    expect(s.index(-4)).toBe(0);
    expect(s.index(4)).toBe(255);
    expect(s.index(0.001)).toBeGreaterThan(MID);
    expect(s.index(-0.001)).toBeLessThan(MID);
  });

  it('log scale spreads a long tail: 1 of 10,000 is visible, linear would not be', () => {
    const lin = valueScale([0, 1, 10_000], 'linear', false);
    const log = valueScale([0, 1, 10_000], 'log', false);
    expect(lin.index(1)).toBe(1);
    expect(log.index(1)).toBeGreaterThan(15);
    expect(log.index(100)).toBeGreaterThan(100);
    expect(log.inverse(log.t(100))).toBeCloseTo(100);
    expect(log.index(10_000)).toBe(255);
  });

  it('colour-bar ticks: nice linear steps, powers of ten on a log bar, symmetric when diverging', () => {
    expect(colorTicks(valueScale([0, 87], 'linear', false))).toEqual([0, 20, 40, 60, 80]);
    expect(colorTicks(valueScale([1, 10_000], 'log', false))).toEqual([0, 1, 10, 100, 1000, 10000]);
    expect(colorTicks(valueScale([-0.3, 0.2], 'linear', true))).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });

  it('text colour contrasts with the cell', () => {
    expect(textColorOn([255, 255, 255])).toBe('#111111');
    expect(textColorOn([8, 48, 107])).toBe('#ffffff');
    expect(textColorOn([241, 211, 107])).toBe('#111111');
  });

  it('formats counts, weights, percentages and differences', () => {
    expect(formatValue(1234, 'none', true)).toBe('1,234');
    expect(formatValue(0.123456, 'none', false)).toBe('0.123');
    expect(formatValue(0.5, 'true', false)).toBe('50%');
    expect(formatValue(0.0123, 'pred', false)).toBe('1.2%');
    expect(formatValue(0.0002, 'all', false)).toBe('0.02%');
    expect(formatValue(3, 'none', true, true)).toBe('+3');
    expect(formatValue(-0.05, 'true', false, true)).toBe('-5.0%');
    expect(formatCell(123_456, 'none', true)).toBe('123k');
  });
});

// ------------------------------------------------------------------ geometry

describe('geometry', () => {
  const n = 1000;
  const size = 600;

  it('zooming keeps the cell under the pointer in place', () => {
    const v = zoomAt(fullView(n), 4, 150, 450, n, size);
    expect(v.span).toBe(250);
    // the cell under (150, 450) before: (250, 750); after: the same
    const before = cellAtPlot(fullView(n), 150, 450, n, size);
    const after = cellAtPlot(v, 150, 450, n, size);
    expect(after).toEqual(before);
    expect(before).toEqual([750, 250]);
  });

  it('clamps zoom (at most MAX_CELL_PX per cell, never beyond the whole) and pan (inside the matrix)', () => {
    const deep = zoomAt(fullView(n), 1e6, 0, 0, n, size);
    expect(size / deep.span).toBeCloseTo(96);
    expect(zoomAt(fullView(n), 0.1, 300, 300, n, size)).toEqual(fullView(n));
    const v = panBy({ x0: 10, y0: 10, span: 100 }, 1e5, -1e5, n, size);
    expect(v).toEqual({ x0: 0, y0: 900, span: 100 });
    expect(clampView({ x0: -5, y0: 2000, span: 5000 }, n, size)).toEqual(fullView(n));
  });

  it('hit-testing: outside the plot is null; cells are [row, column]', () => {
    const v = { x0: 100, y0: 200, span: 10 };
    expect(cellAtPlot(v, 0, 0, n, size)).toEqual([200, 100]);
    expect(cellAtPlot(v, 599, 61, n, size)).toEqual([201, 109]);
    expect(cellAtPlot(v, -1, 10, n, size)).toBeNull();
    expect(cellAtPlot(v, 10, 600, n, size)).toBeNull();
  });

  it('arrow keys move within the matrix; the view follows the least', () => {
    expect(arrowMove('ArrowDown', [5, 5], 1, 10)).toEqual([6, 5]);
    expect(arrowMove('ArrowLeft', [5, 0], 1, 10)).toEqual([5, 0]);
    expect(arrowMove('ArrowRight', [5, 5], 10, 10)).toEqual([5, 9]);
    expect(arrowMove('a', [5, 5], 1, 10)).toBeNull();
    const v = { x0: 100, y0: 100, span: 10 };
    expect(ensureVisible(v, [105, 105], n, size)).toEqual(v);
    expect(ensureVisible(v, [110, 99], n, size)).toEqual({ x0: 99, y0: 101, span: 10 });
  });

  it('visible cells include partly visible ones', () => {
    expect(visibleCells({ x0: 10.5, y0: 0, span: 20 }, n)).toEqual({ row0: 0, row1: 20, col0: 10, col1: 31 });
    expect(visibleCells(fullView(n), n)).toEqual({ row0: 0, row1: n, col0: 0, col1: n });
  });

  it('centres on a cell, zooming in until it is readable', () => {
    const v = centreOn(fullView(n), 500, 20, n, size);
    expect(size / v.span).toBeGreaterThanOrEqual(40);
    const [q, p] = cellAtPlot(v, size / 2, size / 2, n, size) as [number, number];
    expect(Math.abs(q - 500)).toBeLessThanOrEqual(1);
    expect(Math.abs(p - 20)).toBeLessThanOrEqual(1);
    expect(centreOn(fullView(n), 0, 999, n, size).x0 + centreOn(fullView(n), 0, 999, n, size).span).toBe(n);
  });

  it('labels thin out in 1-2-5 steps as cells shrink and all come back when they are tall enough', () => {
    expect(labelStep(20, 12)).toBe(1);
    expect(labelStep(12, 12)).toBe(1);
    expect(labelStep(7, 12)).toBe(2);
    expect(labelStep(3, 12)).toBe(5);
    expect(labelStep(0.6, 12)).toBe(20);
    // 1,000 labels on 600 px: never more than fit
    const step = labelStep(0.6, 12);
    expect(Math.ceil(1000 / step) * 12).toBeLessThanOrEqual(600 * 1.01);
  });

  it('truncates with an ellipsis to a width', () => {
    const m = (s: string): number => s.length * 6;
    expect(truncate('short', 60, m)).toBe('short');
    expect(truncate('a very long class name', 60, m)).toBe('a very lo…');
    expect(m(truncate('a very long class name', 60, m))).toBeLessThanOrEqual(60);
    expect(truncate('abc', 2, m)).toBe('…');
  });

  it('pools when cells are below a device pixel', () => {
    expect(poolFactor(1000, 600)).toBe(2);
    expect(poolFactor(1000, 1200)).toBe(1);
    expect(poolFactor(3000, 600)).toBe(5);
  });

  it('layout: a square plot inside the width, labels left and below, the colour bar right', () => {
    const L = computeLayout(900, 1000, 300);
    expect(L.plotX).toBeGreaterThan(L.labelWidth);
    expect(L.labelWidth).toBeLessThanOrEqual(160);
    expect(L.barX + L.barWidth).toBeLessThan(900);
    expect(L.height).toBeGreaterThan(L.plotY + L.plotSize + L.labelWidth);
  });
});

// ------------------------------------------------------------------ bitmap

describe('bitmap', () => {
  it('cell indices follow the display order; pooling keeps the strongest cell of each block', () => {
    const n = 4;
    const shown = new Float64Array(16);
    shown[0 * 4 + 3] = 10; // class 0 -> 3
    shown[2 * 4 + 1] = 1; // class 2 -> 1
    const order = Int32Array.from([3, 2, 1, 0]);
    const s = valueScale(shown, 'linear', false);
    const idx = cellIndices(shown, order, n, s);
    // display row 3 is class 0; display column 0 is class 3
    expect(idx[3 * 4 + 0]).toBe(255);
    expect(idx[1 * 4 + 2]).toBe(s.index(1));
    expect([...idx].filter((i) => i > 0)).toHaveLength(2);
    const pooled = poolIndices(idx, n, 2, false);
    expect(pooled.w).toBe(2);
    expect([...pooled.idx]).toEqual([0, s.index(1), 255, 0]);
    const px = indexPixels(pooled.idx, colorTable(LIGHT, false));
    expect([...px.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it('diverging pooling keeps the value farthest from 0 of either sign', () => {
    const idx = Uint8Array.from([MID, MID + 5, MID - 20, MID]);
    expect([...poolIndices(idx, 2, 2, true).idx]).toEqual([MID - 20]);
  });
});

// ------------------------------------------------------------------ the component

function data(n: number, extra: Partial<HeatmapData> = {}): HeatmapData {
  const raw = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    raw[i * n + i] = 50;
    raw[i * n + ((i + 1) % n)] = 5;
  }
  return {
    n,
    labels: Array.from({ length: n }, (_, i) => `class ${i}`),
    shown: raw,
    raw,
    integer: true,
    mode: 'none',
    order: classOrder('label', raw, n),
    scale: 'linear',
    diverging: false,
    highlight: null,
    selected: null,
    axisTitles: { true: 'True class', pred: 'Predicted class' },
    ...extra,
  };
}

function mount(d: HeatmapData, cb: Partial<{ cell: number[][]; label: number[] }> = {}): Heatmap {
  const cells = cb.cell ?? [];
  const labels = cb.label ?? [];
  const h = new Heatmap(document, LIGHT, {
    onCellClick: (r, c) => cells.push([r, c]),
    onLabelClick: (c) => labels.push(c),
  });
  document.body.appendChild(h.element);
  h.setData(d);
  return h;
}

const texts = (): string[] => calls.filter((c) => c.name === 'fillText').map((c) => String(c.args[0]));

function pointer(h: Heatmap, type: string, x: number, y: number): void {
  const canvas = h.element.querySelector('canvas') as HTMLCanvasElement;
  canvas.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }));
}

describe('Heatmap', () => {
  it('draws 1,000 classes with thinned labels, no numbers in sub-pixel cells, and exposes its state', () => {
    const h = mount(data(1000));
    const drawn = texts();
    const labels = drawn.filter((t) => t.startsWith('class'));
    const L = computeLayout(640, 1000, 7 * 6);
    // two axes, each at most one label per line of text
    expect(labels.length).toBeGreaterThan(20);
    expect(labels.length).toBeLessThanOrEqual(2 * Math.ceil(L.plotSize / 12));
    expect(drawn.filter((t) => t === '50')).toHaveLength(1); // the colour bar's top tick, no cell
    expect(h.element.dataset.n).toBe('1000');
    expect(h.element.dataset.zoom).toBe('1.000');
    expect(h.element.querySelectorAll('*').length).toBeLessThan(10); // one canvas, not 1M elements
    h.dispose();
  });

  it('zooming in brings every label back and writes counts in cells that fit', () => {
    const h = mount(data(1000));
    h.focusCell(500, 501);
    calls.length = 0;
    h.draw();
    const r = h.visibleRange();
    expect(r.cellPx).toBeGreaterThanOrEqual(28);
    expect(r.row0).toBeLessThanOrEqual(500);
    expect(r.row1).toBeGreaterThan(500);
    const drawn = texts();
    for (let q = r.row0 + 1; q < r.row1 - 1; q++) expect(drawn).toContain(`class ${q}`);
    expect(drawn).toContain('50');
    expect(drawn).toContain('5');
    expect(Number(h.element.dataset.zoom)).toBeGreaterThan(10);
    h.resetZoom();
    expect(h.element.dataset.zoom).toBe('1.000');
  });

  it('hover shows true, predicted, count and both percentages as text; click reports class indices', () => {
    const cells: number[][] = [];
    const d = data(4, { labels: ['<img src=x onerror=alert(1)>', 'dog', 'owl', 'cat'] });
    d.order = Int32Array.from([3, 2, 1, 0]);
    const h = mount(d, { cell: cells });
    const vr = h.visibleRange();
    const c = h.cellCentre(0, 1) as { x: number; y: number };
    expect(h.cellAt(c.x, c.y)).toEqual({ row: 0, col: 1 });
    pointer(h, 'pointermove', c.x, c.y);
    const tip = h.element.querySelector('.mv-Heatmap-tip') as HTMLElement;
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain('true: <img src=x onerror=alert(1)>');
    expect(tip.querySelector('img')).toBeNull();
    expect(tip.textContent).toContain('predicted: dog');
    expect(tip.textContent).toContain('count: 5');
    expect(tip.textContent).toContain('row %: 9.1%'); // 5 of 55
    expect(tip.textContent).toContain('column %: 9.1%'); // 5 of 55
    expect(h.element.querySelector('[aria-live]')?.textContent).toBe(''); // a hover is not announced
    pointer(h, 'pointerdown', c.x, c.y);
    pointer(h, 'pointerup', c.x, c.y);
    expect(cells).toEqual([[0, 1]]);
    // new data under a still pointer: the open tooltip says the new numbers
    const raw = d.raw.slice();
    raw[0 * 4 + 1] = 7;
    h.setData({ ...d, raw, shown: raw });
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain('count: 7');
    expect(vr.zoom).toBe(1);
  });

  it('a hover redraws only the overlay outline, not the matrix', () => {
    const h = mount(data(1000));
    const c = h.cellCentre(10, 20) as { x: number; y: number };
    calls.length = 0;
    pointer(h, 'pointermove', c.x, c.y);
    h.drawPending();
    expect(calls.filter((k) => k.name === 'drawImage')).toHaveLength(0);
    expect(calls.filter((k) => k.name === 'fillText')).toHaveLength(0);
    expect(calls.filter((k) => k.name === 'strokeRect')).toHaveLength(2); // the outline, with its halo
    expect(calls.filter((k) => k.name === 'clearRect')).toHaveLength(1);
  });

  it('a drag pans instead of clicking', () => {
    const cells: number[][] = [];
    const h = mount(data(200), { cell: cells });
    h.zoomBy(4);
    const before = h.visibleRange();
    const c = h.cellCentre(100, 100) as { x: number; y: number };
    pointer(h, 'pointerdown', c.x, c.y);
    pointer(h, 'pointermove', c.x + 60, c.y + 60);
    pointer(h, 'pointerup', c.x + 60, c.y + 60);
    h.draw();
    const after = h.visibleRange();
    expect(after.col0).toBeLessThan(before.col0);
    expect(after.row0).toBeLessThan(before.row0);
    expect(cells).toEqual([]);
  });

  it('label hover names the class in full; a label click reports it', () => {
    const labels: number[] = [];
    const long = 'a really very extremely long class name that cannot fit';
    const h = mount(data(3, { labels: ['a', long, 'c'] }), { label: labels });
    const c = h.cellCentre(1, 0) as { x: number; y: number };
    const L = computeLayout(640, 3, 60);
    pointer(h, 'pointermove', L.plotX - 10, c.y);
    const tip = h.element.querySelector('.mv-Heatmap-tip') as HTMLElement;
    expect(tip.textContent).toBe(`True class: ${long}`);
    expect(texts().some((t) => t.endsWith('…'))).toBe(true);
    pointer(h, 'pointerdown', L.plotX - 10, c.y);
    pointer(h, 'pointerup', L.plotX - 10, c.y);
    expect(labels).toEqual([1]);
  });

  it('keyboard: arrows move the cursor, Enter clicks it', () => {
    const cells: number[][] = [];
    const d = data(5, { selected: [2, 2] });
    const h = mount(d, { cell: cells });
    const canvas = h.element.querySelector('canvas') as HTMLCanvasElement;
    const key = (k: string): void => {
      canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    };
    key('ArrowRight');
    key('ArrowRight');
    key('ArrowUp');
    key('Enter');
    expect(cells).toEqual([[1, 4]]);
    key('ArrowRight'); // clamped at the edge
    key('Enter');
    expect(cells[1]).toEqual([1, 4]);
    // the moved-to cell is said to screen readers; a mouse hover is not
    const live = h.element.querySelector('[aria-live]') as HTMLElement;
    expect(live.textContent).toBe(
      'true: class 1; predicted: class 4; count: 0; row %: 0% of true (recall share); column %: 0% of predicted (precision share)',
    );
  });

  it('keeps the zoom across updates of the same size, resets it for a new size', () => {
    const h = mount(data(300));
    h.zoomBy(3);
    h.setData(data(300, { scale: 'log', highlight: 7 }));
    expect(Number(h.element.dataset.zoom)).toBeCloseTo(3);
    h.setData(data(40));
    expect(h.element.dataset.zoom).toBe('1.000');
  });

  it('recolours only when the values, order or scale change, not for a highlight or a selection', () => {
    // JSDOM has no ImageData: a stand-in lets the bitmap be built (into the recording context)
    const G = globalThis as { ImageData?: unknown };
    const had = G.ImageData;
    G.ImageData = class {
      constructor(
        public data: Uint8ClampedArray,
        public width: number,
        public height: number,
      ) {}
    };
    try {
      const d = data(50);
      const h = mount(d);
      const puts = (): Call[] => calls.filter((c) => c.name === 'putImageData');
      expect(puts().length).toBeGreaterThanOrEqual(2); // the matrix and the colour bar
      calls.length = 0;
      h.setData({ ...d, highlight: 3, selected: [3, 4] });
      expect(puts()).toHaveLength(0);
      expect(calls.filter((c) => c.name === 'drawImage').length).toBeGreaterThan(0); // redrawn all the same
      h.setData({ ...d, shown: d.shown.slice(), highlight: 4 }); // a copy with equal values
      expect(puts()).toHaveLength(0);
      const changed = d.shown.slice();
      changed[7] += 1;
      h.setData({ ...d, shown: changed });
      expect(puts().length).toBeGreaterThanOrEqual(2);
      calls.length = 0;
      h.setData({ ...d, order: classOrder('support', d.raw, 50) });
      expect(puts().length).toBeGreaterThanOrEqual(2);
      calls.length = 0;
      h.setData({ ...d, scale: 'log' });
      expect(puts().length).toBeGreaterThanOrEqual(2);
    } finally {
      G.ImageData = had;
    }
  });

  it('follows its container width (ResizeObserver), keeping the zoom', () => {
    const G = globalThis as { ResizeObserver?: unknown };
    const had = G.ResizeObserver;
    let fire = (): void => undefined;
    G.ResizeObserver = class {
      constructor(cb: () => void) {
        fire = cb;
      }
      observe(): void {}
      disconnect(): void {}
    };
    try {
      const h = mount(data(100));
      const canvas = h.element.querySelector('canvas') as HTMLCanvasElement;
      expect(canvas.style.width).toBe('640px');
      h.zoomBy(2);
      Object.defineProperty(h.element, 'clientWidth', { configurable: true, get: () => 1000 });
      fire();
      expect(canvas.style.width).toBe('1000px');
      expect(Number(h.element.dataset.zoom)).toBeCloseTo(2);
      h.dispose();
    } finally {
      G.ResizeObserver = had;
    }
  });

  it('an empty matrix draws without throwing', () => {
    const h = mount(data(0));
    expect(h.element.dataset.n).toBe('0');
    expect(h.cellAt(300, 300)).toBeNull();
    expect(h.toSVG()).toContain('<svg');
  });

  it('highlight dims all but the class row and column; the selected cell is outlined', () => {
    const h = mount(data(10, { highlight: 3, selected: [3, 4] }));
    const dims = calls.filter((c) => c.name === 'fillRect');
    expect(dims.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => c.name === 'strokeRect').length).toBeGreaterThanOrEqual(4);
    h.setTheme(DARK);
    h.dispose();
    expect(h.element.children).toHaveLength(0);
  });
});

// ------------------------------------------------------------------ export

describe('SVG export', () => {
  it('one rect per non-empty cell, escaped labels with their full names, a colour bar', () => {
    const d = data(4, { labels: ['a&b', '<script>x</script>', 'c"d', 'e'] });
    const h = mount(d);
    const svg = h.toSVG();
    expect(svg.startsWith('<svg')).toBe(true);
    // 4 diagonal + 4 off-diagonal cells, plus background, plot frame and colour bar
    expect((svg.match(/<rect /g) ?? []).length).toBe(8 + 3);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).toContain('c&quot;d');
    expect(svg).toContain('linearGradient');
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect([...doc.querySelectorAll('title')].map((t) => t.textContent)).toContain('<script>x</script>');
    // an export ends after the colour bar's ticks, not at the output's full width
    expect(Number(doc.documentElement.getAttribute('width'))).toBeLessThan(640);
  });

  it('above the rect limit the matrix is one embedded image', () => {
    const n = SVG_RECT_MAX + 10;
    const raw = data(n).raw;
    const order = classOrder('label', raw, n);
    const scale = valueScale(raw, 'linear', false);
    const lut = colorTable(LIGHT, false);
    const svg = matrixSVG({
      layout: computeLayout(800, n, 60),
      n,
      labels: Array.from({ length: n }, (_, i) => `c${i}`),
      order,
      shown: raw,
      idx: cellIndices(raw, order, n, scale),
      lut,
      textColors: [],
      mode: 'none',
      integer: true,
      scale,
      theme: LIGHT,
      axisTitles: { true: 'T', pred: 'P' },
      png: 'data:image/png;base64,AAAA',
    });
    expect((svg.match(/<image /g) ?? []).length).toBe(1);
    expect((svg.match(/<rect /g) ?? []).length).toBe(3);
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});
