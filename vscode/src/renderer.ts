// VS Code notebook renderer (contributes.notebookRenderer): the shared renderers behind VS Code's renderer API.
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { mount, mountError, themeFromCss, type RenderHandle, type Theme } from '@modelviz/renderers';

/** VS Code's theme variables; light/dark from the body class VS Code sets on the webview. */
export function vscodeTheme(element: HTMLElement): Theme {
  const cls = element.ownerDocument.body.classList;
  const kind = cls.contains('vscode-light') || cls.contains('vscode-high-contrast-light') ? 'light' : undefined;
  return themeFromCss(
    element,
    {
      foreground: '--vscode-editor-foreground',
      background: '--vscode-editor-background',
      muted: '--vscode-descriptionForeground',
      accent: '--vscode-focusBorder',
      border: '--vscode-panel-border',
      error: '--vscode-errorForeground',
      fontFamily: '--vscode-font-family',
      fontSize: '--vscode-font-size',
    },
    kind ?? (cls.contains('vscode-dark') || cls.contains('vscode-high-contrast') ? 'dark' : undefined),
  );
}

interface Mounted {
  element: HTMLElement;
  handle: RenderHandle;
  data: unknown;
  theme: Theme;
}

export const activate: ActivationFunction = () => {
  const outputs = new Map<string, Mounted>();

  const dispose = (id: string): void => {
    outputs.get(id)?.handle.dispose();
    outputs.delete(id);
  };

  const show = (id: string, element: HTMLElement, mime: string, data: unknown, theme = vscodeTheme(element)) => {
    const handle = mount(element, mime, data, { theme });
    outputs.set(id, { element, handle, data, theme });
    return handle.ready;
  };

  // A theme switch changes the webview body's class and CSS variables: re-mount the outputs whose colours changed.
  let observer: MutationObserver | undefined;
  const watchTheme = (doc: Document): void => {
    if (observer || typeof MutationObserver === 'undefined') return;
    observer = new MutationObserver(() => {
      for (const [id, m] of [...outputs]) {
        const theme = vscodeTheme(m.element);
        if (m.data === undefined || JSON.stringify(theme) === JSON.stringify(m.theme)) continue;
        m.handle.dispose();
        void show(id, m.element, m.element.dataset.mvMime ?? '', m.data, theme);
      }
    });
    observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  };

  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): Promise<void> {
      let data: unknown;
      try {
        data = item.json();
      } catch (e) {
        dispose(item.id);
        element.replaceChildren();
        const handle = mountError(element, `modelviz: the ${item.mime} output is not valid JSON`, e);
        outputs.set(item.id, { element, handle, data: undefined, theme: vscodeTheme(element) });
        return handle.ready;
      }
      const current = outputs.get(item.id);
      // Display updates re-render the same output on the same element: update in place.
      if (current && current.element === element) {
        current.data = data;
        return current.handle.update(data);
      }
      dispose(item.id);
      element.dataset.mvMime = item.mime;
      watchTheme(element.ownerDocument);
      return show(item.id, element, item.mime, data);
    },
    disposeOutputItem(id?: string): void {
      if (id === undefined) for (const key of [...outputs.keys()]) dispose(key);
      else dispose(id);
    },
  };
};
