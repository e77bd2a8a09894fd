// Export: the current graph as SVG (elements built with createElementNS, text as text nodes) and the current view as
// PNG (Canvas 2D composition of the same scene plus labels), both as downloads.
import type { Theme } from '../core/types.js';
import { cssColor, type RGBA } from './colors.js';
import type { LabelSpec } from './labels.js';
import { KIND_CONTAINER, type Scene } from './scene.js';
import { download as saveFile } from '../core/download.js';

const SVG = 'http://www.w3.org/2000/svg';

const rgba = (c: ArrayLike<number>, k: number): string =>
  cssColor([c[4 * k], c[4 * k + 1], c[4 * k + 2], c[4 * k + 3]] as RGBA);

/** The whole scene at world scale; `labels` are in world coordinates (computed for the identity view). */
export function sceneToSvg(doc: Document, scene: Scene, labels: LabelSpec[], theme: Theme, margin = 16): SVGSVGElement {
  const { x0, y0, x1, y1 } = scene.bounds;
  const W = Math.ceil(x1 - x0 + 2 * margin);
  const H = Math.ceil(y1 - y0 + 2 * margin);
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('xmlns', SVG);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('font-family', theme.fontFamily);
  const bg = doc.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(W));
  bg.setAttribute('height', String(H));
  bg.setAttribute('fill', theme.background);
  svg.appendChild(bg);
  const g = doc.createElementNS(SVG, 'g');
  g.setAttribute('transform', `translate(${(margin - x0).toFixed(1)},${(margin - y0).toFixed(1)})`);
  svg.appendChild(g);
  const rect = (k: number): void => {
    const r = doc.createElementNS(SVG, 'rect');
    const [x, y, w, h] = scene.rect.subarray(4 * k, 4 * k + 4);
    r.setAttribute('x', x.toFixed(1));
    r.setAttribute('y', y.toFixed(1));
    r.setAttribute('width', w.toFixed(1));
    r.setAttribute('height', h.toFixed(1));
    r.setAttribute('rx', String(scene.style[2 * k]));
    r.setAttribute('fill', rgba(scene.fill, k));
    r.setAttribute('stroke', rgba(scene.stroke, k));
    r.setAttribute('stroke-width', String(scene.style[2 * k + 1]));
    g.appendChild(r);
  };
  let containers = 0;
  while (containers < scene.nRects && scene.kind[containers] === KIND_CONTAINER) rect(containers++);
  // One path per edge (its segments and arrowhead).
  const edges = scene.edgeSeg.length / 2;
  for (let e = 0; e < edges; e++) {
    const parts: string[] = [];
    for (let k = scene.edgeSeg[2 * e]; k < scene.edgeSeg[2 * e + 1]; k++) {
      const s = scene.seg;
      parts.push(
        `M${s[4 * k].toFixed(1)} ${s[4 * k + 1].toFixed(1)}L${s[4 * k + 2].toFixed(1)} ${s[4 * k + 3].toFixed(1)}`,
      );
    }
    if (!parts.length) continue;
    const p = doc.createElementNS(SVG, 'path');
    p.setAttribute('d', parts.join(''));
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', rgba(scene.segColor, scene.edgeSeg[2 * e]));
    p.setAttribute('stroke-width', '1.2');
    g.appendChild(p);
  }
  for (let k = containers; k < scene.nRects; k++) rect(k);
  for (const l of labels) {
    const t = doc.createElementNS(SVG, 'text');
    t.setAttribute('x', l.x.toFixed(1));
    t.setAttribute('y', l.y.toFixed(1));
    t.setAttribute('font-size', l.size.toFixed(1));
    if (l.bold) t.setAttribute('font-weight', '600');
    t.setAttribute('fill', l.color);
    t.setAttribute('text-anchor', l.align === 'center' ? 'middle' : 'start');
    t.setAttribute('dominant-baseline', 'central');
    t.textContent = l.text;
    g.appendChild(t);
  }
  return svg;
}

export function download(doc: Document, blob: Blob, filename: string): void {
  saveFile(doc, filename, blob);
}

export function fileStem(title: string): string {
  return (title || 'graph').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'graph';
}
