// The Scalars tab: a tag filter and one collapsible section per tag prefix, each a grid of charts. Charts are drawn
// when they scroll into view (IntersectionObserver) and share the page's WebGL budget.
import { ScalarChart, type ChartHost } from './chart.js';
import { groupTags, makeFilter, type Series } from './parse.js';
import { validRegex } from './runs.js';

/** Charts further than this from the view are freed (Plotly.purge) even when the budget has room. */
const FAR_PX = 2000;

interface Section {
  el: HTMLDetailsElement;
  count: HTMLElement;
  grid: HTMLElement;
}

export class ScalarsPanel {
  readonly el: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly sectionsEl: HTMLElement;
  private readonly none: HTMLElement;
  readonly charts = new Map<string, ScalarChart>();
  private readonly sections = new Map<string, Section>();
  private readonly observer: IntersectionObserver | null;
  private readonly farObserver: IntersectionObserver | null;
  private readonly viewObserver: IntersectionObserver | null;
  private queue: Promise<void> = Promise.resolve();
  private shown = false;
  private stale = false;

  constructor(private readonly host: ChartHost) {
    const doc = host.doc;
    this.el = doc.createElement('div');
    this.el.className = 'mv-ScalarsPanel';
    this.filter = doc.createElement('input');
    this.filter.type = 'search';
    this.filter.className = 'mv-ScalarsTags-filter';
    this.filter.placeholder = 'Filter tags (regex)';
    this.filter.setAttribute('aria-label', 'Filter tags (regular expression)');
    this.filter.addEventListener('input', this.onFilter);
    this.none = doc.createElement('div');
    this.none.className = 'mv-ScalarsNote';
    this.none.hidden = true;
    this.sectionsEl = doc.createElement('div');
    this.sectionsEl.className = 'mv-ScalarsSections';
    this.el.append(this.filter, this.none, this.sectionsEl);
    const IO = doc.defaultView?.IntersectionObserver;
    this.observer = IO ? new IO(this.onIntersect, { rootMargin: '300px 0px' }) : null;
    // charts that enter the viewport itself are drawn even when the near margin's charts took the budget
    this.viewObserver = IO ? new IO(this.onView) : null;
    // charts that leave a wide band around the view give their WebGL context back at once
    this.farObserver = IO ? new IO(this.onFar, { rootMargin: `${FAR_PX}px 0px` }) : null;
  }

  private readonly onFilter = (): void => {
    this.filter.classList.toggle('mv-invalid', !validRegex(this.filter.value.trim()));
    this.applyFilter();
  };

  private reported: (() => void) | null = null;

  private readonly onIntersect = (entries: IntersectionObserverEntry[]): void => {
    const report = this.reported;
    this.reported = null;
    for (const e of entries) {
      const chart = this.charts.get((e.target as HTMLElement).dataset.tag ?? '');
      if (!chart) continue;
      chart.visible = e.isIntersecting;
      if (e.isIntersecting && this.shown) {
        if (chart.isLive) this.host.budget.touch(chart);
        else this.enqueue(() => (chart.visible && !chart.isLive ? chart.activate() : undefined));
      }
    }
    report?.();
  };

  /**
   * Resolves when the charts in view are drawn: after the observer's next report and the draws it queued (or at
   * once without an observer, after the first charts are drawn). A hidden or detached panel does not wait long.
   */
  async firstDraw(): Promise<void> {
    if (this.observer && this.shown && this.charts.size) {
      const win = this.host.doc.defaultView;
      await new Promise<void>((resolve) => {
        this.reported = resolve;
        win?.setTimeout(resolve, 2000);
      });
    }
    await this.queue;
  }

  private readonly onView = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      const chart = this.charts.get((e.target as HTMLElement).dataset.tag ?? '');
      if (!chart) continue;
      chart.inView = e.isIntersecting;
      if (e.isIntersecting) chart.visible = true;
      if (e.isIntersecting && this.shown && !chart.isLive) {
        this.enqueue(() => (chart.inView && !chart.isLive ? chart.activate() : undefined));
      }
    }
  };

  private readonly onFar = (entries: IntersectionObserverEntry[]): void => {
    for (const e of entries) {
      if (e.isIntersecting) continue;
      const chart = this.charts.get((e.target as HTMLElement).dataset.tag ?? '');
      if (chart?.isLive) chart.deactivate();
    }
  };

  private enqueue(fn: () => Promise<void> | undefined): void {
    this.queue = this.queue.then(fn).catch(() => undefined);
  }

  private applyFilter(): void {
    const match = makeFilter(this.filter.value);
    let any = 0;
    for (const [, s] of this.sections) {
      let n = 0;
      for (const chartEl of s.grid.children) {
        const ok = match((chartEl as HTMLElement).dataset.tag ?? '');
        (chartEl as HTMLElement).hidden = !ok;
        if (ok) n++;
      }
      s.el.hidden = n === 0;
      s.count.textContent = String(n);
      any += n;
    }
    this.none.hidden = any > 0 || this.charts.size === 0;
    this.none.textContent = 'No tag matches the filter.';
    if (!this.observer) this.drawFirst();
  }

  /** Without IntersectionObserver: draw the first charts the budget allows, in order (the rest on click). */
  private drawFirst(): void {
    if (!this.shown) return;
    let n = 0;
    for (const chart of this.charts.values()) {
      if (chart.el.hidden || chart.el.parentElement?.closest('details')?.hidden) continue;
      if (n++ >= this.host.budget.limit) break;
      chart.visible = chart.inView = true;
      if (!chart.isLive) this.enqueue(() => chart.activate());
    }
  }

  /** Show the panel (the tab became active): charts in view get drawn. */
  show(on: boolean): void {
    this.shown = on;
    this.el.hidden = !on;
    if (!on) return;
    if (this.stale) void this.redrawLive();
    if (this.observer) {
      // re-observe so charts already in view are reported again
      for (const c of this.charts.values()) {
        for (const o of [this.observer, this.viewObserver]) {
          o?.unobserve(c.el);
          o?.observe(c.el);
        }
      }
    } else this.drawFirst();
  }

  setSeries(series: Series[]): void {
    const byTag = new Map<string, Series[]>();
    for (const s of series) {
      let list = byTag.get(s.tag);
      if (!list) byTag.set(s.tag, (list = []));
      list.push(s);
    }
    const groups = groupTags([...byTag.keys()]);
    const doc = this.host.doc;
    const keepSections = new Set<string>();
    for (const g of groups) {
      keepSections.add(g.section);
      let sec = this.sections.get(g.section);
      if (!sec) {
        const el = doc.createElement('details');
        el.className = 'mv-ScalarsSection';
        el.open = true;
        el.dataset.section = g.section;
        const summary = doc.createElement('summary');
        const name = doc.createElement('span');
        name.className = 'mv-ScalarsSection-name';
        name.textContent = g.section;
        const count = doc.createElement('span');
        count.className = 'mv-ScalarsSection-count';
        summary.append(name, count);
        const grid = doc.createElement('div');
        grid.className = 'mv-ScalarsGrid';
        el.append(summary, grid);
        sec = { el, count, grid };
        this.sections.set(g.section, sec);
      }
      const charts: HTMLElement[] = [];
      for (const tag of g.tags) {
        let chart = this.charts.get(tag);
        if (!chart) {
          chart = new ScalarChart(this.host, tag);
          this.charts.set(tag, chart);
          this.observer?.observe(chart.el);
          this.farObserver?.observe(chart.el);
          this.viewObserver?.observe(chart.el);
        }
        chart.setSeries(byTag.get(tag)!);
        charts.push(chart.el);
      }
      // append in order; nodes already in place are not moved (no flicker, scroll position kept)
      charts.forEach((c, i) => {
        if (sec.grid.children[i] !== c) sec.grid.insertBefore(c, sec.grid.children[i] ?? null);
      });
    }
    for (const [tag, chart] of this.charts) {
      if (byTag.has(tag)) continue;
      this.observer?.unobserve(chart.el);
      this.farObserver?.unobserve(chart.el);
      this.viewObserver?.unobserve(chart.el);
      chart.dispose();
      this.charts.delete(tag);
    }
    for (const [name, sec] of this.sections) {
      if (keepSections.has(name)) continue;
      sec.el.remove();
      this.sections.delete(name);
    }
    groups.forEach((g, i) => {
      const el = this.sections.get(g.section)!.el;
      if (this.sectionsEl.children[i] !== el) this.sectionsEl.insertBefore(el, this.sectionsEl.children[i] ?? null);
    });
    this.applyFilter();
  }

  /** Redraw every live chart (settings, runs or data changed). */
  async redrawLive(): Promise<void> {
    if (!this.shown) {
      // another tab is showing: redraw when this one is shown again
      this.stale = true;
      return;
    }
    this.stale = false;
    await Promise.all([...this.charts.values()].map((c) => c.redraw()));
  }

  get liveCount(): number {
    let n = 0;
    for (const c of this.charts.values()) if (c.isLive) n++;
    return n;
  }

  shownPoints(): number {
    let n = 0;
    for (const c of this.charts.values()) if (c.isLive) n += c.shownPoints;
    return n;
  }

  /** Resolves when queued chart activations are done (tests and the first render wait on it). */
  settled(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    this.observer?.disconnect();
    this.farObserver?.disconnect();
    this.viewObserver?.disconnect();
    this.filter.removeEventListener('input', this.onFilter);
    for (const c of this.charts.values()) c.dispose();
    this.charts.clear();
  }
}
