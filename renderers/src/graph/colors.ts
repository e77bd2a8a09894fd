// Colour modes: by op type (stable categorical palette), by parameter count (log ramp), by a weight statistic.
import type { Theme } from '../core/types.js';
import type { GraphModel } from './model.js';
import { formatCount } from './model.js';

export type ColorMode = 'op' | 'params' | 'mean' | 'std' | 'zeros';
export type RGBA = [number, number, number, number];

export const COLOR_MODES: { mode: ColorMode; label: string }[] = [
  { mode: 'op', label: 'Op type' },
  { mode: 'params', label: 'Parameters' },
  { mode: 'mean', label: 'Weight mean' },
  { mode: 'std', label: 'Weight std' },
  { mode: 'zeros', label: 'Zero fraction' },
];

/**
 * Ops are coloured by family (as Netron does: convolutions, dense, normalisation, activations...), so a colour means
 * the same kind of op in every graph; within a family the shade varies with a hash of the name. Unknown ops get a hash
 * hue from those no family uses.
 */
const FAMILIES: [RegExp, number, number][] = [
  // [pattern, hue, saturation scale]
  [/placeholder|^input|^output|constant|initializer/i, 0, 0],
  [/conv/i, 212, 1],
  [/linear|dense|matmul|gemm|einsum|bmm|addmm|baddbmm/i, 250, 1],
  [/norm/i, 165, 1],
  [/relu|gelu|silu|sigmoid|tanh|softmax|softplus|elu|swish|mish|activation|hardtanh|prelu|clip/i, 355, 1],
  [/pool/i, 110, 1],
  [/lstm|gru|rnn|attention|multihead/i, 320, 1],
  [/embed/i, 185, 1],
  [/dropout|identity/i, 60, 0.5],
  [
    /reshape|view|flatten|transpose|permute|concat|^cat$|split|slice|gather|squeeze|unsqueeze|expand|contiguous|select|getitem|getattr|size|shape|pad|tile|repeat|chunk/i,
    285,
    0.8,
  ],
  [/^(add|sub|mul|div|pow|sqrt|rsqrt|exp|log|neg|abs|mean|sum|max|min|reduce|matadd|iadd|truediv|floordiv)/i, 38, 1],
];
const OTHER_HUES = [15, 80, 135, 230, 270, 300, 335];
// Viridis, five stops.
const RAMP: RGBA[] = [
  [68, 1, 84, 255],
  [59, 82, 139, 255],
  [33, 145, 140, 255],
  [94, 201, 98, 255],
  [253, 231, 37, 255],
];

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function hsl(h: number, s: number, l: number): RGBA {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4), 255];
}

export function rampColor(t: number): RGBA {
  const v = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(v));
  const f = v - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)).concat(255) as RGBA;
}

export function opColor(op: string, theme: Theme): RGBA {
  const h = hashString(op);
  const family = FAMILIES.find(([re]) => re.test(op));
  const hue = family ? family[1] : OTHER_HUES[h % OTHER_HUES.length];
  const sat = family ? family[2] : 1;
  const shade = ((h >>> 8) % 3) - 1; // -1, 0, 1: ops of one family stay apart
  return theme.kind === 'dark' ? hsl(hue, 0.4 * sat, 0.33 + 0.035 * shade) : hsl(hue, 0.62 * sat, 0.84 + 0.04 * shade);
}

export function luminanceOf(c: RGBA): number {
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
}

export function cssColor(c: RGBA): string {
  return c[3] === 255 ? `rgb(${c[0]},${c[1]},${c[2]})` : `rgba(${c[0]},${c[1]},${c[2]},${(c[3] / 255).toFixed(3)})`;
}

/** Parses #rgb / #rrggbb / rgb() into RGBA (theme colours), falling back to grey. */
export function parseColor(s: string): RGBA {
  const c = s.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((x) => x + x).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), 255];
  }
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?/i.exec(c);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 255 : Math.round(+m[4] * 255)];
  return [128, 128, 128, 255];
}

export type Legend =
  | { kind: 'categorical'; title: string; entries: { label: string; color: RGBA }[]; more: number }
  | { kind: 'ramp'; title: string; min: string; max: string; missing: boolean };

/** Per-node weight statistic (count-weighted over the node's parameters that carry statistics), NaN when none. */
function nodeStats(m: GraphModel, key: 'mean' | 'std' | 'zeros'): Float64Array {
  const out = new Float64Array(m.n).fill(NaN);
  for (const [node, d] of m.details) {
    let sum = 0;
    let count = 0;
    for (const p of d.params ?? []) {
      const s = p.stats;
      const v = s?.[key];
      if (!s || v === null || v === undefined || !Number.isFinite(v) || s.count <= 0) continue;
      sum += v * s.count;
      count += s.count;
    }
    if (count > 0) out[node] = sum / count;
  }
  return out;
}

export class Colorizer {
  private values: Float64Array | undefined;
  private lo = 0;
  private hi = 1;
  readonly neutral: RGBA;
  readonly groupFill: RGBA;

  constructor(
    private readonly m: GraphModel,
    private readonly theme: Theme,
    readonly mode: ColorMode,
  ) {
    const dark = theme.kind === 'dark';
    this.neutral = dark ? [70, 70, 74, 255] : [225, 225, 228, 255];
    this.groupFill = dark ? [44, 56, 74, 255] : [222, 232, 246, 255];
    if (mode === 'op') return;
    // One value per item (nodes then groups); groups aggregate their nodes.
    const { n, g } = m;
    const values = new Float64Array(n + g).fill(NaN);
    if (mode === 'params') {
      for (let i = 0; i < n; i++) values[i] = Math.log10(1 + m.nodeParams[i]);
      for (let j = 0; j < g; j++) values[n + j] = Math.log10(1 + m.groupParamTotal[j]);
    } else {
      const stat = nodeStats(m, mode);
      const sum = new Float64Array(g);
      const cnt = new Float64Array(g);
      for (let i = 0; i < n; i++) {
        values[i] = stat[i];
        if (Number.isNaN(stat[i])) continue;
        for (let k = m.nodeGroup[i]; k >= 0; k = m.groupParent[k]) {
          sum[k] += stat[i];
          cnt[k] += 1;
        }
      }
      for (let j = 0; j < g; j++) if (cnt[j] > 0) values[n + j] = sum[j] / cnt[j];
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (mode === 'params') lo = 0;
    this.lo = lo;
    this.hi = hi > lo ? hi : lo + 1;
    this.values = values;
  }

  /** The value behind an item's colour (NaN when it has none); for params, the raw count. */
  value(item: number): number {
    if (!this.values) return NaN;
    const v = this.values[item];
    return this.mode === 'params' ? 10 ** v - 1 : v;
  }

  fill(item: number): RGBA {
    if (this.mode === 'op') return item < this.m.n ? opColor(this.m.nodeOp[item], this.theme) : this.groupFill;
    const v = this.values![item];
    if (!Number.isFinite(v)) return item < this.m.n ? this.neutral : this.groupFill;
    return rampColor((v - this.lo) / (this.hi - this.lo));
  }

  legend(visibleNodes: Iterable<number>): Legend {
    const title = COLOR_MODES.find((c) => c.mode === this.mode)!.label;
    if (this.mode === 'op') {
      const counts = new Map<string, number>();
      for (const i of visibleNodes) counts.set(this.m.nodeOp[i], (counts.get(this.m.nodeOp[i]) ?? 0) + 1);
      const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const entries = sorted.slice(0, 8).map(([label]) => ({ label, color: opColor(label, this.theme) }));
      return { kind: 'categorical', title, entries, more: Math.max(0, sorted.length - 8) };
    }
    const fmt = (v: number): string =>
      this.mode === 'params'
        ? formatCount(10 ** v - 1)
        : this.mode === 'zeros'
          ? `${(v * 100).toFixed(1)}%`
          : v.toPrecision(3);
    const missing = [...(this.values ?? [])].some((v) => Number.isNaN(v));
    return { kind: 'ramp', title, min: fmt(this.lo), max: fmt(this.hi), missing };
  }
}
