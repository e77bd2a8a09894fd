// JSDOM has no DragEvent, which @lumino/dragdrop (under @lumino/widgets) subclasses at import time.
if (typeof globalThis.DragEvent === 'undefined') {
  (globalThis as { DragEvent: unknown }).DragEvent = class DragEvent extends MouseEvent {};
}

// JSDOM has no 2-D canvas: say so quietly (null, as a browser does for an unsupported context) instead of logging
// "not implemented" for every canvas a view creates. Tests that draw install a recording context themselves.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return null;
} as typeof HTMLCanvasElement.prototype.getContext;
