// The heatmap's cached images: the colour table of the theme, the 1 px-per-cell bitmap of the matrix (display
// order), its max-pooled copies (built on first use per factor) and the colour-bar strip. Rebuilt only when the
// values, order, scale or theme change; a frame only draws them.
import type { Theme } from '../core/types.js';
import { colorTable, textColors } from './colors.js';
import { barPixels, indexPixels, poolIndices } from './heatmap-draw.js';

export function makeCanvas(doc: Document, w: number, h: number): HTMLCanvasElement {
  const c = doc.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** A canvas holding the pixels, or null where there is no 2-D canvas (JSDOM). */
export function imageCanvas(
  doc: Document,
  px: Uint8ClampedArray<ArrayBuffer>,
  w: number,
  h: number,
): HTMLCanvasElement | null {
  const c = makeCanvas(doc, w, h);
  const ctx = c.getContext('2d');
  const View = doc.defaultView as (Window & typeof globalThis) | null;
  if (!ctx || !View?.ImageData || w === 0 || h === 0) return null;
  ctx.putImageData(new View.ImageData(px, w, h), 0, 0);
  return c;
}

export class MatrixImages {
  lut: Uint8ClampedArray = new Uint8ClampedArray(1024);
  /** text colour per table index */
  text: string[] = [];
  /** colour-table index per cell, display order */
  idx: Uint8Array = new Uint8Array(0);
  bitmap: HTMLCanvasElement | null = null;
  bar: HTMLCanvasElement | null = null;
  private n = 0;
  private diverging = false;
  private readonly pooled = new Map<number, HTMLCanvasElement | null>();

  constructor(private readonly doc: Document) {}

  /** New indices (or the same with a new theme): table, bitmap and bar again; pooled copies dropped. */
  paint(idx: Uint8Array, n: number, theme: Theme, diverging: boolean): void {
    this.idx = idx;
    this.n = n;
    this.diverging = diverging;
    this.lut = colorTable(theme, diverging);
    this.text = textColors(this.lut);
    this.release();
    this.bitmap = imageCanvas(this.doc, indexPixels(idx, this.lut), n, n);
    this.bar = imageCanvas(this.doc, barPixels(this.lut), 1, 256);
  }

  /** The bitmap max-pooled by f (f×f cells per texel), built on first use. */
  pooledBy(f: number): HTMLCanvasElement | null {
    if (!this.pooled.has(f)) {
      const p = poolIndices(this.idx, this.n, f, this.diverging);
      this.pooled.set(f, imageCanvas(this.doc, indexPixels(p.idx, this.lut), p.w, p.w));
    }
    return this.pooled.get(f) ?? null;
  }

  /** Frees the canvases' memory (browsers keep a canvas's backing store until its size is 0). */
  release(): void {
    for (const c of [this.bitmap, this.bar, ...this.pooled.values()]) if (c) c.width = c.height = 0;
    this.pooled.clear();
    this.bitmap = null;
    this.bar = null;
  }
}
