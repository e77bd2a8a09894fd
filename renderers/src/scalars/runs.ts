// The runs selector: a colour swatch and a checkbox per run, a regex filter, all / none. Choices are kept by run
// name, so they survive updates that add, drop or reorder runs.
import { makeFilter, type Run } from './parse.js';

export function validRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

export class RunsPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly unchecked = new Set<string>();
  private runs: Run[] = [];
  private rows = new Map<string, { row: HTMLElement; box: HTMLInputElement; swatch: HTMLElement }>();

  constructor(
    private readonly doc: Document,
    private readonly onChange: () => void,
  ) {
    this.el = doc.createElement('div');
    this.el.className = 'mv-ScalarsRuns';
    const head = doc.createElement('div');
    head.className = 'mv-ScalarsSide-title';
    head.textContent = 'Runs';
    this.count = doc.createElement('span');
    this.count.className = 'mv-ScalarsRuns-count';
    head.appendChild(this.count);
    this.filter = doc.createElement('input');
    this.filter.type = 'search';
    this.filter.className = 'mv-ScalarsRuns-filter';
    this.filter.placeholder = 'Filter runs (regex)';
    this.filter.setAttribute('aria-label', 'Filter runs (regular expression)');
    this.filter.addEventListener('input', this.onFilter);
    const buttons = doc.createElement('div');
    buttons.className = 'mv-ScalarsRuns-buttons';
    const all = doc.createElement('button');
    all.type = 'button';
    all.textContent = 'All';
    all.dataset.action = 'all';
    all.title = 'Show every run matching the filter';
    const none = doc.createElement('button');
    none.type = 'button';
    none.textContent = 'None';
    none.dataset.action = 'none';
    none.title = 'Hide every run matching the filter';
    all.addEventListener('click', () => this.setAll(true));
    none.addEventListener('click', () => this.setAll(false));
    buttons.append(all, none);
    this.list = doc.createElement('div');
    this.list.className = 'mv-ScalarsRuns-list';
    this.list.setAttribute('role', 'group');
    this.list.setAttribute('aria-label', 'Runs');
    this.el.append(head, this.filter, buttons, this.list);
  }

  private readonly onFilter = (): void => {
    this.filter.classList.toggle('mv-invalid', !validRegex(this.filter.value.trim()));
    this.applyFilter();
    this.onChange();
  };

  private applyFilter(): void {
    const match = makeFilter(this.filter.value);
    let n = 0;
    for (const run of this.runs) {
      const r = this.rows.get(run.name);
      if (!r) continue;
      const ok = match(run.name);
      r.row.hidden = !ok;
      if (ok && !this.unchecked.has(run.name)) n++;
    }
    this.count.textContent = ` ${n}/${this.runs.length}`;
  }

  private setAll(on: boolean): void {
    const match = makeFilter(this.filter.value);
    for (const run of this.runs) {
      if (!match(run.name)) continue;
      if (on) this.unchecked.delete(run.name);
      else this.unchecked.add(run.name);
      const r = this.rows.get(run.name);
      if (r) r.box.checked = on;
    }
    this.applyFilter();
    this.onChange();
  }

  setRuns(runs: Run[]): void {
    this.runs = runs;
    const next = new Map<string, { row: HTMLElement; box: HTMLInputElement; swatch: HTMLElement }>();
    for (const run of runs) {
      let r = this.rows.get(run.name);
      if (!r) {
        const row = this.doc.createElement('label');
        row.className = 'mv-ScalarsRun';
        const box = this.doc.createElement('input');
        box.type = 'checkbox';
        box.checked = !this.unchecked.has(run.name);
        const name = run.name;
        box.addEventListener('change', () => {
          if (box.checked) this.unchecked.delete(name);
          else this.unchecked.add(name);
          this.applyFilter();
          this.onChange();
        });
        const swatch = this.doc.createElement('span');
        swatch.className = 'mv-ScalarsRun-swatch';
        const label = this.doc.createElement('span');
        label.className = 'mv-ScalarsRun-name';
        label.textContent = run.name;
        row.title = run.name;
        row.dataset.run = run.name;
        row.append(box, swatch, label);
        r = { row, box, swatch };
      }
      r.swatch.style.background = run.color;
      r.box.style.accentColor = run.color;
      next.set(run.name, r);
    }
    this.rows = next;
    this.list.replaceChildren(...runs.map((run) => next.get(run.name)!.row));
    this.applyFilter();
  }

  /** Names of runs not to draw: unchecked, or not matching the filter. */
  hidden(): Set<string> {
    const match = makeFilter(this.filter.value);
    const out = new Set<string>();
    for (const run of this.runs) if (this.unchecked.has(run.name) || !match(run.name)) out.add(run.name);
    return out;
  }
}
