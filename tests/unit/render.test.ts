import { mount, mimeTypeOf, LIGHT, DARK } from '@modelviz/renderers';
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
  document.body.replaceChildren();
});

/** The numbers the view writes for its cells (a visually hidden table mirrors the canvas), row by row. */
function cellTexts(el: HTMLElement): string[][] {
  return [...el.querySelectorAll('.mv-CmCells tr')]
    .slice(1)
    .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!));
}

describe('confusion renderer', () => {
  it('draws the matrix on one canvas, its numbers, the summary and the per-class table', async () => {
    const el = host();
    await mount(el, MIME, basic, ctx).ready;
    const root = el.querySelector<HTMLElement>('.mv-Root.mv-Confusion')!;
    expect(root.dataset.mvState).toBe('rendered');
    expect(el.querySelectorAll('canvas.mv-Heatmap-canvas')).toHaveLength(1);
    expect(cellTexts(el)).toEqual([
      ['5', '1', '0'],
      ['2', '7', '1'],
      ['0', '0', '9'],
    ]);
    // F1 per class 2tp / (support + predicted): 10/13, 14/18, 18/19; macro 0.831
    expect(el.querySelector('.mv-Summary')!.textContent).toBe(
      '3 classes · 25 samples · accuracy 84.0% · macro F1 0.831',
    );
    expect(el.querySelectorAll('.mv-CmTable tbody tr')).toHaveLength(3);
    // no scores, no samples: no curves, and the samples panel is hidden until a cell is clicked
    expect(el.querySelector<HTMLElement>('.mv-CmCurves')!.hidden).toBe(true);
  });

  it('shows payload text as text: an HTML-looking label never becomes markup', async () => {
    const el = host();
    const evil = '<img src=x onerror="window.pwned=1">';
    await mount(el, MIME, { ...basic, labels: ['cat', 'dog', evil], title: evil }, ctx).ready;
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('.mv-Title')!.textContent).toBe(evil);
    const header = [...el.querySelectorAll('.mv-CmCells tr:first-of-type th')].map((th) => th.textContent);
    expect(header).toEqual(['', 'cat', 'dog', evil]);
    expect(el.querySelector('.mv-CmTable tbody')!.textContent).toContain(evil);
  });

  it('updates in place and keeps the user’s normalisation', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    const canvas = el.querySelector('canvas.mv-Heatmap-canvas');
    el.querySelector<HTMLButtonElement>('button[data-mode="true"]')!.click();
    await settle();
    const next = { ...basic, matrix: { dtype: 'int64', shape: [3, 3], data: packed([1, 1, 0, 0, 4, 0, 0, 0, 2]) } };
    await handle.update(next);
    expect(el.querySelector('canvas.mv-Heatmap-canvas')).toBe(canvas);
    expect(cellTexts(el)[0]).toEqual(['50%', '50%', '0%']);
    expect(el.querySelector('button[data-mode="true"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelectorAll('.mv-Root')).toHaveLength(1);
  });

  it('applies only the newest of the payloads that arrive before the view gets to them', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    const heatmap = (el.querySelector('.mv-Heatmap') as HTMLElement & { mvHeatmap: { setData(d: unknown): void } })
      .mvHeatmap;
    const setData = jest.spyOn(heatmap, 'setData');
    // three snapshots arrive at once: each is complete, so only the newest is drawn
    await Promise.all(['one', 'two', 'three'].map((title) => handle.update({ ...basic, title })));
    expect(setData).toHaveBeenCalledTimes(1);
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
    expect(el.querySelector('.mv-CmCells')!.textContent).toContain('cat');
    await handle.update(basic);
    expect(el.querySelector('.mv-Error')).toBeNull();
    expect(root.dataset.mvState).toBe('rendered');
  });

  it('disposes its canvas and DOM', async () => {
    const el = host();
    const handle = mount(el, MIME, basic, ctx);
    await handle.ready;
    handle.dispose();
    expect(el.childElementCount).toBe(0);
  });

  it('follows the theme', async () => {
    const el = host();
    await mount(el, MIME, basic, { theme: DARK }).ready;
    const root = el.querySelector<HTMLElement>('.mv-Root')!;
    expect(root.dataset.mvTheme).toBe('dark');
    expect(root.style.getPropertyValue('--mv-fg')).toBe(DARK.foreground);
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

it('a large matrix stays one canvas: no cell table past 30 classes, totals formatted', async () => {
  const n = 120;
  const el = host();
  const data = Buffer.from(new BigInt64Array(n * n).fill(1000n).buffer).toString('base64');
  const labels = Array.from({ length: n }, (_, i) => `c${i}`);
  await mount(el, MIME, { version: '1.0', labels, matrix: { dtype: 'int64', shape: [n, n], data } }, ctx).ready;
  expect(el.querySelectorAll('.mv-CmCells td')).toHaveLength(0);
  expect(el.querySelectorAll('canvas.mv-Heatmap-canvas')).toHaveLength(1);
  expect(el.querySelector('.mv-Summary')!.textContent).toMatch(/^120 classes · 14,400,000 samples · accuracy 0\.8%/);
  expect(el.querySelectorAll('.mv-CmTable tbody tr')).toHaveLength(n);
});
