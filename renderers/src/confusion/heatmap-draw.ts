// Drawing the heatmap on a 2-D canvas. The matrix is one cached bitmap, one texel per cell in display order (built
// once per data/theme/scale from a byte per cell: its colour-table index), drawn scaled with drawImage and image
// smoothing off; when cells are smaller than a device pixel a max-pooled copy is drawn instead, so no confusion is
// dropped by nearest-neighbour sampling. A frame (hover, pan, zoom) is therefore one drawImage of at most ~1M texels
// plus the visible labels and in-cell numbers, never a pass over the 1M values.
// Why 2-D canvas and not WebGL: a frame is a single scaled blit, which 2-D canvas does in a few ms even without a GPU
// (SwiftShader/software rendering in CI and remote desktops), text (labels, numbers) is native, no WebGL context is
// used up (browsers allow ~16 per page and a notebook holds many outputs), and export to PNG is the same code.
import type { Theme } from '../core/types.js';
import { MID, colorTicks, formatCell, formatValue, type ValueScale } from './colors.js';
import { TITLE_ROOM, cellPx, labelStep, truncate, visibleCells, type Layout, type Viewport } from './heatmap-geom.js';
import type { Normalize } from './parse.js';

/** Colour-table index per cell, in display order (row q, column p = classes order[q], order[p]). */
export function cellIndices(shown: Float64Array, order: Int32Array, n: number, scale: ValueScale): Uint8Array {
  const out = new Uint8Array(n * n);
  for (let q = 0; q < n; q++) {
    const row = order[q] * n;
    const o = q * n;
    for (let p = 0; p < n; p++) out[o + p] = scale.index(shown[row + order[p]]);
  }
  return out;
}

/** Max-pooled indices, f×f cells per texel: the strongest colour of the block (farthest from 0). */
export function poolIndices(idx: Uint8Array, n: number, f: number, diverging: boolean): { idx: Uint8Array; w: number } {
  const w = Math.ceil(n / f);
  const out = new Uint8Array(w * w);
  if (diverging) out.fill(MID);
  for (let q = 0; q < n; q++) {
    const o = Math.floor(q / f) * w;
    const r = q * n;
    for (let p = 0; p < n; p++) {
      const v = idx[r + p];
      const k = o + Math.floor(p / f);
      const cur = out[k];
      if (diverging ? Math.abs(v - MID) > Math.abs(cur - MID) : v > cur) out[k] = v;
    }
  }
  return { idx: out, w };
}

/** RGBA pixels of a table-index image. */
export function indexPixels(idx: Uint8Array, lut: Uint8ClampedArray): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(new ArrayBuffer(idx.length * 4));
  const lut32 = new Uint32Array(lut.buffer, lut.byteOffset, 256);
  const out = new Uint32Array(px.buffer);
  for (let k = 0; k < idx.length; k++) out[k] = lut32[idx[k]];
  return px;
}

/** What one frame needs. Rows/columns/cells here are display positions. */
export interface Scene {
  layout: Layout;
  view: Viewport;
  n: number;
  theme: Theme;
  labels: string[];
  order: Int32Array;
  shown: Float64Array;
  idx: Uint8Array;
  mode: Normalize;
  integer: boolean;
  scale: ValueScale;
  textColors: string[];
  /** the full bitmap (n×n) and, when cells are below a device pixel, the pooled one with its factor */
  image: CanvasImageSource | null;
  pooled: { image: CanvasImageSource; f: number } | null;
  bar: CanvasImageSource | null;
  highlight: number | null;
  selected: [number, number] | null;
  cursor: [number, number] | null;
  hover: [number, number] | null;
  axisTitles: { true: string; pred: string };
  /** truncated labels, keyed by font size, width, weight and class */
  labelCache: Map<string, string>;
  /** draw the hover and keyboard-cursor outlines (false for export; on screen they go on the overlay) */
  interactive: boolean;
}

export const CELL_TEXT_MIN_PX = 28;

export function labelFontPx(cell: number, theme: Theme): number {
  return Math.round(Math.max(9, Math.min(theme.fontSize - 1, cell * 0.8)));
}

function font(theme: Theme, px: number, weight = ''): string {
  return `${weight}${weight ? ' ' : ''}${px}px ${theme.fontFamily}`;
}

export function drawScene(ctx: CanvasRenderingContext2D, s: Scene): void {
  const { layout: L, view: v, n, theme } = s;
  const cs = cellPx(v, L.plotSize);
  const X = (p: number): number => L.plotX + (p - v.x0) * cs;
  const Y = (q: number): number => L.plotY + (q - v.y0) * cs;
  const r = visibleCells(v, n);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, L.width, L.height);

  ctx.save();
  ctx.beginPath();
  ctx.rect(L.plotX, L.plotY, L.plotSize, L.plotSize);
  ctx.clip();
  ctx.imageSmoothingEnabled = false;
  if (s.pooled) {
    const f = s.pooled.f;
    const c0 = Math.floor(r.col0 / f);
    const c1 = Math.ceil(r.col1 / f);
    const q0 = Math.floor(r.row0 / f);
    const q1 = Math.ceil(r.row1 / f);
    ctx.drawImage(
      s.pooled.image,
      c0,
      q0,
      c1 - c0,
      q1 - q0,
      X(c0 * f),
      Y(q0 * f),
      (c1 - c0) * f * cs,
      (q1 - q0) * f * cs,
    );
  } else if (s.image) {
    const w = r.col1 - r.col0;
    const h = r.row1 - r.row0;
    if (w > 0 && h > 0) ctx.drawImage(s.image, r.col0, r.row0, w, h, X(r.col0), Y(r.row0), w * cs, h * cs);
  }
  if (cs >= 12) {
    // a hairline of background between cells, like a gap
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let p = r.col0; p <= r.col1; p++) {
      ctx.moveTo(X(p), L.plotY);
      ctx.lineTo(X(p), L.plotY + L.plotSize);
    }
    for (let q = r.row0; q <= r.row1; q++) {
      ctx.moveTo(L.plotX, Y(q));
      ctx.lineTo(L.plotX + L.plotSize, Y(q));
    }
    ctx.stroke();
  }
  if (cs >= CELL_TEXT_MIN_PX) drawCellText(ctx, s, cs, X, Y);
  if (s.highlight !== null) {
    const h = s.highlight;
    const x0 = X(h);
    const x1 = x0 + cs;
    const y0 = Y(h);
    const y1 = y0 + cs;
    const right = L.plotX + L.plotSize;
    const bottom = L.plotY + L.plotSize;
    ctx.globalAlpha = 0.62;
    ctx.fillStyle = theme.background;
    ctx.fillRect(L.plotX, L.plotY, x0 - L.plotX, y0 - L.plotY);
    ctx.fillRect(x1, L.plotY, right - x1, y0 - L.plotY);
    ctx.fillRect(L.plotX, y1, x0 - L.plotX, bottom - y1);
    ctx.fillRect(x1, y1, right - x1, bottom - y1);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = theme.accent;
    ctx.lineWidth = 1;
    ctx.strokeRect(L.plotX + 0.5, y0 + 0.5, L.plotSize - 1, Math.max(1, cs - 1));
    ctx.strokeRect(x0 + 0.5, L.plotY + 0.5, Math.max(1, cs - 1), L.plotSize - 1);
  }
  if (s.selected) outline(ctx, s, cs, s.selected, 2, theme.foreground);
  ctx.restore();

  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(L.plotX - 0.5, L.plotY - 0.5, L.plotSize + 1, L.plotSize + 1);
  drawLabels(ctx, s, cs, X, Y);
  drawColorBar(ctx, s);
}

function outline(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  cs: number,
  c: [number, number],
  width: number,
  color: string,
  dash: number[] = [],
): void {
  const L = s.layout;
  const m = Math.max(2, cs);
  const x = L.plotX + (c[1] - s.view.x0) * cs + (cs - m) / 2;
  const y = L.plotY + (c[0] - s.view.y0) * cs + (cs - m) / 2;
  ctx.setLineDash(dash);
  ctx.lineWidth = width + 2;
  ctx.strokeStyle = s.theme.background;
  ctx.strokeRect(x - 1, y - 1, m + 2, m + 2);
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.strokeRect(x - 1, y - 1, m + 2, m + 2);
  ctx.setLineDash([]);
}

/**
 * The hover and keyboard-cursor outlines, on a transparent overlay canvas above the scene: a hover that moves to
 * another cell redraws only this (a clear and two rectangles), not the matrix.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, s: Scene): void {
  const L = s.layout;
  ctx.clearRect(0, 0, L.width, L.height);
  if (!s.interactive || (!s.hover && !s.cursor)) return;
  const cs = cellPx(s.view, L.plotSize);
  ctx.save();
  ctx.beginPath();
  ctx.rect(L.plotX, L.plotY, L.plotSize, L.plotSize);
  ctx.clip();
  if (s.hover) outline(ctx, s, cs, s.hover, 1, s.theme.foreground);
  const sel = s.selected;
  if (s.cursor && (!sel || s.cursor[0] !== sel[0] || s.cursor[1] !== sel[1])) {
    outline(ctx, s, cs, s.cursor, 2, s.theme.accent, [4, 3]);
  }
  ctx.restore();
}

function drawCellText(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  cs: number,
  X: (p: number) => number,
  Y: (q: number) => number,
): void {
  const { n, theme } = s;
  const r = visibleCells(s.view, n);
  const px = Math.round(Math.max(9, Math.min(theme.fontSize, cs * 0.3)));
  ctx.font = font(theme, px);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let q = r.row0; q < r.row1; q++) {
    const row = s.order[q] * n;
    for (let p = r.col0; p < r.col1; p++) {
      const v = s.shown[row + s.order[p]];
      if (v === 0 || Number.isNaN(v)) continue; // empty cells stay empty; the hover tells
      const text = formatCell(v, s.mode, s.integer, s.scale.diverging);
      const w = ctx.measureText(text).width;
      ctx.fillStyle = s.textColors[s.idx[q * n + p]];
      if (w <= cs - 4) {
        ctx.fillText(text, X(p) + cs / 2, Y(q) + cs / 2);
        continue;
      }
      // a little too wide: a smaller font, down to 8 px; else the cell stays empty (the hover tells)
      const small = Math.floor((px * (cs - 4)) / w);
      if (small < 8) continue;
      ctx.font = font(theme, small);
      ctx.fillText(text, X(p) + cs / 2, Y(q) + cs / 2);
      ctx.font = font(theme, px);
    }
  }
}

function drawLabels(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  cs: number,
  X: (p: number) => number,
  Y: (q: number) => number,
): void {
  const { layout: L, theme, n } = s;
  const r = visibleCells(s.view, n);
  const fpx = labelFontPx(cs, theme);
  const step = labelStep(cs, fpx + 3);
  const maxW = L.labelWidth - 6;
  const emph = new Set<number>();
  if (s.highlight !== null) emph.add(s.highlight);
  const text = (p: number, on: boolean): string => {
    const key = `${fpx}|${maxW}|${on ? 'b' : ''}|${s.order[p]}`;
    let t = s.labelCache.get(key);
    if (t === undefined) {
      ctx.font = font(theme, fpx, on ? 'bold' : '');
      t = truncate(s.labels[s.order[p]] ?? '', maxW, (x) => ctx.measureText(x).width);
      if (s.labelCache.size > 20_000) s.labelCache.clear();
      s.labelCache.set(key, t);
    }
    return t;
  };
  const label = (p: number, axis: 0 | 1): string => {
    const on = emph.has(p) || (s.selected !== null && s.selected[axis] === p);
    const t = text(p, on);
    ctx.font = font(theme, fpx, on ? 'bold' : '');
    ctx.fillStyle = on ? theme.accent : theme.foreground;
    return t;
  };
  ctx.textBaseline = 'middle';
  // rows (true class), right-aligned left of the plot; always the emphasised ones, even between thinned labels
  ctx.textAlign = 'right';
  for (let q = r.row0; q < r.row1; q++) {
    if (q % step !== 0 && !emph.has(q) && s.selected?.[0] !== q) continue;
    const y = Y(q) + cs / 2;
    if (y < L.plotY || y > L.plotY + L.plotSize) continue;
    ctx.fillText(label(q, 0), L.plotX - 4, y);
  }
  // columns (predicted), rotated, reading upwards to the plot's bottom edge
  for (let p = r.col0; p < r.col1; p++) {
    if (p % step !== 0 && !emph.has(p) && s.selected?.[1] !== p) continue;
    const x = X(p) + cs / 2;
    if (x < L.plotX || x > L.plotX + L.plotSize) continue;
    const t = label(p, 1);
    ctx.save();
    ctx.translate(x, L.plotY + L.plotSize + 4);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(t, 0, 0);
    ctx.restore();
  }
  ctx.fillStyle = theme.muted;
  ctx.font = font(theme, theme.fontSize);
  ctx.textAlign = 'center';
  ctx.fillText(s.axisTitles.pred, L.plotX + L.plotSize / 2, L.plotY + L.plotSize + L.labelWidth + TITLE_ROOM / 2);
  ctx.save();
  ctx.translate(TITLE_ROOM / 2, L.plotY + L.plotSize / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(s.axisTitles.true, 0, 0);
  ctx.restore();
}

/** Vertical position (CSS px) of value v on the colour bar. */
export function barY(L: Layout, scale: ValueScale, v: number): number {
  const top = L.plotY;
  const h = L.plotSize;
  const t = scale.t(v);
  return scale.diverging ? top + h / 2 - (t * h) / 2 : top + h - t * h;
}

function drawColorBar(ctx: CanvasRenderingContext2D, s: Scene): void {
  const { layout: L, theme, scale } = s;
  if (s.bar) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(s.bar, L.barX, L.plotY, L.barWidth, L.plotSize);
  }
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(L.barX - 0.5, L.plotY - 0.5, L.barWidth + 1, L.plotSize + 1);
  ctx.font = font(theme, Math.max(9, theme.fontSize - 2));
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = theme.foreground;
  let last = -Infinity;
  for (const v of colorTicks(scale).reverse()) {
    const y = barY(L, scale, v);
    if (y - last < theme.fontSize) continue; // ticks crowded at the bottom of a log bar
    last = y;
    ctx.fillRect(L.barX + L.barWidth, Math.round(y) - 0.5, 3, 1);
    ctx.fillText(formatValue(v, s.mode, s.integer, scale.diverging), L.barX + L.barWidth + 5, y);
  }
  if (scale.kind === 'log') {
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    ctx.fillText('log scale', L.barX - 2, L.plotY + L.plotSize + 6);
  }
}

/** The colour-bar strip, 1×256: top = the highest table index. */
export function barPixels(lut: Uint8ClampedArray): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(new ArrayBuffer(256 * 4));
  for (let i = 0; i < 256; i++) px.set(lut.subarray((255 - i) * 4, (255 - i) * 4 + 4), i * 4);
  return px;
}
