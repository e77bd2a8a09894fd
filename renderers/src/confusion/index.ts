import type { ConfusionPayload } from '../generated/confusion.js';
import { defineRenderer } from '../core/define.js';
import { parseConfusion } from './parse.js';
import { createConfusionView } from './view.js';

/** application/vnd.modelviz.confusion.v1+json */
export const render = defineRenderer<ConfusionPayload, ReturnType<typeof parseConfusion>>({
  kind: 'confusion',
  parse: parseConfusion,
  create: createConfusionView,
});
