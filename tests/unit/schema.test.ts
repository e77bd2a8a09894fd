import { validatePayload } from '../../renderers/src/core/validate';
import { PayloadError } from '../../renderers/src/core/errors';
import { KIND_NAMES } from '../../renderers/src/generated/kinds';
import { parseConfusion } from '../../renderers/src/confusion/parse';
import { parseGraph } from '../../renderers/src/graph/index';
import { parseScalars } from '../../renderers/src/scalars/index';
import { parseExplanation } from '../../renderers/src/explanation/index';
import { parseProjection } from '../../renderers/src/projection/index';
import { fixtures, schemaKinds } from './fixtures';

const PARSERS: Record<string, (p: never) => unknown> = {
  confusion: parseConfusion,
  graph: parseGraph,
  scalars: parseScalars,
  explanation: parseExplanation,
  projection: parseProjection,
};

it('generated kinds are exactly the schema files', () => {
  expect([...KIND_NAMES]).toEqual(schemaKinds());
  expect(Object.keys(PARSERS).sort()).toEqual(schemaKinds());
});

describe.each(schemaKinds())('%s fixtures', (kind) => {
  const all = fixtures(kind);
  const valid = all.filter((f) => f.error_path === undefined);
  const invalid = all.filter((f) => f.error_path !== undefined);

  it('has valid and invalid fixtures', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });

  it.each(valid.map((f) => [f.file, f] as const))('%s validates and parses', (_name, f) => {
    expect(validatePayload(kind as never, f.payload)).toEqual([]);
    expect(() => PARSERS[kind](f.payload as never)).not.toThrow();
  });

  it.each(invalid.map((f) => [f.file, f] as const))('%s is rejected at its path', (_name, f) => {
    const problems = validatePayload(kind as never, f.payload);
    if (f.level === 'semantic') {
      // passes the schema, fails the parse with a precise path
      expect(problems).toEqual([]);
      let error: unknown;
      try {
        PARSERS[kind](f.payload as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PayloadError);
      expect((error as PayloadError).path).toBe(f.error_path);
    } else {
      expect(problems.map((p) => p.path)).toContain(f.error_path);
      for (const p of problems) expect(p.message.length).toBeGreaterThan(3);
    }
  });
});

it('explains a newer major version instead of listing schema errors', () => {
  const [f] = fixtures('confusion').filter((x) => x.file === 'valid-basic.json');
  const problems = validatePayload('confusion', { ...f.payload, version: '2.0', matrix: 'changed shape in v2' });
  expect(problems).toHaveLength(1);
  expect(problems[0].path).toBe('/version');
  expect(problems[0].message).toMatch(/newer than this modelviz renderer understands \(1\.x\)/);
});

it('names the missing property in the path', () => {
  expect(validatePayload('confusion', { version: '1.0', labels: ['a'] })).toContainEqual({
    path: '/matrix',
    message: 'is required but missing',
  });
});

it('rejects a payload that is not an object', () => {
  expect(validatePayload('graph', 'a string')[0]).toEqual({ path: '', message: 'must be object' });
});
