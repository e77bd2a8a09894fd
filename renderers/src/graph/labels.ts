// Text by level of detail on a 2D canvas over the WebGL one: only boxes big enough on screen, at most MAX_LABELS.
import type { Theme } from '../core/types.js';
import type { GraphModel } from './model.js';
import type { Visible } from './hierarchy.js';
import { groupSubtitle } from './layout.js';
import { KIND_CONTAINER, KIND_GROUP, type Scene } from './scene.js';
import type { ViewTransform } from './gl.js';
import { luminanceOf, type RGBA } from './colors.js';
import { LOD_EDGES, cut, edgeShapeText, nodeLines, nodeTitle } from './node-text.js';

export const MAX_LABELS = 3000;
/** Average glyph width as a fraction of the font size (no measureText per label). */
const GLYPH = 0.58;

/** Shortens text to fit `px` at `size` (average glyph width estimate: no measureText per label). */
export function fit(text: string, px: number, size: number): string {
  return cut(text, Math.floor(px / (size * GLYPH)));
}

export interface LabelSpec {
  x: number;
  y: number;
  text: string;
  size: number;
  bold: boolean;
  color: string;
  align: 'center' | 'left';
}

/** The labels to draw for a view (also used by the SVG export and the tests). */
export function labelSpecs(
  m: GraphModel,
  vis: Visible,
  scene: Scene,
  view: ViewTransform,
  width: number,
  height: number,
  theme: Theme,
  max = MAX_LABELS,
): LabelSpec[] {
  const out: LabelSpec[] = [];
  const { scale, tx, ty } = view;
  const ink = (k: number): string => {
    const f: RGBA = [scene.fill[4 * k], scene.fill[4 * k + 1], scene.fill[4 * k + 2], 255];
    return luminanceOf(f) > 0.5 ? '#1b1b1b' : '#f2f2f2';
  };
  // Screen cells taken by boxes and labels (8 px), so edge labels only go where they overlap nothing.
  const taken = new Set<number>();
  const CELL = 8;
  const cells = (x: number, y: number, w: number, h: number, mark: boolean): boolean => {
    const c0 = Math.max(-1, Math.floor(x / CELL));
    const c1 = Math.min(Math.floor((x + w) / CELL), c0 + 4000);
    const r0 = Math.max(-1, Math.floor(y / CELL));
    const r1 = Math.min(Math.floor((y + h) / CELL), r0 + 4000);
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const key = r * 1_000_003 + c;
        if (mark) taken.add(key);
        else if (taken.has(key)) return false;
      }
    return true;
  };
  const edgeLabels = scale >= LOD_EDGES || (scale >= 0.6 && vis.edges.some((e) => e.count > 1));
  const occupy = (x: number, y: number, w: number, h: number): void => {
    if (edgeLabels) cells(x, y, w, h, true);
  };
  const free = (x: number, y: number, w: number, h: number): boolean => cells(x, y, w, h, false);
  for (let k = 0; k < scene.nRects && out.length < max; k++) {
    const sw = scene.rect[4 * k + 2] * scale;
    const sh = scene.rect[4 * k + 3] * scale;
    const sx = scene.rect[4 * k] * scale + tx;
    const sy = scene.rect[4 * k + 1] * scale + ty;
    if (sx > width || sy > height || sx + sw < 0 || sy + sh < 0) continue;
    const item = scene.item[k];
    const kind = scene.kind[k];
    if (kind === KIND_CONTAINER) {
      const j = item - m.n;
      const size = Math.min(12, 11 * scale);
      if (size < 6 || sw < 30) continue;
      const text = fit(
        m.groupType[j] ? `${m.groupName[j]} · ${m.groupType[j]}` : m.groupName[j],
        sw - 12 * scale,
        size,
      );
      if (text) {
        out.push({
          x: sx + 8 * scale,
          y: sy + 12 * scale,
          text,
          size,
          bold: true,
          color: theme.foreground,
          align: 'left',
        });
        occupy(sx + 8 * scale, sy + 12 * scale - size / 2, text.length * size * GLYPH, size);
      }
      continue;
    }
    if (sw < 24) continue;
    const cx = sx + sw / 2;
    if (kind === KIND_GROUP) {
      const j = item - m.n;
      // Text scales with the zoom like the boxes (sized for 11 px text), capped so it stays text-sized.
      const size = Math.min(13, 11.5 * scale, sh * 0.36);
      if (size < 6) continue;
      const two = sh >= 30;
      const name = fit(m.groupName[j], sw - 8, size);
      if (name) {
        out.push({
          x: cx,
          y: two ? sy + sh * 0.36 : sy + sh / 2,
          text: name,
          size,
          bold: true,
          color: ink(k),
          align: 'center',
        });
        occupy(sx, sy, sw, sh);
      }
      if (two && out.length < max) {
        const sub = fit(groupSubtitle(m, j), sw - 8, size * 0.85);
        if (sub)
          out.push({
            x: cx,
            y: sy + sh * 0.7,
            text: sub,
            size: size * 0.85,
            bold: false,
            color: ink(k),
            align: 'center',
          });
      }
      continue;
    }
    // Nodes: "name · Op", the brief at ordinary zoom, weight shapes zoomed in, as many lines as the box holds.
    const size = Math.min(12.5, 12 * scale, sh * 0.55);
    if (size < 6) continue;
    const wanted = nodeLines(m, item, scale);
    if (!wanted.length) continue;
    const room = Math.max(1, Math.floor((sh - 4) / (size * 1.22)));
    const lines = wanted.slice(0, room);
    const chars = Math.floor((sw - 8) / (size * GLYPH));
    const step = size * 1.18;
    let y = sy + sh / 2 - ((lines.length - 1) * step) / 2;
    lines.forEach((line, li) => {
      const lineSize = li === 0 ? size : size * 0.92;
      const text = li === 0 ? nodeTitle(m, item, chars) : cut(line, Math.floor((sw - 8) / (lineSize * GLYPH)));
      if (text && out.length < max)
        out.push({ x: cx, y, text, size: lineSize, bold: li === 0, color: ink(k), align: 'center' });
      y += step;
    });
    occupy(sx, sy, sw, sh);
  }
  // Edges: tensor shapes once zoomed in (and an aggregated edge's count), only where they overlap no box or label.
  const shapes = scale >= LOD_EDGES;
  if (scale >= 0.6) {
    const size = 10;
    vis.edges.forEach((e, i) => {
      if (out.length >= max) return;
      if (!shapes && e.count < 2) return;
      const x = scene.edgeMid[2 * i] * scale + tx;
      const y = scene.edgeMid[2 * i + 1] * scale + ty;
      if (x < 0 || y < 0 || x > width || y > height) return;
      const shape = shapes ? edgeShapeText(m, e.first) : '';
      const text = shape && e.count > 1 ? `${shape} ×${e.count}` : shape || (e.count > 1 ? `×${e.count}` : '');
      if (!text) return;
      const w = text.length * size * GLYPH + 4;
      const h = size + 4;
      for (const left of [x + 5, x - 5 - w]) {
        if (free(left, y - h / 2, w, h)) {
          occupy(left, y - h / 2, w, h);
          out.push({ x: left + 2, y, text, size, bold: false, color: theme.muted, align: 'left' });
          return;
        }
      }
    });
  }
  return out;
}

export function drawLabels(ctx: CanvasRenderingContext2D, labels: LabelSpec[], fontFamily: string): void {
  ctx.textBaseline = 'middle';
  let font = '';
  for (const l of labels) {
    const f = `${l.bold ? '600 ' : ''}${l.size.toFixed(1)}px ${fontFamily}`;
    if (f !== font) {
      ctx.font = f;
      font = f;
    }
    ctx.textAlign = l.align;
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, l.x, l.y);
  }
}
