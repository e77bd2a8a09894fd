// Text by level of detail on a 2D canvas over the WebGL one: only boxes big enough on screen, at most MAX_LABELS.
import type { Theme } from '../core/types.js';
import type { GraphModel } from './model.js';
import type { Visible } from './hierarchy.js';
import { groupSubtitle } from './layout.js';
import { KIND_CONTAINER, KIND_GROUP, type Scene } from './scene.js';
import type { ViewTransform } from './gl.js';
import { luminanceOf, type RGBA } from './colors.js';

export const MAX_LABELS = 3000;

/** Shortens text to fit `px` at `size` (average glyph width estimate: no measureText per label). */
export function fit(text: string, px: number, size: number): string {
  const chars = Math.floor(px / (size * 0.58));
  if (chars <= 1) return '';
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
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
      if (text)
        out.push({
          x: sx + 8 * scale,
          y: sy + 12 * scale,
          text,
          size,
          bold: true,
          color: theme.foreground,
          align: 'left',
        });
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
      if (name)
        out.push({
          x: cx,
          y: two ? sy + sh * 0.36 : sy + sh / 2,
          text: name,
          size,
          bold: true,
          color: ink(k),
          align: 'center',
        });
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
    const two = sh >= 40 && sw >= 70;
    const size = two ? Math.min(12.5, sh * 0.28) : Math.min(13, 11 * scale, sh * 0.55);
    if (size < 6) continue;
    const op = fit(m.nodeOp[item], sw - 6, size);
    if (op)
      out.push({
        x: cx,
        y: two ? sy + sh * 0.36 : sy + sh / 2,
        text: op,
        size,
        bold: false,
        color: ink(k),
        align: 'center',
      });
    if (two && out.length < max) {
      const name = fit(m.nodeName[item], sw - 6, size * 0.85);
      if (name)
        out.push({
          x: cx,
          y: sy + sh * 0.7,
          text: name,
          size: size * 0.85,
          bold: false,
          color: ink(k),
          align: 'center',
        });
    }
  }
  // Aggregated edges carry their count once readable.
  if (scale >= 0.6) {
    vis.edges.forEach((e, i) => {
      if (e.count < 2 || out.length >= max) return;
      const x = scene.edgeMid[2 * i] * scale + tx;
      const y = scene.edgeMid[2 * i + 1] * scale + ty;
      if (x < 0 || y < 0 || x > width || y > height) return;
      out.push({ x: x + 4, y, text: `×${e.count}`, size: 10.5, bold: false, color: theme.muted, align: 'left' });
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
