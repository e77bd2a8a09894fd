import type { ProjectionPayload } from '../generated/projection.js';
import { defineRenderer } from '../core/define.js';
import { PayloadError } from '../core/errors.js';
import { placeholderView } from '../core/placeholder.js';
import { decodeTensor } from '../core/tensor.js';

export interface Projection {
  n: number;
  d: number;
}

export function parseProjection(p: ProjectionPayload): Projection {
  if (p.points.shape.length !== 2) {
    throw new PayloadError('/points/shape', `is [${p.points.shape.join(', ')}] but points must be [n, d]`);
  }
  const points = decodeTensor(p.points, '/points');
  const [n, d] = points.shape;
  (p.columns ?? []).forEach((c, i) => {
    const len = c.codes?.shape[0] ?? c.values?.shape[0] ?? c.text?.length;
    if (len !== undefined && len !== n) throw new PayloadError(`/columns/${i}`, `has ${len} entries for ${n} points`);
  });
  return { n, d };
}

/** application/vnd.modelviz.projection.v1+json */
export const render = defineRenderer<ProjectionPayload, Projection>({
  kind: 'projection',
  parse: parseProjection,
  create: placeholderView('projection', (p) => {
    const { n, d } = p as Projection;
    return `${n} points in ${d} dimensions`;
  }),
});
