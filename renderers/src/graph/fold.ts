// Folding (payload 1.2 `nodes.fold`): plumbing nodes are hidden and the graph contracted around them, so producers of
// a folded node feed its consumers directly; each host's details list what was folded into it.
import type { FoldedNode, GraphModel } from './model.js';

/** The model with folded nodes removed (renumbered), or the model itself when nothing is folded. */
export function contract(m: GraphModel): GraphModel {
  const { n } = m;
  let folded = 0;
  for (let i = 0; i < n; i++) if (m.nodeFold[i] >= 0) folded++;
  if (folded === 0) return m;

  const newIndex = new Int32Array(n).fill(-1);
  const keep: number[] = [];
  for (let i = 0; i < n; i++)
    if (m.nodeFold[i] < 0) {
      newIndex[i] = keep.length;
      keep.push(i);
    }
  const k = keep.length;

  // Inputs of every node, to walk back from a folded node to the drawn nodes that produce it.
  const inputs: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < m.e; e++) inputs[m.dst[e]].push(m.src[e]);
  const producers = new Map<number, number[]>();
  const drawnProducers = (node: number): number[] => {
    if (m.nodeFold[node] < 0) return [node];
    const known = producers.get(node);
    if (known) return known;
    producers.set(node, []); // guards data-flow cycles through folded nodes
    const out = new Set<number>();
    for (const s of inputs[node]) for (const p of drawnProducers(s)) out.add(p);
    const list = [...out];
    producers.set(node, list);
    return list;
  };

  const src: number[] = [];
  const dst: number[] = [];
  const tensor: number[] = [];
  // One edge per (producer, consumer): the tensor of a direct edge wins, else the first known one into the consumer.
  const seen = new Map<number, { at: number; rank: number }>();
  for (let e = 0; e < m.e; e++) {
    const d = m.dst[e];
    if (m.nodeFold[d] >= 0) continue;
    const t = m.edgeTensor[e];
    for (const p of drawnProducers(m.src[e])) {
      if (p === d) continue;
      const key = newIndex[p] * k + newIndex[d];
      const rank = (p === m.src[e] ? 2 : 0) + (t >= 0 ? 1 : 0);
      const found = seen.get(key);
      if (found) {
        if (rank > found.rank) {
          found.rank = rank;
          tensor[found.at] = t;
        }
        continue;
      }
      seen.set(key, { at: src.length, rank });
      src.push(newIndex[p]);
      dst.push(newIndex[d]);
      tensor.push(t);
    }
  }

  const foldedInto = new Map<number, FoldedNode[]>();
  const params = new Float64Array(k);
  keep.forEach((old, i) => (params[i] = m.nodeParams[old]));
  for (let i = 0; i < n; i++) {
    const host = m.nodeFold[i];
    if (host < 0) continue;
    const h = newIndex[host];
    let list = foldedInto.get(h);
    if (!list) foldedInto.set(h, (list = []));
    list.push({ name: m.nodeName[i], op: m.nodeOp[i], detail: m.details.get(i) });
    params[h] += m.nodeParams[i];
  }

  const nodeGroup = Int32Array.from(keep, (i) => m.nodeGroup[i]);
  const groupNodes: number[][] = Array.from({ length: m.g }, () => []);
  const rootNodes: number[] = [];
  const groupNodeCount = new Float64Array(m.g);
  const groupParamTotal = new Float64Array(m.g);
  for (let i = 0; i < k; i++) {
    const g = nodeGroup[i];
    if (g < 0) rootNodes.push(i);
    else groupNodes[g].push(i);
    for (let a = g; a >= 0; a = m.groupParent[a]) {
      groupNodeCount[a] += 1;
      groupParamTotal[a] += params[i];
    }
  }
  const details = new Map<number, GraphModel['details'] extends Map<number, infer D> ? D : never>();
  for (const [old, d] of m.details) if (newIndex[old] >= 0) details.set(newIndex[old], { ...d, node: newIndex[old] });

  return {
    ...m,
    n: k,
    nodeName: keep.map((i) => m.nodeName[i]),
    nodeOp: keep.map((i) => m.nodeOp[i]),
    nodeBrief: keep.map((i) => m.nodeBrief[i]),
    nodeGroup,
    nodeParams: params,
    nodeOutput: Int32Array.from(keep, (i) => m.nodeOutput[i]),
    nodeFold: new Int32Array(k).fill(-1),
    foldedCount: folded,
    foldedInto,
    unfolded: m,
    groupNodes,
    rootNodes,
    groupNodeCount,
    groupParamTotal,
    e: src.length,
    src: Int32Array.from(src),
    dst: Int32Array.from(dst),
    edgeTensor: Int32Array.from(tensor),
    details,
  };
}
