import type { Problem } from './types.js';

/** Thrown by parse functions when a payload passes the schema but is still inconsistent. */
export class PayloadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '(payload)'}: ${message}`);
    this.name = 'PayloadError';
  }
}

/** Problems of anything thrown while parsing or drawing, named as precisely as we can. */
export function problemsOf(error: unknown): Problem[] {
  if (error instanceof PayloadError) return [{ path: error.path, message: error.message.slice(error.path.length + 2) }];
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return [{ path: '', message }];
}

/** A visible, text-only error box: never a blank output, never payload text as HTML. */
export function errorBox(doc: Document, title: string, problems: Problem[]): HTMLElement {
  const box = doc.createElement('div');
  box.className = 'mv-Error';
  box.setAttribute('role', 'alert');
  const head = doc.createElement('div');
  head.className = 'mv-Error-title';
  head.textContent = title;
  box.appendChild(head);
  const list = doc.createElement('ul');
  for (const p of problems.slice(0, 20)) {
    const item = doc.createElement('li');
    const path = doc.createElement('code');
    path.textContent = p.path || '(payload)';
    item.append(path, doc.createTextNode(` ${p.message}`));
    list.appendChild(item);
  }
  if (problems.length > 20) {
    const more = doc.createElement('li');
    more.textContent = `… and ${problems.length - 20} more`;
    list.appendChild(more);
  }
  box.appendChild(list);
  return box;
}
