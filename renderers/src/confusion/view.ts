import type { Data, Layout } from 'plotly.js';
import { loadPlotly, plotlyText, type Plotly } from '../core/lazy.js';
import type { View } from '../core/define.js';
import type { RenderContext } from '../core/types.js';
import { normalized, type Confusion, type Normalize } from './parse.js';

const MODES: { mode: Normalize; label: string; title: string }[] = [
  { mode: 'none', label: 'Counts', title: 'Raw counts' },
  { mode: 'true', label: 'Recall', title: 'Normalised by true class (rows sum to 1)' },
  { mode: 'pred', label: 'Precision', title: 'Normalised by predicted class (columns sum to 1)' },
  { mode: 'all', label: 'All', title: 'Normalised by the total' },
];

// ColorBrewer Blues (light) and a blue-to-yellow ramp (dark): zero reads as background, large as strong.
const LIGHT_SCALE = [
  [0, '#f7fbff'],
  [0.25, '#c6dbef'],
  [0.5, '#6baed6'],
  [0.75, '#2171b5'],
  [1, '#08306b'],
];
const DARK_SCALE = [
  [0, '#1b1f2a'],
  [0.35, '#21506b'],
  [0.7, '#2a9d8f'],
  [1, '#e9c46a'],
];

/** Cells are annotated with their values up to this many classes; above it, hover tells. */
const ANNOTATE_MAX = 30;

function format(v: number, c: Confusion, mode: Normalize): string {
  if (mode !== 'none') return `${(v * 100).toFixed(v >= 0.995 || v === 0 ? 0 : 1)}%`;
  return c.integer ? String(v) : v.toPrecision(3);
}

function summary(c: Confusion): string {
  const parts = [`${c.n} classes`];
  if (Number.isFinite(c.total)) {
    const total = Number.isInteger(c.total) ? c.total.toLocaleString('en-US') : c.total.toPrecision(4);
    parts.push(`${total} ${c.integer || Number.isInteger(c.total) ? 'samples' : 'total weight'}`);
  }
  if (c.accuracy !== null) parts.push(`accuracy ${(c.accuracy * 100).toFixed(1)}%`);
  return parts.join(' · ');
}

class ConfusionView implements View<Confusion> {
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly plot: HTMLDivElement;
  private mode: Normalize;

  constructor(
    private readonly el: HTMLElement,
    private data: Confusion,
    private readonly ctx: RenderContext,
    private readonly plotly: Plotly,
  ) {
    const doc = el.ownerDocument;
    const header = doc.createElement('div');
    header.className = 'mv-Header';
    this.title = doc.createElement('span');
    this.title.className = 'mv-Title';
    this.summary = doc.createElement('span');
    this.summary.className = 'mv-Summary';
    const toolbar = doc.createElement('span');
    toolbar.className = 'mv-Toolbar';
    toolbar.setAttribute('role', 'group');
    toolbar.setAttribute('aria-label', 'Normalisation');
    for (const m of MODES) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.textContent = m.label;
      b.title = m.title;
      b.dataset.mode = m.mode;
      b.addEventListener('click', this.onMode);
      this.buttons.push(b);
      toolbar.appendChild(b);
    }
    header.append(this.title, this.summary, toolbar);
    this.plot = doc.createElement('div');
    this.plot.className = 'mv-ConfusionPlot';
    el.append(header, this.plot);
    this.mode = data.normalize;
  }

  private readonly onMode = (ev: Event): void => {
    this.mode = (ev.currentTarget as HTMLButtonElement).dataset.mode as Normalize;
    void this.draw();
  };

  async update(next: Confusion): Promise<void> {
    // The user's choice of normalisation survives updates; only a new payload default applies when untouched.
    this.data = next;
    await this.draw();
  }

  async draw(): Promise<void> {
    const c = this.data;
    const { theme } = this.ctx;
    this.title.textContent = c.title ?? 'Confusion matrix';
    this.summary.textContent = summary(c);
    for (const b of this.buttons) b.setAttribute('aria-pressed', String(b.dataset.mode === this.mode));

    const shown = normalized(c.values, c.n, this.mode);
    const z: number[][] = [];
    const counts: string[][][] = [];
    const text: string[][] = [];
    for (let i = 0; i < c.n; i++) {
      z.push(Array.from(shown.subarray(i * c.n, (i + 1) * c.n)));
      text.push(z[i].map((v) => format(v, c, this.mode)));
    }
    const ticks = c.labels.map(plotlyText);
    for (let i = 0; i < c.n; i++) {
      counts.push(ticks.map((pred, j) => [ticks[i], pred, format(c.values[i * c.n + j], c, 'none')]));
    }
    const index = c.labels.map((_, i) => i);
    const annotate = c.n <= ANNOTATE_MAX;
    const trace = {
      type: 'heatmap',
      z,
      x: index,
      y: index,
      text,
      customdata: counts,
      texttemplate: annotate ? '%{text}' : undefined,
      hovertemplate:
        'true: %{customdata[0]}<br>predicted: %{customdata[1]}<br>count: %{customdata[2]}<br>shown: %{text}<extra></extra>',
      colorscale: theme.kind === 'dark' ? DARK_SCALE : LIGHT_SCALE,
      showscale: true,
      xgap: c.n <= 50 ? 1 : 0,
      ygap: c.n <= 50 ? 1 : 0,
      colorbar: { thickness: 12, outlinewidth: 0, tickfont: { color: theme.foreground } },
    } as unknown as Data;
    const cell = Math.max(14, Math.min(48, 520 / c.n));
    const height = Math.max(260, Math.min(900, c.n * cell + 140));
    // Square cells: keep the plot about as wide as the matrix plus labels and colour bar, not the whole output.
    this.plot.style.maxWidth = `${Math.max(420, c.n * cell + 360)}px`;
    // Label every class up to ANNOTATE_MAX; above that every k-th, so tick labels never pile up.
    const step = Math.ceil(c.n / ANNOTATE_MAX);
    const tickvals = index.filter((i) => i % step === 0);
    const axis = {
      tickmode: 'array' as const,
      tickvals,
      ticktext: tickvals.map((i) => ticks[i]),
      showgrid: false,
      zeroline: false,
      color: theme.foreground,
      automargin: true,
    };
    const layout: Partial<Layout> = {
      height,
      margin: { l: 10, r: 10, t: 10, b: 10 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
      xaxis: { ...axis, title: { text: plotlyText(c.axisTitles.pred) }, side: 'bottom' },
      yaxis: { ...axis, title: { text: plotlyText(c.axisTitles.true) }, autorange: 'reversed', scaleanchor: 'x' },
      uirevision: 'keep',
    };
    await this.plotly.react(this.plot, [trace], layout, { displaylogo: false, responsive: true });
  }

  dispose(): void {
    for (const b of this.buttons) b.removeEventListener('click', this.onMode);
    this.plotly.purge(this.plot);
    this.el.replaceChildren();
  }
}

export async function createConfusionView(el: HTMLElement, c: Confusion, ctx: RenderContext): Promise<ConfusionView> {
  const plotly = await loadPlotly();
  const view = new ConfusionView(el, c, ctx, plotly);
  await view.draw();
  return view;
}
