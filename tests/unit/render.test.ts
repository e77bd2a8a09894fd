import { mount, mimeTypeOf, LIGHT, DARK } from '@modelviz/renderers';
import { calls } from './fake-plotly';
import { fixtures, settle } from './fixtures';

const MIME = mimeTypeOf('confusion');
const ctx = { theme: LIGHT };
const basic = fixtures('confusion').find((f) => f.file === 'valid-basic.json')!.payload;
const packed = (values: number[]): string =>
  Buffer.from(new BigInt64Array(values.map(BigInt)).buffer).toString('base64');

function host(): HTMLElement {
  const el = document.createElement('div');
  document.body.appendChild(el);
  return el;
}

beforeEach(() => {
  calls.length = 0;
  document.body.replaceChildren();
});

describe('confusion renderer', () => {
  it('draws a heatmap with labels and counts', async () => {
    const el = host();
    await mount(el, MIME, basic, ctx).ready;
    const root = el.querySelector<HTMLElement>('.mv-Root.mv-Confusion')!;
    expect(root.dataset.mvState).toBe('rendered');
    const react = calls.filter((c) => c.fn === 'react');
    expect(react).toHaveLength(1);
    const trace = react[0].data![0] as unknown as { z: number[][]; type: string };
    expect(trace.type).toBe('heatmap');
    expect(trace.z).toEqual([
      [5, 1, 0],
      [2, 7, 1],
      [0, 0, 9],
    ]);
    expect(el.querySelector('.mv-Summary')!.textContent).toBe('3 classes · 25 samples · accuracy 84.0%');
  });

  it('shows payload text as text: an HTML-looking label never becomes markup', async () => {
    const el = host();
    const evil = '<img src=x onerror="window.pwned=1">';
    await mount(el, MIME, { ...basic, labels: ['cat', 'dog', evil], title: evil }, ctx).ready;
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('.mv-Title')!.textContent).toBe(evil);
    // Plotly renders a subset of HTML in text: labels reach it escaped, so it shows them literally.
    const layout = calls[0].layout!;
    expect((layout.xaxis!.ticktext as string[])[2]).toBe('&lt;img src=x onerror="window.pwned=1"&gt;');
  });

  it('updates in place and keeps the user’s normalisation', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    const plot = calls[0].el;
    el.querySelector<HTMLButtonElement>('button[data-mode="true"]')!.click();
    await settle();
    const next = { ...basic, matrix: { dtype: 'int64', shape: [3, 3], data: packed([1, 1, 0, 0, 4, 0, 0, 0, 2]) } };
    await handle.update(next);
    const last = calls.filter((c) => c.fn === 'react').at(-1)!;
    expect(last.el).toBe(plot);
    expect(calls.some((c) => c.fn === 'purge')).toBe(false);
    expect((last.data![0] as unknown as { z: number[][] }).z[0]).toEqual([0.5, 0.5, 0]);
    expect(el.querySelector('button[data-mode="true"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelectorAll('.mv-Root')).toHaveLength(1);
  });

  it('applies only the newest of the payloads that arrive before the view gets to them', async () => {
    await mount(host(), MIME, basic, ctx).ready;
    const perDraw = calls.filter((c) => c.fn === 'react').length;
    calls.length = 0;
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    // three snapshots arrive while the first one is drawn: each is complete, so only the newest is drawn after it
    const done = ['one', 'two', 'three'].map((title) => handle.update({ ...basic, title }));
    await Promise.all([handle.ready, ...done]);
    expect(calls.filter((c) => c.fn === 'react')).toHaveLength(perDraw + 1);
    expect(el.querySelector('.mv-Title')!.textContent).toBe('three');
    expect(el.querySelector<HTMLElement>('.mv-Root')!.dataset.mvState).toBe('rendered');
  });

  it('keeps the last good view under an error when an update is invalid', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    await handle.update({ ...basic, labels: 'oops' });
    const root = el.querySelector<HTMLElement>('.mv-Root')!;
    expect(root.dataset.mvState).toBe('stale');
    expect(el.querySelector('.mv-Error')!.textContent).toContain('/labels');
    expect(el.querySelector('.mv-ConfusionPlot')!.textContent).toContain('cat');
    await handle.update(basic);
    expect(el.querySelector('.mv-Error')).toBeNull();
    expect(root.dataset.mvState).toBe('rendered');
  });

  it('disposes the plot and its DOM', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    handle.dispose();
    expect(calls.filter((c) => c.fn === 'purge')).toHaveLength(1);
    expect(el.childElementCount).toBe(0);
  });

  it('follows the theme', async () => {
    const el = host();
    await mount(el, MIME, basic, { theme: DARK }).ready;
    const root = el.querySelector<HTMLElement>('.mv-Root')!;
    expect(root.dataset.mvTheme).toBe('dark');
    expect(root.style.getPropertyValue('--mv-fg')).toBe(DARK.foreground);
    expect(calls[0].layout!.font!.color).toBe(DARK.foreground);
  });
});

describe.each(['confusion', 'graph', 'scalars', 'explanation', 'projection'] as const)('%s: never blank', (kind) => {
  it.each(fixtures(kind).map((f) => [f.file, f] as const))('%s', async (_file, f) => {
    const el = host();
    await mount(el, mimeTypeOf(kind), f.payload, ctx).ready;
    const root = el.querySelector<HTMLElement>('.mv-Root')!;
    expect(el.textContent!.trim().length).toBeGreaterThan(0);
    if (f.error_path === undefined) {
      expect(root.dataset.mvState).toBe('rendered');
      expect(el.querySelector('.mv-Error')).toBeNull();
    } else {
      expect(root.dataset.mvState).toBe('error');
      const box = el.querySelector('.mv-Error')!;
      expect(box.getAttribute('role')).toBe('alert');
      expect(box.textContent).toContain(f.error_path || '(payload)');
    }
  });
});

it('an unknown MIME type gets an error box', async () => {
  const el = host();
  await mount(el, 'application/vnd.modelviz.confusion.v2+json', basic, ctx).ready;
  expect(el.querySelector('.mv-Error')!.textContent).toContain(
    'no renderer for application/vnd.modelviz.confusion.v2+json',
  );
});

it('payload messages are shown as text', async () => {
  const el = host();
  await mount(el, MIME, { ...basic, messages: [{ level: 'warning', text: '<b>not bold</b>' }] }, ctx).ready;
  const msg = el.querySelector<HTMLElement>('.mv-Message')!;
  expect(msg.textContent).toBe('<b>not bold</b>');
  expect(msg.dataset.level).toBe('warning');
  expect(el.querySelector('b')).toBeNull();
});

it('a message with details shows its sentence and the full reason on demand, both as text', async () => {
  const el = host();
  const details = 'torch.fx failed: <script>alert(1)</script>\nline two';
  const messages = [{ level: 'info', text: 'Traced with torch.export.', details }];
  await mount(el, MIME, { ...basic, messages }, ctx).ready;
  const msg = el.querySelector<HTMLElement>('.mv-Message')!;
  const more = msg.querySelector('details.mv-MessageDetails')!;
  expect(more.hasAttribute('open')).toBe(false);
  expect(more.querySelector('summary')!.textContent).toBe('details');
  expect(more.querySelector('pre')!.textContent).toBe(details);
  expect(msg.firstChild!.textContent).toBe('Traced with torch.export.');
  expect(el.querySelector('script')).toBeNull();
  // a message without details has none
  const plain = host();
  await mount(plain, MIME, { ...basic, messages: [{ level: 'info', text: 'short' }] }, ctx).ready;
  expect(plain.querySelector('.mv-MessageDetails')).toBeNull();
});

it('labels every k-th class on large matrices and formats totals', async () => {
  const n = 120;
  const el = host();
  const data = Buffer.from(new BigInt64Array(n * n).fill(1000n).buffer).toString('base64');
  const labels = Array.from({ length: n }, (_, i) => `c${i}`);
  await mount(el, MIME, { version: '1.0', labels, matrix: { dtype: 'int64', shape: [n, n], data } }, ctx).ready;
  const xaxis = calls[0].layout!.xaxis!;
  expect(xaxis.tickvals).toHaveLength(30);
  expect((xaxis.ticktext as string[]).slice(0, 2)).toEqual(['c0', 'c4']);
  expect((calls[0].data![0] as { texttemplate?: string }).texttemplate).toBeUndefined();
  expect(el.querySelector('.mv-Summary')!.textContent).toBe('120 classes · 14,400,000 samples · accuracy 0.8%');
});
