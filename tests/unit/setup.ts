// JSDOM has no DragEvent, which @lumino/dragdrop (under @lumino/widgets) subclasses at import time.
if (typeof globalThis.DragEvent === 'undefined') {
  (globalThis as { DragEvent: unknown }).DragEvent = class DragEvent extends MouseEvent {};
}
