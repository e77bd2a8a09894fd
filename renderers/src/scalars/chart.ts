// One scalar tag's chart: a Plotly scattergl plot with one trace per run (plus its faint raw trace), drawn from the
// full data downsampled to the visible x-range, redrawn from the full data after each zoom or pan.
import type { Data, Layout } from 'plotly.js';
import { plotlyText, type Plotly } from '../core/lazy.js';
import type { Theme } from '../core/types.js';
import type { GlBudget, GlClient } from './budget.js';
import { isSorted, minMaxIndices, visibleSpan } from './downsample.js';
import { download, fileName, seriesCsv, dataUrlToBlob } from './export.js';
import { modebar } from './panel.js';
import type { Run, Series, XAxis } from './parse.js';
import { smooth } from './smoothing.js';

export const CHART_HEIGHT = 230;

/** What every chart of a dashboard shares: settings the user changes, the data's runs, the page's GL budget. */
export interface ChartHost {
  readonly doc: Document;
  readonly plotly: Plotly;
  readonly theme: Theme;
  readonly budget: GlBudget;
  runs(): Run[];
  hidden(): ReadonlySet<string>;
  smoothing(): number;
  xAxis(): XAxis;
  logY(): boolean;
  /** The user's zoom per tag and axis kind, kept across redraws, purges and updates. */
  readonly ranges: Map<string, [number | string, number | string]>;
}

interface Derived {
  x: Partial<Record<XAxis, { x: Float64Array; sorted: boolean }>>;
  smoothed?: { weight: number; y: Float64Array };
}

// Per-series caches: the x arrays of each axis kind and the smoothed values, computed once per payload.
const derived = new WeakMap<Series, Derived>();

function derive(s: Series): Derived {
  let d = derived.get(s);
  if (!d) derived.set(s, (d = { x: {} }));
  return d;
}

export function xValues(s: Series, axis: XAxis): { x: Float64Array; sorted: boolean } {
  const d = derive(s);
  const cached = d.x[axis];
  if (cached) return cached;
  let x: Float64Array;
  if (axis === 'step' || !s.wall) x = s.step;
  else if (axis === 'wall') x = s.wall.map((w) => w * 1000);
  else {
    let t0 = Infinity;
    for (const w of s.wall) if (w < t0) t0 = w;
    x = s.wall.map((w) => (w - t0) / 3600);
  }
  const entry = { x, sorted: x === s.step || isSorted(x) };
  d.x[axis] = entry;
  return entry;
}

export function smoothedValues(s: Series, weight: number): Float64Array {
  if (weight <= 0) return s.value;
  const d = derive(s);
  if (d.smoothed?.weight !== weight) d.smoothed = { weight, y: smooth(s.value, weight) };
  return d.smoothed.y;
}

/** Plotly's date-axis range values are strings ('2024-01-02 03:04:05.678', UTC); ours are ms numbers. */
function rangeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  const t = Date.parse(`${v.trim().replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z'}`);
  return Number.isNaN(t) ? Number(v) : t;
}

function gather(x: Float64Array, y: Float64Array, idx: Uint32Array): { x: Float64Array; y: Float64Array } {
  const ox = new Float64Array(idx.length);
  const oy = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    ox[k] = x[i];
    const v = y[i];
    // ±Inf would wreck the autorange: draw it as a gap here and as a marker at the plot's edge (below)
    oy[k] = v === Infinity || v === -Infinity ? NaN : v;
  }
  return { x: ox, y: oy };
}

/**
 * The chart's PNG on the theme's background (Plotly's export keeps our transparent background, which leaves light
 * text on nothing in a dark theme). Falls back to the transparent image where there is no 2D canvas.
 */
async function flatten(doc: Document, url: string, background: string): Promise<Blob> {
  const img = doc.createElement('img');
  img.src = url;
  const canvas = doc.createElement('canvas');
  try {
    await img.decode();
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext('2d');
    if (!g) return dataUrlToBlob(url);
    g.fillStyle = background;
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    return blob ?? dataUrlToBlob(url);
  } catch {
    return dataUrlToBlob(url);
  }
}

export class ScalarChart implements GlClient {
  readonly el: HTMLElement;
  private readonly plot: HTMLDivElement;
  private readonly note: HTMLElement;
  private readonly csvButton: HTMLButtonElement;
  private readonly pngButton: HTMLButtonElement;
  private series: Series[] = [];
  visible = false;
  inView = false;
  private live = false;
  private drawing: Promise<void> = Promise.resolve();
  private pending = false;
  private disposed = false;
  private draws = 0;
  /** Points drawn in the last draw (for the status line and tests). */
  shownPoints = 0;

  constructor(
    private readonly host: ChartHost,
    readonly tag: string,
  ) {
    const doc = host.doc;
    this.el = doc.createElement('div');
    this.el.className = 'mv-ScalarsChart';
    this.el.dataset.tag = tag;
    const head = doc.createElement('div');
    head.className = 'mv-ScalarsChart-head';
    const title = doc.createElement('span');
    title.className = 'mv-ScalarsChart-title';
    title.textContent = tag;
    title.title = tag;
    this.csvButton = this.button('CSV', 'Download the full data of the shown runs as CSV');
    this.pngButton = this.button('PNG', 'Download this chart as a PNG image');
    this.csvButton.addEventListener('click', this.onCsv);
    this.pngButton.addEventListener('click', this.onPng);
    head.append(title, this.csvButton, this.pngButton);
    this.plot = doc.createElement('div');
    this.plot.className = 'mv-ScalarsChart-plot';
    this.plot.style.height = `${CHART_HEIGHT}px`;
    this.note = doc.createElement('button');
    this.note.className = 'mv-ScalarsChart-idle';
    this.note.textContent = 'Chart not drawn (scroll to it, or click to draw)';
    this.note.addEventListener('click', this.onDrawClick);
    this.plot.appendChild(this.note);
    this.el.append(head, this.plot);
  }

  private button(label: string, title: string): HTMLButtonElement {
    const b = this.host.doc.createElement('button');
    b.type = 'button';
    b.className = 'mv-ScalarsChart-action';
    b.textContent = label;
    b.title = title;
    return b;
  }

  get isLive(): boolean {
    return this.live;
  }

  setSeries(series: Series[]): void {
    this.series = series;
  }

  shownSeries(): Series[] {
    const hidden = this.host.hidden();
    const runs = this.host.runs();
    return this.series.filter((s) => runs[s.run] && !hidden.has(runs[s.run].name));
  }

  /** Draw now if live; else ask the budget for a context and draw. */
  async activate(): Promise<void> {
    if (this.disposed || !this.host.budget.acquire(this)) return;
    this.live = true;
    await this.redraw();
  }

  /** Redraw if live (coalesces calls made while a draw runs). */
  redraw(): Promise<void> {
    if (!this.live || this.disposed) return Promise.resolve();
    if (this.pending) return this.drawing;
    this.pending = true;
    this.drawing = this.drawing.then(async () => {
      this.pending = false;
      if (this.live && !this.disposed) await this.draw();
    });
    return this.drawing;
  }

  private xKey(): string {
    return `${this.tag}|x|${this.host.xAxis()}`;
  }

  private yKey(): string {
    return `${this.tag}|y|${this.host.logY() ? 'log' : 'lin'}`;
  }

  private traces(): Data[] {
    const { host } = this;
    const runs = host.runs();
    const axis = host.xAxis();
    const weight = host.smoothing();
    const range = host.ranges.get(this.xKey());
    const x0 = range ? rangeNumber(range[0]) : -Infinity;
    const x1 = range ? rangeNumber(range[1]) : Infinity;
    // one bucket per pixel column of the plot area
    const buckets = Math.max(100, (this.plot.clientWidth || 600) - 60);
    const out: Data[] = [];
    const markers: Data[] = [];
    let shown = 0;
    for (const s of this.shownSeries()) {
      const run = runs[s.run];
      const name = plotlyText(run.name);
      const { x, sorted } = xValues(s, axis);
      const [lo, hi] = visibleSpan(x, x0, x1, sorted);
      const rawIdx = minMaxIndices(x, s.value, lo, hi, buckets, sorted);
      const raw = gather(x, s.value, rawIdx);
      shown += rawIdx.length;
      // a lone point (an hparams metric, a one-off eval) has no line to draw: show it as a dot
      const lone = rawIdx.length === 1;
      const line = {
        type: 'scattergl',
        mode: lone ? 'markers' : 'lines',
        marker: { color: run.color, size: 7 },
        hoverlabel: { namelength: -1 },
      };
      if (weight > 0) {
        const sm = smoothedValues(s, weight);
        const smooth = gather(x, sm, minMaxIndices(x, sm, lo, hi, buckets, sorted));
        out.push({
          ...line,
          name: `${name} (raw)`,
          x: raw.x,
          y: raw.y,
          line: { color: run.color, width: 1 },
          opacity: 0.22,
          hovertemplate: '%{y:.5g}',
          meta: { run: run.name, kind: 'raw' },
        } as unknown as Data);
        out.push({
          ...line,
          name,
          x: smooth.x,
          y: smooth.y,
          line: { color: run.color, width: 1.6 },
          hovertemplate: '%{y:.5g}',
          meta: { run: run.name, kind: 'smoothed' },
        } as unknown as Data);
      } else {
        out.push({
          ...line,
          name,
          x: raw.x,
          y: raw.y,
          line: { color: run.color, width: 1.6 },
          hovertemplate: '%{y:.5g}',
          meta: { run: run.name, kind: 'raw' },
        } as unknown as Data);
      }
      // ±Inf as triangles at the top / bottom edge (on an overlaid 0-1 axis, so the value scale is untouched)
      const ix: number[] = [];
      const iy: number[] = [];
      const it: string[] = [];
      for (const i of rawIdx) {
        const v = s.value[i];
        if (v === Infinity || v === -Infinity) {
          ix.push(x[i]);
          iy.push(v > 0 ? 0.97 : 0.03);
          it.push(v > 0 ? '+Inf' : '-Inf');
        }
      }
      if (ix.length) {
        markers.push({
          type: 'scattergl',
          mode: 'markers',
          name: `${name} (±Inf)`,
          x: ix,
          y: iy,
          text: it,
          yaxis: 'y2',
          marker: {
            color: run.color,
            size: 9,
            symbol: iy.map((v) => (v > 0.5 ? 'triangle-up' : 'triangle-down')),
          },
          hovertemplate: '%{text}',
          meta: { run: run.name, kind: 'inf' },
        } as unknown as Data);
      }
    }
    this.shownPoints = shown;
    return [...out, ...markers];
  }

  private layout(): Partial<Layout> {
    const { theme } = this.host;
    const axis = this.host.xAxis();
    const xr = this.host.ranges.get(this.xKey());
    const yr = this.host.ranges.get(this.yKey());
    const grid = theme.kind === 'dark' ? 'rgba(255,255,255,0.09)' : 'rgba(0,0,0,0.08)';
    const common = {
      color: theme.muted,
      gridcolor: grid,
      linecolor: theme.border,
      zeroline: false,
      automargin: true,
      tickfont: { size: Math.max(10, theme.fontSize - 2) },
    };
    return {
      height: CHART_HEIGHT,
      margin: { l: 44, r: 10, t: 6, b: 26 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
      showlegend: false,
      hovermode: 'x unified',
      hoverlabel: { bgcolor: theme.background, bordercolor: theme.border, font: { color: theme.foreground } },
      dragmode: 'zoom',
      modebar: modebar(theme),
      xaxis: {
        ...common,
        type: axis === 'wall' ? 'date' : 'linear',
        ticksuffix: axis === 'relative' ? ' h' : '',
        ...(xr ? { range: [...xr], autorange: false } : { autorange: true }),
        exponentformat: 'SI',
      },
      yaxis: {
        ...common,
        type: this.host.logY() ? 'log' : 'linear',
        ...(yr ? { range: [...yr], autorange: false } : { autorange: true }),
        exponentformat: 'e',
      },
      yaxis2: { overlaying: 'y', range: [0, 1], fixedrange: true, visible: false },
      uirevision: this.tag,
    } as Partial<Layout>;
  }

  private async draw(): Promise<void> {
    const { plotly } = this.host;
    if (this.note.parentNode) this.note.remove();
    const first = !(this.plot as unknown as { _fullLayout?: unknown })._fullLayout;
    await plotly.react(this.plot, this.traces(), this.layout(), {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
    });
    if (!this.live || this.disposed) {
      // released while drawing: give the context back now
      this.live = true;
      this.release();
      return;
    }
    this.el.dataset.live = 'true';
    // a draw counter: tests and benchmarks wait on it after a zoom
    this.el.dataset.draws = String(++this.draws);
    const gd = this.plot as unknown as { on?: (ev: string, fn: (e: Record<string, unknown>) => void) => void };
    if (first && gd.on) gd.on('plotly_relayout', this.onRelayout);
  }

  private readonly onRelayout = (ev: Record<string, unknown>): void => {
    let changed = false;
    for (const [ax, key] of [
      ['xaxis', this.xKey()],
      ['yaxis', this.yKey()],
    ] as const) {
      const r0 = ev[`${ax}.range[0]`] ?? (ev[`${ax}.range`] as unknown[] | undefined)?.[0];
      const r1 = ev[`${ax}.range[1]`] ?? (ev[`${ax}.range`] as unknown[] | undefined)?.[1];
      if (r0 !== undefined && r1 !== undefined) {
        this.host.ranges.set(key, [r0 as number | string, r1 as number | string]);
        changed = true;
      } else if (ev[`${ax}.autorange`]) {
        this.host.ranges.delete(key);
        changed = true;
      }
    }
    // refine the drawn points for the new x-range from the full data
    if (changed) void this.redraw();
  };

  /** Free the WebGL context (the budget needs it); the chart can be drawn again later. */
  release(): void {
    if (!this.live) return;
    this.live = false;
    const canvases = [...this.plot.querySelectorAll('canvas.gl-canvas-context')] as HTMLCanvasElement[];
    this.host.plotly.purge(this.plot);
    for (const c of canvases) {
      const gl = (c.getContext('webgl') ?? c.getContext('webgl2')) as WebGLRenderingContext | null;
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
    }
    this.plot.replaceChildren(this.note);
    delete this.el.dataset.live;
  }

  /** Give the WebGL context back (scrolled far away); drawn again when it comes into view. */
  deactivate(): void {
    this.host.budget.forget(this);
    this.release();
  }

  private readonly onDrawClick = (): void => {
    // a click asks for this chart: it counts as in view
    this.visible = this.inView = true;
    void this.activate();
  };

  private readonly onCsv = (): void => {
    const csv = seriesCsv(this.host.runs(), this.shownSeries());
    download(this.host.doc, fileName(this.tag, 'csv'), new Blob([csv], { type: 'text/csv' }));
  };

  private readonly onPng = async (): Promise<void> => {
    if (!this.live) await this.activate();
    const url = await this.host.plotly.toImage(this.plot, {
      format: 'png',
      width: Math.max(300, this.plot.clientWidth || 600),
      height: CHART_HEIGHT,
    });
    download(this.host.doc, fileName(this.tag, 'png'), await flatten(this.host.doc, url, this.host.theme.background));
  };

  dispose(): void {
    this.disposed = true;
    this.release();
    this.host.budget.forget(this);
    this.csvButton.removeEventListener('click', this.onCsv);
    this.pngButton.removeEventListener('click', this.onPng);
    this.note.removeEventListener('click', this.onDrawClick);
    this.el.remove();
  }
}
