import type { GraphPayload } from '../generated/graph.js';
import { defineRenderer } from '../core/define.js';
import { PayloadError } from '../core/errors.js';
import { placeholderView } from '../core/placeholder.js';
import { decodeTensor, toNumbers } from '../core/tensor.js';

export interface Graph {
  nodes: number;
  edges: number;
  groups: number;
}

/** Checks that the columnar tables agree with each other: equal lengths and in-range references. */
export function parseGraph(p: GraphPayload): Graph {
  const col = (path: string, t: GraphPayload['nodes']['name']): Float64Array => toNumbers(decodeTensor(t, path));
  const names = col('/nodes/name', p.nodes.name);
  const n = names.length;
  for (const key of ['op', 'group', 'params'] as const) {
    const t = p.nodes[key];
    if (t && col(`/nodes/${key}`, t).length !== n) throw new PayloadError(`/nodes/${key}`, `must have ${n} entries`);
  }
  const src = col('/edges/src', p.edges.src);
  const dst = col('/edges/dst', p.edges.dst);
  if (src.length !== dst.length)
    throw new PayloadError('/edges/dst', `has ${dst.length} entries, src has ${src.length}`);
  for (const [name, ends] of [
    ['src', src],
    ['dst', dst],
  ] as const) {
    const bad = ends.findIndex((v) => !(v >= 0 && v < n));
    if (bad >= 0) throw new PayloadError(`/edges/${name}`, `entry ${bad} is ${ends[bad]}, outside the ${n} nodes`);
  }
  const groups = col('/groups/name', p.groups.name).length;
  return { nodes: n, edges: src.length, groups };
}

/** application/vnd.modelviz.graph.v1+json */
export const render = defineRenderer<GraphPayload, Graph>({
  kind: 'graph',
  parse: parseGraph,
  create: placeholderView('graph', (g) => {
    const { nodes, edges, groups } = g as Graph;
    return `${nodes} nodes, ${edges} edges, ${groups} groups`;
  }),
});
