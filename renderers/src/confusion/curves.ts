// ROC and precision-recall curves on one canvas (device-pixel aware, follows its container's width): axes 0..1 with
// ticks, the chance diagonal on ROC, one colour per class (Tableau 10), the micro and macro averages dashed and
// thicker, PR as a step function (as scikit-learn's PrecisionRecallDisplay), a legend with AUC / AP, and a hover that
// names the nearest point of the nearest curve.
import type { Theme } from '../core/types.js';
import { Tooltip } from './heatmap-chrome.js';
import type { CurveSeries } from './parse.js';

export type CurveKind = 'roc' | 'pr';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const AVERAGE_COLOR = { light: '#333333', dark: '#e0e0e0' };
const HEIGHT = 300;
const PAD = { left: 46, right: 12, top: 10, bottom: 38 };

export const CURVES_CSS = `
.mv-CmCurvesHead { display: flex; align-items: center; gap: 8px; margin: 0 0 4px; }
.mv-CmCurvesHead .mv-Toolbar { margin-left: 0; }
.mv-CmCurvesPlot { position: relative; }
.mv-CmCurvesPlot canvas { display: block; width: 100%; }
.mv-CmLegend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 14px;
  font-variant-numeric: tabular-nums; }
.mv-CmLegend li { display: flex; align-items: center; gap: 5px; }
.mv-CmSwatch { display: inline-block; width: 16px; height: 0; border-top: 2px solid; }
.mv-CmSwatch[data-average="true"] { border-top-style: dashed; border-top-width: 3px; }
.mv-CmCurvesEmpty { color: var(--mv-muted); }
`;

/** Points of a series for a kind, as (x, y) pairs. */
function pointsOf(s: CurveSeries, kind: CurveKind): Float32Array {
  return kind === 'roc' ? s.roc : s.pr;
}

function isAverage(s: CurveSeries): boolean {
  return s.cls === null;
}

/** The nearest point (in data units scaled by the plot's pixels per unit) over all shown series. */
export function nearestPoint(
  series: CurveSeries[],
  kind: CurveKind,
  x: number,
  y: number,
): { series: number; x: number; y: number; distance: number } | null {
  let best: { series: number; x: number; y: number; distance: number } | null = null;
  series.forEach((s, si) => {
    const p = pointsOf(s, kind);
    for (let k = 0; k + 1 < p.length; k += 2) {
      const d = Math.hypot(p[k] - x, p[k + 1] - y);
      if (!best || d < best.distance) best = { series: si, x: p[k], y: p[k + 1], distance: d };
    }
  });
  return best;
}

export class CurvesChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly legend: HTMLUListElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly plot: HTMLElement;
  private readonly tip: Tooltip;
  private readonly resize: ResizeObserver | null = null;
  private series: CurveSeries[] = [];
  private shown: CurveSeries[] = [];
  private current: CurveKind = 'roc';
  private width = 420;

  constructor(
    private readonly doc: Document,
    private theme: Theme,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'mv-CmCurvesChart';
    const head = doc.createElement('div');
    head.className = 'mv-CmCurvesHead';
    const group = doc.createElement('span');
    group.className = 'mv-Toolbar';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Curve');
    for (const [kind, label, title] of [
      ['roc', 'ROC', 'Receiver operating characteristic: true vs false positive rate'],
      ['pr', 'PR', 'Precision vs recall'],
    ] as [CurveKind, string, string][]) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = title;
      b.dataset.kind = kind;
      b.addEventListener('click', () => this.setKind(kind));
      this.buttons.push(b);
      group.appendChild(b);
    }
    head.appendChild(group);
    this.plot = doc.createElement('div');
    this.plot.className = 'mv-CmCurvesPlot';
    this.canvas = doc.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.ctx = this.canvas.getContext('2d');
    this.tip = new Tooltip(doc);
    this.tip.style(theme);
    this.plot.append(this.canvas, this.tip.el);
    this.legend = doc.createElement('ul');
    this.legend.className = 'mv-CmLegend';
    this.element.append(head, this.plot, this.legend);
    this.canvas.addEventListener('pointermove', this.onMove);
    this.canvas.addEventListener('pointerleave', this.onLeave);
    const RO = doc.defaultView?.ResizeObserver;
    if (RO) {
      this.resize = new RO(() => {
        const w = Math.round(this.plot.clientWidth);
        if (w > 0 && w !== this.width) {
          this.width = w;
          this.draw();
        }
      });
      this.resize.observe(this.plot);
    }
  }

  setData(series: CurveSeries[], shown: Set<string>): void {
    this.series = series;
    this.shown = series.filter((s) => shown.has(s.name));
    this.renderLegend();
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.tip.style(theme);
    this.renderLegend();
    this.draw();
  }

  setKind(kind: CurveKind): void {
    this.current = kind;
    this.renderLegend();
    this.draw();
  }

  kind(): CurveKind {
    return this.current;
  }

  /** CSS px from the canvas's top-left of a data point. */
  toPixel(x: number, y: number): [number, number] {
    const w = this.plotWidth();
    const h = HEIGHT - PAD.top - PAD.bottom;
    return [PAD.left + x * w, PAD.top + (1 - y) * h];
  }

  dispose(): void {
    this.resize?.disconnect();
    this.canvas.removeEventListener('pointermove', this.onMove);
    this.canvas.removeEventListener('pointerleave', this.onLeave);
    this.element.remove();
  }

  private plotWidth(): number {
    return Math.max(60, Math.min(this.width, 560) - PAD.left - PAD.right);
  }

  private color(s: CurveSeries): string {
    if (isAverage(s))
      return s.name.startsWith('macro')
        ? this.theme.kind === 'dark'
          ? '#9ecae1'
          : '#6a51a3'
        : AVERAGE_COLOR[this.theme.kind];
    const i = this.series.filter((x) => !isAverage(x)).indexOf(s);
    return PALETTE[(s.cls ?? i) % PALETTE.length];
  }

  private renderLegend(): void {
    for (const b of this.buttons) b.setAttribute('aria-pressed', String(b.dataset.kind === this.current));
    const doc = this.doc;
    if (this.shown.length === 0) {
      this.legend.replaceChildren(
        Object.assign(doc.createElement('li'), {
          className: 'mv-CmCurvesEmpty',
          textContent: 'Pick classes in the table to draw their curves.',
        }),
      );
      return;
    }
    this.legend.replaceChildren(
      ...this.shown.map((s) => {
        const li = doc.createElement('li');
        const sw = doc.createElement('span');
        sw.className = 'mv-CmSwatch';
        sw.dataset.average = String(isAverage(s));
        sw.style.borderTopColor = this.color(s);
        const label = doc.createElement('span');
        const v = this.current === 'roc' ? s.auc : s.ap;
        label.textContent = `${s.name} — ${this.current === 'roc' ? 'AUC' : 'AP'} ${v === null ? '—' : v.toFixed(3)}`;
        li.append(sw, label);
        return li;
      }),
    );
  }

  private draw(): void {
    const g = this.ctx;
    const dpr = this.doc.defaultView?.devicePixelRatio || 1;
    const cssW = PAD.left + this.plotWidth() + PAD.right;
    this.canvas.style.width = `${cssW}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    this.canvas.width = Math.round(cssW * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    const roc = this.current === 'roc';
    this.canvas.setAttribute(
      'aria-label',
      `${roc ? 'ROC' : 'Precision-recall'} curves: ${this.shown.map((s) => s.name).join(', ') || 'none'}`,
    );
    if (!g) return;
    const t = this.theme;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = t.background;
    g.fillRect(0, 0, cssW, HEIGHT);
    const [x0, y0] = this.toPixel(0, 0);
    const [x1, y1] = this.toPixel(1, 1);
    // grid, ticks and axis titles
    g.font = `${t.fontSize - 1}px ${t.fontFamily}`;
    g.lineWidth = 1;
    for (let k = 0; k <= 5; k++) {
      const v = k / 5;
      const [gx] = this.toPixel(v, 0);
      const [, gy] = this.toPixel(0, v);
      g.strokeStyle = t.border;
      g.globalAlpha = k === 0 ? 1 : 0.5;
      g.beginPath();
      g.moveTo(gx + 0.5, y1);
      g.lineTo(gx + 0.5, y0);
      g.moveTo(x0, gy + 0.5);
      g.lineTo(x1, gy + 0.5);
      g.stroke();
      g.globalAlpha = 1;
      g.fillStyle = t.muted;
      g.textAlign = 'center';
      g.textBaseline = 'top';
      g.fillText(v.toFixed(1), gx, y0 + 4);
      g.textAlign = 'right';
      g.textBaseline = 'middle';
      g.fillText(v.toFixed(1), x0 - 5, gy);
    }
    g.fillStyle = t.foreground;
    g.textAlign = 'center';
    g.textBaseline = 'bottom';
    g.fillText(roc ? 'False positive rate' : 'Recall', (x0 + x1) / 2, HEIGHT - 2);
    g.save();
    g.translate(12, (y0 + y1) / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = 'middle';
    g.fillText(roc ? 'True positive rate' : 'Precision', 0, 0);
    g.restore();
    if (roc) {
      g.strokeStyle = t.muted;
      g.setLineDash([4, 4]);
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(x1, y1);
      g.stroke();
      g.setLineDash([]);
    }
    // classes first, averages on top
    const order = [...this.shown].sort((a, b) => Number(isAverage(a)) - Number(isAverage(b)));
    for (const s of order) {
      const p = pointsOf(s, this.current);
      if (p.length < 2) continue;
      g.strokeStyle = this.color(s);
      g.lineWidth = isAverage(s) ? 2.5 : 1.5;
      g.setLineDash(isAverage(s) ? [6, 3] : []);
      g.beginPath();
      let [px, py] = this.toPixel(p[0], p[1]);
      g.moveTo(px, py);
      for (let k = 2; k + 1 < p.length; k += 2) {
        const [qx, qy] = this.toPixel(p[k], p[k + 1]);
        if (!roc) g.lineTo(qx, py); // steps-post: precision held until the next recall
        g.lineTo(qx, qy);
        px = qx;
        py = qy;
      }
      g.stroke();
    }
    g.setLineDash([]);
  }

  private readonly onMove = (e: PointerEvent): void => {
    const r = this.canvas.getBoundingClientRect();
    const w = this.plotWidth();
    const h = HEIGHT - PAD.top - PAD.bottom;
    const x = (e.clientX - r.left - PAD.left) / w;
    const y = 1 - (e.clientY - r.top - PAD.top) / h;
    const hit = x < -0.05 || x > 1.05 || y < -0.05 || y > 1.05 ? null : nearestPoint(this.shown, this.current, x, y);
    if (!hit || hit.distance > 0.08) {
      this.tip.hide();
      return;
    }
    const s = this.shown[hit.series];
    const [a, b] = this.current === 'roc' ? ['FPR', 'TPR'] : ['recall', 'precision'];
    const [px, py] = this.toPixel(hit.x, hit.y);
    this.tip.show(`${s.name}\n${a} ${hit.x.toFixed(3)}\n${b} ${hit.y.toFixed(3)}`, px, py, r.width, r.height);
  };

  private readonly onLeave = (): void => this.tip.hide();
}
