// Colour for the confusion heatmap: a 256-entry lookup table per theme, the value -> table-index mapping (linear or
// log1p-style, sequential or diverging around 0), colour-bar ticks, text colour by contrast, and number formatting.
// Index 0 (sequential) or 128 (diverging) is exactly the theme background, so an empty cell reads as background; any
// non-zero value gets at least the palest tint, so a single stray confusion never disappears.
import { luminance } from '../core/theme.js';
import type { Theme } from '../core/types.js';
import type { Normalize } from './parse.js';

export type RGB = [number, number, number];

/** Index of value 0 in a diverging table; negatives below it, positives above. */
export const MID = 128;

// Light: ColorBrewer Blues. Dark: deep blue to teal to yellow, so large reads as bright on a dark background.
const SEQ_LIGHT = ['#e3eef9', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
const SEQ_DARK = ['#1d3345', '#21506b', '#2a9d8f', '#8fc97a', '#f1d36b'];
// Diverging halves, from near zero to the extreme: positive blue, negative orange-red (both themes; colour-blind safe
// as a blue/orange pair).
const POS_LIGHT = ['#e1edf7', '#92c5de', '#4393c3', '#2166ac', '#053061'];
const NEG_LIGHT = ['#fbe6dc', '#f4a582', '#d6604d', '#b2182b', '#67001f'];
const POS_DARK = ['#1f3647', '#1f5f8b', '#3a8fd0', '#7cc0f0', '#c8e6ff'];
const NEG_DARK = ['#47291f', '#8b3a1f', '#d0643a', '#f09a6e', '#ffd2b8'];

export function parseColor(css: string): RGB {
  const c = css.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((x) => x + x).join('') : hex[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as RGB;
  }
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}

function ramp(stops: string[], t: number): RGB {
  const cs = stops.map(parseColor);
  const x = Math.min(1, Math.max(0, t)) * (cs.length - 1);
  const i = Math.min(cs.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(cs[i][k] + (cs[i + 1][k] - cs[i][k]) * f)) as RGB;
}

/** RGBA lookup table, 256 entries of 4 bytes. */
export function colorTable(theme: Theme, diverging: boolean): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 4);
  const bg = parseColor(theme.background);
  const dark = theme.kind === 'dark';
  const put = (i: number, c: RGB): void => {
    lut.set([c[0], c[1], c[2], 255], i * 4);
  };
  if (!diverging) {
    put(0, bg);
    for (let i = 1; i < 256; i++) put(i, ramp(dark ? SEQ_DARK : SEQ_LIGHT, (i - 1) / 254));
  } else {
    put(MID, bg);
    for (let i = 1; i < 128; i++) {
      put(MID + i, ramp(dark ? POS_DARK : POS_LIGHT, (i - 1) / 126));
      put(MID - i, ramp(dark ? NEG_DARK : NEG_LIGHT, (i - 1) / 126));
    }
    put(0, ramp(dark ? NEG_DARK : NEG_LIGHT, 1));
  }
  return lut;
}

export function tableColor(lut: Uint8ClampedArray, i: number): string {
  const h = (v: number): string => v.toString(16).padStart(2, '0');
  return `#${h(lut[i * 4])}${h(lut[i * 4 + 1])}${h(lut[i * 4 + 2])}`;
}

/** Black or white text, whichever contrasts more with the cell colour (WCAG contrast ratio). */
export function textColorOn(rgb: RGB): string {
  const l = luminance(`rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`) ?? 0.5;
  const withBlack = (l + 0.05) / 0.05;
  const withWhite = 1.05 / (l + 0.05);
  return withBlack >= withWhite ? '#111111' : '#ffffff';
}

/** Text colour per table index. */
export function textColors(lut: Uint8ClampedArray): string[] {
  const out: string[] = [];
  for (let i = 0; i < 256; i++) out.push(textColorOn([lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2]]));
  return out;
}

/** How values map to the table. `t` is in [0, 1] (sequential) or [-1, 1] (diverging). */
export interface ValueScale {
  kind: 'linear' | 'log';
  diverging: boolean;
  /** Largest |value| (the end of the colour bar). */
  max: number;
  /** log only: the value that maps to log1p(1), the smallest non-zero |value| (at least max / 1e6). */
  unit: number;
  t(v: number): number;
  inverse(t: number): number;
  index(v: number): number;
}

export function valueScale(values: ArrayLike<number>, kind: 'linear' | 'log', diverging: boolean): ValueScale {
  let max = 0;
  let minPos = Infinity;
  for (let k = 0; k < values.length; k++) {
    const a = Math.abs(values[k]);
    if (!Number.isFinite(a)) continue;
    if (a > max) max = a;
    if (a > 0 && a < minPos) minPos = a;
  }
  if (max === 0) max = 1;
  const unit = Math.max(Number.isFinite(minPos) ? minPos : 1, max * 1e-6);
  const span = Math.log1p(max / unit);
  const t =
    kind === 'log'
      ? (v: number): number => (Math.sign(v) * Math.log1p(Math.min(Math.abs(v), max) / unit)) / span
      : (v: number): number => Math.max(-1, Math.min(1, v / max));
  const inverse =
    kind === 'log'
      ? (x: number): number => Math.sign(x) * unit * Math.expm1(Math.abs(x) * span)
      : (x: number): number => x * max;
  const index = diverging
    ? (v: number): number => {
        if (v === 0 || !Number.isFinite(v)) return MID;
        const x = t(v);
        return x > 0 ? MID + Math.min(127, 1 + Math.round(x * 126)) : MID - Math.min(128, 1 + Math.round(-x * 127));
      }
    : (v: number): number => {
        if (!(v > 0)) return 0;
        return 1 + Math.min(254, Math.max(0, Math.round(t(v) * 254)));
      };
  return { kind, diverging, max, unit, t, inverse, index };
}

/** A "nice" step (1, 2 or 5 times a power of ten) near span / count. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Tick values for the colour bar, ascending, within the scale's range. */
export function colorTicks(s: ValueScale, count = 5): number[] {
  let pos: number[];
  if (s.kind === 'linear') {
    const step = niceStep(s.max, count);
    pos = [];
    for (let v = step; v <= s.max * (1 + 1e-9); v += step)
      pos.push(Number((Math.round(v / step) * step).toPrecision(12)));
  } else {
    pos = [];
    const lo = Math.ceil(Math.log10(s.unit) - 1e-9);
    const hi = Math.floor(Math.log10(s.max) + 1e-9);
    for (let e = lo; e <= hi; e++) pos.push(Number((10 ** e).toPrecision(12)));
    if (pos.length > count) {
      const every = Math.ceil(pos.length / count);
      pos = pos.filter((_, i) => (pos.length - 1 - i) % every === 0);
    } else if (pos.length < 3) {
      const extra: number[] = [];
      for (let e = lo - 1; e <= hi; e++) {
        for (const m of [2, 5]) {
          const v = m * 10 ** e;
          if (v >= s.unit && v <= s.max) extra.push(Number(v.toPrecision(12)));
        }
      }
      pos = [...new Set([...pos, ...extra])].sort((a, b) => a - b);
    }
  }
  return s.diverging ? [...pos.map((v) => -v).reverse(), 0, ...pos] : [0, ...pos];
}

/** A value as written in a cell, the hover and the colour bar. Percentages for normalised modes. */
export function formatValue(v: number, mode: Normalize, integer: boolean, signed = false): string {
  if (!Number.isFinite(v)) return String(v);
  const sign = signed && v > 0 ? '+' : '';
  if (mode !== 'none') {
    const p = v * 100;
    const a = Math.abs(p);
    if (a !== 0 && a < 0.1) return `${sign}${Number(p.toPrecision(1))}%`;
    return `${sign}${p.toFixed(a === 0 || a >= 10 ? 0 : 1)}%`;
  }
  if (integer && Number.isInteger(v)) return sign + v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return sign + v.toExponential(1);
  return sign + Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Short form for a cell: the same as formatValue but compact for large counts (12.3k). */
export function formatCell(v: number, mode: Normalize, integer: boolean, signed = false): string {
  if (mode === 'none' && Math.abs(v) >= 10_000) {
    const sign = signed && v > 0 ? '+' : '';
    const a = Math.abs(v);
    const [d, s] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    return `${sign}${Number((v / d).toPrecision(3))}${s}`;
  }
  return formatValue(v, mode, integer, signed);
}
