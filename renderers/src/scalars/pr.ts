// PR curves: precision against recall, one chart per tag with a line per shown run, and a step slider (each run
// shows its curve at the latest step not after the chosen one). SVG plots: no WebGL context.
import type { Data } from 'plotly.js';
import { plotlyText } from '../core/lazy.js';
import { Cards, card, plotLayout, PLOT_CONFIG, stepSlider, type Panel, type PanelContext } from './panel.js';
import type { Dashboard, PrCurve } from './parse.js';

interface PrCard {
  el: HTMLElement;
  plot: HTMLDivElement;
  slider: ReturnType<typeof stepSlider>;
  steps: number[];
  curves: PrCurve[];
  chosen: number | null;
  draw(): Promise<unknown>;
  dispose(): void;
}

/** For each run, its curve at the latest step ≤ `step` (or its first curve when all are later). */
export function curvesAt(curves: PrCurve[], step: number): PrCurve[] {
  const byRun = new Map<number, PrCurve>();
  for (const c of [...curves].sort((a, b) => a.step - b.step)) {
    const have = byRun.get(c.run);
    if (!have || c.step <= step) byRun.set(c.run, c);
  }
  return [...byRun.values()].sort((a, b) => a.run - b.run);
}

export class PrPanel implements Panel {
  readonly el: HTMLElement;
  private readonly cards: Cards<PrCard>;
  private data: Dashboard | null = null;
  private hidden: ReadonlySet<string> = new Set();
  private shown = false;

  constructor(private readonly ctx: PanelContext) {
    this.el = ctx.doc.createElement('div');
    this.el.className = 'mv-ScalarsPanel mv-Scalars-pr';
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
    const byTag = new Map<string, PrCurve[]>();
    for (const c of d.prCurves) {
      const run = d.runs[c.run];
      if (!run || this.hidden.has(run.name)) continue;
      let list = byTag.get(c.tag);
      if (!list) byTag.set(c.tag, (list = []));
      list.push(c);
    }
    const tags = [...byTag.keys()].sort();
    const cards = this.cards.sync(tags, (tag) => {
      const { el, body } = card(doc, 'mv-ScalarsPr', tag);
      const plot = doc.createElement('div');
      plot.className = 'mv-ScalarsPr-plot';
      const c: PrCard = {
        el,
        plot,
        steps: [],
        curves: [],
        chosen: null,
        slider: stepSlider(doc, (i) => {
          c.chosen = i < c.steps.length - 1 ? c.steps[i] : null;
          void c.draw();
        }),
        draw: () => {
          const step = c.chosen ?? c.steps[c.steps.length - 1];
          const i = Math.max(
            0,
            c.steps.findIndex((s) => s >= step),
          );
          c.slider.input.max = String(Math.max(0, c.steps.length - 1));
          c.slider.input.value = String(i);
          c.slider.input.disabled = c.steps.length < 2;
          c.slider.label.textContent = `step ${c.steps[i]} (${i + 1} of ${c.steps.length})`;
          plot.dataset.step = String(c.steps[i]);
          const traces = curvesAt(c.curves, c.steps[i]).map((pc) => {
            const run = d.runs[pc.run];
            return {
              type: 'scatter',
              mode: 'lines',
              x: Array.from(pc.recall),
              y: Array.from(pc.precision),
              name: `${plotlyText(run.name)} · step ${pc.step}`,
              line: { color: run.color, width: 2, shape: 'hv' },
              hovertemplate: 'recall %{x:.3f}<br>precision %{y:.3f}<extra>%{fullData.name}</extra>',
            } as unknown as Data;
          });
          const layout = plotLayout(theme, 260);
          layout.xaxis = { ...layout.xaxis, title: { text: 'recall', font: { size: 11 } }, range: [0, 1.02] };
          layout.yaxis = { ...layout.yaxis, title: { text: 'precision', font: { size: 11 } }, range: [0, 1.02] };
          layout.hovermode = 'closest';
          layout.uirevision = 'keep';
          return plotly.react(plot, traces, layout, PLOT_CONFIG);
        },
        dispose: () => plotly.purge(plot),
      };
      body.append(plot, c.slider.el);
      return c;
    });
    await Promise.all(
      tags.map((tag, i) => {
        const c = cards[i];
        c.curves = byTag.get(tag)!;
        c.steps = [...new Set(c.curves.map((x) => x.step))].sort((a, b) => a - b);
        return c.draw();
      }),
    );
  }

  dispose(): void {
    this.cards.dispose();
  }
}
