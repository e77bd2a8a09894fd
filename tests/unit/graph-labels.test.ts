// Labels at every zoom: "name · Op" titles, briefs, weight shapes and edge tensor shapes by level of detail, labels
// that never overlap; search over group names and paths.
import { LIGHT } from '@modelviz/renderers';
import { parseGraph, type GraphModel } from '../../renderers/src/graph/model';
import { visibleStructure } from '../../renderers/src/graph/hierarchy';
import { computePlacement, leafSize, LayoutCache, NODE_H, NODE_H2 } from '../../renderers/src/graph/layout';
import { onMainThread } from '../../renderers/src/graph/layout-client';
import { Colorizer } from '../../renderers/src/graph/colors';
import { buildScene, KIND_NODE, type Scene } from '../../renderers/src/graph/scene';
import { labelSpecs, type LabelSpec } from '../../renderers/src/graph/labels';
import {
  LOD_BRIEF,
  LOD_EDGES,
  LOD_TITLE,
  LOD_WEIGHTS,
  edgeShapeText,
  nodeLines,
  nodeTitle,
  weightsText,
} from '../../renderers/src/graph/node-text';
import { drawnItem, findMatches, groupsToReveal } from '../../renderers/src/graph/search';
import { payload12, type Spec12 } from './graph-payload';

// x -> layer1.0.conv1 -> layer1.0.bn1 -> relu_1 -> transformer.h.0.attn.c_attn (a long name) -> out
const SPEC: Spec12 = {
  groups: [
    ['layer1', -1, 'Sequential'],
    ['0', 0, 'Bottleneck'],
    ['transformer', -1, 'GPT2Model'],
    ['h', 2, 'ModuleList'],
    ['0', 3, 'GPT2Block'],
    ['attn', 4, 'GPT2Attention'],
    ['c_attn', 5, 'Conv1D'],
  ],
  nodes: [
    ['x', 'Input', -1],
    ['layer1.0.conv1', 'Conv2d', 1, 1728, '3×3/2'],
    ['layer1.0.bn1', 'BatchNorm2d', 1, 128, '64'],
    ['relu_1', 'relu', 1],
    ['transformer.h.0.attn.c_attn.addmm', 'addmm', 6, 12480],
    ['out', 'Output', -1],
  ],
  edges: [
    [0, 1, 0],
    [1, 2, 1],
    [2, 3, 1],
    [3, 4, 1],
    [4, 5],
  ],
  tensors: [
    { shape: [1, 3, 8, 8], dtype: 'float32' },
    { shape: [1, 64, 4, 4], dtype: 'float32' },
  ],
};

function model(): GraphModel {
  return parseGraph(
    payload12(SPEC, {
      details: [
        { node: 1, params: [{ name: 'weight', shape: [64, 3, 3, 3], dtype: 'float32' }] },
        {
          node: 2,
          params: [
            { name: 'weight', shape: [64], dtype: 'float32' },
            { name: 'bias', shape: [64], dtype: 'float32' },
          ],
        },
      ],
    }),
  );
}

async function labelsAt(
  m: GraphModel,
  expanded: number[],
  scale: number,
  edit?: (scene: Scene) => void,
): Promise<LabelSpec[]> {
  const v = visibleStructure(m, new Set(expanded));
  const pl = await computePlacement(m, v, onMainThread, new LayoutCache());
  const scene = buildScene(m, v, pl, new Colorizer(m, LIGHT, 'op'), LIGHT, {
    selected: -1,
    matches: new Set(),
    current: -1,
  });
  edit?.(scene);
  return labelSpecs(m, v, scene, { scale, tx: 0, ty: 0 }, Infinity, Infinity, LIGHT);
}

const overlaps = (a: LabelSpec, b: LabelSpec): boolean => {
  const box = (l: LabelSpec): [number, number, number, number] => {
    const w = l.text.length * l.size * 0.58;
    const x = l.align === 'center' ? l.x - w / 2 : l.x;
    return [x, l.y - l.size / 2, x + w, l.y + l.size / 2];
  };
  const [a0, a1, a2, a3] = box(a);
  const [b0, b1, b2, b3] = box(b);
  return a0 < b2 && b0 < a2 && a1 < b3 && b1 < a3;
};

describe('label composition', () => {
  it('titles are "name · Op", the op left out when it repeats the name, long names shortened to fit', () => {
    const m = model();
    expect(nodeTitle(m, 1)).toBe('layer1.0.conv1 · Conv2d');
    expect(nodeTitle(m, 3)).toBe('relu_1');
    expect(nodeTitle(m, 0)).toBe('x · Input');
    expect(nodeTitle(m, 4)).toBe('transformer.h.0.attn.c_attn.addmm');
    expect(nodeTitle(m, 4, 20)).toBe('c_attn.addmm');
    expect(nodeTitle(m, 1, 16)).toBe('0.conv1 · Conv2d');
    expect(nodeTitle(m, 1, 10)).toBe('conv1 · C…');
    expect(nodeTitle(m, 1, 1)).toBe('');
    const onnx = { ...m, nodeName: ['node_Conv_754', '/layer1/layer1.0/conv1/Conv'], nodeOp: ['Conv', 'Conv'] };
    expect(nodeTitle(onnx, 0)).toBe('node_Conv_754');
    expect(nodeTitle(onnx, 1, 12)).toBe('conv1.Conv');
  });

  it('weights and edge shapes read like Netron', () => {
    const m = model();
    expect(weightsText(m, 1)).toBe('W 64×3×3×3');
    expect(weightsText(m, 2)).toBe('W 64 · B 64');
    expect(weightsText(m, 3)).toBe('');
    expect(edgeShapeText(m, 1)).toBe('1×64×4×4');
    expect(edgeShapeText(m, 4)).toBe('');
  });

  it('lines by level of detail: title, then brief, then weights', () => {
    const m = model();
    expect(nodeLines(m, 1, LOD_TITLE - 0.01)).toEqual([]);
    expect(nodeLines(m, 1, LOD_TITLE)).toEqual(['layer1.0.conv1 · Conv2d']);
    expect(nodeLines(m, 1, LOD_BRIEF)).toEqual(['layer1.0.conv1 · Conv2d', '3×3/2']);
    expect(nodeLines(m, 1, LOD_WEIGHTS)).toEqual(['layer1.0.conv1 · Conv2d', '3×3/2', 'W 64×3×3×3']);
    expect(nodeLines(m, 3, LOD_WEIGHTS)).toEqual(['relu_1']);
  });

  it('boxes are sized for the title and are taller with a brief or weights', () => {
    const m = model();
    const [w, h] = leafSize(m, 1);
    expect(w).toBeGreaterThanOrEqual('layer1.0.conv1 · Conv2d'.length * 6.6);
    expect(h).toBe(NODE_H2);
    expect(leafSize(m, 3)[1]).toBe(NODE_H);
  });
});

describe('labels drawn by zoom', () => {
  it('far out nothing, then titles, briefs at ordinary zoom, weights and edge shapes zoomed in', async () => {
    const m = model();
    const open = [0, 1];
    const texts = async (s: number): Promise<string[]> => (await labelsAt(m, open, s)).map((l) => l.text);
    expect((await texts(0.2)).filter((t) => t.includes('conv1'))).toEqual([]);
    const ordinary = await texts(0.8);
    expect(ordinary).toContain('layer1.0.conv1 · Conv2d');
    expect(ordinary).toContain('3×3/2');
    expect(ordinary).not.toContain('W 64×3×3×3');
    expect(ordinary).not.toContain('1×64×4×4');
    const near = await texts(Math.max(LOD_WEIGHTS, LOD_EDGES) + 0.5);
    expect(near).toContain('W 64×3×3×3');
    expect(near).toContain('W 64 · B 64');
    expect(near).toContain('1×64×4×4');
  });

  it('group boxes show their name and class; containers their header', async () => {
    const m = model();
    const texts = (await labelsAt(m, [], 1)).map((l) => l.text);
    expect(texts).toContain('layer1');
    expect(texts.some((t) => t.startsWith('Sequential'))).toBe(true);
    const open = (await labelsAt(m, [0], 1)).map((l) => l.text);
    expect(open).toContain('layer1 · Sequential');
  });

  it('edge labels never overlap node labels or each other', async () => {
    const m = model();
    for (const s of [1.2, 2, 3]) {
      const labels = await labelsAt(m, [0, 1, 2, 3, 4, 5], s);
      const edge = labels.filter((l) => l.align === 'left' && !l.bold);
      expect(edge.length).toBeGreaterThan(0);
      for (const e of edge) for (const o of labels) if (o !== e) expect(overlaps(e, o)).toBe(false);
    }
    // an edge whose label would land on a box is left unlabelled rather than drawn over it
    const all = await labelsAt(m, [0, 1, 2, 3, 4, 5], 2);
    const moved = await labelsAt(m, [0, 1, 2, 3, 4, 5], 2, (scene) => {
      for (let k = scene.firstNode; k < scene.nRects; k++)
        if (scene.kind[k] === KIND_NODE && scene.item[k] === 2) {
          scene.edgeMid[2] = scene.rect[4 * k] + scene.rect[4 * k + 2] / 2;
          scene.edgeMid[3] = scene.rect[4 * k + 1] + scene.rect[4 * k + 3] / 2;
        }
    });
    const count = (ls: LabelSpec[]): number => ls.filter((l) => l.text === '1×64×4×4').length;
    expect(count(moved)).toBe(count(all) - 1);
  });
});

describe('search over groups', () => {
  it('finds groups by name and by dotted or slashed path, groups first', () => {
    const m = model();
    const c = findMatches(m, 'c_attn');
    expect(c[0]).toBe(m.n + 6);
    expect(c).toContain(4); // the node named ...c_attn.addmm
    expect(findMatches(m, 'layer1.0')).toEqual([m.n + 1, 1, 2]);
    expect(findMatches(m, 'layer1/0')).toEqual(findMatches(m, 'layer1.0'));
    expect(findMatches(m, 'GPT2Block')).toEqual([m.n + 4]);
    expect(findMatches(m, 'nothing here')).toEqual([]);
  });

  it('a group match reveals its ancestors; until then it is drawn as its outermost collapsed ancestor', () => {
    const m = model();
    const j = 6;
    expect(groupsToReveal(m, m.n + j)).toEqual([2, 3, 4, 5]);
    expect(groupsToReveal(m, 1)).toEqual([0, 1]);
    const closed = visibleStructure(m, new Set());
    expect(drawnItem(m, closed, m.n + j)).toBe(m.n + 2);
    const revealed = visibleStructure(m, new Set(groupsToReveal(m, m.n + j)));
    expect(drawnItem(m, revealed, m.n + j)).toBe(m.n + j);
    expect(drawnItem(m, revealed, 4)).toBe(m.n + j);
  });
});
