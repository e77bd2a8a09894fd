// Downloads and CSV text shared by every kind: a file offered through a temporary <a download> and an object URL
// (works in JupyterLab, Notebook 7 and VS Code webviews), and CSV fields that are safe to open in a spreadsheet.

/** Offer `data` (text or a Blob) as a download named `filename`. */
export function download(doc: Document, filename: string, data: string | Blob, mime = 'text/plain'): void {
  const win = doc.defaultView;
  const urls = (win?.URL ?? URL) as typeof URL;
  const blob = typeof data === 'string' ? new Blob([data], { type: mime }) : data;
  const href = urls.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = href;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // revoke after the browser has started the download
  (win ?? globalThis).setTimeout(() => urls.revokeObjectURL(href), 10_000);
}

const FORMULA = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180): text that a spreadsheet would run as a formula gets a leading ', quoted when needed. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : String(value);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
