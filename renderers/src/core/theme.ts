import type { Theme } from './types.js';

export const LIGHT: Theme = {
  kind: 'light',
  foreground: '#1f1f1f',
  background: '#ffffff',
  muted: '#6e6e6e',
  accent: '#1976d2',
  border: '#d0d0d0',
  error: '#c62828',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontSize: 13,
};

export const DARK: Theme = {
  ...LIGHT,
  kind: 'dark',
  foreground: '#e0e0e0',
  background: '#1e1e1e',
  muted: '#9e9e9e',
  accent: '#64b5f6',
  border: '#454545',
  error: '#ef5350',
};

/** Which CSS custom property of the host holds each colour / font (hosts pass their own names). */
export type ThemeVariables = Partial<Record<Exclude<keyof Theme, 'kind'>, string>>;

/** Relative luminance of a CSS colour (#rgb, #rrggbb, rgb()/rgba()), or undefined if unparseable. */
export function luminance(color: string): number | undefined {
  const c = color.trim();
  let rgb: number[] | undefined;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((x) => x + x).join('') : hex[1];
    rgb = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else {
    const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
    if (m) rgb = [m[1], m[2], m[3]].map(Number);
  }
  if (!rgb) return undefined;
  const [r, g, b] = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Build a Theme from the host's CSS variables as computed on `el`; anything unset keeps the default.
 * Light or dark follows the background's luminance unless the host says (`kind`).
 */
export function themeFromCss(el: Element, vars: ThemeVariables, kind?: Theme['kind']): Theme {
  const style = el.ownerDocument.defaultView?.getComputedStyle(el);
  const read = (name: string | undefined): string => (name && style ? style.getPropertyValue(name).trim() : '');
  const background = read(vars.background);
  const lum = background ? luminance(background) : undefined;
  const resolved = kind ?? (lum !== undefined && lum < 0.4 ? 'dark' : 'light');
  const base = resolved === 'dark' ? DARK : LIGHT;
  const theme: Theme = { ...base, kind: resolved };
  for (const key of ['foreground', 'background', 'muted', 'accent', 'border', 'error', 'fontFamily'] as const) {
    const value = read(vars[key]);
    if (value) theme[key] = value;
  }
  const size = parseFloat(read(vars.fontSize));
  if (size > 0) theme.fontSize = size;
  return theme;
}
