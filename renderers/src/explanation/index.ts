import type { ExplanationPayload } from '../generated/explanation.js';
import { defineRenderer } from '../core/define.js';
import { PayloadError } from '../core/errors.js';
import { placeholderView } from '../core/placeholder.js';
import { decodeTensor } from '../core/tensor.js';

export interface Explanation {
  modality: ExplanationPayload['modality'];
  shape: number[];
}

export function parseExplanation(p: ExplanationPayload): Explanation {
  if (!p.attributions) {
    const shape = p.tabular?.values.shape ?? p.images?.shape ?? [p.texts?.length ?? p.maps?.length ?? 0];
    return { modality: p.modality, shape };
  }
  const a = decodeTensor(p.attributions, '/attributions');
  if (p.layout && p.layout.length !== a.shape.length) {
    throw new PayloadError('/layout', `names ${p.layout.length} axes but attributions has ${a.shape.length}`);
  }
  return { modality: p.modality, shape: a.shape };
}

/** application/vnd.modelviz.explanation.v1+json */
export const render = defineRenderer<ExplanationPayload, Explanation>({
  kind: 'explanation',
  parse: parseExplanation,
  create: placeholderView('explanation', (e) => {
    const { modality, shape } = e as Explanation;
    return `${modality} attributions of shape [${shape.join(', ')}]`;
  }),
});
