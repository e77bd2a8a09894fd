// The samples behind a clicked cell: image thumbnails (PNG made in the kernel), texts or ids, each with its position in
// the user's inputs and the score of the predicted class. Payload strings are set as text; an image source is used
// only when it is plain base64.
import type { Samples } from './parse.js';

const BASE64 = /^[A-Za-z0-9+/]+=*$/;

export const SAMPLES_CSS = `
.mv-CmSamples { margin: 8px 0; padding: 6px 8px; border: 1px solid var(--mv-border); border-radius: 3px; }
.mv-CmSamples[hidden] { display: none; }
.mv-CmSamplesHead { font-weight: 600; margin: 0 0 6px; }
.mv-CmSamplesNote { color: var(--mv-muted); font-weight: normal; margin-left: 8px; }
.mv-CmSampleList { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.mv-CmSample { display: flex; flex-direction: column; align-items: center; gap: 2px; font-size: 0.9em;
  font-variant-numeric: tabular-nums; }
.mv-CmSample img, .mv-CmSampleBlank { width: 80px; height: 80px; object-fit: contain; image-rendering: pixelated;
  border: 1px solid var(--mv-border); background: var(--mv-bg); }
.mv-CmSampleText { max-width: 260px; max-height: 5.6em; overflow: hidden; white-space: pre-wrap;
  border: 1px solid var(--mv-border); padding: 2px 6px; align-self: stretch; }
.mv-CmSampleIndex, .mv-CmSampleScore { color: var(--mv-muted); }
.mv-CmSamplesEmpty { color: var(--mv-muted); }
`;

function count(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toPrecision(4);
}

export class SamplesPanel {
  readonly element: HTMLElement;

  constructor(private readonly doc: Document) {
    this.element = doc.createElement('section');
    this.element.className = 'mv-CmSamples';
    this.element.setAttribute('aria-label', 'Samples of the selected cell');
    this.element.hidden = true;
  }

  show(s: Samples | null, row: number, col: number, labels: string[], total: number): void {
    const doc = this.doc;
    const n = labels.length;
    const head = doc.createElement('div');
    head.className = 'mv-CmSamplesHead';
    head.textContent = `true '${labels[row]}' → predicted '${labels[col]}' · ${count(total)} sample${total === 1 ? '' : 's'}`;
    const parts: HTMLElement[] = [head];
    const empty = (text: string): HTMLElement =>
      Object.assign(doc.createElement('div'), { className: 'mv-CmSamplesEmpty', textContent: text });
    if (!s) {
      parts.push(
        empty('No samples were sent: pass samples= to modelviz.confusion_matrix to see the examples behind a cell.'),
      );
    } else {
      const items = s.byCell.get(row * n + col) ?? [];
      if (items.length === 0) {
        let text = 'No samples for this cell.';
        if (total > 0 && s.perCell) text += ` (the kernel sends at most ${s.perCell} per cell and a few MB in all)`;
        parts.push(empty(text));
      } else {
        if (total > items.length) {
          const note = doc.createElement('span');
          note.className = 'mv-CmSamplesNote';
          note.textContent = `showing ${items.length} of ${count(total)}${s.score ? ', the most confident first' : ''}`;
          head.appendChild(note);
        }
        const list = doc.createElement('ul');
        list.className = 'mv-CmSampleList';
        for (const k of items) list.appendChild(this.item(s, k));
        parts.push(list);
      }
    }
    this.element.replaceChildren(...parts);
    this.element.hidden = false;
  }

  private item(s: Samples, k: number): HTMLElement {
    const doc = this.doc;
    const li = doc.createElement('li');
    li.className = 'mv-CmSample';
    if (s.kind === 'image') {
      const b64 = s.images?.[k] ?? '';
      if (b64 && BASE64.test(b64)) {
        const img = doc.createElement('img');
        img.alt = `sample #${s.index[k]}`;
        img.src = `data:image/png;base64,${b64}`;
        li.appendChild(img);
      } else {
        const blank = doc.createElement('div');
        blank.className = 'mv-CmSampleBlank';
        blank.title = 'thumbnail not sent (byte budget)';
        li.appendChild(blank);
      }
    } else {
      const text = doc.createElement('div');
      text.className = 'mv-CmSampleText';
      const value = s.text?.[k] ?? '';
      text.textContent = value;
      text.title = value;
      li.appendChild(text);
    }
    const index = doc.createElement('span');
    index.className = 'mv-CmSampleIndex';
    index.textContent = `#${s.index[k]}`;
    li.appendChild(index);
    const score = s.score?.[k];
    if (score !== undefined && !Number.isNaN(score)) {
      const sc = doc.createElement('span');
      sc.className = 'mv-CmSampleScore';
      sc.textContent = `score ${score.toFixed(3)}`;
      li.appendChild(sc);
    }
    return li;
  }

  clear(): void {
    this.element.replaceChildren();
    this.element.hidden = true;
  }

  dispose(): void {
    this.element.remove();
  }
}
