import { KIND_NAMES, type KindName } from './generated/kinds.js';
import type { RenderFunction } from './core/types.js';

export type { KindName };

/** `application/vnd.modelviz.<kind>.v1+json`: major version in the MIME type. */
export function mimeTypeOf(kind: KindName): string {
  return `application/vnd.modelviz.${kind}.v1+json`;
}

export interface KindEntry {
  kind: KindName;
  mimeType: string;
  /** Loads the kind's code (its own chunk) once. */
  load(): Promise<RenderFunction>;
}

// One loader per kind; both hosts read this list. Adding a kind: a schema file, a folder, a line here.
const LOADERS: Record<KindName, () => Promise<RenderFunction>> = {
  confusion: () => import(/* webpackChunkName: "mv-confusion" */ './confusion/index.js').then((m) => m.render),
  explanation: () => import(/* webpackChunkName: "mv-explanation" */ './explanation/index.js').then((m) => m.render),
  graph: () => import(/* webpackChunkName: "mv-graph" */ './graph/index.js').then((m) => m.render),
  projection: () => import(/* webpackChunkName: "mv-projection" */ './projection/index.js').then((m) => m.render),
  scalars: () => import(/* webpackChunkName: "mv-scalars" */ './scalars/index.js').then((m) => m.render),
};

export const REGISTRY: readonly KindEntry[] = KIND_NAMES.map((kind) => {
  let loaded: Promise<RenderFunction> | undefined;
  return { kind, mimeType: mimeTypeOf(kind), load: () => (loaded ??= LOADERS[kind]()) };
});

export const MIME_TYPES: readonly string[] = REGISTRY.map((e) => e.mimeType);

export function entryForMime(mimeType: string): KindEntry | undefined {
  return REGISTRY.find((e) => e.mimeType === mimeType);
}
