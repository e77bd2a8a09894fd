/** The only host-specific thing a renderer gets: colours and font, read by the host from its CSS variables. */
export interface Theme {
  kind: 'light' | 'dark';
  foreground: string;
  background: string;
  muted: string;
  accent: string;
  border: string;
  error: string;
  fontFamily: string;
  fontSize: number;
}

export interface RenderContext {
  theme: Theme;
}

/** What render() returns: update() applies a new payload in place (display updates); dispose() frees everything. */
export interface RenderHandle {
  /** Resolves once the first payload is drawn (or its error shown). */
  readonly ready: Promise<void>;
  update(payload: unknown): Promise<void>;
  dispose(): void;
}

export type RenderFunction = (element: HTMLElement, payload: unknown, context: RenderContext) => RenderHandle;

/** A problem found in a payload: where (a JSON pointer into the payload) and what. */
export interface Problem {
  path: string;
  message: string;
}
