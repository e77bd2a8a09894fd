// A recorder standing in for plotly.js under JSDOM (which has no layout engine or canvas).
// It draws each tick label and cell text as text nodes, so tests can check what a user would read.
import type { Data, Layout } from 'plotly.js';

export interface Call {
  fn: 'react' | 'purge';
  el: HTMLElement;
  data?: Data[];
  layout?: Partial<Layout>;
}

export const calls: Call[] = [];

interface HeatmapLike {
  text?: string[][];
}

const Plotly = {
  async react(el: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<HTMLElement> {
    calls.push({ fn: 'react', el, data, layout });
    const ticks = (layout.xaxis?.ticktext ?? []) as string[];
    const texts = (data[0] as HeatmapLike | undefined)?.text ?? []; // a chart with every trace hidden has none
    el.replaceChildren(
      ...[...ticks, ...texts.flat()].map((t) => {
        const span = el.ownerDocument.createElement('span');
        span.className = 'fake-text';
        span.textContent = t;
        return span;
      }),
    );
    return el;
  },
  purge(el: HTMLElement): void {
    calls.push({ fn: 'purge', el });
    el.replaceChildren();
  },
};

export default Plotly;
