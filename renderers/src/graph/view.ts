// The interactive graph view: header, toolbar, WebGL stage with label overlay, minimap, tooltip, details panel,
// and the automation hook (`mvGraph`) used by browser tests and benchmarks.
import type { View } from '../core/define.js';
import { ensureKindStyles } from '../core/style.js';
import type { RenderContext, Theme } from '../core/types.js';
import { COLOR_MODES, Colorizer, cssColor, parseColor, type ColorMode, type Legend, type RGBA } from './colors.js';
import { download, fileStem, sceneToSvg } from './export.js';
import { createSurface, drawScene2d, type Surface, type ViewTransform } from './gl.js';
import { visibleStructure, type Visible } from './hierarchy.js';
import { drawLabels, labelSpecs, type LabelSpec } from './labels.js';
import { acquireLayout, type LayoutHandle } from './layout-client.js';
import { LayoutCache, computePlacement, type Placement } from './layout.js';
import { ancestorsOfNode, formatCount, type GraphModel } from './model.js';
import { renderDetails, shapeText } from './panel.js';
import { buildScene, hitEdge, hitItem, type Scene } from './scene.js';
import { drawnItem, findMatches, groupsToReveal, matchLabel } from './search.js';
import { GRAPH_CSS } from './styles.js';

/** The automation contract (tests and benchmarks): on the `.mv-GraphView` element as `mvGraph`. */
export interface GraphAutomation {
  expand(groupPath: string): Promise<void>;
  collapse(groupPath: string): Promise<void>;
  expandAll(): Promise<void>;
  collapseAll(): Promise<void>;
  /** Shows every node, or folds the plumbing again (payloads with `nodes.fold`). */
  toggleFold(): Promise<void>;
  fit(): void;
  panBy(dx: number, dy: number): void;
  /** Draws one frame now and waits for the GPU to finish it; returns milliseconds. */
  draw(): number;
  select(nodeName: string): void;
  search(text: string): number;
  stats(): {
    visibleNodes: number;
    visibleEdges: number;
    visibleGroups: number;
    labels: number;
    lastLayoutMs: number;
    worker: boolean;
  };
  /** Extra (tests): the texts of the labels drawn in the last frame. */
  labelTexts(): string[];
  /** Extra (tests): centres a node (by name) or group (by path) at the given zoom. */
  zoomTo(name: string, scale: number): void;
  /** Extra (tests): where a node (by name) or group (by path) is drawn, in CSS pixels from the stage's top-left. */
  locate(name: string): { x: number; y: number; w: number; h: number } | null;
}

export type GraphViewElement = HTMLElement & { mvGraph?: GraphAutomation };

const MAX_SCALE = 4;
const MIN_SCALE = 0.001;
const DEFAULT_HEIGHT = 540;
/** The smallest zoom of the first paint (11 px text stays about 9 px). */
const FIRST_SCALE = 0.8;

export function summaryText(m: GraphModel): string {
  const parts = [
    m.framework,
    m.foldedCount
      ? `${m.n.toLocaleString('en-US')} ops, ${m.foldedCount.toLocaleString('en-US')} folded`
      : `${m.n.toLocaleString('en-US')} nodes`,
    `${m.e.toLocaleString('en-US')} edges`,
    `${formatCount(m.totals.params)} params`,
  ];
  if (m.g) parts.push(`${m.g.toLocaleString('en-US')} groups`);
  if (m.method) parts.push(`via ${m.method}`);
  if (m.opset) parts.push(m.opset);
  return parts.join(' · ');
}

export class GraphView implements View<GraphModel> {
  readonly root: GraphViewElement;
  private readonly doc: Document;
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly searchInput: HTMLInputElement;
  private readonly countLabel: HTMLElement;
  private readonly modeSelect: HTMLSelectElement;
  private readonly stage: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly labelCanvas: HTMLCanvasElement;
  private readonly minimap: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly status: HTMLElement;
  private readonly legendBox: HTMLElement;
  private readonly foldButton: HTMLButtonElement;
  /** The contracted model (folded nodes hidden) and the one with every node, when the payload folds any. */
  private folded: GraphModel;
  private readonly panel: HTMLElement;
  private readonly panelBody: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly surface: Surface;
  private readonly layout: LayoutHandle;
  private readonly cache = new LayoutCache();
  private readonly resizeObserver: ResizeObserver | undefined;
  private readonly bg: RGBA;

  private m: GraphModel;
  private expanded = new Set<number>();
  private vis!: Visible;
  private placement!: Placement;
  private scene: Scene | undefined;
  private colors: Colorizer;
  private view: ViewTransform = { scale: 1, tx: 0, ty: 0 };
  private width = 640;
  private height = DEFAULT_HEIGHT;
  private selected = -1;
  private matches: number[] = [];
  private matchItems = new Set<number>();
  private matchIndex = -1;
  private layoutGeneration = 0;
  private layoutPending: Promise<void> = Promise.resolve();
  private lastLayoutMs = 0;
  private labelsDrawn = 0;
  private lastLabels: LabelSpec[] = [];
  private raf = 0;
  private disposed = false;
  private fitted = false;
  private statusMessage = '';
  private pointer:
    { id: number; x: number; y: number; startX: number; startY: number; moved: boolean; minimap: boolean } | undefined;
  private hoverFrame = 0;
  private hoverAt: [number, number] | undefined;

  constructor(
    private readonly host: HTMLElement,
    model: GraphModel,
    private readonly ctx: RenderContext,
  ) {
    const doc = host.ownerDocument;
    this.doc = doc;
    ensureKindStyles(doc, 'graph', GRAPH_CSS);
    this.m = model;
    this.folded = model;
    this.colors = new Colorizer(model, ctx.theme, 'op');
    this.bg = parseColor(ctx.theme.background);
    const make = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string): HTMLElementTagNameMap[K] => {
      const e = doc.createElement(tag);
      e.className = cls;
      return e;
    };
    this.root = make('div', 'mv-GraphView');
    const header = make('div', 'mv-Header');
    this.title = make('span', 'mv-Title');
    this.summary = make('span', 'mv-Summary');
    header.append(this.title, this.summary);
    this.notice = make('div', 'mv-GraphNotice');
    const bar = make('div', 'mv-GraphBar');
    this.searchInput = make('input', 'mv-GraphSearch');
    this.searchInput.type = 'search';
    this.searchInput.placeholder = 'Search name, op or group';
    this.searchInput.setAttribute('aria-label', 'Search nodes by name or op, and groups by name or path');
    this.countLabel = make('span', 'mv-GraphCount');
    this.countLabel.setAttribute('aria-live', 'polite');
    const button = (text: string, title: string, action: string): HTMLButtonElement => {
      const b = make('button', 'mv-GraphButton');
      b.type = 'button';
      b.textContent = text;
      b.title = title;
      b.dataset.action = action;
      b.addEventListener('click', this.onButton);
      this.buttons.push(b);
      return b;
    };
    this.modeSelect = make('select', 'mv-GraphMode');
    this.modeSelect.setAttribute('aria-label', 'Colour by');
    for (const c of COLOR_MODES) {
      const o = doc.createElement('option');
      o.value = c.mode;
      o.textContent = c.label;
      this.modeSelect.appendChild(o);
    }
    bar.append(
      this.searchInput,
      button('▲', 'Previous match (Shift+Enter)', 'prev'),
      button('▼', 'Next match (Enter)', 'next'),
      this.countLabel,
      this.modeSelect,
      button('Fit', 'Fit the graph in view (double-click the background)', 'fit'),
      button('Expand all', 'Expand every group', 'expand-all'),
      button('Collapse all', 'Collapse every group', 'collapse-all'),
      (this.foldButton = button('', 'Show or hide the plumbing folded into other nodes', 'fold')),
      button('SVG', 'Download the graph as SVG', 'svg'),
      button('PNG', 'Download the current view as PNG', 'png'),
    );
    this.stage = make('div', 'mv-GraphStage');
    this.stage.tabIndex = 0;
    this.stage.setAttribute('role', 'application');
    this.stage.setAttribute('aria-label', 'Model graph: drag to pan, wheel to zoom, click a group to expand it');
    this.canvas = make('canvas', 'mv-GraphCanvas');
    this.labelCanvas = make('canvas', 'mv-GraphLabels');
    this.minimap = make('canvas', 'mv-GraphMinimap');
    this.tooltip = make('div', 'mv-GraphTooltip');
    this.tooltip.hidden = true;
    this.status = make('div', 'mv-GraphStatus');
    this.legendBox = make('div', 'mv-GraphLegend');
    this.panel = make('div', 'mv-GraphPanel');
    this.panel.hidden = true;
    const close = make('button', 'mv-GraphPanel-close');
    close.type = 'button';
    close.textContent = '×';
    close.title = 'Close';
    close.dataset.action = 'close';
    close.addEventListener('click', this.onButton);
    this.buttons.push(close);
    this.panelBody = make('div', 'mv-GraphPanel-body');
    this.panel.append(close, this.panelBody);
    this.stage.append(this.canvas, this.labelCanvas, this.minimap, this.status, this.tooltip, this.panel);
    this.root.append(header, this.notice, bar, this.legendBox, this.stage);
    host.appendChild(this.root);

    this.surface = createSurface(this.canvas, this.onContextLost, this.onContextRestored);
    if (this.surface.kind === 'canvas2d') this.statusMessage = 'WebGL is not available here: drawn with Canvas 2D.';
    if (this.surface.kind === 'none')
      this.setError('This browser gives no WebGL or Canvas 2D context: the graph cannot be drawn.');
    this.layout = acquireLayout();

    this.searchInput.addEventListener('input', this.onSearchInput);
    this.searchInput.addEventListener('keydown', this.onSearchKey);
    this.modeSelect.addEventListener('change', this.onMode);
    this.stage.addEventListener('pointerdown', this.onPointerDown);
    this.stage.addEventListener('pointermove', this.onPointerMove);
    this.stage.addEventListener('pointerup', this.onPointerUp);
    this.stage.addEventListener('pointercancel', this.onPointerUp);
    this.stage.addEventListener('pointerleave', this.onPointerLeave);
    this.stage.addEventListener('wheel', this.onWheel, { passive: false });
    this.stage.addEventListener('dblclick', this.onDblClick);
    this.stage.addEventListener('keydown', this.onKey);
    const RO = (doc.defaultView as (Window & { ResizeObserver?: typeof ResizeObserver }) | null)?.ResizeObserver;
    this.resizeObserver = RO ? new RO(() => this.onResize()) : undefined;
    this.resizeObserver?.observe(this.stage);
    this.root.mvGraph = this.automation();
    this.fillHeader();
  }

  // ---- model, layout, scene ----

  private fillHeader(): void {
    const m = this.m;
    this.title.textContent = m.title || 'Model graph';
    this.summary.textContent = summaryText(m);
    const all = this.folded.unfolded;
    this.foldButton.hidden = !all;
    this.foldButton.textContent =
      m === this.folded ? `Show all ops (${this.folded.foldedCount} folded)` : 'Fold plumbing';
    this.foldButton.setAttribute('aria-pressed', String(m !== this.folded));
    // A payload's messages already say why a fallback happened (one sentence, the reason in its details): the raw
    // reason is shown only for payloads that carry no message about it.
    const notice = !m.hasMessages && m.fallbackReason;
    this.notice.hidden = !notice;
    this.notice.textContent = notice ? `Fell back to ${m.method || 'a simpler method'}: ${m.fallbackReason}` : '';
  }

  private setBusy(busy: boolean): void {
    this.root.dataset.mvLayout = busy ? 'busy' : 'idle';
  }

  private setError(text: string): void {
    this.status.dataset.level = 'error';
    this.status.textContent = text;
  }

  private showStatus(): void {
    if (this.status.dataset.level === 'error') return;
    this.status.textContent = this.statusMessage;
  }

  /** Recompute the visible structure and its layout; the latest call wins, earlier ones resolve when it is done. */
  relayout(anchor?: number): Promise<void> {
    const generation = ++this.layoutGeneration;
    const run = async (): Promise<void> => {
      if (this.disposed || generation !== this.layoutGeneration) return;
      this.setBusy(true);
      const t0 = performance.now();
      const vis = visibleStructure(this.m, this.expanded);
      const before = anchor !== undefined && this.placement ? this.screenPos(anchor) : undefined;
      const placement = await computePlacement(this.m, vis, (r) => this.layout.run(r), this.cache);
      if (this.disposed || generation !== this.layoutGeneration) return;
      this.vis = vis;
      this.placement = placement;
      this.lastLayoutMs = performance.now() - t0;
      this.statusMessage =
        placement.simplified > 0
          ? `${placement.simplified === 1 ? 'One large group is' : `${placement.simplified} large groups are`} drawn in a simplified layout (edges may cross) to stay fast.`
          : this.surface.kind === 'canvas2d'
            ? 'WebGL is not available here: drawn with Canvas 2D.'
            : '';
      this.rebuildScene();
      // The stage grows (never shrinks, so nothing jumps under the pointer) when an expansion makes the graph taller.
      if (this.fitted && this.scene) {
        const h = this.scene.bounds.y1 - this.scene.bounds.y0;
        this.height = Math.max(this.height, Math.round(Math.min(DEFAULT_HEIGHT, h * this.view.scale + 60)));
      }
      if (before && anchor !== undefined) {
        const after = this.screenPos(anchor);
        if (after) {
          this.view.tx += before[0] - after[0];
          this.view.ty += before[1] - after[1];
        }
      }
      this.setBusy(false);
      this.showStatus();
    };
    this.layoutPending = this.layoutPending.then(run, run);
    return this.layoutPending;
  }

  private screenPos(item: number): [number, number] | undefined {
    const p = this.placement;
    if (!p || Number.isNaN(p.x[item])) return undefined;
    return [p.x[item] * this.view.scale + this.view.tx, p.y[item] * this.view.scale + this.view.ty];
  }

  private rebuildScene(): void {
    if (!this.vis || !this.placement) return;
    this.matchItems = new Set(this.matches.map((i) => drawnItem(this.m, this.vis, i)));
    const current = this.matchIndex >= 0 ? drawnItem(this.m, this.vis, this.matches[this.matchIndex]) : -1;
    this.scene = buildScene(this.m, this.vis, this.placement, this.colors, this.ctx.theme, {
      selected: this.selected,
      matches: this.matchItems,
      current,
    });
    this.renderLegend();
    this.requestDraw();
  }

  private renderLegend(): void {
    const visibleNodes: number[] = [];
    for (const list of this.vis.children.values()) for (const it of list) if (it < this.m.n) visibleNodes.push(it);
    const legend: Legend = this.colors.legend(visibleNodes);
    const doc = this.doc;
    const box = this.legendBox;
    box.replaceChildren();
    const title = doc.createElement('div');
    title.className = 'mv-GraphLegend-title';
    title.textContent = legend.title;
    box.appendChild(title);
    if (legend.kind === 'categorical') {
      if (!legend.entries.length) {
        box.hidden = true;
        return;
      }
      for (const e of legend.entries) {
        const row = doc.createElement('div');
        row.className = 'mv-GraphLegend-row';
        const sw = doc.createElement('span');
        sw.className = 'mv-GraphLegend-swatch';
        sw.style.background = cssColor(e.color);
        const label = doc.createElement('span');
        label.textContent = e.label;
        row.append(sw, label);
        box.appendChild(row);
      }
      if (legend.more) {
        const more = doc.createElement('div');
        more.textContent = `+${legend.more} more`;
        box.appendChild(more);
      }
    } else {
      const row = doc.createElement('div');
      row.className = 'mv-GraphLegend-row';
      const lo = doc.createElement('span');
      lo.textContent = legend.min;
      const ramp = doc.createElement('span');
      ramp.className = 'mv-GraphLegend-ramp';
      const hi = doc.createElement('span');
      hi.textContent = legend.max;
      row.append(lo, ramp, hi);
      box.appendChild(row);
      if (legend.missing) {
        const note = doc.createElement('div');
        note.textContent = 'grey: no weights';
        box.appendChild(note);
      }
    }
    box.hidden = false;
  }

  // ---- drawing ----

  private measure(): void {
    const w = this.stage.clientWidth || this.host.clientWidth || 640;
    this.width = Math.max(120, w);
    this.stage.style.height = `${this.height}px`;
  }

  requestDraw(): void {
    if (this.raf || this.disposed) return;
    const win = this.doc.defaultView;
    if (!win?.requestAnimationFrame) {
      this.drawNow();
      return;
    }
    this.raf = win.requestAnimationFrame(() => {
      this.raf = 0;
      this.drawNow();
    });
  }

  /** Draws one frame now; returns the milliseconds it took. */
  drawNow(): number {
    if (this.disposed) return 0;
    const t0 = performance.now();
    this.measure();
    const dpr = this.doc.defaultView?.devicePixelRatio || 1;
    const { width, height } = this;
    this.surface.draw(this.scene, this.view, width, height, dpr, this.bg);
    for (const c of [this.canvas, this.labelCanvas]) {
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    this.labelsDrawn = 0;
    this.lastLabels = [];
    const W = Math.max(1, Math.round(width * dpr));
    const H = Math.max(1, Math.round(height * dpr));
    if (this.labelCanvas.width !== W) this.labelCanvas.width = W;
    if (this.labelCanvas.height !== H) this.labelCanvas.height = H;
    const lctx = this.surface.kind === 'none' ? null : this.labelCanvas.getContext('2d');
    if (lctx) {
      lctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      lctx.clearRect(0, 0, width, height);
      if (this.scene && !this.surface.lost) {
        const labels = labelSpecs(this.m, this.vis, this.scene, this.view, width, height, this.ctx.theme);
        drawLabels(lctx, labels, this.ctx.theme.fontFamily);
        this.labelsDrawn = labels.length;
        this.lastLabels = labels;
      }
    }
    this.drawMinimap();
    return performance.now() - t0;
  }

  private minimapGeometry(): { w: number; h: number; s: number; ox: number; oy: number } | undefined {
    const sc = this.scene;
    if (!sc) return undefined;
    const { x0, y0, x1, y1 } = sc.bounds;
    const bw = Math.max(1, x1 - x0);
    const bh = Math.max(1, y1 - y0);
    const maxW = Math.min(160, this.width * 0.3);
    const maxH = Math.min(120, this.height * 0.3);
    const s = Math.min(maxW / bw, maxH / bh);
    return { w: Math.max(20, bw * s), h: Math.max(20, bh * s), s, ox: x0, oy: y0 };
  }

  private drawMinimap(): void {
    const sc = this.scene;
    const g = this.minimapGeometry();
    const { scale, tx, ty } = this.view;
    const big =
      !!sc &&
      !!g &&
      sc.nRects > 12 &&
      ((sc.bounds.x1 - sc.bounds.x0) * scale > this.width * 1.05 ||
        (sc.bounds.y1 - sc.bounds.y0) * scale > this.height * 1.05);
    this.minimap.hidden = !big;
    if (!big || !sc || !g) return;
    const ctx = this.surface.kind === 'none' ? null : this.minimap.getContext('2d');
    if (!ctx) return;
    const dpr = this.doc.defaultView?.devicePixelRatio || 1;
    this.minimap.width = Math.round(g.w * dpr);
    this.minimap.height = Math.round(g.h * dpr);
    this.minimap.style.width = `${g.w}px`;
    this.minimap.style.height = `${g.h}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, g.h);
    const step = Math.max(1, Math.floor(sc.nRects / 20000));
    for (let k = 0; k < sc.nRects; k += step) {
      ctx.fillStyle = `rgb(${sc.fill[4 * k]},${sc.fill[4 * k + 1]},${sc.fill[4 * k + 2]})`;
      if (sc.kind[k] === 2) ctx.fillStyle = this.ctx.theme.border;
      const x = (sc.rect[4 * k] - g.ox) * g.s;
      const y = (sc.rect[4 * k + 1] - g.oy) * g.s;
      const w = Math.max(1, sc.rect[4 * k + 2] * g.s);
      const h = Math.max(1, sc.rect[4 * k + 3] * g.s);
      if (sc.kind[k] === 2) ctx.strokeRect(x, y, w, h);
      else ctx.fillRect(x, y, w, h);
    }
    ctx.strokeStyle = this.ctx.theme.accent;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(
      (-tx / scale - g.ox) * g.s,
      (-ty / scale - g.oy) * g.s,
      (this.width / scale) * g.s,
      (this.height / scale) * g.s,
    );
  }

  // ---- view transform ----

  fit(): void {
    const sc = this.scene;
    this.measure();
    if (!sc) return;
    const { x0, y0, x1, y1 } = sc.bounds;
    const margin = 24;
    const scale = Math.max(
      MIN_SCALE,
      Math.min(
        1.5,
        (this.width - 2 * margin) / Math.max(1, x1 - x0),
        (this.height - 2 * margin) / Math.max(1, y1 - y0),
      ),
    );
    this.view = {
      scale,
      tx: (this.width - (x1 - x0) * scale) / 2 - x0 * scale,
      ty: (this.height - (y1 - y0) * scale) / 2 - y0 * scale,
    };
    this.requestDraw();
  }

  private zoomAt(factor: number, sx: number, sy: number): void {
    const s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, this.view.scale * factor));
    const f = s / this.view.scale;
    this.view = { scale: s, tx: sx - (sx - this.view.tx) * f, ty: sy - (sy - this.view.ty) * f };
    this.requestDraw();
  }

  private centerOn(item: number, minScale = 0.9): void {
    const p = this.placement;
    if (!p || Number.isNaN(p.x[item])) return;
    const scale = Math.max(this.view.scale, minScale);
    const cx = p.x[item] + p.w[item] / 2;
    const cy = p.y[item] + p.h[item] / 2;
    this.view = { scale, tx: this.width / 2 - cx * scale, ty: this.height / 2 - cy * scale };
    this.requestDraw();
  }

  private toWorld(sx: number, sy: number): [number, number] {
    return [(sx - this.view.tx) / this.view.scale, (sy - this.view.ty) / this.view.scale];
  }

  // ---- expansion ----

  private toggle(j: number): Promise<void> {
    if (this.expanded.has(j)) return this.collapseGroup(j);
    return this.expandGroup(j);
  }

  private expandGroup(j: number): Promise<void> {
    for (let k = j; k >= 0; k = this.m.groupParent[k]) this.expanded.add(k);
    return this.relayout(this.m.n + j);
  }

  private collapseGroup(j: number): Promise<void> {
    this.expanded.delete(j);
    if (this.selected >= 0 && this.selected < this.m.n) {
      // a selected node inside the collapsed group is no longer drawn: select the group instead
      if (ancestorsOfNode(this.m, this.selected).includes(j)) this.select(this.m.n + j, false);
    }
    return this.relayout(this.m.n + j);
  }

  // ---- selection, search ----

  private select(item: number, redraw = true): void {
    this.selected = item;
    this.panel.hidden = item < 0;
    renderDetails(this.doc, this.panelBody, this.m, item, this.ctx.theme.accent);
    if (redraw) this.rebuildScene();
  }

  private runSearch(text: string): number {
    this.matches = findMatches(this.m, text);
    this.matchIndex = -1;
    this.countLabel.textContent = text.trim() ? matchLabel(-1, this.matches.length) : '';
    this.rebuildScene();
    return this.matches.length;
  }

  private async jump(delta: number): Promise<void> {
    if (!this.matches.length) return;
    const n = this.matches.length;
    this.matchIndex = this.matchIndex < 0 ? (delta > 0 ? 0 : n - 1) : (this.matchIndex + delta + n) % n;
    const item = this.matches[this.matchIndex];
    this.countLabel.textContent = matchLabel(this.matchIndex, n);
    let grew = false;
    for (const g of groupsToReveal(this.m, item))
      if (!this.expanded.has(g)) {
        this.expanded.add(g);
        grew = true;
      }
    if (grew) await this.relayout();
    this.select(item);
    if (item < this.m.n) this.centerOn(item);
    else this.frame(item);
  }

  /** Zooms so that an item (a group box or an open group) fills the view, between readable and 1.5×. */
  private frame(item: number): void {
    const p = this.placement;
    if (!p || Number.isNaN(p.x[item])) return;
    const margin = 48;
    const fitScale = Math.min((this.width - margin) / p.w[item], (this.height - margin) / p.h[item]);
    this.view = { ...this.view, scale: Math.max(0.5, Math.min(1.5, fitScale)) };
    this.centerOn(item, 0);
  }

  // ---- events ----

  private readonly onButton = (ev: Event): void => {
    const action = (ev.currentTarget as HTMLElement).dataset.action;
    if (action === 'fit') this.fit();
    else if (action === 'next') void this.jump(1);
    else if (action === 'prev') void this.jump(-1);
    else if (action === 'expand-all') void this.expandAll();
    else if (action === 'collapse-all') void this.collapseAll();
    else if (action === 'fold') void this.toggleFold();
    else if (action === 'svg') this.exportSvg();
    else if (action === 'png') this.exportPng();
    else if (action === 'close') this.select(-1);
  };

  private readonly onSearchInput = (): void => {
    this.runSearch(this.searchInput.value);
  };

  private readonly onSearchKey = (ev: KeyboardEvent): void => {
    if (ev.key === 'Enter' || ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      void this.jump(ev.key === 'ArrowUp' || (ev.key === 'Enter' && ev.shiftKey) ? -1 : 1);
    } else if (ev.key === 'Escape') {
      this.searchInput.value = '';
      this.runSearch('');
    }
  };

  private readonly onMode = (): void => {
    this.colors = new Colorizer(this.m, this.ctx.theme, this.modeSelect.value as ColorMode);
    this.rebuildScene();
  };

  private local(ev: MouseEvent): [number, number] {
    const r = this.stage.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  private inMinimap(ev: MouseEvent): boolean {
    return !this.minimap.hidden && ev.target === this.minimap;
  }

  private minimapMove(ev: MouseEvent): void {
    const g = this.minimapGeometry();
    if (!g) return;
    const r = this.minimap.getBoundingClientRect();
    const wx = (ev.clientX - r.left) / g.s + g.ox;
    const wy = (ev.clientY - r.top) / g.s + g.oy;
    this.view = { ...this.view, tx: this.width / 2 - wx * this.view.scale, ty: this.height / 2 - wy * this.view.scale };
    this.requestDraw();
  }

  private readonly onPointerDown = (ev: PointerEvent): void => {
    if (ev.button !== 0 || this.panel.contains(ev.target as Node)) return;
    const [x, y] = this.local(ev);
    const minimap = this.inMinimap(ev);
    this.pointer = { id: ev.pointerId, x, y, startX: x, startY: y, moved: false, minimap };
    this.stage.setPointerCapture?.(ev.pointerId);
    if (minimap) this.minimapMove(ev);
  };

  private readonly onPointerMove = (ev: PointerEvent): void => {
    const p = this.pointer;
    if (p && p.id === ev.pointerId) {
      if (p.minimap) {
        this.minimapMove(ev);
        return;
      }
      const [x, y] = this.local(ev);
      if (!p.moved && Math.hypot(x - p.startX, y - p.startY) > 3) p.moved = true;
      if (p.moved) {
        this.view = { ...this.view, tx: this.view.tx + x - p.x, ty: this.view.ty + y - p.y };
        p.x = x;
        p.y = y;
        this.tooltip.hidden = true;
        this.requestDraw();
      }
      return;
    }
    if (this.panel.contains(ev.target as Node) || this.inMinimap(ev)) {
      this.tooltip.hidden = true;
      return;
    }
    this.hoverAt = this.local(ev);
    if (this.hoverFrame) return;
    const win = this.doc.defaultView;
    const run = (): void => {
      this.hoverFrame = 0;
      if (this.hoverAt) this.hover(this.hoverAt[0], this.hoverAt[1]);
    };
    if (win?.requestAnimationFrame) this.hoverFrame = win.requestAnimationFrame(run);
    else run();
  };

  private readonly onPointerUp = (ev: PointerEvent): void => {
    const p = this.pointer;
    if (!p || p.id !== ev.pointerId) return;
    this.pointer = undefined;
    this.stage.releasePointerCapture?.(ev.pointerId);
    if (p.moved || p.minimap || ev.type === 'pointercancel') return;
    this.click(p.startX, p.startY);
  };

  private readonly onPointerLeave = (): void => {
    this.tooltip.hidden = true;
    this.hoverAt = undefined;
  };

  /** A click at stage coordinates: groups expand / collapse, nodes are selected, the background clears. */
  click(sx: number, sy: number): void {
    if (!this.scene) return;
    const [wx, wy] = this.toWorld(sx, sy);
    const item = hitItem(this.scene, wx, wy);
    this.stage.focus({ preventScroll: true });
    if (item < 0) {
      this.select(-1);
      return;
    }
    this.select(item);
    if (item >= this.m.n) void this.toggle(item - this.m.n);
  }

  private hover(sx: number, sy: number): void {
    const sc = this.scene;
    if (!sc) return;
    const [wx, wy] = this.toWorld(sx, sy);
    const item = hitItem(sc, wx, wy);
    const m = this.m;
    let text = '';
    if (item >= 0 && item < m.n)
      text = `${m.nodeName[item]}\n${m.nodeOp[item]}${m.nodeBrief[item] ? ` · ${m.nodeBrief[item]}` : ''}`;
    else if (item >= m.n && !this.vis.isOpen[item - m.n]) {
      const j = item - m.n;
      text = `${m.groupPath[j]}\n${m.groupType[j] ? `${m.groupType[j]} · ` : ''}${formatCount(m.groupNodeCount[j])} nodes · click to expand`;
    }
    if (!text) {
      const e = hitEdge(sc, wx, wy, 5 / this.view.scale);
      if (e >= 0) {
        const edge = this.vis.edges[e];
        const t = m.edgeTensor[edge.first];
        const from = edge.src < m.n ? m.nodeName[edge.src] : m.groupPath[edge.src - m.n];
        const to = edge.dst < m.n ? m.nodeName[edge.dst] : m.groupPath[edge.dst - m.n];
        text = `${t >= 0 && m.tensors[t] ? shapeText(m.tensors[t]) : 'shape unknown'}${edge.count > 1 ? `  (×${edge.count} edges)` : ''}\n${from} → ${to}`;
      } else if (item >= m.n) {
        const j = item - m.n;
        text = `${m.groupPath[j]} · click to collapse`;
      }
    }
    this.tooltip.hidden = !text;
    this.tooltip.textContent = text;
    if (text) {
      const left = Math.min(sx + 12, Math.max(0, this.width - 260));
      this.tooltip.style.left = `${left}px`;
      this.tooltip.style.top = `${Math.min(sy + 14, this.height - 40)}px`;
    }
  }

  private readonly onWheel = (ev: WheelEvent): void => {
    ev.preventDefault();
    const [x, y] = this.local(ev);
    const dy = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
    this.zoomAt(Math.exp(-dy * 0.0015), x, y);
  };

  private readonly onDblClick = (ev: MouseEvent): void => {
    if (!this.scene || this.panel.contains(ev.target as Node)) return;
    const [wx, wy] = this.toWorld(...this.local(ev));
    if (hitItem(this.scene, wx, wy) < 0) this.fit();
  };

  private readonly onKey = (ev: KeyboardEvent): void => {
    const step = 60;
    if (ev.target !== this.stage) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      if (this.selected >= this.m.n) void this.toggle(this.selected - this.m.n);
    } else if (ev.key === 'Escape') this.select(-1);
    else if (ev.key === '+' || ev.key === '=') this.zoomAt(1.25, this.width / 2, this.height / 2);
    else if (ev.key === '-') this.zoomAt(0.8, this.width / 2, this.height / 2);
    else if (ev.key === 'f') this.fit();
    else if (ev.key === 'ArrowLeft') this.panBy(step, 0);
    else if (ev.key === 'ArrowRight') this.panBy(-step, 0);
    else if (ev.key === 'ArrowUp') this.panBy(0, step);
    else if (ev.key === 'ArrowDown') this.panBy(0, -step);
    else return;
    ev.preventDefault();
  };

  private onResize(): void {
    const w = this.stage.clientWidth;
    if (w && Math.abs(w - this.width) > 1) this.requestDraw();
  }

  private readonly onContextLost = (): void => {
    this.setError(
      'The WebGL context was lost (the browser limits live WebGL contexts; too many outputs may be open). It is redrawn when the browser restores it.',
    );
  };

  private readonly onContextRestored = (): void => {
    delete this.status.dataset.level;
    this.showStatus();
    this.requestDraw();
  };

  panBy(dx: number, dy: number): void {
    this.view = { ...this.view, tx: this.view.tx + dx, ty: this.view.ty + dy };
    this.drawNow();
  }

  // ---- export ----

  svgElement(): SVGSVGElement | undefined {
    if (!this.scene) return undefined;
    const labels = labelSpecs(
      this.m,
      this.vis,
      this.scene,
      { scale: 1, tx: 0, ty: 0 },
      Infinity,
      Infinity,
      this.ctx.theme,
      200_000,
    );
    return sceneToSvg(this.doc, this.scene, labels, this.ctx.theme);
  }

  private exportSvg(): void {
    const svg = this.svgElement();
    if (!svg) return;
    const text = new XMLSerializer().serializeToString(svg);
    download(this.doc, new Blob([text], { type: 'image/svg+xml' }), `${fileStem(this.m.title)}.svg`);
  }

  private exportPng(): void {
    if (!this.scene) return;
    const dpr = this.doc.defaultView?.devicePixelRatio || 1;
    const c = this.doc.createElement('canvas');
    c.width = Math.round(this.width * dpr);
    c.height = Math.round(this.height * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = this.ctx.theme.background;
    ctx.fillRect(0, 0, this.width, this.height);
    drawScene2d(ctx, this.scene, this.view, this.width, this.height);
    drawLabels(
      ctx,
      labelSpecs(this.m, this.vis, this.scene, this.view, this.width, this.height, this.ctx.theme),
      this.ctx.theme.fontFamily,
    );
    c.toBlob((blob) => {
      if (blob) download(this.doc, blob, `${fileStem(this.m.title)}.png`);
    }, 'image/png');
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    this.setBusy(true);
    await this.relayout();
    if (this.disposed) return;
    // Height follows the graph up to a cap, so a tiny model is not a tall empty box.
    if (this.scene) {
      const h = this.scene.bounds.y1 - this.scene.bounds.y0;
      this.height = Math.round(Math.max(220, Math.min(DEFAULT_HEIGHT, h + 60)));
    }
    this.fit();
    this.readable();
    this.fitted = true;
    this.drawNow();
    // Small layouts ran on this thread; start the worker now for the first big expansion.
    this.layout.warm();
  }

  /** First paint: a big graph is not shrunk past readable text; it starts at the top, the minimap shows the rest. */
  private readable(): void {
    const sc = this.scene;
    if (!sc || this.view.scale >= FIRST_SCALE) return;
    const { x0, y0, x1 } = sc.bounds;
    const scale = FIRST_SCALE;
    const tx = (x1 - x0) * scale <= this.width ? (this.width - (x1 - x0) * scale) / 2 - x0 * scale : 24 - x0 * scale;
    this.view = { scale, tx, ty: 24 - y0 * scale };
  }

  /** Shows every node of the payload, or folds the plumbing again; expanded groups and the selection carry over. */
  async toggleFold(): Promise<void> {
    const all = this.folded.unfolded;
    if (!all) return;
    await this.replaceModel(this.m === this.folded ? all : this.folded);
  }

  async update(next: GraphModel): Promise<void> {
    const showingAll = this.m !== this.folded;
    this.folded = next;
    await this.replaceModel(showingAll && next.unfolded ? next.unfolded : next);
  }

  private async replaceModel(next: GraphModel): Promise<void> {
    const paths = [...this.expanded].map((j) => this.m.groupPath[j]);
    const selectedName = this.selected >= 0 && this.selected < this.m.n ? this.m.nodeName[this.selected] : undefined;
    this.m = next;
    this.expanded = new Set(paths.map((p) => next.groupByPath.get(p)).filter((j): j is number => j !== undefined));
    this.colors = new Colorizer(next, this.ctx.theme, this.modeSelect.value as ColorMode);
    this.selected = -1;
    if (selectedName !== undefined) {
      const i = next.nodeName.indexOf(selectedName);
      if (i >= 0) this.selected = i;
    }
    renderDetails(this.doc, this.panelBody, next, this.selected, this.ctx.theme.accent);
    this.panel.hidden = this.selected < 0;
    this.matches = this.searchInput.value ? findMatches(next, this.searchInput.value) : [];
    this.matchIndex = -1;
    this.fillHeader();
    await this.relayout();
    if (!this.fitted) this.fit();
    this.drawNow();
  }

  /** Expands everything, keeping the world point at the centre of the view there and the zoom readable. */
  private async expandAll(): Promise<void> {
    const [cx, cy] = this.toWorld(this.width / 2, this.height / 2);
    const near = this.scene ? hitItem(this.scene, cx, cy) : -1;
    const anchor = near >= 0 ? near : undefined;
    for (let j = 0; j < this.m.g; j++) this.expanded.add(j);
    await this.relayout(anchor);
    const sc = this.scene;
    if (!sc) return;
    const fits =
      (sc.bounds.x1 - sc.bounds.x0) * FIRST_SCALE <= this.width &&
      (sc.bounds.y1 - sc.bounds.y0) * FIRST_SCALE <= this.height;
    if (fits) this.fit();
    else if (this.view.scale < FIRST_SCALE) this.zoomAt(FIRST_SCALE / this.view.scale, this.width / 2, this.height / 2);
    this.requestDraw();
  }

  private async collapseAll(): Promise<void> {
    this.expanded.clear();
    if (this.selected >= 0 && this.selected < this.m.n) {
      const top = ancestorsOfNode(this.m, this.selected)[0];
      if (top !== undefined) this.select(this.m.n + top, false);
    } else if (this.selected >= this.m.n) {
      let j = this.selected - this.m.n;
      while (this.m.groupParent[j] >= 0) j = this.m.groupParent[j];
      this.select(this.m.n + j, false);
    }
    await this.relayout();
    this.fit();
  }

  private automation(): GraphAutomation {
    const group = (path: string): number => {
      const j = this.m.groupByPath.get(path);
      if (j === undefined) throw new Error(`no group ${JSON.stringify(path)}`);
      return j;
    };
    return {
      expand: (path) => this.expandGroup(group(path)),
      collapse: (path) => this.collapseGroup(group(path)),
      expandAll: () => this.expandAll(),
      collapseAll: () => this.collapseAll(),
      toggleFold: () => this.toggleFold(),
      fit: () => {
        this.fit();
        this.drawNow();
      },
      panBy: (dx, dy) => this.panBy(dx, dy),
      draw: () => {
        const t0 = performance.now();
        this.drawNow();
        this.surface.finish();
        return performance.now() - t0;
      },
      select: (name) => {
        const i = this.m.nodeName.indexOf(name);
        if (i < 0) throw new Error(`no node ${JSON.stringify(name)}`);
        this.select(this.vis.rep[i] === i ? i : this.vis.rep[i]);
        this.drawNow();
      },
      search: (text) => {
        this.searchInput.value = text;
        return this.runSearch(text);
      },
      labelTexts: () => this.lastLabels.map((l) => l.text),
      zoomTo: (name, scale) => {
        const j = this.m.groupByPath.get(name);
        const item = j !== undefined ? this.m.n + j : this.m.nodeName.indexOf(name);
        if (item < 0) throw new Error(`no node or group ${JSON.stringify(name)}`);
        this.view = { ...this.view, scale: Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale)) };
        this.centerOn(item, 0);
        this.drawNow();
      },
      locate: (name) => {
        const j = this.m.groupByPath.get(name);
        const item = j !== undefined ? this.m.n + j : this.m.nodeName.indexOf(name);
        const p = this.placement;
        if (item < 0 || !p || Number.isNaN(p.x[item])) return null;
        const { scale, tx, ty } = this.view;
        return { x: p.x[item] * scale + tx, y: p.y[item] * scale + ty, w: p.w[item] * scale, h: p.h[item] * scale };
      },
      stats: () => ({
        visibleNodes: this.vis?.nodes ?? 0,
        visibleEdges: this.vis?.edges.length ?? 0,
        visibleGroups: (this.vis?.groups ?? 0) + (this.vis?.open.length ?? 0),
        labels: this.labelsDrawn,
        lastLayoutMs: this.lastLayoutMs,
        worker: this.layout.usingWorker,
      }),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const win = this.doc.defaultView;
    if (this.raf) win?.cancelAnimationFrame(this.raf);
    if (this.hoverFrame) win?.cancelAnimationFrame(this.hoverFrame);
    this.resizeObserver?.disconnect();
    for (const b of this.buttons) b.removeEventListener('click', this.onButton);
    this.searchInput.removeEventListener('input', this.onSearchInput);
    this.searchInput.removeEventListener('keydown', this.onSearchKey);
    this.modeSelect.removeEventListener('change', this.onMode);
    this.stage.removeEventListener('pointerdown', this.onPointerDown);
    this.stage.removeEventListener('pointermove', this.onPointerMove);
    this.stage.removeEventListener('pointerup', this.onPointerUp);
    this.stage.removeEventListener('pointercancel', this.onPointerUp);
    this.stage.removeEventListener('pointerleave', this.onPointerLeave);
    this.stage.removeEventListener('wheel', this.onWheel);
    this.stage.removeEventListener('dblclick', this.onDblClick);
    this.stage.removeEventListener('keydown', this.onKey);
    this.surface.dispose();
    this.layout.release();
    this.cache.clear();
    delete this.root.mvGraph;
    this.root.remove();
  }

  get theme(): Theme {
    return this.ctx.theme;
  }
}

export async function createGraphView(el: HTMLElement, m: GraphModel, ctx: RenderContext): Promise<GraphView> {
  const view = new GraphView(el, m, ctx);
  try {
    await view.start();
  } catch (e) {
    view.dispose();
    throw e;
  }
  return view;
}
