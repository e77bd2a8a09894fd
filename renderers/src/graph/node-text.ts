// What a node, an edge or a group says, composed on demand for the items actually drawn (nothing per payload node at
// load): "layer1.0.conv1 · Conv2d", its brief ("3×3/2"), its weight shapes ("W 64×3×7×7 · B 64"), an edge's tensor
// shape ("1×64×56×56"); and the zoom levels (view scale) from which each is drawn.
import type { GraphModel, TensorInfo } from './model.js';

/** Node titles from this scale on (below it boxes alone read better than 5 px text). */
export const LOD_TITLE = 0.45;
/** The brief (key attributes) as a second line: ordinary zoom, including the first paint (0.8). */
export const LOD_BRIEF = 0.6;
/** Weight shapes as a further line. */
export const LOD_WEIGHTS = 1.5;
/** Tensor shapes on edges. */
export const LOD_EDGES = 1.1;

/** A name's path segments (dotted module paths and slash-named ONNX paths alike). */
function segments(name: string): string[] {
  return name.split(/[./]/).filter((s) => s.length > 0);
}

/** True when the op only repeats the name ("add_1" / "add", "relu" / "ReLU", "node_Conv_754" / "Conv"). */
function opRepeatsName(name: string, op: string): boolean {
  const segs = segments(name);
  // "add_1", and the dynamo ONNX exporter's "node_Conv_754"
  const last = (segs[segs.length - 1] ?? name)
    .replace(/_\d+$/, '')
    .replace(/^node_/i, '')
    .toLowerCase();
  return last === op.toLowerCase() || last.replace(/_/g, '') === op.toLowerCase().replace(/_/g, '');
}

/**
 * A node's title at the longest form that fits `chars` characters: "name · Op", then the last two segments of a
 * long name ("attn.c_attn · Linear"), then the last one, then cut with an ellipsis. `chars` Infinity: the full form.
 */
export function nodeTitle(m: GraphModel, i: number, chars = Infinity): string {
  const name = m.nodeName[i];
  const op = m.nodeOp[i];
  const join = (n: string): string => (!op || op === '?' || opRepeatsName(n, op) ? n : `${n} · ${op}`);
  const full = join(name);
  if (full.length <= chars) return full;
  const segs = segments(name);
  for (const keep of [2, 1]) {
    if (segs.length <= keep && keep === 2) continue;
    const t = join(segs.slice(-keep).join('.'));
    if (t.length <= chars) return t;
  }
  const last = join(segs.length ? segs[segs.length - 1] : name);
  return cut(last, chars);
}

/** `text` cut to `chars` characters with an ellipsis ('' when not even two fit). */
export function cut(text: string, chars: number): string {
  if (chars < 2) return '';
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/** The title a box is sized for: the full one up to 28 characters, else the two-segment form. */
export function sizingTitle(m: GraphModel, i: number): string {
  return nodeTitle(m, i, 28);
}

function dims(shape: readonly (number | string | null)[]): string {
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

/** "W 64×3×7×7 · B 64" from the node's details (weight → W, bias → B, others by their last name segment). */
export function weightsText(m: GraphModel, i: number): string {
  const params = m.details.get(i)?.params;
  if (!params?.length) return '';
  const parts = params.map((p) => {
    const segs = segments(p.name);
    const last = segs[segs.length - 1] ?? p.name;
    const key = last === 'weight' ? 'W' : last === 'bias' ? 'B' : last;
    return `${key} ${p.shape.length ? dims(p.shape) : 'scalar'}`;
  });
  return parts.join(' · ');
}

/** An edge's tensor shape, "1×64×56×56" ('' when unknown). */
export function tensorShapeText(t: TensorInfo | undefined): string {
  if (!t || !Array.isArray(t.shape)) return '';
  return t.shape.length ? dims(t.shape) : 'scalar';
}

export function edgeShapeText(m: GraphModel, modelEdge: number): string {
  const t = m.edgeTensor[modelEdge];
  return t >= 0 ? tensorShapeText(m.tensors[t]) : '';
}

/** The lines a node box shows at `scale`, before fitting: title, then brief, then weight shapes. */
export function nodeLines(m: GraphModel, i: number, scale: number): string[] {
  if (scale < LOD_TITLE) return [];
  const out = [nodeTitle(m, i)];
  if (scale >= LOD_BRIEF && m.nodeBrief[i]) out.push(m.nodeBrief[i]);
  if (scale >= LOD_WEIGHTS) {
    const w = weightsText(m, i);
    if (w) out.push(w);
  }
  return out;
}
