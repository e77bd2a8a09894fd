// SVG export of the whole matrix: one <rect> per non-empty cell up to SVG_RECT_MAX classes; above, the matrix is an
// embedded PNG (pixelated) and only the axes, labels and colour bar are vector. Every payload string is XML-escaped.
import type { Theme } from '../core/types.js';
import { colorTicks, formatCell, formatValue, tableColor, type ValueScale } from './colors.js';
import { barY, CELL_TEXT_MIN_PX, labelFontPx } from './heatmap-draw.js';
import { TITLE_ROOM, labelStep, truncate, type Layout } from './heatmap-geom.js';
import type { Normalize } from './parse.js';

export const SVG_RECT_MAX = 150;

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export interface SvgInput {
  layout: Layout;
  n: number;
  labels: string[];
  order: Int32Array;
  shown: Float64Array;
  /** colour-table index per cell, display order */
  idx: Uint8Array;
  lut: Uint8ClampedArray;
  textColors: string[];
  mode: Normalize;
  integer: boolean;
  scale: ValueScale;
  theme: Theme;
  axisTitles: { true: string; pred: string };
  /** the matrix as a PNG data URL, used above SVG_RECT_MAX classes */
  png?: string;
}

const f1 = (x: number): string => String(Math.round(x * 100) / 100);

export function matrixSVG(s: SvgInput): string {
  const { layout: L, n, theme } = s;
  const cs = L.plotSize / n;
  const fam = escapeXml(theme.fontFamily);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="${fam}" font-size="${theme.fontSize}">`,
    `<rect width="100%" height="100%" fill="${escapeXml(theme.background)}"/>`,
  ];
  const bgIndex = s.scale.diverging ? 128 : 0;
  if (n <= SVG_RECT_MAX || !s.png) {
    out.push(`<g shape-rendering="crispEdges">`);
    for (let q = 0; q < n; q++) {
      for (let p = 0; p < n; p++) {
        const i = s.idx[q * n + p];
        if (i === bgIndex) continue;
        out.push(
          `<rect x="${f1(L.plotX + p * cs)}" y="${f1(L.plotY + q * cs)}" width="${f1(cs)}" height="${f1(cs)}" fill="${tableColor(s.lut, i)}"/>`,
        );
      }
    }
    out.push('</g>');
    if (cs >= CELL_TEXT_MIN_PX) {
      const px = Math.round(Math.max(9, Math.min(theme.fontSize, cs * 0.3)));
      out.push(`<g font-size="${px}" text-anchor="middle" dominant-baseline="central">`);
      for (let q = 0; q < n; q++) {
        for (let p = 0; p < n; p++) {
          const v = s.shown[s.order[q] * n + s.order[p]];
          if (v === 0 || Number.isNaN(v)) continue;
          const text = formatCell(v, s.mode, s.integer, s.scale.diverging);
          if (text.length * px * 0.6 > cs - 4) continue;
          out.push(
            `<text x="${f1(L.plotX + (p + 0.5) * cs)}" y="${f1(L.plotY + (q + 0.5) * cs)}" fill="${s.textColors[s.idx[q * n + p]]}">${escapeXml(text)}</text>`,
          );
        }
      }
      out.push('</g>');
    }
  } else {
    out.push(
      `<image x="${L.plotX}" y="${L.plotY}" width="${L.plotSize}" height="${L.plotSize}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${s.png}" xlink:href="${s.png}"/>`,
    );
  }
  out.push(
    `<rect x="${L.plotX - 0.5}" y="${L.plotY - 0.5}" width="${L.plotSize + 1}" height="${L.plotSize + 1}" fill="none" stroke="${escapeXml(theme.border)}"/>`,
  );
  // labels, thinned as on screen; the full name in a <title>
  const fpx = labelFontPx(cs, theme);
  const step = labelStep(cs, fpx + 3);
  const measure = (t: string): number => [...t].length * fpx * 0.58;
  const fg = escapeXml(theme.foreground);
  out.push(`<g font-size="${fpx}" fill="${fg}">`);
  for (let k = 0; k < n; k += step) {
    const full = s.labels[s.order[k]] ?? '';
    const t = escapeXml(truncate(full, L.labelWidth - 6, measure));
    const title = `<title>${escapeXml(full)}</title>`;
    const c = f1(L.plotY + (k + 0.5) * cs);
    out.push(`<text x="${L.plotX - 4}" y="${c}" text-anchor="end" dominant-baseline="central">${title}${t}</text>`);
    const x = f1(L.plotX + (k + 0.5) * cs);
    const y = L.plotY + L.plotSize + 4;
    out.push(
      `<text transform="translate(${x} ${y}) rotate(-90)" text-anchor="end" dominant-baseline="central">${title}${t}</text>`,
    );
  }
  out.push('</g>');
  const muted = escapeXml(theme.muted);
  out.push(
    `<text x="${f1(L.plotX + L.plotSize / 2)}" y="${f1(L.plotY + L.plotSize + L.labelWidth + TITLE_ROOM / 2)}" text-anchor="middle" dominant-baseline="central" fill="${muted}">${escapeXml(s.axisTitles.pred)}</text>`,
    `<text transform="translate(${TITLE_ROOM / 2} ${f1(L.plotY + L.plotSize / 2)}) rotate(-90)" text-anchor="middle" dominant-baseline="central" fill="${muted}">${escapeXml(s.axisTitles.true)}</text>`,
  );
  // colour bar: a vertical gradient through the table, ticks at their values
  const stops: string[] = [];
  for (let k = 0; k <= 16; k++) {
    const i = Math.round(255 - (k * 255) / 16);
    stops.push(`<stop offset="${f1(k / 16)}" stop-color="${tableColor(s.lut, i)}"/>`);
  }
  out.push(
    `<defs><linearGradient id="mv-cbar" x1="0" y1="0" x2="0" y2="1">${stops.join('')}</linearGradient></defs>`,
    `<rect x="${L.barX}" y="${L.plotY}" width="${L.barWidth}" height="${L.plotSize}" fill="url(#mv-cbar)" stroke="${escapeXml(theme.border)}"/>`,
  );
  out.push(`<g font-size="${Math.max(9, theme.fontSize - 2)}" fill="${fg}">`);
  for (const v of colorTicks(s.scale)) {
    const y = f1(barY(L, s.scale, v));
    out.push(
      `<text x="${L.barX + L.barWidth + 5}" y="${y}" dominant-baseline="central">${escapeXml(formatValue(v, s.mode, s.integer, s.scale.diverging))}</text>`,
    );
  }
  out.push('</g></svg>');
  return out.join('\n');
}
