// Image attributions: the input image with the map over it on one canvas per method (the map stretched bilinearly
// to the image), an opacity slider, colour maps, signed / positive / negative / absolute modes, one tab per explained
// output with its score, methods side by side, a strip of thumbnails to pick the image, a colour bar, and the value
// under the pointer.
import type { Theme } from '../core/types.js';
import { css, table, type MapName } from './colormap.js';
import type { AttributionMap, ExplainedOutput, ImageModel } from './parse.js';

export type Mode = 'signed' | 'positive' | 'negative' | 'absolute';
const SIZE = 224;

export const IMAGE_CSS = `
.mv-XImageBar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; margin: 0 0 6px; }
.mv-XImageBar select, .mv-XImageBar input { font: inherit; color: var(--mv-fg); background: transparent; }
.mv-XImageBar select option { color: initial; }
.mv-XThumbs { display: flex; flex-wrap: wrap; gap: 4px; margin: 0 0 6px; }
.mv-XThumbs button { padding: 0; border: 2px solid transparent; background: none; cursor: pointer; line-height: 0; }
.mv-XThumbs button[aria-pressed="true"] { border-color: var(--mv-accent); }
.mv-XThumbs canvas { width: 48px; height: 48px; image-rendering: pixelated; }
.mv-XPanels { display: flex; flex-wrap: wrap; gap: 12px; }
.mv-XPanel { margin: 0; position: relative; }
.mv-XPanel figcaption { font-weight: 600; margin: 0 0 2px; max-width: 290px; }
.mv-XPanel .mv-XNote { font-weight: normal; color: var(--mv-muted); margin-left: 6px; }
.mv-XPanel canvas.mv-XMap { display: block; width: ${SIZE}px; height: ${SIZE}px; cursor: crosshair; }
.mv-XPanel canvas.mv-XMap.mv-XSmall { width: ${SIZE / 2}px; height: ${SIZE / 2}px; cursor: pointer; }
.mv-XGridToggle { font: inherit; color: var(--mv-fg); background: transparent; border: 1px solid var(--mv-border);
  border-radius: 3px; padding: 1px 6px; cursor: pointer; }
.mv-XGridToggle[aria-pressed="true"] { background: var(--mv-accent); border-color: var(--mv-accent); color: #fff; }
.mv-XPanelRow { display: flex; gap: 6px; align-items: flex-start; }
.mv-XColorbar { display: flex; flex-direction: column; justify-content: space-between; align-items: flex-start;
  height: ${SIZE}px; font-size: 0.85em; color: var(--mv-muted); font-variant-numeric: tabular-nums; }
.mv-XColorbar canvas { width: 10px; height: ${SIZE - 40}px; }
.mv-XValue { min-height: 1.4em; color: var(--mv-muted); font-variant-numeric: tabular-nums; }
`;

/** The map's values shown for a mode: signed as is, positive / negative parts, or magnitudes. */
export function shownValue(v: number, mode: Mode): number {
  if (mode === 'positive') return Math.max(0, v);
  if (mode === 'negative') return Math.max(0, -v);
  if (mode === 'absolute') return Math.abs(v);
  return v;
}

/** Largest shown magnitude of a map (robust: the 99.5th percentile, so one hot pixel does not wash out the rest). */
export function scaleOf(values: Float32Array, mode: Mode): number {
  const a = Array.from(values, (v) => Math.abs(shownValue(v, mode))).sort((x, y) => x - y);
  if (a.length === 0) return 1;
  const p = a[Math.min(a.length - 1, Math.floor(a.length * 0.995))];
  return p > 0 ? p : a[a.length - 1] || 1;
}

/** Bilinear sample of an h×w map at (x, y) in [0, 1) image coordinates (pixel centres, as align_corners=False). */
export function sample(m: AttributionMap, x: number, y: number): number {
  const fx = Math.max(0, Math.min(m.w - 1, x * m.w - 0.5));
  const fy = Math.max(0, Math.min(m.h - 1, y * m.h - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(m.w - 1, x0 + 1);
  const y1 = Math.min(m.h - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const v = m.values;
  const top = v[y0 * m.w + x0] * (1 - ax) + v[y0 * m.w + x1] * ax;
  const bot = v[y1 * m.w + x0] * (1 - ax) + v[y1 * m.w + x1] * ax;
  return top * (1 - ay) + bot * ay;
}

interface State {
  /** every image at once (the first method's map of each image's first output) */
  grid: boolean;
  sample: number;
  output: number | null;
  mode: Mode | null;
  cmap: MapName | null;
  opacity: number;
}

export class ImageView {
  readonly element: HTMLElement;
  private readonly thumbs: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly modeSelect: HTMLSelectElement;
  private readonly cmapSelect: HTMLSelectElement;
  private readonly opacity: HTMLInputElement;
  private readonly panels: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly gridButton: HTMLButtonElement;
  private model: ImageModel;
  private outputs: ExplainedOutput[];
  private state: State = { grid: false, sample: 0, output: null, mode: null, cmap: null, opacity: 0.6 };

  constructor(
    private readonly doc: Document,
    model: ImageModel,
    outputs: ExplainedOutput[],
    private theme: Theme,
  ) {
    this.model = model;
    this.outputs = outputs;
    this.element = doc.createElement('div');
    this.element.className = 'mv-XImage';
    const bar = doc.createElement('div');
    bar.className = 'mv-XImageBar';
    this.tabs = doc.createElement('span');
    this.tabs.className = 'mv-Toolbar mv-XTabs';
    this.tabs.setAttribute('role', 'group');
    this.tabs.setAttribute('aria-label', 'Explained output');
    this.modeSelect = this.select(
      [
        ['signed', 'signed'],
        ['positive', 'positive only'],
        ['negative', 'negative only'],
        ['absolute', 'absolute'],
      ],
      'What part of the attributions to show',
      (v) => this.set({ mode: v as Mode }),
    );
    this.cmapSelect = this.select(
      [
        ['red-blue', 'red-blue'],
        ['inferno', 'inferno'],
        ['viridis', 'viridis'],
        ['jet', 'jet'],
      ],
      'Colour map',
      (v) => this.set({ cmap: v as MapName }),
    );
    const op = doc.createElement('label');
    op.textContent = 'Opacity ';
    this.opacity = doc.createElement('input');
    this.opacity.type = 'range';
    this.opacity.min = '0';
    this.opacity.max = '100';
    this.opacity.value = String(this.state.opacity * 100);
    this.opacity.className = 'mv-XOpacity';
    this.opacity.addEventListener('input', () => this.set({ opacity: Number(this.opacity.value) / 100 }));
    op.appendChild(this.opacity);
    this.gridButton = doc.createElement('button');
    this.gridButton.type = 'button';
    this.gridButton.className = 'mv-XGridToggle';
    this.gridButton.textContent = 'All images';
    this.gridButton.title = 'Every image with its map, side by side';
    this.gridButton.addEventListener('click', () => this.set({ grid: !this.state.grid }));
    bar.append(this.tabs, this.modeSelect, this.cmapSelect, op, this.gridButton);
    this.thumbs = doc.createElement('div');
    this.thumbs.className = 'mv-XThumbs';
    this.panels = doc.createElement('div');
    this.panels.className = 'mv-XPanels';
    this.readout = doc.createElement('div');
    this.readout.className = 'mv-XValue';
    this.readout.setAttribute('aria-live', 'polite');
    this.element.append(bar, this.thumbs, this.panels, this.readout);
    this.draw();
  }

  private select(options: [string, string][], title: string, onChange: (v: string) => void): HTMLSelectElement {
    const s = this.doc.createElement('select');
    s.title = title;
    for (const [value, label] of options) {
      const o = this.doc.createElement('option');
      o.value = value;
      o.textContent = label;
      s.appendChild(o);
    }
    s.addEventListener('change', () => onChange(s.value));
    return s;
  }

  update(model: ImageModel, outputs: ExplainedOutput[]): void {
    this.model = model;
    this.outputs = outputs;
    if (this.state.sample >= model.n) this.state.sample = 0;
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  /** Automation: pick an image, an output, a mode. */
  set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    this.draw();
  }

  /** Maps of the current image and output, one per method. */
  current(): AttributionMap[] {
    const s = this.state;
    const forSample = this.model.maps.filter((m) => m.sample === s.sample);
    const outs = [...new Set(forSample.map((m) => m.output))];
    const output = s.output !== null && outs.includes(s.output) ? s.output : outs[0];
    return forSample.filter((m) => m.output === output);
  }

  private defaultMode(maps: AttributionMap[]): Mode {
    const signed = maps.some((m) => m.values.some((v) => v < 0));
    return signed ? 'signed' : 'positive';
  }

  private draw(): void {
    const doc = this.doc;
    const m = this.model;
    const maps = this.current();
    const mode = this.state.mode ?? this.defaultMode(maps);
    const cmap = this.state.cmap ?? (mode === 'signed' ? 'red-blue' : 'inferno');
    this.modeSelect.value = mode;
    this.cmapSelect.value = cmap;
    // thumbnails
    this.thumbs.hidden = m.n < 2;
    if (m.n > 1 && this.thumbs.childElementCount !== m.n) {
      this.thumbs.replaceChildren(
        ...Array.from({ length: m.n }, (_, i) => {
          const b = doc.createElement('button');
          b.type = 'button';
          b.title = `image ${i}`;
          b.dataset.sample = String(i);
          b.appendChild(this.imageCanvas(i, false));
          b.addEventListener('click', () => this.set({ sample: i }));
          return b;
        }),
      );
    }
    for (const b of this.thumbs.querySelectorAll<HTMLButtonElement>('button')) {
      b.setAttribute('aria-pressed', String(Number(b.dataset.sample) === this.state.sample));
    }
    // output tabs for this image
    const outs = [...new Set(m.maps.filter((x) => x.sample === this.state.sample).map((x) => x.output))];
    const active = maps[0]?.output;
    this.tabs.replaceChildren(
      ...outs.map((o) => {
        const b = doc.createElement('button');
        b.type = 'button';
        const score = m.maps.find((x) => x.sample === this.state.sample && x.output === o)?.score;
        b.textContent = `${this.outputs[o].label}${score !== null && score !== undefined ? ` ${score.toFixed(2)}` : ''}`;
        b.dataset.output = String(o);
        b.setAttribute('aria-pressed', String(o === active));
        b.addEventListener('click', () => this.set({ output: o }));
        return b;
      }),
    );
    this.gridButton.hidden = m.n < 2;
    this.gridButton.setAttribute('aria-pressed', String(this.state.grid));
    // one panel per method (or, in the grid, one small panel per image: the first method's map of its first output);
    // unless the user chose, each map gets its own default: signed maps diverging, non-negative ones (CAMs) sequential
    const shown = this.state.grid && m.n > 1 ? this.gridMaps() : maps;
    const small = shown !== maps;
    this.panels.replaceChildren(
      ...shown.map((x) => {
        const own = this.state.mode ?? this.defaultMode([x]);
        return this.panel(x, own, this.state.cmap ?? (own === 'signed' ? 'red-blue' : 'inferno'), small);
      }),
    );
    if (maps.length === 0) this.panels.textContent = 'No attribution maps for this image.';
  }

  private gridMaps(): AttributionMap[] {
    const method = this.model.maps[0]?.method;
    const out: AttributionMap[] = [];
    for (let i = 0; i < this.model.n; i++) {
      const x = this.model.maps.find((mp) => mp.sample === i && mp.method === method);
      if (x) out.push(x);
    }
    return out;
  }

  private imageCanvas(i: number, big: boolean): HTMLCanvasElement {
    const m = this.model;
    const c = this.doc.createElement('canvas');
    c.width = m.w;
    c.height = m.h;
    const g = c.getContext('2d');
    if (g) {
      const img = g.createImageData(m.w, m.h);
      const base = i * m.h * m.w * m.c;
      for (let p = 0; p < m.h * m.w; p++) {
        for (let k = 0; k < 3; k++) img.data[p * 4 + k] = m.pixels[base + p * m.c + (m.c === 3 ? k : 0)];
        img.data[p * 4 + 3] = 255;
      }
      g.putImageData(img, 0, 0);
    }
    if (big) c.className = 'mv-XMap';
    return c;
  }

  private panel(x: AttributionMap, mode: Mode, cmap: MapName, small = false): HTMLElement {
    const doc = this.doc;
    const fig = doc.createElement('figure');
    fig.className = 'mv-XPanel';
    fig.dataset.method = x.method;
    const cap = doc.createElement('figcaption');
    cap.textContent = small
      ? `image ${x.sample} · ${this.outputs[x.output].label}${x.score !== null ? ` ${x.score.toFixed(2)}` : ''}`
      : x.method;
    if (small) fig.dataset.sample = String(x.sample);
    const notes: string[] = [];
    if (x.layer) notes.push(`layer ${x.layer}`);
    if (x.delta !== null) notes.push(`completeness error ${x.delta.toPrecision(2)}`);
    if (notes.length) {
      const n = doc.createElement('span');
      n.className = 'mv-XNote';
      n.textContent = notes.join(' · ');
      cap.appendChild(n);
    }
    const canvas = doc.createElement('canvas');
    canvas.className = 'mv-XMap';
    const dpr = doc.defaultView?.devicePixelRatio || 1;
    canvas.width = canvas.height = Math.round((small ? SIZE / 2 : SIZE) * dpr);
    if (small) {
      canvas.classList.add('mv-XSmall');
      canvas.addEventListener('click', () => this.set({ grid: false, sample: x.sample }));
    }
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${x.method} attributions for ${this.outputs[x.output].label}`);
    const scale = scaleOf(x.values, mode);
    this.paint(canvas, x, mode, cmap, scale);
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      const u = (e.clientX - r.left) / r.width;
      const v = (e.clientY - r.top) / r.height;
      if (u < 0 || v < 0 || u >= 1 || v >= 1) return;
      const val = sample(x, u, v);
      this.readout.textContent = `${x.method} at (${Math.floor(v * this.model.h)}, ${Math.floor(u * this.model.w)}): ${val.toPrecision(3)}`;
    });
    canvas.addEventListener('pointerleave', () => (this.readout.textContent = ''));
    const row = doc.createElement('div');
    row.className = 'mv-XPanelRow';
    row.append(canvas);
    if (!small) row.append(this.colorbar(mode, cmap, scale));
    fig.append(cap, row);
    return fig;
  }

  private paint(canvas: HTMLCanvasElement, x: AttributionMap, mode: Mode, cmap: MapName, scale: number): void {
    const g = canvas.getContext('2d');
    if (!g) return;
    const size = canvas.width;
    g.imageSmoothingEnabled = this.model.w >= size / 2;
    g.drawImage(this.imageCanvas(x.sample, false), 0, 0, size, size);
    const under = g.getImageData(0, 0, size, size);
    const tb = table(cmap);
    const op = this.state.opacity;
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        const v = shownValue(sample(x, (px + 0.5) / size, (py + 0.5) / size), mode);
        const t = mode === 'signed' ? 0.5 + 0.5 * Math.max(-1, Math.min(1, v / scale)) : Math.min(1, v / scale);
        // near-zero attributions stay see-through, so the image shows where the map says nothing
        const alpha = op * Math.min(1, Math.abs(v / scale) * 1.5);
        const k = Math.round(t * 255) * 3;
        const o = (py * size + px) * 4;
        for (let j = 0; j < 3; j++) under.data[o + j] = under.data[o + j] * (1 - alpha) + tb[k + j] * alpha;
      }
    }
    g.putImageData(under, 0, 0);
  }

  private colorbar(mode: Mode, cmap: MapName, scale: number): HTMLElement {
    const doc = this.doc;
    const box = doc.createElement('div');
    box.className = 'mv-XColorbar';
    const hi = doc.createElement('span');
    hi.textContent = scale.toPrecision(2);
    const lo = doc.createElement('span');
    lo.textContent = mode === 'signed' ? (-scale).toPrecision(2) : '0';
    const c = doc.createElement('canvas');
    c.width = 1;
    c.height = 128;
    const g = c.getContext('2d');
    if (g) {
      for (let i = 0; i < 128; i++) {
        const t = 1 - i / 127;
        g.fillStyle = css(cmap, mode === 'signed' ? t : t);
        g.fillRect(0, i, 1, 1);
      }
    }
    box.append(hi, c, lo);
    void this.theme;
    return box;
  }

  dispose(): void {
    this.element.remove();
  }
}
