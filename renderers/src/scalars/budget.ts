/**
 * The page-wide budget of live WebGL charts. Browsers keep ~16 WebGL contexts per page and drop the oldest past
 * that; every Plotly scattergl chart holds one, and a notebook may show several dashboards of dozens of tags. So all
 * scalars outputs of a page share this one budget: a chart asks for a slot when it scrolls into view, and when the
 * budget is full the least recently used chart (preferring one out of view) is freed (Plotly.purge).
 */

export interface GlClient {
  /** In (or near) the viewport now. */
  readonly visible: boolean;
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

  /** Take (or refresh) a slot for `c`, freeing others past the limit. */
  acquire(c: GlClient): void {
    this.live.set(c, ++this.clock);
    while (this.live.size > this.limit) {
      let victim: GlClient | undefined;
      let best = Infinity;
      for (const pass of [false, true]) {
        // first pass: out-of-view charts only; second: any other chart
        for (const [other, used] of this.live) {
          if (other === c || (!pass && other.visible)) continue;
          if (used < best) {
            best = used;
            victim = other;
          }
        }
        if (victim) break;
      }
      if (!victim) break;
      this.live.delete(victim);
      victim.release();
    }
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
