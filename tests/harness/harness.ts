// The renderer harness: a bare page with the shared renderers, for browser tests, screenshots and benchmarks.
// It is a third host, as neutral as the renderers: it only passes a theme.
import { DARK, LIGHT, MIME_TYPES, decodeTensor, mount, mountError, type RenderHandle } from '@modelviz/renderers';
import { loadPlotly, loadTfjs } from '../../renderers/src/core/lazy';

declare global {
  interface Window {
    modelviz: typeof api;
  }
}

const api = {
  MIME_TYPES,
  decodeTensor,
  loadPlotly,
  loadTfjs,
  /** Render a payload in a new output box; returns the box id. `theme` is 'light' or 'dark'. */
  async render(mimeType: string, payload: unknown, theme: 'light' | 'dark' = 'light', width = 640): Promise<string> {
    const id = `out-${api.outputs.size}`;
    const box = document.createElement('div');
    box.id = id;
    box.className = 'harness-output';
    box.style.width = `${width}px`;
    box.style.padding = '8px';
    box.style.background = theme === 'dark' ? DARK.background : LIGHT.background;
    document.body.appendChild(box);
    const handle = mount(box, mimeType, payload, { theme: theme === 'dark' ? DARK : LIGHT });
    api.outputs.set(id, handle);
    await handle.ready;
    return id;
  },
  /** Render the raw text of an output that is not even JSON, as hosts do. */
  renderRaw(text: string): string {
    const id = `out-${api.outputs.size}`;
    const box = document.createElement('div');
    box.id = id;
    document.body.appendChild(box);
    try {
      JSON.parse(text);
    } catch (e) {
      api.outputs.set(id, mountError(box, 'modelviz: the output is not valid JSON', e));
    }
    return id;
  },
  update(id: string, payload: unknown): Promise<void> {
    const handle = api.outputs.get(id);
    if (!handle) throw new Error(`no output ${id}`);
    return handle.update(payload);
  },
  dispose(id: string): void {
    api.outputs.get(id)?.dispose();
    api.outputs.delete(id);
    document.getElementById(id)?.remove();
  },
  outputs: new Map<string, RenderHandle>(),
};

window.modelviz = api;
document.body.style.margin = '0';
document.body.dataset.ready = 'true';
