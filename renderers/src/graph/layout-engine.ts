// Layered layout of ONE container's direct children (boxes of known size): dagre for groups of ordinary size, a
// linear-time layered layout above that (dagre's cost grows steeply and its recursion overflows near 3k nodes).
// Runs in the worker and, when no worker can start, on the main thread. Pure: no DOM.
import { Graph, layout as dagreLayout } from '@dagrejs/dagre';

export interface LayoutRequest {
  key: string;
  /** Box sizes of the children. */
  w: number[];
  h: number[];
  /** Pairs of child indices (no self-loops, no duplicates needed). */
  edges: [number, number][];
  /** 'fast' forces the linear layout (large batches such as expand-all). */
  engine?: 'auto' | 'fast';
}

export interface LayoutResult {
  key: string;
  /** Top-left corners of the children, from (0, 0). */
  x: number[];
  y: number[];
  width: number;
  height: number;
  /** Polyline per request edge (x0, y0, x1, y1, ...), or null when the drawing should route it. */
  points: (number[] | null)[];
  engine: 'dagre' | 'layered';
  ms: number;
}

/** Above this many children dagre is not used (its time grows steeply: ~1-3 s at 500 boxes on a 2-core VM). */
export const DAGRE_MAX = 300;
/** Up to here dagre uses network-simplex ranking, then longest-path (cheaper, a little taller). */
const SIMPLEX_MAX = 120;
const NODE_SEP = 18;
const RANK_SEP = 30;

export function layoutOne(req: LayoutRequest): LayoutResult {
  const t0 = performance.now();
  const n = req.w.length;
  let out: Omit<LayoutResult, 'key' | 'ms'>;
  if (n === 0) out = { x: [], y: [], width: 0, height: 0, points: [], engine: 'layered' };
  else if (req.engine !== 'fast' && n <= DAGRE_MAX) {
    try {
      out = viaDagre(req);
    } catch {
      out = layered(req);
    }
  } else out = layered(req);
  return { key: req.key, ...out, ms: performance.now() - t0 };
}

function viaDagre(req: LayoutRequest): Omit<LayoutResult, 'key' | 'ms'> {
  const n = req.w.length;
  const g = new Graph({ multigraph: false });
  g.setGraph({
    rankdir: 'TB',
    nodesep: NODE_SEP,
    ranksep: RANK_SEP,
    edgesep: 8,
    marginx: 0,
    marginy: 0,
    ranker: n <= SIMPLEX_MAX ? 'network-simplex' : 'longest-path',
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (let i = 0; i < n; i++) g.setNode(String(i), { width: req.w[i], height: req.h[i] });
  for (const [a, b] of req.edges) if (a !== b) g.setEdge(String(a), String(b));
  dagreLayout(g);
  const x: number[] = [];
  const y: number[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const node = g.node(String(i)) as { x: number; y: number };
    x.push(node.x - req.w[i] / 2);
    y.push(node.y - req.h[i] / 2);
    minX = Math.min(minX, x[i]);
    minY = Math.min(minY, y[i]);
    maxX = Math.max(maxX, x[i] + req.w[i]);
    maxY = Math.max(maxY, y[i] + req.h[i]);
  }
  for (let i = 0; i < n; i++) {
    x[i] -= minX;
    y[i] -= minY;
  }
  const points = req.edges.map(([a, b]) => {
    if (a === b) return null;
    const e = g.edge(String(a), String(b)) as { points?: { x: number; y: number }[] } | undefined;
    if (!e?.points?.length) return null;
    const flat: number[] = [];
    for (const p of e.points) flat.push(p.x - minX, p.y - minY);
    return flat;
  });
  return { x, y, width: maxX - minX, height: maxY - minY, points, engine: 'dagre' };
}

/**
 * Linear-time layered layout: cycles broken by an iterative DFS, longest-path ranks, two barycentre sweeps for the
 * order within ranks, then packing each rank around its barycentres. Edges are left for the drawing to route.
 */
export function layered(req: LayoutRequest): Omit<LayoutResult, 'key' | 'ms'> {
  const n = req.w.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of req.edges) if (a !== b) out[a].push(b);
  // Break cycles: edges to a node still on the DFS stack are reversed.
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  const topo: number[] = [];
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < out[v].length) {
        top[1]++;
        const w = out[v][i];
        if (state[w] === 1) {
          succ[w].push(v);
          pred[v].push(w);
        } else {
          succ[v].push(w);
          pred[w].push(v);
          if (state[w] === 0) {
            state[w] = 1;
            stack.push([w, 0]);
          }
        }
      } else {
        state[v] = 2;
        topo.push(v);
        stack.pop();
      }
    }
  }
  topo.reverse();
  const rank = new Int32Array(n);
  for (const v of topo) for (const w of succ[v]) rank[w] = Math.max(rank[w], rank[v] + 1);
  const ranks: number[][] = [];
  for (const v of topo) (ranks[rank[v]] ??= []).push(v);
  const pos = new Float64Array(n);
  const order = (layer: number[], neighbours: number[][]): void => {
    const bary = new Map<number, number>();
    for (const v of layer) {
      const ns = neighbours[v];
      bary.set(v, ns.length ? ns.reduce((s, u) => s + pos[u], 0) / ns.length : pos[v]);
    }
    layer.sort((a, b) => bary.get(a)! - bary.get(b)!);
    layer.forEach((v, i) => (pos[v] = i));
  };
  for (const layer of ranks) layer.forEach((v, i) => (pos[v] = i));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let r = 1; r < ranks.length; r++) order(ranks[r], pred);
    for (let r = ranks.length - 2; r >= 0; r--) order(ranks[r], succ);
  }
  const x = new Array<number>(n).fill(0);
  const y = new Array<number>(n).fill(0);
  const cx = new Float64Array(n);
  let top = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const layer of ranks) {
    let height = 0;
    let right = -Infinity;
    for (const v of layer) {
      const ps = pred[v];
      const want = ps.length ? ps.reduce((s, u) => s + cx[u], 0) / ps.length : right === -Infinity ? 0 : right;
      const left = Math.max(want - req.w[v] / 2, right === -Infinity ? -Infinity : right + NODE_SEP);
      x[v] = Number.isFinite(left) ? left : want - req.w[v] / 2;
      cx[v] = x[v] + req.w[v] / 2;
      right = x[v] + req.w[v];
      y[v] = top;
      height = Math.max(height, req.h[v]);
      minX = Math.min(minX, x[v]);
      maxX = Math.max(maxX, right);
    }
    for (const v of layer) y[v] += (height - req.h[v]) / 2;
    top += height + RANK_SEP;
  }
  for (let v = 0; v < n; v++) x[v] -= minX;
  return {
    x,
    y,
    width: maxX - minX,
    height: Math.max(0, top - RANK_SEP),
    points: req.edges.map(() => null),
    engine: 'layered',
  };
}
