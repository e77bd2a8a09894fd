// ts-jest compiles files one by one; this reference makes it see the plotly.js-dist-min declaration too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../shims.d.ts" />
// Heavy libraries load lazily, once, through one cached dynamic import each.
import type * as PlotlyTypes from 'plotly.js';
import type * as TfjsCore from '@tensorflow/tfjs-core';

export type Plotly = typeof PlotlyTypes;

let plotly: Promise<Plotly> | undefined;
export function loadPlotly(): Promise<Plotly> {
  plotly ??= import(/* webpackChunkName: "plotly" */ 'plotly.js-dist-min').then(
    (m: { default?: Plotly }) => (m.default ?? m) as Plotly,
  );
  return plotly;
}

export type Tfjs = typeof TfjsCore;

let tfjs: Promise<Tfjs> | undefined;
/** TensorFlow.js core with the WebGL backend registered (for in-browser projections). */
export function loadTfjs(): Promise<Tfjs> {
  tfjs ??= Promise.all([
    import(/* webpackChunkName: "tfjs" */ '@tensorflow/tfjs-core'),
    import(/* webpackChunkName: "tfjs" */ '@tensorflow/tfjs-backend-webgl'),
  ]).then(([core]) => core);
  return tfjs;
}

/** Plotly renders a subset of HTML inside text; escape so payload strings always show literally. */
export function plotlyText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
