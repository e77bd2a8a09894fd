import type { View } from '../core/define.js';
import { ensureKindStyles } from '../core/style.js';
import type { RenderContext } from '../core/types.js';
import { formatValue } from './colors.js';
import { CurvesChart } from './curves.js';
import { download, matrixCsv, reportCsv } from './export.js';
import { Heatmap, type HeatmapData } from './heatmap.js';
import { matrixAtThreshold, perClass, summarize, type ClassMetrics } from './metrics.js';
import { classOrder, type OrderKind } from './order.js';
import { pairsList, topConfused } from './pairs.js';
import { normalized, type Confusion, type Normalize, type Summary } from './parse.js';
import { SamplesPanel } from './samples.js';
import { CONFUSION_CSS } from './style.js';
import { MetricsTable } from './table.js';
import { ThresholdSlider } from './threshold.js';

const MODES: { mode: Normalize; label: string; title: string }[] = [
  { mode: 'none', label: 'Counts', title: 'Raw counts' },
  { mode: 'true', label: 'Recall', title: 'Normalised by true class (rows sum to 1)' },
  { mode: 'pred', label: 'Precision', title: 'Normalised by predicted class (columns sum to 1)' },
  { mode: 'all', label: 'All', title: 'Normalised by the total' },
];
const ORDERS: { kind: OrderKind; label: string }[] = [
  { kind: 'label', label: 'by label' },
  { kind: 'support', label: 'by support' },
  { kind: 'error', label: 'by error rate' },
  { kind: 'cluster', label: 'clustered by confusion' },
];
type Panel = 'a' | 'b' | 'diff';
const PAIRS = 12;
/** Up to this many classes the cells are also written into a visually hidden table (screen readers, tests). */
const CELLS_TABLE_MAX = 30;
const MAX_CURVES = 12;

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);
}

function button(doc: Document, label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** What the user chose; it survives in-place updates (a streamed evaluation, a re-run cell). */
interface State {
  mode: Normalize;
  log: boolean;
  order: OrderKind;
  highlight: number | null;
  selected: [number, number] | null;
  /** Index into the threshold table, or null for the kernel's matrix. */
  threshold: number | null;
  panels: Panel[];
  curves: Set<string>;
}

class ConfusionView implements View<Confusion> {
  private readonly doc: Document;
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly modeButtons: HTMLButtonElement[] = [];
  private readonly panelButtons: HTMLButtonElement[] = [];
  private readonly logButton: HTMLButtonElement;
  private readonly orderSelect: HTMLSelectElement;
  private readonly compareBar: HTMLElement;
  private readonly thresholdRow: HTMLElement;
  private readonly slider: ThresholdSlider;
  private readonly maps: HTMLElement;
  private readonly heatmaps: Heatmap[] = [];
  private readonly captions: HTMLElement[] = [];
  private readonly pairsBox: HTMLElement;
  private readonly cellsTable: HTMLTableElement;
  private readonly samples: SamplesPanel;
  private readonly table: MetricsTable;
  private readonly curvesBox: HTMLElement;
  private readonly curves: CurvesChart;
  private state: State;
  private orderCache: { key: string; order: Int32Array } | null = null;

  constructor(
    private readonly el: HTMLElement,
    private data: Confusion,
    private readonly ctx: RenderContext,
  ) {
    const doc = (this.doc = el.ownerDocument);
    ensureKindStyles(doc, 'confusion', CONFUSION_CSS);
    this.state = {
      mode: data.normalize,
      log: false,
      order: 'label',
      highlight: null,
      selected: null,
      threshold: null,
      panels: data.compare ? ['a', 'b', 'diff'] : ['a'],
      curves: new Set(['micro-average', 'macro-average']),
    };

    const header = doc.createElement('div');
    header.className = 'mv-Header';
    this.title = doc.createElement('span');
    this.title.className = 'mv-Title';
    this.summary = doc.createElement('span');
    this.summary.className = 'mv-Summary';
    this.badge = doc.createElement('span');
    this.badge.className = 'mv-CmLive';
    header.append(this.title, this.summary, this.badge);

    const toolbar = doc.createElement('div');
    toolbar.className = 'mv-CmToolbar';
    const modes = doc.createElement('span');
    modes.className = 'mv-Toolbar';
    modes.setAttribute('role', 'group');
    modes.setAttribute('aria-label', 'Normalisation');
    for (const m of MODES) {
      const b = button(doc, m.label, m.title, () => this.set({ mode: m.mode }));
      b.dataset.mode = m.mode;
      this.modeButtons.push(b);
      modes.appendChild(b);
    }
    this.logButton = button(doc, 'Log colour', 'Logarithmic colour scale for long-tailed classes', () =>
      this.set({ log: !this.state.log }),
    );
    this.logButton.className = 'mv-CmToggle';
    this.orderSelect = doc.createElement('select');
    this.orderSelect.className = 'mv-CmOrder';
    this.orderSelect.title = 'Order of the classes on both axes';
    for (const o of ORDERS) {
      const opt = doc.createElement('option');
      opt.value = o.kind;
      opt.textContent = o.label;
      this.orderSelect.appendChild(opt);
    }
    this.orderSelect.addEventListener('change', () => this.set({ order: this.orderSelect.value as OrderKind }));
    this.compareBar = doc.createElement('span');
    this.compareBar.className = 'mv-Toolbar';
    this.compareBar.setAttribute('role', 'group');
    this.compareBar.setAttribute('aria-label', 'Compared models');
    const reset = button(doc, 'Reset zoom', 'Show the whole matrix', () => {
      for (const h of this.heatmaps) h.resetZoom();
    });
    reset.className = 'mv-CmToggle';
    const exports = doc.createElement('span');
    exports.className = 'mv-Toolbar';
    exports.setAttribute('role', 'group');
    exports.setAttribute('aria-label', 'Export');
    exports.append(
      button(doc, 'PNG', 'Download the matrix as PNG', () => this.exportPng()),
      button(doc, 'SVG', 'Download the matrix as SVG', () =>
        download(doc, 'confusion.svg', this.heatmaps[0].toSVG(), 'image/svg+xml'),
      ),
      button(doc, 'CSV', 'Download the matrix as CSV', () =>
        download(doc, 'confusion.csv', matrixCsv(this.data.labels, this.values(), this.data.integer), 'text/csv'),
      ),
      button(doc, 'Report CSV', 'Download the per-class metrics as CSV', () =>
        download(
          doc,
          'classification_report.csv',
          reportCsv(this.data.labels, this.metrics(), this.currentSummary()),
          'text/csv',
        ),
      ),
    );
    toolbar.append(modes, this.logButton, this.orderSelect, this.compareBar, reset, exports);

    this.thresholdRow = doc.createElement('div');
    this.thresholdRow.className = 'mv-CmThreshold';
    this.slider = new ThresholdSlider(doc, (i) => this.set({ threshold: i }));
    const back = button(doc, 'Kernel threshold', 'Back to the matrix the kernel computed', () =>
      this.set({ threshold: null }),
    );
    back.className = 'mv-CmToggle';
    this.thresholdRow.append(this.slider.element, back);

    const main = doc.createElement('div');
    main.className = 'mv-CmMain';
    this.maps = doc.createElement('div');
    this.maps.className = 'mv-CmMaps';
    const side = doc.createElement('div');
    side.className = 'mv-CmSide';
    const pairsTitle = doc.createElement('div');
    pairsTitle.className = 'mv-CmSideTitle';
    pairsTitle.textContent = 'Most confused pairs';
    this.pairsBox = doc.createElement('div');
    side.append(pairsTitle, this.pairsBox);
    main.append(this.maps, side);
    this.cellsTable = doc.createElement('table');
    this.cellsTable.className = 'mv-CmCells';

    this.samples = new SamplesPanel(doc);
    const lower = doc.createElement('div');
    lower.className = 'mv-CmLower';
    this.table = new MetricsTable(doc, (cls) => this.selectClass(cls));
    this.curvesBox = doc.createElement('div');
    this.curvesBox.className = 'mv-CmCurves';
    this.curves = new CurvesChart(doc, ctx.theme);
    this.curvesBox.appendChild(this.curves.element);
    lower.append(this.table.element, this.curvesBox);

    el.classList.add('mv-CmView');
    el.append(header, toolbar, this.thresholdRow, main, this.cellsTable, this.samples.element, lower);
    (el as HTMLElement & { mvConfusion?: unknown }).mvConfusion = this.automation();
  }

  /** A small contract for tests and benchmarks (the same actions a user takes). */
  private automation(): Record<string, unknown> {
    return {
      state: () => ({ ...this.state, curves: [...this.state.curves] }),
      clickCell: (r: number, c: number) => this.selectCell(r, c),
      selectClass: (cls: number) => this.selectClass(cls),
      setThreshold: (i: number | null) => this.set({ threshold: i }),
      heatmap: (i = 0) => this.heatmaps[i],
      values: () => Array.from(this.values()),
      tableRows: () => this.table.rows(),
    };
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    this.draw();
  }

  private selectCell(r: number, c: number): void {
    this.state.selected = [r, c];
    this.draw();
  }

  private selectClass(cls: number): void {
    const s = this.state;
    s.highlight = s.highlight === cls ? null : cls;
    const name = this.data.labels[cls];
    if (s.highlight !== null && this.data.curves) {
      s.curves.add(name);
      const classes = [...s.curves].filter((x) => x !== 'micro-average' && x !== 'macro-average');
      if (classes.length > MAX_CURVES) s.curves.delete(classes[0]);
    }
    this.draw();
  }

  /** The matrix shown: the kernel's, or the one at the slider's threshold. */
  private values(): Float64Array {
    const c = this.data;
    if (c.threshold && this.state.threshold !== null)
      return matrixAtThreshold(c.threshold, c.values, this.state.threshold);
    return c.values;
  }

  private skip(): number | undefined {
    return this.data.reduced ? this.data.n - 1 : undefined;
  }

  private metrics(): ClassMetrics {
    return perClass(this.values(), this.data.n);
  }

  /** The kernel's exact averages while its matrix is shown; recomputed after a threshold change. */
  private currentSummary(): Summary {
    const c = this.data;
    if (c.summary && this.state.threshold === null) return c.summary;
    return summarize(this.metrics(), c.summary?.zeroDivision ?? '0', this.skip());
  }

  private order(values: Float64Array): Int32Array {
    const key = `${this.state.order}:${this.data.n}`;
    // Sorting by support / error / clustering follows the data; recompute only when it changed (cheap key: the sum).
    let sum = 0;
    for (let i = 0; i < values.length; i += 97) sum += values[i] * (i + 1);
    const full = `${key}:${sum}:${values.length}`;
    if (this.orderCache?.key !== full)
      this.orderCache = { key: full, order: classOrder(this.state.order, values, this.data.n) };
    return this.orderCache.order;
  }

  async update(next: Confusion): Promise<void> {
    const sameClasses = next.n === this.data.n && next.labels.every((l, i) => l === this.data.labels[i]);
    this.data = next;
    if (!sameClasses) {
      this.state.highlight = null;
      this.state.selected = null;
    }
    if (!next.threshold) this.state.threshold = null;
    if (!next.compare) this.state.panels = ['a'];
    else if (this.state.panels.length === 1 && this.state.panels[0] === 'a' && !sameClasses)
      this.state.panels = ['a', 'b', 'diff'];
    await Promise.resolve();
    this.draw();
  }

  private heatmapCount(k: number): void {
    while (this.heatmaps.length < k) {
      const h = new Heatmap(this.doc, this.ctx.theme, {
        onCellClick: (r, c) => this.selectCell(r, c),
        onLabelClick: (cls) => this.selectClass(cls),
      });
      const cell = this.doc.createElement('figure');
      cell.className = 'mv-CmMap';
      const caption = this.doc.createElement('figcaption');
      cell.append(caption, h.element);
      this.maps.appendChild(cell);
      this.heatmaps.push(h);
      this.captions.push(caption);
    }
    while (this.heatmaps.length > k) {
      this.heatmaps.pop()?.dispose();
      this.captions.pop();
      this.maps.lastElementChild?.remove();
    }
  }

  draw(): void {
    const c = this.data;
    const s = this.state;
    const doc = this.doc;
    this.title.textContent = c.title ?? 'Confusion matrix';
    const summary = this.currentSummary();
    const parts = [`${c.n.toLocaleString('en-US')} classes`];
    if (c.reduced) parts[0] = `${c.reduced.classes.toLocaleString('en-US')} classes (${c.reduced.kept} shown)`;
    if (Number.isFinite(c.total)) {
      const total = Number.isInteger(c.total) ? c.total.toLocaleString('en-US') : c.total.toPrecision(4);
      parts.push(`${total} ${c.integer ? 'samples' : 'total weight'}`);
    }
    if (summary.accuracy !== null) parts.push(`accuracy ${(summary.accuracy * 100).toFixed(1)}%`);
    parts.push(`macro F1 ${fmt(summary.macro.f1)}`);
    if (s.threshold !== null && c.threshold)
      parts.push(`at threshold ${c.threshold.thresholds[s.threshold]?.toPrecision(3) ?? 'above all scores'}`);
    this.summary.textContent = parts.join(' · ');
    this.badge.textContent = c.status?.live ? `live · ${c.status.batches ?? 0} batches` : '';
    this.badge.hidden = !c.status?.live;

    for (const b of this.modeButtons) b.setAttribute('aria-pressed', String(b.dataset.mode === s.mode));
    this.logButton.setAttribute('aria-pressed', String(s.log));
    this.orderSelect.value = s.order;

    // Compared models: which panels to show.
    this.compareBar.hidden = !c.compare;
    if (c.compare && this.panelButtons.length === 0) {
      const choices: [string, Panel[]][] = [
        [`${c.name} | ${c.compare.name} | difference`, ['a', 'b', 'diff']],
        [c.name, ['a']],
        [c.compare.name, ['b']],
        [`${c.compare.name} − ${c.name}`, ['diff']],
      ];
      for (const [label, panels] of choices) {
        const b = button(doc, label, 'Which matrices to show', () => this.set({ panels }));
        b.dataset.panels = panels.join(',');
        this.panelButtons.push(b);
        this.compareBar.appendChild(b);
      }
    }
    for (const b of this.panelButtons) b.setAttribute('aria-pressed', String(b.dataset.panels === s.panels.join(',')));

    // Threshold slider (binary problems with scores).
    this.thresholdRow.hidden = !c.threshold;
    if (c.threshold) this.slider.setData(c.threshold, c.labels, s.threshold);

    const values = this.values();
    const order = this.order(values);
    const panels = c.compare ? s.panels : (['a'] as Panel[]);
    this.heatmapCount(panels.length);
    this.maps.dataset.panels = String(panels.length); // before setData: the heatmaps size themselves to their box
    const shownA = normalized(values, c.n, s.mode);
    panels.forEach((panel, i) => {
      const raw = panel === 'b' && c.compare ? c.compare.values : values;
      let shown = panel === 'a' ? shownA : normalized(raw, c.n, s.mode);
      let caption = panel === 'a' ? c.name : (c.compare?.name ?? '');
      if (panel === 'diff' && c.compare) {
        const b = normalized(c.compare.values, c.n, s.mode);
        shown = new Float64Array(b.length);
        for (let k = 0; k < b.length; k++) shown[k] = b[k] - shownA[k];
        caption = `${c.compare.name} − ${c.name}`;
      }
      this.captions[i].textContent = c.compare ? caption : '';
      this.captions[i].hidden = !c.compare;
      const d: HeatmapData = {
        n: c.n,
        labels: c.labels,
        shown,
        raw: panel === 'diff' && c.compare ? diffRaw(c.compare.values, values) : raw,
        integer: c.integer,
        mode: s.mode,
        order,
        scale: s.log ? 'log' : 'linear',
        diverging: panel === 'diff',
        highlight: s.highlight,
        selected: s.selected,
        axisTitles: c.axisTitles,
      };
      this.heatmaps[i].setData(d);
    });
    this.writeCells(shownA, order);

    // Most confused pairs.
    const pairs = topConfused(values, c.n, PAIRS).filter(
      (p) => this.skip() === undefined || (p.row !== this.skip() && p.col !== this.skip()),
    );
    this.pairsBox.replaceChildren(
      pairs.length
        ? pairsList(doc, pairs, c.labels, (p) => {
            this.state.selected = [p.row, p.col];
            for (const h of this.heatmaps) h.focusCell(p.row, p.col);
            this.draw();
          })
        : Object.assign(doc.createElement('div'), { className: 'mv-CmEmpty', textContent: 'No confusions.' }),
    );

    // Samples behind the selected cell.
    if (s.selected) {
      const [r, col] = s.selected;
      this.samples.show(c.samples, r, col, c.labels, values[r * c.n + col]);
    } else this.samples.clear();

    // Metrics table and curves.
    const metrics = perClass(values, c.n);
    const aucs: (number | null)[] = new Array<number | null>(c.n).fill(null);
    const aps: (number | null)[] = new Array<number | null>(c.n).fill(null);
    for (const sr of c.curves?.series ?? []) {
      if (sr.cls !== null) {
        aucs[sr.cls] = sr.auc;
        aps[sr.cls] = sr.ap;
      }
    }
    let delta: ClassMetrics | undefined;
    if (c.compare) {
      const other = perClass(c.compare.values, c.n);
      delta = subtract(other, metrics);
    }
    this.table.setData({
      labels: c.labels,
      metrics,
      auc: c.curves ? aucs : undefined,
      ap: c.curves ? aps : undefined,
      delta,
      skip: this.skip(),
      summary,
    });
    this.table.select(s.highlight);
    this.curvesBox.hidden = !c.curves;
    if (c.curves) this.curves.setData(c.curves.series, s.curves);
  }

  /** The first matrix's cells as a hidden table, in display order, formatted as the cells show them. */
  private writeCells(shown: Float64Array, order: Int32Array): void {
    const c = this.data;
    const doc = this.doc;
    this.cellsTable.replaceChildren();
    if (c.n > CELLS_TABLE_MAX) return;
    const caption = doc.createElement('caption');
    caption.textContent = `${c.axisTitles.true} (rows) by ${c.axisTitles.pred} (columns)`;
    const head = doc.createElement('tr');
    head.appendChild(doc.createElement('th'));
    for (const j of order) head.appendChild(Object.assign(doc.createElement('th'), { textContent: c.labels[j] }));
    this.cellsTable.append(caption, head);
    for (const i of order) {
      const tr = doc.createElement('tr');
      tr.appendChild(Object.assign(doc.createElement('th'), { textContent: c.labels[i] }));
      for (const j of order) {
        const v = shown[i * c.n + j];
        const text = formatValue(v, this.state.mode, c.integer);
        tr.appendChild(Object.assign(doc.createElement('td'), { textContent: text }));
      }
      this.cellsTable.appendChild(tr);
    }
  }

  private exportPng(): void {
    const canvas = this.heatmaps[0].toCanvas(2);
    canvas.toBlob((blob) => {
      if (blob) download(this.doc, 'confusion.png', blob, 'image/png');
    }, 'image/png');
  }

  dispose(): void {
    for (const h of this.heatmaps) h.dispose();
    this.slider.dispose();
    this.samples.dispose();
    this.table.dispose();
    this.curves.dispose();
    this.el.replaceChildren();
  }
}

function diffRaw(b: Float64Array, a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = b[k] - a[k];
  return out;
}

function subtract(b: ClassMetrics, a: ClassMetrics): ClassMetrics {
  const d = (x: Float64Array, y: Float64Array): Float64Array => x.map((v, i) => v - y[i]);
  return {
    precision: d(b.precision, a.precision),
    recall: d(b.recall, a.recall),
    f1: d(b.f1, a.f1),
    support: d(b.support, a.support),
    predicted: d(b.predicted, a.predicted),
    tp: d(b.tp, a.tp),
  };
}

export async function createConfusionView(el: HTMLElement, c: Confusion, ctx: RenderContext): Promise<ConfusionView> {
  const view = new ConfusionView(el, c, ctx);
  view.draw();
  return Promise.resolve(view);
}
