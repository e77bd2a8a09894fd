// One layout worker per page, shared by every graph output and terminated with the last of them. Small containers
// are laid out synchronously on the main thread (dagre on 50 boxes takes a few ms, far less than a worker round trip
// and its start-up); only big ones go to the worker. When a worker cannot start (no Worker, a CSP that refuses blob:
// workers), layouts run on the main thread one group per slice.
import { layoutOne, type LayoutRequest, type LayoutResult } from './layout-engine.js';

/** Containers with at most this many children are laid out on the main thread, without the worker. */
export const SYNC_MAX_CHILDREN = 150;
/** Main-thread layout time (ms) one call may spend on small containers before it hands the rest to the worker. */
const SYNC_BUDGET_MS = 40;

type Pending = { resolve: (r: LayoutResult[]) => void; requests: LayoutRequest[] };

class LayoutService {
  private worker: Worker | undefined;
  private url: string | undefined;
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  users = 0;

  get usingWorker(): boolean {
    return !!this.worker && !this.failed;
  }

  private async start(): Promise<Worker | undefined> {
    if (this.worker || this.failed) return this.worker;
    try {
      if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function')
        throw new Error('no Worker');
      const { GRAPH_WORKER_SOURCE } = await import('../generated/graph-worker.js');
      if (this.worker || this.failed) return this.worker;
      this.url = URL.createObjectURL(new Blob([GRAPH_WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(this.url);
      worker.onmessage = (ev: MessageEvent<{ id: number; results: LayoutResult[] }>) => {
        const p = this.pending.get(ev.data.id);
        if (!p) return;
        this.pending.delete(ev.data.id);
        p.resolve(ev.data.results);
      };
      worker.onerror = (ev) => {
        ev.preventDefault?.();
        this.fail();
      };
      this.worker = worker;
    } catch {
      this.fail();
    }
    return this.worker;
  }

  /** The worker is unusable: stop it and run whatever was waiting on the main thread. */
  private fail(): void {
    this.failed = true;
    this.worker?.terminate();
    this.worker = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) void onMainThread(p.requests).then(p.resolve);
  }

  /** Starts the worker ahead of the first big layout (after the first paint), so that layout does not wait for it. */
  warm(): void {
    void this.start();
  }

  async run(requests: LayoutRequest[]): Promise<LayoutResult[]> {
    if (!requests.length) return [];
    // Small containers now, on this thread, within a time budget; the rest (and anything big) to the worker.
    const out: LayoutResult[] = [];
    const rest: LayoutRequest[] = [];
    const t0 = performance.now();
    for (const r of requests) {
      if (r.w.length <= SYNC_MAX_CHILDREN && performance.now() - t0 < SYNC_BUDGET_MS) out.push(layoutOne(r));
      else rest.push(r);
    }
    if (!rest.length) return out;
    return out.concat(await this.remote(rest));
  }

  private async remote(requests: LayoutRequest[]): Promise<LayoutResult[]> {
    const worker = await this.start();
    if (!worker) return onMainThread(requests);
    const id = this.nextId++;
    return new Promise<LayoutResult[]>((resolve) => {
      this.pending.set(id, { resolve, requests });
      worker.postMessage({ id, requests });
    });
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
    // Anything still waiting is finished on the main thread rather than dropped.
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) void onMainThread(p.requests).then(p.resolve);
  }
}

/** The same layout on the main thread, yielding between groups so the page keeps responding. */
export async function onMainThread(requests: LayoutRequest[]): Promise<LayoutResult[]> {
  const out: LayoutResult[] = [];
  let sliceStart = performance.now();
  for (const r of requests) {
    out.push(layoutOne(r));
    if (performance.now() - sliceStart > 30) {
      await new Promise((res) => setTimeout(res, 0));
      sliceStart = performance.now();
    }
  }
  return out;
}

let shared: LayoutService | undefined;

export interface LayoutHandle {
  run(requests: LayoutRequest[]): Promise<LayoutResult[]>;
  readonly usingWorker: boolean;
  /** Start the worker now (it is otherwise started by the first big layout). */
  warm(): void;
  release(): void;
}

/** A handle on the page's layout service; the service (and its worker) ends when the last handle is released. */
export function acquireLayout(): LayoutHandle {
  shared ??= new LayoutService();
  const service = shared;
  service.users++;
  let released = false;
  return {
    run: (requests) => service.run(requests),
    warm: () => {
      if (!released) service.warm();
    },
    get usingWorker() {
      return service.usingWorker;
    },
    release(): void {
      if (released) return;
      released = true;
      service.users--;
      if (service.users === 0) {
        service.terminate();
        if (shared === service) shared = undefined;
      }
    },
  };
}

/** For tests: how many outputs hold the shared service (0 when none exists). */
export function layoutUsers(): number {
  return shared?.users ?? 0;
}
