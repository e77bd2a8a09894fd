import type { GraphPayload } from '../generated/graph.js';
import { defineRenderer } from '../core/define.js';
import { parseGraph, type GraphModel } from './model.js';
import { contract } from './fold.js';
import { createGraphView } from './view.js';

export { parseGraph, type GraphModel } from './model.js';
export { contract } from './fold.js';
export type { GraphAutomation, GraphViewElement } from './view.js';

/** application/vnd.modelviz.graph.v1+json */
export const render = defineRenderer<GraphPayload, GraphModel>({
  kind: 'graph',
  parse: (p: GraphPayload) => contract(parseGraph(p)),
  create: createGraphView,
});
