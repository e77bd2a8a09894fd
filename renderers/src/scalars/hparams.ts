// The HParams tab: one row per run (colour swatch, name), one column per hyperparameter or metric, sortable by
// clicking a header (again to reverse); the sort survives updates.
import type { Panel, PanelContext } from './panel.js';
import type { Dashboard } from './parse.js';

type Cell = string | number | boolean | null;

/** Order for sorting: numbers numerically, then booleans, then text; missing values always last. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const rank = (v: Cell): number => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a - b;
  }
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function show(v: Cell): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(5).replace(/\.?0+(e|$)/, '$1');
  return String(v);
}

export class HParamsPanel implements Panel {
  readonly el: HTMLElement;
  private readonly table: HTMLTableElement;
  private data: Dashboard | null = null;
  private hidden: ReadonlySet<string> = new Set();
  private shown = false;
  /** Column index (-1: run name) and direction. */
  private sort: { col: number; dir: 1 | -1 } | null = null;

  constructor(private readonly ctx: PanelContext) {
    this.el = ctx.doc.createElement('div');
    this.el.className = 'mv-ScalarsPanel mv-Scalars-hparams';
    this.table = ctx.doc.createElement('table');
    this.table.className = 'mv-ScalarsHParams';
    this.el.appendChild(this.table);
  }

  async update(d: Dashboard, hidden: ReadonlySet<string>): Promise<void> {
    this.data = d;
    this.hidden = hidden;
    if (this.shown) this.draw();
  }

  async show(on: boolean): Promise<void> {
    this.shown = on;
    this.el.hidden = !on;
    if (on) this.draw();
  }

  private header(label: string, col: number, kind?: string): HTMLTableCellElement {
    const doc = this.ctx.doc;
    const th = doc.createElement('th');
    th.scope = 'col';
    const b = doc.createElement('button');
    b.type = 'button';
    b.dataset.col = String(col);
    b.textContent = label;
    if (kind) {
      th.dataset.kind = kind;
      b.title = `${kind === 'metric' ? 'Metric' : 'Hyperparameter'} ${label}: click to sort`;
    }
    const sorted = this.sort?.col === col;
    th.setAttribute('aria-sort', sorted ? (this.sort!.dir > 0 ? 'ascending' : 'descending') : 'none');
    if (sorted) b.append(doc.createTextNode(this.sort!.dir > 0 ? ' ▲' : ' ▼'));
    b.addEventListener('click', () => {
      this.sort = this.sort?.col === col ? { col, dir: this.sort.dir > 0 ? -1 : 1 } : { col, dir: 1 };
      this.draw();
    });
    th.appendChild(b);
    return th;
  }

  private draw(): void {
    const d = this.data;
    if (!d?.hparams) return;
    const doc = this.ctx.doc;
    const { columns } = d.hparams;
    const thead = doc.createElement('thead');
    const hr = doc.createElement('tr');
    hr.append(this.header('run', -1), ...columns.map((c, i) => this.header(c.name, i, c.kind)));
    thead.appendChild(hr);
    let rows = d.hparams.rows.filter((r) => d.runs[r.run] && !this.hidden.has(d.runs[r.run].name));
    if (this.sort) {
      const { col, dir } = this.sort;
      rows = [...rows].sort(
        (a, b) =>
          (col < 0
            ? compareCells(d.runs[a.run].name, d.runs[b.run].name)
            : compareCells(a.values[col], b.values[col])) * dir,
      );
    }
    const tbody = doc.createElement('tbody');
    for (const r of rows) {
      const run = d.runs[r.run];
      const tr = doc.createElement('tr');
      tr.dataset.run = run.name;
      const name = doc.createElement('th');
      name.scope = 'row';
      const sw = doc.createElement('span');
      sw.className = 'mv-ScalarsRun-swatch';
      sw.style.background = run.color;
      name.append(sw, doc.createTextNode(run.name));
      tr.appendChild(name);
      r.values.forEach((v, i) => {
        const td = doc.createElement('td');
        td.textContent = show(v);
        td.dataset.kind = columns[i].kind;
        if (typeof v === 'number') td.className = 'mv-num';
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    }
    this.table.replaceChildren(thead, tbody);
  }

  dispose(): void {
    this.table.replaceChildren();
  }
}
