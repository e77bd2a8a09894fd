// What is visible for a given set of expanded groups: boxes per container and edges aggregated between them.
import type { GraphModel } from './model.js';

/** A visible item: node i is `i`, group j is `n + j`. A container is -1 (the root) or an expanded group. */
export const ROOT = -1;

export interface VisibleEdge {
  src: number;
  dst: number;
  /** How many model edges this one stands for. */
  count: number;
  /** The first model edge (its tensor is shown on hover). */
  first: number;
}

export interface Visible {
  /** Expanded groups whose ancestors are all expanded (drawn as containers), parents first. */
  open: number[];
  isOpen: Uint8Array;
  /** Items directly inside each container (ROOT and open groups). */
  children: Map<number, number[]>;
  /** The visible item standing for each node. */
  rep: Int32Array;
  edges: VisibleEdge[];
  nodes: number;
  groups: number;
}

export function isGroupItem(m: GraphModel, item: number): boolean {
  return item >= m.n;
}

/** The container an item sits in directly. */
export function containerOf(m: GraphModel, item: number): number {
  return item >= m.n ? m.groupParent[item - m.n] : m.nodeGroup[item];
}

export function visibleStructure(m: GraphModel, expanded: ReadonlySet<number>): Visible {
  const { n, g } = m;
  const isOpen = new Uint8Array(g);
  const groupRep = new Int32Array(g).fill(-1);
  const open: number[] = [];
  const children = new Map<number, number[]>([[ROOT, []]]);
  let groups = 0;
  for (const j of m.groupOrder) {
    const parent = m.groupParent[j];
    const parentOpen = parent < 0 || isOpen[parent] === 1;
    if (parentOpen && expanded.has(j)) {
      isOpen[j] = 1;
      open.push(j);
      children.set(j, []);
    } else if (parentOpen) {
      groupRep[j] = j;
      groups++;
    } else {
      groupRep[j] = groupRep[parent];
    }
  }
  // Children in payload order: groups first (by index), then nodes.
  for (const j of m.groupOrder) {
    const parent = m.groupParent[j];
    // a group whose every node was folded away is not drawn
    if (m.foldedCount > 0 && m.groupNodeCount[j] === 0) continue;
    if (parent < 0 || isOpen[parent]) children.get(parent)!.push(n + j);
  }
  for (const list of children.values()) list.sort((a, b) => a - b);
  const rep = new Int32Array(n);
  let nodes = 0;
  for (let i = 0; i < n; i++) {
    const k = m.nodeGroup[i];
    if (k < 0 || isOpen[k]) {
      rep[i] = i;
      children.get(k)!.push(i);
      nodes++;
    } else rep[i] = n + groupRep[k];
  }
  const index = new Map<number, VisibleEdge>();
  const edges: VisibleEdge[] = [];
  const total = n + g;
  for (let e = 0; e < m.e; e++) {
    const a = rep[m.src[e]];
    const b = rep[m.dst[e]];
    if (a === b) continue;
    const key = a * total + b;
    const found = index.get(key);
    if (found) found.count++;
    else {
      const v = { src: a, dst: b, count: 1, first: e };
      index.set(key, v);
      edges.push(v);
    }
  }
  return { open, isOpen, children, rep, edges, nodes, groups };
}

/** The chain of containers around an item, innermost first, ending with ROOT. */
export function containerChain(m: GraphModel, item: number): number[] {
  const out: number[] = [];
  for (let c = containerOf(m, item); c >= 0; c = m.groupParent[c]) out.push(c);
  out.push(ROOT);
  return out;
}

/**
 * For one container's layout: each visible edge between two different children of that container (the children
 * that contain its endpoints), deduplicated. Returned per container as pairs of child items.
 */
export function layoutEdges(m: GraphModel, vis: Visible): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>();
  const seen = new Set<string>();
  for (const c of vis.children.keys()) out.set(c, []);
  for (const edge of vis.edges) {
    const ca = containerChain(m, edge.src);
    const cb = containerChain(m, edge.dst);
    // Walk both chains from the root to find the lowest common container and the children under it.
    let i = ca.length - 1;
    let k = cb.length - 1;
    while (i > 0 && k > 0 && ca[i - 1] === cb[k - 1]) {
      i--;
      k--;
    }
    const lca = ca[i];
    const childA = i === 0 ? edge.src : m.n + ca[i - 1];
    const childB = k === 0 ? edge.dst : m.n + cb[k - 1];
    if (childA === childB) continue;
    const key = `${lca}:${childA}:${childB}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.get(lca)!.push([childA, childB]);
  }
  return out;
}
