// JupyterLab 4 / Notebook 7 adapter: one IRenderMime extension per modelviz MIME type, all from the shared registry.
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { REGISTRY, mount, themeFromCss, type RenderHandle, type Theme } from '@modelviz/renderers';

/** JupyterLab's theme variables; light/dark comes from the body attribute the theme manager sets. */
export function jupyterTheme(node: HTMLElement): Theme {
  const light = node.ownerDocument.body.dataset.jpThemeLight;
  return themeFromCss(
    node,
    {
      foreground: '--jp-ui-font-color1',
      background: '--jp-layout-color0',
      muted: '--jp-ui-font-color2',
      accent: '--jp-brand-color1',
      border: '--jp-border-color1',
      error: '--jp-error-color1',
      fontFamily: '--jp-ui-font-family',
      fontSize: '--jp-ui-font-size1',
    },
    light === undefined ? undefined : light === 'true' ? 'light' : 'dark',
  );
}

/**
 * A rendered output. JupyterLab calls renderModel again on the same widget for display updates:
 * the first call mounts, later calls update in place (keeping zoom and toggles).
 */
export class ModelvizOutput extends Widget implements IRenderMime.IRenderer {
  private handle: RenderHandle | undefined;

  constructor(private readonly mimeType: string) {
    super();
    this.addClass('mv-JupyterOutput');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.mimeType];
    if (this.handle) return this.handle.update(data);
    this.handle = mount(this.node, this.mimeType, data, { theme: jupyterTheme(this.node) });
    return this.handle.ready;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.handle?.dispose();
    this.handle = undefined;
    super.dispose();
  }
}

const extensions: IRenderMime.IExtension[] = REGISTRY.map((entry) => ({
  id: `@modelviz/labextension:${entry.kind}`,
  name: `modelviz ${entry.kind}`,
  rendererFactory: {
    // Safe: renderers execute nothing from the payload and insert its text as text.
    safe: true,
    mimeTypes: [entry.mimeType],
    defaultRank: 50,
    createRenderer: () => new ModelvizOutput(entry.mimeType),
  },
  rank: 50,
  dataType: 'json',
}));

export default extensions;
