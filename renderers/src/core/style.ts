import type { Theme } from './types.js';

const STYLE_ID = 'mv-styles';

// One stylesheet per document, inserted on first render: works the same in JupyterLab, VS Code and the test page.
const CSS = `
.mv-Root { color: var(--mv-fg); font-family: var(--mv-font); font-size: var(--mv-font-size); line-height: 1.4; }
.mv-Root *, .mv-Root *::before, .mv-Root *::after { box-sizing: border-box; }
.mv-Header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin: 2px 0 6px; }
.mv-Title { font-weight: 600; }
.mv-Summary { color: var(--mv-muted); }
.mv-Toolbar { display: inline-flex; gap: 0; margin-left: auto; }
.mv-Toolbar button { font: inherit; color: var(--mv-fg); background: transparent; border: 1px solid var(--mv-border);
  padding: 1px 8px; cursor: pointer; margin-left: -1px; }
.mv-Toolbar button:first-child { border-radius: 3px 0 0 3px; }
.mv-Toolbar button:last-child { border-radius: 0 3px 3px 0; }
.mv-Toolbar button[aria-pressed="true"] { background: var(--mv-accent); border-color: var(--mv-accent); color: #fff; }
.mv-Messages { margin: 0 0 6px; padding: 0; list-style: none; }
.mv-Message { padding: 2px 8px; border-left: 3px solid var(--mv-accent); margin: 2px 0; white-space: pre-wrap; }
.mv-Message[data-level="warning"] { border-left-color: #f9a825; }
.mv-Message[data-level="error"] { border-left-color: var(--mv-error); }
.mv-MessageDetails { display: inline; margin-left: 6px; opacity: 0.8; }
.mv-MessageDetails > summary { display: inline; cursor: pointer; text-decoration: underline dotted; }
.mv-MessageDetails[open] { display: block; margin-left: 0; }
.mv-MessageDetails > pre { margin: 4px 0; max-height: 16em; overflow: auto; white-space: pre-wrap; font-size: 11px; }
.mv-Error { border: 1px solid var(--mv-error, #c62828); border-left-width: 4px; padding: 6px 10px; margin: 4px 0;
  color: var(--mv-fg, inherit); font-family: var(--mv-font, sans-serif); white-space: pre-wrap; }
.mv-Error-title { font-weight: 600; color: var(--mv-error, #c62828); }
.mv-Error ul { margin: 4px 0 0; padding-left: 18px; }
.mv-Error code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.mv-Placeholder { border: 1px dashed var(--mv-border); padding: 8px 10px; color: var(--mv-muted); }
.mv-Loading { color: var(--mv-muted); padding: 4px 0; }
`;

/**
 * A kind's own stylesheet (kept in the kind's folder), inserted once per document beside the shared one.
 * Class names stay under the kind's prefix (`mv-Graph...`, `mv-Scalars...`).
 */
export function ensureKindStyles(doc: Document, kind: string, css: string): void {
  const id = `${STYLE_ID}-${kind}`;
  if (doc.getElementById(id)) return;
  const style = doc.createElement('style');
  style.id = id;
  style.textContent = css;
  doc.head.appendChild(style);
}

export function ensureStyles(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  doc.head.appendChild(style);
}

/** Theme values as CSS variables on an output's root, so the stylesheet follows the host. */
export function applyTheme(el: HTMLElement, theme: Theme): void {
  el.style.setProperty('--mv-fg', theme.foreground);
  el.style.setProperty('--mv-bg', theme.background);
  el.style.setProperty('--mv-muted', theme.muted);
  el.style.setProperty('--mv-accent', theme.accent);
  el.style.setProperty('--mv-border', theme.border);
  el.style.setProperty('--mv-error', theme.error);
  el.style.setProperty('--mv-font', theme.fontFamily);
  el.style.setProperty('--mv-font-size', `${theme.fontSize}px`);
  el.dataset.mvTheme = theme.kind;
}
