import type { ExplanationPayload } from '../generated/explanation.js';
import { defineRenderer } from '../core/define.js';
import { parseExplanation, type Explanation } from './parse.js';
import { createExplanationView } from './view.js';

/** application/vnd.modelviz.explanation.v1+json */
export const render = defineRenderer<ExplanationPayload, Explanation>({
  kind: 'explanation',
  parse: parseExplanation,
  create: createExplanationView,
});
export { parseExplanation } from './parse.js';
