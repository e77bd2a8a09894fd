import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputItem, RendererApi } from 'vscode-notebook-renderer';
import { MIME_TYPES, REGISTRY, mimeTypeOf } from '@modelviz/renderers';
import { activate } from '../../vscode/src/renderer';
import extensions, { ModelvizOutput } from '../../labextension/src/index';
import { ROOT, fixtures, schemaKinds, settle } from './fixtures';

const MIME = mimeTypeOf('confusion');
const basic = fixtures('confusion').find((f) => f.file === 'valid-basic.json')!.payload;

beforeEach(() => {
  document.body.replaceChildren();
});

const canvasOf = (el: Element): Element | null => el.querySelector('canvas.mv-Heatmap-canvas');

describe('registry', () => {
  it('has one entry per schema, with the v1 MIME type', () => {
    expect(REGISTRY.map((e) => e.kind)).toEqual(schemaKinds());
    expect(MIME_TYPES).toEqual(schemaKinds().map((k) => `application/vnd.modelviz.${k}.v1+json`));
  });

  it('VS Code contributes exactly the registry’s MIME types', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'vscode', 'package.json'), 'utf8'));
    expect([...pkg.contributes.notebookRenderer[0].mimeTypes].sort()).toEqual([...MIME_TYPES].sort());
  });

  it('JupyterLab gets one safe JSON mime extension per kind', () => {
    expect(extensions.map((e) => e.rendererFactory.mimeTypes)).toEqual(MIME_TYPES.map((m) => [m]));
    for (const e of extensions) {
      expect(e.rendererFactory.safe).toBe(true);
      expect(e.dataType).toBe('json');
      expect(e.id).toMatch(/^@modelviz\/labextension:[a-z]+$/);
    }
  });
});

function item(id: string, data: unknown, mime = MIME): OutputItem {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    id,
    mime,
    metadata: {},
    text: () => text,
    json: () => JSON.parse(text),
    data: () => new TextEncoder().encode(text),
    blob: () => new Blob([text]),
  };
}

describe('VS Code renderer', () => {
  let api: RendererApi;
  beforeEach(() => {
    api = activate({} as never) as RendererApi;
  });
  const element = (): HTMLElement => document.body.appendChild(document.createElement('div'));

  it('renders, then updates in place when called again on the same element', async () => {
    const el = element();
    await api.renderOutputItem(item('a', basic), el, new AbortController().signal);
    expect(el.querySelector('.mv-Root')!.getAttribute('data-mv-state')).toBe('rendered');
    const canvas = canvasOf(el);
    expect(canvas).not.toBeNull();
    await api.renderOutputItem(item('a', { ...basic, title: 'second' }), el, new AbortController().signal);
    await settle();
    expect(el.querySelectorAll('.mv-Root')).toHaveLength(1);
    expect(el.querySelector('.mv-Title')!.textContent).toBe('second');
    expect(canvasOf(el)).toBe(canvas);
  });

  it('disposes one output by id and all without an id', async () => {
    const a = element();
    const b = element();
    await api.renderOutputItem(item('a', basic), a, new AbortController().signal);
    await api.renderOutputItem(item('b', basic), b, new AbortController().signal);
    api.disposeOutputItem!('a');
    expect(a.querySelector('.mv-Root')).toBeNull();
    expect(b.querySelector('.mv-Root')).not.toBeNull();
    api.disposeOutputItem!();
    expect(b.querySelector('.mv-Root')).toBeNull();
    expect(b.childElementCount).toBe(0);
  });

  it('a re-executed output (new element) replaces the old view', async () => {
    const a = element();
    const b = element();
    await api.renderOutputItem(item('a', basic), a, new AbortController().signal);
    await api.renderOutputItem(item('a', basic), b, new AbortController().signal);
    expect(a.querySelector('.mv-Root')).toBeNull();
    expect(b.querySelector('.mv-Root')).not.toBeNull();
  });

  it('shows an error for output that is not JSON, and for a malformed payload', async () => {
    const a = element();
    await api.renderOutputItem(item('x', '{"version": "1.0", '), a, new AbortController().signal);
    expect(a.querySelector('.mv-Error')!.textContent).toContain('is not valid JSON');
    const b = element();
    await api.renderOutputItem(item('y', { ...basic, labels: 3 }), b, new AbortController().signal);
    expect(b.querySelector('.mv-Error')!.textContent).toContain('/labels');
  });

  it('reads the VS Code theme class', async () => {
    document.body.className = 'vscode-dark';
    const el = element();
    await api.renderOutputItem(item('t', basic), el, new AbortController().signal);
    expect(el.querySelector<HTMLElement>('.mv-Root')!.dataset.mvTheme).toBe('dark');
    document.body.className = '';
  });

  it('follows a theme switch with the latest data, and leaves unchanged themes alone', async () => {
    document.body.className = 'vscode-light';
    const el = element();
    await api.renderOutputItem(item('s', basic), el, new AbortController().signal);
    await api.renderOutputItem(item('s', { ...basic, title: 'latest' }), el, new AbortController().signal);
    const before = el.querySelector<HTMLElement>('.mv-Root')!;
    document.body.className = 'vscode-light extra'; // same theme: no re-mount
    await settle();
    expect(el.querySelector('.mv-Root')).toBe(before);
    document.body.className = 'vscode-dark';
    await settle();
    const after = el.querySelector<HTMLElement>('.mv-Root')!;
    expect(after).not.toBe(before);
    expect(after.dataset.mvTheme).toBe('dark');
    expect(el.querySelectorAll('.mv-Root')).toHaveLength(1);
    expect(after.querySelector('.mv-Title')!.textContent).toBe('latest');
    document.body.className = '';
  });
});

describe('JupyterLab renderer', () => {
  const model = (data: unknown) => ({ data: { [MIME]: data } }) as never;

  it('renderModel mounts once and updates in place', async () => {
    const w = new ModelvizOutput(MIME);
    document.body.appendChild(w.node);
    await w.renderModel(model(basic));
    const canvas = canvasOf(w.node);
    expect(canvas).not.toBeNull();
    await w.renderModel(model({ ...basic, title: 'updated' }));
    expect(w.node.querySelectorAll('.mv-Root')).toHaveLength(1);
    expect(w.node.querySelector('.mv-Title')!.textContent).toBe('updated');
    expect(canvasOf(w.node)).toBe(canvas);
    w.dispose();
    expect(w.node.querySelector('.mv-Root')).toBeNull();
  });

  it('shows a malformed payload as an error', async () => {
    const w = new ModelvizOutput(MIME);
    await w.renderModel(
      model({ version: '1.0', labels: ['a'], matrix: { dtype: 'float32', shape: [1, 1], data: '!' } }),
    );
    expect(w.node.querySelector('.mv-Error')!.textContent).toContain('/matrix/data');
  });

  it('reads JupyterLab’s light/dark flag', async () => {
    document.body.dataset.jpThemeLight = 'false';
    const w = new ModelvizOutput(MIME);
    await w.renderModel(model(basic));
    expect(w.node.querySelector<HTMLElement>('.mv-Root')!.dataset.mvTheme).toBe('dark');
    delete document.body.dataset.jpThemeLight;
  });

  it('re-mounts with the new theme when the user switches it, keeping the latest data', async () => {
    document.body.dataset.jpThemeLight = 'true';
    const w = new ModelvizOutput(MIME);
    document.body.appendChild(w.node);
    await w.renderModel(model(basic));
    await w.renderModel(model({ ...basic, title: 'latest' }));
    document.body.dataset.jpThemeLight = 'false';
    await settle();
    const roots = w.node.querySelectorAll<HTMLElement>('.mv-Root');
    expect(roots).toHaveLength(1);
    expect(roots[0].dataset.mvTheme).toBe('dark');
    expect(roots[0].querySelector('.mv-Title')!.textContent).toBe('latest');
    w.dispose();
    document.body.dataset.jpThemeLight = 'true'; // a disposed output is not re-mounted
    await settle();
    expect(w.node.querySelector('.mv-Root')).toBeNull();
    delete document.body.dataset.jpThemeLight;
  });
});
