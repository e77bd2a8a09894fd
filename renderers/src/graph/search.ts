// Search by node name or op: case-insensitive substring, results in payload order.
import type { GraphModel } from './model.js';

export function findMatches(m: GraphModel, text: string): number[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  for (let i = 0; i < m.n; i++) {
    if (m.nodeName[i].toLowerCase().includes(q) || m.nodeOp[i].toLowerCase().includes(q)) out.push(i);
  }
  return out;
}

/** "3 of 17" (current is 0-based, -1 before the first jump). */
export function matchLabel(current: number, total: number): string {
  if (total === 0) return 'no matches';
  return current < 0 ? `${total} match${total === 1 ? '' : 'es'}` : `${current + 1} of ${total}`;
}
