// The confusion matrix as one 2-D canvas (see heatmap-draw.ts for why not WebGL; a transparent overlay canvas above it
// holds only the hover and keyboard-cursor outlines, so a hover redraws two rectangles): zoom (wheel over the
// plot, +/− buttons, keys), pan (drag), thinning axis labels, numbers in cells that fit, a hover tooltip, a colour
// bar, highlight of a class, the selected cell, keyboard selection. Device-pixel-ratio aware; follows its container's
// width. Automation: element.dataset (n, zoom, x0, y0, span), `element.mvHeatmap` (this), cellAt(), visibleRange().
import type { Theme } from '../core/types.js';
import { valueScale, type ValueScale } from './colors.js';
import { cellIndices, drawOverlay, drawScene, type Scene } from './heatmap-draw.js';
import { MatrixImages, makeCanvas } from './heatmap-images.js';
import { Tooltip, ZoomButtons, cellTooltip, marginals } from './heatmap-chrome.js';
import {
  cellAtPlot,
  cellPx,
  arrowMove,
  centreOn,
  clampView,
  ensureVisible,
  computeLayout,
  fullView,
  panBy,
  poolFactor,
  visibleCells,
  zoomAt,
  type Layout,
  type Range,
  type Viewport,
} from './heatmap-geom.js';
import { matrixSVG, SVG_RECT_MAX } from './heatmap-svg.js';
import { positions } from './order.js';
import type { Normalize } from './parse.js';

export interface HeatmapData {
  n: number;
  labels: string[];
  shown: Float64Array;
  raw: Float64Array;
  integer: boolean;
  mode: Normalize;
  order: Int32Array;
  scale: 'linear' | 'log';
  diverging: boolean;
  highlight: number | null;
  selected: [number, number] | null;
  axisTitles: { true: string; pred: string };
}

export interface HeatmapCallbacks {
  onCellClick(row: number, col: number): void;
  onLabelClick?(cls: number): void;
}

/** What is under a point: a cell (class indices) or an axis label (class index). */
export type Hit = { kind: 'cell'; row: number; col: number } | { kind: 'label'; axis: 'true' | 'pred'; cls: number };

const ZOOM_STEP = 1.6;

/** Same array, or the same length and values (NaN equal to NaN); stops at the first difference. */
export function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k] && !(Number.isNaN(a[k]) && Number.isNaN(b[k]))) return false;
  return true;
}

export class Heatmap {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  /** hover and keyboard-cursor outlines, above the canvas */
  private readonly overlay: HTMLCanvasElement;
  private readonly octx: CanvasRenderingContext2D | null;
  /** what the next animation frame redraws */
  private pending: 'none' | 'overlay' | 'full' = 'none';
  private readonly tip: Tooltip;
  private readonly zoomBar: ZoomButtons;
  private readonly doc: Document;
  private data: HeatmapData | null = null;
  private pos: Int32Array = new Int32Array(0);
  private rowSum: Float64Array = new Float64Array(0);
  private colSum: Float64Array = new Float64Array(0);
  private scaleMap: ValueScale = valueScale([], 'linear', false);
  private readonly images: MatrixImages;
  private labelMax = 60;
  private labelsRef: string[] | null = null;
  private readonly labelCache = new Map<string, string>();
  private layout: Layout;
  private view: Viewport = fullView(1);
  private hover: [number, number] | null = null;
  private cursor: [number, number] | null = null;
  private drag: { x: number; y: number; view: Viewport; moved: boolean; id: number } | null = null;
  private raf = 0;
  private width = 0;
  private readonly resize: ResizeObserver | null = null;
  /** milliseconds of the last draw's synchronous part (for benchmarks) */
  lastDrawMs = 0;

  constructor(
    doc: Document,
    private theme: Theme,
    private readonly callbacks: HeatmapCallbacks,
  ) {
    this.doc = doc;
    const el = doc.createElement('div');
    el.className = 'mv-Heatmap';
    el.style.position = 'relative';
    el.style.userSelect = 'none';
    this.element = el;
    (el as HTMLElement & { mvHeatmap?: Heatmap }).mvHeatmap = this;
    const canvas = doc.createElement('canvas');
    canvas.className = 'mv-Heatmap-canvas';
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-roledescription', 'confusion matrix');
    canvas.setAttribute('aria-label', 'Confusion matrix: arrow keys move, Enter selects, + and − zoom, 0 resets');
    canvas.style.display = 'block';
    canvas.style.touchAction = 'none';
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.overlay = doc.createElement('canvas');
    this.overlay.className = 'mv-Heatmap-overlay';
    this.overlay.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;';
    this.octx = this.overlay.getContext('2d');
    this.zoomBar = new ZoomButtons(
      doc,
      () => this.zoomBy(ZOOM_STEP),
      () => this.zoomBy(1 / ZOOM_STEP),
      () => this.resetZoom(),
    );
    this.tip = new Tooltip(doc);
    this.images = new MatrixImages(doc);
    el.append(canvas, this.overlay, this.zoomBar.el, this.tip.el, this.tip.live);
    this.styleChrome();
    this.layout = computeLayout(640, 1, 60);
    canvas.addEventListener('wheel', this.onWheel, { passive: false });
    canvas.addEventListener('pointerdown', this.onDown);
    canvas.addEventListener('pointermove', this.onMove);
    canvas.addEventListener('pointerup', this.onUp);
    canvas.addEventListener('pointercancel', this.onCancel);
    canvas.addEventListener('pointerleave', this.onLeave);
    canvas.addEventListener('keydown', this.onKey);
    const RO = (doc.defaultView as (Window & typeof globalThis) | null)?.ResizeObserver;
    if (RO) {
      this.resize = new RO(() => {
        if (this.data && this.measureWidth() !== this.width) this.relayout(true);
      });
      this.resize.observe(el);
    }
  }

  // ------------------------------------------------------------------ public API

  /**
   * Redraw with new data. Recolouring (1M cells at 1,000 classes, ~30 ms) is skipped when `shown` holds the same
   * values (the same array, or equal contents: ~1 ms to check) and `order`, `scale` and `diverging` are the same: a
   * change of highlight or selection only redraws.
   */
  setData(d: HeatmapData): void {
    const prev = this.data;
    const same = prev !== null && prev.n === d.n;
    this.data = d;
    const n = d.n;
    if (!prev || prev.order !== d.order) this.pos = positions(d.order);
    if (!prev || prev.raw !== d.raw) ({ rows: this.rowSum, cols: this.colSum } = marginals(d.raw, n));
    if (d.labels !== this.labelsRef) {
      this.labelsRef = d.labels;
      this.labelCache.clear();
      this.labelMax = this.measureLabels(d.labels);
    }
    const recolour =
      !prev ||
      !sameValues(prev.shown, d.shown) ||
      prev.order !== d.order ||
      prev.scale !== d.scale ||
      prev.diverging !== d.diverging ||
      prev.n !== d.n;
    if (recolour) {
      this.scaleMap = valueScale(d.shown, d.scale, d.diverging);
      this.paint(cellIndices(d.shown, d.order, n, this.scaleMap));
    }
    if (!same) {
      this.view = fullView(n);
      this.cursor = null;
      this.hover = null;
    }
    if (d.selected) this.cursor = [this.pos[d.selected[0]], this.pos[d.selected[1]]];
    // an open tooltip follows the data under the pointer (new values, or another class there after a reorder)
    if (this.hover && !this.tip.el.hidden)
      this.tip.el.textContent = this.cellText(d.order[this.hover[0]], d.order[this.hover[1]]);
    else this.hideTip();
    this.relayout(same);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.labelCache.clear();
    this.styleChrome();
    if (this.data) {
      this.labelMax = this.measureLabels(this.data.labels);
      this.paint(this.images.idx);
      this.relayout(true);
    }
  }

  focusCell(row: number, col: number): void {
    if (!this.data) return;
    const q = this.pos[row];
    const p = this.pos[col];
    this.view = centreOn(this.view, q, p, this.data.n, this.layout.plotSize);
    this.cursor = [q, p];
    this.draw();
  }

  resetZoom(): void {
    if (!this.data) return;
    this.view = fullView(this.data.n);
    this.draw();
  }

  /** Zoom by a factor about a point (client coordinates; default the plot's centre). */
  zoomBy(factor: number, clientX?: number, clientY?: number): void {
    if (!this.data) return;
    const L = this.layout;
    let px = L.plotSize / 2;
    let py = L.plotSize / 2;
    if (clientX !== undefined && clientY !== undefined) [px, py] = this.toPlot(clientX, clientY);
    this.view = zoomAt(this.view, factor, px, py, this.data.n, L.plotSize);
    this.draw();
  }

  /** Pan by pixels (the content moves with the pointer). */
  panBy(dx: number, dy: number): void {
    if (!this.data) return;
    this.view = panBy(this.view, dx, dy, this.data.n, this.layout.plotSize);
    this.draw();
  }

  /** The cell (class indices) under a client point, or null. */
  cellAt(clientX: number, clientY: number): { row: number; col: number } | null {
    const h = this.hitAt(clientX, clientY);
    return h && h.kind === 'cell' ? { row: h.row, col: h.col } : null;
  }

  /** Client coordinates of the centre of a cell (class indices), or null when it is not in view. */
  cellCentre(row: number, col: number): { x: number; y: number } | null {
    if (!this.data) return null;
    const r = this.canvas.getBoundingClientRect();
    const L = this.layout;
    const cs = cellPx(this.view, L.plotSize);
    const x = L.plotX + (this.pos[col] - this.view.x0 + 0.5) * cs;
    const y = L.plotY + (this.pos[row] - this.view.y0 + 0.5) * cs;
    if (x < L.plotX || y < L.plotY || x >= L.plotX + L.plotSize || y >= L.plotY + L.plotSize) return null;
    return { x: r.left + x, y: r.top + y };
  }

  /** Display positions visible ([start, end) of rows and columns), the zoom factor and the cell size in CSS px. */
  visibleRange(): Range & { zoom: number; cellPx: number } {
    const n = this.data?.n ?? 0;
    return {
      ...visibleCells(this.view, n),
      zoom: n / this.view.span,
      cellPx: cellPx(this.view, this.layout.plotSize),
    };
  }

  /** The hover at a client point, as a pointer move would (for tests and benchmarks). */
  hoverAt(clientX: number, clientY: number): void {
    this.onHover(clientX, clientY);
  }

  /** The layout of an export: the whole matrix, no room for the zoom buttons, no blank beyond the colour bar. */
  private exportLayout(): Layout {
    const L = computeLayout(this.layout.width, this.data?.n ?? 0, this.labelMax, 720, 10);
    return { ...L, width: Math.min(L.width, L.barX + L.barWidth + 64) };
  }

  toCanvas(scale = 2): HTMLCanvasElement {
    const L = this.exportLayout();
    const c = makeCanvas(this.doc, Math.round(L.width * scale), Math.round(L.height * scale));
    const ctx = c.getContext('2d');
    if (!ctx || !this.data) return c;
    ctx.scale(scale, scale);
    drawScene(ctx, { ...this.scene(fullView(this.data.n), L.plotSize * scale, false), layout: L });
    return c;
  }

  toSVG(): string {
    const d = this.data;
    if (!d) return '<svg xmlns="http://www.w3.org/2000/svg"/>';
    let png: string | undefined;
    if (d.n > SVG_RECT_MAX && this.images.bitmap) {
      try {
        png = this.images.bitmap.toDataURL('image/png');
      } catch {
        png = undefined;
      }
    }
    return matrixSVG({
      layout: this.exportLayout(),
      n: d.n,
      labels: d.labels,
      order: d.order,
      shown: d.shown,
      idx: this.images.idx,
      lut: this.images.lut,
      textColors: this.images.text,
      mode: d.mode,
      integer: d.integer,
      scale: this.scaleMap,
      theme: this.theme,
      axisTitles: d.axisTitles,
      png,
    });
  }

  dispose(): void {
    const c = this.canvas;
    c.removeEventListener('wheel', this.onWheel);
    c.removeEventListener('pointerdown', this.onDown);
    c.removeEventListener('pointermove', this.onMove);
    c.removeEventListener('pointerup', this.onUp);
    c.removeEventListener('pointercancel', this.onCancel);
    c.removeEventListener('pointerleave', this.onLeave);
    c.removeEventListener('keydown', this.onKey);
    this.resize?.disconnect();
    if (this.raf) this.doc.defaultView?.cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.images.release();
    for (const c of [this.canvas, this.overlay]) c.width = c.height = 0;
    this.data = null;
    this.element.replaceChildren();
    delete (this.element as HTMLElement & { mvHeatmap?: Heatmap }).mvHeatmap;
  }

  /** Whatever an animation frame is waiting to redraw, now (synchronously); returns the milliseconds it took. */
  drawPending(): number {
    if (this.pending === 'full') return this.draw();
    if (this.raf) this.doc.defaultView?.cancelAnimationFrame(this.raf);
    this.raf = 0;
    const t0 = performance.now();
    if (this.pending === 'overlay' && this.octx && this.data) {
      const dpr = this.dpr();
      this.octx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawOverlay(this.octx, this.scene(this.view, this.layout.plotSize * dpr, true));
    }
    this.pending = 'none';
    return performance.now() - t0;
  }

  /** Draw everything now (synchronously); returns the milliseconds it took. */
  draw(): number {
    if (this.raf) this.doc.defaultView?.cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.pending = 'none';
    const t0 = performance.now();
    const d = this.data;
    const el = this.element;
    if (d) {
      el.dataset.n = String(d.n);
      el.dataset.zoom = (d.n / this.view.span).toFixed(3);
      el.dataset.x0 = this.view.x0.toFixed(2);
      el.dataset.y0 = this.view.y0.toFixed(2);
      el.dataset.span = this.view.span.toFixed(2);
    }
    if (this.ctx && d) {
      const dpr = this.dpr();
      this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const scene = this.scene(this.view, this.layout.plotSize * dpr, true);
      drawScene(this.ctx, { ...scene, interactive: false });
      if (this.octx) {
        this.octx.setTransform(dpr, 0, 0, dpr, 0, 0);
        drawOverlay(this.octx, scene);
      }
    }
    this.lastDrawMs = performance.now() - t0;
    return this.lastDrawMs;
  }

  // ------------------------------------------------------------------ internals

  private scene(view: Viewport, plotDevicePx: number, interactive: boolean): Scene {
    const d = this.data as HeatmapData;
    const f = poolFactor(view.span, plotDevicePx);
    const image = f > 1 ? this.images.pooledBy(f) : null;
    return {
      layout: this.layout,
      view,
      n: d.n,
      theme: this.theme,
      labels: d.labels,
      order: d.order,
      shown: d.shown,
      idx: this.images.idx,
      mode: d.mode,
      integer: d.integer,
      scale: this.scaleMap,
      textColors: this.images.text,
      image: this.images.bitmap,
      pooled: image ? { image, f } : null,
      bar: this.images.bar,
      highlight: d.highlight === null ? null : this.pos[d.highlight],
      selected: d.selected ? [this.pos[d.selected[0]], this.pos[d.selected[1]]] : null,
      cursor: this.cursor,
      hover: this.hover,
      axisTitles: d.axisTitles,
      labelCache: this.labelCache,
      interactive,
    };
  }

  /** Colour table, bitmap and colour bar for these colour indices and the theme. */
  private paint(idx: Uint8Array): void {
    const d = this.data as HeatmapData;
    if (this.ctx) this.images.paint(idx, d.n, this.theme, d.diverging);
    else this.images.idx = idx;
  }

  private measureWidth(): number {
    return this.element.clientWidth || this.element.parentElement?.clientWidth || 640;
  }

  private dpr(): number {
    return this.doc.defaultView?.devicePixelRatio || 1;
  }

  private relayout(keepView: boolean): void {
    const d = this.data as HeatmapData;
    const old = this.layout;
    this.width = this.measureWidth();
    this.layout = computeLayout(this.width, d.n, this.labelMax);
    this.view = keepView ? clampView(this.view, d.n, this.layout.plotSize) : fullView(d.n);
    if (old.plotSize !== this.layout.plotSize) this.labelCache.clear();
    const dpr = this.dpr();
    const L = this.layout;
    this.zoomBar.place(L.plotX + L.plotSize);
    this.canvas.style.width = `${L.width}px`;
    this.canvas.style.height = `${L.height}px`;
    this.canvas.width = this.overlay.width = Math.round(L.width * dpr);
    this.canvas.height = this.overlay.height = Math.round(L.height * dpr);
    this.overlay.style.width = `${L.width}px`;
    this.overlay.style.height = `${L.height}px`;
    this.draw();
  }

  private measureLabels(labels: string[]): number {
    const ctx = this.ctx;
    if (!ctx) return Math.min(150, Math.max(0, ...labels.slice(0, 2000).map((l) => l.length)) * 7);
    ctx.font = `${this.theme.fontSize - 1}px ${this.theme.fontFamily}`;
    let max = 0;
    for (const l of labels) max = Math.max(max, ctx.measureText(l).width);
    return max;
  }

  private styleChrome(): void {
    const t = this.theme;
    this.tip.style(t);
    this.zoomBar.style(t);
  }

  /** Redraw at the next animation frame: everything, or only the hover overlay. */
  private schedule(what: 'overlay' | 'full' = 'full'): void {
    if (!this.data) return;
    if (this.pending !== 'full') this.pending = what;
    if (this.raf) return;
    const win = this.doc.defaultView;
    if (!win?.requestAnimationFrame) {
      this.drawPending();
      return;
    }
    this.raf = win.requestAnimationFrame(() => {
      this.raf = 0;
      this.drawPending();
    });
  }

  /** Client point -> plot pixels. */
  private toPlot(clientX: number, clientY: number): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [clientX - r.left - this.layout.plotX, clientY - r.top - this.layout.plotY];
  }

  hitAt(clientX: number, clientY: number): Hit | null {
    const d = this.data;
    if (!d) return null;
    const L = this.layout;
    const [px, py] = this.toPlot(clientX, clientY);
    const cell = cellAtPlot(this.view, px, py, d.n, L.plotSize);
    if (cell) return { kind: 'cell', row: d.order[cell[0]], col: d.order[cell[1]] };
    const inside = (a: number): boolean => a >= 0 && a < L.plotSize;
    if (px < 0 && px >= -L.labelWidth && inside(py)) {
      const c = cellAtPlot(this.view, 0, py, d.n, L.plotSize);
      if (c) return { kind: 'label', axis: 'true', cls: d.order[c[0]] };
    }
    if (py >= L.plotSize && py < L.plotSize + L.labelWidth && inside(px)) {
      const c = cellAtPlot(this.view, px, 0, d.n, L.plotSize);
      if (c) return { kind: 'label', axis: 'pred', cls: d.order[c[1]] };
    }
    return null;
  }

  /** The tooltip text for a cell (class indices). */
  cellText(row: number, col: number): string {
    return cellTooltip(this.data as HeatmapData, this.rowSum, this.colSum, row, col);
  }

  private showTip(text: string, x: number, y: number): void {
    this.tip.show(text, x, y, this.element.clientWidth || this.layout.width, this.layout.height);
  }

  private hideTip(): void {
    this.tip.hide();
  }

  private onHover(clientX: number, clientY: number): void {
    const d = this.data;
    if (!d) return;
    const hit = this.hitAt(clientX, clientY);
    const r = this.canvas.getBoundingClientRect();
    const x = clientX - r.left;
    const y = clientY - r.top;
    let hover: [number, number] | null = null;
    if (hit?.kind === 'cell') {
      hover = [this.pos[hit.row], this.pos[hit.col]];
      this.showTip(this.cellText(hit.row, hit.col), x, y);
      this.canvas.style.cursor = 'pointer';
    } else if (hit?.kind === 'label') {
      this.showTip(
        `${hit.axis === 'true' ? d.axisTitles.true : d.axisTitles.pred}: ${d.labels[hit.cls] ?? hit.cls}`,
        x,
        y,
      );
      this.canvas.style.cursor = this.callbacks.onLabelClick ? 'pointer' : 'default';
    } else {
      this.hideTip();
      this.canvas.style.cursor = 'default';
    }
    if (hover?.[0] !== this.hover?.[0] || hover?.[1] !== this.hover?.[1]) {
      this.hover = hover;
      this.schedule('overlay');
    }
  }

  private readonly onWheel = (e: WheelEvent): void => {
    const d = this.data;
    if (!d) return;
    const [px, py] = this.toPlot(e.clientX, e.clientY);
    const L = this.layout;
    if (px < 0 || py < 0 || px >= L.plotSize || py >= L.plotSize) return;
    const out = e.deltaY > 0;
    if (out && this.view.span >= d.n) return; // nothing to zoom out of: let the page scroll
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.002;
    const factor = Math.exp(-e.deltaY * unit);
    this.view = zoomAt(this.view, factor, px, py, d.n, L.plotSize);
    this.schedule();
  };

  private readonly onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, view: this.view, moved: false, id: e.pointerId };
    this.canvas.setPointerCapture?.(e.pointerId);
  };

  private readonly onMove = (e: PointerEvent): void => {
    const g = this.drag;
    if (g && this.data) {
      const dx = e.clientX - g.x;
      const dy = e.clientY - g.y;
      if (!g.moved && Math.hypot(dx, dy) > 3) g.moved = true;
      if (g.moved) {
        this.view = panBy(g.view, dx, dy, this.data.n, this.layout.plotSize);
        this.hideTip();
        this.canvas.style.cursor = 'grabbing';
        this.schedule();
        return;
      }
    }
    this.onHover(e.clientX, e.clientY);
  };

  private readonly onUp = (e: PointerEvent): void => {
    const g = this.drag;
    this.drag = null;
    if (this.canvas.hasPointerCapture?.(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    if (!g || g.moved) return;
    const hit = this.hitAt(e.clientX, e.clientY);
    if (hit?.kind === 'cell') {
      this.cursor = [this.pos[hit.row], this.pos[hit.col]];
      this.callbacks.onCellClick(hit.row, hit.col);
      this.schedule();
    } else if (hit?.kind === 'label') {
      this.callbacks.onLabelClick?.(hit.cls);
    }
  };

  private readonly onCancel = (): void => {
    this.drag = null;
  };

  private readonly onLeave = (): void => {
    if (this.drag) return;
    this.hideTip();
    if (this.hover) {
      this.hover = null;
      this.schedule('overlay');
    }
  };

  private readonly onKey = (e: KeyboardEvent): void => {
    const d = this.data;
    if (!d) return;
    const n = d.n;
    const c = this.cursor ?? (d.highlight !== null ? [this.pos[d.highlight], this.pos[d.highlight]] : [0, 0]);
    const next = arrowMove(e.key, c, e.shiftKey ? 10 : 1, n);
    if (next) {
      e.preventDefault();
      this.cursor = next;
      this.view = ensureVisible(this.view, next, n, this.layout.plotSize);
      this.draw();
      const L = this.layout;
      const cs = cellPx(this.view, L.plotSize);
      const text = this.cellText(d.order[next[0]], d.order[next[1]]);
      this.showTip(text, L.plotX + (next[1] - this.view.x0 + 1) * cs, L.plotY + (next[0] - this.view.y0 + 1) * cs);
      this.tip.announce(text);
    } else if ((e.key === 'Enter' || e.key === ' ') && this.cursor) {
      e.preventDefault();
      this.callbacks.onCellClick(d.order[this.cursor[0]], d.order[this.cursor[1]]);
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      this.zoomBy(ZOOM_STEP);
    } else if (e.key === '-' || e.key === '_') {
      e.preventDefault();
      this.zoomBy(1 / ZOOM_STEP);
    } else if (e.key === '0') {
      e.preventDefault();
      this.resetZoom();
    } else if (e.key === 'Escape') {
      this.hideTip();
    }
  };
}
