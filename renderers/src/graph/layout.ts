// Bottom-up hierarchical layout: each open container lays out only its direct children (boxes; an open child group
// is a box of the size its own layout gave), results cached per container and content, so expanding a group lays out
// that group and re-places its ancestors only.
import type { GraphModel } from './model.js';
import { formatCount } from './model.js';
import { sizingTitle } from './node-text.js';
import { ROOT, layoutEdges, type Visible } from './hierarchy.js';
import type { LayoutRequest, LayoutResult } from './layout-engine.js';

export const NODE_H = 26;
/** A node with a brief or weights: room for a second (and, zoomed in, a third) line. */
export const NODE_H2 = 40;
export const GROUP_H = 40;
export const PAD = 12;
export const HEADER = 22;
const CHAR_W = 6.6;
/** Node text is drawn a little larger than group text (12 px at zoom 1). */
const NODE_CHAR_W = 7.2;
/** A relayout whose pending groups hold more children than this uses the linear layout for all of them. */
export const FAST_BATCH_CHILDREN = 3000;

export interface Placement {
  /** Top-left and size per item (n + g entries; NaN for items not visible). */
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  h: Float64Array;
  width: number;
  height: number;
  /** Per container: its result and children, for edge routing. */
  results: Map<number, { result: LayoutResult; children: number[]; pairs: [number, number][]; ox: number; oy: number }>;
  /** Milliseconds spent in layouts computed by this call (cache hits cost nothing). */
  ms: number;
  computed: number;
  simplified: number;
}

export type RunLayouts = (requests: LayoutRequest[]) => Promise<LayoutResult[]>;

export function groupSubtitle(m: GraphModel, j: number): string {
  const count = `${formatCount(m.groupNodeCount[j])} node${m.groupNodeCount[j] === 1 ? '' : 's'}`;
  return m.groupType[j] ? `${m.groupType[j]} · ${count}` : count;
}

export function leafSize(m: GraphModel, item: number): [number, number] {
  if (item < m.n) {
    // sized for "name · Op" and the brief (weight shapes are drawn zoomed in, where the box is wide on screen)
    const chars = Math.max(sizingTitle(m, item).length, m.nodeBrief[item].length);
    const w = Math.min(210, Math.max(48, chars * NODE_CHAR_W + 18));
    return [w, m.nodeBrief[item] || m.details.get(item)?.params?.length ? NODE_H2 : NODE_H];
  }
  const j = item - m.n;
  const len = Math.max(m.groupName[j].length, groupSubtitle(m, j).length);
  return [Math.min(220, Math.max(80, len * CHAR_W + 24)), GROUP_H];
}

/** Minimum width of an open group's container (its header label). */
function headerWidth(m: GraphModel, j: number): number {
  return Math.min(260, (m.groupName[j].length + m.groupType[j].length + 3) * CHAR_W + 2 * PAD);
}

export class LayoutCache {
  private readonly map = new Map<string, LayoutResult>();
  get(key: string): LayoutResult | undefined {
    const r = this.map.get(key);
    if (r) {
      this.map.delete(key);
      this.map.set(key, r);
    }
    return r;
  }
  set(key: string, r: LayoutResult): void {
    this.map.set(key, r);
    if (this.map.size > 4000) this.map.delete(this.map.keys().next().value as string);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

export async function computePlacement(
  m: GraphModel,
  vis: Visible,
  run: RunLayouts,
  cache: LayoutCache,
  onProgress?: (done: number, total: number) => void,
): Promise<Placement> {
  const total = m.n + m.g;
  const w = new Float64Array(total).fill(NaN);
  const h = new Float64Array(total).fill(NaN);
  const edgesOf = layoutEdges(m, vis);
  const results: Placement['results'] = new Map();
  // Containers deepest first; the root last.
  const byDepth = new Map<number, number[]>();
  for (const j of vis.open) {
    const d = m.groupDepth[j];
    if (!byDepth.has(d)) byDepth.set(d, []);
    byDepth.get(d)!.push(j);
  }
  const levels = [...byDepth.keys()].sort((a, b) => b - a).map((d) => byDepth.get(d)!);
  levels.push([ROOT]);
  for (const list of vis.children.values())
    for (const item of list) {
      if (item >= m.n && vis.isOpen[item - m.n]) continue;
      const [lw, lh] = leafSize(m, item);
      w[item] = lw;
      h[item] = lh;
    }
  // Decide the engine once per call: a big batch (expand-all of a huge model) uses the linear layout.
  let pendingChildren = 0;
  for (const [c, kids] of vis.children) if (c === ROOT || vis.isOpen[c]) pendingChildren += kids.length;
  const fast = pendingChildren > FAST_BATCH_CHILDREN;
  let ms = 0;
  let computed = 0;
  let simplified = 0;
  let done = 0;
  for (const level of levels) {
    const requests: LayoutRequest[] = [];
    const info = level.map((c) => {
      const children = vis.children.get(c)!;
      const index = new Map(children.map((item, i) => [item, i]));
      const pairs = edgesOf.get(c)!;
      const req: LayoutRequest = {
        key: '',
        w: children.map((item) => w[item]),
        h: children.map((item) => h[item]),
        edges: pairs.map(([a, b]) => [index.get(a)!, index.get(b)!]),
        engine: fast ? 'fast' : 'auto',
      };
      req.key = `${c}|${req.engine}|${req.w.join(',')}|${req.h.join(',')}|${req.edges.join(';')}`;
      const hit = cache.get(req.key);
      if (!hit) requests.push(req);
      return { c, children, pairs, req, hit };
    });
    const fresh = new Map<string, LayoutResult>();
    for (const r of await run(requests)) {
      fresh.set(r.key, r);
      cache.set(r.key, r);
      ms += r.ms;
      computed++;
      if (r.engine === 'layered' && r.x.length > 1) simplified++;
    }
    for (const { c, children, pairs, req, hit } of info) {
      const result = hit ?? fresh.get(req.key)!;
      let ox = 0;
      let oy = 0;
      if (c !== ROOT) {
        const j = c;
        const inner = Math.max(result.width, headerWidth(m, j) - 2 * PAD);
        ox = PAD + (inner - result.width) / 2;
        oy = HEADER;
        w[m.n + j] = inner + 2 * PAD;
        h[m.n + j] = result.height + HEADER + PAD;
      }
      results.set(c, { result, children, pairs, ox, oy });
    }
    done += level.length;
    onProgress?.(done, vis.open.length + 1);
  }
  // Top-down: absolute positions.
  const x = new Float64Array(total).fill(NaN);
  const y = new Float64Array(total).fill(NaN);
  const place = (c: number, X: number, Y: number): void => {
    const { result, children, ox, oy } = results.get(c)!;
    children.forEach((item, i) => {
      x[item] = X + ox + result.x[i];
      y[item] = Y + oy + result.y[i];
      if (item >= m.n && vis.isOpen[item - m.n]) place(item - m.n, x[item], y[item]);
    });
  };
  place(ROOT, 0, 0);
  const root = results.get(ROOT)!.result;
  return { x, y, w, h, width: root.width, height: root.height, results, ms, computed, simplified };
}
