// Tabular attributions (SHAP values and the like): global importance (mean |value| bars), the beeswarm summary (one
// row per feature, points spread by local density, coloured by the feature's value), one row's waterfall from the
// base value to the output, and a dependence scatter. The beeswarm writes its points straight into one image
// (no per-point drawing calls), so 100,000 rows × 20 features stay a single cheap paint; picking uses a per-row
// index of points by pixel column.
import type { Theme } from '../core/types.js';
import { table } from './colormap.js';
import type { ImportanceModel, TabularModel } from './parse.js';
import { featureText, importance, interacting, ranked, waterfall } from './tabular-math.js';

export { importance, interacting, ranked, waterfall };

const TOP = 20;
const ROW_H = 26;
const SVG_NS = 'http://www.w3.org/2000/svg';

export const TABULAR_CSS = `
.mv-XTabBar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin: 0 0 6px; }
.mv-XTabBar .mv-Toolbar { margin-left: 0; }
.mv-XTabBar select, .mv-XTabBar input { font: inherit; color: var(--mv-fg); background: transparent; }
.mv-XTabBar select option { color: initial; }
.mv-XBars { display: grid; grid-template-columns: minmax(80px, max-content) 1fr max-content; gap: 2px 8px;
  align-items: center; font-variant-numeric: tabular-nums; max-width: 720px; }
.mv-XBar { height: 14px; background: #ff0051; border-radius: 2px; min-width: 1px; }
.mv-XBarName { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
.mv-XSwarm { position: relative; }
.mv-XSwarm canvas { display: block; }
.mv-XTip { color: var(--mv-muted); min-height: 1.4em; font-variant-numeric: tabular-nums; }
.mv-XWaterfall text { fill: var(--mv-fg); font-size: 12px; }
.mv-XWaterfall .mv-XAxis { stroke: var(--mv-border); }
`;

type Tab = 'importance' | 'beeswarm' | 'waterfall' | 'dependence';

export class TabularView {
  readonly element: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tip: HTMLElement;
  private tab: Tab;
  private output = 0;
  private row = 0;
  private feature: number | null = null;
  /** beeswarm picking: per shown feature, point indices sorted by pixel column, and each column's start */
  private pick: {
    rows: number[];
    byCol: Int32Array[];
    start: Int32Array[];
    width: number;
    x0: number;
    top: number;
  } | null = null;

  constructor(
    private readonly doc: Document,
    private model: TabularModel | null,
    private importanceModel: ImportanceModel | null,
    private theme: Theme,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'mv-XTabular';
    this.bar = doc.createElement('div');
    this.bar.className = 'mv-XTabBar';
    this.body = doc.createElement('div');
    this.tip = doc.createElement('div');
    this.tip.className = 'mv-XTip';
    this.tip.setAttribute('aria-live', 'polite');
    this.element.append(this.bar, this.body, this.tip);
    this.tab = model ? (model.n > 1 ? 'beeswarm' : 'waterfall') : 'importance';
    this.draw();
  }

  update(model: TabularModel | null, imp: ImportanceModel | null): void {
    this.model = model;
    this.importanceModel = imp;
    if (model && this.row >= model.n) this.row = 0;
    if (model && this.output >= model.outputs) this.output = 0;
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  /** Automation: the same actions a user takes. */
  /** Called after every redraw (the view shows the export buttons that fit the tab). */
  onDraw: (() => void) | null = null;

  show(tab: Tab, opts: { row?: number; feature?: number; output?: number } = {}): void {
    this.tab = tab;
    if (opts.row !== undefined) this.row = opts.row;
    if (opts.feature !== undefined) this.feature = opts.feature;
    if (opts.output !== undefined) this.output = opts.output;
    this.draw();
  }

  selectedRow(): number {
    return this.row;
  }

  private draw(): void {
    const doc = this.doc;
    const m = this.model;
    const tabs: Tab[] = m
      ? m.n > 1
        ? ['importance', 'beeswarm', 'waterfall', 'dependence']
        : ['waterfall', 'importance']
      : ['importance'];
    if (!tabs.includes(this.tab)) this.tab = tabs[0];
    const group = doc.createElement('span');
    group.className = 'mv-Toolbar';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'View');
    for (const t of tabs) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.tab = t;
      b.textContent = t[0].toUpperCase() + t.slice(1);
      b.setAttribute('aria-pressed', String(t === this.tab));
      b.addEventListener('click', () => this.show(t));
      group.appendChild(b);
    }
    const controls: HTMLElement[] = [group];
    if (m && this.tab === 'waterfall' && m.n > 1) {
      const label = doc.createElement('label');
      label.textContent = 'Row ';
      const input = doc.createElement('input');
      input.type = 'number';
      input.min = '0';
      input.max = String(m.n - 1);
      input.value = String(this.row);
      input.className = 'mv-XRow';
      input.addEventListener('change', () =>
        this.show('waterfall', { row: Math.max(0, Math.min(m.n - 1, Number(input.value) || 0)) }),
      );
      label.appendChild(input);
      if (m.rows) {
        const orig = doc.createElement('span');
        orig.textContent = ` (#${m.rows[this.row]} of the data)`;
        label.appendChild(orig);
      }
      controls.push(label);
    }
    if (m && this.tab === 'dependence') {
      const sel = doc.createElement('select');
      const order = ranked(importance(m, this.output));
      if (this.feature === null) this.feature = order[0];
      for (const j of order) {
        const o = doc.createElement('option');
        o.value = String(j);
        o.textContent = m.features[j].name;
        sel.appendChild(o);
      }
      sel.value = String(this.feature);
      sel.addEventListener('change', () => this.show('dependence', { feature: Number(sel.value) }));
      controls.push(sel);
    }
    this.bar.replaceChildren(...controls);
    this.tip.textContent = '';
    this.pick = null;
    if (this.tab === 'importance') this.body.replaceChildren(this.bars());
    else if (this.tab === 'beeswarm' && m) this.body.replaceChildren(this.beeswarm(m));
    else if (this.tab === 'waterfall' && m) this.body.replaceChildren(this.waterfallSvg(m));
    else if (this.tab === 'dependence' && m) this.body.replaceChildren(this.dependence(m));
    this.onDraw?.();
  }

  private bars(): HTMLElement {
    const doc = this.doc;
    const box = doc.createElement('div');
    box.className = 'mv-XBars';
    let names: string[];
    let imp: ArrayLike<number>;
    if (this.model) {
      names = this.model.features.map((f) => f.name);
      imp = importance(this.model, this.output);
    } else {
      const im = this.importanceModel!;
      names = im.names;
      imp = im.values.subarray(0, names.length).map(Math.abs);
    }
    const order = ranked(imp);
    const max = imp[order[0]] || 1;
    const head = doc.createElement('div');
    head.className = 'mv-XTip';
    head.style.gridColumn = '1 / -1';
    head.textContent = this.model
      ? `mean |attribution| over ${this.model.n.toLocaleString('en-US')} rows`
      : 'global importance, as the explainer reports it';
    box.appendChild(head);
    for (const j of order.slice(0, TOP)) {
      const name = Object.assign(doc.createElement('span'), {
        className: 'mv-XBarName',
        textContent: names[j],
        title: names[j],
      });
      const track = doc.createElement('div');
      const bar = doc.createElement('div');
      bar.className = 'mv-XBar';
      bar.style.width = `${(100 * imp[j]) / max}%`;
      track.appendChild(bar);
      const val = Object.assign(doc.createElement('span'), { textContent: Number(imp[j]).toPrecision(3) });
      box.append(name, track, val);
    }
    if (order.length > TOP) {
      let rest = 0;
      for (const j of order.slice(TOP)) rest += imp[j];
      box.append(
        Object.assign(doc.createElement('span'), { textContent: `${order.length - TOP} other features` }),
        doc.createElement('div'),
        Object.assign(doc.createElement('span'), { textContent: rest.toPrecision(3) }),
      );
    }
    return box;
  }

  private beeswarm(m: TabularModel): HTMLElement {
    const doc = this.doc;
    const box = doc.createElement('div');
    box.className = 'mv-XSwarm';
    const order = ranked(importance(m, this.output)).slice(0, TOP);
    const left = 170;
    const width = 560;
    const height = order.length * ROW_H + 40;
    const canvas = doc.createElement('canvas');
    canvas.width = left + width + 20;
    canvas.height = height;
    canvas.style.width = `${canvas.width}px`;
    canvas.style.height = `${height}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Beeswarm of ${m.n} rows over ${order.length} features`);
    box.appendChild(canvas);
    const g = canvas.getContext('2d');
    const base = this.output * m.n * m.f;
    let lo = 0;
    let hi = 0;
    for (const j of order) {
      for (let i = 0; i < m.n; i++) {
        const v = m.values[base + i * m.f + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const span = hi - lo || 1;
    const xOf = (v: number): number => Math.round(left + ((v - lo) / span) * (width - 1));
    const byCol: Int32Array[] = [];
    const start: Int32Array[] = [];
    const img = g ? g.createImageData(canvas.width, canvas.height) : null;
    // RGBA packed as one little-endian word per pixel
    const pack = (r: number, gr: number, b: number): number => ((255 << 24) | (b << 16) | (gr << 8) | r) >>> 0;
    const pix = img ? new Uint32Array(img.data.buffer) : new Uint32Array(0);
    pix.fill(this.theme.kind === 'dark' ? pack(30, 30, 30) : pack(255, 255, 255));
    const tb = table('red-blue');
    const palette = new Uint32Array(256);
    for (let k = 0; k < 256; k++) palette[k] = pack(tb[k * 3], tb[k * 3 + 1], tb[k * 3 + 2]);
    const grey = pack(150, 150, 150);
    order.forEach((j, r) => {
      const cy = 20 + r * ROW_H + ROW_H / 2;
      // colour: the feature value's rank among the rows (low blue, high red), through 255 quantile cut points;
      // missing and categorical values grey. Colours are packed RGBA words written straight into the image.
      const vals = m.data ? new Float32Array(m.n) : null;
      if (vals) for (let i = 0; i < m.n; i++) vals[i] = m.data![i * m.f + j];
      const sorted = vals ? vals.filter((x) => !Number.isNaN(x)).sort() : new Float32Array(0);
      const cuts = new Float32Array(255);
      for (let k = 0; k < 255; k++)
        cuts[k] = sorted.length ? sorted[Math.floor(((k + 1) / 256) * (sorted.length - 1))] : 0;
      const rankColor = (x: number): number => {
        let a = 0;
        let b = 255;
        while (a < b) {
          const mid = (a + b) >> 1;
          if (cuts[mid] < x) a = mid + 1;
          else b = mid;
        }
        return palette[a];
      };
      // spread by density: points in the same column stack outwards from the row's centre
      const cols = new Int32Array(m.n);
      const count = new Int32Array(width + left + 1);
      for (let i = 0; i < m.n; i++) count[(cols[i] = xOf(m.values[base + i * m.f + j]))]++;
      const colStart = new Int32Array(count.length + 1);
      for (let c = 0; c < count.length; c++) colStart[c + 1] = colStart[c] + count[c];
      const fill = colStart.slice(0, count.length);
      const idx = new Int32Array(m.n);
      for (let i = 0; i < m.n; i++) idx[fill[cols[i]]++] = i;
      byCol.push(idx);
      start.push(colStart);
      if (!img) return;
      const maxStack = ROW_H / 2 - 2;
      let peak = 1;
      for (const c of count) peak = Math.max(peak, c);
      const seen = new Int32Array(count.length);
      const categorical = m.features[j].kind === 'categorical';
      const W = canvas.width;
      for (let i = 0; i < m.n; i++) {
        const c = cols[i];
        const k = seen[c]++;
        const spread = Math.min(maxStack, (count[c] / peak) * maxStack);
        const off = count[c] > 1 ? Math.round(((k / (count[c] - 1)) * 2 - 1) * spread) : 0;
        const y = Math.round(cy + off);
        const x = vals ? vals[i] : NaN;
        const color = !vals || Number.isNaN(x) || categorical ? grey : rankColor(x);
        const p = y * W + c;
        pix[p] = pix[p + 1] = pix[p + W] = pix[p + W + 1] = color;
      }
    });
    if (g && img) {
      g.putImageData(img, 0, 0);
      g.font = `${this.theme.fontSize - 1}px ${this.theme.fontFamily}`;
      g.fillStyle = this.theme.foreground;
      g.textAlign = 'right';
      g.textBaseline = 'middle';
      order.forEach((j, r) => g.fillText(m.features[j].name.slice(0, 24), left - 8, 20 + r * ROW_H + ROW_H / 2));
      const zero = xOf(0);
      g.strokeStyle = this.theme.border;
      g.beginPath();
      g.moveTo(zero + 0.5, 14);
      g.lineTo(zero + 0.5, height - 18);
      g.stroke();
      g.textAlign = 'center';
      g.textBaseline = 'bottom';
      g.fillStyle = this.theme.muted;
      g.fillText(
        `attribution (${lo.toPrecision(2)} … ${hi.toPrecision(2)}); colour: feature value, low blue → high red`,
        left + width / 2,
        height - 2,
      );
    }
    this.pick = { rows: order, byCol, start, width: width + left, x0: left, top: 20 };
    canvas.addEventListener('pointermove', (e) => {
      const hit = this.pickAt(canvas, e.clientX, e.clientY);
      this.tip.textContent = hit
        ? `row ${m.rows ? m.rows[hit.row] : hit.row} · ${featureText(m, hit.feature, hit.row)} · attribution ${m.values[base + hit.row * m.f + hit.feature].toPrecision(4)} (click: its waterfall)`
        : '';
    });
    canvas.addEventListener('click', (e) => {
      const hit = this.pickAt(canvas, e.clientX, e.clientY);
      if (hit) this.show('waterfall', { row: hit.row });
    });
    return box;
  }

  /** The row under a client point of the beeswarm (the nearest point within 3 px of its column). */
  pickAt(canvas: HTMLCanvasElement, clientX: number, clientY: number): { row: number; feature: number } | null {
    const p = this.pick;
    if (!p) return null;
    const r = canvas.getBoundingClientRect();
    const x = Math.round(clientX - r.left);
    const band = Math.floor((clientY - r.top - p.top) / ROW_H);
    if (band < 0 || band >= p.rows.length) return null;
    for (const d of [0, -1, 1, -2, 2, -3, 3]) {
      const c = x + d;
      if (c < 0 || c >= p.start[band].length - 1) continue;
      const s = p.start[band][c];
      if (p.start[band][c + 1] > s) return { row: p.byCol[band][s], feature: p.rows[band] };
    }
    return null;
  }

  private waterfallSvg(m: TabularModel): SVGSVGElement {
    const doc = this.doc;
    const w = waterfall(m, this.output, this.row);
    const rows = w.steps.length;
    const left = 230;
    const width = 420;
    const height = (rows + 2) * ROW_H + 10;
    const svg = doc.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'mv-XWaterfall');
    const total = left + width + 90;
    svg.setAttribute('viewBox', `0 0 ${total} ${height}`);
    svg.setAttribute('width', '100%');
    svg.style.maxWidth = `${total}px`;
    svg.style.height = 'auto';
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `Waterfall of row ${this.row}: from the base value ${w.base.toPrecision(4)} to ${w.end.toPrecision(4)}`,
    );
    let lo = Math.min(w.base, w.end);
    let hi = Math.max(w.base, w.end);
    let acc = w.base;
    for (const s of [...w.steps].reverse()) {
      acc += s.value;
      lo = Math.min(lo, acc);
      hi = Math.max(hi, acc);
    }
    const pad = (hi - lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
    const X = (v: number): number => left + ((v - lo) / (hi - lo)) * width;
    const text = (x: number, y: number, s: string, anchor = 'start'): void => {
      const t = doc.createElementNS(SVG_NS, 'text');
      t.setAttribute('x', String(x));
      t.setAttribute('y', String(y));
      t.setAttribute('text-anchor', anchor);
      t.setAttribute('dominant-baseline', 'middle');
      t.textContent = s;
      svg.appendChild(t);
    };
    // drawn top (largest) to bottom, accumulating from the base value at the bottom up: as SHAP's waterfall
    let cur = w.base;
    const ordered = [...w.steps].reverse(); // smallest first, from the bottom
    ordered.forEach((s, k) => {
      const y = (rows - k) * ROW_H;
      const a = cur;
      const b = cur + s.value;
      cur = b;
      const rect = doc.createElementNS(SVG_NS, 'rect');
      rect.setAttribute('x', String(Math.min(X(a), X(b))));
      rect.setAttribute('y', String(y - ROW_H / 2 + 4));
      rect.setAttribute('width', String(Math.max(1, Math.abs(X(b) - X(a)))));
      rect.setAttribute('height', String(ROW_H - 8));
      rect.setAttribute('fill', s.value >= 0 ? '#ff0051' : '#1e88e5');
      rect.dataset.value = String(s.value);
      svg.appendChild(rect);
      const name = s.feature === null ? `${m.f - (rows - 1)} other features` : featureText(m, s.feature, this.row);
      text(left - 8, y, name.length > 34 ? `${name.slice(0, 33)}…` : name, 'end');
      text(Math.max(X(a), X(b)) + 4, y, `${s.value >= 0 ? '+' : '−'}${Math.abs(s.value).toPrecision(3)}`);
    });
    const axisY = (rows + 1) * ROW_H;
    const line = doc.createElementNS(SVG_NS, 'line');
    line.setAttribute('class', 'mv-XAxis');
    line.setAttribute('x1', String(left));
    line.setAttribute('x2', String(left + width));
    line.setAttribute('y1', String(axisY - ROW_H / 2));
    line.setAttribute('y2', String(axisY - ROW_H / 2));
    svg.appendChild(line);
    text(X(w.base), axisY, `E[f(x)] = ${w.base.toPrecision(4)}`, 'middle');
    text(X(w.end), ROW_H / 2 - 2, `f(x) = ${w.end.toPrecision(4)}`, 'middle');
    return svg;
  }

  private dependence(m: TabularModel): HTMLElement {
    const doc = this.doc;
    const j = this.feature ?? 0;
    const box = doc.createElement('div');
    const canvas = doc.createElement('canvas');
    const W = 560;
    const H = 320;
    canvas.width = W;
    canvas.height = H;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Dependence of ${m.features[j].name}'s attribution on its value`);
    box.appendChild(canvas);
    const g = canvas.getContext('2d');
    if (!g || !m.data) {
      box.appendChild(
        Object.assign(doc.createElement('div'), {
          textContent: m.data ? '' : 'No feature values were sent: the dependence plot needs data.',
        }),
      );
      return box;
    }
    const base = this.output * m.n * m.f;
    const xs: number[] = [];
    const ys: number[] = [];
    const rowsUsed: number[] = [];
    for (let i = 0; i < m.n; i++) {
      const x = m.data[i * m.f + j];
      if (Number.isNaN(x)) continue;
      xs.push(x);
      ys.push(m.values[base + i * m.f + j]);
      rowsUsed.push(i);
    }
    let [x0, x1, y0, y1] = [Infinity, -Infinity, 0, 0];
    for (let k = 0; k < xs.length; k++) {
      x0 = Math.min(x0, xs[k]);
      x1 = Math.max(x1, xs[k]);
      y0 = Math.min(y0, ys[k]);
      y1 = Math.max(y1, ys[k]);
    }
    const P = 40;
    const X = (v: number): number => P + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * P);
    const Y = (v: number): number => H - P - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * P);
    g.fillStyle = this.theme.background;
    g.fillRect(0, 0, W, H);
    g.strokeStyle = this.theme.border;
    g.strokeRect(P, P, W - 2 * P, H - 2 * P);
    // coloured by the most interacting feature's value (its rank: low blue, high red), as SHAP's dependence plot
    const by = interacting(m, this.output, j);
    const tb = table('red-blue');
    let colorOf: (i: number) => string = () => this.theme.accent;
    if (by !== null) {
      const col = rowsUsed.map((i) => m.data![i * m.f + by]);
      const sorted = col.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      colorOf = (k: number): string => {
        const v = col[k];
        if (Number.isNaN(v)) return 'rgb(150,150,150)';
        let a = 0;
        let b = sorted.length;
        while (a < b) {
          const mid = (a + b) >> 1;
          if (sorted[mid] < v) a = mid + 1;
          else b = mid;
        }
        const t = Math.round((sorted.length > 1 ? a / (sorted.length - 1) : 0.5) * 255) * 3;
        return `rgb(${tb[t]},${tb[t + 1]},${tb[t + 2]})`;
      };
    }
    g.globalAlpha = xs.length > 2000 ? 0.5 : 0.85;
    for (let k = 0; k < xs.length; k++) {
      g.fillStyle = colorOf(k);
      g.fillRect(X(xs[k]) - 1.5, Y(ys[k]) - 1.5, 3, 3);
    }
    g.globalAlpha = 1;
    canvas.dataset.colour = by === null ? '' : m.features[by].name;
    if (by !== null) {
      const note = doc.createElement('div');
      note.className = 'mv-XTip';
      note.textContent = `colour: ${m.features[by].name} (the feature that interacts most; low blue → high red)`;
      box.appendChild(note);
    }
    g.fillStyle = this.theme.muted;
    g.font = `${this.theme.fontSize - 2}px ${this.theme.fontFamily}`;
    const tick = (v: number): string => String(Number(v.toPrecision(3)));
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const v of [x0, (x0 + x1) / 2, x1]) g.fillText(tick(v), X(v), H - P + 3);
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of [y0, 0, y1]) g.fillText(tick(v), P - 4, Y(v));
    if (y0 < 0 && y1 > 0) {
      g.strokeStyle = this.theme.border;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(P, Y(0) + 0.5);
      g.lineTo(W - P, Y(0) + 0.5);
      g.stroke();
      g.setLineDash([]);
    }
    g.fillStyle = this.theme.foreground;
    g.font = `${this.theme.fontSize - 1}px ${this.theme.fontFamily}`;
    g.textAlign = 'center';
    g.textBaseline = 'alphabetic';
    g.fillText(m.features[j].name, W / 2, H - 8);
    g.save();
    g.translate(12, H / 2);
    g.rotate(-Math.PI / 2);
    g.fillText(`attribution of ${m.features[j].name}`, 0, 0);
    g.restore();
    return box;
  }

  dispose(): void {
    this.element.remove();
  }
}
