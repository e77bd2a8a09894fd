// The details of the selected node or group, built with textContent only (payload text never becomes markup).
import { decodeTensor, toNumbers } from '../core/tensor.js';
import type { FoldedNode, GraphModel, NodeDetail, TensorInfo } from './model.js';
import { formatCount } from './model.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Attribute values longer than this are cut, with a note saying how long they were. */
export const MAX_VALUE_CHARS = 160;

export function displayValue(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}… (${s.length.toLocaleString('en-US')} chars)` : s;
}

export function shapeText(t: TensorInfo): string {
  return `${t.name ? `${t.name}: ` : ''}[${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}] ${t.dtype}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function table(doc: Document, rows: [string, string][]): HTMLTableElement {
  const t = el(doc, 'table', 'mv-GraphPanel-table');
  for (const [k, v] of rows) {
    const tr = el(doc, 'tr');
    tr.append(el(doc, 'th', undefined, k), el(doc, 'td', undefined, v));
    t.appendChild(tr);
  }
  return t;
}

function section(doc: Document, title: string): HTMLElement {
  return el(doc, 'div', 'mv-GraphPanel-section', title);
}

/** A small SVG bar chart of a 32-bin histogram. */
export function histogramSvg(
  doc: Document,
  counts: ArrayLike<number>,
  lo: number,
  hi: number,
  color: string,
): SVGSVGElement {
  const W = 200;
  const H = 44;
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'mv-GraphHistogram');
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H + 12));
  svg.setAttribute('viewBox', `0 0 ${W} ${H + 12}`);
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i]);
  const bw = W / Math.max(1, counts.length);
  for (let i = 0; i < counts.length; i++) {
    const h = max > 0 ? (counts[i] / max) * H : 0;
    const r = doc.createElementNS(SVG, 'rect');
    r.setAttribute('x', (i * bw + 0.5).toFixed(2));
    r.setAttribute('y', (H - h).toFixed(2));
    r.setAttribute('width', Math.max(0.5, bw - 1).toFixed(2));
    r.setAttribute('height', Math.max(counts[i] > 0 ? 1 : 0, h).toFixed(2));
    r.setAttribute('fill', color);
    svg.appendChild(r);
  }
  for (const [x, anchor, v] of [
    [0, 'start', lo],
    [W, 'end', hi],
  ] as const) {
    const t = doc.createElementNS(SVG, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', String(H + 10));
    t.setAttribute('text-anchor', anchor);
    t.setAttribute('font-size', '9');
    t.setAttribute('fill', 'currentColor');
    t.textContent = Number.isFinite(v) ? v.toPrecision(3) : '';
    svg.appendChild(t);
  }
  return svg;
}

function paramsSection(doc: Document, box: HTMLElement, d: NodeDetail, accent: string): void {
  if (!d.params?.length) return;
  box.appendChild(section(doc, 'Parameters'));
  for (const p of d.params) {
    const count = p.shape.reduce((a, b) => a * b, 1);
    const item = el(doc, 'div', 'mv-GraphPanel-param');
    item.appendChild(el(doc, 'div', 'mv-GraphPanel-paramName', p.name));
    const rows: [string, string][] = [
      ['shape', `[${p.shape.join(', ')}]`],
      ['dtype', p.dtype],
      ['count', count.toLocaleString('en-US')],
    ];
    if (p.trainable !== undefined) rows.push(['trainable', p.trainable ? 'yes' : 'no']);
    const s = p.stats;
    if (s) {
      const f = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toPrecision(4));
      rows.push(
        ['mean', f(s.mean)],
        ['std', f(s.std)],
        ['min', f(s.min)],
        ['max', f(s.max)],
        ['zeros', `${(s.zeros * 100).toFixed(2)}%`],
      );
      if (s.sample) rows.push(['sampled', `${s.sample.toLocaleString('en-US')} values`]);
    }
    item.appendChild(table(doc, rows));
    if (s?.histogram) {
      try {
        const counts = toNumbers(decodeTensor(s.histogram.counts, 'histogram/counts'));
        const edges = toNumbers(decodeTensor(s.histogram.edges, 'histogram/edges'));
        item.appendChild(histogramSvg(doc, counts, edges[0], edges[edges.length - 1], accent));
      } catch (e) {
        item.appendChild(el(doc, 'div', 'mv-GraphPanel-note', `histogram unreadable: ${String(e)}`));
      }
    }
    box.appendChild(item);
  }
}

/** Distinct tensors on a node's incoming or outgoing edges, with the neighbour's name when the tensor has none. */
function edgeTensors(m: GraphModel, node: number, dir: 'in' | 'out'): TensorInfo[] {
  const out: TensorInfo[] = [];
  const seen = new Set<number>();
  const here = dir === 'in' ? m.dst : m.src;
  const there = dir === 'in' ? m.src : m.dst;
  for (let e = 0; e < m.e && out.length < 64; e++) {
    const t = m.edgeTensor[e];
    if (here[e] !== node || t < 0 || seen.has(t) || !m.tensors[t]) continue;
    seen.add(t);
    out.push({ ...m.tensors[t], name: m.tensors[t].name ?? m.nodeName[there[e]] });
  }
  return out;
}

/** Fills `box` with the details of an item (node i, or group n + j). */
export function renderDetails(doc: Document, box: HTMLElement, m: GraphModel, item: number, accent: string): void {
  box.replaceChildren();
  if (item < 0) return;
  if (item >= m.n) {
    const j = item - m.n;
    box.appendChild(el(doc, 'div', 'mv-GraphPanel-title', m.groupName[j]));
    box.appendChild(
      table(doc, [
        ['kind', 'group'],
        ['type', m.groupType[j] || '–'],
        ['path', m.groupPath[j]],
        ['nodes', m.groupNodeCount[j].toLocaleString('en-US')],
        ['children', `${m.groupChildren[j].length} groups, ${m.groupNodes[j].length} nodes`],
        ['parameters', `${m.groupParamTotal[j].toLocaleString('en-US')} (${formatCount(m.groupParamTotal[j])})`],
      ]),
    );
    return;
  }
  const d = m.details.get(item);
  box.appendChild(el(doc, 'div', 'mv-GraphPanel-title', m.nodeName[item]));
  const g = m.nodeGroup[item];
  box.appendChild(
    table(doc, [
      ['op', m.nodeOp[item]],
      ...(m.nodeBrief[item] ? ([['summary', m.nodeBrief[item]]] as [string, string][]) : []),
      ['group', g >= 0 ? m.groupPath[g] : '(top level)'],
      ['parameters', m.nodeParams[item].toLocaleString('en-US')],
    ]),
  );
  if (d?.attrs?.length) {
    box.appendChild(section(doc, 'Attributes'));
    box.appendChild(
      table(
        doc,
        d.attrs.map((a) => [a.key, displayValue(a.value)]),
      ),
    );
  }
  // Without per-node lists, inputs and outputs come from the edges' tensors and the node's output column.
  const inputs = d?.inputs?.length ? d.inputs : edgeTensors(m, item, 'in');
  const outputs = d?.outputs?.length
    ? d.outputs
    : m.nodeOutput[item] >= 0
      ? [m.tensors[m.nodeOutput[item]]]
      : edgeTensors(m, item, 'out');
  for (const [title, list] of [
    ['Inputs', inputs],
    ['Outputs', outputs],
  ] as const) {
    if (!list?.length) continue;
    box.appendChild(section(doc, title));
    const ul = el(doc, 'ul', 'mv-GraphPanel-list');
    for (const t of list) ul.appendChild(el(doc, 'li', undefined, shapeText(t)));
    box.appendChild(ul);
  }
  if (d) paramsSection(doc, box, d, accent);
  foldedSection(doc, box, m.foldedInto.get(item), accent);
}

/** The plumbing folded into a node: each as "name · op" with its attributes and parameters. */
function foldedSection(doc: Document, box: HTMLElement, list: FoldedNode[] | undefined, accent: string): void {
  if (!list?.length) return;
  box.appendChild(section(doc, `Folded into this node (${list.length})`));
  const wrap = el(doc, 'div', 'mv-GraphPanel-folded');
  for (const f of list) {
    wrap.appendChild(el(doc, 'div', 'mv-GraphPanel-foldedName', `${f.name} · ${f.op}`));
    const attrs = f.detail?.attrs;
    if (attrs?.length)
      wrap.appendChild(
        table(
          doc,
          attrs.map((a) => [a.key, displayValue(a.value)]),
        ),
      );
    if (f.detail) paramsSection(doc, wrap, f.detail, accent);
  }
  box.appendChild(wrap);
}
