// CSV of the matrix and of the per-class report, and a browser download. Labels are user strings: every cell is
// quoted as RFC 4180 needs and guarded against spreadsheet formula injection.
import { csvField } from '../core/download.js';
import { withZeroDivision, type ClassMetrics, type ZeroDivision } from './metrics.js';
import type { Averages, Summary } from './parse.js';

function row(cells: (string | number | null)[]): string {
  return cells.map(csvField).join(',');
}

/** Rows: true classes; columns: predicted classes (the top-left cell names both axes). */
export function matrixCsv(labels: string[], values: Float64Array, integer: boolean): string {
  const n = labels.length;
  const lines = [row(['true \\ predicted', ...labels])];
  for (let i = 0; i < n; i++) {
    const cells: (string | number)[] = [labels[i]];
    for (let j = 0; j < n; j++) {
      const v = values[i * n + j];
      cells.push(integer ? Math.round(v) : Number(v.toPrecision(17)));
    }
    lines.push(row(cells));
  }
  return lines.join('\r\n') + '\r\n';
}

/** classification_report as CSV: class, precision, recall, f1-score, support; then accuracy and the averages. */
export function reportCsv(labels: string[], m: ClassMetrics, s: Summary, zeroDivision: ZeroDivision = '0'): string {
  const f = withZeroDivision(m, zeroDivision);
  let total = 0;
  for (const v of m.support) total += v;
  const lines = [row(['class', 'precision', 'recall', 'f1-score', 'support'])];
  labels.forEach((label, i) => lines.push(row([label, f.precision[i], f.recall[i], f.f1[i], m.support[i]])));
  const avg = (name: string, a: Averages): string => row([name, a.precision, a.recall, a.f1, total]);
  if (s.accuracy !== null) lines.push(row(['accuracy', null, null, s.accuracy, total]));
  lines.push(avg('macro avg', s.macro), avg('weighted avg', s.weighted));
  return lines.join('\r\n') + '\r\n';
}

export { csvField, download } from '../core/download.js';
