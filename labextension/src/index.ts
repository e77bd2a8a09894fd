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

/** Live outputs, re-drawn when the user switches JupyterLab's theme (one observer for all of them). */
const live = new Set<ModelvizOutput>();
let themeObserver: MutationObserver | undefined;

function watchTheme(doc: Document): void {
  if (themeObserver || typeof MutationObserver === 'undefined') return;
  // The theme manager sets these body attributes once the new theme's CSS variables are in place.
  themeObserver = new MutationObserver(() => {
    for (const output of live) output.followTheme();
  });
  themeObserver.observe(doc.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
}

/**
 * A rendered output. JupyterLab calls renderModel again on the same widget for display updates:
 * the first call mounts, later calls update in place (keeping zoom and toggles). A theme switch re-mounts it with
 * the new theme's colours.
 */
export class ModelvizOutput extends Widget implements IRenderMime.IRenderer {
  private handle: RenderHandle | undefined;
  private data: unknown;
  private theme: Theme | undefined;

  constructor(private readonly mimeType: string) {
    super();
    this.addClass('mv-JupyterOutput');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.data = model.data[this.mimeType];
    if (this.handle) return this.handle.update(this.data);
    live.add(this);
    watchTheme(this.node.ownerDocument);
    return this.mountNow();
  }

  /** Re-mount with the current theme when its colours changed (the view's zoom and toggles start afresh). */
  followTheme(): void {
    if (!this.handle) return;
    const next = jupyterTheme(this.node);
    if (this.theme && JSON.stringify(next) === JSON.stringify(this.theme)) return;
    this.handle.dispose();
    void this.mountNow(next);
  }

  private mountNow(theme: Theme = jupyterTheme(this.node)): Promise<void> {
    this.theme = theme;
    this.handle = mount(this.node, this.mimeType, this.data, { theme });
    return this.handle.ready;
  }

  dispose(): void {
    if (this.isDisposed) return;
    live.delete(this);
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
