// The explanation view: a header (title, method, what was done), then the modality's view: image maps, token
// highlights, or the tabular views (importance, beeswarm, waterfall, dependence); CSV export of the numbers.
import type { View } from '../core/define.js';
import { ensureKindStyles } from '../core/style.js';
import type { RenderContext } from '../core/types.js';
import { csvField, download } from '../core/download.js';
import { ImageView, IMAGE_CSS } from './image.js';
import type { Explanation } from './parse.js';
import { TabularView, TABULAR_CSS } from './tabular.js';
import { TextView, TEXT_CSS } from './text.js';

const CSS = [IMAGE_CSS, TEXT_CSS, TABULAR_CSS].join('\n');

/** The numbers as CSV: one line per attribution (image maps per pixel would be huge: their top-left 224×224). */
export function explanationCsv(e: Explanation): string {
  const rows: (string | number)[][] = [];
  if (e.image) {
    rows.push(['method', 'image', 'output', 'row', 'column', 'attribution']);
    for (const m of e.image.maps) {
      for (let y = 0; y < m.h; y++)
        for (let x = 0; x < m.w; x++)
          rows.push([m.method, m.sample, e.outputs[m.output].label, y, x, m.values[y * m.w + x]]);
    }
  } else if (e.text) {
    rows.push(['text', 'output', 'position', 'token', 'attribution']);
    e.text.texts.forEach((t, i) =>
      t.rows.forEach((r) =>
        t.tokens.forEach((tok, k) => rows.push([i, e.outputs[r.output].label, k, tok, r.values[k]])),
      ),
    );
  } else if (e.tabular) {
    const m = e.tabular;
    rows.push(['output', 'row', ...m.features.map((f) => f.name)]);
    for (let o = 0; o < m.outputs; o++)
      for (let i = 0; i < m.n; i++)
        rows.push([
          e.outputs[o]?.label ?? o,
          m.rows ? m.rows[i] : i,
          ...Array.from(m.values.subarray((o * m.n + i) * m.f, (o * m.n + i + 1) * m.f)),
        ]);
  } else if (e.importance) {
    rows.push(['feature', 'importance']);
    e.importance.names.forEach((n, j) => rows.push([n, e.importance!.values[j]]));
  }
  return rows.map((r) => r.map((c) => csvField(c)).join(',')).join('\r\n') + '\r\n';
}

class ExplanationView implements View<Explanation> {
  private readonly header: HTMLElement;
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private image: ImageView | null = null;
  private text: TextView | null = null;
  private tabular: TabularView | null = null;
  private readonly png: HTMLButtonElement;
  private readonly svg: HTMLButtonElement;

  constructor(
    private readonly el: HTMLElement,
    private data: Explanation,
    private readonly ctx: RenderContext,
  ) {
    const doc = el.ownerDocument;
    ensureKindStyles(doc, 'explanation', CSS);
    el.classList.add('mv-XView');
    this.header = doc.createElement('div');
    this.header.className = 'mv-Header';
    this.title = doc.createElement('span');
    this.title.className = 'mv-Title';
    this.summary = doc.createElement('span');
    this.summary.className = 'mv-Summary';
    const tools = doc.createElement('span');
    tools.className = 'mv-Toolbar';
    const csv = doc.createElement('button');
    csv.type = 'button';
    csv.textContent = 'CSV';
    csv.title = 'Download the attributions as CSV';
    csv.addEventListener('click', () => download(doc, 'attributions.csv', explanationCsv(this.data), 'text/csv'));
    this.png = doc.createElement('button');
    this.png.type = 'button';
    this.png.textContent = 'PNG';
    this.png.title = 'Download the view as PNG';
    this.png.addEventListener('click', () => this.exportPng());
    this.svg = doc.createElement('button');
    this.svg.type = 'button';
    this.svg.textContent = 'SVG';
    this.svg.title = 'Download the chart as SVG';
    this.svg.addEventListener('click', () => {
      const el = this.body.querySelector('svg');
      if (el) download(doc, 'explanation.svg', new XMLSerializer().serializeToString(el), 'image/svg+xml');
    });
    tools.append(this.png, this.svg, csv);
    this.header.append(this.title, this.summary, tools);
    this.body = doc.createElement('div');
    el.append(this.header, this.body);
    (el as HTMLElement & { mvExplanation?: unknown }).mvExplanation = {
      image: () => this.image,
      text: () => this.text,
      tabular: () => this.tabular,
    };
  }

  draw(): void {
    const e = this.data;
    const doc = this.el.ownerDocument;
    this.title.textContent = e.title ?? 'Explanation';
    const parts: string[] = [e.modality];
    if (e.method) parts.push(e.method);
    if (e.image) parts.push(`${e.image.n} image${e.image.n === 1 ? '' : 's'} ${e.image.h}×${e.image.w}`);
    if (e.text) parts.push(`${e.text.texts.length} text${e.text.texts.length === 1 ? '' : 's'}`);
    if (e.tabular) {
      parts.push(`${e.tabular.n.toLocaleString('en-US')} rows × ${e.tabular.f} features`);
      if (e.tabular.sampled) parts.push(`sampled from ${e.tabular.sampled.total.toLocaleString('en-US')}`);
    }
    if (e.nonFinite) parts.push(`${e.nonFinite} NaN/Inf attributions shown as 0`);
    this.summary.textContent = parts.join(' · ');
    if (e.image) {
      if (this.image) this.image.update(e.image, e.outputs);
      else this.image = new ImageView(doc, e.image, e.outputs, this.ctx.theme);
    }
    if (e.text) {
      if (this.text) this.text.update(e.text, e.outputs);
      else this.text = new TextView(doc, e.text, e.outputs);
    }
    if (e.tabular || e.importance) {
      if (this.tabular) this.tabular.update(e.tabular, e.importance);
      else {
        this.tabular = new TabularView(doc, e.tabular, e.importance, this.ctx.theme);
        this.tabular.onDraw = () => this.refreshExports();
      }
    }
    const shown = e.image ? this.image : e.text ? this.text : this.tabular;
    this.body.replaceChildren(shown!.element);
    this.refreshExports();
  }

  /** PNG when the view draws canvases, SVG when it is an SVG chart (the waterfall). */
  refreshExports(): void {
    this.png.hidden = this.body.querySelector('canvas.mv-XMap, .mv-XSwarm canvas, .mv-XTabular canvas') === null;
    this.svg.hidden = this.body.querySelector('svg') === null;
  }

  /** The visible maps side by side (or the tabular canvas) as one PNG, at the canvases' own resolution. */
  private exportPng(): void {
    const doc = this.el.ownerDocument;
    const maps = [...this.body.querySelectorAll<HTMLCanvasElement>('canvas.mv-XMap')];
    const sources = maps.length ? maps : [...this.body.querySelectorAll<HTMLCanvasElement>('canvas')].slice(0, 1);
    if (!sources.length) return;
    const gap = 8;
    const out = doc.createElement('canvas');
    out.width = sources.reduce((w, c) => w + c.width, 0) + gap * (sources.length - 1);
    out.height = Math.max(...sources.map((c) => c.height));
    const g = out.getContext('2d');
    if (!g) return;
    g.fillStyle = this.ctx.theme.background;
    g.fillRect(0, 0, out.width, out.height);
    let x = 0;
    for (const c of sources) {
      g.drawImage(c, x, 0);
      x += c.width + gap;
    }
    out.toBlob((blob) => {
      if (blob) download(doc, 'explanation.png', blob, 'image/png');
    }, 'image/png');
  }

  async update(next: Explanation): Promise<void> {
    this.data = next;
    await Promise.resolve();
    this.draw();
  }

  dispose(): void {
    this.image?.dispose();
    this.text?.dispose();
    this.tabular?.dispose();
    this.el.replaceChildren();
  }
}

export async function createExplanationView(
  el: HTMLElement,
  e: Explanation,
  ctx: RenderContext,
): Promise<ExplanationView> {
  const v = new ExplanationView(el, e, ctx);
  v.draw();
  return Promise.resolve(v);
}
