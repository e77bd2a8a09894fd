// Page side of bench/confusion/run_browser.py, bundled by esbuild into .cache/bench/confusion/page.js (an IIFE) and
// loaded by the runner's two pages: ours (this bundle only) and the anchor (this bundle plus plotly.min.js). Everything
// is timed with performance.now() inside the page, so the driver's round trips never count. A frame's pixels are
// forced with a 1×1 getImageData (the canvas is rasterised before it returns).
import { DARK, LIGHT } from '../../renderers/src/core/theme';
import { validatePayload } from '../../renderers/src/core/validate';
import { decodeTensor, toNumbers } from '../../renderers/src/core/tensor';
import { Heatmap } from '../../renderers/src/confusion/heatmap';
import { classOrder, type OrderKind } from '../../renderers/src/confusion/order';
import { topConfused } from '../../renderers/src/confusion/pairs';
import { normalized, parseConfusion, type Normalize } from '../../renderers/src/confusion/parse';
import type { ConfusionPayload } from '../../renderers/src/generated/confusion';

interface PlotlyLike {
  newPlot(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  relayout(el: HTMLElement, update: unknown): Promise<unknown>;
  purge(el: HTMLElement): void;
  Fx: { hover(el: HTMLElement, at: unknown): void; unhover(el: HTMLElement): void };
}

declare global {
  interface Window {
    confusionBench: typeof bench;
    confusionBenchText: string;
    Plotly?: PlotlyLike;
  }
}

const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame((t) => r(t)));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
function flush(canvas: HTMLCanvasElement | null): void {
  canvas?.getContext('2d')?.getImageData(0, 0, 1, 1);
}
/** A seeded generator, so both sides hover and zoom the same places. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let heatmap: Heatmap | null = null;
let box: HTMLDivElement | null = null;
let plot: HTMLDivElement | null = null;

function newBox(width: number, theme: 'light' | 'dark'): HTMLDivElement {
  const el = document.createElement('div');
  el.style.width = `${width}px`;
  el.style.padding = '8px';
  el.style.background = theme === 'dark' ? DARK.background : LIGHT.background;
  el.style.color = theme === 'dark' ? DARK.foreground : LIGHT.foreground;
  document.body.appendChild(el);
  return el;
}

const bench = {
  /**
   * Ours: payload text -> JSON.parse -> schema check -> parse + decode -> shown/order -> Heatmap.setData -> pixels
   * (+ one frame).
   */
  async oursFirstPaint(width: number, theme: 'light' | 'dark' = 'light', order = 'label') {
    bench.oursDispose();
    await frame();
    const t0 = performance.now();
    const payload = JSON.parse(window.confusionBenchText) as ConfusionPayload;
    const tv = performance.now();
    // the schema check every render does first (as mount does), then parse and decode
    const problems = validatePayload('confusion', payload);
    if (problems.length) throw new Error(`invalid payload: ${JSON.stringify(problems[0])}`);
    const tc = performance.now();
    const c = parseConfusion(payload);
    const t1 = performance.now();
    const shown = normalized(c.values, c.n, 'none');
    const ord = classOrder(order as 'label', c.values, c.n);
    const t2 = performance.now();
    box = newBox(width, theme);
    heatmap = new Heatmap(document, theme === 'dark' ? DARK : LIGHT, { onCellClick: () => undefined });
    box.appendChild(heatmap.element);
    heatmap.setData({
      n: c.n,
      labels: c.labels,
      shown,
      raw: c.values,
      integer: c.integer,
      mode: 'none',
      order: ord,
      scale: 'linear',
      diverging: false,
      highlight: null,
      selected: null,
      axisTitles: c.axisTitles,
    });
    const t3 = performance.now();
    flush(box.querySelector('canvas'));
    const pixels = performance.now() - t0;
    await frame();
    return {
      ms: performance.now() - t0,
      pixelsMs: pixels,
      parseMs: t1 - t0,
      jsonMs: tv - t0,
      schemaMs: tc - tv,
      prepareMs: t2 - t1,
      setDataMs: t3 - t2,
      drawMs: heatmap.lastDrawMs,
      n: c.n,
      zoom: heatmap.element.dataset.zoom,
    };
  },

  /** Class orders and the top-k list on the loaded matrix (ms each). */
  async oursOrders() {
    const c = parseConfusion(JSON.parse(window.confusionBenchText) as ConfusionPayload);
    const out: Record<string, number> = {};
    for (const k of ['support', 'error', 'cluster'] as const) {
      const t0 = performance.now();
      classOrder(k, c.values, c.n);
      out[k] = performance.now() - t0;
    }
    const t0 = performance.now();
    topConfused(c.values, c.n, 20);
    out.top20 = performance.now() - t0;
    return out;
  },

  /**
   * Hover frames: the tooltip and the redraw for a new cell (the overlay's outline), done synchronously (hoverAt +
   * drawPending) until the pixels are there; then the same driven by pointer events at one per animation frame, for the frame interval.
   */
  async oursHover(count: number, zoom: number) {
    const h = heatmap as Heatmap;
    h.resetZoom();
    if (zoom > 1) h.zoomBy(zoom);
    const canvas = h.element.querySelector('canvas') as HTMLCanvasElement;
    const overlay = h.element.querySelector('.mv-Heatmap-overlay') as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    const r = h.visibleRange();
    const rand = rng(7);
    const frameMs: number[] = [];
    const drawMs: number[] = [];
    for (let i = 0; i < count; i++) {
      await frame();
      // a point inside the plot: the centre of a random visible cell
      const q = r.row0 + Math.floor(rand() * (r.row1 - r.row0));
      const p = r.col0 + Math.floor(rand() * (r.col1 - r.col0));
      const t0 = performance.now();
      const cls = [q, p]; // label order: display position = class index
      const at = h.cellCentre(cls[0], cls[1]);
      if (!at) continue;
      h.hoverAt(at.x, at.y);
      drawMs.push(h.drawPending());
      flush(overlay);
      frameMs.push(performance.now() - t0);
    }
    // real pointer events, one per frame: the intervals between frames
    const stamps: number[] = [];
    for (let i = 0; i < Math.min(count, 30); i++) {
      const x = rect.left + 80 + ((i * 37) % Math.max(1, rect.width - 200));
      const y = rect.top + 20 + ((i * 53) % Math.max(1, rect.height - 200));
      canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true }));
      stamps.push(await frame());
    }
    const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
    const tip = h.element.querySelector('.mv-Heatmap-tip') as HTMLElement;
    return { frameMs, drawMs, interval: median(intervals), tip: tip.textContent, cellPx: h.visibleRange().cellPx };
  },

  /** Zoom frames: zoomBy about a random plot point (it redraws synchronously) until the pixels are there. */
  async oursZoom(count: number) {
    const h = heatmap as Heatmap;
    h.resetZoom();
    const canvas = h.element.querySelector('canvas') as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    const rand = rng(11);
    const frameMs: number[] = [];
    const zooms: number[] = [];
    for (let i = 0; i < count; i++) {
      await frame();
      const into = i % 12 < 8; // 8 steps in (to ~6x), 4 out, again
      const x = rect.left + 150 + rand() * 400;
      const y = rect.top + 50 + rand() * 400;
      const t0 = performance.now();
      h.zoomBy(into ? 1.25 : 1 / 1.25, x, y);
      flush(canvas);
      frameMs.push(performance.now() - t0);
      zooms.push(Number(h.element.dataset.zoom));
    }
    const pan: number[] = [];
    for (let i = 0; i < Math.min(count, 20); i++) {
      await frame();
      const t0 = performance.now();
      h.panBy(i % 2 ? 40 : -40, 25);
      flush(canvas);
      pan.push(performance.now() - t0);
    }
    // pan frames zoomed in so far that every cell has its number written (~40 px cells, ~300 numbers a frame)
    const mid = Math.floor(h.visibleRange().row1 / 2);
    h.resetZoom();
    h.focusCell(mid, mid);
    const textPan: number[] = [];
    for (let i = 0; i < Math.min(count, 20); i++) {
      await frame();
      const t0 = performance.now();
      h.panBy(i % 2 ? 30 : -30, 17);
      flush(canvas);
      textPan.push(performance.now() - t0);
    }
    const textCellPx = h.visibleRange().cellPx;
    return { frameMs, pan, textPan, textCellPx, maxZoom: Math.max(...zooms), cellPx: h.visibleRange().cellPx };
  },

  /** Zoom into a cell until numbers are written in it (for the screenshot). */
  oursFocus(row: number, col: number, highlight: number | null) {
    const h = heatmap as Heatmap;
    if (highlight !== null) {
      const c = parseConfusion(JSON.parse(window.confusionBenchText) as ConfusionPayload);
      h.setData({
        n: c.n,
        labels: c.labels,
        shown: c.values,
        raw: c.values,
        integer: c.integer,
        mode: 'none',
        order: classOrder('label', c.values, c.n),
        scale: 'log',
        diverging: false,
        highlight,
        selected: [row, col],
        axisTitles: c.axisTitles,
      });
    }
    h.focusCell(row, col);
    const at = h.cellCentre(row, col);
    if (at) h.hoverAt(at.x, at.y);
    h.draw();
    return h.visibleRange();
  },

  /**
   * A variant for the screenshots (not timed): normalisation, log scale, a difference against a perturbed copy
   * (diverging), order, highlight and selection, then zoomed onto a cell with the hover on it.
   */
  oursVariant(o: {
    mode?: Normalize;
    scale?: 'linear' | 'log';
    diverging?: boolean;
    order?: OrderKind;
    focus?: [number, number] | null;
    highlight?: number | null;
  }) {
    const h = heatmap as Heatmap;
    const c = parseConfusion(JSON.parse(window.confusionBenchText) as ConfusionPayload);
    const n = c.n;
    const mode = o.mode ?? 'none';
    let shown = normalized(c.values, n, mode);
    if (o.diverging) {
      const other = c.values.map((v, k) => Math.round(v * (1 + 0.6 * Math.sin(k * 0.37))));
      const b = normalized(other, n, mode);
      shown = shown.map((v, k) => v - b[k]);
    }
    h.setData({
      n,
      labels: c.labels,
      shown,
      raw: c.values,
      integer: c.integer,
      mode,
      order: classOrder(o.order ?? 'label', c.values, n),
      scale: o.scale ?? 'linear',
      diverging: Boolean(o.diverging),
      highlight: o.highlight ?? null,
      selected: o.focus ?? null,
      axisTitles: c.axisTitles,
    });
    if (o.focus) {
      h.focusCell(o.focus[0], o.focus[1]);
      const at = h.cellCentre(o.focus[0], o.focus[1]);
      if (at) h.hoverAt(at.x, at.y);
    } else h.resetZoom();
    h.draw();
    return h.visibleRange();
  },

  /** The SVG export shown as an image on the page (for the screenshot), and its size in characters. */
  async oursSvg() {
    const h = heatmap as Heatmap;
    const svg = h.toSVG();
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    await img.decode();
    (box as HTMLDivElement).replaceChildren(img);
    const png = h.toCanvas(1).toDataURL('image/png').length;
    return {
      chars: svg.length,
      images: (svg.match(/<image /g) ?? []).length,
      rects: (svg.match(/<rect /g) ?? []).length,
      png,
    };
  },

  oursDispose() {
    heatmap?.dispose();
    box?.remove();
    heatmap = null;
    box = null;
  },

  /** The anchor: JSON.parse -> decode -> number[][] -> Plotly.newPlot(heatmap) -> two frames. */
  async plotlyFirstPaint(width: number) {
    const Plotly = window.Plotly as PlotlyLike;
    bench.plotlyDispose();
    await frame();
    const t0 = performance.now();
    const payload = JSON.parse(window.confusionBenchText) as ConfusionPayload;
    const values = toNumbers(decodeTensor(payload.matrix, '/matrix'));
    const n = payload.labels.length;
    const z: number[][] = [];
    for (let i = 0; i < n; i++) z.push(Array.from(values.subarray(i * n, (i + 1) * n)));
    plot = newBox(width, 'light');
    const size = Math.min(width - 200, 760);
    await Plotly.newPlot(
      plot,
      [{ type: 'heatmap', z, x: payload.labels, y: payload.labels, colorscale: 'Blues', reversescale: true }],
      {
        width: size + 200,
        height: size + 160,
        margin: { l: 140, b: 140, t: 10, r: 60 },
        yaxis: { autorange: 'reversed' },
      },
      { displaylogo: false },
    );
    await frame();
    await frame();
    return { ms: performance.now() - t0, n };
  },

  /** The anchor's hover: Plotly.Fx.hover at a cell (finds it, draws its hover label), layout; then one frame. */
  async plotlyHover(count: number) {
    const Plotly = window.Plotly as PlotlyLike;
    const el = plot as HTMLDivElement;
    const n = JSON.parse(window.confusionBenchText).labels.length as number;
    const rand = rng(7);
    const frameMs: number[] = [];
    const withFrame: number[] = [];
    let label = '';
    for (let i = 0; i < count; i++) {
      // Plotly throttles hover to one per 50 ms: leave more between them
      await new Promise((r) => setTimeout(r, 60));
      await frame();
      const q = Math.floor(rand() * n);
      const p = Math.floor(rand() * n);
      const t0 = performance.now();
      Plotly.Fx.hover(el, { xval: p, yval: q });
      void el.getBoundingClientRect(); // style and layout of the new hover label
      frameMs.push(performance.now() - t0);
      label = el.querySelector('.hovertext')?.textContent ?? '';
      await frame();
      withFrame.push(performance.now() - t0);
    }
    Plotly.Fx.unhover(el);
    return { frameMs, withFrame, label };
  },

  /** The anchor's zoom: Plotly.relayout to a new square range, then one frame. */
  async plotlyZoom(count: number) {
    const Plotly = window.Plotly as PlotlyLike;
    const el = plot as HTMLDivElement;
    const n = JSON.parse(window.confusionBenchText).labels.length as number;
    const rand = rng(11);
    const frameMs: number[] = [];
    const withFrame: number[] = [];
    let span = n;
    for (let i = 0; i < count; i++) {
      await frame();
      span = i % 12 < 8 ? span / 1.25 : span * 1.25;
      const x0 = rand() * (n - span);
      const y0 = rand() * (n - span);
      const t0 = performance.now();
      await Plotly.relayout(el, {
        'xaxis.range': [x0 - 0.5, x0 + span - 0.5],
        'yaxis.range': [y0 + span - 0.5, y0 - 0.5],
      });
      void el.getBoundingClientRect();
      frameMs.push(performance.now() - t0);
      await frame();
      withFrame.push(performance.now() - t0);
    }
    return { frameMs, withFrame };
  },

  plotlyDispose() {
    if (plot) window.Plotly?.purge(plot);
    plot?.remove();
    plot = null;
  },
};

window.confusionBench = bench;
document.body.style.margin = '0';
document.body.dataset.ready = 'true';
