// Per-chart downloads: the full data as CSV, the picture as PNG. Both go through an <a download> and an object URL.
import { csvField } from '../core/download.js';
import type { Run, Series } from './parse.js';

export { download } from '../core/download.js';

function csvNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** `run,step,wall_time,value` rows of every point of the given series (full data, not the drawn subset). */
export function seriesCsv(runs: Run[], series: Series[]): string {
  const lines = ['run,step,wall_time,value'];
  for (const s of series) {
    const name = csvField(runs[s.run]?.name ?? String(s.run));
    for (let i = 0; i < s.step.length; i++) {
      const wall = s.wall ? csvNumber(s.wall[i]) : '';
      lines.push(`${name},${csvNumber(s.step[i])},${wall},${csvNumber(s.value[i])}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A file name from a tag: '/' and other awkward characters become '_'. */
export function fileName(tag: string, ext: string): string {
  const base = tag.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';
  return `${base}.${ext}`;
}

export function dataUrlToBlob(url: string): Blob {
  const comma = url.indexOf(',');
  const meta = url.slice(5, comma);
  const body = url.slice(comma + 1);
  const type = meta.split(';')[0] || 'application/octet-stream';
  if (meta.endsWith(';base64')) {
    const bin = atob(body);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type });
  }
  return new Blob([decodeURIComponent(body)], { type });
}
