// The per-class metrics table: sortable by any column, one click on a class selects it (its row and column light up
// in the matrix, its curves are drawn), the kernel's exact averages in the footer, Δ columns when two models are
// compared. Rows are built once per setData with one delegated listener, so 1,000 classes stay quick.
import { withZeroDivision, type ClassMetrics, type ZeroDivision } from './metrics.js';
import type { Averages, Summary } from './parse.js';

export interface TableData {
  labels: string[];
  metrics: ClassMetrics;
  auc?: (number | null)[];
  ap?: (number | null)[];
  /** The compared model minus this one. */
  delta?: ClassMetrics;
  /** The reduced matrix's "other" class: shown last, greyed. */
  skip?: number;
  summary: Summary;
  zeroDivision?: ZeroDivision;
}

export type SortKey = 'label' | 'precision' | 'recall' | 'f1' | 'support' | 'auc' | 'ap' | 'dF1' | 'dRecall';

interface Column {
  key: SortKey;
  title: string;
  tip: string;
  value(d: TableData, i: number, shown: ClassMetrics): number | null;
  delta?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'label', title: 'Class', tip: 'Class (in label order)', value: (_d, i) => i },
  {
    key: 'precision',
    title: 'Precision',
    tip: 'Of the predicted, how many are right',
    value: (_d, i, m) => m.precision[i],
  },
  { key: 'recall', title: 'Recall', tip: 'Of the true, how many are found', value: (_d, i, m) => m.recall[i] },
  { key: 'f1', title: 'F1', tip: 'Harmonic mean of precision and recall', value: (_d, i, m) => m.f1[i] },
  { key: 'support', title: 'Support', tip: 'True samples of the class', value: (d, i) => d.metrics.support[i] },
  { key: 'auc', title: 'ROC AUC', tip: 'Area under the one-vs-rest ROC curve', value: (d, i) => d.auc?.[i] ?? null },
  { key: 'ap', title: 'AP', tip: 'Average precision (area under the PR curve)', value: (d, i) => d.ap?.[i] ?? null },
  {
    key: 'dF1',
    title: 'Δ F1',
    tip: 'F1 of the compared model minus this one',
    value: (d, i) => d.delta?.f1[i] ?? null,
    delta: true,
  },
  {
    key: 'dRecall',
    title: 'Δ recall',
    tip: 'Recall of the compared model minus this one',
    value: (d, i) => d.delta?.recall[i] ?? null,
    delta: true,
  },
];

function fmt(x: number | null, digits = 3): string {
  return x === null || Number.isNaN(x) ? '—' : x.toFixed(digits);
}

function fmtCount(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toPrecision(4);
}

function fmtDelta(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '—';
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(3)}`;
}

export const TABLE_CSS = `
.mv-CmTableBox { max-height: 360px; overflow: auto; border: 1px solid var(--mv-border); border-radius: 3px; }
.mv-CmTable { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.mv-CmTable th, .mv-CmTable td { padding: 1px 8px; text-align: right; white-space: nowrap; }
.mv-CmTable th:first-child, .mv-CmTable td:first-child { text-align: left; max-width: 220px; overflow: hidden;
  text-overflow: ellipsis; }
.mv-CmTable thead th { position: sticky; top: 0; background: var(--mv-bg); border-bottom: 1px solid var(--mv-border);
  z-index: 1; }
.mv-CmTable thead button { font: inherit; font-weight: 600; color: var(--mv-fg); background: none; border: 0;
  padding: 0; cursor: pointer; }
.mv-CmTable th[aria-sort="ascending"] button::after { content: " ▲"; font-size: 0.8em; }
.mv-CmTable th[aria-sort="descending"] button::after { content: " ▼"; font-size: 0.8em; }
.mv-CmTable tbody tr { cursor: pointer; }
.mv-CmTable tbody tr:hover { background: color-mix(in srgb, var(--mv-accent) 10%, transparent); }
.mv-CmTable tbody tr[aria-selected="true"] { background: color-mix(in srgb, var(--mv-accent) 25%, transparent); }
.mv-CmTable tbody tr.mv-CmOther { color: var(--mv-muted); }
.mv-CmTable td.mv-CmUndef { color: var(--mv-muted); }
.mv-CmTable td.mv-CmUp { color: #2e7d32; }
.mv-CmTable td.mv-CmDown { color: #c62828; }
.mv-CmTable tfoot th, .mv-CmTable tfoot td { border-top: 1px solid var(--mv-border); font-weight: 600;
  position: sticky; bottom: 0; background: var(--mv-bg); }
.mv-CmTable tfoot tr + tr th, .mv-CmTable tfoot tr + tr td { border-top: 0; }
`;

export class MetricsTable {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private readonly foot: HTMLTableSectionElement;
  private data: TableData | null = null;
  private sort: { key: SortKey; dir: 'asc' | 'desc' } = { key: 'label', dir: 'asc' };
  private order: number[] = [];
  private selected: number | null = null;
  private columns: Column[] = [];

  constructor(
    private readonly doc: Document,
    private readonly onSelect: (cls: number) => void,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'mv-CmTableBox';
    this.table = doc.createElement('table');
    this.table.className = 'mv-CmTable';
    this.head = doc.createElement('thead');
    this.body = doc.createElement('tbody');
    this.foot = doc.createElement('tfoot');
    this.table.append(this.head, this.body, this.foot);
    this.element.appendChild(this.table);
    this.head.addEventListener('click', this.onHeadClick);
    this.body.addEventListener('click', this.onBodyClick);
    this.body.addEventListener('keydown', this.onBodyKey);
  }

  setData(d: TableData): void {
    this.data = d;
    this.columns = COLUMNS.filter(
      (c) =>
        (c.key !== 'auc' || d.auc !== undefined) &&
        (c.key !== 'ap' || d.ap !== undefined) &&
        (!c.delta || d.delta !== undefined),
    );
    if (!this.columns.some((c) => c.key === this.sort.key)) this.sort = { key: 'label', dir: 'asc' };
    this.renderHead();
    this.renderBody();
    this.renderFoot();
  }

  /** Highlights a class's row and scrolls it into view; null clears. */
  select(cls: number | null): void {
    this.selected = cls;
    for (const tr of this.body.rows) {
      const on = cls !== null && tr.dataset.cls === String(cls);
      tr.setAttribute('aria-selected', String(on));
      if (on) tr.scrollIntoView?.({ block: 'nearest' });
    }
  }

  sortBy(key: SortKey, dir?: 'asc' | 'desc'): void {
    const next =
      dir ?? (this.sort.key === key ? (this.sort.dir === 'asc' ? 'desc' : 'asc') : key === 'label' ? 'asc' : 'desc');
    this.sort = { key, dir: next };
    if (this.data) {
      this.renderHead();
      this.renderBody();
    }
  }

  /** Labels in displayed order. */
  rows(): string[] {
    return this.data ? this.order.map((i) => this.data!.labels[i]) : [];
  }

  dispose(): void {
    this.head.removeEventListener('click', this.onHeadClick);
    this.body.removeEventListener('click', this.onBodyClick);
    this.body.removeEventListener('keydown', this.onBodyKey);
    this.element.remove();
  }

  private renderHead(): void {
    const doc = this.doc;
    const tr = doc.createElement('tr');
    for (const c of this.columns) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.title = c.tip;
      if (this.sort.key === c.key) th.setAttribute('aria-sort', this.sort.dir === 'asc' ? 'ascending' : 'descending');
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.key = c.key;
      b.textContent = c.title;
      th.appendChild(b);
      tr.appendChild(th);
    }
    this.head.replaceChildren(tr);
  }

  private renderBody(): void {
    const d = this.data!;
    const doc = this.doc;
    const zd = d.zeroDivision ?? d.summary.zeroDivision;
    const shown = withZeroDivision(d.metrics, zd);
    const n = d.labels.length;
    const col = this.columns.find((c) => c.key === this.sort.key)!;
    const sign = this.sort.dir === 'asc' ? 1 : -1;
    const key = (i: number): number => {
      const v = col.value(d, i, d.metrics);
      return v === null || Number.isNaN(v) ? -Infinity : v;
    };
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i !== d.skip);
    idx.sort((a, b) => sign * (key(a) - key(b)) || a - b);
    if (d.skip !== undefined && d.skip < n) idx.push(d.skip);
    this.order = idx;
    const frag = doc.createDocumentFragment();
    for (const i of idx) {
      const tr = doc.createElement('tr');
      tr.dataset.cls = String(i);
      tr.tabIndex = 0;
      tr.setAttribute('aria-selected', String(this.selected === i));
      if (i === d.skip) tr.className = 'mv-CmOther';
      for (const c of this.columns) {
        const td = doc.createElement(c.key === 'label' ? 'th' : 'td');
        if (c.key === 'label') {
          (td as HTMLTableCellElement).scope = 'row';
          td.textContent = d.labels[i];
          td.title = d.labels[i];
        } else if (c.key === 'support') {
          td.textContent = fmtCount(d.metrics.support[i]);
        } else if (c.delta) {
          const v = c.value(d, i, shown);
          td.textContent = fmtDelta(v);
          if (v !== null && v > 0) td.className = 'mv-CmUp';
          else if (v !== null && v < 0) td.className = 'mv-CmDown';
        } else {
          const raw = c.value(d, i, d.metrics);
          const v = c.value(d, i, shown);
          td.textContent = fmt(v);
          if (raw === null || Number.isNaN(raw)) {
            td.className = 'mv-CmUndef';
            if (c.key === 'precision') td.title = 'undefined: never predicted';
            else if (c.key === 'recall') td.title = 'undefined: no true samples';
            else if (c.key === 'f1') td.title = 'undefined: neither true nor predicted';
            else td.title = 'not available';
          }
        }
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    this.body.replaceChildren(frag);
  }

  private renderFoot(): void {
    const d = this.data!;
    const doc = this.doc;
    let total = 0;
    for (const v of d.metrics.support) total += v;
    const line = (name: string, a: Averages | null, accuracy: number | null): HTMLTableRowElement => {
      const tr = doc.createElement('tr');
      for (const c of this.columns) {
        const cell = doc.createElement(c.key === 'label' ? 'th' : 'td');
        if (c.key === 'label') cell.textContent = name;
        else if (c.key === 'support') cell.textContent = fmtCount(total);
        else if (a && c.key === 'precision') cell.textContent = fmt(a.precision);
        else if (a && c.key === 'recall') cell.textContent = fmt(a.recall);
        else if (c.key === 'f1') cell.textContent = fmt(a ? a.f1 : accuracy);
        tr.appendChild(cell);
      }
      return tr;
    };
    const rows: HTMLTableRowElement[] = [];
    if (d.summary.accuracy !== null) rows.push(line('accuracy', null, d.summary.accuracy));
    rows.push(line('macro avg', d.summary.macro, null), line('weighted avg', d.summary.weighted, null));
    this.foot.replaceChildren(...rows);
  }

  private readonly onHeadClick = (e: Event): void => {
    const b = (e.target as Element).closest('button');
    const key = b?.dataset.key as SortKey | undefined;
    if (key) this.sortBy(key);
  };

  private readonly onBodyClick = (e: Event): void => {
    const tr = (e.target as Element).closest('tr');
    if (tr?.dataset.cls) this.onSelect(Number(tr.dataset.cls));
  };

  private readonly onBodyKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const tr = (e.target as Element).closest('tr');
    if (tr?.dataset.cls) {
      e.preventDefault();
      this.onSelect(Number(tr.dataset.cls));
    }
  };
}
