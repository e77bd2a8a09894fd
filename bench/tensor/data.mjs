// Test data for the tensor benchmark, generated (never downloaded) and identical in Node, Chromium and Python
// (bench/tensor/run.py reproduces the same float32 values bit for bit).
//
// `makePayloads` and `timeDecodes` are self-contained (no imports, no closures) so that their source can be
// injected into the harness page as-is: Node and Chromium run exactly the same code.

/**
 * n float32 values, roughly standard normal (Irwin-Hall: the sum of 4 uniforms, centred and scaled to unit
 * variance), from a seeded mulberry32 stream; and the two JSON texts that would carry them:
 *   ours:   {"dtype":"float32","shape":[n],"data":"<base64 of the little-endian bytes>"}
 *   anchor: [v0,v1,...] (each float32 widened to a double, as Python's json.dumps(array.tolist()) writes it)
 */
export function makePayloads(n, seed) {
  let state = seed | 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const scale = Math.sqrt(3);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = uniform();
    const u2 = uniform();
    const u3 = uniform();
    const u4 = uniform();
    values[i] = (u1 + u2 + u3 + u4 - 2) * scale;
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian host');
  const bytes = new Uint8Array(values.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  const ours = JSON.stringify({ dtype: 'float32', shape: [n], data: globalThis.btoa(binary) });
  const anchor = JSON.stringify(Array.from(values));
  return { values, ours, anchor };
}

/**
 * Time "JSON text -> Float32Array" both ways: ours = JSON.parse + decodeTensor, anchor = JSON.parse +
 * Float32Array.from. Warm-up rounds first, then `reps` rounds with the order alternating in each round so
 * that neither side always pays the other's garbage. Returns the per-round times in ms.
 */
export function timeDecodes(oursText, anchorText, decodeTensor, warmup, reps) {
  const clock = globalThis.performance;
  let sink = 0;
  const runOurs = () => {
    const t0 = clock.now();
    const t = decodeTensor(JSON.parse(oursText), '/tensor');
    const dt = clock.now() - t0;
    sink += t.data[t.size - 1];
    return dt;
  };
  const runAnchor = () => {
    const t0 = clock.now();
    const a = Float32Array.from(JSON.parse(anchorText));
    const dt = clock.now() - t0;
    sink += a[a.length - 1];
    return dt;
  };
  for (let i = 0; i < warmup; i++) {
    runOurs();
    runAnchor();
  }
  const ours = [];
  const anchor = [];
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) {
      ours.push(runOurs());
      anchor.push(runAnchor());
    } else {
      anchor.push(runAnchor());
      ours.push(runOurs());
    }
  }
  return { ours, anchor, sink };
}

/** Both decoders must give the same Float32Array as the generated values (checked once, outside the timing). */
export function checkDecodes(values, oursText, anchorText, decodeTensor) {
  const ours = decodeTensor(JSON.parse(oursText), '/tensor');
  const anchor = Float32Array.from(JSON.parse(anchorText));
  if (!(ours.data instanceof Float32Array)) return 'ours did not give a Float32Array';
  if (ours.data.length !== values.length || anchor.length !== values.length) return 'length mismatch';
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(ours.data[i], values[i])) return `ours differs at ${i}`;
    if (!Object.is(anchor[i], values[i])) return `anchor differs at ${i}`;
  }
  return '';
}
