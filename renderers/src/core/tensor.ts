import type { PackedTensor } from '../generated/confusion.js';
import { PayloadError } from './errors.js';

export type { PackedTensor };
export type DType = PackedTensor['dtype'];
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export interface Tensor {
  dtype: DType;
  shape: number[];
  size: number;
  data: TypedArray;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The built-in decoder (Chromium 140+, Firefox 133+, Safari 18.2+) is several times faster than atob + a copy loop.
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;

function base64Bytes(data: string, path: string): Uint8Array<ArrayBuffer> {
  if (fromBase64) {
    try {
      return fromBase64(data);
    } catch {
      throw new PayloadError(`${path}/data`, 'is not valid base64');
    }
  }
  let bin: string;
  try {
    bin = atob(data);
  } catch {
    throw new PayloadError(`${path}/data`, 'is not valid base64');
  }
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Decode a packed tensor; `path` is its JSON pointer in the payload, used in error messages. */
export function decodeTensor(t: PackedTensor, path: string): Tensor {
  const ctor = CTORS[t.dtype];
  if (!ctor) throw new PayloadError(`${path}/dtype`, `unknown dtype ${JSON.stringify(t.dtype)}`);
  if (!LITTLE_ENDIAN) throw new PayloadError(path, 'big-endian hosts are not supported');
  const size = t.shape.reduce((a, b) => a * b, 1);
  const bytes = base64Bytes(t.data, path);
  const expected = size * ctor.BYTES_PER_ELEMENT;
  if (bytes.length !== expected) {
    throw new PayloadError(
      `${path}/data`,
      `holds ${bytes.length} bytes but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${expected}`,
    );
  }
  return { dtype: t.dtype, shape: [...t.shape], size, data: new ctor(bytes.buffer, 0, size) };
}

/** Values as plain numbers (int64 beyond 2^53 lose precision, as JSON numbers would). */
export function toNumbers(t: Tensor): Float64Array {
  const out = new Float64Array(t.size);
  const d = t.data;
  for (let i = 0; i < t.size; i++) out[i] = Number(d[i]);
  return out;
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype !== 'float32' && dtype !== 'float64';
}
