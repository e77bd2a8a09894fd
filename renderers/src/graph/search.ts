// Search by node name or op and by group name or path: case-insensitive substring where '.' and '/' are the same
// separator ("layer1.0" finds the group layer1/0). Results are items (node i, group n + j): groups first, outermost
// first, then nodes in payload order.
import type { GraphModel } from './model.js';
import type { Visible } from './hierarchy.js';

const norm = (s: string): string => s.toLowerCase().replace(/\./g, '/');

export function findMatches(m: GraphModel, text: string): number[] {
  const q = norm(text.trim());
  if (!q) return [];
  const groups: number[] = [];
  for (const j of m.groupOrder) {
    // a group whose every node is folded away is not drawn
    if (m.foldedCount > 0 && m.groupNodeCount[j] === 0) continue;
    if (norm(m.groupPath[j]).includes(q) || norm(m.groupType[j]) === q) groups.push(m.n + j);
  }
  const out: number[] = groups;
  for (let i = 0; i < m.n; i++) {
    if (norm(m.nodeName[i]).includes(q) || norm(m.nodeOp[i]).includes(q)) out.push(i);
  }
  return out;
}

/** The groups to expand so that an item is drawn (its ancestors; a node's own group too). */
export function groupsToReveal(m: GraphModel, item: number): number[] {
  const out: number[] = [];
  const start = item < m.n ? m.nodeGroup[item] : m.groupParent[item - m.n];
  for (let k = start; k >= 0; k = m.groupParent[k]) out.push(k);
  return out.reverse();
}

/** The drawn item standing for a node or group: itself when drawn, else its outermost collapsed ancestor. */
export function drawnItem(m: GraphModel, vis: Visible, item: number): number {
  if (item < m.n) return vis.rep[item];
  const chain: number[] = [];
  for (let k = item - m.n; k >= 0; k = m.groupParent[k]) chain.push(k);
  for (let c = chain.length - 1; c > 0; c--) if (!vis.isOpen[chain[c]]) return m.n + chain[c];
  return item;
}

/** "3 of 17" (current is 0-based, -1 before the first jump). */
export function matchLabel(current: number, total: number): string {
  if (total === 0) return 'no matches';
  return current < 0 ? `${total} match${total === 1 ? '' : 'es'}` : `${current + 1} of ${total}`;
}
