// Chart settings shared by every scalar chart: smoothing, x axis, log y. Defaults come from the payload's options
// until the user changes them; after that the user's choice survives updates.
import type { XAxis } from './parse.js';

export interface Settings {
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
}

const AXES: { value: XAxis; label: string; title: string }[] = [
  { value: 'step', label: 'Step', title: 'Training step' },
  { value: 'relative', label: 'Relative', title: "Hours since the run's first point" },
  { value: 'wall', label: 'Wall', title: 'Wall-clock time' },
];

export class SettingsPanel {
  readonly el: HTMLElement;
  readonly slider: HTMLInputElement;
  private readonly number: HTMLInputElement;
  private readonly axisButtons: HTMLButtonElement[] = [];
  private readonly logBox: HTMLInputElement;
  private readonly touched = new Set<keyof Settings>();
  readonly value: Settings;

  constructor(
    doc: Document,
    initial: Settings,
    private readonly onChange: (what: keyof Settings) => void,
  ) {
    this.value = { ...initial };
    this.el = doc.createElement('div');
    this.el.className = 'mv-ScalarsSettings';
    const smoothTitle = doc.createElement('div');
    smoothTitle.className = 'mv-ScalarsSide-title';
    smoothTitle.textContent = 'Smoothing';
    const row = doc.createElement('div');
    row.className = 'mv-ScalarsSettings-smoothing';
    this.slider = doc.createElement('input');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.max = '0.999';
    this.slider.step = '0.001';
    this.slider.className = 'mv-ScalarsSettings-slider';
    this.slider.setAttribute('aria-label', 'Smoothing weight');
    this.number = doc.createElement('input');
    this.number.type = 'number';
    this.number.min = '0';
    this.number.max = '0.999';
    this.number.step = '0.05';
    this.number.className = 'mv-ScalarsSettings-number';
    this.number.setAttribute('aria-label', 'Smoothing weight value');
    const setSmoothing = (v: number): void => {
      if (!Number.isFinite(v)) return;
      this.value.smoothing = Math.min(0.999, Math.max(0, v));
      this.touched.add('smoothing');
      this.sync();
      this.onChange('smoothing');
    };
    this.slider.addEventListener('input', () => setSmoothing(Number(this.slider.value)));
    this.number.addEventListener('change', () => setSmoothing(Number(this.number.value)));
    row.append(this.slider, this.number);

    const axisTitle = doc.createElement('div');
    axisTitle.className = 'mv-ScalarsSide-title';
    axisTitle.textContent = 'Horizontal axis';
    const axes = doc.createElement('div');
    axes.className = 'mv-Toolbar mv-ScalarsSettings-axis';
    axes.setAttribute('role', 'group');
    axes.setAttribute('aria-label', 'Horizontal axis');
    for (const a of AXES) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = a.label;
      b.title = a.title;
      b.dataset.axis = a.value;
      b.addEventListener('click', () => {
        this.value.xAxis = a.value;
        this.touched.add('xAxis');
        this.sync();
        this.onChange('xAxis');
      });
      this.axisButtons.push(b);
      axes.appendChild(b);
    }
    const logRow = doc.createElement('label');
    logRow.className = 'mv-ScalarsSettings-log';
    this.logBox = doc.createElement('input');
    this.logBox.type = 'checkbox';
    this.logBox.addEventListener('change', () => {
      this.value.logY = this.logBox.checked;
      this.touched.add('logY');
      this.onChange('logY');
    });
    logRow.append(this.logBox, doc.createTextNode(' Log-scale y axis'));
    this.el.append(smoothTitle, row, axisTitle, axes, logRow);
    this.sync();
  }

  /** New payload defaults: they apply to what the user has not changed. */
  setDefaults(d: Settings): boolean {
    let changed = false;
    for (const k of ['smoothing', 'xAxis', 'logY'] as const) {
      if (!this.touched.has(k) && this.value[k] !== d[k]) {
        (this.value as unknown as Record<string, unknown>)[k] = d[k];
        changed = true;
      }
    }
    this.sync();
    return changed;
  }

  private sync(): void {
    this.slider.value = String(this.value.smoothing);
    if (this.number.ownerDocument.activeElement !== this.number) this.number.value = String(this.value.smoothing);
    for (const b of this.axisButtons) b.setAttribute('aria-pressed', String(b.dataset.axis === this.value.xAxis));
    this.logBox.checked = this.value.logY;
  }
}
