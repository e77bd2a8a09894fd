// Histograms (TensorBoard's "offset" ridgeline: one filled curve per step, stacked by step, fading with age) and
// Distributions (the 9 percentile bands over steps). SVG plots: they use no WebGL context.
import type { Data } from 'plotly.js';
import { plotlyText } from '../core/lazy.js';
import { Cards, card, mix, plotLayout, PLOT_CONFIG, type Panel, type PanelContext } from './panel.js';
import type { Dashboard, Histogram, Run } from './parse.js';
import { DISTRIBUTION_BPS, histogramPercentiles } from './percentiles.js';

/** At most this many steps are drawn as ridges (evenly chosen, the last always). */
export const MAX_RIDGES = 40;

interface HistCard {
  el: HTMLElement;
  plot: HTMLDivElement;
  dispose: () => void;
}

export function ridgeRows(steps: number, max = MAX_RIDGES): number[] {
  if (steps <= max) return Array.from({ length: steps }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (steps - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}

/** Up to 8 of the drawn ridges' steps as y ticks (the ridges rise above their step, past the first one). */
function stepTicks(h: Histogram): number[] {
  const rows = ridgeRows(h.steps.length);
  const every = Math.ceil(rows.length / 8);
  return rows.filter((_, k) => (rows.length - 1 - k) % every === 0).map((r) => h.steps[r]);
}

export function ridgelineTraces(h: Histogram, run: Run, background: string): Data[] {
  const rows = ridgeRows(h.steps.length);
  const B = h.buckets;
  let peak = 0;
  const density = rows.map((r) => {
    const d = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      const w = h.edges[r * (B + 1) + b + 1] - h.edges[r * (B + 1) + b];
      const c = h.counts[r * B + b];
      d[b] = w > 0 && Number.isFinite(c) ? c / w : 0;
      if (d[b] > peak) peak = d[b];
    }
    return d;
  });
  const first = h.steps[rows[0]];
  const last = h.steps[rows[rows.length - 1]];
  const spacing = rows.length > 1 ? (last - first) / (rows.length - 1) : 1;
  const height = (spacing || 1) * 2.5;
  const name = plotlyText(run.name);
  return rows.map((r, k) => {
    const base = h.steps[r];
    const age = rows.length > 1 ? 1 - k / (rows.length - 1) : 0;
    const xs: number[] = [h.edges[r * (B + 1)]];
    const ys: number[] = [base];
    for (let b = 0; b < B; b++) {
      const x = (h.edges[r * (B + 1) + b] + h.edges[r * (B + 1) + b + 1]) / 2;
      xs.push(x);
      ys.push(base - (peak > 0 ? (density[k][b] / peak) * height : 0));
    }
    xs.push(h.edges[r * (B + 1) + B]);
    ys.push(base);
    return {
      type: 'scatter',
      mode: 'lines',
      x: xs,
      y: ys,
      fill: 'toself',
      fillcolor: mix(run.color, background, 0.25 + 0.6 * age),
      line: { color: mix(run.color, background, 0.65 * age), width: 1 },
      hoveron: 'points',
      // payload text only in `name` (plain text for Plotly), never inside a template, where %{...} would expand
      name: `${name} · step ${base}`,
      hovertemplate: '%{fullData.name}<br>%{x:.4g}<extra></extra>',
    } as unknown as Data;
  });
}

export function distributionTraces(h: Histogram, run: Run, background: string, foreground: string): Data[] {
  const n = h.steps.length;
  const B = h.buckets;
  const bands = DISTRIBUTION_BPS.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const p = histogramPercentiles(
      h.edges.subarray(r * (B + 1), (r + 1) * (B + 1)),
      h.counts.subarray(r * B, (r + 1) * B),
    );
    p.forEach((v, k) => (bands[k][r] = v));
  }
  const x = Array.from(h.steps);
  const out: Data[] = [];
  const last = DISTRIBUTION_BPS.length - 1;
  // outer to inner: (0, 100), (6.68, 93.32), (15.87, 84.13), (30.85, 69.15), each a band more opaque
  for (let k = 0; k < last / 2; k++) {
    const fill = mix(run.color, background, 0.75 - k * 0.17);
    out.push({
      type: 'scatter',
      mode: 'lines',
      x,
      y: Array.from(bands[k]),
      line: { width: 0, color: fill },
      hoverinfo: 'skip',
    } as unknown as Data);
    out.push({
      type: 'scatter',
      mode: 'lines',
      x,
      y: Array.from(bands[last - k]),
      line: { width: 0, color: fill },
      fill: 'tonexty',
      fillcolor: fill,
      hoverinfo: 'skip',
    } as unknown as Data);
  }
  out.push({
    type: 'scatter',
    mode: 'lines',
    x,
    y: Array.from(bands[last / 2]),
    // the median a little towards the text colour, so it stands out from the innermost band
    line: { width: 1.5, color: mix(run.color, foreground, 0.35) },
    name: plotlyText(run.name),
    hovertemplate: 'step %{x}<br>median %{y:.4g}<extra>%{fullData.name}</extra>',
  } as unknown as Data);
  return out;
}

export class HistogramsPanel implements Panel {
  readonly el: HTMLElement;
  private readonly cards: Cards<HistCard>;
  private data: Dashboard | null = null;
  private hidden: ReadonlySet<string> = new Set();
  private shown = false;

  constructor(
    private readonly ctx: PanelContext,
    private readonly mode: 'histograms' | 'distributions',
  ) {
    this.el = ctx.doc.createElement('div');
    this.el.className = `mv-ScalarsPanel mv-Scalars-${mode}`;
    this.cards = new Cards(this.el);
  }

  async update(d: Dashboard, hidden: ReadonlySet<string>): Promise<void> {
    this.data = d;
    this.hidden = hidden;
    if (this.shown) await this.draw();
  }

  async show(on: boolean): Promise<void> {
    this.shown = on;
    this.el.hidden = !on;
    if (on) await this.draw();
  }

  private async draw(): Promise<void> {
    const d = this.data;
    if (!d) return;
    const { doc, plotly, theme } = this.ctx;
    const list = d.histograms
      .filter((h) => d.runs[h.run] && !this.hidden.has(d.runs[h.run].name) && h.steps.length > 0)
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.run - b.run));
    const key = (h: Histogram): string => `${h.tag}\u0000${d.runs[h.run].name}`;
    const cards = this.cards.sync(list.map(key), (k) => {
      const [tag, run] = k.split('\u0000');
      const { el, body } = card(doc, 'mv-ScalarsHist', tag, run);
      const plot = doc.createElement('div');
      plot.className = 'mv-ScalarsHist-plot';
      body.appendChild(plot);
      return { el, plot, dispose: () => plotly.purge(plot) };
    });
    await Promise.all(
      list.map((h, i) => {
        const run = d.runs[h.run];
        const ridge = this.mode === 'histograms';
        const traces = ridge
          ? ridgelineTraces(h, run, theme.background)
          : distributionTraces(h, run, theme.background, theme.foreground);
        const layout = plotLayout(theme, ridge ? 260 : 220);
        layout.xaxis = { ...layout.xaxis, title: { text: ridge ? 'value' : 'step', font: { size: 11 } } };
        layout.yaxis = {
          ...layout.yaxis,
          title: { text: ridge ? 'step' : 'value', font: { size: 11 } },
          ...(ridge ? { autorange: 'reversed', tickmode: 'array', tickvals: stepTicks(h) } : {}),
        };
        layout.hovermode = 'closest';
        layout.uirevision = 'keep';
        return plotly.react(cards[i].plot, traces, layout, PLOT_CONFIG);
      }),
    );
  }

  dispose(): void {
    this.cards.dispose();
  }
}
