// Everything the drawing needs as flat arrays: rounded rectangles (containers, then boxes) and line segments (edges
// with arrowheads). WebGL, the Canvas 2D fallback, hit testing and the SVG export all read the same scene.
import type { Theme } from '../core/types.js';
import type { GraphModel } from './model.js';
import type { Visible } from './hierarchy.js';
import { containerOf } from './hierarchy.js';
import type { Placement } from './layout.js';
import { parseColor, type Colorizer, type RGBA } from './colors.js';

export const KIND_NODE = 0;
export const KIND_GROUP = 1;
export const KIND_CONTAINER = 2;

export interface Scene {
  nRects: number;
  /** Rects before this index are containers and group boxes; from it on, nodes. */
  firstNode: number;
  rect: Float32Array;
  fill: Uint8Array;
  stroke: Uint8Array;
  /** radius, border width (screen px) */
  style: Float32Array;
  item: Int32Array;
  kind: Uint8Array;
  nSegs: number;
  seg: Float32Array;
  segColor: Uint8Array;
  /** One straight segment per edge (first to last point) for far zoom, where curves and arrowheads are sub-pixel. */
  coarseSeg: Float32Array;
  coarseColor: Uint8Array;
  /** Which visible edge each segment belongs to (arrowhead segments included). */
  segEdge: Int32Array;
  /** Per visible edge: its first and one-past-last segment, and a point for its count label. */
  edgeSeg: Int32Array;
  edgeMid: Float32Array;
  bounds: { x0: number; y0: number; x1: number; y1: number };
}

export interface Highlight {
  selected: number;
  matches: ReadonlySet<number>;
  current: number;
}

const MATCH: RGBA = [249, 168, 37, 255];
const CURRENT: RGBA = [230, 81, 0, 255];

function shade(c: RGBA, dark: boolean): RGBA {
  const f = dark ? 1.45 : 0.72;
  return [
    Math.min(255, c[0] * f + (dark ? 20 : 0)),
    Math.min(255, c[1] * f + (dark ? 20 : 0)),
    Math.min(255, c[2] * f + (dark ? 20 : 0)),
    255,
  ];
}

/** Cubic Bézier from (x0, y0) downwards to (x1, y1) as `steps` segments' points. */
function bezier(x0: number, y0: number, x1: number, y1: number, steps = 10): number[] {
  const d = Math.max(24, Math.abs(y1 - y0) / 2);
  const c0y = y0 + d;
  const c1y = y1 - d;
  const out: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const u = 1 - t;
    out.push(
      u * u * u * x0 + 3 * u * u * t * x0 + 3 * u * t * t * x1 + t * t * t * x1,
      u * u * u * y0 + 3 * u * u * t * c0y + 3 * u * t * t * c1y + t * t * t * y1,
    );
  }
  return out;
}

export function buildScene(
  m: GraphModel,
  vis: Visible,
  pl: Placement,
  colors: Colorizer,
  theme: Theme,
  hl: Highlight,
): Scene {
  const dark = theme.kind === 'dark';
  const items: number[] = [];
  const kinds: number[] = [];
  for (const j of vis.open) {
    items.push(m.n + j);
    kinds.push(KIND_CONTAINER);
  }
  // Containers, then collapsed groups, then nodes: far out, the drawing can stop before the nodes.
  for (const list of vis.children.values())
    for (const item of list)
      if (item >= m.n && !vis.isOpen[item - m.n]) {
        items.push(item);
        kinds.push(KIND_GROUP);
      }
  const firstNode = items.length;
  for (const list of vis.children.values())
    for (const item of list)
      if (item < m.n) {
        items.push(item);
        kinds.push(KIND_NODE);
      }
  const N = items.length;
  const rect = new Float32Array(4 * N);
  const fill = new Uint8Array(4 * N);
  const stroke = new Uint8Array(4 * N);
  const style = new Float32Array(2 * N);
  const border = parseColor(theme.border);
  const accent = parseColor(theme.accent);
  const containerFill: RGBA = dark ? [100, 181, 246, 16] : [25, 118, 210, 10];
  const containerStroke: RGBA = dark
    ? [border[0] + 30, border[1] + 30, border[2] + 30, 255]
    : [border[0] - 30, border[1] - 30, border[2] - 30, 255];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < N; k++) {
    const it = items[k];
    const kind = kinds[k];
    rect.set([pl.x[it], pl.y[it], pl.w[it], pl.h[it]], 4 * k);
    x0 = Math.min(x0, pl.x[it]);
    y0 = Math.min(y0, pl.y[it]);
    x1 = Math.max(x1, pl.x[it] + pl.w[it]);
    y1 = Math.max(y1, pl.y[it] + pl.h[it]);
    let f: RGBA;
    let s: RGBA;
    let bw: number;
    let radius: number;
    if (kind === KIND_CONTAINER) {
      f = containerFill;
      s = containerStroke;
      bw = 1;
      radius = 8;
    } else if (kind === KIND_GROUP) {
      f = colors.fill(it);
      s = colors.mode === 'op' ? (dark ? [110, 150, 200, 255] : [120, 150, 195, 255]) : shade(f, dark);
      bw = 1.5;
      radius = 7;
    } else {
      f = colors.fill(it);
      s = shade(f, dark);
      bw = 1;
      radius = 4;
    }
    // The current search match outranks the selection (a jump selects it too), which outranks other matches.
    if (hl.matches.has(it)) {
      s = MATCH;
      bw = 2.5;
    }
    if (it === hl.selected) {
      s = accent;
      bw = 3;
    }
    if (it === hl.current) {
      s = CURRENT;
      bw = 3.5;
    }
    fill.set(
      f.map((v) => Math.max(0, Math.min(255, v))),
      4 * k,
    );
    stroke.set(
      s.map((v) => Math.max(0, Math.min(255, v))),
      4 * k,
    );
    style[2 * k] = radius;
    style[2 * k + 1] = bw;
  }
  if (!Number.isFinite(x0)) x0 = y0 = x1 = y1 = 0;

  // Edges: dagre's own route between siblings of one layout, otherwise a Bézier between the boxes.
  const routes = new Map<string, number[]>();
  for (const [c, { result, pairs, ox, oy }] of pl.results) {
    const cx = c < 0 ? 0 : pl.x[m.n + c] + ox;
    const cy = c < 0 ? 0 : pl.y[m.n + c] + oy;
    pairs.forEach(([a, b], i) => {
      const pts = result.points[i];
      if (pts)
        routes.set(
          `${a}:${b}`,
          pts.map((v, k) => v + (k % 2 ? cy : cx)),
        );
    });
  }
  const segs: number[] = [];
  const segEdge: number[] = [];
  const edgeSeg = new Int32Array(2 * vis.edges.length);
  const edgeMid = new Float32Array(2 * vis.edges.length);
  const near = new Set<number>();
  vis.edges.forEach((e, idx) => {
    const a = e.src;
    const b = e.dst;
    let pts: number[] | undefined;
    if (containerOf(m, a) === containerOf(m, b)) pts = routes.get(`${a}:${b}`);
    if (!pts) {
      const sx = pl.x[a] + pl.w[a] / 2;
      const sy = pl.y[a] + pl.h[a];
      const tx = pl.x[b] + pl.w[b] / 2;
      const ty = pl.y[b];
      pts = bezier(sx, sy, tx, ty);
    }
    edgeSeg[2 * idx] = segEdge.length;
    for (let k = 0; k + 3 < pts.length; k += 2) {
      segs.push(pts[k], pts[k + 1], pts[k + 2], pts[k + 3]);
      segEdge.push(idx);
    }
    // Arrowhead: two short strokes at the end, along the last segment.
    const L = pts.length;
    const ex = pts[L - 2];
    const ey = pts[L - 1];
    let dx = ex - pts[L - 4];
    let dy = ey - pts[L - 3];
    const len = Math.hypot(dx, dy) || 1;
    dx /= len;
    dy /= len;
    const size = 6;
    segs.push(ex, ey, ex - size * dx - size * 0.55 * dy, ey - size * dy + size * 0.55 * dx);
    segs.push(ex, ey, ex - size * dx + size * 0.55 * dy, ey - size * dy - size * 0.55 * dx);
    segEdge.push(idx, idx);
    edgeSeg[2 * idx + 1] = segEdge.length;
    const mid = 2 * Math.floor(L / 4);
    edgeMid[2 * idx] = pts[mid];
    edgeMid[2 * idx + 1] = pts[mid + 1];
    if (hl.selected >= 0 && (a === hl.selected || b === hl.selected)) near.add(idx);
  });
  const S = segEdge.length;
  const segColor = new Uint8Array(4 * S);
  const edgeColor: RGBA = dark ? [150, 150, 156, 255] : [112, 112, 118, 255];
  for (let k = 0; k < S; k++) segColor.set(near.has(segEdge[k]) ? accent : edgeColor, 4 * k);
  const E = vis.edges.length;
  const coarseSeg = new Float32Array(4 * E);
  const coarseColor = new Uint8Array(4 * E);
  for (let e = 0; e < E; e++) {
    const first = edgeSeg[2 * e];
    const last = edgeSeg[2 * e + 1] - 3; // the last curve segment, before the two arrowhead strokes
    coarseSeg.set([segs[4 * first], segs[4 * first + 1], segs[4 * last + 2], segs[4 * last + 3]], 4 * e);
    coarseColor.set(near.has(e) ? accent : edgeColor, 4 * e);
  }
  return {
    nRects: N,
    firstNode,
    rect,
    fill,
    stroke,
    style,
    item: Int32Array.from(items),
    kind: Uint8Array.from(kinds),
    nSegs: S,
    seg: Float32Array.from(segs),
    segColor,
    coarseSeg,
    coarseColor,
    segEdge: Int32Array.from(segEdge),
    edgeSeg,
    edgeMid,
    bounds: { x0, y0, x1, y1 },
  };
}

/** The topmost item under a world point: boxes before containers, inner containers before outer. */
export function hitItem(scene: Scene, wx: number, wy: number): number {
  const r = scene.rect;
  for (let k = scene.nRects - 1; k >= 0; k--) {
    const x = r[4 * k];
    const y = r[4 * k + 1];
    if (wx >= x && wy >= y && wx <= x + r[4 * k + 2] && wy <= y + r[4 * k + 3]) return scene.item[k];
  }
  return -1;
}

/** The visible edge nearest a world point within `tol` world units, or -1. */
export function hitEdge(scene: Scene, wx: number, wy: number, tol: number): number {
  const s = scene.seg;
  let best = -1;
  let bestD = tol * tol;
  for (let k = 0; k < scene.nSegs; k++) {
    const ax = s[4 * k];
    const ay = s[4 * k + 1];
    const bx = s[4 * k + 2];
    const by = s[4 * k + 3];
    if (
      Math.min(ax, bx) - tol > wx ||
      Math.max(ax, bx) + tol < wx ||
      Math.min(ay, by) - tol > wy ||
      Math.max(ay, by) + tol < wy
    )
      continue;
    const dx = bx - ax;
    const dy = by - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((wx - ax) * dx + (wy - ay) * dy) / l2)) : 0;
    const px = ax + t * dx - wx;
    const py = ay + t * dy - wy;
    const d = px * px + py * py;
    if (d < bestD) {
      bestD = d;
      best = scene.segEdge[k];
    }
  }
  return best;
}
