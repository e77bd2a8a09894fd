// The run dashboard: status line, tabs, runs and settings on the side, one panel per kind of data. Built once and
// updated in place on every snapshot, so the user's zoom, hidden runs, smoothing, tab and scroll position stay.
import { loadPlotly, type Plotly } from '../core/lazy.js';
import type { View } from '../core/define.js';
import { ensureKindStyles } from '../core/style.js';
import type { RenderContext } from '../core/types.js';
import { pageBudget } from './budget.js';
import type { ChartHost } from './chart.js';
import { HistogramsPanel } from './histograms.js';
import { HParamsPanel } from './hparams.js';
import { ImagesPanel, TextPanel } from './media.js';
import type { Panel, PanelContext } from './panel.js';
import type { Dashboard } from './parse.js';
import { PrPanel } from './pr.js';
import { RunsPanel } from './runs.js';
import { ScalarsPanel } from './scalars-panel.js';
import { SettingsPanel } from './settings.js';
import { SCALARS_CSS } from './style.js';
import { TabBar, type TabId } from './tabs.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** How long an update waits for its redraw before returning (see update()). */
const UPDATE_WAIT_MS = 250;

export function hasData(d: Dashboard): boolean {
  return (
    d.scalars.length > 0 ||
    d.histograms.length > 0 ||
    d.images.length > 0 ||
    d.texts.length > 0 ||
    d.prCurves.length > 0 ||
    (d.hparams?.rows.length ?? 0) > 0
  );
}

export function presentTabs(d: Dashboard): Set<TabId> {
  const t = new Set<TabId>();
  if (d.scalars.length) t.add('scalars');
  if (d.histograms.length) {
    t.add('histograms');
    t.add('distributions');
  }
  if (d.images.length) t.add('images');
  if (d.texts.length) t.add('text');
  if (d.hparams?.rows.length) t.add('hparams');
  if (d.prCurves.length) t.add('pr');
  return t;
}

export class ScalarsView implements View<Dashboard> {
  private data: Dashboard;
  private readonly doc: Document;
  private readonly status: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly body: HTMLElement;
  private readonly side: HTMLElement;
  private readonly tabs: TabBar;
  readonly runs: RunsPanel;
  readonly settings: SettingsPanel;
  readonly scalars: ScalarsPanel;
  private readonly panels: Map<Exclude<TabId, 'scalars'>, Panel>;
  private hiddenRuns: Set<string> = new Set();

  constructor(
    private readonly el: HTMLElement,
    data: Dashboard,
    ctx: RenderContext,
    plotly: Plotly,
  ) {
    this.data = data;
    const doc = (this.doc = el.ownerDocument);
    ensureKindStyles(doc, 'scalars', SCALARS_CSS);
    this.status = doc.createElement('div');
    this.status.className = 'mv-ScalarsStatus';
    this.empty = doc.createElement('div');
    this.empty.className = 'mv-ScalarsEmpty';
    this.tabs = new TabBar(doc, (t) => void this.onTab(t));
    this.body = doc.createElement('div');
    this.body.className = 'mv-ScalarsBody';
    this.side = doc.createElement('div');
    this.side.className = 'mv-ScalarsSide';
    const main = doc.createElement('div');
    main.className = 'mv-ScalarsMain';
    this.runs = new RunsPanel(doc, this.onRuns);
    this.settings = new SettingsPanel(doc, data.options, this.onSettings);
    this.side.append(this.runs.el, this.settings.el);
    const host: ChartHost = {
      doc,
      plotly,
      theme: ctx.theme,
      budget: pageBudget(doc.defaultView),
      ranges: new Map(),
      runs: () => this.data.runs,
      hidden: () => this.hiddenRuns,
      smoothing: () => this.settings.value.smoothing,
      xAxis: () => this.settings.value.xAxis,
      logY: () => this.settings.value.logY,
    };
    this.scalars = new ScalarsPanel(host);
    const pctx: PanelContext = { doc, plotly, theme: ctx.theme };
    this.panels = new Map<Exclude<TabId, 'scalars'>, Panel>([
      ['histograms', new HistogramsPanel(pctx, 'histograms')],
      ['distributions', new HistogramsPanel(pctx, 'distributions')],
      ['images', new ImagesPanel(pctx)],
      ['text', new TextPanel(pctx)],
      ['hparams', new HParamsPanel(pctx)],
      ['pr', new PrPanel(pctx)],
    ]);
    this.scalars.el.hidden = true;
    main.append(this.scalars.el);
    for (const p of this.panels.values()) {
      p.el.hidden = true;
      main.appendChild(p.el);
    }
    this.body.append(this.side, main);
    el.append(this.status, this.empty, this.tabs.el, this.body);
  }

  private readonly onRuns = (): void => {
    this.hiddenRuns = this.runs.hidden();
    void this.scalars.redrawLive();
    for (const p of this.panels.values()) void p.update(this.data, this.hiddenRuns);
  };

  private readonly onSettings = (): void => {
    void this.scalars.redrawLive();
  };

  private async onTab(t: TabId): Promise<void> {
    this.settings.el.hidden = t !== 'scalars';
    this.scalars.show(t === 'scalars');
    await Promise.all([...this.panels].map(([id, p]) => p.show(id === t)));
  }

  private renderStatus(): void {
    const d = this.data;
    const doc = this.doc;
    const parts: HTMLElement[] = [];
    const part = (cls: string, text: string): HTMLElement => {
      const s = doc.createElement('span');
      s.className = `mv-ScalarsStatus-${cls}`;
      s.textContent = text;
      parts.push(s);
      return s;
    };
    if (d.title) part('title', d.title);
    const live = part('live', d.status.live ? 'live' : 'not live');
    live.dataset.live = String(d.status.live);
    live.title = d.status.live ? 'A watcher in the kernel is updating this output' : 'This output is not being updated';
    if (d.status.updated !== undefined) {
      const t = new Date(d.status.updated * 1000);
      part('updated', `updated ${Number.isNaN(t.getTime()) ? '?' : t.toLocaleTimeString()}`);
    }
    let sent = 0;
    let total = 0;
    for (const s of d.scalars) {
      sent += s.value.length;
      total += s.total;
    }
    if (d.scalars.length) {
      const pts = part('points', total > sent ? `${fmt(sent)} of ${fmt(total)} points` : `${fmt(sent)} points`);
      pts.title =
        total > sent
          ? 'Points in this snapshot / points held in the kernel (the kernel downsamples, keeping the shape and the last point)'
          : 'Points in this snapshot';
    }
    if (d.runs.length) part('runs', `${d.runs.length} run${d.runs.length === 1 ? '' : 's'}`);
    if (d.status.corruptRecords > 0) {
      part(
        'corrupt',
        `${fmt(d.status.corruptRecords)} corrupt record${d.status.corruptRecords === 1 ? '' : 's'} skipped`,
      );
    }
    if (d.logdir) part('logdir', d.logdir);
    this.status.replaceChildren(...parts);
  }

  async update(d: Dashboard): Promise<void> {
    this.data = d;
    this.renderStatus();
    const empty = !hasData(d);
    this.empty.hidden = !empty;
    this.body.hidden = empty;
    if (empty) {
      const where = d.logdir ? ` in ${d.logdir}` : '';
      const what = d.runs.length
        ? `No data yet${where} (${d.runs.length} run${d.runs.length === 1 ? '' : 's'})`
        : `No event files yet${where}`;
      this.empty.textContent = d.status.live ? `${what} — watching` : `${what}: nothing to show`;
    }
    const settingsChanged = this.settings.setDefaults(d.options);
    this.runs.setRuns(d.runs);
    this.hiddenRuns = this.runs.hidden();
    this.scalars.setSeries(d.scalars);
    const before = this.tabs.active;
    const active = this.tabs.setTabs(empty ? new Set() : presentTabs(d));
    await Promise.all([...this.panels.values()].map((p) => p.update(d, this.hiddenRuns)));
    if (settingsChanged || before === active) {
      // Snapshots arrive up to twice a second. Wait for the redraw while it is quick; when drawing is slower than
      // that (software WebGL, many live charts), let it finish in the background: each chart coalesces redraws
      // onto the newest data, so updates never pile up behind the drawing.
      const win = this.doc.defaultView ?? globalThis;
      await Promise.race([
        this.scalars.redrawLive(),
        new Promise<void>((resolve) => win.setTimeout(resolve, UPDATE_WAIT_MS)),
      ]);
    }
  }

  /** Resolves when the charts in view are drawn. */
  firstDraw(): Promise<void> {
    return this.scalars.firstDraw();
  }

  dispose(): void {
    this.scalars.dispose();
    for (const p of this.panels.values()) p.dispose();
    this.el.replaceChildren();
  }
}

export async function createScalarsView(el: HTMLElement, d: Dashboard, ctx: RenderContext): Promise<ScalarsView> {
  const plotly = await loadPlotly();
  const view = new ScalarsView(el, d, ctx, plotly);
  await view.update(d);
  await view.firstDraw();
  return view;
}
