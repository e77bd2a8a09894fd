import { classOrder, clusterOrder, positions } from '../../renderers/src/confusion/order';
import { pairsList, pairText, topConfused } from '../../renderers/src/confusion/pairs';

/** A seeded generator (mulberry32), so every run sees the same "random" matrices. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * n classes in blocks of `size`; within a block classes are confused with each other, across blocks (almost) never.
 * Class c of the payload is block member perm[c], so blocks are scattered over the labels.
 */
function blockMatrix(blocks: number, size: number, seed: number, noise = 0): { raw: Float64Array; block: number[] } {
  const n = blocks * size;
  const rand = rng(seed);
  const perm = shuffle(n, rand);
  const block = perm.map((m) => Math.floor(m / size));
  const raw = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) raw[i * n + j] = 100 + Math.floor(rand() * 50);
      else if (block[i] === block[j]) raw[i * n + j] = 5 + Math.floor(rand() * 20);
      else if (rand() < noise) raw[i * n + j] = 1;
    }
  }
  return { raw, block };
}

function contiguous(order: Int32Array, block: number[]): boolean {
  const seen = new Set<number>();
  let prev = -1;
  for (const c of order) {
    const b = block[c];
    if (b !== prev) {
      if (seen.has(b)) return false;
      seen.add(b);
      prev = b;
    }
  }
  return true;
}

const isPermutation = (o: Int32Array, n: number): boolean =>
  o.length === n && new Set(o).size === n && [...o].every((c) => c >= 0 && c < n);

describe('classOrder', () => {
  const raw = Float64Array.from([
    // true 0: support 10, 8 right; true 1: support 30, 15 right; true 2: support 0; true 3: support 20, 20 right
    8, 1, 0, 1, 10, 15, 5, 0, 0, 0, 0, 0, 0, 0, 0, 20,
  ]);

  it('by label keeps the payload order', () => {
    expect([...classOrder('label', raw, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('by support, largest first, ties in label order', () => {
    expect([...classOrder('support', raw, 4)]).toEqual([1, 3, 0, 2]);
    expect([...classOrder('support', new Float64Array(9), 3)]).toEqual([0, 1, 2]);
  });

  it('by error rate, worst first, classes without support last', () => {
    // error rates: 0 -> 0.2, 1 -> 0.5, 3 -> 0
    expect([...classOrder('error', raw, 4)]).toEqual([1, 0, 3, 2]);
  });

  it('positions inverts an order', () => {
    const o = Int32Array.from([2, 0, 3, 1]);
    const p = positions(o);
    for (let k = 0; k < 4; k++) expect(p[o[k]]).toBe(k);
  });

  it.each([
    [4, 5, 1],
    [6, 3, 2],
    [10, 8, 3],
  ])('clustered: %i shuffled blocks of %i come back contiguous (seed %i)', (blocks, size, seed) => {
    const { raw: m, block } = blockMatrix(blocks, size, seed);
    const n = blocks * size;
    // the label order scatters the blocks (else the test could pass by doing nothing)
    expect(contiguous(classOrder('label', m, n), block)).toBe(false);
    const o = classOrder('cluster', m, n);
    expect(isPermutation(o, n)).toBe(true);
    expect(contiguous(o, block)).toBe(true);
  });

  it('clustered: blocks stay contiguous with light cross-block noise', () => {
    const { raw: m, block } = blockMatrix(5, 6, 7, 0.05);
    expect(contiguous(classOrder('cluster', m, 30), block)).toBe(true);
  });

  it('clustered: a chain of confusions is laid out along the chain', () => {
    // 0-1-2-3-4 each confused only with its neighbours, in shuffled label positions
    const chain = [3, 0, 4, 1, 2]; // chain[k] is the class at chain position k
    const n = 5;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + i] = 100;
    for (let k = 0; k + 1 < n; k++) {
      m[chain[k] * n + chain[k + 1]] = 10 + k;
      m[chain[k + 1] * n + chain[k]] = 10 + k;
    }
    const o = [...clusterOrder(m, n)];
    expect(o.join() === chain.join() || o.join() === [...chain].reverse().join()).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])(
    'clustered: every cluster of a naive average linkage is contiguous (random matrix, seed %i)',
    (seed) => {
      const n = 14;
      const rand = rng(100 + seed);
      const m = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 500 : 1 + rand() * 40));
      // the reference: O(n³) greedy merging of the most similar pair, average linkage on the same similarity
      const support = Array.from({ length: n }, (_, i) => m.slice(i * n, i * n + n).reduce((a, b) => a + b, 0));
      const sim = (i: number, j: number): number => m[i * n + j] / support[i] + m[j * n + i] / support[j];
      let clusters = Array.from({ length: n }, (_, i) => [i]);
      const formed: number[][] = [];
      const link = (a: number[], b: number[]): number => {
        let t = 0;
        for (const i of a) for (const j of b) t += sim(i, j);
        return t / (a.length * b.length);
      };
      while (clusters.length > 1) {
        let best = [-1, -1, -Infinity];
        for (let x = 0; x < clusters.length; x++) {
          for (let y = x + 1; y < clusters.length; y++) {
            const l = link(clusters[x], clusters[y]);
            if (l > best[2]) best = [x, y, l];
          }
        }
        const merged = [...clusters[best[0]], ...clusters[best[1]]];
        formed.push(merged);
        clusters = clusters.filter((_, k) => k !== best[0] && k !== best[1]).concat([merged]);
      }
      const pos = positions(clusterOrder(m, n));
      for (const c of formed) {
        const ps = c.map((k) => pos[k]);
        expect(Math.max(...ps) - Math.min(...ps) + 1).toBe(c.length);
      }
    },
  );

  it('clustered: a diagonal matrix, NaN and empty classes give a permutation', () => {
    const n = 6;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + i] = i * 10;
    m[1 * n + 2] = NaN;
    const o = clusterOrder(m, n);
    expect(isPermutation(o, n)).toBe(true);
    // lone classes in support order
    expect([...o]).toEqual([5, 4, 3, 2, 1, 0]);
    expect([...classOrder('cluster', new Float64Array(1), 1)]).toEqual([0]);
  });

  it('clustered: 1,000 classes in well under a second', () => {
    const { raw: m, block } = blockMatrix(100, 10, 11, 0.002);
    const t0 = performance.now();
    const o = classOrder('cluster', m, 1000);
    const ms = performance.now() - t0;
    expect(isPermutation(o, 1000)).toBe(true);
    expect(contiguous(o, block)).toBe(true);
    // the budget is 100 ms in a browser; jest under ts-jest on a shared machine gets 10x slack
    expect(ms).toBeLessThan(1000);
  });
});

describe('topConfused', () => {
  const n = 3;
  const raw = Float64Array.from([50, 7, 3, 9, 40, 0, 2, 9, 30]);

  it('off-diagonal cells, largest first, ties by row then column, with the row share', () => {
    const top = topConfused(raw, n, 10);
    expect(top.map((p) => [p.row, p.col, p.count])).toEqual([
      [1, 0, 9],
      [2, 1, 9],
      [0, 1, 7],
      [0, 2, 3],
      [2, 0, 2],
    ]);
    expect(top[0].share).toBeCloseTo(9 / 49);
    expect(top.every((p) => p.row !== p.col)).toBe(true);
  });

  it('keeps only k, the same as a full sort would', () => {
    const rand = rng(3);
    const m = Float64Array.from({ length: 40 * 40 }, () => Math.floor(rand() * 20));
    const all = topConfused(m, 40, 1600);
    const top = topConfused(m, 40, 25);
    expect(top).toEqual(all.slice(0, 25));
    expect(topConfused(m, 40, 0)).toEqual([]);
  });

  it('ignores zeros, NaN and negatives', () => {
    const m = Float64Array.from([1, NaN, -2, 0]);
    expect(topConfused(m, 2, 5)).toEqual([]);
  });
});

describe('pairsList', () => {
  it('writes "true → predicted · count (share)" as text and calls back with the pair', () => {
    const labels = ['<b>cat</b>', 'dog', 'owl'];
    const pairs = topConfused(Float64Array.from([50, 7, 3, 9, 40, 0, 2, 9, 30]), 3, 2);
    const picked: number[][] = [];
    const el = pairsList(document, pairs, labels, (p) => picked.push([p.row, p.col]));
    const buttons = el.querySelectorAll('button');
    expect(buttons).toHaveLength(2);
    expect(buttons[0].textContent).toBe('dog → <b>cat</b> · 9 (18%)');
    expect(el.querySelector('b')).toBeNull(); // a label is text, never markup
    buttons[1].click();
    expect(picked).toEqual([[2, 1]]);
  });

  it('formats weights and small shares', () => {
    expect(pairText({ row: 0, col: 1, count: 1234.5678, share: 0.0004 }, ['a', 'b'])).toBe('a → b · 1,230 (<0.1%)');
    expect(pairText({ row: 0, col: 1, count: 12, share: 0.05 }, ['a', 'b'])).toBe('a → b · 12 (5.0%)');
  });

  it('says when nothing is confused', () => {
    const el = pairsList(document, [], [], () => undefined);
    expect(el.textContent).toMatch(/No confusions/);
  });
});
