import type { KindName } from '../generated/kinds.js';
import type { Message } from '../generated/confusion.js';
import { errorBox, problemsOf } from './errors.js';
import { applyTheme, ensureStyles } from './style.js';
import type { Problem, RenderContext, RenderFunction, RenderHandle } from './types.js';
import { validatePayload } from './validate.js';

/** A kind's live view: created on the first valid payload, updated in place on later ones. */
export interface View<T> {
  update(parsed: T): void | Promise<void>;
  dispose(): void;
}

export interface KindRenderer<P, T> {
  kind: KindName;
  /** Semantic checks past the schema, and decoding (throws PayloadError with a JSON pointer). */
  parse(payload: P): T;
  /** Draw into `el`; the returned promise resolves when drawn. */
  create(el: HTMLElement, parsed: T, context: RenderContext): Promise<View<T>>;
}

function messagesList(doc: Document, messages: Message[] | undefined): HTMLElement | null {
  if (!messages?.length) return null;
  const list = doc.createElement('ul');
  list.className = 'mv-Messages';
  for (const m of messages) {
    const item = doc.createElement('li');
    item.className = 'mv-Message';
    item.dataset.level = m.level;
    item.textContent = m.text;
    if (m.details) {
      // The full reason (an exception's text, what the tracer said) on demand, as text: never parsed as HTML.
      const more = doc.createElement('details');
      more.className = 'mv-MessageDetails';
      const summary = doc.createElement('summary');
      summary.textContent = 'details';
      const body = doc.createElement('pre');
      body.textContent = m.details;
      more.append(summary, body);
      item.appendChild(more);
    }
    list.appendChild(item);
  }
  return list;
}

/**
 * The one place every kind goes through: schema validation, version check, parse, draw, in-place updates,
 * error boxes (a bad update keeps the last good view under the error), disposal.
 */
export function defineRenderer<P extends { messages?: Message[] }, T>(spec: KindRenderer<P, T>): RenderFunction {
  return (element: HTMLElement, payload: unknown, context: RenderContext): RenderHandle => {
    const doc = element.ownerDocument;
    ensureStyles(doc);
    const root = doc.createElement('div');
    root.className = `mv-Root mv-${spec.kind[0].toUpperCase()}${spec.kind.slice(1)}`;
    applyTheme(root, context.theme);
    const notices = doc.createElement('div');
    const body = doc.createElement('div');
    root.append(notices, body);
    element.appendChild(root);

    let view: View<T> | undefined;
    let disposed = false;
    let queue: Promise<void> = Promise.resolve();

    const showProblems = (title: string, problems: Problem[]): void => {
      notices.replaceChildren(errorBox(doc, title, problems));
      root.dataset.mvState = view ? 'stale' : 'error';
    };

    const apply = async (next: unknown): Promise<void> => {
      if (disposed) return;
      const problems = validatePayload(spec.kind, next);
      if (problems.length) {
        showProblems(`modelviz: this ${spec.kind} payload is not valid`, problems);
        return;
      }
      let parsed: T;
      try {
        parsed = spec.parse(next as P);
      } catch (e) {
        showProblems(`modelviz: this ${spec.kind} payload is not valid`, problemsOf(e));
        return;
      }
      try {
        const messages = messagesList(doc, (next as P).messages);
        notices.replaceChildren(...(messages ? [messages] : []));
        if (view) await view.update(parsed);
        else view = await spec.create(body, parsed, context);
        if (disposed) view.dispose();
        else root.dataset.mvState = 'rendered';
      } catch (e) {
        showProblems(`modelviz: the ${spec.kind} renderer failed`, problemsOf(e));
      }
    };

    // Updates arrive up to a few times a second while a view may still be drawing: only the newest waiting payload
    // is applied (each snapshot is complete), so validation and parsing never pile up behind a slow draw.
    let waiting: { payload: unknown } | undefined;
    const enqueue = (next: unknown): Promise<void> => {
      if (waiting) {
        waiting.payload = next;
        return queue;
      }
      const slot = { payload: next };
      waiting = slot;
      queue = queue.then(() => {
        waiting = undefined;
        return apply(slot.payload);
      });
      return queue;
    };

    return {
      ready: enqueue(payload),
      update: enqueue,
      dispose(): void {
        if (disposed) return;
        disposed = true;
        view?.dispose();
        view = undefined;
        root.remove();
      },
    };
  };
}
