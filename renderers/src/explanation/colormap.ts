// Colour maps for attributions: a diverging map for signed values (SHAP's convention: red pushes the output up, blue
// pulls it down) and sequential maps for magnitudes and CAMs. Each is a 256-entry RGB table.
export type MapName = 'red-blue' | 'inferno' | 'viridis' | 'jet';

const STOPS: Record<MapName, string[]> = {
  'red-blue': ['#1e88e5', '#90caf9', '#f5f5f5', '#ef9a9a', '#ff0051'],
  inferno: ['#000004', '#420a68', '#932667', '#dd513a', '#fca50a', '#fcffa4'],
  viridis: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'],
  jet: ['#00007f', '#0000ff', '#00ffff', '#ffff00', '#ff0000', '#7f0000'],
};

function rgb(hex: string): [number, number, number] {
  const h = hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

const cache = new Map<MapName, Uint8ClampedArray>();

/** 256 × RGB. */
export function table(name: MapName): Uint8ClampedArray {
  let t = cache.get(name);
  if (t) return t;
  const cs = STOPS[name].map(rgb);
  t = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (cs.length - 1);
    const k = Math.min(cs.length - 2, Math.floor(x));
    const f = x - k;
    for (let j = 0; j < 3; j++) t[i * 3 + j] = Math.round(cs[k][j] + (cs[k + 1][j] - cs[k][j]) * f);
  }
  cache.set(name, t);
  return t;
}

/** CSS colour of position t in [0, 1]. */
export function css(name: MapName, t: number): string {
  const tb = table(name);
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${tb[i]}, ${tb[i + 1]}, ${tb[i + 2]})`;
}

/** Black or white text, whichever reads better on an RGB background (relative luminance). */
export function textOn(r: number, g: number, b: number): string {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return l > 0.4 ? '#000' : '#fff';
}
