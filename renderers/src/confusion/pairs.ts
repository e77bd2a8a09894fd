// The top-k confused pairs (off-diagonal cells, largest first) and their clickable list.
export interface ConfusedPair {
  row: number;
  col: number;
  count: number;
  /** count / the true class's row total */
  share: number;
}

/** Off-diagonal cells with a positive count, largest first (ties: row, then column); at most k. O(n² log k). */
export function topConfused(raw: Float64Array, n: number, k: number): ConfusedPair[] {
  if (k <= 0) return [];
  // a min-heap of cell indices by (count, then later cells smaller) holding the k best so far
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => raw[a] < raw[b] || (raw[a] === raw[b] && a > b);
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  const rowTotal = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < n; j++) {
      const c = i * n + j;
      const v = raw[c];
      if (!Number.isFinite(v)) continue;
      t += v;
      if (i === j || !(v > 0)) continue;
      if (heap.length < k) {
        heap.push(c);
        up(heap.length - 1);
      } else if (worse(heap[0], c)) {
        heap[0] = c;
        down(0);
      }
    }
    rowTotal[i] = t;
  }
  return heap
    .sort((a, b) => raw[b] - raw[a] || a - b)
    .map((c) => {
      const row = Math.floor(c / n);
      return { row, col: c % n, count: raw[c], share: rowTotal[row] > 0 ? raw[c] / rowTotal[row] : 0 };
    });
}

function formatCount(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(3)).toLocaleString('en-US');
}

function formatShare(s: number): string {
  const p = s * 100;
  return p >= 10 || p === 0 ? `${Math.round(p)}%` : p >= 0.1 ? `${p.toFixed(1)}%` : '<0.1%';
}

/** "cat → dog  123 (12%)" for one pair. */
export function pairText(p: ConfusedPair, labels: string[]): string {
  return `${labels[p.row] ?? String(p.row)} → ${labels[p.col] ?? String(p.col)} · ${formatCount(p.count)} (${formatShare(p.share)})`;
}

/** A list of buttons, one per pair; text only (textContent). */
export function pairsList(
  doc: Document,
  pairs: ConfusedPair[],
  labels: string[],
  onPick: (p: ConfusedPair) => void,
): HTMLElement {
  const list = doc.createElement('ol');
  list.className = 'mv-ConfusedPairs';
  list.setAttribute('aria-label', 'Most confused pairs (true → predicted)');
  list.style.listStyle = 'none';
  list.style.margin = '0';
  list.style.padding = '0';
  if (pairs.length === 0) {
    const li = doc.createElement('li');
    li.className = 'mv-ConfusedPairs-empty';
    li.textContent = 'No confusions: every prediction is on the diagonal.';
    list.appendChild(li);
    return list;
  }
  for (const p of pairs) {
    const li = doc.createElement('li');
    const b = doc.createElement('button');
    b.type = 'button';
    b.className = 'mv-ConfusedPair';
    b.dataset.row = String(p.row);
    b.dataset.col = String(p.col);
    b.textContent = pairText(p, labels);
    b.title = `true ${labels[p.row] ?? p.row}, predicted ${labels[p.col] ?? p.col}: ${formatCount(p.count)}, ${formatShare(p.share)} of the true class`;
    b.style.cssText =
      'background: none; border: 0; color: inherit; font: inherit; text-align: left; cursor: pointer; display: block; width: 100%; padding: 1px 4px; white-space: nowrap; ' +
      'overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums;';
    b.addEventListener('click', () => onPick(p));
    li.appendChild(b);
    list.appendChild(li);
  }
  return list;
}
