import type { ScalarsPayload } from '../generated/scalars.js';
import { defineRenderer } from '../core/define.js';
import { PayloadError } from '../core/errors.js';
import { placeholderView } from '../core/placeholder.js';
import { decodeTensor } from '../core/tensor.js';

export interface Scalars {
  runs: number;
  series: number;
  points: number;
}

export function parseScalars(p: ScalarsPayload): Scalars {
  const runs = p.runs.length;
  let points = 0;
  (p.scalars ?? []).forEach((s, i) => {
    if (s.run >= runs) throw new PayloadError(`/scalars/${i}/run`, `is ${s.run} but there are ${runs} runs`);
    const step = decodeTensor(s.step, `/scalars/${i}/step`);
    const value = decodeTensor(s.value, `/scalars/${i}/value`);
    if (step.size !== value.size) {
      throw new PayloadError(`/scalars/${i}/value`, `has ${value.size} points but step has ${step.size}`);
    }
    points += value.size;
  });
  return { runs, series: p.scalars?.length ?? 0, points };
}

/** application/vnd.modelviz.scalars.v1+json */
export const render = defineRenderer<ScalarsPayload, Scalars>({
  kind: 'scalars',
  parse: parseScalars,
  create: placeholderView('scalars', (s) => {
    const { runs, series, points } = s as Scalars;
    return `${runs} runs, ${series} series, ${points} points`;
  }),
});
