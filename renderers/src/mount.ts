import { errorBox, problemsOf } from './core/errors.js';
import { ensureStyles } from './core/style.js';
import type { RenderContext, RenderHandle } from './core/types.js';
import { entryForMime } from './registry.js';

function failed(element: HTMLElement, title: string, error: unknown): RenderHandle {
  ensureStyles(element.ownerDocument);
  const box = errorBox(element.ownerDocument, title, problemsOf(error));
  element.appendChild(box);
  return { ready: Promise.resolve(), update: () => Promise.resolve(), dispose: () => box.remove() };
}

/**
 * What hosts call: render a modelviz MIME output into `element`, loading the kind's code on first use.
 * Updates that arrive while the code loads are applied in order; nothing here throws into the host.
 */
export function mount(element: HTMLElement, mimeType: string, payload: unknown, context: RenderContext): RenderHandle {
  const entry = entryForMime(mimeType);
  if (!entry) return failed(element, `modelviz: no renderer for ${mimeType}`, new Error('unknown MIME type'));
  let inner: RenderHandle | undefined;
  let disposed = false;
  const started = entry.load().then(
    (render) => {
      if (disposed) return;
      try {
        inner = render(element, payload, context);
      } catch (e) {
        inner = failed(element, `modelviz: the ${entry.kind} renderer failed`, e);
      }
      return inner.ready;
    },
    (e: unknown) => {
      if (!disposed) inner = failed(element, `modelviz: could not load the ${entry.kind} renderer`, e);
    },
  );
  let last: Promise<void> = started;
  let pending: { payload: unknown } | undefined;
  return {
    ready: started,
    update(next: unknown): Promise<void> {
      // Once mounted, the renderer orders (and coalesces) updates itself; while its code loads and the first
      // payload draws, only the newest update is kept for afterwards (every snapshot is complete).
      if (inner && !pending) return inner.update(next);
      if (pending) {
        pending.payload = next;
        return last;
      }
      const slot = { payload: next };
      pending = slot;
      last = started.then(() => {
        pending = undefined;
        return inner?.update(slot.payload);
      });
      return last;
    },
    dispose(): void {
      disposed = true;
      inner?.dispose();
      inner = undefined;
    },
  };
}

/** For hosts whose data could not even be read (e.g. invalid JSON): the same error box. */
export function mountError(element: HTMLElement, title: string, error: unknown): RenderHandle {
  return failed(element, title, error);
}
