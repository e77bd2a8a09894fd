// The graph payload decoded once into flat columns plus the group tree; everything else reads this.
import type { GraphPayload, NodeDetail, TensorInfo } from '../generated/graph.js';
import { PayloadError } from '../core/errors.js';
import { decodeTensor, toNumbers } from '../core/tensor.js';

export type { NodeDetail, TensorInfo };

/** A node folded into a drawn host, as its details panel lists it. */
export interface FoldedNode {
  name: string;
  op: string;
  detail: NodeDetail | undefined;
}

export interface GraphModel {
  title: string;
  framework: string;
  method: string;
  fallbackReason: string;
  /** The payload carries messages: since 1.2 they explain a fallback in the user's terms, with the reason inside. */
  hasMessages: boolean;
  producer: string;
  opset: string;
  totals: { params: number; trainable: number; nodes: number };
  /** Nodes. */
  n: number;
  nodeName: string[];
  nodeOp: string[];
  nodeGroup: Int32Array;
  nodeParams: Float64Array;
  /** Index into `tensors` of each node's first output, -1 if unknown (since 1.1). */
  nodeOutput: Int32Array;
  /** Short key attributes drawn inside the node, '' if none (since 1.2). */
  nodeBrief: string[];
  /** Final host of each folded node (chains resolved), -1 if drawn (since 1.2). */
  nodeFold: Int32Array;
  /** Nodes of the payload folded away in this model (0 when everything is shown). */
  foldedCount: number;
  /** Per drawn host node: the payload's nodes folded into it (see fold.ts). */
  foldedInto: Map<number, FoldedNode[]>;
  /** On a contracted model: the payload's model with every node drawn. */
  unfolded?: GraphModel;
  /** Groups. */
  g: number;
  groupName: string[];
  groupType: string[];
  groupParent: Int32Array;
  /** Slash-joined names from the top, e.g. `encoder/layers/3`. */
  groupPath: string[];
  groupDepth: Int32Array;
  /** Group indices ordered parents first. */
  groupOrder: Int32Array;
  groupChildren: number[][];
  groupNodes: number[][];
  rootGroups: number[];
  rootNodes: number[];
  /** Nodes anywhere under a group, and their parameter total. */
  groupNodeCount: Float64Array;
  groupParamTotal: Float64Array;
  groupByPath: Map<string, number>;
  /** Edges. */
  e: number;
  src: Int32Array;
  dst: Int32Array;
  edgeTensor: Int32Array;
  tensors: TensorInfo[];
  details: Map<number, NodeDetail>;
}

const col = (t: GraphPayload['nodes']['name'], path: string): Float64Array => toNumbers(decodeTensor(t, path));

function stringsOf(p: GraphPayload, idx: Float64Array, path: string, fallback: (i: number) => string): string[] {
  const s = p.strings;
  const out: string[] = new Array<string>(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (k === -1) out[i] = fallback(i);
    else if (Number.isInteger(k) && k >= 0 && k < s.length) out[i] = s[k] || fallback(i);
    else throw new PayloadError(`${path}`, `entry ${i} is ${k}, outside the ${s.length} strings`);
  }
  return out;
}

function refs(values: Float64Array, limit: number, path: string, what: string, none = true): Int32Array {
  const out = new Int32Array(values.length);
  const min = none ? -1 : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= min && v < limit))
      throw new PayloadError(path, `entry ${i} is ${v}, outside the ${limit} ${what}${none ? ' (or -1)' : ''}`);
    out[i] = v;
  }
  return out;
}

/** Validates `nodes.fold` (-1 or another node) and resolves chains to their final host; a cycle is an error. */
export function resolveFold(fold: Float64Array): Int32Array {
  const n = fold.length;
  const raw = refs(fold, n, '/nodes/fold', 'nodes');
  const out = new Int32Array(n).fill(-2);
  for (let i = 0; i < n; i++) {
    if (raw[i] === i) throw new PayloadError('/nodes/fold', `entry ${i} folds node ${i} into itself`);
    if (out[i] !== -2) continue;
    const chain: number[] = [];
    let k = i;
    while (raw[k] >= 0 && out[k] === -2) {
      chain.push(k);
      if (chain.length > n) throw new PayloadError('/nodes/fold', `node ${i} is folded in a cycle`);
      k = raw[k];
    }
    // k is drawn (raw -1) or already resolved
    const host = raw[k] < 0 ? k : out[k];
    if (raw[k] < 0) out[k] = -1;
    for (const c of chain) out[c] = host;
  }
  return out;
}

/** Decode and cross-check the columns (equal lengths, in-range references, an acyclic group tree). */
export function parseGraph(p: GraphPayload): GraphModel {
  const nameIdx = col(p.nodes.name, '/nodes/name');
  const n = nameIdx.length;
  const sameLength = (key: 'op' | 'group' | 'params' | 'brief' | 'fold', missing = 0): Float64Array => {
    const t = p.nodes[key];
    if (!t) return new Float64Array(n).fill(missing);
    const v = col(t, `/nodes/${key}`);
    if (v.length !== n) throw new PayloadError(`/nodes/${key}`, `must have ${n} entries, has ${v.length}`);
    return v;
  };
  const opIdx = sameLength('op');
  const groupCol = sameLength('group');
  const params = sameLength('params');
  const briefIdx = sameLength('brief', -1);
  const nodeFold = resolveFold(sameLength('fold', -1));

  const gNameIdx = col(p.groups.name, '/groups/name');
  const g = gNameIdx.length;
  const gParentCol = col(p.groups.parent, '/groups/parent');
  if (gParentCol.length !== g)
    throw new PayloadError('/groups/parent', `must have ${g} entries, has ${gParentCol.length}`);
  const gTypeIdx = p.groups.type ? col(p.groups.type, '/groups/type') : new Float64Array(g).fill(-1);
  if (gTypeIdx.length !== g) throw new PayloadError('/groups/type', `must have ${g} entries, has ${gTypeIdx.length}`);

  const nodeName = stringsOf(p, nameIdx, '/nodes/name', (i) => `#${i}`);
  const nodeOp = stringsOf(p, opIdx, '/nodes/op', () => '?');
  const nodeBrief = stringsOf(p, briefIdx, '/nodes/brief', () => '');
  const groupName = stringsOf(p, gNameIdx, '/groups/name', (i) => `group${i}`);
  const groupType = stringsOf(p, gTypeIdx, '/groups/type', () => '');
  const nodeGroup = refs(groupCol, g, '/nodes/group', 'groups');
  const groupParent = refs(gParentCol, g, '/groups/parent', 'groups');

  // Depths with cycle detection: a parent chain longer than g is a cycle.
  const groupDepth = new Int32Array(g).fill(-1);
  for (let j = 0; j < g; j++) {
    const chain: number[] = [];
    let k = j;
    while (k >= 0 && groupDepth[k] < 0) {
      chain.push(k);
      if (chain.length > g) throw new PayloadError('/groups/parent', `group ${j} is its own ancestor`);
      k = groupParent[k];
    }
    let d = k >= 0 ? groupDepth[k] : -1;
    for (let c = chain.length - 1; c >= 0; c--) groupDepth[chain[c]] = ++d;
  }
  const groupOrder = Int32Array.from({ length: g }, (_, i) => i).sort((a, b) => groupDepth[a] - groupDepth[b]);
  const groupPath: string[] = new Array<string>(g);
  const groupChildren: number[][] = Array.from({ length: g }, () => []);
  const groupNodes: number[][] = Array.from({ length: g }, () => []);
  const rootGroups: number[] = [];
  const rootNodes: number[] = [];
  const groupByPath = new Map<string, number>();
  for (const j of groupOrder) {
    const parent = groupParent[j];
    groupPath[j] = parent < 0 ? groupName[j] : `${groupPath[parent]}/${groupName[j]}`;
    if (!groupByPath.has(groupPath[j])) groupByPath.set(groupPath[j], j);
    if (parent < 0) rootGroups.push(j);
    else groupChildren[parent].push(j);
  }
  rootGroups.sort((a, b) => a - b);
  for (const c of groupChildren) c.sort((a, b) => a - b);
  const groupNodeCount = new Float64Array(g);
  const groupParamTotal = new Float64Array(g);
  for (let i = 0; i < n; i++) {
    const k = nodeGroup[i];
    if (k < 0) rootNodes.push(i);
    else groupNodes[k].push(i);
    for (let a = k; a >= 0; a = groupParent[a]) {
      groupNodeCount[a] += 1;
      groupParamTotal[a] += params[i];
    }
  }

  const src = refs(col(p.edges.src, '/edges/src'), n, '/edges/src', 'nodes', false);
  const dst = refs(col(p.edges.dst, '/edges/dst'), n, '/edges/dst', 'nodes', false);
  if (src.length !== dst.length)
    throw new PayloadError('/edges/dst', `has ${dst.length} entries, src has ${src.length}`);
  const tensors = p.tensors ?? [];
  const edgeTensor = p.edges.tensor
    ? refs(col(p.edges.tensor, '/edges/tensor'), tensors.length, '/edges/tensor', 'tensors')
    : new Int32Array(src.length).fill(-1);
  if (edgeTensor.length !== src.length)
    throw new PayloadError('/edges/tensor', `must have ${src.length} entries, has ${edgeTensor.length}`);

  const nodeOutput = p.nodes.output
    ? refs(col(p.nodes.output, '/nodes/output'), tensors.length, '/nodes/output', 'tensors')
    : new Int32Array(n).fill(-1);
  if (nodeOutput.length !== n)
    throw new PayloadError('/nodes/output', `must have ${n} entries, has ${nodeOutput.length}`);
  const details = new Map<number, NodeDetail>();
  (p.details ?? []).forEach((d, i) => {
    if (d.node >= n) throw new PayloadError(`/details/${i}/node`, `is ${d.node}, outside the ${n} nodes`);
    details.set(d.node, d);
  });
  let paramSum = 0;
  for (let i = 0; i < n; i++) paramSum += params[i];
  return {
    title: p.title ?? '',
    framework: p.framework,
    method: p.source?.method ?? '',
    fallbackReason: p.source?.fallback_reason ?? '',
    hasMessages: (p.messages?.length ?? 0) > 0,
    producer: p.source?.producer ?? '',
    opset: p.source?.opset ?? '',
    totals: {
      params: p.totals?.params ?? paramSum,
      trainable: p.totals?.trainable_params ?? paramSum,
      nodes: p.totals?.nodes ?? n,
    },
    n,
    nodeName,
    nodeOp,
    nodeGroup,
    nodeParams: params,
    nodeOutput,
    nodeBrief,
    nodeFold,
    foldedCount: 0,
    foldedInto: new Map(),
    g,
    groupName,
    groupType,
    groupParent,
    groupPath,
    groupDepth,
    groupOrder,
    groupChildren,
    groupNodes,
    rootGroups,
    rootNodes,
    groupNodeCount,
    groupParamTotal,
    groupByPath,
    e: src.length,
    src,
    dst,
    edgeTensor,
    tensors,
    details,
  };
}

/** The groups enclosing a node or group, outermost first. */
export function ancestorsOfNode(m: GraphModel, node: number): number[] {
  const out: number[] = [];
  for (let k = m.nodeGroup[node]; k >= 0; k = m.groupParent[k]) out.push(k);
  return out.reverse();
}

export function formatCount(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(v >= 1e10 ? 0 : 1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(v >= 1e5 ? 0 : 1)}k`;
  return String(Math.round(v));
}
