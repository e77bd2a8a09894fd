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
  // The view's WebGL context, to wait for the GPU: software WebGL (SwiftShader) does the drawing after the
  // synchronous draw call returns, so a frame is only done once its pixels can be read back. getContext with the
  // type a canvas already has returns its existing context (a 2d canvas answers null).
  // Kept once found (a canvas without a context would get one from each probe; the view's canvases have theirs).
  const gls = new WeakMap();
  const glOf = (el) => {
    if (!gls.has(el)) {
      for (const c of el.querySelectorAll('canvas')) {
        const gl = c.getContext('webgl2') || c.getContext('webgl');
        if (gl) {
          gls.set(el, gl);
          break;
        }
      }
    }
    return gls.get(el) || null;
  };
  const pixel = new Uint8Array(4);
  const finish = (gl) => {
    if (gl) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
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
      const el = viewOf(id);
      if (el) finish(glOf(el));
      const ms = performance.now() - t0;
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
      finish(glOf(el));
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
    /** Up to `n` pan frames (fewer if they pass `budgetMs`), one per animation frame: panBy (it redraws
     * synchronously) until its pixels are done, the synchronous part alone, and the frame-to-frame interval; then
     * the renderer's own draw() figure. */
    async pan(id, n, step, budgetMs) {
      const { el, g } = graphOf(id);
      const gl = glOf(el);
      const frameMs = [];
      const syncMs = [];
      const intervals = [];
      let last = null;
      const start = performance.now();
      for (let i = 0; i < n && performance.now() - start < budgetMs; i++) {
        await frame();
        const now = performance.now();
        if (last !== null) intervals.push(now - last);
        last = now;
        const dx = i % 20 < 10 ? step : -step; // back and forth, so the same nodes stay in view
        const t0 = performance.now();
        g.panBy(dx, 0);
        const t1 = performance.now();
        finish(gl);
        frameMs.push(performance.now() - t0);
        syncMs.push(t1 - t0);
      }
      const drawMs = [];
      for (let i = 0; i < Math.min(10, frameMs.length); i++) drawMs.push(g.draw());
      finish(gl);
      return { frameMs, syncMs, intervals, drawMs, gpuSync: gl !== null, stats: g.stats() };
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
