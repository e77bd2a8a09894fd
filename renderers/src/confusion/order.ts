// Class orderings for the matrix (rows and columns share one): as given, by support, by error rate, and clustered so
// that classes confused with each other sit together.
export type OrderKind = 'label' | 'support' | 'error' | 'cluster';

function rowSums(raw: Float64Array, n: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < n; j++) {
      const v = raw[i * n + j];
      if (Number.isFinite(v)) t += v;
    }
    s[i] = t;
  }
  return s;
}

/** Display position -> class index. 'label' keeps the payload's order; ties keep it too. */
export function classOrder(kind: OrderKind, raw: Float64Array, n: number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (kind === 'label' || n < 2) return idx;
  if (kind === 'cluster') return clusterOrder(raw, n);
  const support = rowSums(raw, n);
  if (kind === 'support') return idx.sort((a, b) => support[b] - support[a] || a - b);
  // error rate = 1 - recall; classes without support (no rate) go last
  const err = new Float64Array(n);
  for (let i = 0; i < n; i++) err[i] = support[i] > 0 ? 1 - raw[i * n + i] / support[i] : -1;
  return idx.sort((a, b) => err[b] - err[a] || support[b] - support[a] || a - b);
}

/**
 * Seriation by average-linkage clustering of the symmetric confusion similarity
 * S[i][j] = M[i][j] / support(i) + M[j][i] / support(j)  (i != j; the share of each class lost to the other),
 * merged greatest-similarity-first with the nearest-neighbour chain (O(n²) time, one n×n Float64Array), and read
 * off as the dendrogram's leaf order, each merge oriented so the two most similar ends meet. Clusters that share no
 * confusion with any other follow one another, the most internally confused first, lone classes last by support.
 */
export function clusterOrder(raw: Float64Array, n: number): Int32Array {
  const support = rowSums(raw, n);
  const sim = (i: number, j: number): number => {
    const a = support[i] > 0 ? raw[i * n + j] / support[i] : 0;
    const b = support[j] > 0 ? raw[j * n + i] / support[j] : 0;
    return (Number.isFinite(a) ? a : 0) + (Number.isFinite(b) ? b : 0);
  };
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = sim(i, j);
      S[i * n + j] = s;
      S[j * n + i] = s;
    }
  }
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  // leaf sequences, kept as arrays (concatenation is O(n) per merge, O(n²) in all)
  const seq: (number[] | null)[] = Array.from({ length: n }, (_, i) => [i]);
  const linked = new Float64Array(n); // total similarity inside the cluster, to order the unlinked remainder
  const chain: number[] = [];
  let remaining = n;
  const best = (a: number, prev: number): [number, number] => {
    // most similar active cluster to a; ties prefer prev (keeps the chain from cycling), then the lowest index
    let bj = -1;
    let bs = -Infinity;
    const row = a * n;
    for (let j = 0; j < n; j++) {
      if (j === a || !active[j]) continue;
      const s = S[row + j];
      if (s > bs || (s === bs && j === prev)) {
        bs = s;
        bj = j;
      }
    }
    return [bj, bs];
  };
  while (remaining > 1) {
    if (chain.length === 0) {
      let first = 0;
      while (!active[first]) first++;
      chain.push(first);
    }
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    const [b, s] = best(a, prev);
    if (s <= 0) {
      // a is confused with no other cluster left: it is final (joins the others by confusion mass below)
      chain.pop();
      active[a] = 0;
      remaining--;
      continue;
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    chain.pop();
    chain.pop();
    // merge b into a (Lance-Williams, average linkage)
    const na = size[a];
    const nb = size[b];
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === b) continue;
      const v = (na * S[a * n + k] + nb * S[b * n + k]) / (na + nb);
      S[a * n + k] = v;
      S[k * n + a] = v;
    }
    active[b] = 0;
    size[a] = na + nb;
    linked[a] += linked[b] + s;
    seq[a] = orient(seq[a] as number[], seq[b] as number[], sim);
    seq[b] = null;
    remaining--;
  }
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (seq[i]) roots.push(i);
  // clusters with confusion first (most confusion first), then lone classes by support
  const mass = (r: number): number => (seq[r] as number[]).reduce((t, c) => t + support[c], 0);
  roots.sort((x, y) => linked[y] - linked[x] || mass(y) - mass(x) || x - y);
  const out = new Int32Array(n);
  let p = 0;
  for (const r of roots) for (const c of seq[r] as number[]) out[p++] = c;
  return out;
}

/** a ++ b with each possibly reversed, so that the most similar pair of ends meets. */
function orient(a: number[], b: number[], sim: (i: number, j: number) => number): number[] {
  const a0 = a[0];
  const a1 = a[a.length - 1];
  const b0 = b[0];
  const b1 = b[b.length - 1];
  const options: [number, boolean, boolean][] = [
    [sim(a1, b0), false, false],
    [sim(a1, b1), false, true],
    [sim(a0, b0), true, false],
    [sim(a0, b1), true, true],
  ];
  let pick = options[0];
  for (const o of options) if (o[0] > pick[0]) pick = o;
  const left = pick[1] ? a.slice().reverse() : a;
  const right = pick[2] ? b.slice().reverse() : b;
  return left.concat(right);
}

/** Inverse permutation: class index -> display position. */
export function positions(order: Int32Array): Int32Array {
  const pos = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) pos[order[p]] = p;
  return pos;
}
