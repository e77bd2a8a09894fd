/**
 * The page-wide budget of live WebGL charts. Browsers keep ~16 WebGL contexts per page and drop the oldest past
 * that; every Plotly scattergl chart holds one, and a notebook may show several dashboards of dozens of tags. So all
 * scalars outputs of a page share this one budget: a chart asks for a slot when it scrolls into view, and when the
 * budget is full the least recently used chart (preferring one out of view) is freed (Plotly.purge).
 */

export interface GlClient {
  /** Near the viewport (within the pre-draw margin). */
  readonly visible: boolean;
  /** In the viewport itself. */
  readonly inView: boolean;
  /** Free the chart's WebGL context (it can be drawn again later). */
  release(): void;
}

export const DEFAULT_LIMIT = 8;

export class GlBudget {
  private readonly live = new Map<GlClient, number>();
  private clock = 0;

  constructor(public limit = DEFAULT_LIMIT) {}

  get size(): number {
    return this.live.size;
  }

  has(c: GlClient): boolean {
    return this.live.has(c);
  }

  private lru(skip: GlClient, ok: (c: GlClient) => boolean): GlClient | undefined {
    let victim: GlClient | undefined;
    let best = Infinity;
    for (const [other, used] of this.live) {
      if (other !== skip && ok(other) && used < best) {
        best = used;
        victim = other;
      }
    }
    return victim;
  }

  /**
   * A slot for `c`, freeing another chart when the budget is full: the least recently used one out of view, else
   * one only near the view; a chart in the viewport is given up only for another chart in the viewport. Returns
   * false (and draws nothing) when `c` is merely near the view and every live chart is in it.
   */
  acquire(c: GlClient): boolean {
    if (this.live.has(c)) {
      this.touch(c);
      return true;
    }
    while (this.live.size >= this.limit) {
      const victim =
        this.lru(c, (o) => !o.visible) ??
        this.lru(c, (o) => !o.inView) ??
        (c.inView ? this.lru(c, () => true) : undefined);
      if (!victim) return false;
      this.live.delete(victim);
      victim.release();
    }
    this.live.set(c, ++this.clock);
    return true;
  }

  touch(c: GlClient): void {
    if (this.live.has(c)) this.live.set(c, ++this.clock);
  }

  /** `c` freed its context itself (disposal, or scrolled far away). */
  forget(c: GlClient): void {
    this.live.delete(c);
  }
}

/** One budget per page (window), whichever outputs and bundles draw into it. */
export function pageBudget(win: Window | null): GlBudget {
  const holder = (win ?? globalThis) as unknown as { __modelvizGlBudget?: GlBudget };
  holder.__modelvizGlBudget ??= new GlBudget();
  return holder.__modelvizGlBudget;
}
