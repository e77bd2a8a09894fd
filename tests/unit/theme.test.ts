import { luminance, themeFromCss, LIGHT, DARK } from '../../renderers/src/core/theme';

it('computes luminance of hex and rgb colours', () => {
  expect(luminance('#ffffff')).toBeCloseTo(1);
  expect(luminance('#000')).toBeCloseTo(0);
  expect(luminance('rgb(30, 30, 30)')).toBeLessThan(0.05);
  expect(luminance('not a colour')).toBeUndefined();
});

it('reads host variables and infers dark from the background', () => {
  const el = document.createElement('div');
  el.style.setProperty('--host-bg', '#1e1e1e');
  el.style.setProperty('--host-fg', '#cccccc');
  el.style.setProperty('--host-size', '14px');
  document.body.appendChild(el);
  const t = themeFromCss(el, { background: '--host-bg', foreground: '--host-fg', fontSize: '--host-size' });
  expect(t.kind).toBe('dark');
  expect(t.background).toBe('#1e1e1e');
  expect(t.foreground).toBe('#cccccc');
  expect(t.fontSize).toBe(14);
  expect(t.accent).toBe(DARK.accent);
});

it('falls back to the light defaults when the host sets nothing', () => {
  const el = document.body.appendChild(document.createElement('div'));
  expect(themeFromCss(el, { background: '--unset' })).toEqual(LIGHT);
  expect(themeFromCss(el, {}, 'dark').kind).toBe('dark');
});
