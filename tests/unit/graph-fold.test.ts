// Folding (payload 1.2): fold validation and chains, graph contraction, the fold toggle and the host's details.
import { mount, mimeTypeOf, LIGHT } from '@modelviz/renderers';
import { parseGraph } from '../../renderers/src/graph/model';
import { contract } from '../../renderers/src/graph/fold';
import type { GraphAutomation } from '../../renderers/src/graph/view';
import { PayloadError } from '../../renderers/src/core/errors';
import { FOLDED, payload12, i32 } from './graph-payload';

const MIME = mimeTypeOf('graph');

describe('nodes.fold', () => {
  it('resolves chains to the final host and reads briefs', () => {
    const m = parseGraph(payload12(FOLDED));
    expect(Array.from(m.nodeFold)).toEqual([-1, -1, 1, 5, 5, -1, -1]);
    expect(m.nodeBrief[1]).toBe('3×3/2');
    expect(m.nodeBrief[0]).toBe('');
  });

  it('rejects a node folded into itself, out of range, or in a cycle, naming /nodes/fold', () => {
    const bad = (fold: number[]): (() => void) => {
      const p = payload12(FOLDED);
      p.nodes.fold = i32(fold);
      return () => parseGraph(p);
    };
    expect(bad([0, -1, -1, -1, -1, -1, -1])).toThrow(PayloadError);
    expect(bad([0, -1, -1, -1, -1, -1, -1])).toThrow(/\/nodes\/fold/);
    expect(bad([-1, -1, 9, -1, -1, -1, -1])).toThrow(/\/nodes\/fold/);
    expect(bad([-1, -1, 3, 4, 2, -1, -1])).toThrow(/\/nodes\/fold.*cycle/);
    expect(bad([-1, -1, -1, -1, -1, -1])).toThrow(/\/nodes\/fold/);
  });

  it('contracts: folded nodes hidden, producers wired to consumers, edges deduplicated with the consumer tensor', () => {
    const full = parseGraph(payload12(FOLDED));
    const m = contract(full);
    expect(m.n).toBe(4);
    expect(m.nodeName).toEqual(['x', 'layer1.0.conv1', 'view', 'out']);
    expect(m.foldedCount).toBe(3);
    expect(m.unfolded).toBe(full);
    const edges = Array.from(m.src, (s, e) => [m.nodeName[s], m.nodeName[m.dst[e]], m.edgeTensor[e]]);
    // conv -> size -> getitem -> view and conv -> view become one edge, keeping the tensor of conv -> view
    expect(edges).toEqual([
      ['x', 'layer1.0.conv1', 0],
      ['layer1.0.conv1', 'view', 1],
      ['view', 'out', 2],
    ]);
    expect(m.foldedInto.get(1)!.map((f) => `${f.name} · ${f.op}`)).toEqual(['layer1.0.conv1.weight · get_attr']);
    expect(m.foldedInto.get(2)!.map((f) => f.name)).toEqual(['size', 'getitem']);
    expect(m.groupNodeCount[0]).toBe(1);
    // nothing folded: the model itself
    const plain = parseGraph(payload12({ ...FOLDED, nodes: FOLDED.nodes.map((n) => [n[0], n[1], n[2]]) }));
    expect(contract(plain)).toBe(plain);
  });
});

describe('the fold toggle and details', () => {
  it('hides folded nodes by default, counts them, shows them on demand, lists them in the host details', async () => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const p = payload12(FOLDED, {
      details: [{ node: 2, params: [{ name: 'weight', shape: [64, 3, 3, 3], dtype: 'float32' }] }],
    } as never);
    const handle = mount(el, MIME, p, { theme: LIGHT });
    await handle.ready;
    const g = (el.querySelector('.mv-GraphView') as HTMLElement & { mvGraph: GraphAutomation }).mvGraph;
    expect(el.querySelector('.mv-Summary')!.textContent).toContain('4 ops, 3 folded');
    const toggle = el.querySelector<HTMLButtonElement>('button[data-action="fold"]')!;
    expect(toggle.hidden).toBe(false);
    expect(toggle.textContent).toBe('Show all ops (3 folded)');
    await g.expandAll();
    expect(g.stats().visibleNodes).toBe(4);
    g.select('layer1.0.conv1');
    const panel = el.querySelector<HTMLElement>('.mv-GraphPanel')!;
    expect(panel.textContent).toContain('Folded into this node (1)');
    expect(panel.textContent).toContain('layer1.0.conv1.weight · get_attr');
    expect(panel.textContent).toContain('[64, 3, 3, 3]');
    expect(panel.textContent).toContain('3×3/2');
    await g.toggleFold();
    expect(g.stats().visibleNodes).toBe(7);
    expect(toggle.textContent).toBe('Fold plumbing');
    expect(el.querySelector('.mv-Summary')!.textContent).toContain('7 nodes');
    await g.toggleFold();
    expect(g.stats().visibleNodes).toBe(4);
    handle.dispose();
  });
});
