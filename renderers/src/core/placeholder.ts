import type { View } from './define.js';
import type { RenderContext } from './types.js';

/**
 * The view of a kind whose interactive renderer is not in this version yet: it says so plainly and shows
 * what the valid payload holds, so the output is never blank and never pretends to be the real thing.
 */
export function placeholderView(kind: string, describe: (parsed: unknown) => string) {
  return async (el: HTMLElement, parsed: unknown, _ctx: RenderContext): Promise<View<unknown>> => {
    const box = el.ownerDocument.createElement('div');
    box.className = 'mv-Placeholder';
    el.appendChild(box);
    const show = (p: unknown): void => {
      box.textContent = `modelviz ${kind}: ${describe(p)}. The interactive ${kind} view is not part of this version yet.`;
    };
    show(parsed);
    return { update: show, dispose: () => box.remove() };
  };
}
