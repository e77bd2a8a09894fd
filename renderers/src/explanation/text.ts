// Token attributions: each text as it reads (sub-word pieces joined), each token's background coloured by its
// attribution on a symmetric diverging scale per text (red raises the output, blue lowers it), text colour chosen by
// contrast so it reads in light and dark themes; the exact value in the token's tooltip and accessible name. One row
// per explained output, with its label and score.
import { table, textOn } from './colormap.js';
import type { ExplainedOutput, TextModel } from './parse.js';

export const TEXT_CSS = `
.mv-XText { margin: 0 0 10px; }
.mv-XTextRow { display: flex; gap: 10px; align-items: baseline; margin: 2px 0; }
.mv-XTextLabel { flex: 0 0 auto; min-width: 90px; font-weight: 600; white-space: nowrap; }
.mv-XTextLabel .mv-XNote { font-weight: normal; color: var(--mv-muted); margin-left: 4px; }
.mv-XTokens { line-height: 1.9; }
.mv-XToken { border-radius: 3px; padding: 1px 1px; white-space: pre-wrap; }
.mv-XTextScale { color: var(--mv-muted); font-size: 0.9em; }
`;

/** Background of a value on the symmetric scale [-scale, scale]: as RGB. */
export function tokenColor(v: number, scale: number): [number, number, number] {
  const t = 0.5 + 0.5 * Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
  const tb = table('red-blue');
  const k = Math.round(t * 255) * 3;
  return [tb[k], tb[k + 1], tb[k + 2]];
}

export class TextView {
  readonly element: HTMLElement;

  constructor(
    private readonly doc: Document,
    model: TextModel,
    outputs: ExplainedOutput[],
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'mv-XTexts';
    this.update(model, outputs);
  }

  update(model: TextModel, outputs: ExplainedOutput[]): void {
    const doc = this.doc;
    this.element.replaceChildren(
      ...model.texts.map((t, i) => {
        const box = doc.createElement('section');
        box.className = 'mv-XText';
        box.setAttribute('aria-label', `text ${i}`);
        let scale = 0;
        for (const r of t.rows) for (const v of r.values) scale = Math.max(scale, Math.abs(v));
        for (const r of t.rows) {
          const row = doc.createElement('div');
          row.className = 'mv-XTextRow';
          const label = doc.createElement('span');
          label.className = 'mv-XTextLabel';
          label.textContent = outputs[r.output].label;
          if (r.score !== null) {
            const s = doc.createElement('span');
            s.className = 'mv-XNote';
            s.textContent = r.score.toFixed(3);
            label.appendChild(s);
          }
          const tokens = doc.createElement('span');
          tokens.className = 'mv-XTokens';
          t.tokens.forEach((tok, k) => {
            if (k > 0 && !t.joins[k]) tokens.appendChild(doc.createTextNode(' '));
            const span = doc.createElement('span');
            span.className = 'mv-XToken';
            span.textContent = tok;
            const v = r.values[k];
            const [cr, cg, cb] = tokenColor(v, scale);
            span.style.background = `rgb(${cr}, ${cg}, ${cb})`;
            span.style.color = textOn(cr, cg, cb);
            span.dataset.value = String(v);
            span.title = `${tok}: ${v.toPrecision(4)}`;
            span.setAttribute('aria-label', `${tok} ${v.toPrecision(4)}`);
            tokens.appendChild(span);
          });
          row.append(label, tokens);
          box.appendChild(row);
        }
        const note = doc.createElement('div');
        note.className = 'mv-XTextScale';
        note.textContent = `scale ±${scale.toPrecision(3)}${t.method ? ` · ${t.method}` : ''} · red raises the output, blue lowers it`;
        box.appendChild(note);
        return box;
      }),
    );
  }

  dispose(): void {
    this.element.remove();
  }
}
