// The public surface of @modelviz/renderers: what the JupyterLab and VS Code adapters use.
export { mount, mountError } from './mount.js';
export { REGISTRY, MIME_TYPES, mimeTypeOf, entryForMime, type KindEntry, type KindName } from './registry.js';
export { themeFromCss, LIGHT, DARK, luminance, type ThemeVariables } from './core/theme.js';
export { decodeTensor, toNumbers, type Tensor } from './core/tensor.js';
export { validatePayload } from './core/validate.js';
export type { Theme, RenderContext, RenderHandle, RenderFunction, Problem } from './core/types.js';
