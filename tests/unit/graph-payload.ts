// A small graph payload builder for the graph tests: columns of indices into one string table, as Python writes them.
import type { GraphPayload } from '../../renderers/src/generated/graph';

export const i32 = (v: number[]): { dtype: 'int32'; shape: number[]; data: string } => ({
  dtype: 'int32',
  shape: [v.length],
  data: Buffer.from(new Int32Array(v).buffer).toString('base64'),
});

export interface Spec12 {
  groups: [string, number, string][]; // name, parent, type
  /** name, op, group, params, brief, fold */
  nodes: [string, string, number, number?, string?, number?][];
  edges: [number, number, number?][];
  tensors?: { shape: (number | null)[]; dtype: string }[];
}

export function payload12(spec: Spec12, extra: Partial<GraphPayload> = {}): GraphPayload {
  const strings: string[] = [];
  const idx = (s: string): number => {
    const k = strings.indexOf(s);
    if (k >= 0) return k;
    strings.push(s);
    return strings.length - 1;
  };
  return {
    version: '1.2',
    framework: 'pytorch',
    source: { method: 'export' },
    strings,
    groups: {
      name: i32(spec.groups.map((g) => idx(g[0]))),
      parent: i32(spec.groups.map((g) => g[1])),
      type: i32(spec.groups.map((g) => idx(g[2]))),
    },
    nodes: {
      name: i32(spec.nodes.map((n) => idx(n[0]))),
      op: i32(spec.nodes.map((n) => idx(n[1]))),
      group: i32(spec.nodes.map((n) => n[2])),
      params: i32(spec.nodes.map((n) => n[3] ?? 0)),
      brief: i32(spec.nodes.map((n) => (n[4] ? idx(n[4]) : -1))),
      fold: i32(spec.nodes.map((n) => n[5] ?? -1)),
    },
    edges: {
      src: i32(spec.edges.map((e) => e[0])),
      dst: i32(spec.edges.map((e) => e[1])),
      tensor: i32(spec.edges.map((e) => e[2] ?? -1)),
    },
    tensors: spec.tensors ?? [],
    ...extra,
  } as GraphPayload;
}

// x -> conv (weight get_attr folded into conv) -> size (folded into view) -> view -> out; conv -> view carries t1.
// getitem (folded, chain: getitem -> size -> view).
export const FOLDED: Spec12 = {
  groups: [
    ['layer1', -1, 'Sequential'],
    ['0', 0, 'BasicBlock'],
  ],
  nodes: [
    ['x', 'Input', -1],
    ['layer1.0.conv1', 'Conv2d', 1, 1728, '3×3/2'],
    ['layer1.0.conv1.weight', 'get_attr', 1, 0, undefined, 1],
    ['size', 'size', -1, 0, undefined, 5],
    ['getitem', 'getitem', -1, 0, undefined, 3],
    ['view', 'view', -1],
    ['out', 'Output', -1],
  ],
  edges: [
    [0, 1, 0],
    [2, 1],
    [1, 3, 1],
    [3, 4],
    [4, 5],
    [1, 5, 1],
    [5, 6, 2],
  ],
  tensors: [
    { shape: [1, 3, 8, 8], dtype: 'float32' },
    { shape: [1, 64, 4, 4], dtype: 'float32' },
    { shape: [1, 1024], dtype: 'float32' },
  ],
};
