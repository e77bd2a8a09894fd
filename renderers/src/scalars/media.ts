// Images (the image of the chosen step, a step slider, its size) and Text (step → preformatted text), per run/tag.
// Images are shown from a data: URL of the checked MIME type set on img.src; text is set as text, never as HTML.
import { Cards, card, stepSlider, type Panel, type PanelContext } from './panel.js';
import { IMAGE_MIMES, type Dashboard, type ImageEntry, type TextEntry } from './parse.js';

/** Entries grouped by tag and run name (sorted by tag, then run order), each group sorted by step. */
function grouped<T extends { run: number; tag: string; step: number }>(
  d: Dashboard,
  items: T[],
  hidden: ReadonlySet<string>,
): { key: string; tag: string; run: string; items: T[] }[] {
  const groups = new Map<string, { key: string; tag: string; run: string; runIndex: number; items: T[] }>();
  for (const it of items) {
    const run = d.runs[it.run];
    if (!run || hidden.has(run.name)) continue;
    const key = `${it.tag}\u0000${run.name}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, tag: it.tag, run: run.name, runIndex: it.run, items: [] }));
    g.items.push(it);
  }
  const out = [...groups.values()];
  for (const g of out) g.items.sort((a, b) => a.step - b.step);
  out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.runIndex - b.runIndex));
  return out;
}

/** Images smaller than this (longest side, px) are shown scaled up. */
const MIN_IMAGE_PX = 160;

interface ImageCard {
  el: HTMLElement;
  img: HTMLImageElement;
  caption: HTMLElement;
  slider: ReturnType<typeof stepSlider>;
  items: ImageEntry[];
  /** The step the user picked, or null to follow the newest. */
  chosen: number | null;
  show(): void;
}

export function imageUrl(im: ImageEntry): string {
  if (!(IMAGE_MIMES as readonly string[]).includes(im.mime)) throw new Error(`unsupported image type ${im.mime}`);
  return `data:${im.mime};base64,${im.data}`;
}

export class ImagesPanel implements Panel {
  readonly el: HTMLElement;
  private readonly cards: Cards<ImageCard>;
  private data: Dashboard | null = null;
  private hidden: ReadonlySet<string> = new Set();
  private shown = false;

  constructor(private readonly ctx: PanelContext) {
    this.el = ctx.doc.createElement('div');
    this.el.className = 'mv-ScalarsPanel mv-Scalars-images';
    this.cards = new Cards(this.el);
  }

  async update(d: Dashboard, hidden: ReadonlySet<string>): Promise<void> {
    this.data = d;
    this.hidden = hidden;
    if (this.shown) this.draw();
  }

  async show(on: boolean): Promise<void> {
    this.shown = on;
    this.el.hidden = !on;
    if (on) this.draw();
  }

  private draw(): void {
    const d = this.data;
    if (!d) return;
    const doc = this.ctx.doc;
    const groups = grouped(d, d.images, this.hidden);
    const cards = this.cards.sync(
      groups.map((g) => g.key),
      (k) => {
        const [tag, run] = k.split('\u0000');
        const { el, body } = card(doc, 'mv-ScalarsImage', tag, run);
        const img = doc.createElement('img');
        img.className = 'mv-ScalarsImage-img';
        img.alt = `${tag} (${run})`;
        const caption = doc.createElement('div');
        caption.className = 'mv-ScalarsImage-caption';
        const c: ImageCard = {
          el,
          img,
          caption,
          items: [],
          chosen: null,
          slider: stepSlider(doc, (i) => {
            const it = c.items[i];
            // picking the newest step means "follow new steps"
            c.chosen = it && i < c.items.length - 1 ? it.step : null;
            c.show();
          }),
          show: () => {
            if (!c.items.length) return;
            let i = c.items.length - 1;
            if (c.chosen !== null) {
              const at = c.items.findIndex((it) => it.step >= (c.chosen as number));
              i = at < 0 ? c.items.length - 1 : at;
            }
            const it = c.items[i];
            c.slider.input.max = String(c.items.length - 1);
            c.slider.input.value = String(i);
            c.slider.input.disabled = c.items.length < 2;
            c.slider.label.textContent = `step ${it.step} (${i + 1} of ${c.items.length})`;
            const url = imageUrl(it);
            if (img.src !== url) img.src = url;
            img.dataset.step = String(it.step);
            const size = (w?: number, h?: number): void => {
              caption.textContent = w && h ? `${w} × ${h} px` : '';
              // small images (thumbnails, MNIST digits) are scaled up by a whole factor, pixels kept sharp
              const k = w && h ? Math.max(1, Math.floor(MIN_IMAGE_PX / Math.max(w, h))) : 1;
              img.style.width = w && k > 1 ? `${w * k}px` : '';
            };
            if (it.width && it.height) size(it.width, it.height);
            else {
              size(img.naturalWidth, img.naturalHeight);
              img.onload = () => size(img.naturalWidth, img.naturalHeight);
            }
          },
        };
        body.append(img, c.slider.el, caption);
        return c;
      },
    );
    groups.forEach((g, i) => {
      cards[i].items = g.items;
      cards[i].show();
    });
  }

  dispose(): void {
    this.cards.dispose();
  }
}

/** At most this many text entries are listed per run/tag (the newest). */
export const MAX_TEXTS = 100;

interface TextCard {
  el: HTMLElement;
  body: HTMLElement;
}

export class TextPanel implements Panel {
  readonly el: HTMLElement;
  private readonly cards: Cards<TextCard>;
  private data: Dashboard | null = null;
  private hidden: ReadonlySet<string> = new Set();
  private shown = false;

  constructor(private readonly ctx: PanelContext) {
    this.el = ctx.doc.createElement('div');
    this.el.className = 'mv-ScalarsPanel mv-Scalars-text';
    this.cards = new Cards(this.el);
  }

  async update(d: Dashboard, hidden: ReadonlySet<string>): Promise<void> {
    this.data = d;
    this.hidden = hidden;
    if (this.shown) this.draw();
  }

  async show(on: boolean): Promise<void> {
    this.shown = on;
    this.el.hidden = !on;
    if (on) this.draw();
  }

  private draw(): void {
    const d = this.data;
    if (!d) return;
    const doc = this.ctx.doc;
    const groups = grouped<TextEntry>(d, d.texts, this.hidden);
    const cards = this.cards.sync(
      groups.map((g) => g.key),
      (k) => {
        const [tag, run] = k.split('\u0000');
        return card(doc, 'mv-ScalarsText', tag, run);
      },
    );
    groups.forEach((g, i) => {
      const rows = g.items.slice(-MAX_TEXTS).reverse();
      const els = rows.map((t) => {
        const row = doc.createElement('div');
        row.className = 'mv-ScalarsText-row';
        const step = doc.createElement('div');
        step.className = 'mv-ScalarsText-step';
        step.textContent = `step ${t.step}`;
        const pre = doc.createElement('pre');
        pre.className = 'mv-ScalarsText-text';
        pre.textContent = t.text;
        row.append(step, pre);
        return row;
      });
      if (g.items.length > MAX_TEXTS) {
        const more = doc.createElement('div');
        more.className = 'mv-ScalarsNote';
        more.textContent = `${g.items.length - MAX_TEXTS} older entries not shown`;
        els.push(more);
      }
      cards[i].body.replaceChildren(...els);
    });
  }

  dispose(): void {
    this.cards.dispose();
  }
}
