/* global window, document, requestAnimationFrame, MutationObserver */
// Page side of bench/graph/run_browser.py, injected as-is into the harness page. It drives the graph view through
// its automation contract (the `.mv-GraphView` element's `mvGraph` property) and times everything with
// performance.now() inside the page, so the Python driver's round trips never count.
// A step runs as a job: `start` returns a job id at once, the driver waits (with its own time limit) for
// `jobs[id].done`, then reads `jobs[id].result` or `jobs[id].error`.
(() => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const frames = async (n) => {
    for (let i = 0; i < n; i++) await frame();
  };
  const viewOf = (id) => document.querySelector(`#${id} .mv-GraphView`);
  const graphOf = (id) => {
    const el = viewOf(id);
    if (!el || !el.mvGraph) throw new Error('renderer not interactive yet (no mvGraph on .mv-GraphView)');
    return { el, g: el.mvGraph };
  };
  // resolves once the view's layout is idle (at once if it is not busy)
  const idle = (el) =>
    new Promise((resolve) => {
      if (el.dataset.mvLayout !== 'busy') return resolve();
      const obs = new MutationObserver(() => {
        if (el.dataset.mvLayout !== 'busy') {
          obs.disconnect();
          resolve();
        }
      });
      obs.observe(el, { attributes: true, attributeFilter: ['data-mv-layout'] });
    });

  const steps = {
    /** JSON.parse of the payload text, render, its `ready`, then two frames: time to first paint (collapsed). */
    async firstPaint(mime, width) {
      const text = window.graphBenchText;
      const t0 = performance.now();
      const payload = JSON.parse(text);
      const id = await window.modelviz.render(mime, payload, 'light', width);
      await frames(2);
      const ms = performance.now() - t0;
      const el = viewOf(id);
      const interactive = Boolean(el && el.mvGraph);
      const box = document.getElementById(id);
      return {
        id,
        ms,
        interactive,
        stats: interactive ? el.mvGraph.stats() : null,
        text: interactive ? '' : (box ? box.textContent : '').slice(0, 300),
      };
    },
    /** One operation of the contract (expand, collapse, expandAll, collapseAll), until the layout is idle. */
    async op(id, name, arg, nframes) {
      const { el, g } = graphOf(id);
      const t0 = performance.now();
      await g[name](arg);
      await idle(el);
      await frames(nframes);
      return { ms: performance.now() - t0, stats: g.stats() };
    },
    /** Expands groups in order until at least `target` nodes are visible (not timed). */
    async expandUntil(id, paths, target) {
      const { el, g } = graphOf(id);
      for (const p of paths) {
        if (g.stats().visibleNodes >= target) break;
        await g.expand(p);
        await idle(el);
      }
      g.fit();
      await frames(2);
      return { stats: g.stats() };
    },
    /** `n` pan frames, one per animation frame: the synchronous panBy (it redraws), the frame-to-frame interval,
     * then `n` bare draw() calls. */
    async pan(id, n, step) {
      const { g } = graphOf(id);
      const panMs = [];
      const intervals = [];
      let last = null;
      for (let i = 0; i < n; i++) {
        await frame();
        const now = performance.now();
        if (last !== null) intervals.push(now - last);
        last = now;
        const dx = i % 20 < 10 ? step : -step; // back and forth, so the same nodes stay in view
        const t0 = performance.now();
        g.panBy(dx, 0);
        panMs.push(performance.now() - t0);
      }
      const drawMs = [];
      for (let i = 0; i < n; i++) drawMs.push(g.draw());
      return { panMs, intervals, drawMs, stats: g.stats() };
    },
    async dispose(id) {
      window.modelviz.dispose(id);
      await frame();
      return {};
    },
  };

  const jobs = {};
  let next = 0;
  window.graphBench = {
    jobs,
    start(name, ...args) {
      const job = `job${next++}`;
      jobs[job] = { done: false };
      Promise.resolve()
        .then(() => steps[name](...args))
        .then(
          (result) => Object.assign(jobs[job], { done: true, result }),
          (e) => Object.assign(jobs[job], { done: true, error: String((e && e.stack) || e) }),
        );
      return job;
    },
  };
})();
