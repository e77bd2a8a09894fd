import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTensor, toNumbers } from '../../renderers/src/core/tensor';
import { PayloadError } from '../../renderers/src/core/errors';
import type { PackedTensor } from '../../renderers/src/core/tensor';
import { FIXTURES } from './fixtures';

const dir = join(FIXTURES, 'tensors');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('decodeTensor against the shared fixtures (the Python encoder is tested against the same files)', () => {
  it('has a fixture for every dtype the schema allows', () => {
    const schema = JSON.parse(readFileSync(join(FIXTURES, '..', 'common.v1.schema.json'), 'utf8'));
    const dtypes: string[] = schema.definitions.tensor.properties.dtype.enum;
    expect(files.map((f) => f.replace('.json', '')).sort()).toEqual([...dtypes, 'empty'].sort());
  });

  it.each(files)('%s decodes to its values', (file) => {
    const { tensor, values } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      tensor: PackedTensor;
      values: (number | boolean)[];
    };
    const t = decodeTensor(tensor, '/t');
    expect(t.shape).toEqual(tensor.shape);
    expect(t.size).toBe(values.length);
    const got = Array.from(toNumbers(t));
    const want = values.map(Number);
    if (tensor.dtype === 'float32') want.forEach((v, i) => expect(got[i]).toBeCloseTo(Math.fround(v), 10));
    else expect(got).toEqual(want);
  });
});

describe('decodeTensor rejects inconsistent tensors with the path', () => {
  const good: PackedTensor = {
    dtype: 'float32',
    shape: [2],
    data: Buffer.from(new Float32Array([1, 2]).buffer).toString('base64'),
  };

  it('names the byte count and the shape', () => {
    expect(() => decodeTensor({ ...good, shape: [3] }, '/matrix')).toThrow(
      new PayloadError('/matrix/data', 'holds 8 bytes but shape [3] of float32 needs 12'),
    );
  });

  it('rejects text that is not base64', () => {
    expect(() => decodeTensor({ ...good, data: '%%%' }, '/x')).toThrow('/x/data: is not valid base64');
  });

  it('rejects an unknown dtype', () => {
    expect(() => decodeTensor({ ...good, dtype: 'complex64' as never }, '/x')).toThrow('/x/dtype');
  });
});
