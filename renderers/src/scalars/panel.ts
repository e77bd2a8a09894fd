// What the non-scalar tabs share: the panel interface, keyed cards updated in place, colour mixing, plot layout.
import type { Config, Layout } from 'plotly.js';
import type { Plotly } from '../core/lazy.js';
import type { Theme } from '../core/types.js';
import type { Dashboard } from './parse.js';

export interface PanelContext {
  readonly doc: Document;
  readonly plotly: Plotly;
  readonly theme: Theme;
}

export interface Panel {
  readonly el: HTMLElement;
  /** New data or run visibility; draws only while shown. */
  update(d: Dashboard, hidden: ReadonlySet<string>): Promise<void>;
  show(on: boolean): Promise<void>;
  dispose(): void;
}

/** Cards by key, created once and kept in order; cards whose key is gone are removed. */
export class Cards<C extends { el: HTMLElement; dispose?: () => void }> {
  readonly map = new Map<string, C>();

  constructor(private readonly parent: HTMLElement) {}

  sync(keys: string[], create: (key: string) => C): C[] {
    const want = new Set(keys);
    for (const [k, c] of this.map) {
      if (want.has(k)) continue;
      c.dispose?.();
      c.el.remove();
      this.map.delete(k);
    }
    const out = keys.map((k) => {
      let c = this.map.get(k);
      if (!c) this.map.set(k, (c = create(k)));
      return c;
    });
    out.forEach((c, i) => {
      if (this.parent.children[i] !== c.el) this.parent.insertBefore(c.el, this.parent.children[i] ?? null);
    });
    return out;
  }

  dispose(): void {
    for (const c of this.map.values()) c.dispose?.();
    this.map.clear();
  }
}

function rgb(hex: string): [number, number, number] {
  const h = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!h) return [128, 128, 128];
  const v = parseInt(h[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** `a` mixed with `b`: t = 0 gives a, t = 1 gives b (as rgb()). */
export function mix(a: string, b: string, t: number): string {
  const x = rgb(a);
  const y = rgb(b);
  const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function plotLayout(theme: Theme, height: number): Partial<Layout> {
  const grid = theme.kind === 'dark' ? 'rgba(255,255,255,0.09)' : 'rgba(0,0,0,0.08)';
  const axis = { color: theme.muted, gridcolor: grid, linecolor: theme.border, zeroline: false, automargin: true };
  return {
    height,
    margin: { l: 44, r: 10, t: 6, b: 30 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: theme.fontFamily, size: theme.fontSize - 1, color: theme.foreground },
    showlegend: false,
    hoverlabel: { bgcolor: theme.background, bordercolor: theme.border, font: { color: theme.foreground } },
    modebar: modebar(theme),
    xaxis: { ...axis },
    yaxis: { ...axis },
  };
}

/** Plotly's tool bar in the theme's colours. */
export function modebar(theme: Theme): Partial<Layout['modebar']> {
  return { bgcolor: 'rgba(0,0,0,0)', color: theme.muted, activecolor: theme.foreground };
}

export const PLOT_CONFIG: Partial<Config> = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ['select2d', 'lasso2d'],
};

/** A card: a title line (text only) and a body. */
export function card(doc: Document, cls: string, title: string, sub?: string): { el: HTMLElement; body: HTMLElement } {
  const el = doc.createElement('div');
  el.className = `mv-ScalarsCard ${cls}`;
  const head = doc.createElement('div');
  head.className = 'mv-ScalarsCard-head';
  const t = doc.createElement('span');
  t.className = 'mv-ScalarsCard-title';
  t.textContent = title;
  head.appendChild(t);
  if (sub !== undefined) {
    const s = doc.createElement('span');
    s.className = 'mv-ScalarsCard-sub';
    s.textContent = sub;
    head.appendChild(s);
  }
  const body = doc.createElement('div');
  body.className = 'mv-ScalarsCard-body';
  el.append(head, body);
  return { el, body };
}

/** A step slider with its label; `onInput` gets the chosen index. */
export function stepSlider(
  doc: Document,
  onInput: (i: number) => void,
): { el: HTMLElement; input: HTMLInputElement; label: HTMLElement } {
  const el = doc.createElement('div');
  el.className = 'mv-ScalarsStep';
  const input = doc.createElement('input');
  input.type = 'range';
  input.min = '0';
  input.step = '1';
  input.setAttribute('aria-label', 'Step');
  const label = doc.createElement('span');
  label.className = 'mv-ScalarsStep-label';
  input.addEventListener('input', () => onInput(Number(input.value)));
  el.append(input, label);
  return { el, input, label };
}
