import type { ScalarsPayload } from '../generated/scalars.js';
import { defineRenderer } from '../core/define.js';
import { parseScalars, type Dashboard } from './parse.js';
import { createScalarsView } from './view.js';

export { parseScalars } from './parse.js';
export type { Dashboard } from './parse.js';

/** application/vnd.modelviz.scalars.v1+json */
export const render = defineRenderer<ScalarsPayload, Dashboard>({
  kind: 'scalars',
  parse: parseScalars,
  create: createScalarsView,
});
