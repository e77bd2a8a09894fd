// Pure geometry of the heatmap: the layout of plot, labels and colour bar; the zoom/pan viewport in display-cell
// units; hit-testing; label thinning and truncation. No DOM, so all of it is unit-tested.

/** Where things are, in CSS pixels from the canvas's top-left. The plot is square. */
export interface Layout {
  width: number;
  height: number;
  plotX: number;
  plotY: number;
  plotSize: number;
  /** room for the row labels (left) and the column labels (below, rotated) */
  labelWidth: number;
  barX: number;
  barWidth: number;
}

export const TITLE_ROOM = 20;
const BAR_ROOM = 76; // gap + bar + tick labels
const TOP = 30; // room for the zoom buttons above the plot (exports pass less)

/** The layout for a canvas `width` wide; `labelMax` is the widest label's width (capped here). */
export function computeLayout(width: number, n: number, labelMax: number, maxPlot = 720, top = TOP): Layout {
  const labelWidth = Math.ceil(Math.min(labelMax, 150, Math.max(40, width * 0.18))) + 6;
  const room = width - TITLE_ROOM - labelWidth - BAR_ROOM;
  const plotSize = Math.floor(Math.max(80, Math.min(room, maxPlot, Math.max(240, n * 72))));
  const plotX = TITLE_ROOM + labelWidth;
  const plotY = top;
  return {
    width,
    height: plotY + plotSize + labelWidth + TITLE_ROOM + 4,
    plotX,
    plotY,
    plotSize,
    labelWidth,
    barX: plotX + plotSize + 16,
    barWidth: 12,
  };
}

/** The visible square of the matrix: top-left (x0 = first column, y0 = first row) and side, in display cells. */
export interface Viewport {
  x0: number;
  y0: number;
  span: number;
}

export const MAX_CELL_PX = 96;

export function fullView(n: number): Viewport {
  return { x0: 0, y0: 0, span: n };
}

/** The smallest span allowed: cells at most MAX_CELL_PX, and at least one cell. */
export function minSpan(n: number, plotSize: number): number {
  return Math.min(n, Math.max(1, plotSize / MAX_CELL_PX));
}

export function clampView(v: Viewport, n: number, plotSize: number): Viewport {
  const span = Math.min(n, Math.max(minSpan(n, plotSize), v.span));
  const clamp = (x: number): number => Math.min(n - span, Math.max(0, x));
  return { x0: clamp(v.x0), y0: clamp(v.y0), span };
}

export function cellPx(v: Viewport, plotSize: number): number {
  return plotSize / v.span;
}

/** Zoom by `factor` (> 1 zooms in) keeping the point (px, py), in plot pixels, over the same cell. */
export function zoomAt(v: Viewport, factor: number, px: number, py: number, n: number, plotSize: number): Viewport {
  const cs = cellPx(v, plotSize);
  const cx = v.x0 + px / cs;
  const cy = v.y0 + py / cs;
  const span = Math.min(n, Math.max(minSpan(n, plotSize), v.span / factor));
  const ncs = plotSize / span;
  return clampView({ x0: cx - px / ncs, y0: cy - py / ncs, span }, n, plotSize);
}

/** Drag by (dx, dy) pixels: the content follows the pointer. */
export function panBy(v: Viewport, dx: number, dy: number, n: number, plotSize: number): Viewport {
  const cs = cellPx(v, plotSize);
  return clampView({ x0: v.x0 - dx / cs, y0: v.y0 - dy / cs, span: v.span }, n, plotSize);
}

/** A viewport with display cell (row q, column p) centred, zoomed in so that its cell is at least `cellAtLeast` px. */
export function centreOn(v: Viewport, q: number, p: number, n: number, plotSize: number, cellAtLeast = 40): Viewport {
  const span = Math.min(v.span, Math.max(minSpan(n, plotSize), plotSize / cellAtLeast));
  return clampView({ x0: p + 0.5 - span / 2, y0: q + 0.5 - span / 2, span }, n, plotSize);
}

/** Display cell [row, column] under (px, py) in plot pixels, or null outside the matrix. */
export function cellAtPlot(v: Viewport, px: number, py: number, n: number, plotSize: number): [number, number] | null {
  if (px < 0 || py < 0 || px >= plotSize || py >= plotSize) return null;
  const cs = cellPx(v, plotSize);
  const p = Math.floor(v.x0 + px / cs);
  const q = Math.floor(v.y0 + py / cs);
  if (p < 0 || q < 0 || p >= n || q >= n) return null;
  return [q, p];
}

/** Display rows/columns at least partly visible: [first, end) each. */
export interface Range {
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

export function visibleCells(v: Viewport, n: number): Range {
  const a0 = Math.max(0, Math.floor(v.x0));
  const a1 = Math.min(n, Math.ceil(v.x0 + v.span - 1e-9));
  const b0 = Math.max(0, Math.floor(v.y0));
  const b1 = Math.min(n, Math.ceil(v.y0 + v.span - 1e-9));
  return { row0: b0, row1: b1, col0: a0, col1: a1 };
}

/** Show every `step`-th label (1, 2, 5, 10, 20, 50...) so labels `lineHeight` tall never overlap. */
export function labelStep(cell: number, lineHeight: number): number {
  if (cell >= lineHeight) return 1;
  for (let p = 1; ; p *= 10) {
    for (const m of [1, 2, 5]) if (m * p * cell >= lineHeight) return m * p;
    if (p > 1e9) return p;
  }
}

/** `text` cut to fit `maxWidth` (by `measure`), ending in an ellipsis when cut. */
export function truncate(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join('') + '…') <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '…' : chars.slice(0, lo).join('') + '…';
}

/**
 * Max-pooling factor so the bitmap has at most one texel per device pixel of the plot (1 = no pooling): nearest-
 * neighbour downscaling would drop whole rows and columns of cells, and with them single confusions.
 */
export function poolFactor(span: number, plotDevicePx: number): number {
  const px = Math.max(1, plotDevicePx);
  return span <= px ? 1 : Math.ceil(span / px);
}

const ARROWS: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** The display cell an arrow key moves to from c (by `step`, clamped to the matrix), or null for another key. */
export function arrowMove(key: string, c: [number, number], step: number, n: number): [number, number] | null {
  const m = ARROWS[key];
  if (!m) return null;
  const clamp = (x: number): number => Math.max(0, Math.min(n - 1, x));
  return [clamp(c[0] + m[0] * step), clamp(c[1] + m[1] * step)];
}

/** The viewport panned the least so that display cell c = [row, column] is inside it. */
export function ensureVisible(v: Viewport, c: [number, number], n: number, plotSize: number): Viewport {
  const fit = (lo: number, i: number): number => (i < lo ? i : i + 1 > lo + v.span ? i + 1 - v.span : lo);
  return clampView({ x0: fit(v.x0, c[1]), y0: fit(v.y0, c[0]), span: v.span }, n, plotSize);
}
