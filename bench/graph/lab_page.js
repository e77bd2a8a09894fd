/* global window, requestAnimationFrame, MutationObserver, WheelEvent */
// Page side of bench/graph/run_real_e2e.py, injected into a JupyterLab page showing the benchmark's notebook (the
// app is exposed as window.jupyterapp). `runCell` runs one cell the way Shift+Enter does (the notebook's own
// `notebook:run-cell` command) and times, with performance.now() in the page, from that command to the graph's
// first drawn frame: the output's `.mv-Root.mv-Graph` gets `data-mv-state` (set once its view is drawn), two
// animation frames pass, and one pixel is read back from the view's WebGL canvas (software WebGL finishes a frame
// only when its pixels can be read). `openBlock` and `zoomTo` expand a group and zoom onto it (for screenshots).
(() => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const notebook = () => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.content.widgets) throw new Error('no notebook is the current widget');
    return panel;
  };
  const limit = (promise, ms, what) => {
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} not done in ${Math.round(ms / 1000)} s`)), ms);
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  };
  const pixel = new Uint8Array(4);
  const finish = (view) => {
    for (const c of view ? view.querySelectorAll('canvas') : []) {
      const gl = c.getContext('webgl2') || c.getContext('webgl');
      if (gl) {
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        return true;
      }
    }
    return false;
  };
  const graphIn = (index) => {
    const view = notebook().content.widgets[index].node.querySelector('.mv-GraphView');
    return { view, g: view && view.mvGraph };
  };
  const idle = async (view) => {
    for (let i = 0; i < 600 && view.dataset.mvLayout === 'busy'; i++) await frame();
  };
  const stdoutOf = (cell) =>
    cell.model.outputs
      .toJSON()
      .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text))
      .join('');
  const errorOf = (cell) => {
    const e = cell.model.outputs.toJSON().find((o) => o.output_type === 'error');
    return e ? `${e.ename}: ${e.evalue}` : '';
  };

  window.labBench = {
    /** The kernel is connected and idle. */
    kernelIdle() {
      const w = window.jupyterapp.shell.currentWidget;
      const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
      return Boolean(k && k.connectionStatus === 'connected' && k.status === 'idle');
    },
    /** Runs cell `index` (its old outputs cleared first, untimed). With `graph`, resolves once a graph output is
     * drawn, with the times from the run command; then waits for the execution to end. */
    async runCell(index, graph, limitMs) {
      const panel = notebook();
      const nb = panel.content;
      const cell = nb.widgets[index];
      cell.model.outputs.clear();
      cell.model.deleteMetadata('execution');
      await frame();
      await frame();
      nb.mode = 'command';
      nb.activeCellIndex = index;
      nb.deselectAll();
      const host = cell.node;
      let outputMs = null;
      let root = null;
      let t0 = 0;
      const drawn = new Promise((resolve) => {
        const check = () => {
          const r = host.querySelector('.mv-Root.mv-Graph');
          if (r && outputMs === null) outputMs = performance.now() - t0;
          if (r && r.dataset.mvState) {
            obs.disconnect();
            resolve(r);
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(host, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-mv-state'] });
      });
      t0 = performance.now();
      const ran = window.jupyterapp.commands.execute('notebook:run-cell');
      let ms = null;
      let pixels = false;
      if (graph) {
        // a cell that ends in an error draws nothing: fail at once rather than at the time limit
        const failed = ran.then(() => {
          if (errorOf(cell)) throw new Error(`the cell failed: ${errorOf(cell)}`);
          return drawn;
        });
        root = await limit(Promise.race([drawn, failed]), limitMs, 'the graph');
        await frame();
        await frame();
        pixels = finish(root.querySelector('.mv-GraphView'));
        ms = performance.now() - t0;
      }
      await limit(ran, limitMs, `cell ${index}`);
      const runMs = performance.now() - t0;
      const view = root && root.querySelector('.mv-GraphView');
      return {
        ms,
        outputMs,
        runMs,
        pixels,
        state: root ? root.dataset.mvState : null,
        stats: view && view.mvGraph ? view.mvGraph.stats() : null,
        bar:
          root && root.querySelector('.mv-GraphBar')
            ? root.querySelector('.mv-GraphBar').textContent.slice(0, 300)
            : '',
        messages: root ? [...root.querySelectorAll('.mv-Message')].map((m) => m.textContent) : [],
        errorBox: root && root.querySelector('.mv-Error') ? root.querySelector('.mv-Error').textContent : '',
        execution: cell.model.getMetadata('execution') || null,
        executionCount: cell.model.executionCount,
        stdout: stdoutOf(cell),
        error: errorOf(cell),
      };
    },
    /** Expands `path`'s ancestors, `path` (a group of cell `index`'s graph) and the groups in `inside` (its
     * subgroups, parents first). False without a graph view. */
    async openBlock(index, path, inside) {
      const { view, g } = graphIn(index);
      if (!g) return false;
      const parts = path.split('/');
      for (const p of [...parts.map((_, i) => parts.slice(0, i + 1).join('/')), ...inside]) {
        await g.expand(p);
        await idle(view);
      }
      return true;
    },
    /** Zooms onto group `path` with the view's own wheel zoom (exp(-deltaY * 0.0015)) around its centre, then pans:
     * `fit` shows the whole group in 90% of the view; `top` makes it 85% of the view's width with its top at the
     * top of the view (a tall group is read from its beginning, as Netron shows a graph from its top at 100%).
     * Returns the group's box before and after, or null when it is not drawn. */
    async zoomTo(index, path, mode) {
      const { view, g } = graphIn(index);
      const box = g && g.locate(path);
      if (!box) return null;
      const stage = view.querySelector('.mv-GraphStage') || view;
      const rect = stage.getBoundingClientRect();
      const wide = (0.85 * rect.width) / box.w;
      const factor = mode === 'fit' ? Math.min((0.9 * rect.width) / box.w, (0.9 * rect.height) / box.h) : wide;
      stage.dispatchEvent(
        new WheelEvent('wheel', {
          deltaY: -Math.log(factor) / 0.0015,
          clientX: rect.left + box.x + box.w / 2,
          clientY: rect.top + box.y + box.h / 2,
          bubbles: true,
          cancelable: true,
        }),
      );
      const after = g.locate(path);
      if (after) {
        const centred = rect.height / 2 - (after.y + after.h / 2);
        g.panBy(rect.width / 2 - (after.x + after.w / 2), mode === 'fit' ? centred : Math.max(centred, 16 - after.y));
      }
      await idle(view);
      await frame();
      await frame();
      finish(view);
      return { before: box, after: g.locate(path), stats: g.stats() };
    },
  };
})();
