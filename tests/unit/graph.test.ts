// The graph renderer's logic under JSDOM (no WebGL): parsing, hierarchy and edge aggregation, layout, search,
// colour modes, SVG export, and the view's DOM (header, notices, panel, automation hook).
import { mount, mimeTypeOf, LIGHT, DARK } from '@modelviz/renderers';
import type { GraphPayload, WeightStats } from '../../renderers/src/generated/graph';
import { parseGraph, type GraphModel } from '../../renderers/src/graph/model';
import { visibleStructure, layoutEdges, ROOT } from '../../renderers/src/graph/hierarchy';
import { layoutOne, layered, DAGRE_MAX, type LayoutRequest } from '../../renderers/src/graph/layout-engine';
import { computePlacement, LayoutCache, PAD, HEADER } from '../../renderers/src/graph/layout';
import { onMainThread, acquireLayout, layoutUsers } from '../../renderers/src/graph/layout-client';
import { findMatches, matchLabel } from '../../renderers/src/graph/search';
import { Colorizer, opColor, rampColor } from '../../renderers/src/graph/colors';
import { buildScene, hitItem, hitEdge } from '../../renderers/src/graph/scene';
import { labelSpecs } from '../../renderers/src/graph/labels';
import { sceneToSvg } from '../../renderers/src/graph/export';
import { displayValue, MAX_VALUE_CHARS } from '../../renderers/src/graph/panel';
import type { GraphAutomation } from '../../renderers/src/graph/view';
import { PayloadError } from '../../renderers/src/core/errors';
import { settle } from './fixtures';
import * as v8 from 'node:v8';

const MIME = mimeTypeOf('graph');

const i32 = (v: number[]): { dtype: 'int32'; shape: number[]; data: string } => ({
  dtype: 'int32',
  shape: [v.length],
  data: Buffer.from(new Int32Array(v).buffer).toString('base64'),
});
const i64 = (v: number[]): { dtype: 'int64'; shape: number[]; data: string } => ({
  dtype: 'int64',
  shape: [v.length],
  data: Buffer.from(new BigInt64Array(v.map(BigInt)).buffer).toString('base64'),
});
const f32 = (v: number[]): { dtype: 'float32'; shape: number[]; data: string } => ({
  dtype: 'float32',
  shape: [v.length],
  data: Buffer.from(new Float32Array(v).buffer).toString('base64'),
});

interface Spec {
  groups: [string, number, string][]; // name, parent, type
  nodes: [string, string, number, number?][]; // name, op, group, params
  edges: [number, number, number?][];
  tensors?: { shape: (number | null)[]; dtype: string }[];
}

/** Builds a payload the way the Python builder does: columns of indices into one string table. */
function payload(spec: Spec, extra: Partial<GraphPayload> = {}): GraphPayload {
  const strings: string[] = [];
  const idx = (s: string): number => {
    const k = strings.indexOf(s);
    if (k >= 0) return k;
    strings.push(s);
    return strings.length - 1;
  };
  return {
    version: '1.1',
    framework: 'pytorch',
    source: { method: 'fx' },
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
      params: i64(spec.nodes.map((n) => n[3] ?? 0)),
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

// x -> enc/{l0/{a,b}, l1/{c}} -> head/{fc} -> out; a skip edge a -> c.
const NESTED: Spec = {
  groups: [
    ['enc', -1, 'Encoder'],
    ['l0', 0, 'Layer'],
    ['l1', 0, 'Layer'],
    ['head', -1, 'Linear'],
  ],
  nodes: [
    ['x', 'placeholder', -1],
    ['enc.l0.a', 'Conv2d', 1, 100],
    ['enc.l0.b', 'ReLU', 1],
    ['enc.l1.c', 'Conv2d', 2, 50],
    ['head.fc', 'Linear', 3, 7],
    ['out', 'output', -1],
  ],
  edges: [
    [0, 1, 0],
    [1, 2, 1],
    [2, 3, 1],
    [1, 3, 1],
    [3, 4, 2],
    [4, 5, 3],
  ],
  tensors: [
    { shape: [1, 3, 8, 8], dtype: 'float32' },
    { shape: [1, 16, 8, 8], dtype: 'float32' },
    { shape: [1, 16, null, 8], dtype: 'float32' },
    { shape: [1, 10], dtype: 'float32' },
  ],
};

const model = (spec: Spec = NESTED, extra: Partial<GraphPayload> = {}): GraphModel => parseGraph(payload(spec, extra));

function overlaps(a: number[], b: number[]): boolean {
  // [x, y, w, h], strictly overlapping interiors
  return (
    a[0] < b[0] + b[2] - 0.01 && b[0] < a[0] + a[2] - 0.01 && a[1] < b[1] + b[3] - 0.01 && b[1] < a[1] + a[3] - 0.01
  );
}

// dagre clones with structuredClone, which JSDOM's global scope lacks (browsers and workers have it).
(globalThis as { structuredClone?: unknown }).structuredClone ??= (v: unknown) => v8.deserialize(v8.serialize(v));

beforeAll(() => {
  // JSDOM has no canvas: say so instead of logging "not implemented" for every getContext.
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
});

beforeEach(() => document.body.replaceChildren());

describe('parse', () => {
  it('decodes columns, paths, depths and aggregates', () => {
    const m = model();
    expect(m.n).toBe(6);
    expect(m.groupPath).toEqual(['enc', 'enc/l0', 'enc/l1', 'head']);
    expect([...m.groupDepth]).toEqual([0, 1, 1, 0]);
    expect([...m.groupNodeCount]).toEqual([3, 2, 1, 1]);
    expect([...m.groupParamTotal]).toEqual([150, 100, 50, 7]);
    expect(m.rootGroups).toEqual([0, 3]);
    expect(m.rootNodes).toEqual([0, 5]);
    expect(m.groupByPath.get('enc/l1')).toBe(2);
  });

  it.each([
    ['an edge to a missing node', { ...NESTED, edges: [[0, 9]] as [number, number][] }, '/edges/dst'],
    ['a node in a missing group', { ...NESTED, nodes: [['x', 'op', 7]] as Spec['nodes'], edges: [] }, '/nodes/group'],
    [
      'a group that is its own ancestor',
      {
        ...NESTED,
        groups: [
          ['a', 1, 'T'],
          ['b', 0, 'T'],
        ] as Spec['groups'],
        nodes: [['x', 'op', 0]] as Spec['nodes'],
        edges: [],
      },
      '/groups/parent',
    ],
  ])('rejects %s at its path', (_what, spec, path) => {
    expect(() => model(spec as Spec)).toThrow(PayloadError);
    try {
      model(spec as Spec);
    } catch (e) {
      expect((e as PayloadError).path).toBe(path);
    }
  });

  it('rejects a string index past the table and mismatched column lengths', () => {
    const p = payload(NESTED);
    expect(() => parseGraph({ ...p, nodes: { ...p.nodes, op: i32([0, 1, 2, 3, 4, 999]) } })).toThrow(/outside the/);
    expect(() => parseGraph({ ...p, nodes: { ...p.nodes, group: i32([-1, 0]) } })).toThrow(/must have 6 entries/);
  });

  it('names unnamed nodes by index instead of failing', () => {
    const p = payload(NESTED);
    const m = parseGraph({ ...p, nodes: { ...p.nodes, name: i32([-1, 1, 2, 3, 4, 5]) } });
    expect(m.nodeName[0]).toBe('#0');
  });
});

describe('hierarchy', () => {
  it('starts with top-level groups and ungrouped nodes, edges aggregated with counts', () => {
    const m = model();
    const v = visibleStructure(m, new Set());
    expect(v.children.get(ROOT)).toEqual([m.n + 0, m.n + 3, 0, 5]); // groups, then nodes
    expect(v.nodes).toBe(2);
    expect(v.groups).toBe(2);
    // x->enc, enc->head (one model edge), head->out; the 3 edges inside enc disappear
    const edges = v.edges.map((e) => [e.src, e.dst, e.count]);
    expect(edges).toEqual([
      [0, m.n + 0, 1],
      [m.n + 0, m.n + 3, 1],
      [m.n + 3, 5, 1],
    ]);
  });

  it('expanding a group shows its children; aggregated edges count every model edge they stand for', () => {
    const m = model();
    const v = visibleStructure(m, new Set([0]));
    expect(v.open).toEqual([0]);
    expect(v.children.get(0)).toEqual([m.n + 1, m.n + 2]);
    const l0l1 = v.edges.find((e) => e.src === m.n + 1 && e.dst === m.n + 2)!;
    expect(l0l1.count).toBe(2); // b->c and the skip a->c
    // layout edges: the root sees x->enc (enc is one box), enc sees l0->l1
    const le = layoutEdges(m, v);
    expect(le.get(0)).toEqual([[m.n + 1, m.n + 2]]);
    expect(le.get(ROOT)).toContainEqual([0, m.n + 0]);
  });

  it('a collapsed child of an expanded parent stays one box; its descendants are not visible', () => {
    const m = model();
    const v = visibleStructure(m, new Set([1])); // l0 expanded but enc collapsed: nothing changes
    expect(v.open).toEqual([]);
    expect(v.rep[1]).toBe(m.n + 0);
  });
});

function req(w: number[], edges: [number, number][], engine: LayoutRequest['engine'] = 'auto'): LayoutRequest {
  return { key: 'k', w, h: w.map(() => 26), edges, engine };
}

describe('layout engine', () => {
  const chainWithSkips = (n: number): [number, number][] => {
    const e: [number, number][] = [];
    for (let i = 1; i < n; i++) {
      e.push([i - 1, i]);
      if (i >= 3 && i % 3 === 0) e.push([i - 3, i]);
    }
    return e;
  };

  it.each([
    ['dagre', 'auto'],
    ['layered', 'fast'],
  ] as const)('%s: siblings never overlap and ranks go downwards', (engine, mode) => {
    const n = 40;
    const edges = chainWithSkips(n);
    const w = Array.from({ length: n }, (_, i) => 50 + (i % 5) * 20);
    const r = layoutOne(req(w, edges, mode));
    expect(r.engine).toBe(engine);
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++)
        expect(overlaps([r.x[a], r.y[a], w[a], 26], [r.x[b], r.y[b], w[b], 26])).toBe(false);
    for (const [a, b] of edges) expect(r.y[b]).toBeGreaterThan(r.y[a]);
    for (let i = 0; i < n; i++) {
      expect(r.x[i] + w[i]).toBeLessThanOrEqual(r.width + 0.01);
      expect(r.y[i] + 26).toBeLessThanOrEqual(r.height + 0.01);
    }
  });

  it("dagre's edge routes start and end on their boxes", () => {
    const w = [60, 60, 60, 60];
    const edges: [number, number][] = [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
    ];
    const r = layoutOne(req(w, edges));
    edges.forEach(([a, b], i) => {
      const p = r.points[i]!;
      const on = (k: number, x: number, y: number): boolean =>
        x >= r.x[k] - 0.5 && x <= r.x[k] + w[k] + 0.5 && y >= r.y[k] - 0.5 && y <= r.y[k] + 26.5;
      expect(on(a, p[0], p[1])).toBe(true);
      expect(on(b, p[p.length - 2], p[p.length - 1])).toBe(true);
    });
  });

  it.each(['auto', 'fast'] as const)('%s: a cycle is broken, not looped on', (mode) => {
    const edges: [number, number][] = [
      [0, 1],
      [1, 2],
      [2, 0],
      [2, 3],
    ];
    const r = layoutOne(req([50, 50, 50, 50], edges, mode));
    expect(r.x.every(Number.isFinite) && r.y.every(Number.isFinite)).toBe(true);
    expect(new Set(r.y.map((y) => Math.round(y))).size).toBeGreaterThan(1);
  });

  it('large groups skip dagre and stay linear', () => {
    const n = DAGRE_MAX * 10;
    const edges = chainWithSkips(n);
    const t0 = performance.now();
    const r = layoutOne(req(Array(n).fill(60), edges));
    expect(r.engine).toBe('layered');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(layered(req([60], [])).width).toBe(60);
  });
});

describe('hierarchical placement', () => {
  it('children sit inside their container, siblings do not overlap, cached layouts are reused', async () => {
    const m = model();
    const cache = new LayoutCache();
    const v = visibleStructure(m, new Set([0, 1]));
    const pl = await computePlacement(m, v, onMainThread, cache);
    const box = (item: number): number[] => [pl.x[item], pl.y[item], pl.w[item], pl.h[item]];
    for (const [c, kids] of v.children) {
      for (const k of kids) {
        if (c !== ROOT) {
          const [cx, cy, cw, ch] = box(m.n + c);
          expect(pl.x[k]).toBeGreaterThanOrEqual(cx + PAD - 0.01);
          expect(pl.y[k]).toBeGreaterThanOrEqual(cy + HEADER - 0.01);
          expect(pl.x[k] + pl.w[k]).toBeLessThanOrEqual(cx + cw - PAD + 0.01);
          expect(pl.y[k] + pl.h[k]).toBeLessThanOrEqual(cy + ch + 0.01);
        }
        for (const o of kids) if (o !== k) expect(overlaps(box(k), box(o))).toBe(false);
      }
    }
    expect(pl.computed).toBe(3); // root, enc, l0
    // Expanding l1 lays out l1 and re-places its ancestors (enc, root); l0 comes from the cache.
    const v2 = visibleStructure(m, new Set([0, 1, 2]));
    const pl2 = await computePlacement(m, v2, onMainThread, cache);
    expect(pl2.computed).toBe(3);
    const pl3 = await computePlacement(m, v2, onMainThread, cache);
    expect(pl3.computed).toBe(0);
  });

  it('the layout service is shared and released with its last user', () => {
    const a = acquireLayout();
    const b = acquireLayout();
    expect(layoutUsers()).toBe(2);
    a.release();
    a.release();
    expect(layoutUsers()).toBe(1);
    b.release();
    expect(layoutUsers()).toBe(0);
  });
});

describe('search', () => {
  it('matches name or op, case-insensitive, and counts', () => {
    const m = model();
    expect(findMatches(m, 'CONV')).toEqual([1, 3]);
    expect(findMatches(m, 'l0.')).toEqual([1, 2]);
    expect(findMatches(m, '  ')).toEqual([]);
    expect(matchLabel(2, 17)).toBe('3 of 17');
    expect(matchLabel(-1, 0)).toBe('no matches');
  });
});

describe('colour modes', () => {
  const stats = (mean: number, count: number): WeightStats => ({
    count,
    mean,
    std: 1,
    min: -1,
    max: 1,
    zeros: mean > 0 ? 0.5 : 0,
  });
  const withDetails = (): GraphModel =>
    model(NESTED, {
      details: [
        {
          node: 1,
          params: [
            { name: 'weight', shape: [90], dtype: 'float32', stats: stats(1, 90) },
            { name: 'bias', shape: [10], dtype: 'float32', stats: stats(-1, 10) },
          ],
        },
        { node: 3, params: [{ name: 'weight', shape: [50], dtype: 'float32', stats: stats(0, 50) }] },
      ] as GraphPayload['details'],
    });

  it('op colours are stable across graphs and differ between themes', () => {
    expect(opColor('Conv2d', LIGHT)).toEqual(opColor('Conv2d', LIGHT));
    expect(opColor('Conv2d', LIGHT)).not.toEqual(opColor('Conv2d', DARK));
    const c = new Colorizer(model(), LIGHT, 'op');
    expect(c.fill(1)).toEqual(c.fill(3));
    expect(c.fill(1)).not.toEqual(c.fill(2));
  });

  it('parameter counts map to a log ramp; groups use their totals', () => {
    const m = model();
    const c = new Colorizer(m, LIGHT, 'params');
    expect(c.value(1)).toBeCloseTo(100);
    expect(c.value(m.n + 0)).toBeCloseTo(150);
    expect(c.fill(m.n + 0)).toEqual(rampColor(1)); // the largest
    expect(c.fill(0)).toEqual(rampColor(0)); // no parameters
    const legend = c.legend([0, 1]);
    expect(legend).toMatchObject({ kind: 'ramp', min: '0', max: '150' });
  });

  it('weight statistics are count-weighted over a node’s parameters', () => {
    const m = withDetails();
    const mean = new Colorizer(m, LIGHT, 'mean');
    expect(mean.value(1)).toBeCloseTo((1 * 90 + -1 * 10) / 100);
    expect(mean.value(3)).toBeCloseTo(0);
    expect(Number.isNaN(mean.value(2))).toBe(true);
    expect(mean.fill(2)).toEqual(mean.neutral);
    const zeros = new Colorizer(m, LIGHT, 'zeros');
    expect(zeros.value(1)).toBeCloseTo((0.5 * 90 + 0 * 10) / 100);
  });
});

describe('scene, labels and SVG export', () => {
  it('payload text is exported as text nodes, never as markup', async () => {
    const spec: Spec = {
      groups: [],
      nodes: [
        ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', -1],
        ['b', 'Relu', -1],
      ],
      edges: [[0, 1]],
    };
    const m = model(spec);
    const v = visibleStructure(m, new Set());
    const pl = await computePlacement(m, v, onMainThread, new LayoutCache());
    const scene = buildScene(m, v, pl, new Colorizer(m, LIGHT, 'op'), LIGHT, {
      selected: -1,
      matches: new Set(),
      current: -1,
    });
    // zoomed in: the title is "name · op"
    const labels = labelSpecs(m, v, scene, { scale: 3, tx: 0, ty: 0 }, Infinity, Infinity, LIGHT);
    const svg = sceneToSvg(document, scene, labels, LIGHT);
    expect(svg.querySelector('script, img')).toBeNull();
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts.some((t) => t!.includes(' · <img'))).toBe(true);
    expect(texts.some((t) => t!.startsWith('<script'))).toBe(true);
    expect(svg.querySelectorAll('rect').length).toBe(1 + 2); // background + two nodes
    expect(svg.querySelectorAll('path').length).toBe(1);
    const text = new XMLSerializer().serializeToString(svg);
    expect(text).toContain('&lt;script&gt;');
  });

  it('hit testing finds boxes and edges', async () => {
    const m = model();
    const v = visibleStructure(m, new Set([0]));
    const pl = await computePlacement(m, v, onMainThread, new LayoutCache());
    const scene = buildScene(m, v, pl, new Colorizer(m, LIGHT, 'op'), LIGHT, {
      selected: -1,
      matches: new Set(),
      current: -1,
    });
    const l0 = m.n + 1;
    expect(hitItem(scene, pl.x[l0] + 2, pl.y[l0] + 2)).toBe(l0);
    // inside the container but not on a child: the container
    expect(hitItem(scene, pl.x[m.n] + 2, pl.y[m.n] + 2)).toBe(m.n);
    expect(hitItem(scene, -100, -100)).toBe(-1);
    const e = v.edges.findIndex((x) => x.src === l0);
    const s = scene.edgeSeg[2 * e];
    const mx = (scene.seg[4 * s] + scene.seg[4 * s + 2]) / 2;
    const my = (scene.seg[4 * s + 1] + scene.seg[4 * s + 3]) / 2;
    expect(hitEdge(scene, mx + 1, my, 4)).toBe(e);
  });

  it('long attribute values are cut with their length', () => {
    const long = 'x'.repeat(5000);
    const shown = displayValue(long);
    expect(shown.length).toBeLessThan(MAX_VALUE_CHARS + 40);
    expect(shown).toContain('5,000 chars');
    expect(displayValue([3, 3])).toBe('[3,3]');
  });
});

describe('the view under JSDOM', () => {
  function host(): HTMLElement {
    const el = document.createElement('div');
    document.body.appendChild(el);
    return el;
  }
  const automation = (el: HTMLElement): GraphAutomation =>
    (el.querySelector('.mv-GraphView') as HTMLElement & { mvGraph: GraphAutomation }).mvGraph;

  it('renders the header, the fallback notice and the automation hook; says why nothing is drawn', async () => {
    const el = host();
    const p = payload(NESTED, {
      title: 'Net',
      source: { method: 'module-tree', fallback_reason: 'TraceError: <b>control flow</b>' },
    });
    await mount(el, MIME, p, { theme: LIGHT }).ready;
    expect(el.querySelector<HTMLElement>('.mv-Root')!.dataset.mvState).toBe('rendered');
    expect(el.querySelector('.mv-Title')!.textContent).toBe('Net');
    expect(el.querySelector('.mv-Summary')!.textContent).toContain('6 nodes · 6 edges');
    const notice = el.querySelector('.mv-GraphNotice')!;
    expect(notice.textContent).toBe('Fell back to module-tree: TraceError: <b>control flow</b>');
    expect(notice.querySelector('b')).toBeNull();
    // with a message explaining the fallback (1.2 kernels), the raw reason is not repeated above the graph
    const explained = host();
    const messages = [{ level: 'info', text: 'Traced with torch.export.', details: 'TraceError: control flow' }];
    await mount(explained, MIME, { ...p, messages }, { theme: LIGHT }).ready;
    expect(explained.querySelector<HTMLElement>('.mv-GraphNotice')!.hidden).toBe(true);
    expect(explained.querySelector('.mv-Message')!.firstChild!.textContent).toBe('Traced with torch.export.');
    expect(el.querySelector('.mv-GraphStatus')!.textContent).toMatch(/no WebGL or Canvas 2D/);
    const g = automation(el);
    expect(g.stats()).toMatchObject({ visibleNodes: 2, visibleGroups: 2, visibleEdges: 3, worker: false });
    await g.expand('enc');
    expect(g.stats()).toMatchObject({ visibleNodes: 2, visibleGroups: 4 });
    await g.expand('enc/l0');
    expect(g.stats().visibleNodes).toBe(4);
    await g.collapseAll();
    expect(g.stats().visibleGroups).toBe(2);
    await g.expandAll();
    expect(g.stats()).toMatchObject({ visibleNodes: 6, visibleEdges: 6 });
    expect(g.search('conv')).toBe(2);
    expect(el.querySelector('.mv-GraphCount')!.textContent).toBe('2 matches');
    expect(el.querySelector<HTMLElement>('.mv-GraphView')!.dataset.mvLayout).toBe('idle');
  });

  it('selecting shows details as text; updates keep expanded groups by name', async () => {
    const el = host();
    const spec: Spec = {
      ...NESTED,
      nodes: NESTED.nodes.map((n, i) => (i === 2 ? ['<script>x</script>', n[1], n[2]] : n)) as Spec['nodes'],
    };
    const p = payload(spec, {
      details: [
        {
          node: 1,
          attrs: [{ key: 'kernel_size', value: [3, 3] }],
          inputs: [{ shape: [1, 3, 8, 8], dtype: 'float32' }],
          params: [
            {
              name: 'weight',
              shape: [16, 3, 3, 3],
              dtype: 'float32',
              trainable: true,
              stats: {
                count: 432,
                mean: 0,
                std: 0.1,
                min: -0.3,
                max: 0.3,
                zeros: 0,
                histogram: {
                  edges: f32([...Array(33).keys()].map((k) => -0.3 + k * 0.01875)),
                  counts: i64(Array(32).fill(13)),
                },
              },
            },
          ],
        },
      ] as GraphPayload['details'],
    });
    const handle = mount(el, MIME, p, { theme: DARK });
    await handle.ready;
    const g = automation(el);
    await g.expand('enc/l0');
    g.select('enc.l0.a');
    const panel = el.querySelector<HTMLElement>('.mv-GraphPanel')!;
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain('kernel_size[3,3]');
    expect(panel.textContent).toContain('[1, 3, 8, 8] float32');
    expect(panel.textContent).toContain('432');
    expect(panel.querySelectorAll('.mv-GraphHistogram rect').length).toBe(32);
    g.select('<script>x</script>');
    expect(panel.querySelector('.mv-GraphPanel-title')!.textContent).toBe('<script>x</script>');
    expect(panel.querySelector('script')).toBeNull();
    // An update with one more node keeps enc and enc/l0 expanded (matched by path, not index).
    const bigger: Spec = { ...spec, nodes: [...spec.nodes, ['extra', 'Relu', 1]] };
    await handle.update(payload(bigger));
    await settle();
    expect(g.stats().visibleNodes).toBe(5);
    const users = layoutUsers();
    handle.dispose();
    expect(el.querySelector('.mv-GraphView')).toBeNull();
    expect(layoutUsers()).toBe(users - 1);
  });

  it('a one-node graph and a cyclic graph render', async () => {
    const one: Spec = { groups: [], nodes: [['x', 'placeholder', -1]], edges: [] };
    const cyc: Spec = {
      groups: [['loop', -1, 'Loop']],
      nodes: [
        ['a', 'Add', 0],
        ['b', 'Mul', 0],
        ['c', 'Sub', 0],
      ],
      edges: [
        [0, 1],
        [1, 2],
        [2, 0],
      ],
    };
    for (const spec of [one, cyc]) {
      const el = host();
      await mount(el, MIME, payload(spec), { theme: LIGHT }).ready;
      expect(el.querySelector<HTMLElement>('.mv-Root')!.dataset.mvState).toBe('rendered');
      const g = automation(el);
      await g.expandAll();
      expect(g.stats().visibleNodes).toBe(spec.nodes.length);
    }
  });
});
