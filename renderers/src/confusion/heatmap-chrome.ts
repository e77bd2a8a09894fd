// The heatmap's chrome around the canvas: the hover tooltip (a positioned div whose text is set with textContent, so
// payload labels stay text) with the text for a cell — true, predicted, count, row % (the share of the true class:
// recall's part) and column % (the share of the predicted class: precision's part) — and the zoom buttons.
import type { Theme } from '../core/types.js';
import { formatValue } from './colors.js';
import type { HeatmapData } from './heatmap.js';

/** Row and column totals of the raw matrix (non-finite cells skipped). */
export function marginals(raw: Float64Array, n: number): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(n);
  const cols = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = raw[i * n + j];
      if (!Number.isFinite(v)) continue;
      rows[i] += v;
      cols[j] += v;
    }
  }
  return { rows, cols };
}

export function cellTooltip(d: HeatmapData, rows: Float64Array, cols: Float64Array, row: number, col: number): string {
  const n = d.n;
  const v = d.raw[row * n + col];
  const pct = (x: number, total: number): string => (total > 0 ? formatValue(x / total, 'all', false) : '—');
  const lines = [
    `true: ${d.labels[row] ?? row}`,
    `predicted: ${d.labels[col] ?? col}`,
    `count: ${formatValue(v, 'none', d.integer)}`,
    `row %: ${pct(v, rows[row])} of true (recall share)`,
    `column %: ${pct(v, cols[col])} of predicted (precision share)`,
  ];
  const shown = d.shown[row * n + col];
  if (d.diverging) lines.push(`difference: ${formatValue(shown, d.mode, d.integer, true)}`);
  else if (d.mode === 'all') lines.push(`of all: ${formatValue(shown, d.mode, d.integer)}`);
  return lines.join('\n');
}

export class Tooltip {
  readonly el: HTMLDivElement;
  /** visually hidden; a keyboard move writes the cell here for screen readers (a mouse hover does not) */
  readonly live: HTMLDivElement;

  constructor(doc: Document) {
    this.live = doc.createElement('div');
    this.live.className = 'mv-Heatmap-live';
    this.live.setAttribute('aria-live', 'polite');
    this.live.style.cssText =
      'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;';
    this.el = doc.createElement('div');
    this.el.className = 'mv-Heatmap-tip';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
  }

  style(t: Theme): void {
    this.el.style.cssText =
      `position:absolute;pointer-events:none;z-index:10;white-space:pre;padding:4px 6px;border-radius:3px;` +
      `font:${t.fontSize - 1}px ${t.fontFamily};color:${t.foreground};background:${t.background};` +
      `border:1px solid ${t.border};box-shadow:0 1px 4px rgba(0,0,0,.25);font-variant-numeric:tabular-nums;`;
  }

  /** Shows `text` near (x, y) (px in the box), on the side where it fits inside width × height. */
  show(text: string, x: number, y: number, width: number, height: number): void {
    const tip = this.el;
    tip.textContent = text;
    tip.hidden = false;
    const w = tip.offsetWidth || 220;
    const h = tip.offsetHeight || 90;
    const left = x + 14 + w > width ? Math.max(0, x - 14 - w) : x + 14;
    const top = y + 14 + h > height ? Math.max(0, y - 14 - h) : y + 14;
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }

  /** Says `text` to screen readers (one line). */
  announce(text: string): void {
    this.live.textContent = text.replace(/\n/g, '; ');
  }
}

/** The +, − and Reset buttons, above the plot's top-right corner. */
export class ZoomButtons {
  readonly el: HTMLDivElement;
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(doc: Document, zoomIn: () => void, zoomOut: () => void, reset: () => void) {
    this.el = doc.createElement('div');
    this.el.className = 'mv-Heatmap-zoom';
    this.el.style.cssText = 'position:absolute;top:2px;display:flex;gap:2px;transform:translateX(-100%);';
    for (const [text, title, fn] of [
      ['+', 'Zoom in', zoomIn],
      ['−', 'Zoom out', zoomOut],
      ['Reset', 'Show the whole matrix', reset],
    ] as [string, string, () => void][]) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.title = title;
      b.setAttribute('aria-label', title);
      b.addEventListener('click', fn);
      this.buttons.push(b);
      this.el.appendChild(b);
    }
  }

  style(t: Theme): void {
    for (const b of this.buttons) {
      b.style.cssText =
        `font:${t.fontSize - 1}px ${t.fontFamily};color:${t.foreground};background:${t.background};` +
        `border:1px solid ${t.border};border-radius:3px;padding:0 6px;min-width:22px;cursor:pointer;`;
    }
  }

  /** Right edge at x (px in the box). */
  place(x: number): void {
    this.el.style.left = `${x}px`;
  }
}
