// The decision-threshold slider of a binary problem. Positions run from the lowest distinct score (left: everything
// predicted positive) to above every score (right: nothing positive); each position is one row of the kernel's
// threshold table, so the matrix it gives is exact. The readout says the cut and its rates.
import type { ThresholdTable } from './parse.js';

export const THRESHOLD_CSS = `
.mv-CmSlider { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; flex: 1 1 auto; min-width: 0; }
.mv-CmSlider input[type="range"] { flex: 1 1 240px; min-width: 120px; max-width: 420px; accent-color: var(--mv-accent); }
.mv-CmSliderLabel { font-weight: 600; }
.mv-CmSliderReadout { color: var(--mv-fg); font-variant-numeric: tabular-nums; }
`;

/** The table index a slider position stands for (thresholds are decreasing; index m = above every score). */
export function indexAt(position: number, m: number): number {
  return position >= m ? m : m - 1 - position;
}

export function positionOf(index: number, m: number): number {
  return index >= m ? m : m - 1 - index;
}

/** The table index whose matrix equals the kernel's cut at `value` (score >= value is positive). */
export function indexOfValue(t: ThresholdTable, value: number): number {
  const th = t.thresholds;
  let lo = 0;
  let hi = th.length; // first index with th[i] < value (th decreasing)
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (th[mid] >= value) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? th.length : lo - 1;
}

function rate(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(3) : '—';
}

export function readout(t: ThresholdTable, labels: string[], index: number): string {
  const m = t.thresholds.length;
  const P = t.tp[m - 1];
  const N = t.fp[m - 1];
  const tp = index < m ? t.tp[index] : 0;
  const fp = index < m ? t.fp[index] : 0;
  const cut = index < m ? `score ≥ ${t.thresholds[index].toPrecision(3)}` : 'above every score';
  const parts = [
    `${cut} → '${labels[t.positive]}'`,
    `TPR ${rate(tp, P)}`,
    `FPR ${rate(fp, N)}`,
    `precision ${rate(tp, tp + fp)}`,
  ];
  let text = parts.join(' · ');
  if (t.binned !== null)
    text += ` (binned: ${m.toLocaleString('en-US')} of ${t.binned.toLocaleString('en-US')} thresholds)`;
  return text;
}

export class ThresholdSlider {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly out: HTMLElement;
  private table: ThresholdTable | null = null;
  private labels: string[] = [];
  private frame = 0;

  constructor(
    doc: Document,
    private readonly onChange: (index: number) => void,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'mv-CmSlider';
    const label = doc.createElement('label');
    label.className = 'mv-CmSliderLabel';
    label.textContent = 'Threshold';
    this.input = doc.createElement('input');
    this.input.type = 'range';
    this.input.min = '0';
    this.input.step = '1';
    this.input.setAttribute('aria-label', 'Decision threshold');
    label.htmlFor = this.input.id = `mv-threshold-${Math.random().toString(36).slice(2)}`;
    this.out = doc.createElement('output');
    this.out.className = 'mv-CmSliderReadout';
    this.element.append(label, this.input, this.out);
    this.input.addEventListener('input', this.onInput);
  }

  /** `index` null: the kernel's own threshold (t.value). */
  setData(t: ThresholdTable, labels: string[], index: number | null): void {
    this.table = t;
    this.labels = labels;
    const m = t.thresholds.length;
    const i = index ?? indexOfValue(t, t.value);
    this.input.max = String(m);
    this.input.value = String(positionOf(i, m));
    const text = readout(t, labels, i);
    this.out.textContent = text;
    this.input.setAttribute('aria-valuetext', text);
  }

  private readonly onInput = (): void => {
    const t = this.table;
    if (!t) return;
    const fire = (): void => {
      this.frame = 0;
      const i = indexAt(Number(this.input.value), t.thresholds.length);
      this.out.textContent = readout(t, this.labels, i);
      this.onChange(i);
    };
    const win = this.input.ownerDocument.defaultView;
    if (!win || typeof win.requestAnimationFrame !== 'function') fire();
    else if (!this.frame) this.frame = win.requestAnimationFrame(fire);
  };

  dispose(): void {
    if (this.frame) this.input.ownerDocument.defaultView?.cancelAnimationFrame(this.frame);
    this.input.removeEventListener('input', this.onInput);
    this.element.remove();
  }
}
