import { CURVES_CSS } from './curves.js';
import { SAMPLES_CSS } from './samples.js';
import { TABLE_CSS } from './table.js';
import { THRESHOLD_CSS } from './threshold.js';

/** The confusion view's layout; the panels style their own insides with mv-Cm… classes. */
const LAYOUT_CSS = `
.mv-CmToolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 0 0 6px; }
.mv-CmToolbar .mv-Toolbar { margin-left: 0; }
.mv-CmToolbar select, .mv-CmToggle { font: inherit; color: var(--mv-fg); background: transparent;
  border: 1px solid var(--mv-border); border-radius: 3px; padding: 1px 6px; }
.mv-CmToggle { cursor: pointer; }
.mv-CmToggle[aria-pressed="true"] { background: var(--mv-accent); border-color: var(--mv-accent); color: #fff; }
.mv-CmToolbar select option { color: initial; }
.mv-CmLive { color: #fff; background: var(--mv-accent); border-radius: 8px; padding: 0 8px; font-size: 0.9em; }
.mv-CmThreshold { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin: 0 0 6px; }
.mv-CmThreshold[hidden] { display: none; }
.mv-CmMain { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.mv-CmMaps { flex: 1 1 520px; min-width: 0; display: flex; flex-wrap: wrap; gap: 8px; }
.mv-CmMap { margin: 0; flex: 1 1 360px; min-width: 0; }
.mv-CmMaps[data-panels="1"] .mv-CmMap { flex-basis: 100%; }
.mv-CmMap > figcaption { font-weight: 600; margin: 0 0 2px; }
.mv-CmSide { flex: 1 0 220px; max-width: 100%; max-height: 640px; overflow: auto; }
.mv-ConfusedPairs { margin: 0; padding-left: 22px; }
.mv-ConfusedPair:hover { text-decoration: underline; }
.mv-CmSideTitle { font-weight: 600; margin: 0 0 4px; }
.mv-CmEmpty { color: var(--mv-muted); }
.mv-CmLower { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 8px; align-items: flex-start; }
.mv-CmLower > * { flex: 1 1 420px; min-width: 0; }
.mv-CmCurves[hidden] { display: none; }
.mv-CmCells { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

export const CONFUSION_CSS = [LAYOUT_CSS, TABLE_CSS, CURVES_CSS, THRESHOLD_CSS, SAMPLES_CSS].join('\n');
