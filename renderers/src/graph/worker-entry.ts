// The layout worker: bundled with dagre into one string by scripts/gen-graph-worker.mjs and started from a Blob URL,
// so it runs the same from file://, JupyterLab and a VS Code webview (where a cross-origin worker URL is refused).
import { layoutOne, type LayoutRequest, type LayoutResult } from './layout-engine.js';

interface Scope {
  onmessage: ((ev: MessageEvent<{ id: number; requests: LayoutRequest[] }>) => void) | null;
  postMessage(message: { id: number; results: LayoutResult[] }): void;
}

const scope = self as unknown as Scope;
scope.onmessage = (ev) => {
  const { id, requests } = ev.data;
  scope.postMessage({ id, results: requests.map(layoutOne) });
};
